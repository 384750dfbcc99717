import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { systemActor } from '../audit/index.js';
import { createWorkspace } from '../workspaces/index.js';
import { newId, type Db } from '../../platform/db/index.js';
import { LinkReader, padToPowerOfTwo } from './response.cache.js';
import { createSurvey } from './survey.service.js';

/** Counts the statements run through a Kysely instance (compiled ones too: they skip transformQuery). */
class Counter implements KyselyPlugin {
  statements = 0;
  transformQuery(args: PluginTransformQueryArgs) {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    this.statements++;
    return args.result;
  }
}

describe('LinkReader: the links of requests that arrive together, in one statement', () => {
  let t: TestDatabase;
  let db: Db;
  let a: string;
  let b: string;
  const linksOf: Record<string, string[]> = {};

  beforeAll(async () => {
    t = await openTestDatabase();
    db = t.handle.db;
    const actor = systemActor('test');
    for (const slug of ['links-a', 'links-b']) {
      const ws = await createWorkspace(db, actor, {
        slug,
        name: slug,
        timeZone: 'Asia/Shanghai',
        defaultLocale: 'en',
        ownerUserId: null,
      });
      const survey = await createSurvey(db, actor, ws.id, { template: 'nps-relationship' });
      const ids = Array.from({ length: 300 }, () => newId('sl'));
      await db
        .insertInto('survey_links')
        .values(
          ids.map((id, i) => ({
            workspace_id: ws.id,
            id,
            survey_id: survey.id,
            profile_id: null,
            single_use: 1,
            expires_at: null,
            hidden: '{}',
            channel: 'sms',
            origin: 'api',
            created_by: null,
            created_at: 1000 + i,
            used_at: i % 2 ? 5000 + i : null,
            response_id: null,
          })),
        )
        .execute();
      linksOf[ws.id] = ids;
      if (slug === 'links-a') a = ws.id;
      else b = ws.id;
    }
  });
  afterAll(() => t.close());

  it('answers every read of one turn with one statement per workspace and 256 ids', async () => {
    const counter = new Counter();
    const reader = new LinkReader(db.withPlugin(counter), t.handle.kind);
    const idsA = linksOf[a] as string[];
    const idsB = linksOf[b] as string[];
    const reads = [
      // 300 links of A (two statements: 256 + 44 padded to 64), the same link twice, 3 links of B.
      ...idsA.map((id) => reader.read(a, id)),
      reader.read(a, idsA[7] as string),
      ...idsB.slice(0, 3).map((id) => reader.read(b, id)),
      // Unknown ids and another workspace's link are null, never someone else's row.
      reader.read(a, 'sl_nope'),
      reader.read(a, idsB[0] as string),
      reader.read(b, idsA[0] as string),
    ];
    const rows = await Promise.all(reads);
    expect(counter.statements).toBe(3);
    for (let i = 0; i < 300; i++) {
      expect(rows[i]?.id).toBe(idsA[i]);
      expect(rows[i]?.workspace_id).toBe(a);
      expect(rows[i]?.used_at).toBe(i % 2 ? 5000 + i : null);
    }
    expect(rows[300]?.id).toBe(idsA[7]);
    expect(rows.slice(301, 304).map((r) => r?.id)).toEqual(idsB.slice(0, 3));
    expect(rows.slice(304)).toEqual([null, null, null]);
  });

  it('reads again in the next turn (no caching) and passes a failure to every waiter', async () => {
    const reader = new LinkReader(db);
    const id = (linksOf[a] as string[])[0] as string;
    expect((await reader.read(a, id))?.used_at).toBeNull();
    await db.updateTable('survey_links').set({ used_at: 42 }).where('id', '=', id).execute();
    expect((await reader.read(a, id))?.used_at).toBe(42);

    const failing = new LinkReader(
      db.withPlugin({
        transformQuery: (args) => args.node,
        transformResult: async () => {
          throw new Error('database down');
        },
      }),
      t.handle.kind,
    );
    const results = await Promise.allSettled([failing.read(a, id), failing.read(a, 'sl_other')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('pads lists to a power of two with their last item', () => {
    expect(padToPowerOfTwo([1])).toEqual([1]);
    expect(padToPowerOfTwo([1, 2, 3])).toEqual([1, 2, 3, 3]);
    expect(padToPowerOfTwo([1, 2, 3, 4, 5])).toEqual([1, 2, 3, 4, 5, 5, 5, 5]);
    expect(padToPowerOfTwo(Array.from({ length: 256 }, (_, i) => i))).toHaveLength(256);
  });
});
