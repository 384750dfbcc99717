import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';

describe('event collection (Segment HTTP API)', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let writeKey: string;
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('ingest');
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

  const basic = () => `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const send = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url,
      headers: { authorization: basic(), 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
    });
  const events = (where: Record<string, string>) => {
    let q = h.t.handle.db.selectFrom('events').selectAll().where('workspace_id', '=', ws.id);
    for (const [k, v] of Object.entries(where)) q = q.where(k as 'message_id', '=', v);
    return q.execute();
  };

  it('stores a track call with received, original and corrected timestamps, after commit', async () => {
    const res = await send('/v1/track', {
      userId: 'u-1',
      event: 'Plan Viewed',
      messageId: 'm-track-1',
      properties: { plan: '5G 畅享套餐', channel: 'app' },
      // The device clock is 1 hour fast: sentAt and timestamp both carry the error.
      timestamp: '2026-11-22T09:00:00.000Z',
      sentAt: '2026-11-22T09:00:05.000Z',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    const [row] = await events({ message_id: 'm-track-1' });
    expect(row).toMatchObject({
      type: 'track',
      name: 'Plan Viewed',
      user_id: 'u-1',
      channel: 'app',
      original_timestamp: Date.parse('2026-11-22T09:00:00.000Z'),
    });
    expect(row!.received_at - row!.timestamp).toBe(5000);
  });

  it('accepts the short routes, text/plain, gzip, and the write key in the body or X-Write-Key', async () => {
    expect(
      (await send('/v1/t', { anonymousId: 'a-1', event: 'Short', messageId: 'm-short' })).statusCode,
    ).toBe(200);
    expect(
      (
        await send(
          '/v1/p',
          JSON.stringify({ anonymousId: 'a-1', name: 'Home', messageId: 'm-text', writeKey }),
          { authorization: '', 'content-type': 'text/plain' },
        )
      ).statusCode,
    ).toBe(200);
    const gz = await send(
      '/v1/identify',
      gzipSync(JSON.stringify({ userId: 'u-gz', traits: { city: '杭州' }, messageId: 'm-gzip' })),
      { 'content-encoding': 'gzip' },
    );
    expect(gz.body).toBe('{"success":true}');
    expect(
      (
        await send(
          '/v1/identify',
          gzipSync(JSON.stringify({ userId: 'u-gz', traits: { city: '杭州' }, messageId: 'm-gzip' })),
          { 'content-encoding': 'gzip' },
        )
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await send(
          '/v1/screen',
          { anonymousId: 'a-2', name: 'Plans', messageId: 'm-header' },
          { authorization: '', 'x-write-key': writeKey },
        )
      ).statusCode,
    ).toBe(200);
    for (const m of ['m-short', 'm-text', 'm-gzip', 'm-header'])
      expect(await events({ message_id: m })).toHaveLength(1);
  });

  it('answers CORS preflight for browsers', async () => {
    const res = await h.app.inject({
      method: 'OPTIONS',
      url: '/v1/t',
      headers: {
        origin: 'https://shop.example.cn',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example.cn');
  });

  it('refuses unknown and revoked write keys with 401', async () => {
    expect(
      (
        await send(
          '/v1/track',
          { userId: 'x', event: 'e' },
          { authorization: `Basic ${Buffer.from('tp_wk_forged:').toString('base64')}` },
        )
      ).statusCode,
    ).toBe(401);
    const res = await send('/v1/track', { userId: 'x', event: 'e' }, { authorization: '' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('WRITE_KEY_INVALID');
  });

  it('keeps the valid events of a batch and reports each rejected one', async () => {
    const res = await send('/v1/batch', {
      sentAt: new Date().toISOString(),
      batch: [
        { type: 'track', userId: 'u-b', event: 'Ok 1', messageId: 'm-b1' },
        { type: 'track', userId: 'u-b', messageId: 'm-b2' },
        { type: 'weird', userId: 'u-b', messageId: 'm-b3' },
        { type: 'identify', messageId: 'm-b4' },
        {
          type: 'track',
          userId: 'u-b',
          event: 'Big',
          messageId: 'm-b5',
          properties: { blob: 'x'.repeat(33 * 1024) },
        },
        { type: 'track', userId: 'u-b', event: 'Long id', messageId: 'm'.repeat(101) },
        { type: 'page', userId: 'u-b', messageId: 'm-b7', timestamp: 'yesterday' },
        { type: 'page', anonymousId: 'a-b', name: 'Ok 2', messageId: 'm-b8' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [1, 'MISSING_EVENT_NAME'],
      [2, 'INVALID_TYPE'],
      [3, 'MISSING_IDENTITY'],
      [4, 'EVENT_TOO_LARGE'],
      [5, 'MESSAGE_ID_TOO_LONG'],
      [6, 'INVALID_TIMESTAMP'],
    ]);
    expect(body.rejected[3].reason).toContain('32768 bytes');
    expect(await events({ message_id: 'm-b1' })).toHaveLength(1);
    expect(await events({ message_id: 'm-b8' })).toHaveLength(1);
  });

  it('never double-counts a retried batch', async () => {
    const batch = {
      batch: Array.from({ length: 20 }, (_, i) => ({
        type: 'track',
        userId: 'u-retry',
        event: 'Bill Paid',
        messageId: `m-retry-${i}`,
        properties: { amount: 10 },
      })),
    };
    expect((await send('/v1/batch', batch)).statusCode).toBe(200);
    expect((await send('/v1/batch', batch)).statusCode).toBe(200);
    const rows = await h.t.handle.db
      .selectFrom('events')
      .select('profile_id')
      .where('workspace_id', '=', ws.id)
      .where('user_id', '=', 'u-retry')
      .execute();
    expect(rows).toHaveLength(20);
    const profile = await h.t.handle.db
      .selectFrom('profiles')
      .selectAll()
      .where('workspace_id', '=', ws.id)
      .where('id', '=', rows[0]!.profile_id)
      .executeTakeFirstOrThrow();
    expect(profile.event_count).toBe(20);
    expect(JSON.parse(profile.stats).spendMinor).toBe(20_000);
  });

  it('says which limit a request broke', async () => {
    const tooMany = await send('/v1/batch', { batch: Array.from({ length: 2501 }, () => ({})) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toMatchObject({
      code: 'BATCH_TOO_LARGE',
      message: 'A batch holds at most 2500 events; this one has 2501.',
    });
    const big = await send('/v1/batch', {
      batch: [{ type: 'track', userId: 'u', event: 'x', properties: { s: 'y'.repeat(600 * 1024) } }],
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.message).toContain('512000 bytes');
    const bomb = await send(
      '/v1/track',
      gzipSync(JSON.stringify({ userId: 'u', event: 'x', properties: { s: '0'.repeat(5_000_000) } })),
      { 'content-encoding': 'gzip' },
    );
    expect(bomb.statusCode).toBe(413);
    expect((await send('/v1/track', '{"userId":')).json().error.code).toBe('INVALID_JSON');
    expect((await send('/v1/batch', { batch: [{ type: 'track', event: 'x' }] })).json().error.code).toBe(
      'ALL_EVENTS_REJECTED',
    );
  });
});

describe('channel catalogue', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let writeKey: string;
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('channels');
    writeKey = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/write-keys',
        headers: { authorization: `Bearer ${ws.keys.owner}` },
        payload: { name: 'x' },
      })
    ).json().key;
  });
  afterAll(() => h.close());

  const auth = () => ({ authorization: `Bearer ${ws.keys.admin}` });
  const track = (messageId: string, channel: string) =>
    h.app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { 'x-write-key': writeKey },
      payload: { userId: 'c-1', event: 'Visit', messageId, context: { channel } },
    });
  const channelOf = async (messageId: string) =>
    (
      await h.t.handle.db
        .selectFrom('events')
        .select('channel')
        .where('message_id', '=', messageId)
        .executeTakeFirstOrThrow()
    ).channel;

  it('maps aliases to built-in channels and unknown values to other', async () => {
    await track('ch-1', 'Call Centre');
    await track('ch-2', 'mini-program');
    await track('ch-3', 'carrier pigeon');
    expect([await channelOf('ch-1'), await channelOf('ch-2'), await channelOf('ch-3')]).toEqual([
      'call_center',
      'wechat',
      'other',
    ]);
  });

  it('lets a workspace add its own channels and aliases', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/channels',
      headers: auth(),
      payload: { key: 'douyin', nameZh: '抖音', nameEn: 'Douyin', aliases: ['tiktok cn'] },
    });
    expect(res.statusCode).toBe(201);
    await track('ch-4', 'TikTok CN');
    expect(await channelOf('ch-4')).toBe('douyin');
    const list = (await h.app.inject({ method: 'GET', url: '/api/v1/channels', headers: auth() })).json();
    expect(list.data.find((c: { key: string }) => c.key === 'douyin')).toEqual({
      key: 'douyin',
      name: { 'zh-CN': '抖音', en: 'Douyin' },
      aliases: ['tiktok_cn'],
      builtIn: false,
    });
    const clash = await h.app.inject({
      method: 'POST',
      url: '/api/v1/channels',
      headers: auth(),
      payload: { key: 'shop', nameZh: '店', nameEn: 'Shop' },
    });
    expect(clash.json().error.code).toBe('CHANNEL_EXISTS');
    expect(
      (await h.app.inject({ method: 'DELETE', url: '/api/v1/channels/web', headers: auth() })).json().error
        .code,
    ).toBe('CHANNEL_NOT_FOUND');
    expect(
      (await h.app.inject({ method: 'DELETE', url: '/api/v1/channels/douyin', headers: auth() })).statusCode,
    ).toBe(204);
  });
});
