import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { AppError } from './errors.js';

/**
 * Replaces Fastify's JSON parser: `__proto__` and `constructor.prototype` keys are rejected (never reach an object
 * prototype), malformed JSON is a 400 INVALID_JSON, and nesting deeper than `maxDepth` is a 400 JSON_TOO_DEEP
 * (checked on the text before parsing, so a hostile body costs one linear scan).
 */
export function registerJsonParser(app: FastifyInstance, maxDepth: number): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i,
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = body as string;
      if (text.trim() === '') return done(new AppError('INVALID_JSON', 400, 'error.invalid_json'), undefined);
      const { depth, hasNul } = scanJson(text);
      if (depth > maxDepth) {
        return done(new AppError('JSON_TOO_DEEP', 400, 'error.json_too_deep', { max: maxDepth }), undefined);
      }
      if (hasNul) return done(nulCharacter('body'), undefined);
      try {
        done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
      } catch (err) {
        const proto = err instanceof SyntaxError && /prototype/i.test(err.message);
        done(
          new AppError('INVALID_JSON', 400, 'error.invalid_json', proto ? { reason: 'forbidden_key' } : {}),
          undefined,
        );
      }
    },
  );
}

/**
 * One linear pass over a JSON text: the deepest array/object nesting (brackets inside strings do not count) and
 * whether a string holds a NUL character (`\u0000`), which PostgreSQL text cannot store.
 */
export function scanJson(text: string): { depth: number; hasNul: boolean } {
  let depth = 0;
  let max = 0;
  let inString = false;
  let hasNul = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) {
        if (text.startsWith('u0000', i + 1)) hasNul = true;
        i++;
      } else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) max = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return { depth: max, hasNul };
}

/** 400 for text holding a NUL character: no field of ours accepts one, and PostgreSQL cannot store it. */
export function nulCharacter(where: 'body' | 'querystring' | 'params'): AppError {
  return new AppError('VALIDATION_FAILED', 400, 'error.validation_failed', {
    summary: `${where} contains a NUL character`,
    fields: [{ in: where, path: '', message: 'contains a NUL character' }],
  });
}

/** True when a parsed query string or path parameter object holds a NUL character in any value. */
export function hasNulValue(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNulValue);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasNulValue);
  return false;
}
