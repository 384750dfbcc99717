import { compileValueTest, readPath } from '../../platform/rules/index.js';
import { ageOf, type CustomerFacts } from '../profiles/index.js';
import { invalidCondition } from './segments.errors.js';

/**
 * A segment's rule: typed JSON, a tree of `all` / `any` / `not` groups over leaf conditions on what a profile knows —
 * traits, commercial value, recency, channels, interests, subscriptions and reachability. Validated on write
 * (`validateCondition`, which accepts any JSON and says where it is wrong) and compiled once into a predicate.
 */
export type SegmentCondition =
  | { type: 'all' | 'any'; conditions: SegmentCondition[] }
  | { type: 'not'; condition: SegmentCondition }
  | TraitCondition
  | { type: 'metric'; metric: Metric; op: NumberOp; value: number }
  | { type: 'recency'; field: RecencyField; op: 'within_days' | 'not_within_days'; days: number }
  | { type: 'channel'; channel: string; minEvents?: number }
  | { type: 'interest'; interest: string; minCount?: number }
  | {
      type: 'subscription';
      status: SubscriptionStatus;
      /** A product key; any product when absent. */
      product?: string;
      /** Only trials that end within this many days from now (a trial-end reminder). */
      trialEndsWithinDays?: number;
    }
  | { type: 'contact'; via: 'email' | 'phone' };

type Scalar = string | number | boolean;
type TraitCondition =
  | { type: 'trait'; trait: string; op: 'eq' | 'neq'; value: Scalar }
  | { type: 'trait'; trait: string; op: 'in' | 'not_in'; values: Scalar[] }
  | { type: 'trait'; trait: string; op: NumberOp; value: number }
  | { type: 'trait'; trait: string; op: 'contains' | 'starts_with'; value: string }
  | { type: 'trait'; trait: string; op: 'exists' | 'not_exists' };

type NumberOp = 'gt' | 'gte' | 'lt' | 'lte';
export const METRICS = [
  'total_spend',
  'order_count',
  'event_count',
  'arpu',
  'age',
  'active_channels',
] as const;
type Metric = (typeof METRICS)[number];
export const RECENCY_FIELDS = ['first_seen', 'last_seen', 'last_purchase'] as const;
type RecencyField = (typeof RECENCY_FIELDS)[number];
const SUBSCRIPTION_STATUSES = ['trial', 'active', 'cancelled'] as const;
type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const CONDITION_TYPES = [
  'all',
  'any',
  'not',
  'trait',
  'metric',
  'recency',
  'channel',
  'interest',
  'subscription',
  'contact',
] as const;
const TRAIT_OPS = [
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
] as const;
const NUMBER_OPS = ['gt', 'gte', 'lt', 'lte'] as const;

export const CONDITION_LIMITS = {
  depth: 5,
  leaves: 50,
  groupSize: 20,
  values: 100,
  stringLength: 200,
  days: 3650,
} as const;

const TRAIT = /^[A-Za-z0-9_$-]{1,64}(\.[A-Za-z0-9_$-]{1,64}){0,3}$/;
const KEY = /^[A-Za-z0-9_.:@-]{1,100}$/;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
const DAY_MS = 86_400_000;
const MONTH_MS = 30 * DAY_MS;

type Json = Record<string, unknown>;

/**
 * Checks a rule from any JSON: shape, operators, value types, depth and size. Throws SEGMENT_CONDITION_INVALID with
 * the JSON-pointer-like path of the first problem, and returns the rule typed.
 */
