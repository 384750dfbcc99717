/**
 * SLA bookkeeping on a case's columns, pure functions of the columns, the calendar and an instant. Targets count
 * business time: a running target has a due instant; a paused one (pending the customer) keeps the business time
 * that was left and gets a new due instant when it resumes.
 */
import type { CompiledCalendar } from './business-hours.js';
import type { SlaState } from './case.model.js';
import { matches, triggerTime, type CaseFacts } from './case.rules.js';
import type { RuleRow, EscalationConfig, SlaConfig } from './case.settings.js';

/** The SLA columns of a case. */
export interface SlaColumns {
  sla_policy_id: string | null;
  fr_status: string | null;
  fr_due_at: number | null;
  fr_remaining_ms: number | null;
  fr_at: number | null;
  res_status: string | null;
  res_due_at: number | null;
  res_remaining_ms: number | null;
  res_breached_at: number | null;
}

export const NO_SLA: SlaColumns = {
  sla_policy_id: null,
  fr_status: null,
  fr_due_at: null,
  fr_remaining_ms: null,
  fr_at: null,
  res_status: null,
  res_due_at: null,
  res_remaining_ms: null,
  res_breached_at: null,
};

/** Targets of a new case under a policy, starting at `at`. */
export function startSla(policy: RuleRow<SlaConfig> | null, cal: CompiledCalendar, at: number): SlaColumns {
  if (!policy) return { ...NO_SLA };
  const { firstResponseMinutes: fr, resolutionMinutes: res } = policy.config;
  return {
    ...NO_SLA,
    sla_policy_id: policy.id,
    fr_status: fr === null ? null : 'active',
    fr_due_at: fr === null ? null : cal.addBusinessMs(at, fr * 60_000),
    res_status: res === null ? null : 'active',
    res_due_at: res === null ? null : cal.addBusinessMs(at, res * 60_000),
  };
}

/** Restarts the resolution target (a reopened case gets the policy's full resolution time again). */
export function restartResolution(
  cols: SlaColumns,
  policy: RuleRow<SlaConfig> | null,
  cal: CompiledCalendar,
  at: number,
): Partial<SlaColumns> {
  const minutes = policy?.config.resolutionMinutes ?? null;
  if (minutes === null) return {};
  return {
    res_status: 'active',
    res_due_at: cal.addBusinessMs(at, minutes * 60_000),
    res_remaining_ms: null,
    res_breached_at: null,
  };
}

/** Pending the customer: running targets stop and keep the business time they had left. */
export function pauseSla(cols: SlaColumns, cal: CompiledCalendar, at: number): Partial<SlaColumns> {
  const out: Partial<SlaColumns> = {};
  if (cols.fr_status === 'active' && cols.fr_due_at !== null) {
    out.fr_status = 'paused';
    out.fr_remaining_ms = cal.businessMsBetween(at, cols.fr_due_at);
    out.fr_due_at = null;
  }
  if (cols.res_status === 'active' && cols.res_due_at !== null) {
    out.res_status = 'paused';
    out.res_remaining_ms = cal.businessMsBetween(at, cols.res_due_at);
    out.res_due_at = null;
  }
  return out;
}

/** Back from pending: paused targets run again with the business time they had left. */
export function resumeSla(cols: SlaColumns, cal: CompiledCalendar, at: number): Partial<SlaColumns> {
  const out: Partial<SlaColumns> = {};
  if (cols.fr_status === 'paused') {
    out.fr_status = 'active';
    out.fr_due_at = cal.addBusinessMs(at, cols.fr_remaining_ms ?? 0);
    out.fr_remaining_ms = null;
  }
  if (cols.res_status === 'paused') {
    out.res_status = 'active';
    out.res_due_at = cal.addBusinessMs(at, cols.res_remaining_ms ?? 0);
    out.res_remaining_ms = null;
  }
  return out;
}

