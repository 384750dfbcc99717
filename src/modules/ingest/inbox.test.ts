import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { trackEvent } from '../../../test/support/events.js';
import { createFieldCipher } from '../../platform/crypto/index.js';
import { toJson } from '../../platform/db/index.js';
import { GroupCommitter } from './group-commit.js';
import { EventInbox } from './inbox.js';

/**
 * The inbox behind the collection API: overlapping requests are acknowledged once stored and folded into profiles
 * afterwards, in arrival order; a lone request is folded before its answer; a failing event is set aside without
 * blocking the rest; the backlog is visible per workspace and bounded.
 */
describe('collection inbox', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let other: TestWorkspace;
  let writeKey: string;
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('inbox');
    other = await h.workspace('inbox-other');
    writeKey = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/write-keys',
        headers: { authorization: `Bearer ${ws.keys.owner}` },
        payload: { name: 'web' },
      })
    ).json().key;
  });
  afterAll(() => h.close());

  const send = (url: string, payload: unknown) =>
    h.app.inject({
      method: 'POST',
      url,
      headers: { 'x-write-key': writeKey, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const api = (method: 'GET' | 'POST', url: string, key = ws.keys.owner) =>
    h.app.inject({ method, url, headers: { authorization: `Bearer ${key}` } });
  const lookup = async (type: string, value: string) => {
    const res = await api('GET', `/api/v1/customers/lookup?type=${type}&value=${encodeURIComponent(value)}`);
    return res.statusCode === 200 ? res.json() : null;
  };
  const inboxRows = async () =>
    (
      await h.t.handle.db
        .selectFrom('ingest_inbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it('folds a lone request into the profile before answering', async () => {
    const res = await send('/v1/identify', { userId: 'lone-1', traits: { name: '王芳', city: '杭州' } });
    expect(res.statusCode).toBe(200);
    // No settle(): the answer came after the profile was written.
    const profile = await lookup('user_id', 'lone-1');
    expect(profile?.traits?.city).toBe('杭州');
    expect(Number(await inboxRows())).toBe(0);
    expect(h.inbox.stagedTotal).toBe(0);
  });

  it('acknowledges overlapping requests from the inbox and folds them in arrival order', async () => {
    // 40 requests at once: an identify, then tracks of the same person through an anonymous id, then an alias.
    const requests = [
      send('/v1/identify', {
        userId: 'burst-1',
        anonymousId: 'anon-b',
        traits: { city: '上海', plan: 'basic' },
      }),
      ...Array.from({ length: 36 }, (_, i) =>
        send('/v1/track', {
          anonymousId: 'anon-b',
          event: 'Plan Viewed',
          messageId: `burst-track-${i}`,
          properties: { i },
        }),
      ),
      send('/v1/identify', { userId: 'burst-1', traits: { plan: 'premium' } }),
      send('/v1/batch', {
        batch: [
          { type: 'track', userId: 'burst-2', event: 'Order Completed', properties: { revenue: 30 } },
          { type: 'track', userId: 'burst-2', event: 'Order Completed', properties: { revenue: 12 } },
        ],
      }),
      send('/v1/alias', { userId: 'burst-1', previousId: 'anon-late' }),
    ];
    const stagedBefore = h.inbox.stagedTotal;
    const answers = await Promise.all(requests);
    expect(answers.map((r) => r.statusCode)).toEqual(answers.map(() => 200));
    // They overlapped: they were answered from the inbox, not each folded in before its answer.
    expect(h.inbox.stagedTotal - stagedBefore).toBeGreaterThan(30);
    await h.settle();
    expect(Number(await inboxRows())).toBe(0);

    const one = await lookup('user_id', 'burst-1');
    // Arrival order: the later identify wins the trait; every track joined the same profile through anon-b.
    expect(one.traits.plan).toBe('premium');
    expect(one.traits.city).toBe('上海');
    const byAnon = await lookup('anonymous_id', 'anon-b');
    const byAlias = await lookup('anonymous_id', 'anon-late');
    expect(byAnon.id).toBe(one.id);
    expect(byAlias.id).toBe(one.id);
    const timeline = await api('GET', `/api/v1/customers/${one.id}/timeline?limit=100`);
    expect(timeline.json().data.filter((e: { name: string }) => e.name === 'Plan Viewed')).toHaveLength(36);
    const two = await lookup('user_id', 'burst-2');
    expect(two.value.totalSpendMinor).toBe(4200);
  });

  it('de-duplicates a retry that arrives while the first copy still waits in the inbox', async () => {
    const body = {
      userId: 'retry-1',
      event: 'Bill Paid',
      messageId: 'retry-same',
      properties: { revenue: 5 },
    };
    const answers = await Promise.all([
      send('/v1/track', body),
      send('/v1/track', body),
      send('/v1/track', body),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    await h.settle();
    const events = await h.t.handle.db
      .selectFrom('events')
      .select('id')
      .where('workspace_id', '=', ws.id)
      .where('message_id', '=', 'retry-same')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('reports the backlog per workspace, sets a failing event aside, and retries it on request', async () => {
    const { db } = h.t.handle;
    const now = Date.now();
    const event = (messageId: string, userId: string) =>
      trackEvent(messageId, { name: 'Late Event', userId, at: now - 60_000 });
    // Rows as another process would have left them: two good events around one the profiles module cannot read.
    await db
      .insertInto('ingest_inbox')
      .values([
        { workspace_id: ws.id, received_at: now - 60_000, event: toJson(event('left-1', 'left-a')) },
        {
          workspace_id: ws.id,
          received_at: now - 50_000,
          event: toJson({ messageId: 'broken', type: 'track' }),
        },
        { workspace_id: ws.id, received_at: now - 40_000, event: toJson(event('left-2', 'left-b')) },
      ])
      .execute();
    const waiting = (await api('GET', '/api/v1/ingest/status')).json();
    expect(waiting).toMatchObject({
      pending: 3,
      failed: 0,
      oldestReceivedAt: new Date(now - 60_000).toISOString(),
    });
    expect(waiting.lagMs).toBeGreaterThanOrEqual(60_000);
    // Another workspace sees only its own backlog; an analyst may read it but not retry.
    expect((await api('GET', '/api/v1/ingest/status', other.keys.owner)).json()).toEqual({
      pending: 0,
      failed: 0,
      oldestReceivedAt: null,
      lagMs: 0,
    });
    expect((await api('GET', '/api/v1/ingest/status', ws.keys.analyst)).statusCode).toBe(200);
    expect((await api('POST', '/api/v1/ingest/failed/retry', ws.keys.analyst)).statusCode).toBe(403);
    expect((await api('GET', '/api/v1/ingest/status', ws.keys.agent)).statusCode).toBe(403);

    // A new burst wakes the processor: the chunk with the broken event fails, each event is retried alone, and
    // only the broken one is set aside.
    await Promise.all([
      send('/v1/track', { userId: 'left-c', event: 'Wake' }),
      send('/v1/track', { userId: 'left-c', event: 'Wake' }),
    ]);
    await h.settle();
    expect(await lookup('user_id', 'left-a')).not.toBeNull();
    expect(await lookup('user_id', 'left-b')).not.toBeNull();
    const after = (await api('GET', '/api/v1/ingest/status')).json();
    expect(after).toMatchObject({ pending: 0, failed: 1, oldestReceivedAt: null, lagMs: 0 });
    const [failed] = await db
      .selectFrom('ingest_inbox')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(failed?.failed_at).toBeGreaterThan(0);
    expect(failed?.error).toBeTruthy();

    // Retried, it fails again and stays set aside, once; the retry is audited.
    const retried = await api('POST', '/api/v1/ingest/failed/retry');
    expect(retried.json()).toEqual({ retried: 1 });
    await h.settle();
    expect((await api('GET', '/api/v1/ingest/status')).json()).toMatchObject({ pending: 0, failed: 1 });
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('workspace_id', '=', ws.id)
      .where('action', '=', 'ingest.failed_retried')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('answers 429 once the backlog is full; folds a busy backlog once it is late, and accepts again', async () => {
    const profiles = { cipher: createFieldCipher(Buffer.alloc(32, 3)), phoneRegion: 'CN' };
    // Requests count as arriving without pause for a minute, so only the lag rule (200 ms) lets the processor run.
    const inbox = new EventInbox({
      db: h.t.handle.db,
      profiles,
      maxBacklog: 5,
      quietMs: 60_000,
      maxLagMs: 200,
    });
    const committer = new GroupCommitter({ db: h.t.handle.db, profiles, inbox });
    const event = (i: number) => trackEvent(`full-${i}`, { name: 'Full', userId: `full-${i % 2}` });
    // Two requests in one turn are staged; the processor waits, so the backlog holds 4.
    await Promise.all([
      committer.submit(ws.id, [event(1), event(2)]),
      committer.submit(ws.id, [event(3), event(4)]),
    ]);
    expect(inbox.backlog).toBe(4);
    await expect(committer.submit(ws.id, [event(5), event(6)])).rejects.toMatchObject({
      code: 'INGEST_OVERLOADED',
      httpStatus: 429,
      headers: { 'retry-after': '1' },
    });
    await inbox.settled();
    expect(inbox.backlog).toBe(0);
    await committer.submit(ws.id, [event(5), event(6)]);
    const stored = await h.t.handle.db
      .selectFrom('events')
      .select('message_id')
      .where('workspace_id', '=', ws.id)
      .where('message_id', 'like', 'full-%')
      .execute();
    expect(stored.map((r) => r.message_id).sort()).toEqual([
      'full-1',
      'full-2',
      'full-3',
      'full-4',
      'full-5',
      'full-6',
    ]);
    await inbox.stop();
  });
});
