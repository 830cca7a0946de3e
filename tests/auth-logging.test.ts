import { importJWK, SignJWT } from 'jose';
import { loadOrCreateDevKey } from '../src/auth/authenticator';
import { unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 17 (ADR 007): failed sign-ins and rate-limit refusals are logged at warn (shown at the default
 * LOG_LEVEL, info) with a reason code, the client's address and the request id — never the token,
 * the user's name or any other claim of a refused token. A refusal is logged once per window, so a
 * blocked client cannot flood the log.
 */

const ME = '{ me { sub } }';
const NAME = 'Zebedee Quillfeather';
const WARN = 40;

describe('authentication failures and rate-limit refusals in the log', () => {
  let hub: TestHub;
  const logLines: Array<Record<string, unknown>> = [];
  let expiredToken: string;

  beforeAll(async () => {
    hub = await startTestHub(
      { RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '3', RATE_LIMIT_USER_PER_MINUTE: '3', TRUST_PROXY: 'loopback' },
      { logLines },
    );
    const auth = hub.config.auth as { keyFile: string; issuer: string; audience: string };
    const key = await importJWK((await loadOrCreateDevKey(auth.keyFile)).privateJwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    expiredToken = await new SignJWT({
      name: NAME,
      agency: 'police',
      roles: ['POLICE_MASH_OFFICER'],
      partnerships: ['default'],
    })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('expired-officer-7')
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(key);
  });
  afterAll(() => hub.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const linesFor = (ip: string) => logLines.filter((l) => l.ip === ip);

  it('given an expired token and a missing one, then one warn line each with the reason, address and request id, and nothing of the token or its claims', async () => {
    const ip = '203.0.113.11';
    const expired = await hub.gql(expiredToken, ME, undefined, { ...from(ip), 'x-request-id': 'partner-trace-1' });
    const missing = await hub.gql(null, ME, undefined, from(ip));
    expect([expired.status, missing.status]).toEqual([401, 401]);
    const lines = linesFor(ip);
    expect(lines.map((l) => [l.level, l.event, l.reason, l.requestId, l.transport])).toEqual([
      [WARN, 'auth_failed', 'EXPIRED', expired.headers.get('x-request-id'), 'http'],
      [WARN, 'auth_failed', 'MISSING_TOKEN', missing.headers.get('x-request-id'), 'http'],
    ]);
    expect(lines[0]!.correlationId).toBe('partner-trace-1');
    const text = JSON.stringify(lines);
    expect(text).not.toContain(expiredToken.split('.')[1]!);
    expect(text).not.toMatch(/Zebedee|Quillfeather|expired-officer-7|Bearer/);
  });

  it('given a client over the failed-authentication limit, then one warn line when the block begins and none for the refusals after it', async () => {
    const ip = '203.0.113.12';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await hub.gql('not.a.token', ME, undefined, from(ip))).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    expect(linesFor(ip).map((l) => [l.level, l.event, l.reason ?? l.limit])).toEqual([
      [WARN, 'auth_failed', 'INVALID_TOKEN'],
      [WARN, 'auth_failed', 'INVALID_TOKEN'],
      [WARN, 'auth_failed', 'INVALID_TOKEN'],
      [WARN, 'rate_limited', 'failed_auth'],
    ]);
  });

  it('given a user over their request limit, then one warn line naming their sub (not their name) for the window', async () => {
    const sub = unique('busy-officer');
    const token = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub, name: NAME });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await hub.gql(token, ME, undefined, from('203.0.113.13'))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const lines = logLines.filter((l) => l.sub === sub);
    expect(lines.map((l) => [l.level, l.event, l.limit])).toEqual([[WARN, 'rate_limited', 'user']]);
    expect(JSON.stringify(lines)).not.toMatch(/Zebedee|Quillfeather/);
  });

  it('given a valid sign-in, then nothing is logged at warn for it (the control)', async () => {
    const ip = '203.0.113.14';
    const r = await hub.gql(
      await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] }),
      ME,
      undefined,
      from(ip),
    );
    expect(r.status).toBe(200);
    expect(
      logLines.filter((l) => l.requestId === r.headers.get('x-request-id') && (l.level as number) >= WARN),
    ).toEqual([]);
  });
});
