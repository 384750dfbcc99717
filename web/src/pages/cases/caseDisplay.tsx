import {
  ClockCircleOutlined,
  ExclamationCircleOutlined,
  FireOutlined,
  FrownOutlined,
  MehOutlined,
  PauseCircleOutlined,
  SmileOutlined,
  CheckCircleOutlined,
} from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, membersApi, type Member } from '../../api';
import {
  caseSettingsApi,
  type Bilingual,
  type CasePriority,
  type CaseStatus,
  type SlaState,
  type TaxonomyCategory,
  type Team,
} from '../../api/cases';
import { isLocale } from '../../i18n';
import { useFormatters } from '../../i18n/format';
import { useSession } from '../../session/SessionContext';

/** The name in the UI language (English when the language is unknown). */
export function useBilingual(): (name: Bilingual) => string {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage;
  return useCallback((name: Bilingual) => (isLocale(language) ? name[language] : name.en), [language]);
}

/** The current time, ticking every `intervalMs` (for live SLA countdowns). */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** A duration as people read it: "2 d 3 h", "3 h 05 min", "12 min". */
export function useDuration(): (ms: number) => string {
  const { t } = useTranslation();
  return useCallback(
    (ms: number) => {
      const minutes = Math.max(0, Math.round(Math.abs(ms) / 60_000));
      const d = Math.floor(minutes / 1440);
      const h = Math.floor((minutes % 1440) / 60);
      const m = minutes % 60;
      if (d > 0) return t('cases.duration.dh', { d, h });
      if (h > 0) return t('cases.duration.hm', { h, m: String(m).padStart(2, '0') });
      return t('cases.duration.m', { m });
    },
    [t],
  );
}

const STATUS_COLORS: Record<CaseStatus, string> = {
  new: 'blue',
  open: 'processing',
  pending_customer: 'gold',
  resolved: 'success',
  closed: 'default',
};

export function StatusTag({ status }: { status: CaseStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status] ?? 'default'} data-testid="case-status">
      {t(`cases.status.${status}`)}
    </Tag>
  );
}

const PRIORITY_COLORS: Record<CasePriority, string> = {
  low: 'default',
  normal: 'blue',
  high: 'orange',
  urgent: 'red',
};

export function PriorityTag({ priority }: { priority: CasePriority }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={PRIORITY_COLORS[priority] ?? 'default'}
      icon={priority === 'urgent' ? <FireOutlined /> : undefined}
    >
      {t(`cases.priority.${priority}`)}
    </Tag>
  );
}

/** Sentiment from the text analysis, as a small badge. */
export function SentimentBadge({ sentiment, score }: { sentiment: string | null; score?: number | null }) {
  const { t } = useTranslation();
  const format = useFormatters();
  if (!sentiment) return null;
  const known = sentiment === 'negative' || sentiment === 'neutral' || sentiment === 'positive';
  const label = known ? t(`cases.sentiment.${sentiment}`) : sentiment;
  const icon =
    sentiment === 'negative' ? (
      <FrownOutlined />
    ) : sentiment === 'positive' ? (
      <SmileOutlined />
    ) : (
      <MehOutlined />
    );
  const color = sentiment === 'negative' ? 'volcano' : sentiment === 'positive' ? 'green' : 'default';
  const tag = (
    <Tag color={color} icon={icon} data-testid="sentiment-badge">
      {label}
    </Tag>
  );
  return score === undefined || score === null ? (
    tag
  ) : (
    <Tooltip title={t('cases.sentiment.score', { score: format.number(Math.round(score * 100) / 100) })}>
      {tag}
    </Tooltip>
  );
}

export function UrgentBadge({ reasons }: { reasons?: string[] }) {
  const { t } = useTranslation();
  const text = reasons?.length
    ? reasons.map((r) => t(`cases.urgency.${r}` as 'cases.urgency.other', { defaultValue: r })).join(' · ')
    : undefined;
  return (
    <Tooltip title={text}>
      <Tag color="red" icon={<ExclamationCircleOutlined />} data-testid="urgent-badge">
        {t('cases.urgent')}
      </Tag>
    </Tooltip>
  );
}

/**
 * An SLA target as a live countdown: time left until due (orange in the last hour), overdue in red once breached,
 * "paused" while the case waits for the customer, "met" once done.
 */
