import { randomUUID } from 'node:crypto';
import type { IncomingEvent } from '../profiles/index.js';

export const LIMITS = {
  eventBytes: 32 * 1024,
  requestBytes: 500 * 1024,
  batchEvents: 2500,
  messageIdChars: 100,
  idChars: 200,
  nameChars: 200,
} as const;

export type EventType = IncomingEvent['type'];
export const EVENT_TYPES: readonly EventType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias'];

/** Why one event was refused: a stable code and a sentence for the developer sending it. */
export interface Rejection {
  code:
    | 'EVENT_TOO_LARGE'
    | 'INVALID_EVENT'
    | 'INVALID_TYPE'
    | 'MISSING_IDENTITY'
    | 'MISSING_EVENT_NAME'
    | 'MESSAGE_ID_TOO_LONG'
    | 'INVALID_TIMESTAMP'
    | 'INVALID_FIELD';
  reason: string;
}

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An id as text. Lone UTF-16 surrogates become U+FFFD: the database stores them that way, and a messageId must read
 * back exactly as it came for deduplication to work.
 */
function id(v: unknown): string | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  return v.toWellFormed();
}

const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31);
const DAY_MS = 86_400_000;

function time(v: unknown): number | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > 40) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) && t >= MIN_TIME && t <= MAX_TIME ? t : undefined;
}

/**
 * Checks one raw Segment message and turns it into an IncomingEvent, or says why not. `type` comes from the route
 * for single-event calls and from the message inside a batch. The corrected time follows Segment:
 * timestamp = receivedAt − (sentAt − originalTimestamp) when the client sent both, so a wrong device clock does not
 * move the event.
 */
export function validateEvent(
  raw: unknown,
  routeType: EventType | null,
  ctx: { receivedAt: number; batchSentAt: number | null; sourceId: string | null },
): IncomingEvent | Rejection {
  if (!isObject(raw)) return { code: 'INVALID_EVENT', reason: 'an event must be a JSON object' };
  const text = JSON.stringify(raw);
  // PostgreSQL text cannot hold NUL; such an event is refused on its own, the rest of its batch is kept.
  if (text.includes('\\u0000'))
    return { code: 'INVALID_FIELD', reason: 'the event contains a NUL character (\\u0000)' };
  const bytes = Buffer.byteLength(text);
  if (bytes > LIMITS.eventBytes)
    return {
      code: 'EVENT_TOO_LARGE',
      reason: `the event is ${bytes} bytes; the limit is ${LIMITS.eventBytes} bytes (32 KB)`,
    };

  const type = (routeType ?? raw.type) as EventType;
  if (!EVENT_TYPES.includes(type))
    return { code: 'INVALID_TYPE', reason: `type must be one of ${EVENT_TYPES.join(', ')}` };

  const userId = id(raw.userId);
  const anonymousId = id(raw.anonymousId);
  if (userId === undefined || anonymousId === undefined)
    return { code: 'INVALID_FIELD', reason: 'userId and anonymousId must be strings' };
  if ((userId?.length ?? 0) > LIMITS.idChars || (anonymousId?.length ?? 0) > LIMITS.idChars) {
    return {
      code: 'INVALID_FIELD',
      reason: `userId and anonymousId are limited to ${LIMITS.idChars} characters`,
    };
  }
  if (!userId?.trim() && !anonymousId?.trim())
    return { code: 'MISSING_IDENTITY', reason: 'every event needs a userId or an anonymousId' };

  const messageIdRaw = id(raw.messageId);
  if (messageIdRaw === undefined) return { code: 'INVALID_FIELD', reason: 'messageId must be a string' };
  if (messageIdRaw !== null && messageIdRaw.length > LIMITS.messageIdChars) {
    return {
      code: 'MESSAGE_ID_TOO_LONG',
      reason: `messageId is limited to ${LIMITS.messageIdChars} characters`,
    };
  }

  for (const field of ['properties', 'traits', 'context'] as const) {
    if (raw[field] !== undefined && raw[field] !== null && !isObject(raw[field]))
      return { code: 'INVALID_FIELD', reason: `${field} must be an object` };
  }
  const context = isObject(raw.context) ? raw.context : {};
  const properties: Raw = isObject(raw.properties) ? { ...raw.properties } : {};
  // identify traits describe the person; group traits describe the company, so they stay with the event.
  const traits =
    type === 'identify'
      ? isObject(raw.traits)
        ? raw.traits
        : {}
      : isObject(context.traits)
        ? context.traits
        : {};
  if (type === 'group') {
    properties.groupId = id(raw.groupId) ?? null;
    properties.traits = isObject(raw.traits) ? raw.traits : {};
  }

  let name: string | null = null;
  if (type === 'track') {
    if (typeof raw.event !== 'string' || raw.event.trim() === '')
      return { code: 'MISSING_EVENT_NAME', reason: 'a track call needs an event name' };
    if (raw.event.length > LIMITS.nameChars)
      return { code: 'INVALID_FIELD', reason: `event names are limited to ${LIMITS.nameChars} characters` };
    name = raw.event.trim().toWellFormed();
  } else if (type === 'page' || type === 'screen') {
    name = typeof raw.name === 'string' ? raw.name.slice(0, LIMITS.nameChars).toWellFormed() : null;
  }
  const previousId = type === 'alias' ? id(raw.previousId) : null;
  if (previousId === undefined) return { code: 'INVALID_FIELD', reason: 'previousId must be a string' };

  const original = time(raw.timestamp ?? raw.originalTimestamp);
  const sentAt = time(raw.sentAt) ?? ctx.batchSentAt;
  if (original === undefined || sentAt === undefined)
    return {
      code: 'INVALID_TIMESTAMP',
      reason: 'timestamp, originalTimestamp and sentAt must be ISO-8601 date-times',
    };
  const corrected =
    original !== null && sentAt !== null
      ? ctx.receivedAt - (sentAt - original)
      : (original ?? ctx.receivedAt);
  // An event cannot have happened long after it arrived, or before 1970: such times fall back to the arrival time.
  const timestamp =
    corrected >= MIN_TIME && corrected <= ctx.receivedAt + DAY_MS ? corrected : ctx.receivedAt;

  return {
    // An empty messageId is no id: keeping it would make every later such event look like a retry.
    messageId: messageIdRaw?.trim() ? messageIdRaw : `api-${randomUUID()}`,
    type,
    name,
    userId: userId?.trim() || null,
    anonymousId: anonymousId?.trim() || null,
    previousId: previousId ?? null,
    traits,
    properties,
    context,
    // The raw value; the route maps it to the workspace's channel catalogue.
    channel:
      typeof (context.channel ?? properties.channel) === 'string'
        ? String(context.channel ?? properties.channel).slice(0, 60)
        : '',
    sourceId: ctx.sourceId,
    receivedAt: ctx.receivedAt,
    sentAt,
    originalTimestamp: original,
    timestamp,
  };
}

export function isRejection(x: IncomingEvent | Rejection): x is Rejection {
  return 'code' in x && 'reason' in x && !('messageId' in x);
}
