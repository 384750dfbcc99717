import { toIso } from '../../platform/http/index.js';
import { maskValue, PII_TYPES } from './identifiers.js';
import { ageOf, type ProfileState } from './profile-state.js';
import type { ProfileView } from './profile.service.js';
import type { EventsTable } from './profiles.tables.js';
import { fromJson } from '../../platform/db/index.js';

const MONTH_MS = 30 * 86_400_000;

function maskPii(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value === undefined || value === null ? value : '****';
  if (key === 'phone') return maskValue('phone', value);
  if (key === 'email') return maskValue('email', value);
  if (key === 'name' || key === 'firstName' || key === 'lastName') return maskValue('name', value);
  if (key === 'nationalId')
    return value.length > 8
      ? `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`
      : '****';
  return '****';
}

function pii(state: ProfileState, canReadPii: boolean): Record<string, unknown> {
  return Object.fromEntries(Object.entries(state.pii).map(([k, v]) => [k, canReadPii ? v : maskPii(k, v)]));
}

function displayName(p: Record<string, unknown>): string | null {
  if (typeof p.name === 'string') return p.name;
  const parts = [p.lastName, p.firstName].filter((x): x is string => typeof x === 'string');
  return parts.length ? parts.join('') : null;
}

/** A customer in lists: who they are (masked unless allowed), when last seen, what they are worth. */
export function presentProfileSummary(state: ProfileState, canReadPii: boolean) {
  const shown = pii(state, canReadPii);
  return {
    id: state.id,
    name: displayName(shown),
    email: (shown.email as string | undefined) ?? null,
    phone: (shown.phone as string | undefined) ?? null,
    city: typeof state.traits.city === 'string' ? state.traits.city : null,
    lastSeenAt: toIso(state.lastSeenAt),
    eventCount: state.eventCount,
    totalSpendMinor: state.stats.spendMinor,
  };
}

/** The 360° profile: basic information, interests, commercial value, subscriptions, engagement, identities, merges. */
export function presentProfile(view: ProfileView, canReadPii: boolean, now = Date.now()) {
  const s = view.state;
  const shown = pii(s, canReadPii);
  const months = Math.max(1, Math.ceil((s.lastSeenAt - s.firstSeenAt) / MONTH_MS));
  return {
    id: s.id,
    mergedFrom: view.requestedId !== s.id ? view.requestedId : null,
    piiMasked: !canReadPii,
    basic: {
      name: displayName(shown),
      gender: s.traits.gender ?? null,
      birthday: s.traits.birthday ?? null,
      age: ageOf(s.traits, now),
      region: s.traits.region ?? s.traits.province ?? null,
      city: s.traits.city ?? null,
      language: s.traits.language ?? s.traits.locale ?? null,
    },
    pii: shown,
    traits: s.traits,
    interests: Object.entries(s.stats.interests)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([tag, count]) => ({ tag, count })),
    value: {
      totalSpendMinor: s.stats.spendMinor,
      currency: s.stats.currency,
      orderCount: s.stats.orderCount,
      lastPurchaseAt: toIso(s.stats.lastPurchaseAt),
      // Average revenue per month over the months the customer has been active.
      arpuMinor: Math.round(s.stats.spendMinor / months),
    },
    subscriptions: Object.entries(s.stats.subscriptions).map(([product, sub]) => ({
      product,
      status: sub.status,
      since: toIso(sub.since),
      trialEndsAt: toIso(sub.trialEndsAt),
      endedAt: toIso(sub.endedAt),
    })),
    engagement: {
      firstSeenAt: toIso(s.firstSeenAt),
      lastSeenAt: toIso(s.lastSeenAt),
      eventCount: s.eventCount,
      activeDays: view.engagement.activeDays,
      eventsByChannel: view.engagement.eventsByChannel,
      eventsByType: view.engagement.eventsByType,
    },
    identities: view.identities.map((i) => ({
      type: i.type,
      value: canReadPii || !PII_TYPES.has(i.type) ? i.value : maskValue(i.type, i.value),
      firstSeenAt: toIso(i.firstSeenAt),
    })),
    merges: view.merges.map((m) => ({
      fromProfileId: m.fromProfileId,
      identifierType: m.identifierType,
      at: toIso(m.at),
    })),
  };
}

/** One timeline entry. Context is left out: it is large and mostly device detail. */
export function presentTimelineEntry(e: EventsTable, touchpoint: string | null) {
  return {
    id: e.id,
    kind: 'event' as const,
    type: e.type,
    name: e.name,
    channel: e.channel,
    touchpoint,
    timestamp: toIso(e.timestamp),
    receivedAt: toIso(e.received_at),
    properties: fromJson<Record<string, unknown>>(e.properties),
  };
}
