import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

export interface Formatters {
  /** Date and time in the reader's time zone, e.g. "2025年3月1日 14:05" / "Mar 1, 2025, 2:05 PM". */
  dateTime: (iso: string) => string;
  date: (iso: string) => string;
  /** "3 hours ago" / "3小时前". */
  relative: (iso: string, now?: number) => string;
  number: (value: number) => string;
}

/** Creates Intl-based formatters for one language. */
export function createFormatters(locale: string, justNow: string): Formatters {
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const numberFormat = new Intl.NumberFormat(locale);
  const safe = (iso: string, format: (date: Date) => string) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : format(date);
  };
  return {
    dateTime: (iso) => safe(iso, (d) => dateTimeFormat.format(d)),
    date: (iso) => safe(iso, (d) => dateFormat.format(d)),
    relative: (iso, now = Date.now()) =>
      safe(iso, (d) => {
        const seconds = Math.round((d.getTime() - now) / 1000);
        if (Math.abs(seconds) < 45) return justNow;
        for (const [unit, size] of UNITS) {
          if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
        }
        return relativeFormat.format(Math.round(seconds / 60) || -1, 'minute');
      }),
    number: (value) => numberFormat.format(value),
  };
}

/** Formatters for the current UI language; they change when the language does. */
export function useFormatters(): Formatters {
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  return useMemo(() => createFormatters(locale, t('time.justNow')), [locale, t]);
}
