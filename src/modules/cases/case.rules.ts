/**
 * Typed rule configurations: conditions (shared by routing rules, SLA policies and escalation rules), routing
 * targets, escalation triggers and actions. Each is a discriminated union validated on write and evaluated with an
 * exhaustive switch, so a rule stored once can always be executed.
 */
import { PRIORITIES, priorityRank, type CaseSource, type Priority } from './case.model.js';

/** What a condition can look at: the case and a few facts about its customer. */
export interface CaseFacts {
  category: string;
  subcategory: string | null;
  priority: Priority;
  channel: string;
  source: CaseSource;
  touchpointKey: string | null;
  language: string;
  tags: readonly string[];
  urgent: boolean;
  sentiment: string | null;
  /** From the customer's traits: `vip` (true/1/"true"/"yes"). */
  vip: boolean;
  /** From the customer's traits: `value_tier` (or `tier`), e.g. gold. */
  valueTier: string | null;
  traits: Readonly<Record<string, unknown>>;
}

export type Condition =
  | { type: 'category'; values: string[] }
  | { type: 'priority'; values?: Priority[]; atLeast?: Priority }
  | { type: 'channel'; values: string[] }
  | { type: 'source'; values: CaseSource[] }
  | { type: 'touchpoint'; values: string[] }
  | { type: 'language'; values: string[] }
  | { type: 'tag'; values: string[] }
  | { type: 'urgent'; value: boolean }
  | { type: 'sentiment'; values: string[] }
  | { type: 'vip'; value: boolean }
  | { type: 'value_tier'; values: string[] }
  | {
      type: 'trait';
      name: string;
      op: 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';
      value: string | number | boolean;
    };

export type ConditionType = Condition['type'];

export interface ConditionSet {
  /** `all` (default): every condition must hold; `any`: at least one. No conditions always match. */
  match: 'all' | 'any';
  conditions: Condition[];
}

function truthy(v: unknown): boolean {
  return (
    v === true ||
    v === 1 ||
    (typeof v === 'string' && ['true', '1', 'yes', 'y', '是'].includes(v.toLowerCase()))
  );
}

/** The customer facts rules use, from a profile's traits. */
export function customerFacts(traits: Readonly<Record<string, unknown>> | null): {
  vip: boolean;
  valueTier: string | null;
  traits: Readonly<Record<string, unknown>>;
} {
  const t = traits ?? {};
  const tier = t.value_tier ?? t.tier ?? null;
  return {
    vip: truthy(t.vip) || truthy(t.is_vip),
    valueTier: typeof tier === 'string' || typeof tier === 'number' ? String(tier).toLowerCase() : null,
    traits: t,
  };
}

function compare(
  actual: unknown,
  op: Extract<Condition, { type: 'trait' }>['op'],
  expected: unknown,
): boolean {
  if (op === 'eq')
    return actual === expected || (actual !== undefined && String(actual) === String(expected));
  if (op === 'neq')
    return !(actual === expected || (actual !== undefined && String(actual) === String(expected)));
  const a = typeof actual === 'number' ? actual : Number(actual);
  const e = typeof expected === 'number' ? expected : Number(expected);
  if (actual === null || actual === undefined || actual === '' || !Number.isFinite(a) || !Number.isFinite(e))
    return false;
  switch (op) {
    case 'gt':
      return a > e;
    case 'gte':
      return a >= e;
    case 'lt':
      return a < e;
    case 'lte':
      return a <= e;
  }
}

/** Whether one condition holds for a case. */
export function conditionHolds(c: Condition, f: CaseFacts): boolean {
  switch (c.type) {
    case 'category':
      return c.values.some(
        (v) => v === f.category || (f.subcategory !== null && v === `${f.category}/${f.subcategory}`),
      );
    case 'priority':
      return (
        (c.values === undefined || c.values.includes(f.priority)) &&
        (c.atLeast === undefined || priorityRank(f.priority) >= priorityRank(c.atLeast))
      );
    case 'channel':
      return c.values.includes(f.channel);
    case 'source':
      return c.values.includes(f.source);
    case 'touchpoint':
      return f.touchpointKey !== null && c.values.includes(f.touchpointKey);
    case 'language':
      return c.values.some(
        (v) => v === f.language || f.language.startsWith(`${v}-`) || v.startsWith(`${f.language}-`),
      );
    case 'tag':
      return c.values.some((v) => f.tags.includes(v));
    case 'urgent':
      return f.urgent === c.value;
    case 'sentiment':
      return f.sentiment !== null && c.values.includes(f.sentiment);
    case 'vip':
      return f.vip === c.value;
    case 'value_tier':
      return f.valueTier !== null && c.values.map((v) => v.toLowerCase()).includes(f.valueTier);
    case 'trait':
      return Object.hasOwn(f.traits, c.name) && compare(f.traits[c.name], c.op, c.value);
  }
}

