import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from './support/app.js';

/**
 * Workspace A's owner key aimed at every survey route with workspace B's survey, link, delivery and response ids:
 * nothing of B is read or changed; a token of B cannot be re-pointed at A's workspace or forged.
 */
describe('surveys tenant isolation', () => {
  let h: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  let bSurvey: string;
  let bToken: string;
  let bLinkToken: string;

  const as = (
    ws: TestWorkspace,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    payload?: object,
  ) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys.owner}` },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    h = await createTestApp();
    a = await h.workspace('iso-a');
    b = await h.workspace('iso-b');
    const created = await as(b, 'POST', '/surveys', { template: 'nps-relationship' });
    bSurvey = created.json().id;
    bToken = (created.json().publicUrl as string).split('/s/')[1] as string;
    await as(b, 'POST', `/surveys/${bSurvey}/publish`);
    bLinkToken = (await as(b, 'POST', `/surveys/${bSurvey}/links`, { singleUse: true })).json().token;
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/public/surveys/${bToken}/responses`,
      payload: { answers: { nps: 2, reason: 'B 的秘密评论' }, complete: true },
    });
    expect(res.statusCode).toBe(201);
    // The comment's analysis and the closed-loop event come from the post-commit job.
    await h.runJobs();
  });
  afterAll(() => h.close());

  it("A's key cannot read or change B's survey through any survey route", async () => {
    const reads = [
      `/surveys/${bSurvey}`,
      `/surveys/${bSurvey}/versions`,
      `/surveys/${bSurvey}/versions/1`,
      `/surveys/${bSurvey}/links`,
      `/surveys/${bSurvey}/deliveries`,
      `/surveys/${bSurvey}/responses`,
      `/surveys/${bSurvey}/export`,
      ...[
        'summary',
        'trend',
        'breakdown?by=channel',
        'index',
        'servqual',
        'expectation-perception',
        'drivers',
        'response-rate',
        'drop-off',
        'negative-topics',
      ].map((x) => `/surveys/${bSurvey}/analytics/${x}`),
    ];
    for (const url of reads) {
      const res = await as(a, 'GET', url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('秘密');
    }
    for (const [method, url, payload] of [
      ['PATCH', `/surveys/${bSurvey}`, { channel: 'x' }],
      ['POST', `/surveys/${bSurvey}/close`, undefined],
      ['POST', `/surveys/${bSurvey}/publish`, undefined],
      ['DELETE', `/surveys/${bSurvey}`, undefined],
      ['POST', `/surveys/${bSurvey}/links`, {}],
      [
        'PUT',
        '/surveys/settings',
        {
          cooldownDays: 1,
          closedLoop: {
            enabled: false,
            npsMax: null,
            csatMax: null,
            cesMax: null,
            score100Max: null,
            negativeComment: false,
          },
          caseFollowUpSurveyId: bSurvey,
        },
      ],
    ] as const) {
      const res = await as(a, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await as(b, 'GET', `/surveys/${bSurvey}`)).json()).toMatchObject({
      status: 'live',
      channel: null,
    });
    expect((await as(a, 'GET', '/surveys/closed-loop-events')).json().data).toEqual([]);
    expect((await as(b, 'GET', '/surveys/closed-loop-events')).json().data).toHaveLength(1);
    expect((await as(a, 'GET', '/surveys')).json().data).toEqual([]);
  });

  it("a token of B cannot be re-pointed at A's workspace or forged", async () => {
    for (const token of [bToken, bLinkToken]) {
      const [, id, mac] = token.split('.');
      for (const forged of [`${a.id}.${id}.${mac}`, `${token.slice(0, -2)}xx`]) {
        const res = await h.app.inject({
          method: 'POST',
          url: `/api/v1/public/surveys/${forged}/responses`,
          payload: { answers: { nps: 9 }, complete: true },
        });
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('SURVEY_LINK_INVALID');
        expect((await h.app.inject({ method: 'GET', url: `/s/${forged}` })).statusCode).toBe(404);
      }
    }
  });
});
