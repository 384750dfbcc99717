import type { MessageKey } from '../i18n/index.js';

/**
 * The one error type a use case throws for an expected failure. `code` is stable and documented in docs/errors.md;
 * `messageKey` is translated per request; `details` must be safe to show to the client.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    readonly messageKey: MessageKey,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'AppError';
  }
}

/** The JSON envelope of every error answer. */
export interface ErrorEnvelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}
