import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Encrypts and blind-indexes PII fields (phone, e-mail, national id, address) with keys derived from the one
 * secret key, so that a stolen database alone reveals nothing and lookups still work by keyed hash.
 */
export interface FieldCipher {
  /** AES-256-GCM with a random 96-bit nonce: `v1.<nonce>.<ciphertext+tag>` (base64url). */
  encrypt(plain: string): string;
  /** Inverse of encrypt; throws if the value was tampered with or made under another key. */
  decrypt(sealed: string): string;
  /** Keyed hash (HMAC-SHA256) for equality lookups of an encrypted field; `purpose` separates e.g. phone from email. */
  blindIndex(purpose: string, normalizedValue: string): string;
}

/** Builds the cipher from the 32-byte secret key; encryption and index keys are derived separately with HKDF. */
export function createFieldCipher(secretKey: Buffer): FieldCipher {
  if (secretKey.length !== 32) throw new Error('secret key must be 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), info, 32));
  const encKey = derive('touchpoint field encryption v1');
  const indexKey = derive('touchpoint blind index v1');
  return {
    encrypt(plain) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, nonce);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
    },
    decrypt(sealed) {
      const [version, nonceB64, bodyB64] = sealed.split('.');
      if (version !== VERSION || !nonceB64 || !bodyB64) throw new Error('not an encrypted field value');
      const body = Buffer.from(bodyB64, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(nonceB64, 'base64url'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    },
    blindIndex(purpose, normalizedValue) {
      return createHmac('sha256', indexKey).update(`${purpose}\u0000${normalizedValue}`).digest('base64url');
    },
  };
}
