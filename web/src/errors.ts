import { ApiError } from './api/client';
import { hasKey, type Translate } from './i18n';

/**
 * An API failure as a message in the user's language that says what to do next. Known
 * codes have their own message; others fall back by status, with the server's own
 * (English) message added only as a detail.
 */
export function errorMessage(e: unknown, t: Translate): string {
  if (!(e instanceof ApiError)) return t('error.unknown');
  if (e.code === 'network') return t('error.network');
  const key = `error.${e.code}`;
  if (hasKey(key)) return t(key);
  const byStatus: Record<number, Parameters<Translate>[0]> = {
    400: 'error.bad_request',
    401: 'error.invalid_token',
    403: 'error.forbidden',
    404: 'error.not_found',
    409: 'error.conflict',
    413: 'error.payload_too_large',
    415: 'error.unsupported_file_type',
    422: 'error.invalid',
    429: 'error.too_many_requests',
    503: 'error.unavailable',
  };
  const general = t(byStatus[e.status] ?? (e.status >= 500 ? 'error.internal_error' : 'error.unknown'));
  return e.message && e.status < 500 ? `${general} ${t('error.details', { message: e.message })}` : general;
}