/** The first agent reply: the first-response target is met (or was breached already, and stays so). */
export function firstResponse(cols: SlaColumns, at: number): Partial<SlaColumns> {
  if (cols.fr_at !== null) return {};
  if (cols.fr_status === 'active' || cols.fr_status === 'paused') {
    const late = cols.fr_status === 'active' && cols.fr_due_at !== null && at > cols.fr_due_at;
    return { fr_status: late ? 'breached' : 'met', fr_at: at, fr_remaining_ms: null };
  }
  return { fr_at: at };
}

/** Resolution: running targets stop, met or breached depending on the time. */
export function resolveSla(cols: SlaColumns, at: number): Partial<SlaColumns> {
  const out: Partial<SlaColumns> = { ...firstResponse(cols, at) };
  if (cols.res_status === 'active' || cols.res_status === 'paused') {
    const late = cols.res_status === 'active' && cols.res_due_at !== null && at > cols.res_due_at;
    out.res_status = late ? 'breached' : 'met';
    out.res_remaining_ms = null;
    if (late) out.res_breached_at = cols.res_due_at;
  }
  return out;
}

/** Breaches of running targets due at or before `at`. */
export function breachesAt(
  cols: SlaColumns,
  at: number,
): { changes: Partial<SlaColumns>; targets: ('first_response' | 'resolution')[] } {
  const changes: Partial<SlaColumns> = {};
  const targets: ('first_response' | 'resolution')[] = [];
  if (cols.fr_status === 'active' && cols.fr_due_at !== null && cols.fr_due_at <= at) {
    changes.fr_status = 'breached';
    targets.push('first_response');
  }
  if (cols.res_status === 'active' && cols.res_due_at !== null && cols.res_due_at <= at) {
    changes.res_status = 'breached';
    changes.res_breached_at = cols.res_due_at;
    targets.push('resolution');
  }
  return { changes, targets };
}

const RANK: Record<SlaState, number> = { breached: 4, active: 3, paused: 2, met: 1 };

/** Sort key of cases without a running target: after every real due time. */
export const NO_DUE = 8_000_000_000_000;

/** The case-level SLA state (worst of the targets), the earliest running due time and the queue sort key. */
export function summarize(cols: SlaColumns & { status: string }): {
  sla_state: SlaState | null;
  sla_due_at: number | null;
  due_sort: number;
  is_active: number;
} {
  let state: SlaState | null = null;
  for (const s of [cols.fr_status, cols.res_status] as (SlaState | null)[])
    if (s && (state === null || RANK[s] > RANK[state])) state = s;
  const dues = [
    cols.fr_status === 'active' ? cols.fr_due_at : null,
    cols.res_status === 'active' ? cols.res_due_at : null,
  ].filter((d): d is number => d !== null);
  const due = dues.length ? Math.min(...dues) : null;
  const active = cols.status === 'new' || cols.status === 'open' || cols.status === 'pending_customer';
  return { sla_state: state, sla_due_at: due, due_sort: due ?? NO_DUE, is_active: active ? 1 : 0 };
}

/** What the escalation engine needs of a case. */
export interface EngineCase extends SlaColumns {
  id: string;
  status: string;
  assignee_id: string | null;
  created_at: number;
  last_activity_at: number;
  escalations: string;
}

/**
 * The next instant at which something can happen to the case: a running target falls due, or an unfired escalation
 * rule that matches it reaches its trigger time. Null when nothing is pending. An instant at or before `at` is kept
 * (not skipped): a target or rule that fell due while someone else was writing the case — before the sweep got to
 * it — is then picked up by the next sweep instead of being lost. After a sweep has evaluated the case at `at`,
 * everything due at `at` has been marked or fired, so the result is later than `at` unless an escalation made
 * another rule apply (which the next sweep fires).
 */