export function validateCondition(input: unknown): SegmentCondition {
  let leaves = 0;
  const walk = (c: unknown, at: string, depth: number): void => {
    if (c === null || typeof c !== 'object' || Array.isArray(c))
      throw invalidCondition(at, 'must be an object');
    const o = c as Json;
    const only = (...keys: string[]) => {
      const extra = Object.keys(o).filter((k) => k !== 'type' && !keys.includes(k));
      if (extra.length) throw invalidCondition(`${at}/${extra[0]}`, 'is not a field of this condition');
    };
    const type = o.type;
    if (typeof type !== 'string' || !(CONDITION_TYPES as readonly string[]).includes(type))
      throw invalidCondition(`${at}/type`, `must be one of ${CONDITION_TYPES.join(', ')}`);
    if (type !== 'all' && type !== 'any' && type !== 'not' && ++leaves > CONDITION_LIMITS.leaves)
      throw invalidCondition(at, `a rule has at most ${CONDITION_LIMITS.leaves} conditions`);
    switch (type as SegmentCondition['type']) {
      case 'all':
      case 'any': {
        only('conditions');
        const list = o.conditions;
        if (!Array.isArray(list) || list.length === 0 || list.length > CONDITION_LIMITS.groupSize)
          throw invalidCondition(
            `${at}/conditions`,
            `must list 1 to ${CONDITION_LIMITS.groupSize} conditions`,
          );
        if (depth >= CONDITION_LIMITS.depth)
          throw invalidCondition(at, `groups nest at most ${CONDITION_LIMITS.depth} deep`);
        list.forEach((x, i) => walk(x, `${at}/conditions/${i}`, depth + 1));
        return;
      }
      case 'not':
        only('condition');
        if (depth >= CONDITION_LIMITS.depth)
          throw invalidCondition(at, `groups nest at most ${CONDITION_LIMITS.depth} deep`);
        walk(o.condition, `${at}/condition`, depth + 1);
        return;
      case 'trait':
        validateTrait(o, at);
        return;
      case 'metric':
        only('metric', 'op', 'value');
        oneOf(o.metric, METRICS, `${at}/metric`);
        oneOf(o.op, NUMBER_OPS, `${at}/op`);
        finite(o.value, `${at}/value`);
        return;
      case 'recency':
        only('field', 'op', 'days');
        oneOf(o.field, RECENCY_FIELDS, `${at}/field`);
        oneOf(o.op, ['within_days', 'not_within_days'] as const, `${at}/op`);
        days(o.days, `${at}/days`, 1);
        return;
      case 'channel':
        only('channel', 'minEvents');
        key(o.channel, `${at}/channel`);
        if (o.minEvents !== undefined) count(o.minEvents, `${at}/minEvents`);
        return;
      case 'interest':
        only('interest', 'minCount');
        text(o.interest, `${at}/interest`);
        if (o.minCount !== undefined) count(o.minCount, `${at}/minCount`);
        return;
      case 'subscription':
        only('status', 'product', 'trialEndsWithinDays');
        oneOf(o.status, SUBSCRIPTION_STATUSES, `${at}/status`);
        if (o.product !== undefined) text(o.product, `${at}/product`);
        if (o.trialEndsWithinDays !== undefined) {
          if (o.status !== 'trial')
            throw invalidCondition(`${at}/trialEndsWithinDays`, 'applies to status trial only');
          days(o.trialEndsWithinDays, `${at}/trialEndsWithinDays`, 0);
        }
        return;
      case 'contact':
        only('via');
        oneOf(o.via, ['email', 'phone'] as const, `${at}/via`);
        return;
    }
  };
  walk(input, '', 0);
  return input as SegmentCondition;
}

