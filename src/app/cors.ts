import type express from 'express';

/**
 * CORS for browser partner apps (issue 22): only the exact origins of `CORS_ORIGINS` may call
 * /graphql from a page of their own. Tokens are bearer tokens in a header, never cookies, so no
 * credentials are allowed. A preflight from any other origin is refused (403, no
 * Access-Control-Allow-Origin), so the browser never sends the request: a JSON POST or one with a
 * token always needs the preflight, and a "simple" POST without one is refused by Apollo's CSRF
 * prevention. Other requests get no CORS headers and go on unchanged — same-origin ones (the MASH
 * Desk, even behind a proxy that rewrites Host) and those of servers, which send no preflight.
 */
export const CORS_ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'apollo-require-preflight',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'x-mash-partnership',
] as const;
const MAX_AGE_SECONDS = 600;

export function corsAllowList(origins: readonly string[]): express.RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.header('origin');
    const preflight =
      req.method === 'OPTIONS' && origin !== undefined && req.header('access-control-request-method') !== undefined;
    if (origin === undefined || !allowed.has(origin)) {
      if (!preflight) return next();
      res.status(403).json({
        errors: [{ message: 'This origin may not call the hub from a browser', extensions: { code: 'FORBIDDEN' } }],
      });
      return;
    }
    res.setHeader('access-control-allow-origin', origin);
    res.vary('origin');
    if (preflight) {
      res.setHeader('access-control-allow-methods', 'POST');
      res.setHeader('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '));
      res.setHeader('access-control-max-age', String(MAX_AGE_SECONDS));
      res.status(204).end();
      return;
    }
    res.setHeader('access-control-expose-headers', 'x-request-id');
    next();
  };
}
