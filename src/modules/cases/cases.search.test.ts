import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';

/** Case text search through the API: the token index narrows, the substring match decides, scopes stay as they were. */
describe('case search', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let other: TestWorkspace;

  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    w = ws,
    role: keyof TestWorkspace['keys'] = 'admin',
  ) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${w.keys[role]}` },
      ...(payload !== undefined && { payload: payload as object }),
    });
  const open = async (description: string, w = ws, extra: Record<string, unknown> = {}) => {
    const res = await call('POST', '/cases', { description, channel: 'app', ...extra }, w);
    expect(res.statusCode).toBe(201);
    return res.json().case as { id: string; number: string; version: number };
  };
  const search = async (q: string, query = '', w = ws, role: keyof TestWorkspace['keys'] = 'viewer') => {
    const res = await call('GET', `/cases?q=${encodeURIComponent(q)}${query}`, undefined, w, role);
    expect(res.statusCode).toBe(200);
    return (res.json().data as { id: string }[]).map((c) => c.id).sort();
  };

  const ids: Record<string, string> = {};
  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('search-a');
    other = await h.workspace('search-b');
    ids.signal = (await open('家里信号很差，经常无服务')).id;
    ids.broadband = (await open('宽带经常断网，报修没人管')).id;
    ids.charged = (await open('I was charged twice for my plan', ws, { language: 'en' })).id;
    ids.order = (await open('订单号 20261122000731 的退款还没到账')).id;
    ids.percent = (await open('流量包打 50% 折扣_活动没生效')).id;
    ids.foreign = (await open('隔壁家信号也很差', other)).id;
  });
  afterAll(async () => {
    await h.close();
  });

  it('finds Chinese words of two or more characters and English words and fragments', async () => {
    expect(await search('信号')).toEqual([ids.signal]);
    expect(await search('信号很差')).toEqual([ids.signal]);
    expect(await search('断网')).toEqual([ids.broadband]);
    expect(await search('CHARGED')).toEqual([ids.charged]);
    expect(await search('harged tw')).toEqual([ids.charged]);
    expect(await search('000731')).toEqual([ids.order]);
    expect(await search('20261122000731')).toEqual([ids.order]);
    // Words that are not in any case, though every token of some is.
    expect(await search('信号断网')).toEqual([]);
    expect(await search('twice charged')).toEqual([]);
  });

  it('answers queries too short for a token by scanning, with the same result rules', async () => {
    expect(await search('网')).toEqual([ids.broadband].sort());
    expect(await search('号')).toEqual([ids.signal, ids.order].sort());
    expect(await search('50%')).toEqual([ids.percent]);
    expect(await search('%')).toEqual([ids.percent]);
    expect(await search('_')).toEqual([ids.percent]);
    expect(await search('，')).toEqual([ids.signal, ids.broadband].sort());
  });

  it('keeps every workspace to itself and the status scope as before', async () => {
    expect(await search('信号', '', other)).toEqual([ids.foreign]);
    const c = await open('网络信号时有时无');
    expect(await search('信号')).toEqual([ids.signal, c.id].sort());
    const resolved = await call('POST', `/cases/${c.id}/resolve`, {
      resolution: { code: 'fixed', rootCause: '基站故障', steps: ['listen'] },
    });
    expect(resolved.statusCode).toBe(200);
    expect(await search('信号')).toEqual([ids.signal]);
    expect(await search('信号', '&status=all')).toEqual([ids.signal, c.id].sort());
    expect(await search('信号', '&status=resolved')).toEqual([c.id]);
  });

  it('searches the new subject after a change, and no longer the old one', async () => {
    const c = await open('Roaming charges', ws, { subject: 'roaming abroad', language: 'en' });
    expect(await search('abroad')).toEqual([c.id]);
    const changed = await call('PATCH', `/cases/${c.id}`, { subject: '国际漫游扣费' });
    expect(changed.statusCode).toBe(200);
    expect(await search('abroad')).toEqual([]);
    expect(await search('漫游')).toEqual([c.id]);
    expect(await search('roaming')).toEqual([c.id]);
  });
});
