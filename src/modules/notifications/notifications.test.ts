import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { lookup } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestWorkspace } from '../../../test/support/app.js';
import { renderEmail, signWebhook, verifyWebhookSignature } from './index.js';
import {
  isPublicAddress,
  namesPrivateHost,
  postWebhook,
  PrivateAddressError,
  publicOnlyLookup,
} from './webhook.address.js';

/** This machine's name, when it resolves to a loopback or private address (as in most containers). */
const hostnameIsPrivate = await lookup(hostname(), { all: true }).then(
  (list) => list.length > 0 && list.every((a) => !isPublicAddress(a.address)),
  () => false,
);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('notifications: signed webhooks and SMTP e-mail', () => {
  let h: TestApp;
  let ws: TestWorkspace;
  let http: Server;
  let smtp: SMTPServer;
  let hookUrl: string;
  const received: Received[] = [];
  const mails: { from: string; to: string[]; data: string }[] = [];
  /** Answers to give, in order, before answering 204. */
  const failures: number[] = [];

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    role: keyof TestWorkspace['keys'] = 'admin',
  ) =>
    h.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${ws.keys[role]}` },
      ...(payload !== undefined && { payload: payload as object }),
    });

  beforeAll(async () => {
    http = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = failures.shift() ?? 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/hooks`;

    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.setEncoding('utf8');
        stream.on('data', (c: string) => (data += c));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    // The receiver listens on loopback, which webhooks may reach only when the deployment allows it.
    h = await createTestApp({
      smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
      mailFrom: 'Touchpoint <cx@touchpoint.test>',
      webhookAllowPrivate: true,
    });
    ws = await h.workspace('notify-a');
  });
  afterAll(async () => {
    await h.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('signs and verifies payloads (timestamp tolerance, tampering)', () => {
    const header = signWebhook('s3cret-s3cret-s3cret', 1_700_000_000, '{"a":1}');
    expect(verifyWebhookSignature('s3cret-s3cret-s3cret', header, '{"a":1}', { now: 1_700_000_010 })).toBe(
      true,
    );
    expect(verifyWebhookSignature('s3cret-s3cret-s3cret', header, '{"a":2}', { now: 1_700_000_010 })).toBe(
      false,
    );
    expect(verifyWebhookSignature('other-secret-value', header, '{"a":1}', { now: 1_700_000_010 })).toBe(
      false,
    );
    expect(verifyWebhookSignature('s3cret-s3cret-s3cret', header, '{"a":1}', { now: 1_700_009_999 })).toBe(
      false,
    );
    expect(verifyWebhookSignature('s3cret-s3cret-s3cret', 'garbage', '{"a":1}')).toBe(false);
  });

  it('delivers case events to a real HTTP endpoint with a valid signature, retrying with backoff', async () => {
    const bad = await call('POST', '/notifications/webhooks', {
      name: 'x',
      url: 'ftp://example.com',
      events: ['*'],
    });
    expect(bad.json().error.code).toBe('WEBHOOK_URL_INVALID');
    const created = await call('POST', '/notifications/webhooks', {
      name: 'CRM',
      url: hookUrl,
      events: ['case.*'],
    });
    expect(created.statusCode).toBe(201);
    const { endpoint, secret } = created.json();
    expect(secret).toMatch(/^whsec_/);
    // The list never shows the secret.
    expect(JSON.stringify((await call('GET', '/notifications/webhooks')).json())).not.toContain(secret);

    failures.push(500);
    const c = (await call('POST', '/cases', { description: '营销短信太多', channel: 'sms' })).json().case;
    await h.runJobs();
    expect(received).toHaveLength(1);
    let log = (await call('GET', `/notifications/webhooks/${endpoint.id}/deliveries`)).json().data;
    expect(log[0]).toMatchObject({
      eventType: 'case.created',
      status: 'pending',
      attempts: 1,
      responseStatus: 500,
      lastError: 'HTTP 500',
    });
    // The retry waits for its backoff; run the runner a minute later.
    await h.runJobs(() => Date.now() + 60_000);
    expect(received).toHaveLength(2);
    log = (await call('GET', `/notifications/webhooks/${endpoint.id}/deliveries`)).json().data;
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 2, responseStatus: 204 });

    const last = received[1] as Received;
    expect(last.headers['x-touchpoint-event']).toBe('case.created');
    expect(verifyWebhookSignature(secret, String(last.headers['x-touchpoint-signature']), last.body)).toBe(
      true,
    );
    expect(
      verifyWebhookSignature('wrong-secret-wrong', String(last.headers['x-touchpoint-signature']), last.body),
    ).toBe(false);
    const body = JSON.parse(last.body);
    expect(body).toMatchObject({
      type: 'case.created',
      workspaceId: ws.id,
      data: { caseId: c.id, number: c.number, category: c.category },
    });
    // The customer's words are not sent to third parties.
    expect(last.body).not.toContain('营销短信太多');

    const test = await call('POST', `/notifications/webhooks/${endpoint.id}/test`);
    expect(test.statusCode).toBe(202);
    await h.runJobs();
    expect(received.at(-1)?.headers['x-touchpoint-event']).toBe('webhook.test');

    // A disabled endpoint gets nothing.
    await call('PATCH', `/notifications/webhooks/${endpoint.id}`, { enabled: false });
    const before = received.length;
    await call('POST', '/cases', { description: 'another', channel: 'web' });
    await h.runJobs();
    expect(received).toHaveLength(before);
  });

  it('sends bilingual escalation e-mails through a real SMTP server', async () => {
    await call('PUT', '/cases/settings/calendar', {
      timeZone: 'UTC',
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]]),
      ),
    });
    expect(
      (await call('POST', '/cases/rules/sla', { name: 'fast', firstResponseMinutes: 5 })).statusCode,
    ).toBe(201);
    const rule = await call('POST', '/cases/rules/escalation', {
      name: '首响超时',
      trigger: { type: 'sla_breached', target: 'first_response' },
      actions: [{ type: 'notify', recipients: [], emails: ['duty@touchpoint.test'] }],
    });
    expect(rule.statusCode).toBe(201);
    const start = Date.now();
    const c = (
      await call('POST', '/cases', { description: '话费被多扣了', channel: 'app', category: 'billing' })
    ).json().case;
    await h.runJobs(() => start + 6 * 60_000);
    expect(mails).toHaveLength(1);
    const mail = mails[0] as { from: string; to: string[]; data: string };
    expect(mail.from).toBe('cx@touchpoint.test');
    expect(mail.to).toEqual(['duty@touchpoint.test']);
    expect(mail.data).toMatch(/Subject: =\?UTF-8\?/);
    const log = (await call('GET', '/notifications/emails')).json().data;
    expect(log[0]).toMatchObject({
      to: 'duty@touchpoint.test',
      status: 'sent',
      template: 'case.escalated',
      locale: 'zh-CN',
    });
    expect(log[0].subject).toBe(`【工单升级】${c.number} ${c.subject}`);
  });

  it('renders both languages and escapes HTML', () => {
    const vars = {
      recipient: '<b>Li</b>',
      number: 'C-000001',
      subject: 'a\r\nBcc: x@y',
      category: 'Billing',
      priority: 'high',
      rule: 'r',
      reason: 'SLA breached',
      customer: 'cus_1',
      link: 'http://x',
    };
    const en = renderEmail('case.escalated', 'en', vars);
    expect(en.subject).toBe('[Escalated] C-000001 a Bcc: x@y');
    expect(en.html).toContain('&lt;b&gt;Li&lt;/b&gt;');
    expect(renderEmail('case.escalated', 'zh-CN', vars).text).toContain('已触发升级规则');
  });
});