export function SlaCountdown({
  state,
  dueAt,
  remainingMs,
  doneAt,
  now,
  compact = false,
}: {
  state: SlaState | null;
  dueAt: string | null;
  /** Business time left when paused. */
  remainingMs?: number | null;
  /** When the target was done (first reply, resolution): a breach is then measured up to it, not to now. */
  doneAt?: string | null;
  now: number;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormatters();
  const duration = useDuration();
  if (state === null) return <span className="tp-muted">{t('common.none')}</span>;
  if (state === 'met')
    return (
      <Tag color="success" icon={<CheckCircleOutlined />} data-testid="sla-met">
        {t('cases.sla.met')}
      </Tag>
    );
  if (state === 'paused')
    return (
      <Tooltip title={t('cases.sla.pausedHelp')}>
        <Tag icon={<PauseCircleOutlined />} data-testid="sla-paused">
          {remainingMs !== undefined && remainingMs !== null
            ? t('cases.sla.pausedLeft', { left: duration(remainingMs) })
            : t('cases.sla.paused')}
        </Tag>
      </Tooltip>
    );
  const due = dueAt ? Date.parse(dueAt) : NaN;
  const end = doneAt ? Date.parse(doneAt) : now;
  const tip = dueAt ? t('cases.sla.dueAt', { time: format.dateTime(dueAt) }) : undefined;
  if (state === 'breached' || (Number.isFinite(due) && due <= end)) {
    return (
      <Tooltip title={tip}>
        <Tag color="error" icon={<ExclamationCircleOutlined />} data-testid="sla-breached">
          {Number.isFinite(due)
            ? t(doneAt ? 'cases.sla.late' : 'cases.sla.overdue', { time: duration(Math.max(0, end - due)) })
            : t('cases.sla.breached')}
        </Tag>
      </Tooltip>
    );
  }
  if (!Number.isFinite(due)) return <Tag>{t(`cases.slaState.${state}`)}</Tag>;
  const left = due - now;
  return (
    <Tooltip title={tip}>
      <Tag
        color={left < 3_600_000 ? 'warning' : compact ? 'default' : 'processing'}
        icon={<ClockCircleOutlined />}
        data-testid="sla-active"
      >
        {t('cases.sla.left', { time: duration(left) })}
      </Tag>
    </Tooltip>
  );
}

export interface CaseLookups {
  taxonomy: TaxonomyCategory[];
  teams: Team[];
  members: Member[];
  loading: boolean;
  categoryName: (category: string, subcategory?: string | null) => string;
  teamName: (id: string | null) => string;
  memberName: (id: string | null) => string;
  reload: () => void;
}

/**
 * What the cases pages need to name things: the taxonomy, the teams and the workspace members. Each failure is
 * tolerated (keys are shown instead of names), so the inbox stays usable.
 */
export function useCaseLookups(): CaseLookups {
  const { t } = useTranslation();
  const name = useBilingual();
  const { current } = useSession();
  const [taxonomy, setTaxonomy] = useState<TaxonomyCategory[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [members, setMembers] = useState<Member[]>([]);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const workspaceId = current?.workspace.id;

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    // A failed lookup shows keys instead of names; it never blocks the page.
    const quiet = <T,>(p: Promise<T>, fallback: T) => p.catch(() => fallback);
    setLoading(true);
    void Promise.all([
      quiet(caseSettingsApi.taxonomy(signal), { categories: [] }),
      quiet(caseSettingsApi.teams(signal), { data: [] }),
      quiet(membersApi.list({ limit: 200, signal }), { data: [], nextCursor: null }),
    ])
      .then(([tax, tms, mbs]) => {
        if (signal.aborted) return;
        setTaxonomy(tax.categories);
        setTeams(tms.data);
        setMembers(mbs.data);
      })
      .catch(() => undefined)
      .finally(() => {
        if (!signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [workspaceId, generation]);

  const categoryName = useCallback(
    (category: string, subcategory?: string | null) => {
      const c = taxonomy.find((x) => x.key === category);
      const main = c ? name(c.name) : category;
      if (!subcategory) return main;
      const s = c?.subcategories.find((x) => x.key === subcategory);
      return `${main} / ${s ? name(s.name) : subcategory}`;
    },
    [taxonomy, name],
  );
  const teamName = useCallback(
    (id: string | null) => {
      if (!id) return t('common.none');
      const team = teams.find((x) => x.id === id);
      return team ? name(team.name) : id;
    },
    [teams, name, t],
  );
  const memberName = useCallback(
    (id: string | null) => {
      if (!id) return t('cases.unassigned');
      const m = members.find((x) => x.userId === id);
      return m ? m.name?.trim() || m.email : id;
    },
    [members, t],
  );
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return useMemo(
    () => ({ taxonomy, teams, members, loading, categoryName, teamName, memberName, reload }),
    [taxonomy, teams, members, loading, categoryName, teamName, memberName, reload],
  );
}

/** Who did something on the timeline: a member's name, the system, an API key or a command-line tool. */
export function useActorName(
  memberName: (id: string | null) => string,
): (actor: { type: string; id: string | null }) => string {
  const { t } = useTranslation();
  return useCallback(
    (actor) => {
      if (actor.type === 'user' && actor.id) return memberName(actor.id);
      if (actor.type === 'api_key') return t('cases.actor.apiKey');
      if (actor.type === 'system' || actor.id === null) return t('cases.actor.system');
      return t('cases.actor.automation', { id: actor.id });
    },
    [memberName, t],
  );
}

/** True when an API error is the optimistic-concurrency conflict of a case (someone changed it meanwhile). */
export const isVersionConflict = (e: unknown): boolean =>
  e instanceof ApiError && e.code === 'CASE_VERSION_CONFLICT';
