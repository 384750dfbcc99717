import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/modules/audit/index.js';
import { EventInbox, GroupCommitter } from '../src/modules/ingest/index.js';
import type { IncomingEvent } from '../src/modules/profiles/index.js';
import { createWorkspace, createWriteKey } from '../src/modules/workspaces/index.js';
import { createFieldCipher } from '../src/platform/crypto/index.js';
import { fromJson } from '../src/platform/db/index.js';
import { openTestDatabase, testDialect, type TestDatabase } from './support/database.js';
import { trackEvent } from './support/events.js';

/**
 * "A 2xx is sent only after the events are committed": the real server runs as a child process on its own port,
 * eight keep-alive clients fire /v1/batch and /v1/track at it, and the server is killed with SIGKILL in the middle
 * of the load. Every messageId that got a 2xx must then be in the database exactly once, with profile counters
 * that match the stored events (events and profiles commit together) — or still be waiting in the inbox, which a
 * restarted server folds into profiles. That server then takes every request again, as SDKs retry, without counting
 * anything twice.
 */
describe(`durable acknowledgement under kill -9 (${testDialect})`, () => {
  let t: TestDatabase;
  let workspaceId: string;
  let writeKey: string;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-durability-'));
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    t = await openTestDatabase();
    const actor = systemActor('durability-test');
    const ws = await createWorkspace(t.handle.db, actor, {
      slug: 'durability',
      name: 'Durability',
      timeZone: 'Asia/Shanghai',
      defaultLocale: 'en',
      ownerUserId: null,
    });
    workspaceId = ws.id;
    writeKey = (await createWriteKey(t.handle.db, actor, ws.id, { name: 'load test' })).key;
  });

  afterAll(async () => {
    for (const s of servers) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged event after SIGKILL mid-load, and a retry after restart double-counts nothing', async () => {
    const first = await startServer();

    // The load: 8 clients, each sending up to 250 requests, alternating a /v1/batch of 1–40 events and a
    // /v1/track; identities overlap between clients so that profiles are created, attached and merged concurrently.
    const clients = 8;
    const perClient = 250;
    const requests: { url: string; body: string; ids: string[] }[][] = [];
    for (let c = 0; c < clients; c++) {
      const list: { url: string; body: string; ids: string[] }[] = [];
      for (let i = 0; i < perClient; i++) list.push(makeRequest(c, i));
      requests.push(list);
    }
    const acked = new Set<string>();
    const sent = new Set<string>();
    let ackedRequests = 0;
    let otherStatuses = 0;
    let killedAt = 0;
    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    const started = Date.now();

    const killer = (async () => {
      // Kill once a good share of the load is acknowledged (or after 4 s), while every client is mid-flight.
      while (ackedRequests < 500 && Date.now() - started < 4000) await sleep(5);
      first.child.kill('SIGKILL');
      killedAt = Date.now();
    })();
    await Promise.all(
      requests.map(async (list) => {
        for (const r of list) {
          if (killedAt) break;
          for (const id of r.ids) sent.add(id);
          let status: number;
          try {
            status = await post(agent, first.port, r.url, r.body);
          } catch {
            break; // connection refused or reset: the server is gone
          }
          if (status >= 200 && status < 300) {
            for (const id of r.ids) acked.add(id);
            ackedRequests++;
          } else otherStatuses++;
        }
      }),
    );
    await killer;
    await once(first.child, 'exit');
    agent.destroy();
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(otherStatuses).toBe(0);
    expect(acked.size).toBeGreaterThan(200);
    // The kill really came mid-load: some requests were sent but never answered.
    expect(sent.size).toBeGreaterThan(acked.size);

    // Every acknowledged event is stored, once — folded into profiles or still in the inbox; events and profile
    // counters agree.
    const stored = await storedMessageIds();
    const waiting = await inboxMessageIds();
    const missing = [...acked].filter((id) => !stored.has(id) && !waiting.has(id));
    expect(missing).toEqual([]);
    expect(stored.size).toBeLessThanOrEqual(sent.size);
    await expectConsistent();

    // Restart on the same database and replay everything, as SDKs retry unacknowledged (and, after a timeout,
    // possibly acknowledged) batches: nothing is counted twice.
    const second = await startServer();
    const retryAgent = new http.Agent({ keepAlive: true, maxSockets: clients });
    const all = requests.flat().filter((r) => r.ids.some((id) => sent.has(id)));
    for (let i = 0; i < all.length; i += clients) {
      const statuses = await Promise.all(
        all.slice(i, i + clients).map((r) => post(retryAgent, second.port, r.url, r.body)),
      );
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    }
    retryAgent.destroy();
    // The restarted server folds what the first one left in the inbox, and the replay, into profiles.
    for (const deadline = Date.now() + 60_000; (await inboxMessageIds()).size > 0; await sleep(50))
      expect(Date.now()).toBeLessThan(deadline);
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
    const afterRetry = await storedMessageIds();
    expect(afterRetry.size).toBe(sent.size);
    expect([...sent].filter((id) => !afterRetry.has(id))).toEqual([]);
    await expectConsistent();
  }, 120_000);

  it('acknowledges a request submitted just as a group commit finishes', async () => {
    const profiles = { cipher: createFieldCipher(Buffer.alloc(32, 7)), phoneRegion: 'CN' };
    const inbox = new EventInbox({ db: t.handle.db, profiles });
    const committer = new GroupCommitter({ db: t.handle.db, profiles, inbox });
    const event = (messageId: string) => trackEvent(messageId, { userId: 'u-window' });
    let second: Promise<void> | undefined;
    await committer.submit(workspaceId, [event('window-1')]).then(() => {
      second = committer.submit(workspaceId, [event('window-2')]);
    });
    try {
      const outcome = await Promise.race([
        second!.then(() => 'committed'),
        sleep(1000).then(() => 'still waiting after 1 s'),
      ]);
      expect(outcome).toBe('committed');
    } finally {
      await committer.drain();
      await inbox.settled();
    }
  });

  // --- helpers -------------------------------------------------------------------------------------------------

  const userOf = (c: number, i: number) => `u-${(c * 7 + i) % 60}`;
  const anonOf = (c: number, i: number) => `a-${(c * 13 + i * 3) % 90}`;

  function makeRequest(c: number, i: number): { url: string; body: string; ids: string[] } {
    const now = new Date().toISOString();
    const event = (j: number) => {
      const messageId = `dur-${c}-${i}-${j}`;
      const kind = (c + i + j) % 5;
      if (kind === 0)
        return {
          type: 'identify',
          messageId,
          userId: userOf(c, i + j),
          anonymousId: anonOf(c, i + j),
          traits: { phone: `1381234${String((c * 31 + i + j) % 60).padStart(4, '0')}`, city: '上海' },
          timestamp: now,
        };
      if (kind === 1)
        return { type: 'page', messageId, anonymousId: anonOf(c, i + j), name: '首页', timestamp: now };
      return {
        type: 'track',
        messageId,
        ...(kind === 2 ? { anonymousId: anonOf(c, i + j) } : { userId: userOf(c, i + j) }),
        event: kind === 4 ? 'Order Completed' : 'Plan Viewed',
        properties: { revenue: 12.5, plan: '5G 畅享', category: '套餐' },
        context: { channel: 'app' },
        timestamp: now,
      };
    };
    if (i % 2 === 0) {
      const events = Array.from({ length: 1 + ((c * 17 + i) % 40) }, (_, j) => event(j));
      return {
        url: '/v1/batch',
        body: JSON.stringify({ batch: events, sentAt: now }),
        ids: events.map((e) => e.messageId),
      };
    }
    const { type: _type, ...single } = { ...event(0), type: 'track', event: 'Bill Paid' };
    return { url: '/v1/track', body: JSON.stringify(single), ids: [single.messageId] };
  }

  function post(agent: http.Agent, port: number, url: string, body: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: url,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async function storedMessageIds(): Promise<Set<string>> {
    const rows = await t.handle.db
      .selectFrom('events')
      .select('message_id')
      .where('workspace_id', '=', workspaceId)
      .execute();
    const ids = rows.map((r) => r.message_id);
    expect(ids.length).toBe(new Set(ids).size);
    return new Set(ids);
  }

  async function inboxMessageIds(): Promise<Set<string>> {
    const rows = await t.handle.db
      .selectFrom('ingest_inbox')
      .select('event')
      .where('workspace_id', '=', workspaceId)
      .execute();
    return new Set(rows.map((r) => fromJson<IncomingEvent>(r.event).messageId));
  }

  /** Events and profiles were committed together: live profiles count exactly the stored events. */
  async function expectConsistent(): Promise<void> {
    const { db } = t.handle;
    const events = await db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    const counted = await db
      .selectFrom('profiles')
      .select((eb) => eb.fn.sum<number>('event_count').as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', 'is', null)
      .executeTakeFirstOrThrow();
    expect(Number(counted.n)).toBe(Number(events.n));
    const orphans = await sql<{ n: number }>`
      select count(*) as n from events e
      left join profiles p on p.workspace_id = e.workspace_id and p.id = e.profile_id
      where e.workspace_id = ${workspaceId} and (p.id is null or p.merged_into is not null)`.execute(db);
    expect(Number(orphans.rows[0]?.n)).toBe(0);
  }

  async function startServer(): Promise<{ child: ChildProcess; port: number }> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        DATABASE_URL: t.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        JOBS_ENABLED: 'false',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    servers.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.ok) return { child, port };
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`server did not become ready: ${stderr}`);
      await sleep(100);
    }
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function once(child: ChildProcess, event: 'exit'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once(event, () => resolve());
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
