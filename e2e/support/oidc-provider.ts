import crypto from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';

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
  /** The grant type of every token request answered with tokens, in order. */
  grants: string[];
  /** The subjects signed out at the end-session endpoint (RP-initiated logout), in order. */
  signedOut: string[];
  /** Revokes every refresh token issued so far (as an administrator ending sessions would). */
  revokeRefreshTokens(): void;
  close(): Promise<void>;
}

export interface TestProviderOptions {
  clientId: string;
  audience: string;
  /** The access token's lifetime (default 600 s). */
  accessTokenSeconds?: number;
  /** Issue refresh tokens (single use, rotated on every renewal); default none. */
  refreshTokens?: boolean;
  /** Advertise an end_session_endpoint (RP-initiated logout); default none. */
  endSession?: boolean;
}

export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const lifetime = options.accessTokenSeconds ?? 600;
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: 'e2e-1', alg: 'ES256', use: 'sig' };
  const redirects = new Set<string>();
  const codes = new Map<
    string,
    { challenge: string; redirectUri: string; nonce: string | undefined; user: Record<string, unknown> }
  >();
  const requests: string[] = [];
  const grants: string[] = [];
  const signedOut: string[] = [];
  /** Live refresh tokens and whom they are for; a logout revokes the user's. */
  const refreshTokens = new Map<string, Record<string, unknown>>();
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
      grant_types_supported: ['authorization_code', ...(options.refreshTokens ? ['refresh_token'] : [])],
      ...(options.endSession ? { end_session_endpoint: `${issuer}/logout` } : {}),
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

  /** The tokens for a user: an access token for the hub, an ID token for the desk, maybe a refresh token. */
  async function tokensFor(user: Record<string, unknown>, nonce: string | undefined) {
    const sub = String(user.sub);
    const accessToken = await new SignJWT({ ...user })
      .setProtectedHeader({ alg: 'ES256', kid: 'e2e-1', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(options.audience)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(`${lifetime}s`)
      .sign(privateKey);
    const idToken = await new SignJWT({ name: user.name, ...(nonce ? { nonce } : {}) })
      .setProtectedHeader({ alg: 'ES256', kid: 'e2e-1' })
      .setIssuer(issuer)
      .setAudience(options.clientId)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    let refreshToken: string | undefined;
    if (options.refreshTokens) {
      refreshToken = crypto.randomBytes(24).toString('base64url');
      refreshTokens.set(refreshToken, user);
    }
    return {
      access_token: accessToken,
      id_token: idToken,
      token_type: 'Bearer',
      expires_in: lifetime,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  app.post('/token', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    res.setHeader('cache-control', 'no-store');
    if (body.grant_type === 'refresh_token') {
      // Single use: the old refresh token is gone whatever follows (rotation).
      const user = body.refresh_token ? refreshTokens.get(body.refresh_token) : undefined;
      if (body.refresh_token) refreshTokens.delete(body.refresh_token);
      if (!options.refreshTokens || !user || body.client_id !== options.clientId) {
        res.status(400).json({ error: 'invalid_grant' });
        return;
      }
      grants.push('refresh_token');
      res.json(await tokensFor(user, undefined));
      return;
    }
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
    grants.push('authorization_code');
    res.json(await tokensFor(grant.user, grant.nonce));
  });

  /**
   * RP-initiated logout: the ID token it issued as the hint, a registered address to return to.
   * The user's refresh tokens are revoked, and the browser goes back to the desk.
   */
  app.get('/logout', async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (!options.endSession || q.client_id !== options.clientId || !q.post_logout_redirect_uri) {
      res.status(400).type('text').send('bad logout request');
      return;
    }
    if (!redirects.has(q.post_logout_redirect_uri)) {
      res.status(400).type('text').send('post_logout_redirect_uri not registered');
      return;
    }
    let sub: string;
    try {
      const { payload } = await jwtVerify(q.id_token_hint ?? '', publicKey, {
        issuer,
        audience: options.clientId,
        // An expired ID token is still a valid hint (OpenID Connect RP-Initiated Logout 1.0).
        clockTolerance: '1h',
      });
      sub = String(payload.sub);
    } catch {
      res.status(400).type('text').send('id_token_hint not accepted');
      return;
    }
    for (const [token, user] of refreshTokens) if (String(user.sub) === sub) refreshTokens.delete(token);
    signedOut.push(sub);
    res.redirect(302, q.post_logout_redirect_uri);
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
    grants,
    signedOut,
    revokeRefreshTokens: () => refreshTokens.clear(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
