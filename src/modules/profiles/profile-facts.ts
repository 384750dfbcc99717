import type { FieldCipher } from '../../platform/crypto/index.js';
import { fromJson, type Db } from '../../platform/db/index.js';
import { presentProfileSummary } from './profile.presenter.js';
import { emptyStats, type CustomerFacts, type ProfileStats } from './profile-state.js';
import type { ProfilesTable } from './profiles.tables.js';
import { fromRow } from './record-events.js';

type FactsRow = Pick<
  ProfilesTable,
  'id' | 'traits' | 'pii' | 'stats' | 'event_count' | 'first_seen_at' | 'last_seen_at'
>;
const FACT_COLUMNS = [
  'id',
  'traits',
  'pii',
  'stats',
  'event_count',
  'first_seen_at',
  'last_seen_at',
] as const;

/** Which personal fields a profile has: decrypting its PII is most of what facts cost, so only when asked. */
export interface FactsOptions {
  /** Fill `contact` (decrypts each profile's PII); default true. */
  contact?: boolean;
}

function factsOf(r: FactsRow, cipher: FieldCipher, contact: boolean): CustomerFacts {
  const stats: ProfileStats = { ...emptyStats(), ...fromJson<ProfileStats>(r.stats) };
  const pii = contact && r.pii ? fromJson<Record<string, unknown>>(cipher.decrypt(r.pii)) : {};
  return {
    id: r.id,
    traits: fromJson<Record<string, unknown>>(r.traits),
    contact: Object.keys(pii).filter((k) => pii[k] !== null && pii[k] !== ''),
    spendMinor: stats.spendMinor,
    orderCount: stats.orderCount,
    lastPurchaseAt: stats.lastPurchaseAt,
    eventCount: r.event_count,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    channels: stats.channels,
    interests: stats.interests,
    subscriptions: stats.subscriptions,
  };
}

/** One keyset page of live profiles' facts in id order, after `afterId` (exclusive; '' for the start). */
export async function customerFactsPage(
  db: Db,
  cipher: FieldCipher,
  workspaceId: string,
  afterId: string,
  limit: number,
  options: FactsOptions = {},
): Promise<CustomerFacts[]> {
  const contact = options.contact ?? true;
  const rows = await db
    .selectFrom('profiles')
    .select(FACT_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('id', '>', afterId)
    .where('merged_into', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => factsOf(r, cipher, contact));
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

/** The id of the live profile at `offset` in id order (for sampling from random places), or null past the end. */
export async function liveProfileIdAt(db: Db, workspaceId: string, offset: number): Promise<string | null> {
  const row = await db
    .selectFrom('profiles')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', 'is', null)
    .orderBy('id')
    .limit(1)
    .offset(Math.max(0, Math.floor(offset)))
    .executeTakeFirst();
  return row?.id ?? null;
}
