import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Identifier types, highest merge priority first. When an event's identifiers point to several profiles, they are
 * merged in this order, and an identifier whose merge would break a limit is left with its own profile — like
 * Segment Unify's priority and limits.
 */
export const PRIORITY: readonly string[] = [
  'user_id',
  'phone',
  'email',
  'wechat_unionid',
  'wechat_openid',
  'device_id',
  'anonymous_id',
];

/** At most this many values of a type per profile; two different userIds are never merged. */
export const LIMITS: Readonly<Record<string, number>> = { user_id: 1, wechat_unionid: 1, phone: 5, email: 5 };

/** The per-profile limit of an identifier type, if it has one. */
export function limitOf(type: string): number | undefined {
  return Object.hasOwn(LIMITS, type) ? LIMITS[type] : undefined;
}

/** Values of PII types are stored sealed; the others (opaque ids) in plain text. */
export const PII_TYPES = new Set(['email', 'phone']);

/** Placeholder values SDKs and forms send that must never join profiles together. */
const BLOCKED = new Set([
  '',
  'null',
  'undefined',
  'nil',
  'none',
  'n/a',
  'na',
  'anonymous',
  'unknown',
  '0',
  '-1',
  'false',
  'true',
  'nan',
  '[object object]',
  'test',
  '{}',
  '[]',
]);

const CUSTOM_TYPE = /^[a-z][a-z0-9_]{0,39}$/;

export interface Identifier {
  type: string;
  /** Normalised value (E.164 phone, lower-case e-mail, trimmed id). */
  value: string;
}

export function priorityOf(type: string): number {
  const i = PRIORITY.indexOf(type);
  // Custom types rank after WeChat ids and before device and anonymous ids.
  return i === -1 ? PRIORITY.length - 2.5 : i;
}

/** Normalises one identifier value, or null when it is invalid or a blocked placeholder. */
export function normalizeIdentifier(type: string, raw: unknown, phoneRegion: string): string | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const value = String(raw).trim().normalize('NFKC');
  if (value.length > 200 || BLOCKED.has(value.toLowerCase())) return null;
  switch (type) {
    case 'email': {
      const email = value.toLowerCase();
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
    }
    case 'phone': {
      const parsed = parsePhoneNumberFromString(value, phoneRegion as CountryCode);
      return parsed?.isValid() ? parsed.number : null;
    }
    default:
      return value;
  }
}

/** Lower-cases and checks a custom identifier type from context.externalIds; null if unusable. */
export function normalizeType(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const type = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  const aliases: Record<string, string> = {
    userid: 'user_id',
    anonymousid: 'anonymous_id',
    openid: 'wechat_openid',
    unionid: 'wechat_unionid',
    mobile: 'phone',
  };
  const compact = type.replace(/_/g, '');
  const mapped = Object.hasOwn(aliases, compact) ? (aliases[compact] as string) : type;
  return CUSTOM_TYPE.test(mapped) ? mapped : null;
}

/** The masked form of a value for people without PII access: 138****1234, z***@example.com. */
export function maskValue(type: string, value: string): string {
  if (type === 'phone') {
    const digits = value.replace(/^\+86/, '');
    return digits.length > 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '****';
  }
  if (type === 'email') {
    const [local = '', domain = ''] = value.split('@');
    return `${local.slice(0, 1)}***@${domain}`;
  }
  if (type === 'name')
    return value.length <= 1 ? '*' : `${[...value][0]}${'*'.repeat(Math.min(3, [...value].length - 1))}`;
  return value.length <= 4 ? '****' : `${value.slice(0, 2)}****${value.slice(-2)}`;
}
