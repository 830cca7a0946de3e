import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { BARE_FEATURES, bareAccess } from '../bench/bare-twin';
import { loadConfig } from '../src/config';
import { startServer } from '../src/app/server';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * The hub in production configuration (NODE_ENV=production): development authentication is refused,
 * so tokens are verified against a live JWKS served over https on loopback (a self-signed test
 * certificate, trusted for this file only). Introspection and field suggestions must be off.
 */

const FIXTURES = path.join(__dirname, 'support', 'fixtures');
const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'mash-hub-prod-test';

describe('production mode: live JWKS, no introspection, no field suggestions', () => {
  let prod: TestHub;
  let dev: TestHub;
  let jwks: https.Server;
  let jwksFetches = 0;
  let privateKey: KeyLike;
  let previousCa: unknown;

  async function sign(key: KeyLike, kid: string, claims: Record<string, unknown> = {}) {
    return new SignJWT({
      name: 'Fictional Officer',
      agency: 'police',
      roles: ['POLICE_MASH_OFFICER'],
      partnerships: ['default'],
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(`prod-${crypto.randomUUID()}`)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);
  }

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = https.createServer(
      {
        key: fs.readFileSync(path.join(FIXTURES, 'localhost-tls.key')),
        cert: fs.readFileSync(path.join(FIXTURES, 'localhost-tls.crt')),
      },
      (_req, res) => {
        jwksFetches++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [publicJwk] }));
      },
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    // Trust the test certificate for this file's https requests only (restored after).
    previousCa = https.globalAgent.options.ca;
    https.globalAgent.options.ca = fs.readFileSync(path.join(FIXTURES, 'localhost-tls.crt'));
    const port = (jwks.address() as AddressInfo).port;
    prod = await startTestHub({
      NODE_ENV: 'production',
      AUTH_JWKS_URL: `https://127.0.0.1:${port}/.well-known/jwks.json`,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_ALGORITHMS: 'ES256',
    });
    dev = await startTestHub();
  });
  afterAll(async () => {
    await Promise.all([prod?.close(), dev?.close()]);
    jwks?.closeAllConnections();
    await new Promise((r) => jwks?.close(r));
    https.globalAgent.options.ca = previousCa as never;
  });

  it('given production configuration, then development tokens are refused', async () => {
    await expect(prod.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] })).rejects.toThrow(
      /Development tokens are refused/,
    );
    const devToken = await dev.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const r = await prod.gql(devToken, '{ me { sub } }');
    expect(r.status).toBe(401);
    expect(r.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('given a token signed by the identity provider, then it is verified against the live JWKS, fetched once and cached', async () => {
    const before = jwksFetches;
    for (let i = 0; i < 3; i++) {
      const r = await prod.gql<{ me: { agency: string } }>(await sign(privateKey, 'k1'), '{ me { agency } }');
      expect(r.status).toBe(200);
      expect(r.data!.me.agency).toBe('police');
    }
    expect(jwksFetches - before).toBeLessThanOrEqual(1);
  });

  it('given tokens naming unknown key ids, then 401 and the JWKS is refetched at most once per cooldown', async () => {
    await prod.gql(await sign(privateKey, 'k1'), '{ me { sub } }'); // warm the cache
    const stranger = (await generateKeyPair('ES256')).privateKey;
    const before = jwksFetches;
    for (let i = 0; i < 5; i++) {
      const r = await prod.gql(await sign(stranger, `unknown-${i}`), '{ me { sub } }');
      expect(r.status).toBe(401);
      expect(r.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    }
    expect(jwksFetches - before).toBeLessThanOrEqual(1);
  });

  it('given production, when a client introspects the schema, then it is refused with no schema in the response', async () => {
    const token = await sign(privateKey, 'k1');
    for (const q of [
      '{ __schema { types { name } } }',
      '{ __type(name: "Person") { name fields { name } } }',
      'query { __schema { queryType { name } } }',
    ]) {
      const r = await prod.gql(token, q);
      expect(r.status).toBe(400);
      expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(r.data).toBeUndefined();
      expect(JSON.stringify(r.errors)).not.toMatch(/Person|searchPeople|Query"/);
    }
    // The control: outside production the same introspection is answered (so the refusal above is the setting, not a broken query).
    const d = await dev.gql<{ __schema: { types: unknown[] } }>(
      await dev.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] }),
      '{ __schema { types { name } } }',
    );
    expect(d.data!.__schema.types.length).toBeGreaterThan(10);
  });

  it('given production, when a client misspells fields, then the error does not suggest real names', async () => {
    const token = await sign(privateKey, 'k1');
    const probes = [
      '{ mee { sub } }',
      '{ me { subb } }',
      '{ searchPeopl(input: {familyName: "X"}, purpose: DIRECT_CARE) { person { id } } }',
    ];
    for (const q of probes) {
      const r = await prod.gql(token, q);
      expect(r.status).toBe(400);
      expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(r.errors)).not.toMatch(/Did you mean|"me"|"sub"|searchPeople"/);
    }
    // The control: in development the same mistake is answered with a suggestion.
    const d = await dev.gql(await dev.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] }), '{ mee { sub } }');
    expect(JSON.stringify(d.errors)).toMatch(/Did you mean/);
  });

  it('given production, when a client probes near and far misspellings, then both get the same answer (no suggestion oracle) and no schema name (issue 17)', async () => {
    const token = await sign(privateKey, 'k1');
    // A real name's near miss and a name far from any: graphql-armor answered only the first with "[Suggestion hidden]?".
    const pairs = [
      ['{ searchPeopl { id } }', '{ qzxwvu { id } }'],
      ['{ me { agencyy } }', '{ me { qzxwvu } }'],
      ['query($p: Purpos!) { me { sub } }', 'query($p: Qzxwvu!) { me { sub } }'],
    ];
    for (const [near, far] of pairs) {
      const a = await prod.gql(token, near!);
      const b = await prod.gql(token, far!);
      expect(a.status).toBe(400);
      expect(a.errors!.map((e) => [e.message, e.extensions!.code])).toEqual(
        b.errors!.map((e) => [e.message, e.extensions!.code]),
      );
      expect(JSON.stringify(a.errors)).not.toMatch(/Suggestion|Did you mean|Query|Viewer|Purpose|searchPeople|agency/);
    }
  });

  it('given production, when a query or its variables do not fit the schema, then "Invalid query" / "Invalid variables" with BAD_USER_INPUT and no type, field or enum name (issue 17)', async () => {
    const token = await sign(privateKey, 'k1');
    const queries = [
      '{ me { sub { deeper } } }', // names the field's type
      '{ searchPeople(input: { familyNam: "X" }, purpose: DIRECT_CARE) { score } }', // names the input type, suggests the field
      '{ searchPeople(input: { familyName: "X" }, purpose: DIRECTCARE) { score } }', // names the enum, suggests its value
    ];
    for (const q of queries) {
      const r = await prod.gql(token, q);
      expect(r.status).toBe(400);
      expect(r.errors!.map((e) => [e.message, e.extensions!.code])).toEqual(
        r.errors!.map(() => ['Invalid query', 'BAD_USER_INPUT']),
      );
    }
    const v = await prod.gql(
      token,
      'query($i: PersonSearchInput!) { searchPeople(input: $i, purpose: DIRECT_CARE) { score } }',
      { i: { familyNam: 'X' } },
    );
    expect(v.status).toBe(400);
    expect(v.errors!.map((e) => [e.message, e.extensions!.code])).toEqual([['Invalid variables', 'BAD_USER_INPUT']]);
    // The controls: in development the same mistakes are explained, naming the schema.
    const devToken = await dev.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    expect(JSON.stringify((await dev.gql(devToken, queries[1]!)).errors)).toMatch(/PersonSearchInput/);
    expect(
      JSON.stringify(
        (
          await dev.gql(
            devToken,
            'query($i: PersonSearchInput!) { searchPeople(input: $i, purpose: DIRECT_CARE) { score } }',
            { i: { familyNam: 'X' } },
          )
        ).errors,
      ),
    ).toMatch(/familyName/);
  });

  it('given production, when a query breaks a resource limit or the syntax, then the message still says which (it names no schema)', async () => {
    const token = await sign(privateKey, 'k1');
    const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const r = await prod.gql(token, aliases);
    expect(r.status).toBe(400);
    expect(r.errors![0]!.message).toMatch(/Aliases limit of 15 exceeded/);
    const syntax = await prod.gql(token, '{ me { sub }');
    expect(syntax.errors![0]!.message).toMatch(/^Syntax Error/);
  });

  it('given GRAPHQL_INTROSPECTION=true in production, then the hub refuses to start naming the variable; false or unset start (issue 17)', () => {
    const env = {
      NODE_ENV: 'production',
      AUTH_JWKS_URL: 'https://idp.example.test/jwks.json',
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
    };
    for (const on of ['true', '1'])
      expect(() => loadConfig({ ...env, GRAPHQL_INTROSPECTION: on })).toThrow(
        /GRAPHQL_INTROSPECTION: introspection is refused in production/,
      );
    expect(loadConfig({ ...env, GRAPHQL_INTROSPECTION: 'false' }).introspection).toBe(false);
    expect(loadConfig(env).introspection).toBe(false);
    // Outside production it may be switched on (the control).
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'true' }).introspection).toBe(true);
  });

  it('given production, when the server is started with a replaced access state (the bench bare twin), then it refuses to start', async () => {
    await expect(startServer(prod.server.hub, { port: 0, host: '127.0.0.1', makeAccess: bareAccess })).rejects.toThrow(
      'production always runs with the access policy',
    );
    await expect(startServer(prod.server.hub, { port: 0, host: '127.0.0.1', features: BARE_FEATURES })).rejects.toThrow(
      'production always runs with field permissions, audit and limits',
    );
  });
});
