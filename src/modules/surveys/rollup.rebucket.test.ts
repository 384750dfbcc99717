import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { localDayStart } from '../../platform/time/index.js';

describe('a new workspace time zone re-buckets the rollups by local day', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.owner}` },
      ...(payload && { payload }),
    });

  beforeAll(async () => {
    h = await createTestApp();
    ws = await h.workspace('rebucket');
  });
  afterAll(() => h.close());

  it('moves every completed response to its day in the new zone, rollups following, and re-maps touchpoints', async () => {
    const created = await api('POST', '/surveys', { template: 'nps-relationship' });
    expect(created.statusCode, created.body).toBe(201);
    const surveyId = created.json().id as string;
    await api('POST', `/surveys/${surveyId}/publish`);
    const token = (created.json().publicUrl as string).split('/s/')[1] as string;
    for (const [i, nps] of [9, 3, 10].entries()) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/v1/public/surveys/${token}/responses`,
        payload: { answers: { nps }, complete: true },
        remoteAddress: `10.7.0.${i}`,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const { db } = h.t.handle;
    const responses = () =>
      db
        .selectFrom('survey_responses')
        .select(['completed_at', 'rollup_day'])
        .where('workspace_id', '=', ws.id)
        .execute();
    const primary = async () =>
      (
        await db
          .selectFrom('survey_rollups')
          .select(['day', 'n'])
          .where('workspace_id', '=', ws.id)
          .where('question_id', '=', '_primary')
          .execute()
      ).map((r) => [Number(r.day), Number(r.n)]);
    const expected = async (tz: string) => {
      const byDay = new Map<number, number>();
      for (const r of await responses()) {
        const day = localDayStart(tz, Number(r.completed_at));
        expect(Number(r.rollup_day)).toBe(day);
        byDay.set(day, (byDay.get(day) ?? 0) + 1);
      }
      return [...byDay];
    };
    expect((await primary()).sort()).toEqual((await expected('Asia/Shanghai')).sort());

    const changed = await api('PATCH', '/workspace', { timeZone: 'America/New_York' });
    expect(changed.statusCode, changed.body).toBe(200);
    await h.runJobs();
    expect((await primary()).sort()).toEqual((await expected('America/New_York')).sort());
    const zero = await db
      .selectFrom('survey_rollups')
      .select('n')
      .where('workspace_id', '=', ws.id)
      .where('n', '=', 0)
      .execute();
    expect(zero).toEqual([]);
    const summary = await api('GET', `/surveys/${surveyId}/analytics/summary`);
    expect(summary.json().responses.completed).toBe(3);
    // The touchpoint rollups are rebuilt from the events by a re-mapping the change started.
    const remaps = await db
      .selectFrom('touchpoint_remaps')
      .select(['status'])
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(remaps).toEqual([{ status: 'done' }]);
    // The second pass is scheduled for when every process's cached zone has expired; running it changes nothing.
    await db
      .updateTable('jobs')
      .set({ run_at: Date.now() })
      .where('type', '=', 'surveys.rebucket-rollups')
      .where('status', '=', 'pending')
      .execute();
    expect(await h.runJobs()).toBe(1);
    expect((await primary()).sort()).toEqual((await expected('America/New_York')).sort());
  });
});
