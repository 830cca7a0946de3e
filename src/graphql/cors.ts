import type express from 'express';

/**
 * CORS for browser partner apps (issue 22): only the exact origins of `CORS_ORIGINS` may call
 * /graphql from a page of their own. Tokens are bearer tokens in a header, never cookies, so no
 * credentials are allowed. A request from any other origin is refused before authentication or
 * parsing, with no Access-Control-Allow-Origin: a browser then hides even the refusal from the page.
 * Same-origin requests (the MASH Desk, served by the hub) and requests without an Origin (servers,
 * curl) are not CORS and pass unchanged.
 */
export const CORS_ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'apollo-require-preflight',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
] as const;
const MAX_AGE_SECONDS = 600;

export function corsAllowList(origins: readonly string[]): express.RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.header('origin');
    if (origin === undefined) return next();
    // The browser sends Origin on its same-origin POSTs too; only the Host it connected to tells them apart.
    if (sameOrigin(origin, req.header('host'))) return next();
    if (!allowed.has(origin)) {
      res.status(403).json({ errors: [{ message: 'This origin may not call the hub from a browser', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    res.setHeader('access-control-allow-origin', origin);
    res.vary('origin');
    if (req.method === 'OPTIONS' && req.header('access-control-request-method')) {
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

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
