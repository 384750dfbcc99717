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
  /** Time of day only, e.g. "14:05" / "2:05 PM" (for lists already grouped by day). */
  time: (iso: string) => string;
  /** "3 hours ago" / "3小时前". */
  relative: (iso: string, now?: number) => string;
  number: (value: number) => string;
  /**
   * Money from the API's minor units (hundredths: fen, cents) in a currency, CNY when none or unknown, e.g.
   * "¥1,234.50" / "CN¥1,234.50".
   */
  money: (minor: number, currency?: string | null) => string;
  /** A calendar date without a time ("1985-03-15"), the same day in every time zone; other text as it is. */
  calendarDate: (value: string) => string;
  /** The name of a language tag in the reader's language ("zh-CN" → "Chinese (China)"); the tag when unknown. */
  languageName: (tag: string) => string;
}

/** The currency when no other is known: the console's first users are in China. */
export const DEFAULT_CURRENCY = 'CNY';

/** Creates Intl-based formatters for one language. */
export function createFormatters(locale: string, justNow: string): Formatters {
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const timeFormat = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
  const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const numberFormat = new Intl.NumberFormat(locale);
  const calendarFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  const moneyFormat = (currency: string): Intl.NumberFormat => {
    let format = moneyFormats.get(currency);
    if (!format) {
      try {
        format = new Intl.NumberFormat(locale, { style: 'currency', currency });
      } catch {
        // Not an ISO 4217 code (free text from an event): fall back rather than fail the page.
        format = new Intl.NumberFormat(locale, { style: 'currency', currency: DEFAULT_CURRENCY });
      }
      moneyFormats.set(currency, format);
    }
    return format;
  };
  let languageNames: Intl.DisplayNames | null = null;
  try {
    languageNames = new Intl.DisplayNames(locale, { type: 'language' });
  } catch {
    languageNames = null;
  }
  const safe = (iso: string, format: (date: Date) => string) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : format(date);
  };
  return {
    dateTime: (iso) => safe(iso, (d) => dateTimeFormat.format(d)),
    date: (iso) => safe(iso, (d) => dateFormat.format(d)),
    time: (iso) => safe(iso, (d) => timeFormat.format(d)),
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
    // The API counts every currency in hundredths (it multiplies major units by 100 on collection).
    money: (minor, currency) => moneyFormat((currency || DEFAULT_CURRENCY).toUpperCase()).format(minor / 100),
    calendarDate: (value) => {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.slice(0, 10));
      if (!match) return value;
      const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
      return Number.isNaN(date.getTime()) ? value : calendarFormat.format(date);
    },
    languageName: (tag) => {
      try {
        return languageNames?.of(tag) ?? tag;
      } catch {
        return tag; // not a well-formed language tag
      }
    },
  };
}

/** Formatters for the current UI language; they change when the language does. */
export function useFormatters(): Formatters {
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  return useMemo(() => createFormatters(locale, t('time.justNow')), [locale, t]);
}
