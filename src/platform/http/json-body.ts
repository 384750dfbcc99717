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
      if (jsonDepth(text) > maxDepth) {
        return done(new AppError('JSON_TOO_DEEP', 400, 'error.json_too_deep', { max: maxDepth }), undefined);
      }
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

/** Deepest array/object nesting in a JSON text, ignoring brackets inside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) max = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}
