export { hashPassword, verifyPassword, dummyPasswordHash } from './password.js';
export { generateToken, sha256Hex, hmacSha256Hex, safeEqual } from './tokens.js';
export { createFieldCipher, type FieldCipher } from './field-encryption.js';
