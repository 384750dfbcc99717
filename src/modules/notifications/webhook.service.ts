/**
 * Signed webhooks: workspace endpoints with a secret, deliveries written in the caller's transaction and sent by
 * durable jobs (retries with exponential backoff from the job runner), and a delivery log.
 *
 * Signature (Stripe-style): header `X-Touchpoint-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the HMAC
 * key is the endpoint's secret and the message is `<t>.<raw body>`. Receivers recompute it, compare in constant
 * time and reject timestamps older than a few minutes (replays).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { generateToken, hmacSha256Hex, type FieldCipher } from '../../platform/crypto/index.js';
import { fromJson, inTransaction, newId, toJson, type Db } from '../../platform/db/index.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/index.js';
import { recordAudit, type ActorContext } from '../audit/index.js';
import { endpointNotFound, invalidUrl, urlNotPublic } from './notifications.errors.js';
import { namesPrivateHost, postWebhook } from './webhook.address.js';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './notifications.tables.js';

export const WEBHOOK_JOB = 'notifications.webhook';
const MAX_ATTEMPTS = 8;
const TIMEOUT_MS = 10_000;

/** Signs a body for a timestamp (unix seconds) with a secret: the value of X-Touchpoint-Signature. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmacSha256Hex(secret, `${timestamp}.${body}`)}`;
}

/**
 * Verifies an X-Touchpoint-Signature header against the raw body: right secret, and a timestamp within
 * `toleranceSec` of `now` (unix seconds). For receivers (and tests).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  options: { now?: number; toleranceSec?: number } = {},
): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  const v1 = parts.v1;
  if (!Number.isInteger(t) || typeof v1 !== 'string' || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSec ?? 300)) return false;
  const expected = Buffer.from(hmacSha256Hex(secret, `${t}.${body}`), 'hex');
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

/** Where webhooks may be sent: public addresses only, unless `WEBHOOK_ALLOW_PRIVATE` (development, tests). */
export interface WebhookPolicy {
  allowPrivate: boolean;
}

export function checkUrl(url: string, policy: WebhookPolicy): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalidUrl(url);
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password) throw invalidUrl(url);
  if (!policy.allowPrivate && namesPrivateHost(u)) throw urlNotPublic(url);
  return u.toString();
}

export interface EndpointView {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export function presentEndpoint(r: WebhookEndpointsTable): EndpointView {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    events: fromJson<string[]>(r.events),
    enabled: r.enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function getEndpoint(db: Db, workspaceId: string, id: string): Promise<WebhookEndpointsTable> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw endpointNotFound(id);
  return row;
}

export async function listEndpoints(db: Db, workspaceId: string): Promise<WebhookEndpointsTable[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id')
    .execute();
}

export interface EndpointInput {
  name: string;
  url: string;
  events: string[];
  enabled?: boolean;
  /** Omitted: a random secret is generated and returned once. */
  secret?: string;
}

/** Creates an endpoint; returns it with its secret (the only time the secret is shown). */
export async function createEndpoint(
  db: Db,
  cipher: FieldCipher,
  ctx: ActorContext,
  workspaceId: string,
  input: EndpointInput,
  policy: WebhookPolicy,
): Promise<{ endpoint: EndpointView; secret: string }> {
  const url = checkUrl(input.url, policy);
  const secret = input.secret ?? generateToken('whsec_');
  const now = Date.now();
  const row: WebhookEndpointsTable = {
    workspace_id: workspaceId,
    id: newId('whk'),
    name: input.name,
    url,
    secret: cipher.encrypt(secret),
    events: toJson([...new Set(input.events)]),
    enabled: input.enabled === false ? 0 : 1,
    created_by: ctx.actor.id,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(db, async (trx) => {
    await trx.insertInto('webhook_endpoints').values(row).execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'webhook_endpoint.created',
      targetType: 'webhook_endpoint',
      targetId: row.id,
      details: { url, events: input.events },
    });
  });
  return { endpoint: presentEndpoint(row), secret };
}

export async function updateEndpoint(
  db: Db,
  cipher: FieldCipher,
  ctx: ActorContext,
  workspaceId: string,
  id: string,
  input: Partial<EndpointInput>,
  policy: WebhookPolicy,
): Promise<EndpointView> {
  return inTransaction(db, async (trx) => {
    await getEndpoint(trx, workspaceId, id);
    await trx
      .updateTable('webhook_endpoints')
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.url !== undefined && { url: checkUrl(input.url, policy) }),
        ...(input.events !== undefined && { events: toJson([...new Set(input.events)]) }),
        ...(input.enabled !== undefined && { enabled: input.enabled ? 1 : 0 }),
        ...(input.secret !== undefined && { secret: cipher.encrypt(input.secret) }),
        updated_at: Date.now(),
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'webhook_endpoint.updated',
      targetType: 'webhook_endpoint',
      targetId: id,
      details: { fields: Object.keys(input).filter((k) => k !== 'secret') },
    });
    return presentEndpoint(await getEndpoint(trx, workspaceId, id));
  });
}

