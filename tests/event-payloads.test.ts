import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { EVENTS_CHANNEL } from '../src/events/notify';
import { fakeNhsNumber, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * LISTEN/NOTIFY stays ids-only (issue 26, docs/scale.md): any database role can LISTEN on the
 * channel and read every payload, whatever the row-level rules say, and a payload is capped at
 * 8,000 bytes. So events name a topic, ids and codes, never a person's data; subscribers re-read.
 */

const ALLOWED_KEYS: Record<string, string[]> = {
  referral: ['referralId', 'status'],
  meeting: ['meetingId', 'status'],
  alert: ['alertId', 'toAgency'],
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CODE = /^[A-Z][A-Z0-9_]*$/;

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: RED, rationale: "Fictional rationale naming Zebedee", expectedVersion: $v) { version } }`;
const BREAK_GLASS = `mutation($personId: ID!, $reason: String!) { openBreakGlass(personId: $personId, reason: $reason) { id } }`;

describe('events on the PostgreSQL channel carry ids and codes only', () => {
  let hub: TestHub;
  let listener: Client;
  const heard: string[] = [];

  beforeAll(async () => {
    hub = await startTestHub();
    // Listening as the serving role, which any login granted it could do: NOTIFY is not row-level.
    listener = new Client({ connectionString: hub.config.databaseUrl });
    await listener.connect();
    listener.on('notification', (m) => m.channel === EVENTS_CHANNEL && heard.push(m.payload ?? ''));
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
  });
  afterAll(async () => {
    await listener?.end();
    await hub?.close();
  });

  it('given a referral submitted and rated and a break-glass raising alerts, all with personal data, then every event heard on the channel is a topic with ids and codes, and none carries any of that data', async () => {
    const referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
    const worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: unique('sw') });
    const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pc') });
    const health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'], sub: unique('hp') });
    const personal = [
      'Zebedee',
      'Quixotic',
      'Fictional narrative about Zebedee',
      'Fictional rationale naming Zebedee',
      'Fictional reason: Zebedee at risk tonight',
    ];
    const nhsNumber = fakeNhsNumber();
    personal.push(nhsNumber);

    const submitted = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
      key: unique('k'),
      input: {
        subjects: [
          { newPerson: { kind: 'CHILD', givenName: 'Zebedee', familyName: 'Quixotic', dateOfBirth: '2016-04-05' } },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative about Zebedee',
        consentSought: true,
        consentGiven: true,
      },
    });
    expect(submitted.errors).toBeUndefined();
    const referralId = submitted.data!.submitReferral.id;
    const rated = await hub.gql(worker, RATE, { id: referralId, v: 1 });
    expect(rated.errors).toBeUndefined();
    const personId = await givenPerson(hub, health, { givenName: 'Zebedee', familyName: 'Quixotic', nhsNumber });
    await givenRecord(hub, health, personId, {
      recordType: 'HEALTH_ED_ATTENDANCE',
      clinicalNotes: 'Fictional clinical note',
    });
    const opened = await hub.gql(police, BREAK_GLASS, {
      personId,
      reason: 'Fictional reason: Zebedee at risk tonight',
    });
    expect(opened.errors).toBeUndefined();

    await waitFor(
      () => heard.some((p) => p.includes('"alert"')) && heard.filter((p) => p.includes(referralId)).length >= 2,
    );
    const events = heard.map((raw) => JSON.parse(raw) as { topic: string; payload: Record<string, unknown> });
    expect(new Set(events.map((e) => e.topic))).toEqual(new Set(['referral', 'alert']));
    for (const [raw, e] of heard.map((raw, i) => [raw, events[i]!] as const)) {
      expect(Object.keys(e).sort()).toEqual(['payload', 'topic']);
      expect(ALLOWED_KEYS[e.topic]).toEqual(expect.arrayContaining(Object.keys(e.payload)));
      for (const [key, value] of Object.entries(e.payload)) {
        if (key.endsWith('Id')) expect(value).toMatch(UUID);
        else if (key === 'toAgency') expect(value === null || /^[a-z][a-z0-9-]*$/.test(String(value))).toBe(true);
        else expect(value).toMatch(CODE);
      }
      for (const value of personal) expect(raw).not.toContain(value);
      expect(Buffer.byteLength(raw)).toBeLessThan(200); // far below NOTIFY's 8,000-byte cap
    }
  });

  it('given the source, then every call that publishes an event names only allowed keys (a new payload field is a reviewed change here)', () => {
    const files = walk(path.join(__dirname, '..', 'src')).filter((f) => f.endsWith('.ts'));
    const calls = files.flatMap((f) =>
      [...fs.readFileSync(f, 'utf8').matchAll(/notifyEvent\([^,]+,\s*\{\s*topic:[^{]*payload:\s*\{([^}]*)\}/g)].map(
        (m) => ({ file: path.basename(f), keys: m[1]! }),
      ),
    );
    expect(calls.length).toBeGreaterThanOrEqual(6);
    const keys = new Set(
      calls.flatMap((c) =>
        c.keys
          .split(',')
          .map((k) => k.split(':')[0]!.trim())
          .filter(Boolean),
      ),
    );
    // `[kind.idKey]` is the versioned change's referralId or meetingId (src/context/versioned-change.ts).
    expect([...keys].sort()).toEqual(['[kind.idKey]', 'alertId', 'meetingId', 'referralId', 'status', 'toAgency']);
  });
});

async function waitFor(probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the events');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}
