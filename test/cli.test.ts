import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { allMigrations } from '../src/migrations/index.js';
import { testConfig } from './support/app.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';

/** The `touchpoint` CLI, run as a real process against this test's database. */
// Each CLI call is a fresh Node process compiling TypeScript on the fly: allow for a busy 2-core machine.
describe('touchpoint CLI', { timeout: 180_000 }, () => {
  let t: TestDatabase;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tp-cli-'));
  const cli = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, DATABASE_URL: t.url, LANG: 'en_US.UTF-8', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
  };

  beforeAll(async () => {
    t = await openTestDatabase({ migrate: false });
  });
  afterAll(() => t.close());

  const names = Object.keys(allMigrations('sqlite'));

  it('migrates, creates a user, a workspace, keys, and every action is audited and verifiable', async () => {
    expect(cli(['migrate'])).toMatchObject({
      code: 0,
      // Every migration the application ships, in order (the list grows with the modules).
      out: `Applied ${names.length} migration(s): ${names.join(', ')}`,
    });
    expect(cli(['migrate']).out).toBe('Database is up to date.');
    const user = cli(['create-user', '--email', 'Ops@Example.com', '--name', '运维 Ops']);
    expect(user.code).toBe(0);
    expect(user.out).toMatch(/Created user ops@example.com \(usr_\w+\)\.\nPassword: \S{16}/);
    expect(
      cli(['create-workspace', '--slug', 'acme', '--name', 'Acme', '--owner', 'ops@example.com']).code,
    ).toBe(0);
    expect(
      cli([
        'create-user',
        '--email',
        'agent@example.com',
        '--password',
        'agent-password',
        '--workspace',
        'acme',
        '--role',
        'agent',
      ]).code,
    ).toBe(0);

    const apiKey = cli(['create-api-key', '--workspace', 'acme', '--role', 'admin']);
    expect(apiKey.code).toBe(0);
    expect(apiKey.out).toMatch(/^tp_sk_[\w-]{43}$/);
    const writeKey = cli(['create-write-key', '--workspace', 'acme', '--name', 'Website']);
    expect(writeKey.out).toMatch(/^tp_wk_[\w-]{24}$/);

    // The printed API key works on the admin API and sees the CLI's actions in the audit trail.
    const app = await buildApp({ config: testConfig, database: t.handle, logger: false });
    const members = await app.inject({
      method: 'GET',
      url: '/api/v1/members',
      headers: { authorization: `Bearer ${apiKey.out}` },
    });
    expect(
      members
        .json()
        .data.map((m: { email: string }) => m.email)
        .sort(),
    ).toEqual(['agent@example.com', 'ops@example.com']);
    const audit = (
      await app.inject({
        method: 'GET',
        url: '/api/v1/audit',
        headers: { authorization: `Bearer ${apiKey.out}` },
      })
    ).json();
    expect(audit.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['workspace.created', 'member.added', 'api_key.created', 'write_key.created']),
    );
    expect(audit.data.every((e: { actor: { type: string } }) => e.actor.type === 'cli')).toBe(true);
    await app.close();

    expect(cli(['audit', 'verify'])).toMatchObject({ code: 0 });
    expect(cli(['audit', 'verify']).out).toMatch(/^Audit trail intact: \d+ row\(s\) in 2 chain\(s\)\.$/);
  });

  it('fails `audit verify` after a row is edited by hand, naming the row', async () => {
    const row = await t.handle.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'api_key.created')
      .executeTakeFirstOrThrow();
    await sql`update audit_log set details = ${JSON.stringify({ role: 'viewer' })} where id = ${row.id}`.execute(
      t.handle.db,
    );
    const verify = cli(['audit', 'verify']);
    expect(verify.code).toBe(2);
    expect(verify.err).toContain(`seq=${row.seq} (id ${row.id}): row content was changed`);
  });

  it('exits 1 with a clear message on bad configuration, bad usage and domain errors', () => {
    const badConfig = cli(['migrate'], { PORT: 'eighty' });
    expect(badConfig.code).toBe(1);
    expect(badConfig.err).toContain('PORT must be an integer');
    const usage = cli(['create-api-key', '--workspace', 'acme', '--role', 'king']);
    expect(usage.code).toBe(1);
    expect(usage.err).toContain('--role must be one of owner, admin, analyst, marketer, agent, viewer');
    const missing = cli(['create-write-key', '--workspace', 'nope', '--name', 'x']);
    expect(missing).toMatchObject({ code: 1, err: 'touchpoint: Workspace not found. (WORKSPACE_NOT_FOUND)' });
    const zh = cli(['create-write-key', '--workspace', 'nope', '--name', 'x'], { LANG: 'zh_CN.UTF-8' });
    expect(zh.err).toBe('touchpoint: 工作空间不存在。 (WORKSPACE_NOT_FOUND)');
    expect(cli(['frobnicate']).code).toBe(1);
  });
});
