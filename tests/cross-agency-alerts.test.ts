import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { DEFAULT_POLICY } from '../src/access-policy/policy';
import { fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 4 item 5: when a user of one agency is released AGENCY_DETAIL owned by another agency outside
 * a strategy discussion, the owning agency gets a CROSS_AGENCY_DETAIL_READ alert, queryable and on
 * `alertRaised`. Raised by a trigger from the stored audit event, one per (agency, person, reader, day).
 *
 * The default policy never releases another agency's detail outside the strategy route or
 * break-glass, so this (fictional) partnership also lets police officers read it for triage.
 */
const PERSON = `query($id: ID!, $purpose: Purpose!) { person(id: $id, purpose: $purpose) {
  id records { __typename ... on HealthRecord { clinicalNotes } ... on PoliceRecord { detail } } } }`;
const ALERTS = `{ alerts(first: 100) { edges { node { kind toAgency personId actorAgency breakGlassId } } } }`;
const SCHEDULE = `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`;

type PersonData = { person: { records: Array<{ __typename: string; clinicalNotes?: string | null }> } };
type AlertNode = {
  kind: string;
  toAgency: string | null;
  personId: string;
  actorAgency: string;
  breakGlassId: string | null;
};

describe('cross-agency AGENCY_DETAIL reads alert the owning agency', () => {
  let hub: TestHub;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-detail-alerts-'));
  const clients: Client[] = [];
  let health: string;
  let socialWorker: string;

  beforeAll(async () => {
    const policy = {
      ...DEFAULT_POLICY,
      rules: [
        ...DEFAULT_POLICY.rules,
        {
          description: 'Fictional partnership: police MASH officers read other agencies\u2019 detail for triage',
          effect: 'allow',
          classes: ['AGENCY_DETAIL'],
          roles: ['POLICE_MASH_OFFICER'],
          owner: 'OTHER',
          purposes: ['TRIAGE'],
        },
      ],
    };
    fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(policy));
    hub = await startTestHub({ MASH_POLICY_FILE: path.join(dir, 'policy.json') });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'], sub: unique('hv') });
    socialWorker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: unique('sw') });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A child held by health (with clinical notes) and by police (its own record), so police reach it. */
  async function givenChildHeldByHealthAndPolice(police: string, alsoSocialCare = false): Promise<string> {
    const nhsNumber = fakeNhsNumber();
    const child = await givenPerson(hub, health, { nhsNumber });
    await givenRecord(hub, health, child, {
      recordType: 'HEALTH_GP_REGISTRATION',
      registeredGp: 'Fictional Surgery',
      clinicalNotes: 'Fictional clinical note',
    });
    expect(await givenImportedPerson(hub, 'police', { nhsNumber, sourceSystem: 'NICHE' })).toBe(child);
    await givenRecord(hub, police, child, {
      recordType: 'POLICE_INCIDENT',
      personRole: 'VICTIM',
      detail: 'Fictional detail',
    });
    if (alsoSocialCare)
      expect(await givenImportedPerson(hub, 'social-care', { nhsNumber, sourceSystem: 'LCS' })).toBe(child);
    return child;
  }

  const policeOfficer = () => hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pc') });
  const storedAlerts = (personId: string) =>
    hub.db.query(
      `SELECT kind, to_agency, actor_agency, actor_sub FROM alert WHERE person_id = $1 ORDER BY created_at`,
      [personId],
    ) as Promise<Array<{ kind: string; to_agency: string; actor_agency: string; actor_sub: string }>>;
  async function alertsSeenBy(token: string, personId: string): Promise<AlertNode[]> {
    const r = await hub.gql<{ alerts: { edges: Array<{ node: AlertNode }> } }>(token, ALERTS);
    expect(r.errors).toBeUndefined();
    return r.data!.alerts.edges.map((e) => e.node).filter((a) => a.personId === personId);
  }
  const clinicalNotes = (r: { data?: PersonData | null }) =>
    r.data!.person.records.find((x) => x.__typename === 'HealthRecord')!.clinicalNotes;

  function subscribe(token: string) {
    const received: Array<{ data?: { alertRaised: { kind: string; toAgency: string | null; personId: string } } }> = [];
    const client = createClient({
      url: hub.server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    client.subscribe(
      { query: 'subscription { alertRaised { kind toAgency personId } }' },
      { next: (v) => received.push(v as never), error: () => undefined, complete: () => undefined },
    );
    return received;
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('given police read health clinical notes for triage, then health gets one alert (queryable and pushed), the audit names the owner, and police, education and the audit of police\u2019s own detail raise nothing', async () => {
    const police = await policeOfficer();
    const child = await givenChildHeldByHealthAndPolice(police);
    const pushed = subscribe(health);
    await sleep(300);

    const r = await hub.gql<PersonData>(police, PERSON, { id: child, purpose: 'TRIAGE' });

    expect(r.errors).toBeUndefined();
    expect(clinicalNotes(r)).toBe('Fictional clinical note');
    const [event] = await hub.db.query(`SELECT payload FROM audit_event WHERE request_id = $1`, [
      r.headers.get('x-request-id'),
    ]);
    expect(event.payload.subjects).toEqual([
      expect.objectContaining({ personId: child, detailOwners: ['health', 'police'] }),
    ]);
    expect(await storedAlerts(child)).toEqual([
      {
        kind: 'CROSS_AGENCY_DETAIL_READ',
        to_agency: 'health',
        actor_agency: 'police',
        actor_sub: expect.stringMatching(/^pc-/),
      },
    ]);
    expect(await alertsSeenBy(health, child)).toEqual([
      {
        kind: 'CROSS_AGENCY_DETAIL_READ',
        toAgency: 'health',
        personId: child,
        actorAgency: 'police',
        breakGlassId: null,
      },
    ]);
    const deadline = Date.now() + 4000;
    while (!pushed.some((p) => p.data?.alertRaised.personId === child) && Date.now() < deadline) await sleep(20);
    expect(pushed.map((p) => p.data?.alertRaised).filter((a) => a?.personId === child)).toEqual([
      { kind: 'CROSS_AGENCY_DETAIL_READ', toAgency: 'health', personId: child },
    ]);

    // Only the owning agency (and IG) sees it.
    const education = await hub.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] });
    const ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
    expect(await alertsSeenBy(police, child)).toEqual([]);
    expect(await alertsSeenBy(education, child)).toEqual([]);
    expect((await alertsSeenBy(ig, child)).map((a) => a.toAgency)).toEqual(['health']);
  });

  it('given the same officer reads the same child again that day, then no second alert (one per agency, person, reader and day); another officer raises their own', async () => {
    const police = await policeOfficer();
    const child = await givenChildHeldByHealthAndPolice(police);
    await hub.gql(police, PERSON, { id: child, purpose: 'TRIAGE' });

    const again = await hub.gql<PersonData>(police, PERSON, { id: child, purpose: 'TRIAGE' });
    expect(clinicalNotes(again)).toBe('Fictional clinical note');
    expect(await storedAlerts(child)).toHaveLength(1);

    await hub.gql(await policeOfficer(), PERSON, { id: child, purpose: 'TRIAGE' });
    expect(await storedAlerts(child)).toHaveLength(2);
  });

  it('given health reads its own clinical notes, then no alert', async () => {
    const child = await givenChildHeldByHealthAndPolice(await policeOfficer());

    const r = await hub.gql<PersonData>(health, PERSON, { id: child, purpose: 'DIRECT_CARE' });

    expect(clinicalNotes(r)).toBe('Fictional clinical note');
    expect(await storedAlerts(child)).toEqual([]);
  });

  it('given police read with a purpose that does not release health detail, then the field is redacted and no alert', async () => {
    const police = await policeOfficer();
    const child = await givenChildHeldByHealthAndPolice(police);

    const r = await hub.gql<PersonData>(police, PERSON, { id: child, purpose: 'DIRECT_CARE' });

    expect(clinicalNotes(r)).toBeNull();
    expect(r.extensions?.redactions).toContainEqual({
      path: expect.stringMatching(/clinicalNotes$/),
      reason: expect.any(String),
    });
    const [event] = await hub.db.query(`SELECT payload FROM audit_event WHERE request_id = $1`, [
      r.headers.get('x-request-id'),
    ]);
    expect(event.payload.subjects[0].detailOwners ?? []).not.toContain('health');
    expect(await storedAlerts(child)).toEqual([]);
  });

  it('given police invited to the child\u2019s strategy discussion read health detail for STRATEGY, then no alert (the strategy route)', async () => {
    const police = await policeOfficer();
    const child = await givenChildHeldByHealthAndPolice(police, true);
    const meeting = await hub.gql(socialWorker, SCHEDULE, {
      input: {
        type: 'STRATEGY_DISCUSSION',
        subjectPersonIds: [child],
        scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(meeting.errors).toBeUndefined();

    const r = await hub.gql<PersonData>(police, PERSON, { id: child, purpose: 'STRATEGY' });

    expect(clinicalNotes(r)).toBe('Fictional clinical note');
    expect(await storedAlerts(child)).toEqual([]);
  });
});
