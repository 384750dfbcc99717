import type { ProfilesTable } from './profiles.tables.js';

/** What a profile accumulates from events, kept as JSON in `profiles.stats`. */
export interface ProfileStats {
  /** When each trait (and `pii.<name>`) was last set, by event time: the newest value wins, also across merges. */
  traitTimes: Record<string, number>;
  spendMinor: number;
  currency: string | null;
  orderCount: number;
  lastPurchaseAt: number | null;
  /** Viewed categories and products → count. */
  interests: Record<string, number>;
  channels: Record<string, number>;
  subscriptions: Record<string, Subscription>;
}

export interface Subscription {
  status: 'trial' | 'active' | 'cancelled';
  since: number;
  trialEndsAt: number | null;
  endedAt: number | null;
}

export function emptyStats(): ProfileStats {
  return {
    traitTimes: {},
    spendMinor: 0,
    currency: null,
    orderCount: 0,
    lastPurchaseAt: null,
    interests: {},
    channels: {},
    subscriptions: {},
  };
}

/** A profile being changed by a batch, in memory until the batch is written. */
export interface ProfileState {
  id: string;
  isNew: boolean;
  dirty: boolean;
  mergedInto: string | null;
  traits: Record<string, unknown>;
  pii: Record<string, unknown>;
  stats: ProfileStats;
  eventCount: number;
  firstSeenAt: number;
  lastSeenAt: number;
  createdAt: number;
  /** The stored columns as read (PII as its decrypted JSON), so a write-back sets only what changed. */
  stored?: { row: ProfilesTable; piiJson: string };
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (Object.hasOwn(into, k) ? (into[k] as number) : 0) + v;
}

/**
 * Folds `from` into `into` (trait survivorship on merge): per trait the newest value wins, first-seen is the
 * minimum, last-seen the maximum, counters add, and each subscription keeps its most recent state.
 */
export function mergeState(into: ProfileState, from: ProfileState): void {
  for (const [bucket, target, source] of [
    ['', into.traits, from.traits],
    ['pii.', into.pii, from.pii],
  ] as const) {
    for (const [key, value] of Object.entries(source)) {
      const own = (times: Record<string, number>, k: string) =>
        Object.hasOwn(times, k) ? times[k] : undefined;
      const tFrom = own(from.stats.traitTimes, bucket + key) ?? 0;
      const tInto = own(into.stats.traitTimes, bucket + key);
      if (tInto === undefined || tFrom > tInto) {
        target[key] = value;
        into.stats.traitTimes[bucket + key] = tFrom;
      }
    }
  }
  const a = into.stats;
  const b = from.stats;
  a.spendMinor += b.spendMinor;
  a.currency ??= b.currency;
  a.orderCount += b.orderCount;
  a.lastPurchaseAt = Math.max(a.lastPurchaseAt ?? 0, b.lastPurchaseAt ?? 0) || null;
  addCounts(a.interests, b.interests);
  addCounts(a.channels, b.channels);
  for (const [product, sub] of Object.entries(b.subscriptions)) {
    const mine = Object.hasOwn(a.subscriptions, product) ? a.subscriptions[product] : undefined;
    if (!mine || sub.since > mine.since) a.subscriptions[product] = sub;
  }
  into.eventCount += from.eventCount;
  into.firstSeenAt = Math.min(into.firstSeenAt, from.firstSeenAt);
  into.lastSeenAt = Math.max(into.lastSeenAt, from.lastSeenAt);
  into.dirty = true;
}

/** Age in whole years at `now` from the `birthday` trait (YYYY-MM-DD…), else a numeric `age` trait; null if unknown. */
export function ageOf(traits: Record<string, unknown>, now: number): number | null {
  const birthday = traits.birthday;
  if (typeof birthday === 'string' && /^\d{4}-\d{2}-\d{2}/.test(birthday)) {
    const b = new Date(`${birthday.slice(0, 10)}T00:00:00Z`);
    const n = new Date(now);
    let age = n.getUTCFullYear() - b.getUTCFullYear();
    if (
      n.getUTCMonth() < b.getUTCMonth() ||
      (n.getUTCMonth() === b.getUTCMonth() && n.getUTCDate() < b.getUTCDate())
    )
      age--;
    if (age >= 0 && age < 130) return age;
  }
  return typeof traits.age === 'number' && Number.isFinite(traits.age) ? traits.age : null;
}

/**
 * What a live profile knows about its customer, without any personal data: the input of rules that select
 * customers (segments). Which contact channels exist is given, never their values.
 */
export interface CustomerFacts {
  id: string;
  traits: Record<string, unknown>;
  /** Personal fields present (`email`, `phone`, `name`, …); their values stay sealed. */
  contact: string[];
  spendMinor: number;
  orderCount: number;
  lastPurchaseAt: number | null;
  eventCount: number;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Events per channel key. */
  channels: Record<string, number>;
  /** Viewed categories and products → count. */
  interests: Record<string, number>;
  subscriptions: Record<string, Subscription>;
}

/** The facts of a profile held in memory (its PII already open). */
export function factsOfState(p: ProfileState): CustomerFacts {
  return {
    id: p.id,
    traits: p.traits,
    contact: Object.keys(p.pii).filter((k) => p.pii[k] !== null && p.pii[k] !== ''),
    spendMinor: p.stats.spendMinor,
    orderCount: p.stats.orderCount,
    lastPurchaseAt: p.stats.lastPurchaseAt,
    eventCount: p.eventCount,
    firstSeenAt: p.firstSeenAt,
    lastSeenAt: p.lastSeenAt,
    channels: p.stats.channels,
    interests: p.stats.interests,
    subscriptions: p.stats.subscriptions,
  };
}
