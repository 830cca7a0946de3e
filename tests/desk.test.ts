import { loadConfig } from '../src/config';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * MASH Desk as the hub serves it (ADR 009): the page and its files carry the security headers,
 * and the development sign-in exists only while development authentication is on.
 */

const ME = '{ me { sub agency roles } }';

function origin(hub: TestHub): string {
  return hub.server.url.replace(/\/graphql$/, '');
}

async function signIn(hub: TestHub, body: unknown, contentType = 'application/json') {
  return fetch(`${origin(hub)}/desk/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: JSON.stringify(body),
  });
}

describe('MASH Desk: pages and development sign-in', () => {
  describe('with development authentication', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub();
    });
    afterAll(async () => {
      await hub.close();
    });

    it('given the hub, when the desk page is fetched, then it carries a strict CSP, frame-ancestors none and no-referrer', async () => {
      const res = await fetch(`${origin(hub)}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      // The only inline script is the import map, and the CSP pins its exact content by hash.
      const html = await res.text();
      const inline = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => m[2]!.trim());
      expect(inline.map((m) => m[1]!.trim())).toEqual(['type="importmap"']);
      const hash = (await import('node:crypto')).createHash('sha256').update(inline[0]![2]!).digest('base64');
      expect(csp).toContain(`'sha256-${hash}'`);
    });

    it('given the hub, when the desk stylesheet and a vendored module are fetched, then they carry the same headers', async () => {
      for (const p of ['/desk/desk.css', '/desk/vendor/preact/preact.mjs', '/desk/vendor/graphql-ws/client.js']) {
        const res = await fetch(`${origin(hub)}${p}`);
        expect({ p, status: res.status }).toEqual({ p, status: 200 });
        expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      }
      expect((await fetch(`${origin(hub)}/desk/vendor/preact/preact.mjs`)).headers.get('content-type')).toMatch(
        /^text\/javascript/,
      );
    });

    it('given the hub, when a file outside the served scripts is asked for, then it is not found', async () => {
      for (const p of [
        '/desk/vendor/graphql-ws/../package.json',
        '/desk/vendor/graphql-ws/index.d.ts',
        '/desk/app/../../package.json',
        '/desk/index.html',
      ]) {
        const res = await fetch(`${origin(hub)}${p}`);
        expect({ p, status: res.status }).toEqual({ p, status: 404 });
      }
    });

    it('given development, when a browser opens /graphql, then it is sent to the offline explorer, whose page allows no script but its own', async () => {
      const res = await fetch(`${origin(hub)}/graphql`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/explorer');
      const page = await fetch(`${origin(hub)}/explorer`);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(await page.text()).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
      // API requests still reach Apollo.
      const get = await fetch(`${origin(hub)}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(get.status).not.toBe(302);
    });

    it("given development auth, when a demo user signs in, then the token works on /graphql with that user's agency and role", async () => {
      const users = (await (await fetch(`${origin(hub)}/desk/dev/users`)).json()) as {
        users: Array<{ id: string; agency: string; role: string }>;
      };
      const police = users.users.find((u) => u.role === 'POLICE_MASH_OFFICER')!;
      const res = await signIn(hub, { user: police.id });
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as { token: string };
      const me = await hub.gql<{ me: { sub: string; agency: string; roles: string[] } }>(token, ME);
      expect(me.data?.me).toEqual({ sub: police.id, agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    });

    it('given development auth and no provider, when the desk asks how to sign in, then it is told development only', async () => {
      const res = await fetch(`${origin(hub)}/desk/sign-in.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ provider: null, development: true });
      expect((await fetch(`${origin(hub)}/`)).headers.get('content-security-policy')).toContain("connect-src 'self';");
    });

    it('given development auth, when the sign-in names an unknown user or is not JSON, then no token is minted', async () => {
      const unknown = await signIn(hub, { user: 'someone-else' });
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).not.toMatch(/token/);
      const form = await signIn(hub, { user: 'sw-1' }, 'text/plain');
      expect(form.status).toBe(415);
    });
  });

  describe('without development authentication', () => {
    it('given NODE_ENV=production, when the development sign-in is called, then it does not exist (404) and the page is still served with its headers', async () => {
      // The JWKS is only fetched when a token is verified; none is here.
      const prod = await startTestHub({
        NODE_ENV: 'production',
        AUTH_JWKS_URL: 'https://127.0.0.1:9/.well-known/jwks.json',
        AUTH_ISSUER: 'https://idp.example.test',
        AUTH_AUDIENCE: 'mash-hub',
      });
      try {
        expect((await signIn(prod, { user: 'sw-1' })).status).toBe(404);
        expect((await fetch(`${origin(prod)}/desk/dev/users`)).status).toBe(404);
        expect((await fetch(`${origin(prod)}/explorer`)).status).toBe(404);
        expect((await fetch(`${origin(prod)}/desk/explorer/graphiql.min.js`)).status).toBe(404);
        expect(await (await fetch(`${origin(prod)}/desk/sign-in.json`)).json()).toEqual({
          provider: null,
          development: false,
        });
        const page = await fetch(`${origin(prod)}/`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      } finally {
        await prod.close();
      }
    });

    it('given an identity provider configured outside production, when the development sign-in is called, then it does not exist (404)', async () => {
      const idp = await startTestHub({
        AUTH_JWKS_URL: 'https://127.0.0.1:9/.well-known/jwks.json',
        AUTH_ISSUER: 'https://idp.example.test',
        AUTH_AUDIENCE: 'mash-hub',
      });
      try {
        const res = await signIn(idp, { user: 'sw-1' });
        expect(res.status).toBe(404);
        expect(await res.text()).not.toMatch(/eyJ/);
      } finally {
        await idp.close();
      }
    });

    it("given the partnership's provider configured for the desk, when the desk asks how to sign in, then it gets the issuer and client id (no development sign-in) and may connect to the provider only", async () => {
      const idp = await startTestHub({
        AUTH_JWKS_URL: 'https://127.0.0.1:9/.well-known/jwks.json',
        AUTH_ISSUER: 'https://idp.example.test/realms/mash',
        AUTH_AUDIENCE: 'mash-hub',
        DESK_OIDC_CLIENT_ID: 'mash-desk',
      });
      try {
        const res = await fetch(`${origin(idp)}/desk/sign-in.json`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({
          provider: { issuer: 'https://idp.example.test/realms/mash', clientId: 'mash-desk', scope: 'openid' },
          development: false,
        });
        // The desk's scripts may reach the hub and the provider's origin, nothing else.
        const csp = (await fetch(`${origin(idp)}/`)).headers.get('content-security-policy')!;
        expect(csp).toContain("connect-src 'self' https://idp.example.test;");
        expect(csp).toContain("form-action 'none'");
        expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
        expect((await fetch(`${origin(idp)}/desk/vendor/oauth4webapi/index.js`)).headers.get('content-type')).toMatch(
          /^text\/javascript/,
        );
      } finally {
        await idp.close();
      }
    });
  });
});

