import { GraphQLError } from 'graphql';

/** The fixed set of error codes partner apps rely on (additions are announced in ADRs, e.g. 004 and 011). */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'INVALID_TRANSITION',
  'AUDIT_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'RATE_LIMITED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Persisted-query protocol codes (ADR 007), answered as they are: Apollo Client's persisted-query
 * link retries with the full document on PERSISTED_QUERY_NOT_FOUND.
 */
export const PERSISTED_QUERY_CODES = [
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_IN_LIST',
] as const;

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  AUDIT_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
  RATE_LIMITED: 429,
};

/**
 * A deliberately raised error: its message is shown to the client, so it must never contain
 * personal data (name the field or the rule, never the value).
 */
export class HubError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    const status = HTTP_STATUS[code];
    super(message, { extensions: { code, ...extra, ...(status ? { http: { status } } : {}) } });
  }
}

export const notFound = (what: string) => new HubError('NOT_FOUND', `${what} not found`);
export const forbidden = (message: string, extra: Record<string, unknown> = {}) =>
  new HubError('FORBIDDEN', message, extra);
export const badInput = (field: string, message: string) =>
  new HubError('BAD_USER_INPUT', `${field}: ${message}`, { field });
export const conflict = (message: string, extra: Record<string, unknown> = {}) =>
  new HubError('CONFLICT', message, extra);
export const invalidTransition = (message: string, extra: Record<string, unknown> = {}) =>
  new HubError('INVALID_TRANSITION', message, extra);
const REALM = 'mash-hub';
/**
 * HTTP 401 with an RFC 6750 challenge: `WWW-Authenticate: Bearer realm="mash-hub"` when no token was
 * sent, with `error="invalid_token"` when one was sent and refused (the message says why, never the claims).
 */
export const unauthenticated = (message?: string) => {
  const e = new HubError('UNAUTHENTICATED', message ?? 'Authentication required');
  const challenge =
    message === undefined ? `Bearer realm="${REALM}"` : `Bearer realm="${REALM}", error="invalid_token"`;
  (e.extensions.http as { headers?: Map<string, string> }).headers = new Map([['www-authenticate', challenge]]);
  return e;
};
/**
 * Too many requests: HTTP 429 with Retry-After (whole seconds), the same in `retryAfterSeconds` for
 * clients without headers (WebSocket); nothing else about the limit's state.
 */
export const rateLimited = (retryAfterSeconds: number) => {
  const e = new HubError('RATE_LIMITED', 'Too many requests; retry later', { retryAfterSeconds });
  (e.extensions.http as { headers?: Map<string, string> }).headers = new Map([
    ['retry-after', String(retryAfterSeconds)],
  ]);
  return e;
};
export const auditUnavailable = () =>
  new HubError('AUDIT_UNAVAILABLE', 'The audit store is unavailable; no data was released');

/** The database is away (not yet connected, restarting): nothing was read or written; retry. */
export const serviceUnavailable = () =>
  new HubError('SERVICE_UNAVAILABLE', 'The database is unavailable; nothing was read or changed. Try again shortly');

export function isHubError(e: unknown): e is HubError {
  return e instanceof HubError;
}
