import crypto from 'node:crypto';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { loadOrCreateDevKey } from '../src/auth/authenticator';
import { startTestHub, type TestHub } from './support/test-hub';

/** docs/security.md, authentication: every token defect → 401 UNAUTHENTICATED. */
describe('authentication attacks', () => {
  let hub: TestHub;
  let sign: (
    claims: Record<string, unknown>,
    opts?: {
      exp?: string | number;
      nbf?: string | number;
      iss?: string;
      aud?: string;
      sub?: string | null;
      iat?: number | null;
    },
  ) => Promise<string>;
  const claims = {
    name: 'Attacker Example',
    agency: 'police',
    roles: ['POLICE_MASH_OFFICER'],
    partnerships: ['default'],
  };

  beforeAll(async () => {
    hub = await startTestHub();
    const auth = hub.config.auth as { keyFile: string; issuer: string; audience: string };
    const { privateJwk } = await loadOrCreateDevKey(auth.keyFile);
    const key = await importJWK(privateJwk, 'ES256');
    sign = async (c, o = {}) => {
      let jwt = new SignJWT(c)
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(o.iss ?? auth.issuer)
        .setAudience(o.aud ?? auth.audience)
        .setExpirationTime(o.exp ?? '5m');
      if (o.iat !== null) jwt = jwt.setIssuedAt(o.iat);
      if (o.sub !== null) jwt = jwt.setSubject(o.sub ?? 'attacker-1');
      if (o.nbf !== undefined) jwt = jwt.setNotBefore(o.nbf);
      return jwt.sign(key);
    };
  });
  afterAll(() => hub.close());

  const expect401 = async (token: string | null, headers: Record<string, string> = {}) => {
    const r = await hub.gql(token, '{ me { sub } }', undefined, headers);
    expect(r.status).toBe(401);
    expect(r.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(r.data ?? null).toBeNull();
  };

  it('given a well-formed token, then it is accepted (the control case)', async () => {
    const r = await hub.gql(await sign(claims), '{ me { sub } }');
    expect(r.data).toEqual({ me: { sub: 'attacker-1' } });
  });

  it('given an expired token, then 401', async () =>
    expect401(await sign(claims, { exp: Math.floor(Date.now() / 1000) - 3600 })));
  it('given a not-yet-valid token, then 401', async () =>
    expect401(await sign(claims, { nbf: Math.floor(Date.now() / 1000) + 3600 })));
  it('given the wrong audience, then 401', async () => expect401(await sign(claims, { aud: 'someone-else' })));
  it('given the wrong issuer, then 401', async () => expect401(await sign(claims, { iss: 'https://evil.example' })));
  it('given no sub, then 401', async () => expect401(await sign(claims, { sub: null })));
  it('given an unknown agency, then 401', async () => expect401(await sign({ ...claims, agency: 'mi5' })));
  it('given an unknown role, then 401', async () => expect401(await sign({ ...claims, roles: ['GOD_MODE'] })));
  // ADR 016: a token says which partnerships its user may act for; naming none acts for none.
  it('given a token naming no partnerships, then 401', async () =>
    expect401(await sign({ name: claims.name, agency: claims.agency, roles: claims.roles })));
  it('given an empty or malformed partnerships claim, then 401', async () => {
    await expect401(await sign({ ...claims, partnerships: [] }));
    await expect401(await sign({ ...claims, partnerships: ['Not A Partnership!'] }));
    await expect401(await sign({ ...claims, partnerships: 'default' }));
  });
  it('given a 20 kB token, then 401', async () => expect401(await sign({ ...claims, pad: 'x'.repeat(20_000) })));

  it('given a token signed by another key, then 401', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const t = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('x')
      .setIssuer('mash-hub-dev')
      .setAudience('mash-hub')
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect401(t);
  });

  it('given HS256 signed with the public key as the secret (algorithm confusion), then 401', async () => {
    const auth = hub.config.auth as { keyFile: string };
    const { publicJwk } = await loadOrCreateDevKey(auth.keyFile);
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const t = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('mash-hub-dev')
      .setAudience('mash-hub')
      .setExpirationTime('5m')
      .sign(secret);
    await expect401(t);
    // and with an RSA public key in PEM form as the HMAC secret
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = JSON.stringify(await exportJWK(publicKey));
    const t2 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('mash-hub-dev')
      .setAudience('mash-hub')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(pem));
    await expect401(t2);
  });

  it('given alg none, then 401', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    await expect401(
      `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...claims, sub: 'x', iss: 'mash-hub-dev', aud: 'mash-hub', exp: 9e9 })}.`,
    );
  });

  it('given two Authorization headers, then 401', async () => {
    const good = await sign(claims);
    // fetch merges duplicate headers; write raw HTTP to put two on the wire.
    const net = await import('node:net');
    const url = new URL(hub.server.url);
    const body = JSON.stringify({ query: '{ me { sub } }' });
    const raw =
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
      `Authorization: Bearer ${good}\r\nAuthorization: Bearer ${good}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => socket.end(raw));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const status = Number(answer.split(' ')[1]);
    expect(status).toBe(401);
  });

  it('given a garbage bearer value, then 401 and no stack in the answer', async () => {
    const r = await hub.gql(crypto.randomBytes(30).toString('base64url'), '{ me { sub } }');
    expect(r.status).toBe(401);
    expect(JSON.stringify(r.errors)).not.toMatch(/at .*\.(js|ts)/);
  });

  describe('token lifetime (issue 17; AUTH_MAX_TOKEN_LIFETIME_SECONDS, default 24 h)', () => {
    const now = () => Math.floor(Date.now() / 1000);
    it('given a token issued in the future beyond the clock tolerance, then 401', async () =>
      expect401(await sign(claims, { iat: now() + 3600, exp: now() + 7200 })));
    it('given a token valid for 50 years, then 401', async () =>
      expect401(await sign(claims, { exp: now() + 50 * 365 * 24 * 3600 })));
    it('given a token of 25 hours issued an hour ago, then 401', async () =>
      expect401(await sign(claims, { iat: now() - 3600, exp: now() + 24 * 3600 })));
    it('given a token without iat, then 401', async () => expect401(await sign(claims, { iat: null })));
    it('given a token of exactly 24 hours, or issued within the clock tolerance of now, then accepted (the controls)', async () => {
      for (const token of [
        await sign(claims, { exp: now() + 24 * 3600 }),
        await sign(claims, { iat: now() + 10, exp: now() + 600 }),
      ]) {
        const r = await hub.gql(token, '{ me { sub } }');
        expect(r.status).toBe(200);
        expect(r.data).toEqual({ me: { sub: 'attacker-1' } });
      }
    });
    it('given a partnership setting of 1 hour, then a 2-hour token is refused and a 1-hour one accepted; a bad setting stops the hub naming the variable', async () => {
      const { loadConfig } = await import('../src/config');
      expect(() => loadConfig({ AUTH_MAX_TOKEN_LIFETIME_SECONDS: '0' })).toThrow(/AUTH_MAX_TOKEN_LIFETIME_SECONDS/);
      expect(() => loadConfig({ AUTH_MAX_TOKEN_LIFETIME_SECONDS: '31536000' })).toThrow(
        /AUTH_MAX_TOKEN_LIFETIME_SECONDS/,
      );
      const strict = await startTestHub({
        MASH_DATA_DIR: path.dirname((hub.config.auth as { keyFile: string }).keyFile),
        AUTH_MAX_TOKEN_LIFETIME_SECONDS: '3600',
      });
      try {
        expect((await strict.gql(await sign(claims, { exp: now() + 7200 }), '{ me { sub } }')).status).toBe(401);
        expect((await strict.gql(await sign(claims, { exp: now() + 3600 }), '{ me { sub } }')).status).toBe(200);
      } finally {
        await strict.close();
      }
    });
  });

  describe('the 401 challenge (issue 17; RFC 6750)', () => {
    it('given no token, then 401 with WWW-Authenticate: Bearer and no error attribute', async () => {
      const r = await hub.gql(null, '{ me { sub } }');
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="mash-hub"');
    });
    it('given an expired, garbage, or doubled token, then 401 with WWW-Authenticate: Bearer error="invalid_token"', async () => {
      const expired = await sign(claims, {
        exp: Math.floor(Date.now() / 1000) - 3600,
        iat: Math.floor(Date.now() / 1000) - 7200,
      });
      const good = await sign(claims);
      for (const [token, headers] of [
        [expired, {}],
        ['not.a.token', {}],
        [good, { Authorization: `Bearer ${good}` }],
      ] as Array<[string, Record<string, string>]>) {
        const r = await hub.gql(token, '{ me { sub } }', undefined, headers);
        expect(r.status).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe('Bearer realm="mash-hub", error="invalid_token"');
      }
    });
    it('given a valid token, then no challenge (the control)', async () => {
      const r = await hub.gql(await sign(claims), '{ me { sub } }');
      expect(r.status).toBe(200);
      expect(r.headers.get('www-authenticate')).toBeNull();
    });
  });
});
