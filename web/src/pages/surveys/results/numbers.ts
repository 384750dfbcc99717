import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Interval } from '../../../api/surveys';

export interface NumberFormat {
  /** A number with at most `digits` decimals in the reader's locale; "—" for null. */
  n: (value: number | null | undefined, digits?: number) => string;
  /** A share 0–1 as a percentage. */
  pct: (share: number | null | undefined, digits?: number) => string;
  /** "[lower, upper]" */
  ci: (ci: Interval | null | undefined, digits?: number) => string;
}

export function useNumberFormat(): NumberFormat {
  const { i18n, t } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  return useMemo(() => {
    const cache = new Map<number, Intl.NumberFormat>();
    const nf = (digits: number) => {
      let f = cache.get(digits);
      if (!f) {
        f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
        cache.set(digits, f);
      }
      return f;
    };
    const none = t('common.none');
    const n = (value: number | null | undefined, digits = 1) =>
      value === null || value === undefined || !Number.isFinite(value) ? none : nf(digits).format(value);
    return {
      n,
      pct: (share, digits = 0) =>
        share === null || share === undefined ? none : `${n(share * 100, digits)}%`,
      ci: (ci, digits = 1) => (ci ? `[${n(ci.lower, digits)}, ${n(ci.upper, digits)}]` : none),
    };
  }, [locale, t]);
}
