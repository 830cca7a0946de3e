import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { auditFor, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Real-time referral changes across hub processes: two hubs on one database, a change made
 * through hub A reaches subscribers on hub B through PostgreSQL LISTEN/NOTIFY, each event read
 * through the subscriber's own scope and audited before it is sent.
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $rag: Rag!, $v: Int!) { rateReferral(id: $id, rag: $rag, rationale: "Fictional rationale", expectedVersion: $v) { version } }`;
const CHANGED = `subscription($filter: ReferralChangeFilter, $purpose: Purpose!, $since: DateTimeISO) {
  referralChanged(filter: $filter, purpose: $purpose, since: $since) { id status rag narrative version subjects { id } }
}`;

interface Pushed {
  data?: {
    referralChanged: {
      id: string;
      status: string;
      rag: string | null;
      narrative: string | null;
      version: number | null;
    } | null;
  } | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  extensions?: { requestId?: string; redactions?: Array<{ path: string; reason: string }> };
}

interface Subscriber {
  received: Pushed[];
  closeCode(): number | undefined;
  close(): Promise<void>;
}

const TIMEOUT_MS = 4000;

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('referralChanged: live triage updates across hub processes', () => {
  let hubA: TestHub;
  let hubB: TestHub;
  let referrer: string;
  let worker: string;
  let police: string;
  const clients: Client[] = [];
  let dataDir: string;

  beforeAll(async () => {
    // One partnership: both processes trust the same (development) signing key.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-two-hubs-'));
    hubA = await startTestHub({ MASH_DATA_DIR: dataDir });
    hubB = await startTestHub({ MASH_DATA_DIR: dataDir });
    referrer = await hubA.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
    worker = await hubA.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: unique('sw') });
    police = await hubA.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pc') });
  });
  // Each story counts its own subscriptions on hub B: wait until the previous story's have ended.
  beforeEach(() =>
    waitFor('previous subscriptions to end', () => hubB.server.hub.events.subscriberCount('referral') === 0),
  );
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all([hubA?.close(), hubB?.close()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function subscribe(
    hub: TestHub,
    token: string | null,
    variables: Record<string, unknown> = { purpose: 'TRIAGE' },
  ): Subscriber {
    let code: number | undefined;
    const received: Pushed[] = [];
    const client = createClient({
      url: hub.server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: { closed: (event) => (code = (event as { code?: number }).code) },
    });
    clients.push(client);
    const stop = client.subscribe<Pushed['data']>(
      { query: CHANGED, variables },
      {
        next: (value) => void received.push(value as Pushed),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return {
      received,
      closeCode: () => code,
      async close() {
        stop();
        await client.dispose();
      },
    };
  }

  async function listening(hub: TestHub, count: number) {
    await waitFor(
      `${count} subscriptions on the hub`,
      () => hub.server.hub.events.subscriberCount('referral') >= count,
    );
  }

  async function newReferral(): Promise<string> {
    const r = await hubA.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
      key: unique('k'),
      input: {
        subjects: [
          {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Testy',
              familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
              dateOfBirth: '2016-04-05',
            },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative for a live-update test.',
        consentSought: true,
        consentGiven: true,
      },
    });
    expect(r.errors).toBeUndefined();
    return r.data!.submitReferral.id;
  }

  async function rate(id: string, rag: string) {
    const [{ version }] = (await hubA.db.query(`SELECT version FROM referral WHERE id = $1`, [id])) as [
      { version: number },
    ];
    const r = await hubA.gql(worker, RATE, { id, rag, v: version });
    expect(r.errors).toBeUndefined();
  }

  it('given a social worker subscribed on hub B, when a referral is rated through hub A, then the change reaches them, read through their scope', async () => {
    const id = await newReferral();
    const sub = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { referralId: id } });
    await listening(hubB, 1);

    await rate(id, 'AMBER');

    const pushed = await waitFor('the pushed change', () => sub.received[0]);
    expect(pushed.errors).toBeUndefined();
    expect(pushed.data!.referralChanged).toMatchObject({
      id,
      status: 'SCREENED',
      rag: 'AMBER',
      narrative: 'Fictional narrative for a live-update test.',
    });
    expect(pushed.extensions?.requestId).toMatch(/^[0-9a-f-]{36}\.1$/);
    await sub.close();
  });

  it('given a pushed change, then its disclosure is in the audit, under the event’s request id, before the subscriber saw it', async () => {
    const id = await newReferral();
    const sub = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { referralId: id } });
    await listening(hubB, 1);

    await rate(id, 'GREEN');
    const pushed = await waitFor('the pushed change', () => sub.received[0]);

    const [{ person }] = (await hubA.db.query(
      `SELECT person_id::text AS person FROM referral_subject WHERE referral_id = $1`,
      [id],
    )) as [{ person: string }];
    const audit = await auditFor(hubB, pushed.extensions!.requestId!);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'READ',
      outcome: 'SUCCESS',
      purpose: 'TRIAGE',
      person_id: person,
      disclosure_outcome: 'DISCLOSED',
    });
    expect(audit[0]!.released).toEqual(
      expect.arrayContaining(['Referral.narrative', 'Referral.rag', 'Referral.status']),
    );
    await sub.close();
  });

  it('given a police officer with no agency check on the referral, when it changes, then they receive nothing while a social worker does', async () => {
    const id = await newReferral();
    const outsider = subscribe(hubB, police);
    const insider = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { referralId: id } });
    await listening(hubB, 2);

    await rate(id, 'RED');

    await waitFor('the social worker’s change', () => insider.received[0]);
    await sleep(300);
    expect(outsider.received).toEqual([]);
    await Promise.all([outsider.close(), insider.close()]);
  });

  it('given a police officer outside a referral’s scope, when they subscribe filtered on its id, rag and status, and on an id that does not exist, then both are accepted alike and neither is pushed the change: the filters are no oracle', async () => {
    const id = await newReferral();
    const filter = { rag: ['RED'], status: ['SCREENED'] };
    const probe = subscribe(hubB, police, { purpose: 'TRIAGE', filter: { ...filter, referralId: id } });
    const control = subscribe(hubB, police, {
      purpose: 'TRIAGE',
      filter: { ...filter, referralId: crypto.randomUUID() },
    });
    const insider = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { ...filter, referralId: id } });
    // All three accepted: the existence of a referral out of scope makes no difference at subscribe.
    await listening(hubB, 3);

    await rate(id, 'RED');

    // The same change matches the insider's identical filter…
    const seen = await waitFor('the social worker’s change', () => insider.received[0]);
    expect(seen.data?.referralChanged).toMatchObject({ id, rag: 'RED', status: 'SCREENED' });
    await sleep(300);
    // …and reaches neither probe: no push, no error, no close for the matching filter or the control.
    expect(probe.received).toEqual([]);
    expect(control.received).toEqual([]);
    expect(probe.closeCode()).toBeUndefined();
    expect(control.closeCode()).toBeUndefined();
    await Promise.all([probe.close(), control.close(), insider.close()]);
  });

  it('given a filter the change does not match, then nothing is pushed; a matching filter on the same change is', async () => {
    const id = await newReferral();
    const redOnly = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { referralId: id, rag: ['RED'] } });
    const greenOnly = subscribe(hubB, worker, {
      purpose: 'TRIAGE',
      filter: { referralId: id, rag: ['GREEN'], status: ['SCREENED'] },
    });
    await listening(hubB, 2);

    await rate(id, 'GREEN');

    await waitFor('the matching change', () => greenOnly.received[0]);
    await sleep(300);
    expect(redOnly.received).toEqual([]);
    await Promise.all([redOnly.close(), greenOnly.close()]);
  });

  it('given a partner referrer, when they subscribe, then they get FORBIDDEN and no stream', async () => {
    const sub = subscribe(hubB, referrer);
    const pushed = await waitFor('the refusal', () => sub.received[0]);
    expect(pushed.data ?? null).toBeNull();
    expect(pushed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await sleep(100);
    expect(hubB.server.hub.events.subscriberCount('referral')).toBe(0);
    await sub.close();
  });

  it('given no token or a bad token, when connecting, then the connection is refused with 4403 (graphql-ws Forbidden; was 4401 before issue 17)', async () => {
    const none = subscribe(hubB, null);
    const bad = subscribe(hubB, 'not-a-jwt');
    await waitFor('both refusals', () => none.closeCode() !== undefined && bad.closeCode() !== undefined);
    expect(none.closeCode()).toBe(4403);
    expect(bad.closeCode()).toBe(4403);
    expect(none.received).toEqual([]);
    expect(bad.received).toEqual([]);
  });

  it('given an invalid referral id in the filter, then the subscription fails with BAD_USER_INPUT', async () => {
    const sub = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { referralId: 'not-a-uuid' } });
    const pushed = await waitFor('the error', () => sub.received[0]);
    expect(pushed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await sub.close();
  });

  it('given the audit cannot be written, when a change is pushed, then the subscriber gets AUDIT_UNAVAILABLE instead of the data', async () => {
    const id = await newReferral();
    const sub = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { referralId: id } });
    await listening(hubB, 1);
    const writer = hubB.server.hub.auditWriter;
    const write = writer.write.bind(writer);
    // Fault injection on hub B's audit store only; the change itself goes through hub A as usual.
    writer.write = () => Promise.reject(new Error('audit store unavailable (injected)'));
    try {
      await rate(id, 'AMBER');
      const pushed = await waitFor('the withheld change', () => sub.received[0]);
      expect(pushed.data ?? null).toBeNull();
      expect(pushed.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
      expect(JSON.stringify(pushed)).not.toContain('Fictional narrative');
    } finally {
      writer.write = write;
    }
    await sub.close();
  });

  it('given the listening connection is cut (as by a PostgreSQL restart), then the hub reconnects and later changes still arrive', async () => {
    const connects = hubB.server.hub.events.stats.connects;
    await hubA.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mash-hub-events' AND datname = current_database()`,
    );
    await waitFor(
      'the listener to reconnect',
      () => hubB.server.hub.events.stats.connects > connects && hubB.server.hub.events.connected,
    );

    const id = await newReferral();
    const sub = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { referralId: id } });
    await listening(hubB, 1);
    await rate(id, 'RED');
    const pushed = await waitFor('the change after reconnecting', () => sub.received[0]);
    expect(pushed.data!.referralChanged).toMatchObject({ id, rag: 'RED' });
    await sub.close();
  });

  describe('resuming with since (issue 26: a subscriber whose hub process died reconnects and misses nothing)', () => {
    it('given a social worker whose subscription was lost, when a referral changes meanwhile and they resubscribe with since, then the change is replayed, read through their scope and audited, and later changes arrive live', async () => {
      const id = await newReferral();
      const first = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { referralId: id } });
      await listening(hubB, 1);
      const lastConnected = new Date().toISOString();
      await first.close();
      await waitFor('the lost subscription to end', () => hubB.server.hub.events.subscriberCount('referral') === 0);

      await rate(id, 'AMBER'); // while away: nobody is listening for it

      const resumed = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { referralId: id }, since: lastConnected });
      const replayed = await waitFor('the replayed change', () => resumed.received[0]);
      expect(replayed.errors).toBeUndefined();
      expect(replayed.data!.referralChanged).toMatchObject({ id, rag: 'AMBER', status: 'SCREENED', version: 2 });
      const audit = await auditFor(hubB, replayed.extensions!.requestId!);
      expect(audit[0]).toMatchObject({
        action: 'READ',
        outcome: 'SUCCESS',
        purpose: 'TRIAGE',
        disclosure_outcome: 'DISCLOSED',
      });

      await listening(hubB, 1);
      await rate(id, 'RED');
      const live = await waitFor('the live change after the replay', () =>
        resumed.received.find((p) => p.data?.referralChanged?.rag === 'RED'),
      );
      expect(live.data!.referralChanged!.version).toBe(3);
      await resumed.close();
    });

    it('given a police officer outside a referral’s scope, when they resubscribe with since after it changed, then nothing is replayed to them while a social worker gets it', async () => {
      const since = new Date().toISOString();
      const id = await newReferral();
      await rate(id, 'GREEN');

      const outsider = subscribe(hubB, police, { purpose: 'TRIAGE', filter: { referralId: id }, since });
      const insider = subscribe(hubB, worker, { purpose: 'TRIAGE', filter: { referralId: id }, since });
      await waitFor('the social worker’s replay', () =>
        insider.received.find((p) => p.data?.referralChanged?.rag === 'GREEN'),
      );
      await listening(hubB, 2);
      await sleep(300);
      expect(outsider.received).toEqual([]);
      expect(outsider.closeCode()).toBeUndefined();
      await Promise.all([outsider.close(), insider.close()]);
    });

    it('given since more than 24 hours ago or not a date, then the subscription fails with BAD_USER_INPUT and no stream is left open', async () => {
      const old = subscribe(hubB, worker, {
        purpose: 'TRIAGE',
        since: new Date(Date.now() - 25 * 3600_000).toISOString(),
      });
      const notADate = subscribe(hubB, worker, { purpose: 'TRIAGE', since: 'yesterday' });
      const [a, b] = await waitFor(
        'both errors',
        () => old.received[0] && notADate.received[0] && [old.received[0], notADate.received[0]],
      );
      expect(a!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(a!.errors?.[0]?.message).toMatch(/^since: is more than 24 hours ago/);
      expect(a!.data ?? null).toBeNull();
      expect(b!.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      await sleep(100);
      expect(hubB.server.hub.events.subscriberCount('referral')).toBe(0);
      await Promise.all([old.close(), notADate.close()]);
    });
  });

  it('given a query sent over the WebSocket, then it is refused: only subscriptions are served there', async () => {
    const client = createClient({
      url: hubB.server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${worker}` },
      retryAttempts: 0,
    });
    clients.push(client);
    const results: Pushed[] = [];
    const errors: unknown[] = [];
    await new Promise<void>((resolve) => {
      client.subscribe(
        { query: `{ me { sub } }` },
        { next: (v) => void results.push(v as Pushed), error: (e) => (errors.push(e), resolve()), complete: resolve },
      );
    });
    expect(results).toEqual([]);
    expect((errors[0] as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
