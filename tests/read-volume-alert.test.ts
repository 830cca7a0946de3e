import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { raiseReadVolumeAlerts } from '../src/break-glass/read-volume-watch';
import { claimPeriodicRun } from '../src/db/periodic-job';
import { givenPerson, unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * The enumeration pattern: one user reading more distinct children in an hour than configured
 * (ENUMERATION_ALERT_THRESHOLD, here 5) raises one UNUSUAL_READ_VOLUME alert to IG. The check runs
 * on demand here (the hub runs it every ENUMERATION_ALERT_INTERVAL_SECONDS).
 */

const THRESHOLD = 5;
const READ = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName } }`;
const ALERTS = `{ alerts(first: 100) { edges { node { id kind toAgency personId actorSub actorAgency windowStart distinctPeople } } } }`;
type AlertNode = {
  id: string;
  kind: string;
  toAgency: string | null;
  personId: string | null;
  actorSub: string | null;
  actorAgency: string;
  windowStart: string;
  distinctPeople: number;
};
type Alerts = { alerts: { edges: Array<{ node: AlertNode }> } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('IG alert on unusual read volume (one user, many distinct children, one hour)', () => {
  let hub: TestHub;
  let url: string;
  let dataDir: string;
  let pusher: string;
  let ig: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    // A database of its own: the check looks at every user's reads of the last hour.
    url = await dedicatedDatabaseUrl('readvolume');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-rv-'));
    hub = await startTestHub(
      { ENUMERATION_ALERT_THRESHOLD: String(THRESHOLD), MASH_DATA_DIR: dataDir },
      { databaseUrl: url },
    );
    pusher = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pusher') });
    ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'], sub: unique('ig') });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await hub?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function children(n: number, kind = 'CHILD'): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++)
      ids.push(await givenPerson(hub, pusher, kind === 'ADULT' ? { kind, dateOfBirth: '1980-01-01' } : {}));
    return ids;
  }

  async function readAll(token: string, ids: string[]) {
    for (const id of ids) {
      const r = await hub.gql(token, READ, { id });
      expect(r.errors).toBeUndefined();
    }
  }

  function subscribe(token: string) {
    const received: Array<{
      data?: { alertRaised: { kind: string; actorSub: string | null; toAgency: string | null } };
    }> = [];
    const client = createClient({
      url: hub.server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    client.subscribe(
      { query: 'subscription { alertRaised { kind actorSub toAgency } }' },
      { next: (v) => received.push(v as never), error: () => undefined, complete: () => undefined },
    );
    return received;
  }

  it('given a user who read 6 distinct children in the hour (threshold 5), when the check runs, then one alert reaches IG by query and subscription; a second check in the hour raises none', async () => {
    const subA = unique('enumerator');
    const reader = await hub.token({
      agency: 'police',
      roles: ['POLICE_MASH_OFFICER'],
      sub: subA,
      name: 'Officer Fictional',
    });
    const ids = await children(THRESHOLD + 1);
    const igFeed = subscribe(ig);
    const policeFeed = subscribe(pusher);
    await sleep(300); // let the subscriptions register

    await readAll(reader, ids);
    await readAll(reader, ids); // the same children again: still 6 distinct
    const raised = await raiseReadVolumeAlerts(hub.db, THRESHOLD);
    expect(raised).toEqual([{ id: expect.any(String), actorSub: subA, distinctPeople: THRESHOLD + 1 }]);

    const r = await hub.gql<Alerts>(ig, ALERTS);
    const mine = r.data!.alerts.edges.map((e) => e.node).filter((a) => a.actorSub === subA);
    expect(mine).toEqual([
      expect.objectContaining({
        kind: 'UNUSUAL_READ_VOLUME',
        toAgency: null,
        personId: null,
        actorAgency: 'police',
        distinctPeople: THRESHOLD + 1,
      }),
    ]);
    const windowStart = new Date(mine[0]!.windowStart);
    expect(windowStart.getUTCMinutes()).toBe(0);
    expect(Date.now() - windowStart.getTime()).toBeLessThan(3600_000);
    const stored: Array<{ actor_name: string }> = await hub.db.query('SELECT actor_name FROM alert WHERE id = $1', [
      raised[0]!.id,
    ]);
    expect(stored[0]!.actor_name).toBe('Officer Fictional');

    const deadline = Date.now() + 4000;
    while (!igFeed.length && Date.now() < deadline) await sleep(20);
    expect(igFeed.map((v) => v.data?.alertRaised)).toEqual([
      { kind: 'UNUSUAL_READ_VOLUME', actorSub: subA, toAgency: null },
    ]);

    // More reads and more checks in the same hour: still one alert for this user.
    await readAll(reader, await children(2));
    expect(await raiseReadVolumeAlerts(hub.db, THRESHOLD)).toEqual([]);
    expect(await raiseReadVolumeAlerts(hub.db, THRESHOLD)).toEqual([]);
    const count: Array<{ n: number }> = await hub.db.query(
      `SELECT count(*)::int AS n FROM alert WHERE kind = 'UNUSUAL_READ_VOLUME' AND actor_sub = $1`,
      [subA],
    );
    expect(count[0]!.n).toBe(1);

    await sleep(300);
    expect(policeFeed).toEqual([]); // not addressed to the reader's agency
    expect(igFeed).toHaveLength(1);
  });

  it('given users at or under the threshold, reading adults, or reading over an hour ago, then no alert', async () => {
    const atThreshold = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('at') });
    await readAll(atThreshold, await children(THRESHOLD));
    const adultsReader = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('adults') });
    await readAll(adultsReader, await children(THRESHOLD + 2, 'ADULT'));
    // Creating (upserting) many children is a change, not a read.
    await children(THRESHOLD + 1);

    const raised = await raiseReadVolumeAlerts(hub.db, THRESHOLD);
    expect(raised).toEqual([]);
    // Two hours later, the same reads are outside the window.
    expect(await raiseReadVolumeAlerts(hub.db, 1, new Date(Date.now() + 2 * 3600_000))).toEqual([]);
  });

  it('given an unusual-read-volume alert, then roles other than IG auditor cannot read it (the subscription case is in the first story)', async () => {
    const subB = unique('enumerator-b');
    const reader = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'], sub: subB });
    const nurseIds = [];
    for (let i = 0; i < THRESHOLD + 1; i++) nurseIds.push(await givenPerson(hub, reader));
    await readAll(reader, nurseIds);
    expect((await raiseReadVolumeAlerts(hub.db, THRESHOLD)).map((a) => a.actorSub)).toEqual([subB]);

    for (const [agency, role] of [
      ['social-care', 'MASH_MANAGER'],
      ['social-care', 'MASH_SOCIAL_WORKER'],
      ['health', 'HEALTH_MASH_PRACTITIONER'],
      ['police', 'POLICE_MASH_OFFICER'],
    ] as const) {
      const t = await hub.token({ agency, roles: [role] });
      const r = await hub.gql<Alerts>(t, ALERTS);
      expect(r.errors).toBeUndefined();
      expect(r.data!.alerts.edges.filter((e) => e.node.kind === 'UNUSUAL_READ_VOLUME')).toEqual([]);
    }
    for (const [agency, role] of [
      ['education', 'PARTNER_REFERRER'],
      ['social-care', 'HUB_ADMIN'],
    ] as const) {
      const t = await hub.token({ agency, roles: [role] });
      const r = await hub.gql(t, ALERTS);
      expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(r.data).toBeNull();
    }
    const forIg = await hub.gql<Alerts>(ig, ALERTS);
    expect(forIg.data!.alerts.edges.filter((e) => e.node.actorSub === subB)).toHaveLength(1);
  });

  it('given hub processes sharing a database, when two claim the periodic check at once, then one runs it; within the interval nobody does; after it, one again', async () => {
    // As the serving role (mash_app), as the hub's own job does.
    const served = hub.server.hub.dataSource;
    const job = unique('job');
    const both = await Promise.all([claimPeriodicRun(served, job, 60), claimPeriodicRun(served, job, 60)]);
    expect([...both].sort()).toEqual([false, true]);
    expect(await claimPeriodicRun(served, job, 60)).toBe(false);

    await sleep(1100);
    expect(await claimPeriodicRun(served, job, 60)).toBe(false); // 1 s of a 60 s interval
    expect(await claimPeriodicRun(served, job, 1)).toBe(true); // a 1 s interval has passed
    expect(await claimPeriodicRun(served, job, 1)).toBe(false);
  });

  it('given a hub process checking every second, when a user goes over the threshold, then the alert is raised without anyone asking', async () => {
    const ticking = await startTestHub(
      {
        ENUMERATION_ALERT_THRESHOLD: String(THRESHOLD),
        ENUMERATION_ALERT_INTERVAL_SECONDS: '1',
        MASH_DATA_DIR: dataDir,
      },
      { databaseUrl: url },
    );
    try {
      const subC = unique('enumerator-c');
      const reader = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: subC });
      await readAll(reader, await children(THRESHOLD + 1));
      const deadline = Date.now() + 5000;
      let rows: Array<{ n: number }> = [];
      while (Date.now() < deadline) {
        rows = await hub.db.query(
          `SELECT count(*)::int AS n FROM alert WHERE kind = 'UNUSUAL_READ_VOLUME' AND actor_sub = $1`,
          [subC],
        );
        if (rows[0]!.n > 0) break;
        await sleep(100);
      }
      await sleep(1500); // more ticks of the job: still one
      rows = await hub.db.query(
        `SELECT count(*)::int AS n FROM alert WHERE kind = 'UNUSUAL_READ_VOLUME' AND actor_sub = $1`,
        [subC],
      );
      expect(rows[0]!.n).toBe(1);
    } finally {
      await ticking.close();
    }
  });
});
