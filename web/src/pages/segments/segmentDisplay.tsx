import { ClockCircleOutlined, ExclamationCircleOutlined, SyncOutlined } from '@ant-design/icons';
import { Progress, Space, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { MONEY_METRICS, type Segment, type SegmentCondition, type SegmentText } from '../../api/segments';
import { TimeText } from '../../components/TimeText';
import { useFormatters } from '../../i18n/format';
import { useChannels } from '../../lib/useChannels';

/** Traits with a name of their own in the console (the customers page's filter offers the same). */
export const COMMON_TRAITS = ['city', 'region', 'gender', 'language'] as const;

/** A segment's name (or any bilingual text) in the UI language, falling back to the other language. */
export function useSegmentText(): (text: SegmentText | null | undefined) => string {
  const { i18n } = useTranslation();
  const zh = i18n.resolvedLanguage === 'zh-CN';
  return useCallback(
    (text) => {
      if (!text) return '';
      const own = zh ? text['zh-CN'] : text.en;
      return own || (zh ? text.en : text['zh-CN']) || '';
    },
    [zh],
  );
}

export function SegmentStatusTag({ status }: { status: Segment['status'] }) {
  const { t } = useTranslation();
  return (
    <Tag color={status === 'active' ? 'green' : 'default'} data-testid="segment-status">
      {t(`segments.status.${status}`)}
    </Tag>
  );
}

/** Marks a rule whose members change with time alone (recomputed every hour). */
export function TimeDependentBadge() {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('segments.timeDependentHelp')}>
      <Tag icon={<ClockCircleOutlined />} color="geekblue" data-testid="time-dependent" tabIndex={0}>
        {t('segments.timeDependent')}
      </Tag>
    </Tooltip>
  );
}

/** The state of the member computation: progress while running, the error when it failed, else when it ran. */
export function RefreshState({ segment, compact = false }: { segment: Segment; compact?: boolean }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const { refresh } = segment;
  if (refresh.status === 'running') {
    const percent = Math.floor(refresh.progress * 100);
    return (
      <div className="tp-seg-refresh" data-testid="refresh-running">
        <Space size={6}>
          <SyncOutlined spin className="tp-muted" />
          <Typography.Text className="tp-small">
            {refresh.total > 0
              ? t('segments.refresh.running', {
                  processed: format.number(refresh.processed),
                  total: format.number(refresh.total),
                })
              : t('segments.refresh.starting')}
          </Typography.Text>
        </Space>
        <Progress
          percent={percent}
          size="small"
          status="active"
          aria-label={t('segments.refresh.progress')}
          style={{ margin: 0, maxWidth: compact ? 180 : 320 }}
        />
      </div>
    );
  }
  if (refresh.status === 'failed') {
    return (
      <Tooltip title={refresh.error ?? undefined}>
        <Tag icon={<ExclamationCircleOutlined />} color="error" data-testid="refresh-failed" tabIndex={0}>
          {t('segments.refresh.failed')}
        </Tag>
      </Tooltip>
    );
  }
  return (
    <Typography.Text type="secondary" className="tp-small" data-testid="refresh-idle">
      {refresh.refreshedAt ? (
        <>
          {t('segments.refresh.updated')} <TimeText iso={refresh.refreshedAt} relative />
        </>
      ) : (
        t('segments.refresh.never')
      )}
    </Typography.Text>
  );
}

/**
 * Calls `poll` every `intervalMs` while `active` (a refresh is running), and stops when it is not or the page is
 * hidden; the latest `poll` is always used.
 */
export function usePolling(active: boolean, poll: () => void, intervalMs = 1500): void {
  const pollRef = useRef(poll);
  useEffect(() => {
    pollRef.current = poll;
  });
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') pollRef.current();
    }, intervalMs);
    return () => window.clearInterval(timer);
  }, [active, intervalMs]);
}

/** One sentence per leaf condition, in the UI language ("Total spend ≥ ¥500.00"). */
export function useConditionText(): (c: SegmentCondition) => string {
  const { t } = useTranslation();
  const format = useFormatters();
  const { nameOf } = useChannels();
  return useCallback(
    (c: SegmentCondition): string => {
      const scalar = (v: string | number | boolean) =>
        typeof v === 'boolean'
          ? t(v ? 'common.yes' : 'common.no')
          : typeof v === 'number'
            ? format.number(v)
            : `“${v}”`;
      switch (c.type) {
        case 'all':
        case 'any':
          return t(`segments.summary.${c.type}`);
        case 'not':
          return t('segments.summary.not');
        case 'trait': {
          const op = t(`segments.traitOps.${c.op}`);
          const known = (COMMON_TRAITS as readonly string[]).includes(c.trait)
            ? t(`customers.traitKeys.${c.trait as (typeof COMMON_TRAITS)[number]}`)
            : null;
          const trait = known ?? t('segments.summary.traitNamed', { trait: c.trait });
          if (c.op === 'exists' || c.op === 'not_exists')
            return t('segments.summary.traitNoValue', { trait, op });
          if ('values' in c)
            return t('segments.summary.trait', {
              trait,
              op,
              value: c.values.map(scalar).join(', '),
            });
          return t('segments.summary.trait', {
            trait,
            op,
            value: 'value' in c ? scalar(c.value) : '',
          });
        }
        case 'metric': {
          const value = MONEY_METRICS.has(c.metric)
            ? format.money(c.value)
            : `${format.number(c.value)} ${t(`segments.metricUnits.${c.metric}`)}`.trim();
          return t('segments.summary.metric', {
            metric: t(`segments.metrics.${c.metric}`),
            op: t(`segments.numberOps.${c.op}`),
            value,
          });
        }
        case 'recency':
          return t(`segments.summary.recency.${c.op}`, {
            field: t(`segments.recencyFields.${c.field}`),
            days: format.number(c.days),
          });
        case 'channel':
          return t('segments.summary.channel', {
            channel: nameOf(c.channel),
            count: c.minEvents ?? 1,
          });
        case 'interest':
          return t('segments.summary.interest', { interest: c.interest, count: c.minCount ?? 1 });
        case 'subscription': {
          const status = t(`customer.subscriptions.statuses.${c.status}`);
          const product = c.product ?? t('segments.summary.anyProduct');
          return c.trialEndsWithinDays !== undefined
            ? t('segments.summary.trialEnding', { product, days: format.number(c.trialEndsWithinDays) })
            : t('segments.summary.subscription', { product, status });
        }
        case 'contact':
          return t(`segments.summary.contact.${c.via}`);
      }
    },
    [t, format, nameOf],
  );
}

/** The rule as nested, readable lists. */
export function ConditionSummary({ condition }: { condition: SegmentCondition }) {
  const text = useConditionText();
  const { t } = useTranslation();
  const render = (c: SegmentCondition, negate = false): ReactNode => {
    if (c.type === 'not') return render(c.condition, !negate);
    const not = negate ? (
      <Tag color="red" variant="filled" className="tp-seg-not-tag">
        {t('segments.builder.not')}
      </Tag>
    ) : null;
    if (c.type === 'all' || c.type === 'any') {
      return (
        <>
          {not}
          <Typography.Text strong>{text(c)}</Typography.Text>
          <ul className="tp-seg-summary-list">
            {c.conditions.map((x, i) => (
              <li key={i}>{render(x)}</li>
            ))}
          </ul>
        </>
      );
    }
    return (
      <>
        {not}
        <span>{text(c)}</span>
      </>
    );
  };
  return (
    <div className="tp-seg-summary" data-testid="condition-summary">
      {render(condition)}
    </div>
  );
}
