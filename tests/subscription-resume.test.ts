import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { auditFor, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * meetingChanged and alertRaised resume with `since` like referralChanged (issue 26, ADR 022): a
 * subscriber whose hub process died reconnects to another, resubscribes with the time it was last
 * connected, and misses nothing: what changed meanwhile in its scope is replayed (re-read through its
 * scope, audited), then the stream goes on live. Two hub processes on one database.
 */

const MEETING_CHANGED = `subscription($f: MeetingChangeFilter, $since: DateTimeISO) {
  meetingChanged(purpose: STRATEGY, filter: $f, since: $since) { id version }
}`;
const ALERT_RAISED = `subscription($since: DateTimeISO) { alertRaised(since: $since) { id kind toAgency personId } }`;
const SCHEDULE = `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id version invitees { id agency } } }`;
const ATTEND = `mutation($id: ID!, $a: AttendanceInput!, $v: Int!) { recordAttendance(meetingId: $id, attendance: $a, expectedVersion: $v) { version } }`;
const BREAK_GLASS = `mutation($id: ID!) { openBreakGlass(personId: $id, reason: "Child missing overnight, urgent risk check") { id } }`;

interface Pushed {
  data?: Record<string, { id: string; version?: number; kind?: string; personId?: string } | null> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  extensions?: { requestId?: string };
}

const TIMEOUT_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('resuming meetingChanged and alertRaised with since', () => {
  let hubA: TestHub;
  let hubB: TestHub;
  let dataDir: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    // Both processes trust the same (development) signing key.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-resume-'));
    hubA = await startTestHub({ MASH_DATA_DIR: dataDir });
    hubB = await startTestHub({ MASH_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all([hubA?.close(), hubB?.close()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Subscribes on hub B (the process the load balancer moved the client to). */
  function subscribe(token: string, query: string, variables: Record<string, unknown>) {
    const received: Pushed[] = [];
    const client = createClient({
      url: hubB.server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    const stop = client.subscribe(
      { query, variables },
      { next: (v) => void received.push(v as Pushed), error: () => undefined, complete: () => undefined },
    );
    return {
      received,
      async close() {
        stop();
        await client.dispose();
      },
    };
  }

  const listening = (topic: string, count: number) =>
    waitFor(`${count} ${topic} subscriber(s)`, () => hubB.server.hub.events.subscriberCount(topic) === count);

  describe('meetingChanged', () => {
    let worker: string;
    let police: string;
    let probation: string;
    let meeting: { id: string; invitees: Array<{ id: string; agency: string }> };
    let version = 1;

    beforeAll(async () => {
      worker = await hubA.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: unique('sw') });
      police = await hubA.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pc') });
      probation = await hubA.token({ agency: 'probation', roles: ['PROBATION_MASH_OFFICER'], sub: unique('po') });
      const child = await givenPerson(hubA, worker);
      const r = await hubA.gql<{ scheduleMeeting: typeof meeting }>(worker, SCHEDULE, {
        input: {
          type: 'STRATEGY_DISCUSSION',
          subjectPersonIds: [child],
          scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
        },
      });
      expect(r.errors).toBeUndefined();
      meeting = r.data!.scheduleMeeting;
    });

    /** A change to the meeting: an invited agency sends its apologies (allowed before the meeting is held). */
    async function apologies(agency: string) {
      const invitee = meeting.invitees.find((i) => i.agency === agency)!;
      const r = await hubA.gql<{ recordAttendance: { version: number } }>(worker, ATTEND, {
        id: meeting.id,
        a: { inviteeId: invitee.id, status: 'SENT_APOLOGIES', note: 'Fictional: clinic' },
        v: version,
      });
      expect(r.errors).toBeUndefined();
      version = r.data!.recordAttendance.version;
    }

    it('given an invited police officer whose subscription was lost, when the meeting changes meanwhile and they resubscribe with since, then the change is replayed (read through their scope, audited) and later changes arrive live', async () => {
      const first = subscribe(police, MEETING_CHANGED, { f: { meetingId: meeting.id } });
      await listening('meeting', 1);
      const lastConnected = new Date().toISOString();
      await first.close();
      await listening('meeting', 0);

      await apologies('health'); // while away: nobody listens

      const resumed = subscribe(police, MEETING_CHANGED, { f: { meetingId: meeting.id }, since: lastConnected });
      const replayed = await waitFor('the replayed change', () => resumed.received[0]);
      expect(replayed.errors).toBeUndefined();
      expect(replayed.data!.meetingChanged).toEqual({ id: meeting.id, version });
      const audit = await auditFor(hubB, replayed.extensions!.requestId!);
      expect(audit[0]).toMatchObject({ action: 'READ', outcome: 'SUCCESS', purpose: 'STRATEGY' });

      await listening('meeting', 1);
      await apologies('police');
      const live = await waitFor('the live change after the replay', () =>
        resumed.received.find((p) => p.data?.meetingChanged?.version === version),
      );
      expect(live.errors).toBeUndefined();
      await resumed.close();
      await listening('meeting', 0);
    });

    it('given an officer of an agency not invited, when they resubscribe with since after the meeting changed, then nothing is replayed to them', async () => {
      const since = new Date(Date.now() - 5000).toISOString();
      await apologies('social-care');
      const outsider = subscribe(probation, MEETING_CHANGED, { f: { meetingId: meeting.id }, since });
      const insider = subscribe(police, MEETING_CHANGED, { f: { meetingId: meeting.id }, since });
      await waitFor('the invited officer’s replay', () =>
        insider.received.find((p) => p.data?.meetingChanged?.version === version),
      );
      await listening('meeting', 2);
      await sleep(300);
      expect(outsider.received).toEqual([]);
      await Promise.all([outsider.close(), insider.close()]);
      await listening('meeting', 0);
    });

    it('given since more than 24 hours ago, then the subscription fails with BAD_USER_INPUT and no stream is left open', async () => {
      const old = subscribe(police, MEETING_CHANGED, { since: new Date(Date.now() - 25 * 3600_000).toISOString() });
      const refused = await waitFor('the refusal', () => old.received[0]);
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).toBe(
        'since: is more than 24 hours ago: re-read your meetings, then subscribe without it',
      );
      await sleep(100);
      expect(hubB.server.hub.events.subscriberCount('meeting')).toBe(0);
      await old.close();
    });
  });

  describe('alertRaised', () => {
    it('given health listening, when its subscription is lost and a police officer breaks glass meanwhile, then on resubscribing with since health gets the alert (audited), education does not, and later alerts arrive live', async () => {
      const health = await hubA.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'], sub: unique('hv') });
      const police = await hubA.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pc') });
      const education = await hubA.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'], sub: unique('ed') });
      const [first, second] = [await givenPerson(hubA, health), await givenPerson(hubA, health)];
      for (const id of [first, second])
        await givenRecord(hubA, health, id, { recordType: 'HEALTH_VISITING', clinicalNotes: 'Fictional note' });

      const lost = subscribe(health, ALERT_RAISED, {});
      await listening('alert', 1);
      const lastConnected = new Date().toISOString();
      await lost.close();
      await listening('alert', 0);

      expect((await hubA.gql(police, BREAK_GLASS, { id: first })).errors).toBeUndefined(); // while away

      const resumed = subscribe(health, ALERT_RAISED, { since: lastConnected });
      const other = subscribe(education, ALERT_RAISED, { since: lastConnected });
      const replayed = await waitFor('the replayed alert', () =>
        resumed.received.find((p) => p.data?.alertRaised?.personId === first),
      );
      expect(replayed.data!.alertRaised).toMatchObject({ kind: 'BREAK_GLASS', toAgency: 'health', personId: first });
      const audit = await auditFor(hubB, replayed.extensions!.requestId!);
      expect(audit.map((a) => a.person_id)).toEqual([first]);

      await listening('alert', 2);
      expect((await hubA.gql(police, BREAK_GLASS, { id: second })).errors).toBeUndefined();
      await waitFor('the live alert', () => resumed.received.find((p) => p.data?.alertRaised?.personId === second));
      await sleep(300);
      expect(other.received).toEqual([]);
      await Promise.all([resumed.close(), other.close()]);
    });

    it('given since more than 24 hours ago, then the subscription fails with BAD_USER_INPUT', async () => {
      const health = await hubA.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'], sub: unique('hv') });
      const old = subscribe(health, ALERT_RAISED, { since: new Date(Date.now() - 25 * 3600_000).toISOString() });
      const refused = await waitFor('the refusal', () => old.received[0]);
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).toBe(
        'since: is more than 24 hours ago: re-read your alerts, then subscribe without it',
      );
      await old.close();
    });
  });
});
