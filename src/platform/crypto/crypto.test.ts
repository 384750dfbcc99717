import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFieldCipher, hashPassword, verifyPassword } from './index.js';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse 电池');
    expect(hash.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse 电池', hash)).toBe(true);
    expect(await verifyPassword('correct horse', hash)).toBe(false);
  });

  it('treats malformed stored hashes as a mismatch', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1$2$3')).toBe(false);
  });
});

describe('field encryption', () => {
  const cipher = createFieldCipher(randomBytes(32));

  it('round-trips any string and never repeats a ciphertext', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const a = cipher.encrypt(s);
        expect(cipher.decrypt(a)).toBe(s);
        expect(cipher.encrypt(s)).not.toBe(a);
      }),
      { numRuns: 200 },
    );
  });

  it('detects tampering and a wrong key', () => {
    const sealed = cipher.encrypt('+8613812341234');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => cipher.decrypt(tampered)).toThrow();
    expect(() => createFieldCipher(randomBytes(32)).decrypt(sealed)).toThrow();
  });

  it('gives a stable blind index per purpose', () => {
    expect(cipher.blindIndex('phone', '+8613812341234')).toBe(cipher.blindIndex('phone', '+8613812341234'));
    expect(cipher.blindIndex('phone', 'x')).not.toBe(cipher.blindIndex('email', 'x'));
  });
});
