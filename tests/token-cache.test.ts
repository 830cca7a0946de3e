import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type KeyLike } from 'jose';
import { loadOrCreateDevKey } from '../src/auth/authenticator';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * The verified-token cache (issue 21 §4, ADR 020): a token seen before skips the signature check,
 * and the cache never lets through what a full verification would refuse.
 */

const ME = '{ me { sub } }';
const claims = {
  name: 'Fictional Officer',
  agency: 'police',
  roles: ['POLICE_MASH_OFFICER'],
  partnerships: ['default'],
};

async function expect401(hub: TestHub, token: string) {
  const r = await hub.gql(token, ME);
  expect(r.status).toBe(401);
  expect(r.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  expect(r.data ?? null).toBeNull();
}

const cacheOf = (hub: TestHub) => hub.server.hub.authenticator.verifiedTokens;

describe('verified-token cache, development keys', () => {
  let hub: TestHub;
  let key: KeyLike | Uint8Array;
  const sign = (sub: string, exp: number | string = '10m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(sub)
      .setIssuer('mash-hub-dev')
      .setAudience('mash-hub')
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(key);

  beforeAll(async () => {
    // Tolerance 0 so that expiry is exact; a cache of two so that the bound shows.
    hub = await startTestHub({ AUTH_CLOCK_TOLERANCE_SECONDS: '0', AUTH_TOKEN_CACHE_SIZE: '2' });
    key = await importJWK(
      (await loadOrCreateDevKey((hub.config.auth as { keyFile: string }).keyFile)).privateJwk,
      'ES256',
    );
  });
  afterAll(() => hub.close());

  it('given a token the hub verified, when it is sent again, then it is accepted from the cache', async () => {
    const token = await sign('cached-1');
    expect((await hub.gql(token, ME)).data).toEqual({ me: { sub: 'cached-1' } });
    const kept = cacheOf(hub).size;
    expect(kept).toBeGreaterThan(0);

    const again = await hub.gql(token, ME);

    expect(again.data).toEqual({ me: { sub: 'cached-1' } });
    expect(cacheOf(hub).size).toBe(kept);
  });

  it('given a cached token, when one byte of its signature is changed, then 401 (the cache is keyed by the whole token)', async () => {
    const token = await sign('cached-2');
    expect((await hub.gql(token, ME)).status).toBe(200);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    await expect401(hub, `${token.slice(0, -2)}${last}${token.at(-1)}`);
  });

  it('given a cached token, when its exp passes, then 401 even though it is in the cache', async () => {
    const exp = Math.ceil(Date.now() / 1000) + 2;
    const token = await sign('expiring-1', exp);
    expect((await hub.gql(token, ME)).data).toEqual({ me: { sub: 'expiring-1' } });

    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));

    await expect401(hub, token);
  });

  it('given more tokens than the cache holds, then it keeps only its bound, and an evicted token is verified again', async () => {
    const tokens = await Promise.all(['bound-1', 'bound-2', 'bound-3'].map((s) => sign(s)));
    for (const t of tokens) expect((await hub.gql(t, ME)).status).toBe(200);

    expect(cacheOf(hub).size).toBe(2);
    expect((await hub.gql(tokens[0]!, ME)).data).toEqual({ me: { sub: 'bound-1' } });
    expect(cacheOf(hub).size).toBe(2);
  });
});

describe('verified-token cache, identity provider key rotation (JWKS)', () => {
  let hub: TestHub;
  let jwks: http.Server;
  let published: JWK[] = [];
  const keys: Record<string, { privateKey: KeyLike; jwk: JWK }> = {};
  const ISSUER = 'https://idp.example.test';
  const AUDIENCE = 'mash-hub-cache-test';

  const sign = (kid: string, sub = `rotated-${crypto.randomUUID()}`) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys[kid]!.privateKey);

  beforeAll(async () => {
    for (const kid of ['k1', 'k2']) {
      const pair = await generateKeyPair('ES256', { extractable: true });
      keys[kid] = {
        privateKey: pair.privateKey,
        jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' },
      };
    }
    published = [keys.k1!.jwk];
    jwks = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    hub = await startTestHub({
      AUTH_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_ALGORITHMS: 'ES256',
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await hub?.close();
    jwks?.closeAllConnections();
    await new Promise((r) => jwks?.close(r));
  });

  it('given a cached token whose key the identity provider then removed, when the hub refetches the key set, then the token is refused', async () => {
    const token = await sign('k1', 'rotated-1');
    expect((await hub.gql(token, ME)).data).toEqual({ me: { sub: 'rotated-1' } });
    expect((await hub.gql(token, ME)).data).toEqual({ me: { sub: 'rotated-1' } });

    // The provider rotates: k1 is withdrawn, k2 signs from now on. The hub's copy of the key set
    // goes stale after 10 minutes (jose's cacheMaxAge), when it is fetched again.
    published = [keys.k2!.jwk];
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 11 * 60_000);

    await expect401(hub, token);
    // ... while a token signed with the new key is accepted.
    expect((await hub.gql(await sign('k2', 'rotated-2'), ME)).data).toEqual({ me: { sub: 'rotated-2' } });
  });
});