describe("DESK_OIDC_CLIENT_ID: the desk's provider is checked at start", () => {
  const idp = {
    AUTH_JWKS_URL: 'https://idp.example.test/jwks',
    AUTH_ISSUER: 'https://idp.example.test',
    AUTH_AUDIENCE: 'mash-hub',
  };

  it('given a client id and the hub trusting that provider, then the desk signs in at the hub issuer with scope openid', () => {
    expect(loadConfig({ ...idp, DESK_OIDC_CLIENT_ID: 'mash-desk' }).deskOidc).toEqual({
      issuer: 'https://idp.example.test',
      clientId: 'mash-desk',
      scope: 'openid',
    });
    expect(loadConfig(idp).deskOidc).toBeUndefined();
  });

  it.each([
    [
      'development authentication (no provider whose tokens the hub accepts)',
      { DESK_OIDC_CLIENT_ID: 'mash-desk' },
      /DESK_OIDC_CLIENT_ID/,
    ],
    [
      'an issuer that is not a URL',
      { ...idp, AUTH_ISSUER: 'mash-idp', DESK_OIDC_CLIENT_ID: 'mash-desk' },
      /AUTH_ISSUER/,
    ],
    [
      'an http issuer in production',
      { ...idp, NODE_ENV: 'production', AUTH_ISSUER: 'http://idp.example.test', DESK_OIDC_CLIENT_ID: 'mash-desk' },
      /AUTH_ISSUER: must be https in production/,
    ],
    ['a client id with a space', { ...idp, DESK_OIDC_CLIENT_ID: 'mash desk' }, /DESK_OIDC_CLIENT_ID/],
    [
      'a scope without openid',
      { ...idp, DESK_OIDC_CLIENT_ID: 'mash-desk', DESK_OIDC_SCOPE: 'profile' },
      /DESK_OIDC_SCOPE/,
    ],
  ])('given %s, then the hub refuses to start, naming the setting', (_what, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