export function nextCheckAt(
  c: EngineCase,
  facts: CaseFacts | null,
  rules: readonly RuleRow<EscalationConfig>[],
): number | null {
  if (c.status === 'resolved' || c.status === 'closed') return null;
  let next = Infinity;
  if (c.fr_status === 'active' && c.fr_due_at !== null) next = Math.min(next, c.fr_due_at);
  if (c.res_status === 'active' && c.res_due_at !== null) next = Math.min(next, c.res_due_at);
  const state = triggerStateOf(c);
  for (const r of rules) {
    if (!r.enabled || c.escalations.includes(`,${r.id},`)) continue;
    if (facts && !matches(r.conditions, facts)) continue;
    const t = triggerTime(r.config.trigger, state);
    if (t !== null) next = Math.min(next, t);
  }
  return Number.isFinite(next) ? next : null;
}

export function triggerStateOf(c: EngineCase) {
  return {
    createdAt: c.created_at,
    updatedAt: c.last_activity_at,
    status: c.status,
    assigneeId: c.assignee_id,
    frStatus: c.fr_status,
    frDueAt: c.fr_due_at,
    resStatus: c.res_status,
    resDueAt: c.res_due_at,
  };
}

/**
 * After the business calendar changed at `at`: each running target keeps the business time it had left at `at`
 * under the old calendar, now counted in the new one. Targets already due, paused, met or breached are unchanged.
 */
export function rebaseOnCalendar(
  cols: SlaColumns,
  before: CompiledCalendar,
  after: CompiledCalendar,
  at: number,
): Partial<SlaColumns> {
  const out: Partial<SlaColumns> = {};
  if (cols.fr_status === 'active' && cols.fr_due_at !== null && cols.fr_due_at > at) {
    const due = after.addBusinessMs(at, before.businessMsBetween(at, cols.fr_due_at));
    if (due !== cols.fr_due_at) out.fr_due_at = due;
  }
  if (cols.res_status === 'active' && cols.res_due_at !== null && cols.res_due_at > at) {
    const due = after.addBusinessMs(at, before.businessMsBetween(at, cols.res_due_at));
    if (due !== cols.res_due_at) out.res_due_at = due;
  }
  return out;
}

/** One target's running or paused state shifted by `delta` business ms at `at` (see shiftTargets). */
function shiftTarget(
  status: string | null,
  due: number | null,
  remaining: number | null,
  delta: number,
  cal: CompiledCalendar,
  at: number,
): { due: number | null; remaining: number | null } | null {
  if (delta === 0) return null;
  if (status === 'paused') return { due, remaining: Math.max(0, (remaining ?? 0) + delta) };
  if (status !== 'active' || due === null) return null;
  const left = due > at ? cal.businessMsBetween(at, due) : -cal.businessMsBetween(due, at);
  const rest = left + delta;
  // Still running: due when the rest has passed; overdue under the new target: due now (or when it was due).
  const next = rest > 0 ? cal.addBusinessMs(at, rest) : Math.min(due, at);
  return next === due ? null : { due: next, remaining };
}

/**
 * After an SLA policy's targets changed at `at` by `frDelta` / `resDelta` business ms: a running target keeps the
 * business time it had left plus the difference (due at `at` when that is not positive, so the next sweep breaches
 * it), a paused one keeps its remaining time plus the difference. Met and breached targets are unchanged.
 */
export function shiftTargets(
  cols: SlaColumns,
  frDelta: number,
  resDelta: number,
  cal: CompiledCalendar,
  at: number,
): Partial<SlaColumns> {
  const out: Partial<SlaColumns> = {};
  const fr = shiftTarget(cols.fr_status, cols.fr_due_at, cols.fr_remaining_ms, frDelta, cal, at);
  if (fr) {
    if (fr.due !== cols.fr_due_at) out.fr_due_at = fr.due;
    if (fr.remaining !== cols.fr_remaining_ms) out.fr_remaining_ms = fr.remaining;
  }
  const res = shiftTarget(cols.res_status, cols.res_due_at, cols.res_remaining_ms, resDelta, cal, at);
  if (res) {
    if (res.due !== cols.res_due_at) out.res_due_at = res.due;
    if (res.remaining !== cols.res_remaining_ms) out.res_remaining_ms = res.remaining;
  }
  return out;
}