export function matches(set: ConditionSet, f: CaseFacts): boolean {
  if (set.conditions.length === 0) return true;
  return set.match === 'any'
    ? set.conditions.some((c) => conditionHolds(c, f))
    : set.conditions.every((c) => conditionHolds(c, f));
}

/** A problem found when validating a rule, with a path relative to the body. */
export class RuleError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly code: 'invalid' | 'unknown_category' | 'unknown_team' | 'unknown_agent' = 'invalid',
  ) {
    super(`${path}: ${reason}`);
  }
}

/** What validation needs to know about the workspace. */
export interface RuleContext {
  categories: ReadonlySet<string>;
  /** `category/subcategory` keys. */
  subcategories: ReadonlySet<string>;
  teams: ReadonlySet<string>;
  isAgent: (userId: string) => boolean;
}

const strings = (path: string, v: unknown, max = 50): string[] => {
  if (!Array.isArray(v) || v.length === 0 || v.length > max)
    throw new RuleError(path, `must be a non-empty list of at most ${max} values`);
  for (const [i, s] of v.entries())
    if (typeof s !== 'string' || s.length === 0 || s.length > 100)
      throw new RuleError(`${path}.${i}`, 'must be a non-empty string of at most 100 characters');
  return [...new Set(v as string[])];
};

/** Validates and normalises a condition set (the JSON schema checked the shape; this checks meaning). */
export function validateConditions(path: string, input: unknown, ctx: RuleContext): ConditionSet {
  const raw = (input ?? {}) as { match?: unknown; conditions?: unknown };
  const match = raw.match === undefined ? 'all' : raw.match;
  if (match !== 'all' && match !== 'any') throw new RuleError(`${path}.match`, "must be 'all' or 'any'");
  const list = raw.conditions ?? [];
  if (!Array.isArray(list) || list.length > 20)
    throw new RuleError(`${path}.conditions`, 'at most 20 conditions');
  const conditions = list.map((c: unknown, i): Condition => {
    const p = `${path}.conditions.${i}`;
    const x = (c ?? {}) as Record<string, unknown>;
    switch (x.type) {
      case 'category': {
        const values = strings(`${p}.values`, x.values);
        for (const v of values)
          if (!(v.includes('/') ? ctx.subcategories.has(v) : ctx.categories.has(v)))
            throw new RuleError(`${p}.values`, `unknown category ${v}`, 'unknown_category');
        return { type: 'category', values };
      }
      case 'priority': {
        const values = x.values === undefined ? undefined : strings(`${p}.values`, x.values);
        if (values?.some((v) => !(PRIORITIES as readonly string[]).includes(v)))
          throw new RuleError(`${p}.values`, `must be among ${PRIORITIES.join(', ')}`);
        const atLeast = x.atLeast;
        if (atLeast !== undefined && !(PRIORITIES as readonly unknown[]).includes(atLeast))
          throw new RuleError(`${p}.atLeast`, `must be one of ${PRIORITIES.join(', ')}`);
        if (values === undefined && atLeast === undefined) throw new RuleError(p, 'needs values or atLeast');
        return {
          type: 'priority',
          ...(values && { values: values as Priority[] }),
          ...(atLeast !== undefined && { atLeast: atLeast as Priority }),
        };
      }
      case 'channel':
      case 'touchpoint':
      case 'language':
      case 'tag':
      case 'sentiment':
      case 'value_tier':
        return { type: x.type, values: strings(`${p}.values`, x.values) };
      case 'source': {
        const values = strings(`${p}.values`, x.values);
        const sources = ['complaint_event', 'survey', 'api', 'agent', 'email'];
        if (values.some((v) => !sources.includes(v)))
          throw new RuleError(`${p}.values`, `must be among ${sources.join(', ')}`);
        return { type: 'source', values: values as CaseSource[] };
      }
      case 'urgent':
      case 'vip':
        if (typeof x.value !== 'boolean') throw new RuleError(`${p}.value`, 'must be true or false');
        return { type: x.type, value: x.value };
      case 'trait': {
        if (typeof x.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/.test(x.name))
          throw new RuleError(`${p}.name`, 'must be a trait name');
        const ops = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'];
        if (typeof x.op !== 'string' || !ops.includes(x.op))
          throw new RuleError(`${p}.op`, `must be one of ${ops.join(', ')}`);
        const v = x.value;
        if (!(
          typeof v === 'string' ||
          typeof v === 'boolean' ||
          (typeof v === 'number' && Number.isFinite(v))
        ))
          throw new RuleError(`${p}.value`, 'must be a string, number or boolean');
        if (typeof v === 'string' && v.length > 200)
          throw new RuleError(`${p}.value`, 'at most 200 characters');
        return { type: 'trait', name: x.name, op: x.op as 'eq', value: v };
      }
      default:
        throw new RuleError(`${p}.type`, 'unknown condition type');
    }
  });
  return { match, conditions };
}