describe('webhooks reach public addresses only (SSRF)', () => {
  it('classifies addresses: only global unicast is public', () => {
    for (const a of ['8.8.8.8', '203.0.113.9', '2001:4860:4860::8888', '::ffff:8.8.8.8'])
      expect(isPublicAddress(a), a).toBe(a !== '203.0.113.9');
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      'not an address',
    ])
      expect(isPublicAddress(a), a).toBe(false);
    expect(namesPrivateHost(new URL('http://localhost:8080/x'))).toBe(true);
    expect(namesPrivateHost(new URL('http://0x7f.0.0.1/x'))).toBe(true);
    expect(namesPrivateHost(new URL('http://[::ffff:10.0.0.1]/x'))).toBe(true);
    expect(namesPrivateHost(new URL('https://hooks.example.com/x'))).toBe(false);
  });

  it('refuses endpoints naming private addresses, and host names resolving to them at delivery', async () => {
    const h = await createTestApp();
    try {
      const ws = await h.workspace('ssrf');
      const add = (url: string) =>
        h.app.inject({
          method: 'POST',
          url: '/api/v1/notifications/webhooks',
          headers: { authorization: `Bearer ${ws.keys.admin}` },
          payload: { name: 'x', url, events: ['case.created'] },
        });
      for (const url of [
        'http://127.0.0.1:9/hook',
        'http://localhost/hook',
        'http://[::1]/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.5/hook',
      ]) {
        const res = await add(url);
        expect(res.statusCode, url).toBe(400);
        expect(res.json().error.code, url).toBe('WEBHOOK_URL_NOT_PUBLIC');
      }
      expect((await add('https://hooks.example.com/touchpoint')).statusCode).toBe(201);
    } finally {
      await h.close();
    }
    // The connection's own lookup refuses a name that resolves to loopback, so a DNS answer cannot be swapped
    // between a check and the connection.
    const refused = await new Promise<unknown>((resolve) =>
      publicOnlyLookup('localhost', {}, (err) => resolve(err)),
    );
    expect(refused).toBeInstanceOf(PrivateAddressError);
    await expect(
      postWebhook('http://localhost:9/x', {}, '{}', { timeoutMs: 1000, allowPrivate: false }),
    ).rejects.toBeInstanceOf(PrivateAddressError);
  });

  it.skipIf(!hostnameIsPrivate)(
    'refuses a host name that passes the URL check but resolves to a private address',
    async () => {
      await expect(
        postWebhook(`http://${hostname()}:9/x`, {}, '{}', { timeoutMs: 1000, allowPrivate: false }),
      ).rejects.toBeInstanceOf(PrivateAddressError);
    },
  );
});
