import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 17: the serving role is checked while the hub runs, not only at start. A grant that lets
 * mash_app UPDATE or TRUNCATE the audit makes /readyz 503 within SERVING_ROLE_CHECK_SECONDS (here 1)
 * and raises one SERVING_ROLE_PRIVILEGE alert to IG; revoking it makes the hub ready again.
 */

const ALERTS = `{ alerts(first: 100) { edges { node { id kind toAgency personId actorSub windowStart } } } }`;
type AlertNode = {
  id: string;
  kind: string;
  toAgency: string | null;
  personId: string | null;
  actorSub: string | null;
  windowStart: string;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the serving role is checked periodically while the hub runs', () => {
  let hub: TestHub;
  let dataDir: string;
  let ig: string;
  let readyz: string;

  beforeAll(async () => {
    // A database of its own: the grants below must not reach the worker's other tests.
    const url = await dedicatedDatabaseUrl('rolewatch');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-rolewatch-'));
    hub = await startTestHub({ SERVING_ROLE_CHECK_SECONDS: '1', MASH_DATA_DIR: dataDir }, { databaseUrl: url });
    ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'], sub: unique('ig') });
    readyz = hub.server.url.replace('/graphql', '/readyz');
  });
  afterAll(async () => {
    await hub?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function readinessWithin(want: number, ms: number): Promise<number> {
    const until = Date.now() + ms;
    let status = 0;
    while (Date.now() < until) {
      status = (await fetch(readyz)).status;
      if (status === want) return status;
      await sleep(200);
    }
    return status;
  }

  async function roleAlerts(): Promise<AlertNode[]> {
    const r = await hub.gql<{ alerts: { edges: Array<{ node: AlertNode }> } }>(ig, ALERTS);
    expect(r.errors).toBeUndefined();
    return r.data!.alerts.edges.map((e) => e.node).filter((a) => a.kind === 'SERVING_ROLE_PRIVILEGE');
  }

  it.each([
    ['UPDATE on audit_event', 'GRANT UPDATE ON audit_event TO mash_app', 'REVOKE UPDATE ON audit_event FROM mash_app'],
    [
      'TRUNCATE on audit_batch',
      'GRANT TRUNCATE ON audit_batch TO mash_app',
      'REVOKE TRUNCATE ON audit_batch FROM mash_app',
    ],
  ])(
    'given a ready hub, when %s is granted to mash_app while it runs, then readiness goes false and IG is alerted; revoked, it is ready again',
    async (_what, grant, revoke) => {
      expect(await readinessWithin(200, 5000)).toBe(200);
      const before = await roleAlerts();

      await hub.db.query(grant);
      try {
        expect(await readinessWithin(503, 5000)).toBe(503);
        // Still 503 on later checks (the grant persists), and one alert per role and hour, not one per check.
        await sleep(1500);
        expect((await fetch(readyz)).status).toBe(503);
      } finally {
        await hub.db.query(revoke);
      }
      expect(await readinessWithin(200, 5000)).toBe(200);

      const alerts = await roleAlerts();
      expect(alerts.length).toBeGreaterThanOrEqual(before.length);
      expect(alerts.length).toBeGreaterThanOrEqual(1);
      // Checked every second for seconds, yet one alert per role and clock hour.
      expect(new Set(alerts.map((a) => a.windowStart)).size).toBe(alerts.length);
      expect(alerts[0]).toMatchObject({ toAgency: null, personId: null, actorSub: 'mash_app' });
      expect(new Date(alerts[0]!.windowStart).getUTCMinutes()).toBe(0);
    },
  );

  it('given a ready hub, when the grant is on one monthly partition only, then readiness goes false too', async () => {
    const [{ partition }] = await hub.db.query(
      `SELECT inhrelid::regclass::text AS partition FROM pg_inherits WHERE inhparent = 'audit_disclosure'::regclass LIMIT 1`,
    );
    await hub.db.query(`GRANT DELETE ON ${partition} TO mash_app`);
    try {
      expect(await readinessWithin(503, 5000)).toBe(503);
    } finally {
      await hub.db.query(`REVOKE DELETE ON ${partition} FROM mash_app`);
    }
    expect(await readinessWithin(200, 5000)).toBe(200);
  });

  it('given the role alerts, then a MASH worker does not see them (addressed to IG)', async () => {
    const sw = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    const r = await hub.gql<{ alerts: { edges: Array<{ node: AlertNode }> } }>(sw, ALERTS);
    expect(r.errors).toBeUndefined();
    expect(r.data!.alerts.edges.filter((e) => e.node.kind === 'SERVING_ROLE_PRIVILEGE')).toEqual([]);
  });
});