export async function deleteEndpoint(
  db: Db,
  ctx: ActorContext,
  workspaceId: string,
  id: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await getEndpoint(trx, workspaceId, id);
    await trx
      .deleteFrom('webhook_endpoints')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      workspaceId,
      action: 'webhook_endpoint.deleted',
      targetType: 'webhook_endpoint',
      targetId: id,
    });
  });
}

/**
 * Schedules the delivery of an event to every enabled endpoint of the workspace that subscribes to its type (or to
 * `*`), in the caller's transaction. Returns the number of deliveries scheduled.
 */
export async function enqueueWebhooks(
  db: Db,
  workspaceId: string,
  type: string,
  data: unknown,
  options: { endpointId?: string; endpoints?: readonly WebhookEndpointsTable[] } = {},
): Promise<number> {
  // Bulk callers (the SLA sweep) pass the workspace's endpoints, read once.
  const all = options.endpoints ?? (await listEndpoints(db, workspaceId));
  const endpoints = all.filter((e) => {
    if (options.endpointId) return e.id === options.endpointId;
    if (e.enabled !== 1) return false;
    const events = fromJson<string[]>(e.events);
    return (
      events.includes('*') ||
      events.includes(type) ||
      events.some((p) => p.endsWith('.*') && type.startsWith(p.slice(0, -1)))
    );
  });
  const now = Date.now();
  for (const e of endpoints) {
    const id = newId('whd');
    const body = toJson({ id, type, workspaceId, createdAt: new Date(now).toISOString(), data });
    await db
      .insertInto('webhook_deliveries')
      .values({
        workspace_id: workspaceId,
        id,
        endpoint_id: e.id,
        event_type: type,
        body,
        status: 'pending',
        attempts: 0,
        response_status: null,
        last_error: null,
        created_at: now,
        updated_at: now,
        delivered_at: null,
      })
      .execute();
    await enqueueJob(db, {
      type: WEBHOOK_JOB,
      workspaceId,
      payload: { deliveryId: id },
      maxAttempts: MAX_ATTEMPTS,
    });
  }
  return endpoints.length;
}

export async function listDeliveries(
  db: Db,
  workspaceId: string,
  endpointId: string,
  limit: number,
  before?: string,
): Promise<WebhookDeliveriesTable[]> {
  await getEndpoint(db, workspaceId, endpointId);
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('endpoint_id', '=', endpointId)
    .$if(before !== undefined, (q) => q.where('id', '<', before ?? ''))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** The job handler that sends one delivery; a non-2xx answer or a network error throws, so the runner retries. */
export function webhookJobHandler(
  db: Db,
  cipher: FieldCipher,
  policy: WebhookPolicy,
  logger?: Logger | false,
): JobHandler {
  return async (job) => {
    const { deliveryId } = job.payload as { deliveryId: string };
    const workspaceId = job.workspaceId ?? '';
    const d = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', deliveryId)
      .executeTakeFirst();
    if (!d || d.status === 'delivered') return;
    const endpoint = await db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', d.endpoint_id)
      .executeTakeFirst();
    const mark = (set: Partial<WebhookDeliveriesTable>) =>
      db
        .updateTable('webhook_deliveries')
        .set({ ...set, attempts: job.attempt, updated_at: Date.now() })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', deliveryId)
        .execute();
    if (!endpoint) {
      await mark({ status: 'failed', last_error: 'endpoint deleted' });
      return;
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const secret = cipher.decrypt(endpoint.secret);
    let error: string;
    let status: number | null = null;
    try {
      status = await postWebhook(
        endpoint.url,
        {
          'content-type': 'application/json',
          'user-agent': 'Touchpoint-Webhooks/1',
          'x-touchpoint-event': d.event_type,
          'x-touchpoint-delivery': d.id,
          'x-touchpoint-timestamp': String(timestamp),
          'x-touchpoint-signature': signWebhook(secret, timestamp, d.body),
        },
        d.body,
        { timeoutMs: TIMEOUT_MS, allowPrivate: policy.allowPrivate },
      );
      if (status >= 200 && status < 300) {
        await mark({
          status: 'delivered',
          response_status: status,
          last_error: null,
          delivered_at: Date.now(),
        });
        return;
      }
      error = `HTTP ${status}`;
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 500) : 'request failed';
    }
    const final = job.attempt >= MAX_ATTEMPTS;
    await mark({ status: final ? 'failed' : 'pending', response_status: status, last_error: error });
    if (logger)
      logger.warn(
        { deliveryId, endpoint: endpoint.id, attempt: job.attempt, error },
        'webhook delivery failed',
      );
    throw new Error(`webhook delivery ${deliveryId} failed: ${error}`);
  };
}
