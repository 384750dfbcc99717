import type { FieldCipher } from '../../platform/crypto/index.js';
import type { Db } from '../../platform/db/index.js';
import { presentProfileSummary } from './profile.presenter.js';
import type { Subscription } from './profile-state.js';
import { fromRow } from './record-events.js';

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

type Row = Parameters<typeof fromRow>[0];

function factsOf(row: Row, cipher: FieldCipher): CustomerFacts {
  const s = fromRow(row, cipher);
  return {
    id: s.id,
    traits: s.traits,
    contact: Object.keys(s.pii).filter((k) => s.pii[k] !== null && s.pii[k] !== ''),
    spendMinor: s.stats.spendMinor,
    orderCount: s.stats.orderCount,
    lastPurchaseAt: s.stats.lastPurchaseAt,
    eventCount: s.eventCount,
    firstSeenAt: s.firstSeenAt,
    lastSeenAt: s.lastSeenAt,
    channels: s.stats.channels,
    interests: s.stats.interests,
    subscriptions: s.stats.subscriptions,
  };
}

/** Facts of the live profiles among `ids` (merged-away and unknown ids are left out). */
export async function customerFactsByIds(
  db: Db,
  cipher: FieldCipher,
  workspaceId: string,
  ids: readonly string[],
): Promise<CustomerFacts[]> {
  const out: CustomerFacts[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('profiles')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids.slice(i, i + 500))
      .where('merged_into', 'is', null)
      .execute();
    for (const r of rows) out.push(factsOf(r, cipher));
  }
  return out;
}

/** One keyset page of live profiles' facts in id order, after `afterId` (exclusive; '' for the start). */
export async function customerFactsPage(
  db: Db,
  cipher: FieldCipher,
  workspaceId: string,
  afterId: string,
  limit: number,
): Promise<CustomerFacts[]> {
  const rows = await db
    .selectFrom('profiles')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '>', afterId)
    .where('merged_into', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => factsOf(r, cipher));
}

/** How many live profiles the workspace has (the denominator of a full pass). */
export async function liveProfileCount(db: Db, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('profiles')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Customers as lists show them (masked unless `canReadPii`), for other modules' member lists, in the order of `ids`;
 * ids of profiles that no longer exist are left out.
 */
export async function customerSummaries(
  db: Db,
  cipher: FieldCipher,
  workspaceId: string,
  ids: readonly string[],
  canReadPii: boolean,
): Promise<ReturnType<typeof presentProfileSummary>[]> {
  const byId = new Map<string, ReturnType<typeof presentProfileSummary>>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('profiles')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) byId.set(r.id, presentProfileSummary(fromRow(r, cipher), canReadPii));
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}
