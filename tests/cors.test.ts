import { loadConfig } from '../src/config';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 22: browser partner apps on an origin of their own reach /graphql only when the hub lists
 * that exact origin in CORS_ORIGINS. Before, every cross-origin preflight reached Apollo, whose CSRF
 * prevention answered 400 (a preflight carries neither a JSON content type nor
 * apollo-require-preflight), so no browser app on another origin could work at all.
 */
const PARTNER = 'https://referrals.partner.example';
const OTHER = 'https://evil.example';

const preflight = (
  url: string,
  origin: string,
  headers = 'content-type, authorization, apollo-require-preflight, apollographql-client-name, x-request-id',
) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });

const post = (url: string, origin: string | null, token: string | null) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(origin ? { origin } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: '{ me { agency } }' }),
  });

describe('CORS for browser partner apps', () => {
  let hub: TestHub;
  let token: string;
  beforeAll(async () => {
    hub = await startTestHub({ CORS_ORIGINS: `${PARTNER}, http://localhost:5173` });
    token = await hub.token({ agency: 'police', roles: ['PARTNER_REFERRER'] });
  });
  afterAll(() => hub.close());

  it('given an allowed origin, when the browser preflights, then 204 with the allowed method and headers, no credentials', async () => {
    const res = await preflight(hub.server.url, PARTNER);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    const allowedHeaders = res.headers.get('access-control-allow-headers')!.split(', ');
    expect(allowedHeaders).toEqual(
      expect.arrayContaining([
        'content-type',
        'authorization',
        'apollo-require-preflight',
        'apollographql-client-name',
        'x-request-id',
      ]),
    );
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/origin/i);
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('given an allowed origin, when it posts an operation, then it is answered with the origin allowed and x-request-id exposed', async () => {
    const res = await post(hub.server.url, PARTNER, token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { me: { agency: 'police' } } });
    expect(res.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('given an allowed origin without a token, then the 401 is readable by the app (the origin is allowed on errors too)', async () => {
    const res = await post(hub.server.url, 'http://localhost:5173', null);
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('given an origin not in the list, then its preflight is refused with no Access-Control-Allow-Origin, so a browser never sends the request', async () => {
    for (const origin of [
      OTHER,
      'https://referrals.partner.example.evil.example',
      'http://referrals.partner.example',
      'null',
    ]) {
      const pre = await preflight(hub.server.url, origin);
      expect(pre.status).toBe(403);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.headers.get('access-control-allow-methods')).toBeNull();
      expect(
        ((await pre.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code,
      ).toBe('FORBIDDEN');
      // What a browser would show the page of a POST sent anyway: nothing (no Access-Control-Allow-Origin).
      const res = await post(hub.server.url, origin, token);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('given an origin not in the list, when it sends a "simple" POST that needs no preflight, then Apollo\'s CSRF prevention refuses it: nothing runs', async () => {
    const res = await fetch(hub.server.url, {
      method: 'POST',
      headers: { origin: OTHER, 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ me { agency } }' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await res.json()) as { data?: unknown }).data).toBeUndefined();
  });

  it("given the desk's own origin, even behind a proxy that rewrites Host, or no Origin at all (a server), then it is not CORS and is answered as before", async () => {
    for (const origin of [new URL(hub.server.url).origin, 'https://mash.example.org', null]) {
      const res = await post(hub.server.url, origin, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('CORS by default', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it('given no CORS_ORIGINS, when any other origin preflights, then it is refused with no Access-Control-Allow-Origin', async () => {
    const res = await preflight(hub.server.url, PARTNER);
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('CORS_ORIGINS is validated at start', () => {
  it.each([
    ['*'],
    ['https://app.example.org/'],
    ['https://app.example.org/path'],
    ['null'],
    ['ftp://app.example.org'],
    ['https://app.example.org,'],
    ['https://App.example.org'],
    ['https://app.example.org:443'],
  ])('given %s, then the hub refuses to start naming the variable', (value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
  });

  it('given exact origins, then they are kept; production takes https origins only', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(loadConfig({}).corsOrigins).toEqual([]);
    const production = {
      NODE_ENV: 'production',
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      AUTH_ISSUER: 'i',
      AUTH_AUDIENCE: 'a',
      DATABASE_URL: 'postgres://x/y',
    };
    expect(() => loadConfig({ ...production, CORS_ORIGINS: 'http://localhost:5173' })).toThrow(
      /CORS_ORIGINS: production allows https origins only/,
    );
    expect(loadConfig({ ...production, CORS_ORIGINS: 'https://a.example' }).corsOrigins).toEqual(['https://a.example']);
  });
});
