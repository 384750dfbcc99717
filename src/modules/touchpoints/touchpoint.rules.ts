import { isSafePattern } from 'redos-detector';
import { compileValueTest, readPath } from '../../platform/rules/index.js';
import { invalidRule } from './touchpoints.errors.js';

/**
 * A matching rule maps incoming events to a touchpoint: the event name (track name or page/screen name), optionally
 * the call type, the channels it counts on, and conditions that must all hold on the event's properties (or
 * context). Rules are typed JSON, validated on write and compiled once per cache refresh.
 */
export interface MatchRule {
  /** Event names, exact (case-sensitive, as Segment): track names or page/screen names. */
  events: string[];
  /** Restricts to one Segment call type; any when absent. */
  type?: 'track' | 'page' | 'screen' | 'identify' | 'group';
  /** Channel keys the event must come from; any when absent or empty. */
  channels?: string[];
  conditions?: Condition[];
}

type Scalar = string | number | boolean;

export type Condition =
  | { path: string; op: 'eq' | 'neq'; value: Scalar }
  | { path: string; op: 'in' | 'not_in'; values: Scalar[] }
  | { path: string; op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { path: string; op: 'contains' | 'starts_with'; value: string }
  | { path: string; op: 'exists' | 'not_exists' }
  | { path: string; op: 'matches'; pattern: string };

export type ConditionOp = Condition['op'];

export const CONDITION_OPS: readonly ConditionOp[] = [
  'eq',
  'neq',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'starts_with',
  'exists',
  'not_exists',
  'matches',
];

/** What a rule is matched against: the parts of a stored event it may look at. */
export interface MatchableEvent {
  type: string;
  name: string | null;
  channel: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
}

export const RULE_LIMITS = {
  events: 20,
  conditions: 20,
  values: 100,
  patternLength: 200,
  /** Only the first characters of a value are tested by `matches`, bounding the work per event. */
  matchedLength: 1000,
  pathDepth: 5,
} as const;

const PATH = /^(properties|context)(\.[A-Za-z0-9_$-]{1,64}){1,5}$/;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Checks what the JSON schema cannot: paths, operator/value agreement, and regexes that are valid and cannot
 * backtrack catastrophically (star height > 1, e.g. `(a+)+`). Throws TOUCHPOINT_RULE_INVALID naming the condition.
 */
export function validateRule(rule: MatchRule): void {
  if (rule.events.length === 0 || rule.events.length > RULE_LIMITS.events)
    throw invalidRule('events', `must list 1 to ${RULE_LIMITS.events} event names`);
  rule.events.forEach((name, i) => {
    if (!name.trim()) throw invalidRule(`events/${i}`, 'must not be blank');
  });
  const conditions = rule.conditions ?? [];
  if (conditions.length > RULE_LIMITS.conditions)
    throw invalidRule('conditions', `at most ${RULE_LIMITS.conditions} conditions`);
  conditions.forEach((c, i) => {
    const at = `conditions/${i}`;
    if (!PATH.test(c.path) || c.path.split('.').some((s) => FORBIDDEN_SEGMENTS.has(s)))
      throw invalidRule(`${at}/path`, 'must be properties.<name> or context.<name>, up to 5 levels');
    switch (c.op) {
      case 'eq':
      case 'neq':
        if (!isScalar(c.value)) throw invalidRule(`${at}/value`, 'must be a string, number or boolean');
        return;
      case 'in':
      case 'not_in':
        if (!Array.isArray(c.values) || c.values.length === 0 || c.values.length > RULE_LIMITS.values)
          throw invalidRule(`${at}/values`, `must list 1 to ${RULE_LIMITS.values} values`);
        if (!c.values.every(isScalar))
          throw invalidRule(`${at}/values`, 'must hold strings, numbers or booleans');
        return;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        if (typeof c.value !== 'number' || !Number.isFinite(c.value))
          throw invalidRule(`${at}/value`, 'must be a finite number');
        return;
      case 'contains':
      case 'starts_with':
        if (typeof c.value !== 'string' || c.value === '')
          throw invalidRule(`${at}/value`, 'must be a non-empty string');
        return;
      case 'exists':
      case 'not_exists':
        return;
      case 'matches': {
        if (typeof c.pattern !== 'string' || c.pattern === '' || c.pattern.length > RULE_LIMITS.patternLength)
          throw invalidRule(`${at}/pattern`, `must be 1 to ${RULE_LIMITS.patternLength} characters`);
        try {
          new RegExp(c.pattern, 'u');
        } catch {
          throw invalidRule(`${at}/pattern`, 'is not a valid regular expression');
        }
        // A rule runs on every ingested event, so its regex must not backtrack badly. It is checked anchored: the
        // unanchored scan adds one linear factor, bounded by the 1,000 characters a value is tested on. The checker's
        // own effort is capped too; a pattern too complex to prove safe within it is refused.
        if (!isSafePattern(`^(?:${c.pattern})`, { unicode: true, maxSteps: 2000, timeout: 200 }).safe)
          throw invalidRule(
            `${at}/pattern`,
            'could backtrack catastrophically (nested or overlapping quantifiers); simplify it or use contains/starts_with',
          );
        return;
      }
      default:
        throw invalidRule(`${at}/op`, `unknown operator; one of ${CONDITION_OPS.join(', ')}`);
    }
  });
}

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

export type CompiledRule = (event: MatchableEvent) => boolean;

/** Turns a validated rule into a predicate. */
export function compileRule(rule: MatchRule): CompiledRule {
  const channels = rule.channels?.length ? new Set(rule.channels) : null;
  const names = new Set(rule.events);
  const tests = (rule.conditions ?? []).map(compileCondition);
  return (e) =>
    e.name !== null &&
    names.has(e.name) &&
    (rule.type === undefined || e.type === rule.type) &&
    (channels === null || channels.has(e.channel)) &&
    tests.every((t) => t(e));
}

function compileCondition(c: Condition): CompiledRule {
  const [root, ...keys] = c.path.split('.');
  const read = (e: MatchableEvent): unknown => readPath(root === 'context' ? e.context : e.properties, keys);
  if (c.op === 'matches') {
    const re = new RegExp(c.pattern, 'u');
    return (e) => {
      const v = read(e);
      return typeof v === 'string' && re.test(v.slice(0, RULE_LIMITS.matchedLength));
    };
  }
  const test = compileValueTest(c);
  return (e) => test(read(e));
}
