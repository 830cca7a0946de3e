import crypto from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/**
 * A small OpenID Connect provider for the desk's stories (ADR 026), made of express and jose: it
 * discovers, shows a consent page, answers the authorization code flow with PKCE (S256 only), and
 * issues an ID token for the desk and an access token for the hub, both signed with an ES256 key
 * published at its JWKS. One user signs in: the one the story names. It checks what a real
 * provider checks (client id, redirect URI, verifier, single-use code) and records the requests
 * it saw, so a story can tell what reached it.
 */
export interface TestProvider {
  issuer: string;
  jwksUrl: string;
  /** Registers the desk's redirect URI (known once the hub is listening). */
  allowRedirect(uri: string): void;
  /** The user the next sign-in is for (claims as the hub reads them). */
  signInAs(user: Record<string, unknown>): void;
  /** Every URL the browser or the desk asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startTestProvider(options: { clientId: string; audience: string }): Promise<TestProvider> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: 'e2e-1', alg: 'ES256', use: 'sig' };
  const redirects = new Set<string>();
  const codes = new Map<
    string,
    { challenge: string; redirectUri: string; nonce: string | undefined; user: Record<string, unknown> }
  >();
  const requests: string[] = [];
  let user: Record<string, unknown> = {};
  let issuer = '';

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    requests.push(req.originalUrl);
    // The desk calls discovery and the token endpoint from its own origin (CORS, as real providers allow).
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-headers', 'content-type, accept, authorization, dpop');
      res.setHeader('access-control-allow-methods', 'GET, POST');
      res.status(204).end();
      return;
    }
    next();
  });

  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid'],
    });
  });
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [publicJwk] });
  });

  /** The authorization request: checked, then a page where the user continues (as a real login would). */
  function authorizationProblem(q: Record<string, unknown>): string | null {
    if (q.client_id !== options.clientId) return 'unknown client';
    if (typeof q.redirect_uri !== 'string' || !redirects.has(q.redirect_uri)) return 'redirect URI not registered';
    if (q.response_type !== 'code') return 'response_type must be code';
    if (q.code_challenge_method !== 'S256' || typeof q.code_challenge !== 'string') return 'PKCE S256 required';
    if (typeof q.scope !== 'string' || !q.scope.split(' ').includes('openid')) return 'scope must include openid';
    if (typeof q.state !== 'string') return 'state required';
    return null;
  }

  app.get('/authorize', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const problem = authorizationProblem(q);
    if (problem) {
      res.status(400).type('text').send(problem);
      return;
    }
    const code = crypto.randomBytes(24).toString('base64url');
    codes.set(code, { challenge: q.code_challenge!, redirectUri: q.redirect_uri!, nonce: q.nonce, user });
    const back = new URL(q.redirect_uri!);
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.state!);
    back.searchParams.set('iss', issuer);
    res
      .type('html')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Test provider</title></head>` +
          `<body><main><h1>Test identity provider</h1><p>Signing in as ${String(user.name ?? 'nobody')}.</p>` +
          `<a href="${back.href.replace(/&/g, '&amp;')}">Continue to MASH Desk</a></main></body></html>`,
      );
  });

  app.post('/token', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const grant = body.code ? codes.get(body.code) : undefined;
    if (body.code) codes.delete(body.code); // single use, whatever follows
    const verifierOk =
      grant !== undefined &&
      typeof body.code_verifier === 'string' &&
      crypto.createHash('sha256').update(body.code_verifier).digest('base64url') === grant.challenge;
    if (
      body.grant_type !== 'authorization_code' ||
      body.client_id !== options.clientId ||
      !grant ||
      body.redirect_uri !== grant.redirectUri ||
      !verifierOk
    ) {
      res.status(400).json({ error: 'invalid_grant' });
      return;
    }
    const sub = String(grant.user.sub);
    const accessToken = await new SignJWT({ ...grant.user })
      .setProtectedHeader({ alg: 'ES256', kid: 'e2e-1', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(options.audience)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    const idToken = await new SignJWT({ name: grant.user.name, ...(grant.nonce ? { nonce: grant.nonce } : {}) })
      .setProtectedHeader({ alg: 'ES256', kid: 'e2e-1' })
      .setIssuer(issuer)
      .setAudience(options.clientId)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    res.setHeader('cache-control', 'no-store');
    res.json({ access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: 600 });
  });

  const server: http.Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    allowRedirect: (uri) => redirects.add(uri),
    signInAs: (u) => {
      user = u;
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
