import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, NETWORK_ERROR, UNEXPECTED_RESPONSE } from '../api';

/**
 * Turns any thrown value into a sentence for people: the API's own (already translated) message when it sent one,
 * otherwise a translated generic text. Never shows stack traces or raw exceptions.
 */
export function useErrorMessage(): (error: unknown) => string {
  const { t } = useTranslation();
  return useCallback(
    (error: unknown) => {
      if (error instanceof ApiError) {
        if (error.code === NETWORK_ERROR) return t('errors.network');
        if (error.code === UNEXPECTED_RESPONSE) return t('errors.unexpected', { status: error.status });
        return error.message;
      }
      return t('errors.unexpected', { status: '?' });
    },
    [t],
  );
}

/** True for a 403 answer (the role lacks a permission). */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}
