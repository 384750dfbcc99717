import { Input, Segmented, Space } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Bilingual, DayRange } from '../../api/journeys';
import { useSession } from '../../session/SessionContext';

const DAY_MS = 86_400_000;

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function dayIn(timeZone: string, time: number): string {
  try {
    // en-CA formats dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(time);
  } catch {
    return new Date(time).toISOString().slice(0, 10);
  }
}

/** Adds days to a YYYY-MM-DD calendar day. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Inclusive days between two calendar days. */
export function daysBetween(range: DayRange): number {
  const a = Date.parse(`${range.from}T00:00:00Z`);
  const b = Date.parse(`${range.to}T00:00:00Z`);
  return Math.round((b - a) / DAY_MS) + 1;
}

/** The period of the same length just before a range. */
export function previousRange(range: DayRange): DayRange {
  const length = daysBetween(range);
  return { from: addDays(range.from, -length), to: addDays(range.from, -1) };
}

/** The workspace's time zone (days in analytics are local to it). */
export function useWorkspaceTimeZone(): string {
  const { current } = useSession();
  return current?.workspace.timeZone ?? 'UTC';
}

/** The last `days` days up to today in the workspace's time zone. */
export function lastDays(timeZone: string, days: number, now = Date.now()): DayRange {
  const to = dayIn(timeZone, now);
  return { from: addDays(to, -(days - 1)), to };
}

/** The text of a bilingual field in the UI language, falling back to the other language. */
export function useLocalText(): (text: Bilingual | Record<string, string> | null | undefined) => string {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage === 'zh-CN' ? 'zh-CN' : 'en';
  return useCallback(
    (text) => {
      if (!text) return '';
      const own = text[language as keyof typeof text];
      if (own) return own;
      return Object.values(text).find((value) => typeof value === 'string' && value !== '') ?? '';
    },
    [language],
  );
}

const PRESETS = [7, 30, 90] as const;

// The date picker is sizeable and most people use the presets: it loads after the page.
const RangeInput = lazy(() => import('./RangeInput').then((m) => ({ default: m.RangeInput })));

/** Preset periods (last 7/30/90 days) and a custom date range, in local days of the workspace. */
export function PeriodPicker({
  value,
  onChange,
  testId,
}: {
  value: DayRange;
  onChange: (range: DayRange) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const timeZone = useWorkspaceTimeZone();
  const preset = PRESETS.find((days) => {
    const r = lastDays(timeZone, days);
    return r.from === value.from && r.to === value.to;
  });
  return (
    <Space wrap data-testid={testId}>
      <Segmented<string>
        aria-label={t('journeys.period.label')}
        value={preset ? String(preset) : 'custom'}
        options={[
          ...PRESETS.map((days) => ({ value: String(days), label: t('journeys.period.lastDays', { days }) })),
          { value: 'custom', label: t('journeys.period.custom'), disabled: true },
        ]}
        onChange={(next) => {
          const days = Number(next);
          if (Number.isFinite(days)) onChange(lastDays(timeZone, days));
        }}
      />
      <Suspense
        fallback={
          <Input
            disabled
            aria-label={t('journeys.period.range')}
            value={`${value.from} – ${value.to}`}
            style={{ width: 240 }}
          />
        }
      >
        <RangeInput
          value={value}
          onChange={onChange}
          today={dayIn(timeZone, Date.now())}
          ariaLabel={t('journeys.period.range')}
        />
      </Suspense>
    </Space>
  );
}

export type Loadable<T> =
  { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; data: T };

/**
 * Loads data for a key (re-loading when the key changes; outdated answers are dropped) with a reload function.
 * `load` may return null to mean "nothing to load".
 */
export function useLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string,
): Loadable<T> & { reload: () => void } {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    loadRef
      .current(controller.signal)
      .then((data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      });
    return () => controller.abort();
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return useMemo(() => ({ ...state, reload }), [state, reload]);
}

/** A percentage of a 0–1 share in the UI language ("34.5%"). */
export function usePercent(): (share: number | null | undefined, digits?: number) => string {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  return useCallback(
    (share, digits = 1) =>
      share === null || share === undefined || !Number.isFinite(share)
        ? '—'
        : new Intl.NumberFormat(locale, {
            style: 'percent',
            minimumFractionDigits: 0,
            maximumFractionDigits: digits,
          }).format(share),
    [locale],
  );
}

/** A number with at most `digits` decimals in the UI language; "—" for nothing. */
export function useDecimal(): (value: number | null | undefined, digits?: number) => string {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  return useCallback(
    (value, digits = 1) =>
      value === null || value === undefined || !Number.isFinite(value)
        ? '—'
        : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value),
    [locale],
  );
}

/** A duration in ms as "2.5 d" / "3.1 h" / "12 min" in the UI language. */
export function useDuration(): (ms: number | null | undefined) => string {
  const { t } = useTranslation();
  const decimal = useDecimal();
  return useCallback(
    (ms) => {
      if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
      if (ms >= DAY_MS) return t('journeys.units.days', { value: decimal(ms / DAY_MS) });
      if (ms >= 3_600_000) return t('journeys.units.hours', { value: decimal(ms / 3_600_000) });
      return t('journeys.units.minutes', { value: decimal(Math.max(ms / 60_000, 0), 0) });
    },
    [t, decimal],
  );
}
