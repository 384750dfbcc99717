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
      try {
        done(null, parseJsonText(body as string, maxDepth));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}

/**
 * Parses a JSON request body safely, or throws the AppError to answer with (INVALID_JSON, JSON_TOO_DEEP, or
 * VALIDATION_FAILED for a NUL character). Shared by the admin API (strict) and the collection API (lenient).
 */
export function parseJsonText(text: string, maxDepth: number, options: { lenient?: boolean } = {}): unknown {
  if (text.trim() === '') throw new AppError('INVALID_JSON', 400, 'error.invalid_json');
  const { depth, hasNul } = scanJson(text);
  if (depth > maxDepth) throw new AppError('JSON_TOO_DEEP', 400, 'error.json_too_deep', { max: maxDepth });
  if (hasNul && !options.lenient) throw nulCharacter('body');
  // Lenient (the collection API): `__proto__` and `constructor.prototype` keys are dropped rather than failing the
  // request, and NUL characters are left for per-event validation, so one bad event never loses a whole batch.
  const action = options.lenient ? 'remove' : 'error';
  try {
    return secureJson.parse(text, undefined, { protoAction: action, constructorAction: action });
  } catch (err) {
    const proto = err instanceof SyntaxError && /prototype/i.test(err.message);
    throw new AppError('INVALID_JSON', 400, 'error.invalid_json', proto ? { reason: 'forbidden_key' } : {});
  }
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
