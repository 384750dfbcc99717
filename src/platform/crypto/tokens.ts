import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret with a readable prefix, e.g. `tp_sk_…` (base64url, 32 bytes of entropy). */
export function generateToken(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/**
 * SHA-256 of a high-entropy token (API key, session token). Such tokens cannot be brute-forced, so a fast hash is
 * the right tool: it lets us look the token up by its hash and never store the token itself.
 */
export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/** HMAC-SHA256 (hex) of a payload, e.g. for signing webhooks. */
export function hmacSha256Hex(key: Buffer | string, payload: string | Buffer): string {
  return createHmac('sha256', key).update(payload).digest('hex');
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
