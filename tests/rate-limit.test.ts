import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type GqlResult, type TestHub } from './support/test-hub';

const ME = '{ me { sub } }';

function expectRateLimited(r: GqlResult) {
  expect(r.status).toBe(429);
  const retryAfter = Number(r.headers.get('retry-after'));
  // The wait also in the body, for clients that do not read headers.
  expect(r.errors).toEqual([
    { message: 'Too many requests; retry later', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter } },
  ]);
  expect(r.data).toBeUndefined();
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('rate limiting (memory store): per authenticated user, and per IP for failed authentication', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ RATE_LIMIT_USER_PER_MINUTE: '5', RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '3' });
  });
  afterAll(() => hub.close());

  it('given a limit of 5 a minute, when a user sends 5 requests, then all are served', async () => {
    const t = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('under') });
    for (let i = 0; i < 5; i++) {
      const r = await hub.gql<{ me: { sub: string } }>(t, ME);
      expect(r.status).toBe(200);
      expect(r.errors).toBeUndefined();
    }
  });

  it('given a user over the limit, then 429 RATE_LIMITED with Retry-After and no data, and another user is still served', async () => {
    const subA = unique('user-a');
    const a = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: subA });
    const b = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'], sub: unique('user-b') });
    for (let i = 0; i < 5; i++) expect((await hub.gql(a, ME)).status).toBe(200);

    expectRateLimited(await hub.gql(a, ME));
    // A fresh token for the same subject is the same user: still limited.
    const sameUser = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: subA });
    expectRateLimited(await hub.gql(sameUser, ME));
    // User A being limited does not limit user B.
    const r = await hub.gql<{ me: { sub: string } }>(b, ME);
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data?.me.sub).toMatch(/^user-b-/);
  });

  it('given a rate-limited request, then no audit event is written for it', async () => {
    const t = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('noaudit') });
    for (let i = 0; i < 5; i++) await hub.gql(t, ME);
    const r = await hub.gql(t, ME);
    expect(r.status).toBe(429);
    const rows = await hub.db.query('SELECT 1 FROM audit_event WHERE request_id = $1', [r.headers.get('x-request-id')]);
    expect(rows).toEqual([]);
  });

  it('given repeated failed authentication from one IP, then after 3 failures even a valid token from that IP gets 429 until the window ends', async () => {
    const hub2 = await startTestHub({ RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '3' });
    try {
      const valid = await hub2.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
      expect((await hub2.gql(valid, ME)).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        const r = await hub2.gql('not.a.token', ME);
        expect(r.status).toBe(401);
        expect(r.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
      }
      expectRateLimited(await hub2.gql('not.a.token', ME));
      expectRateLimited(await hub2.gql(null, ME));
      expectRateLimited(await hub2.gql(valid, ME));
    } finally {
      await hub2.close();
    }
  });
});

describe('rate limiting (PostgreSQL store): one limit across hub processes', () => {
  let hubA: TestHub;
  let hubB: TestHub;
  let dataDir: string;
  beforeAll(async () => {
    // A database of its own: the shared counters must not meet other tests' users.
    const url = await dedicatedDatabaseUrl('ratelimit');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-rl-'));
    const env = { RATE_LIMIT_STORE: 'postgres', RATE_LIMIT_USER_PER_MINUTE: '4', MASH_DATA_DIR: dataDir };
    hubA = await startTestHub(env, { databaseUrl: url });
    hubB = await startTestHub(env, { databaseUrl: url });
  });
  afterAll(async () => {
    await Promise.all([hubA?.close(), hubB?.close()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('given a limit of 4 a minute and two hub processes, when a user spreads 4 requests over both, then the 5th on either is refused; another user is served', async () => {
    const a = await hubA.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pg-a') });
    const b = await hubA.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pg-b') });
    for (const h of [hubA, hubB, hubA, hubB]) expect((await h.gql(a, ME)).status).toBe(200);
    expectRateLimited(await hubB.gql(a, ME));
    expectRateLimited(await hubA.gql(a, ME));
    expect((await hubB.gql(b, ME)).status).toBe(200);
    const rows: Array<{ key: string; points: number }> = await hubA.db.query(
      `SELECT key, points FROM rate_limit WHERE key LIKE 'user:pg-a-%'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.points).toBeGreaterThanOrEqual(5);
  });
});

describe('per-IP failed-authentication limit behind a reverse proxy (TRUST_PROXY)', () => {
  // Every request of these tests comes from 127.0.0.1; X-Forwarded-For says who the client claims to be.
  const failFrom = (hub: TestHub, client: string) =>
    hub.gql('not.a.token', ME, undefined, { 'x-forwarded-for': client });

  it('given TRUST_PROXY unset, when a client forges a new X-Forwarded-For on every failure, then it is still limited by its own address', async () => {
    const hub = await startTestHub({ RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '3' });
    try {
      for (let i = 1; i <= 3; i++) expect((await failFrom(hub, `203.0.113.${i}`)).status).toBe(401);
      expectRateLimited(await failFrom(hub, '203.0.113.4'));
      expectRateLimited(await failFrom(hub, '198.51.100.7'));
    } finally {
      await hub.close();
    }
  });

  it('given TRUST_PROXY=127.0.0.1 (the loopback proxy), when one forwarded client is over the limit, then another forwarded client is still served', async () => {
    const hub = await startTestHub({ RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '3', TRUST_PROXY: '127.0.0.1' });
    try {
      const valid = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
      for (let i = 0; i < 3; i++) expect((await failFrom(hub, '203.0.113.10')).status).toBe(401);
      expectRateLimited(await failFrom(hub, '203.0.113.10'));
      expectRateLimited(await hub.gql(valid, ME, undefined, { 'x-forwarded-for': '203.0.113.10' }));
      // A different client behind the same proxy: its own count.
      expect((await failFrom(hub, '203.0.113.20')).status).toBe(401);
      const r = await hub.gql(valid, ME, undefined, { 'x-forwarded-for': '203.0.113.20' });
      expect(r.status).toBe(200);
      expect(r.errors).toBeUndefined();
    } finally {
      await hub.close();
    }
  });
});

describe('rate limit and enumeration alert settings', () => {
  it.each([
    ['RATE_LIMIT_USER_PER_MINUTE', '0'],
    ['RATE_LIMIT_USER_PER_MINUTE', 'lots'],
    ['RATE_LIMIT_FAILED_AUTH_PER_MINUTE', '-1'],
    ['RATE_LIMIT_STORE', 'redis'],
    ['ENUMERATION_ALERT_THRESHOLD', '0'],
    ['ENUMERATION_ALERT_INTERVAL_SECONDS', '1.5'],
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', 'everyone'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '127.0.0.1,not-an-address'],
    ['TRUST_PROXY', '99'],
  ])('given %s=%s, then the hub refuses to start, naming the variable', (name, value) => {
    expect(() => loadConfig({ NODE_ENV: 'test', [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('given nothing set, then the documented defaults', () => {
    const c = loadConfig({ NODE_ENV: 'test' });
    expect(c.rateLimit).toEqual({ store: 'memory', userPerMinute: 600, failedAuthPerMinute: 60 });
    expect(c.enumerationAlert).toEqual({ threshold: 50, intervalSeconds: 300 });
    expect(c.trustProxy).toBe(false);
  });

  it.each([
    ['1', 1],
    ['false', false],
    ['loopback', ['loopback']],
    ['10.0.0.1, 192.168.0.0/16,fd00::/8', ['10.0.0.1', '192.168.0.0/16', 'fd00::/8']],
  ])('given TRUST_PROXY=%s, then express gets %j', (value, expected) => {
    expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });
});