function validateTrait(o: Json, at: string): void {
  const extra = Object.keys(o).filter((k) => !['type', 'trait', 'op', 'value', 'values'].includes(k));
  if (extra.length) throw invalidCondition(`${at}/${extra[0]}`, 'is not a field of this condition');
  if (typeof o.trait !== 'string' || !TRAIT.test(o.trait) || o.trait.split('.').some((s) => FORBIDDEN.has(s)))
    throw invalidCondition(
      `${at}/trait`,
      'must be a trait name (letters, digits, _ $ -), up to 4 dotted levels',
    );
  oneOf(o.op, TRAIT_OPS, `${at}/op`);
  const op = o.op as (typeof TRAIT_OPS)[number];
  const valueOnly = (ok: boolean, message: string) => {
    if (o.values !== undefined) throw invalidCondition(`${at}/values`, 'is not a field of this operator');
    if (!ok) throw invalidCondition(`${at}/value`, message);
  };
  switch (op) {
    case 'eq':
    case 'neq':
      return valueOnly(isScalar(o.value), 'must be a string, number or boolean');
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return valueOnly(typeof o.value === 'number' && Number.isFinite(o.value), 'must be a finite number');
    case 'contains':
    case 'starts_with':
      return valueOnly(
        typeof o.value === 'string' && o.value !== '' && o.value.length <= CONDITION_LIMITS.stringLength,
        `must be a string of 1 to ${CONDITION_LIMITS.stringLength} characters`,
      );
    case 'in':
    case 'not_in':
      if (o.value !== undefined) throw invalidCondition(`${at}/value`, 'use values with this operator');
      if (!Array.isArray(o.values) || o.values.length === 0 || o.values.length > CONDITION_LIMITS.values)
        throw invalidCondition(`${at}/values`, `must list 1 to ${CONDITION_LIMITS.values} values`);
      if (!o.values.every(isScalar))
        throw invalidCondition(`${at}/values`, 'must hold strings, numbers or booleans');
      return;
    case 'exists':
    case 'not_exists':
      if (o.value !== undefined || o.values !== undefined)
        throw invalidCondition(`${at}/value`, 'this operator takes no value');
      return;
  }
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], at: string): asserts v is T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
    throw invalidCondition(at, `must be one of ${allowed.join(', ')}`);
}
function finite(v: unknown, at: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidCondition(at, 'must be a finite number');
}
function days(v: unknown, at: string, min: number): void {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > CONDITION_LIMITS.days)
    throw invalidCondition(at, `must be a whole number of days, ${min} to ${CONDITION_LIMITS.days}`);
}
function count(v: unknown, at: string): void {
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 1e9)
    throw invalidCondition(at, 'must be a whole number from 1');
}
function key(v: unknown, at: string): void {
  if (typeof v !== 'string' || !KEY.test(v))
    throw invalidCondition(at, 'must be a key (letters, digits, _ . : @ -)');
}
function text(v: unknown, at: string): void {
  if (typeof v !== 'string' || v.trim() === '' || v.length > CONDITION_LIMITS.stringLength)
    throw invalidCondition(at, `must be a string of 1 to ${CONDITION_LIMITS.stringLength} characters`);
}
function isScalar(v: unknown): v is Scalar {
  if (typeof v === 'string') return v.length <= CONDITION_LIMITS.stringLength;
  return typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/** Whether membership can change with time alone (so the segment is refreshed on a schedule). */
export function dependsOnTime(c: SegmentCondition): boolean {
  switch (c.type) {
    case 'all':
    case 'any':
      return c.conditions.some(dependsOnTime);
    case 'not':
      return dependsOnTime(c.condition);
    case 'recency':
      return true;
    case 'subscription':
      return c.trialEndsWithinDays !== undefined;
    case 'metric':
      return c.metric === 'age';
    case 'trait':
    case 'channel':
    case 'interest':
    case 'contact':
      return false;
  }
}

/** Whether the rule reads which personal fields exist (`contact`): facts then need the sealed PII opened. */
export function readsContact(c: SegmentCondition): boolean {
  switch (c.type) {
    case 'all':
    case 'any':
      return c.conditions.some(readsContact);
    case 'not':
      return readsContact(c.condition);
    case 'contact':
      return true;
    default:
      return false;
  }
}

/** Does a customer belong, at time `now` (epoch ms)? */
export type SegmentPredicate = (facts: CustomerFacts, now: number) => boolean;

/** Turns a validated rule into a predicate. */
export function compileCondition(c: SegmentCondition): SegmentPredicate {
  switch (c.type) {
    case 'all': {
      const parts = c.conditions.map(compileCondition);
      return (f, now) => parts.every((p) => p(f, now));
    }
    case 'any': {
      const parts = c.conditions.map(compileCondition);
      return (f, now) => parts.some((p) => p(f, now));
    }
    case 'not': {
      const inner = compileCondition(c.condition);
      return (f, now) => !inner(f, now);
    }
    case 'trait':
      return compileTrait(c);
    case 'metric': {
      const read = metricReader(c.metric);
      const test = compileValueTest(c);
      return (f, now) => test(read(f, now));
    }
    case 'recency': {
      const read = (f: CustomerFacts): number | null =>
        c.field === 'first_seen' ? f.firstSeenAt : c.field === 'last_seen' ? f.lastSeenAt : f.lastPurchaseAt;
      const span = c.days * DAY_MS;
      // "Not within N days" includes never: a customer who never bought has not bought in the last 30 days.
      return c.op === 'within_days'
        ? (f, now) => {
            const t = read(f);
            return t !== null && t >= now - span;
          }
        : (f, now) => {
            const t = read(f);
            return t === null || t < now - span;
          };
    }
    case 'channel': {
      const min = c.minEvents ?? 1;
      return (f) => (own(f.channels, c.channel) ?? 0) >= min;
    }
    case 'interest': {
      const min = c.minCount ?? 1;
      const wanted = c.interest.toLowerCase();
      return (f) => {
        for (const [tag, n] of Object.entries(f.interests))
          if (tag.toLowerCase() === wanted && n >= min) return true;
        return false;
      };
    }
    case 'subscription': {
      const span = c.trialEndsWithinDays === undefined ? null : c.trialEndsWithinDays * DAY_MS;
      return (f, now) =>
        Object.entries(f.subscriptions).some(
          ([product, s]) =>
            (c.product === undefined || product === c.product) &&
            s.status === c.status &&
            (span === null ||
              (s.trialEndsAt !== null && s.trialEndsAt >= now && s.trialEndsAt <= now + span)),
        );
    }
    case 'contact':
      return (f) => f.contact.includes(c.via);
  }
}

function own(o: Record<string, number>, k: string): number | undefined {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

function compileTrait(c: TraitCondition): SegmentPredicate {
  const path = c.trait.split('.');
  const test = compileValueTest(c, { emptyIsMissing: true });
  return (f) => test(readPath(f.traits, path));
}

function metricReader(m: Metric): (f: CustomerFacts, now: number) => number | null {
  switch (m) {
    case 'total_spend':
      return (f) => f.spendMinor;
    case 'order_count':
      return (f) => f.orderCount;
    case 'event_count':
      return (f) => f.eventCount;
    case 'active_channels':
      return (f) => Object.keys(f.channels).length;
    case 'arpu':
      // As the 360° view shows it: spend per month over the months the customer has been active.
      return (f) => f.spendMinor / Math.max(1, Math.ceil((f.lastSeenAt - f.firstSeenAt) / MONTH_MS));
    case 'age':
      return (f, now) => ageOf(f.traits, now);
  }
}
