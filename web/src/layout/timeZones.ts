/** IANA time zones the browser knows, for time-zone pickers (a short list if Intl cannot enumerate them). */
export function timeZoneOptions(): Array<{ value: string; label: string }> {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [
      'Asia/Shanghai',
      'Asia/Hong_Kong',
      'Asia/Singapore',
      'Asia/Tokyo',
      'Europe/London',
      'America/New_York',
    ];
  }
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  return zones.map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') }));
}

/** The browser's own time zone, as the default for a new workspace. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