// ---------------------------------------------------------------------------------------------------------------
// Routing

export type RoutingTarget = { type: 'team'; teamId: string } | { type: 'agent'; userId: string };

export function validateTarget(path: string, input: unknown, ctx: RuleContext): RoutingTarget {
  const x = (input ?? {}) as Record<string, unknown>;
  switch (x.type) {
    case 'team':
      if (typeof x.teamId !== 'string' || !ctx.teams.has(x.teamId))
        throw new RuleError(`${path}.teamId`, 'unknown team', 'unknown_team');
      return { type: 'team', teamId: x.teamId };
    case 'agent':
      if (typeof x.userId !== 'string' || !ctx.isAgent(x.userId))
        throw new RuleError(`${path}.userId`, 'not a member of this workspace', 'unknown_agent');
      return { type: 'agent', userId: x.userId };
    default:
      throw new RuleError(`${path}.type`, "must be 'team' or 'agent'");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Escalation

export type SlaTarget = 'first_response' | 'resolution';

export type EscalationTrigger =
  /** The SLA target was breached. */
  | { type: 'sla_breached'; target: SlaTarget }
  /** `minutes` (wall clock) before the target is due, while it is still running. */
  | { type: 'sla_due_soon'; target: SlaTarget; minutes: number }
  /** Still without an assignee `minutes` after creation. */
  | { type: 'unassigned_for'; minutes: number }
  /** No change at all for `minutes` while new or open. */
  | { type: 'idle_for'; minutes: number };

export type EscalationAction =
  | {
      type: 'notify';
      recipients: ('assignee' | 'supervisor' | 'team')[];
      emails?: string[];
      webhook?: boolean;
    }
  | { type: 'raise_priority'; to?: Priority }
  | { type: 'reassign'; teamId?: string; userId?: string; toSupervisor?: boolean };

const SLA_TARGETS = ['first_response', 'resolution'];
const MAX_MINUTES = 60 * 24 * 365;

function minutes(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_MINUTES)
    throw new RuleError(path, `must be an integer between 1 and ${MAX_MINUTES}`);
  return v;
}

export function validateTrigger(path: string, input: unknown): EscalationTrigger {
  const x = (input ?? {}) as Record<string, unknown>;
  switch (x.type) {
    case 'sla_breached':
      if (!SLA_TARGETS.includes(x.target as string))
        throw new RuleError(`${path}.target`, "must be 'first_response' or 'resolution'");
      return { type: 'sla_breached', target: x.target as SlaTarget };
    case 'sla_due_soon':
      if (!SLA_TARGETS.includes(x.target as string))
        throw new RuleError(`${path}.target`, "must be 'first_response' or 'resolution'");
      return {
        type: 'sla_due_soon',
        target: x.target as SlaTarget,
        minutes: minutes(`${path}.minutes`, x.minutes),
      };
    case 'unassigned_for':
    case 'idle_for':
      return { type: x.type, minutes: minutes(`${path}.minutes`, x.minutes) };
    default:
      throw new RuleError(`${path}.type`, 'unknown trigger type');
  }
}

const EMAIL_RE = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{1,50}$/;

export function validateActions(path: string, input: unknown, ctx: RuleContext): EscalationAction[] {
  if (!Array.isArray(input) || input.length === 0 || input.length > 10)
    throw new RuleError(path, 'needs 1 to 10 actions');
  return input.map((a: unknown, i): EscalationAction => {
    const p = `${path}.${i}`;
    const x = (a ?? {}) as Record<string, unknown>;
    switch (x.type) {
      case 'notify': {
        const recipients =
          x.recipients === undefined || (Array.isArray(x.recipients) && x.recipients.length === 0)
            ? []
            : strings(`${p}.recipients`, x.recipients, 3);
        if (recipients.some((r) => !['assignee', 'supervisor', 'team'].includes(r)))
          throw new RuleError(`${p}.recipients`, "must be among 'assignee', 'supervisor', 'team'");
        const emails = x.emails === undefined ? [] : strings(`${p}.emails`, x.emails, 20);
        for (const e of emails)
          if (!EMAIL_RE.test(e)) throw new RuleError(`${p}.emails`, `${e} is not an e-mail address`);
        if (x.webhook !== undefined && typeof x.webhook !== 'boolean')
          throw new RuleError(`${p}.webhook`, 'must be true or false');
        const webhook = x.webhook === true;
        if (!recipients.length && !emails.length && !webhook)
          throw new RuleError(p, 'notify needs recipients, emails or webhook');
        return {
          type: 'notify',
          recipients: recipients as ('assignee' | 'supervisor' | 'team')[],
          ...(emails.length && { emails }),
          ...(webhook && { webhook }),
        };
      }
      case 'raise_priority':
        if (x.to !== undefined && !(PRIORITIES as readonly unknown[]).includes(x.to))
          throw new RuleError(`${p}.to`, `must be one of ${PRIORITIES.join(', ')}`);
        return { type: 'raise_priority', ...(x.to !== undefined && { to: x.to as Priority }) };
      case 'reassign': {
        const out: Extract<EscalationAction, { type: 'reassign' }> = { type: 'reassign' };
        if (x.teamId !== undefined) {
          if (typeof x.teamId !== 'string' || !ctx.teams.has(x.teamId))
            throw new RuleError(`${p}.teamId`, 'unknown team', 'unknown_team');
          out.teamId = x.teamId;
        }
        if (x.userId !== undefined) {
          if (typeof x.userId !== 'string' || !ctx.isAgent(x.userId))
            throw new RuleError(`${p}.userId`, 'not a member of this workspace', 'unknown_agent');
          out.userId = x.userId;
        }
        if (x.toSupervisor !== undefined) {
          if (typeof x.toSupervisor !== 'boolean')
            throw new RuleError(`${p}.toSupervisor`, 'must be true or false');
          if (x.toSupervisor) out.toSupervisor = true;
        }
        if ([out.teamId, out.userId, out.toSupervisor].filter((v) => v !== undefined).length !== 1)
          throw new RuleError(p, 'reassign needs exactly one of teamId, userId, toSupervisor');
        return out;
      }
      default:
        throw new RuleError(`${p}.type`, 'unknown action type');
    }
  });
}

/** The SLA and activity state of a case that triggers look at (epoch ms). */
export interface TriggerState {
  createdAt: number;
  updatedAt: number;
  status: string;
  assigneeId: string | null;
  frStatus: string | null;
  frDueAt: number | null;
  resStatus: string | null;
  resDueAt: number | null;
}

/**
 * When a trigger fires for a case: an instant (may be in the past), or null when it cannot fire in the case's
 * current state (e.g. a paused or met target, an assigned case).
 */
export function triggerTime(t: EscalationTrigger, s: TriggerState): number | null {
  switch (t.type) {
    case 'sla_breached': {
      const status = t.target === 'first_response' ? s.frStatus : s.resStatus;
      const due = t.target === 'first_response' ? s.frDueAt : s.resDueAt;
      if (status === 'breached' || (status === 'active' && due !== null)) return due ?? 0;
      return null;
    }
    case 'sla_due_soon': {
      const status = t.target === 'first_response' ? s.frStatus : s.resStatus;
      const due = t.target === 'first_response' ? s.frDueAt : s.resDueAt;
      return status === 'active' && due !== null ? due - t.minutes * 60_000 : null;
    }
    case 'unassigned_for':
      return s.assigneeId === null && ['new', 'open'].includes(s.status)
        ? s.createdAt + t.minutes * 60_000
        : null;
    case 'idle_for':
      return ['new', 'open'].includes(s.status) ? s.updatedAt + t.minutes * 60_000 : null;
  }
}
