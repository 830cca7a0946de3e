import type express from 'express';

/**
 * GraphQL operations by POST only (issue 17, ADR 007): a GET puts the document and its variables —
 * a child's name, date of birth, NHS number — in the URL, which proxies, load balancers and browser
 * histories log. A GET naming no operation and asking for HTML (the development landing page) passes.
 */
export function postOnly(): express.RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const carriesOperation = (req.url ?? '').includes('?');
    if (!carriesOperation && req.accepts(['application/json', 'text/html']) === 'text/html') return next();
    res
      .status(405)
      .set('allow', 'POST')
      .json({
        errors: [
          {
            message: 'Send GraphQL operations with POST: a GET would put them in URLs that proxies log',
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      });
  };
}
