import type { Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import fastifyCors from '@fastify/cors';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/index.js';
import { AppError, parseJsonText } from '../../platform/http/index.js';
import { markWriteKeyUsed, resolveWriteKey } from '../workspaces/index.js';
import type { ChannelCatalogue } from './channels.js';
import type { GroupCommitter } from './group-commit.js';
import type { EventInbox } from './inbox.js';
import { isRejection, LIMITS, validateEvent, type EventType, type Rejection } from './validate-event.js';

export interface IngestRouteOptions {
  db: Db;
  channels: ChannelCatalogue;
  committer: GroupCommitter;
  /** Told of every request in progress, so that its processor waits while the server is busy answering. */
  inbox: EventInbox;
  jsonMaxDepth: number;
}

const ROUTES: [string[], EventType | 'batch'][] = [
  [['identify', 'i'], 'identify'],
  [['track', 't'], 'track'],
  [['page', 'p'], 'page'],
  [['screen', 's'], 'screen'],
  [['group', 'g'], 'group'],
  [['alias', 'a'], 'alias'],
  [['batch', 'b', 'import'], 'batch'],
];

const KEY_CACHE_MS = 10_000;
const TOUCH_MS = 60_000;

/**
 * The Segment HTTP Tracking API (`/v1/identify|track|page|screen|group|alias|batch` and `/v1/i|t|p|s|g|a|b`), so
 * Segment's and RudderStack's SDKs work unchanged. Bodies as application/json or text/plain (what analytics.js
 * sends to avoid a CORS preflight), optionally gzip- or deflate-encoded; CORS open to any origin because write keys
 * are public and can only add events. Unlike Segment, an unknown or revoked key gets 401, not a silent 200.
 */
export function ingestRoutes(opts: IngestRouteOptions): FastifyPluginAsync {
  const keyCache = new Map<string, { value: Awaited<ReturnType<typeof resolveWriteKey>>; until: number }>();
  const touched = new Map<string, number>();

  // The key inside each Basic Authorization header seen lately: an SDK sends the same header on every request.
  const basicKeys = new Map<string, string | undefined>();
  const basicKey = (auth: string): string | undefined => {
    if (basicKeys.has(auth)) return basicKeys.get(auth);
    const key = auth.toLowerCase().startsWith('basic ')
      ? Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8').split(':')[0]
      : undefined;
    if (basicKeys.size >= 10_000) basicKeys.clear();
    basicKeys.set(auth, key);
    return key;
  };

  async function writeKeyOf(request: FastifyRequest, body: Record<string, unknown>) {
    const auth = request.headers.authorization;
    let key = auth === undefined ? undefined : basicKey(auth);
    key ||= typeof body.writeKey === 'string' ? body.writeKey : undefined;
    key ||= typeof request.headers['x-write-key'] === 'string' ? request.headers['x-write-key'] : undefined;
    if (!key) return undefined;
    const now = Date.now();
    let cached = keyCache.get(key);
    if (!cached || cached.until < now) {
      if (keyCache.size > 10_000) keyCache.clear();
      cached = { value: await resolveWriteKey(opts.db, key), until: now + KEY_CACHE_MS };
      keyCache.set(key, cached);
    }
    const wk = cached.value;
    if (wk && (touched.get(wk.writeKeyId) ?? 0) < now - TOUCH_MS) {
      touched.set(wk.writeKeyId, now);
      await markWriteKeyUsed(opts.db, wk.workspaceId, wk.writeKeyId, now);
    }
    return wk;
  }

  return async (app) => {
    await app.register(fastifyCors, {
      origin: true,
      methods: ['POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'authorization', 'x-write-key', 'content-encoding'],
      maxAge: 86_400,
    });
    // From the first byte to the answer (or a closed connection), before the body is read.
    app.addHook('onRequest', (_request, reply, done) => {
      opts.inbox.requestStarted();
      reply.raw.once('close', opts.inbox.requestFinished);
      done();
    });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      ['application/json', 'text/plain'],
      { parseAs: 'string', bodyLimit: LIMITS.requestBytes },
      (_req, body, done) => {
        try {
          done(null, parseJsonText(body as string, opts.jsonMaxDepth, { lenient: true }));
        } catch (err) {
          done(err as Error, undefined);
        }
      },
    );
    // Decompress before the body limit counts bytes, so a small gzip bomb still stops at 500 KB.
    // A callback hook: an uncompressed body (nearly every request) costs no promise.
    app.addHook('preParsing', (request, _reply, payload, done) => {
      const encoding = request.headers['content-encoding']?.toLowerCase();
      if (!encoding || encoding === 'identity') return done(null, payload);
      if (encoding !== 'gzip' && encoding !== 'deflate') {
        return done(
          new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'error.unsupported_media_type', {
            type: `content-encoding ${encoding}`,
          }),
        );
      }
      const stream: Transform & { receivedEncodedLength?: number } = payload.pipe(
        encoding === 'gzip' ? createGunzip() : createInflate(),
      );
      // Fastify checks Content-Length against the bytes that came over the wire, not the inflated ones.
      stream.receivedEncodedLength = 0;
      payload.on('data', (chunk: Buffer) => {
        stream.receivedEncodedLength = (stream.receivedEncodedLength ?? 0) + chunk.length;
      });
      stream.on('error', () => undefined);
      done(null, stream);
    });

    for (const [paths, kind] of ROUTES) {
      for (const path of paths) {
        app.post(
          `/${path}`,
          { schema: { hide: true }, config: { auth: 'public' }, bodyLimit: LIMITS.requestBytes },
          async (request, reply) => {
            const receivedAt = Date.now();
            const body = request.body;
            if (typeof body !== 'object' || body === null || Array.isArray(body)) {
              throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
                summary: 'the body must be a JSON object',
              });
            }
            const raw = body as Record<string, unknown>;
            const writeKey = await writeKeyOf(request, raw);
            if (!writeKey)
              throw new AppError(
                'WRITE_KEY_INVALID',
                401,
                'error.write_key_invalid',
                {},
                { 'www-authenticate': 'Basic realm="touchpoint"' },
              );

            const sentAt = typeof raw.sentAt === 'string' ? Date.parse(raw.sentAt) : NaN;
            const ctx = {
              receivedAt,
              batchSentAt: Number.isFinite(sentAt) ? sentAt : null,
              sourceId: writeKey.writeKeyId,
            };

            if (kind !== 'batch') {
              const event = validateEvent(raw, kind, ctx);
              if (isRejection(event))
                throw new AppError(event.code, 400, 'error.event_rejected', { reason: event.reason });
              const events = [event];
              await opts.channels.resolveEvents(writeKey.workspaceId, events);
              await opts.committer.submit(writeKey.workspaceId, events);
              return reply.send({ success: true });
            }

            if (!Array.isArray(raw.batch)) {
              throw new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
                summary: 'body.batch must be an array of events',
              });
            }
            if (raw.batch.length > LIMITS.batchEvents) {
              throw new AppError('BATCH_TOO_LARGE', 400, 'error.batch_too_large', {
                max: LIMITS.batchEvents,
                count: raw.batch.length,
              });
            }
            const rejected: (Rejection & { index: number })[] = [];
            const accepted = [];
            for (let i = 0; i < raw.batch.length; i++) {
              const item = raw.batch[i];
              // Batch items inherit the batch's context fields the SDKs put at the top level.
              const event = validateEvent(item, null, ctx);
              if (isRejection(event)) rejected.push({ index: i, ...event });
              else accepted.push(event);
            }
            if (accepted.length === 0 && rejected.length > 0) {
              throw new AppError('ALL_EVENTS_REJECTED', 400, 'error.all_events_rejected', { rejected });
            }
            await opts.channels.resolveEvents(writeKey.workspaceId, accepted);
            await opts.committer.submit(writeKey.workspaceId, accepted);
            return reply.send({ success: true, accepted: accepted.length, rejected });
          },
        );
      }
    }
  };
}
