import { normalizeIdentifier } from './identifiers.js';
import type { IncomingEvent } from './incoming-event.js';
import type { ProfileState } from './profile-state.js';

/** Traits that are personal data: stored sealed, shown masked. Keys are mapped to one canonical name. */
export const PII_TRAITS: Readonly<Record<string, string>> = {
  name: 'name',
  firstName: 'firstName',
  first_name: 'firstName',
  lastName: 'lastName',
  last_name: 'lastName',
  email: 'email',
  phone: 'phone',
  mobile: 'phone',
  address: 'address',
  nationalId: 'nationalId',
  national_id: 'nationalId',
  idCard: 'nationalId',
  id_card: 'nationalId',
};

const PURCHASE_EVENTS = new Set([
  'order completed',
  'checkout completed',
  'bill paid',
  'payment completed',
  'top up completed',
  'recharge completed',
]);
const ORDER_EVENTS = new Set(['order completed', 'checkout completed']);
const INTEREST_EVENTS = new Set([
  'product viewed',
  'product clicked',
  'plan viewed',
  'product list viewed',
  'category viewed',
]);
const TRIAL_START = new Set(['trial started']);
const SUBSCRIBED = new Set([
  'service subscribed',
  'subscription started',
  'trial converted',
  'plan subscribed',
]);
const CANCELLED = new Set([
  'service unsubscribed',
  'subscription cancelled',
  'subscription canceled',
  'trial ended',
  'plan unsubscribed',
]);

const DAY_MS = 86_400_000;

/** Adds one to a counter map; keys such as `constructor` are plain data, never Object.prototype members. */
export function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (Object.hasOwn(counts, key) ? (counts[key] as number) : 0) + by;
}

function str(v: unknown, max = 200): string | null {
  return typeof v === 'string' && v.trim() !== ''
    ? v.trim().slice(0, max)
    : typeof v === 'number' && Number.isFinite(v)
      ? String(v)
      : null;
}

/** Money in major units (Segment's `revenue`, `total`, `value`, `amount`) → integer minor units, or null. */
export function toMinorUnits(v: unknown): number | null {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1e12) return null;
  return Math.round(n * 100);
}

function time(v: unknown): number | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const t = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(t) && t > 0 && t < 8.64e15 ? t : null;
}

/** Sets traits from an event unless a newer event already set them (events may arrive out of order). */
function applyTraits(
  p: ProfileState,
  traits: Record<string, unknown>,
  at: number,
  phoneRegion: string,
): void {
  for (const [rawKey, value] of Object.entries(traits)) {
    if (value === undefined || rawKey === 'id' || rawKey === 'userId' || rawKey === 'anonymousId') continue;
    const piiKey = Object.hasOwn(PII_TRAITS, rawKey) ? PII_TRAITS[rawKey] : undefined;
    const slot = piiKey ? `pii.${piiKey}` : rawKey;
    const previous = Object.hasOwn(p.stats.traitTimes, slot) ? p.stats.traitTimes[slot] : undefined;
    if (previous !== undefined && previous > at) continue;
    // E-mail and phone are kept normalised (as their identities are) when they parse.
    if (piiKey === 'email' || piiKey === 'phone')
      p.pii[piiKey] = normalizeIdentifier(piiKey, value, phoneRegion) ?? value;
    else if (piiKey) p.pii[piiKey] = value;
    else p.traits[rawKey] = value;
    p.stats.traitTimes[slot] = at;
  }
}

/** Applies one event to its profile: counters, traits, purchases, interests and subscriptions. */
export function applyEvent(p: ProfileState, e: IncomingEvent, phoneRegion: string): void {
  p.dirty = true;
  p.eventCount++;
  p.firstSeenAt = Math.min(p.firstSeenAt, e.timestamp);
  p.lastSeenAt = Math.max(p.lastSeenAt, e.timestamp);
  increment(p.stats.channels, e.channel);
  applyTraits(p, e.traits, e.timestamp, phoneRegion);

  const name = (e.name ?? '').toLowerCase();
  const props = e.properties;
  if (e.type === 'track' && PURCHASE_EVENTS.has(name)) {
    const amount = toMinorUnits(props.revenue ?? props.total ?? props.value ?? props.amount);
    if (amount !== null) {
      p.stats.spendMinor += amount;
      p.stats.currency ??= str(props.currency, 3)?.toUpperCase() ?? null;
      p.stats.lastPurchaseAt = Math.max(p.stats.lastPurchaseAt ?? 0, e.timestamp);
    }
    if (ORDER_EVENTS.has(name)) p.stats.orderCount++;
  }
  if ((e.type === 'track' && INTEREST_EVENTS.has(name)) || e.type === 'page' || e.type === 'screen') {
    for (const tag of [
      str(props.category, 60),
      e.type === 'track' ? str(props.name ?? props.product ?? props.plan, 60) : null,
    ]) {
      if (tag) increment(p.stats.interests, tag);
    }
  }
  if (e.type === 'track') {
    const product = str(props.product ?? props.plan ?? props.service ?? props.name, 100);
    const current =
      product && Object.hasOwn(p.stats.subscriptions, product) ? p.stats.subscriptions[product] : undefined;
    if (product && (!current || e.timestamp >= current.since)) {
      if (TRIAL_START.has(name)) {
        const days =
          typeof props.trial_days === 'number'
            ? props.trial_days
            : typeof props.trialDays === 'number'
              ? props.trialDays
              : null;
        const end =
          time(props.trial_end ?? props.trialEnd ?? props.trial_ends_at ?? props.trialEndsAt) ??
          (days !== null && days > 0 && days < 3650 ? e.timestamp + days * DAY_MS : null);
        p.stats.subscriptions[product] = {
          status: 'trial',
          since: e.timestamp,
          trialEndsAt: end,
          endedAt: null,
        };
      } else if (SUBSCRIBED.has(name)) {
        p.stats.subscriptions[product] = {
          status: 'active',
          since: e.timestamp,
          trialEndsAt: null,
          endedAt: null,
        };
      } else if (CANCELLED.has(name) && current) {
        p.stats.subscriptions[product] = {
          ...current,
          status: 'cancelled',
          since: e.timestamp,
          endedAt: e.timestamp,
        };
      }
    }
  }
}
