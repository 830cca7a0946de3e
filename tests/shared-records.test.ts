import { auditFor, fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

const PERSON_WITH_RECORDS = `query($id: ID!, $purpose: Purpose!) {
  person(id: $id, purpose: $purpose) {
    id givenName familyName nhsNumber
    records {
      __typename id owningAgency summary
      ... on PoliceRecord { personRole detail informantIdentity }
      ... on HealthRecord { registeredGp clinicalNotes }
    }
  }
}`;

describe('shared records: people and agency records', () => {
  let hub: TestHub;
  let police: string;
  let health: string;
  beforeAll(async () => {
    hub = await startTestHub();
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
  });
  afterAll(() => hub.close());

  it('given a police record about a child, when the police officer reads it, then every field is released and audited', async () => {
    const personId = await givenPerson(hub, police);
    const recordId = await givenRecord(hub, police, personId, {
      recordType: 'POLICE_INCIDENT',
      personRole: 'VICTIM',
      detail: 'Fictional incident detail',
      informantIdentity: 'Fictional informant',
    });

    const r = await hub.gql<{ person: { records: Array<Record<string, unknown>> } }>(police, PERSON_WITH_RECORDS, {
      id: personId,
      purpose: 'DIRECT_CARE',
    });

    expect(r.errors).toBeUndefined();
    expect(r.data!.person.records).toEqual([
      expect.objectContaining({
        id: recordId,
        personRole: 'VICTIM',
        detail: 'Fictional incident detail',
        informantIdentity: 'Fictional informant',
      }),
    ]);
    expect(r.extensions?.redactions).toBeUndefined();
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'READ',
      outcome: 'SUCCESS',
      purpose: 'DIRECT_CARE',
      person_id: personId,
      record_ids: [recordId],
    });
    expect(audit[0]!.released).toEqual(
      expect.arrayContaining(['Person.nhsNumber', 'PoliceRecord.detail', 'PoliceRecord.informantIdentity']),
    );
  });

  it('given police and health records about one child, when police reads, then health detail is redacted with a reason and the audit says so', async () => {
    const nhsNumber = fakeNhsNumber();
    const personId = await givenPerson(hub, police, { nhsNumber });
    // Health's own system (its trusted feed) knows the same child: matched on the NHS number.
    const healthPersonId = await givenImportedPerson(hub, 'health', { nhsNumber, sourceSystem: 'HEALTH-PAS' });
    expect(healthPersonId).toBe(personId);
    await givenRecord(hub, police, personId, {
      recordType: 'POLICE_INCIDENT',
      personRole: 'WITNESS',
      detail: 'Fictional',
    });
    await givenRecord(hub, health, personId, {
      recordType: 'HEALTH_GP_REGISTRATION',
      registeredGp: 'Fictional Surgery',
      clinicalNotes: 'Fictional note',
    });

    const r = await hub.gql<{ person: { records: Array<Record<string, unknown>> } }>(police, PERSON_WITH_RECORDS, {
      id: personId,
      purpose: 'DIRECT_CARE',
    });

    const healthRecord = r.data!.person.records.find((x) => x.__typename === 'HealthRecord')!;
    const policeRecord = r.data!.person.records.find((x) => x.__typename === 'PoliceRecord')!;
    expect(policeRecord.detail).toBe('Fictional');
    expect(healthRecord).toMatchObject({
      owningAgency: 'health',
      summary: null,
      registeredGp: null,
      clinicalNotes: null,
    });
    const idx = r.data!.person.records.indexOf(healthRecord);
    expect(r.extensions!.redactions).toEqual(
      expect.arrayContaining([
        { path: `person.records.${idx}.clinicalNotes`, reason: 'NEED_TO_KNOW' },
        { path: `person.records.${idx}.summary`, reason: 'NEED_TO_KNOW' },
      ]),
    );
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    expect(audit[0]!.released).not.toContain('HealthRecord.clinicalNotes');
    expect(audit[0]!.redacted).toContain('HealthRecord.clinicalNotes:NEED_TO_KNOW');
  });

  it('given a person the viewer has no relationship with, when read by id, then NOT_FOUND and the attempt is audited', async () => {
    const personId = await givenPerson(hub, health);

    const r = await hub.gql(police, PERSON_WITH_RECORDS, { id: personId, purpose: 'DIRECT_CARE' });

    expect(r.data?.person).toBeNull();
    expect(r.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const missing = await hub.gql(police, PERSON_WITH_RECORDS, {
      id: '00000000-0000-4000-8000-000000000000',
      purpose: 'DIRECT_CARE',
    });
    expect(missing.errors![0]!.message).toBe(r.errors![0]!.message);
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    expect(audit).toEqual([
      expect.objectContaining({
        outcome: 'NOT_FOUND',
        person_id: personId,
        disclosure_outcome: 'NOT_FOUND',
        released: [],
      }),
    ]);
  });

  it('given the same person sent twice, when upserted again, then nothing changes', async () => {
    const input = {
      sourceSystem: 'TEST',
      sourceReference: unique(),
      kind: 'CHILD',
      givenName: 'Twice',
      familyName: 'Sent',
      dateOfBirth: '2015-01-02',
    };
    const q = `mutation($input: PersonInput!) { upsertPerson(input: $input) { outcome person { id version } } }`;
    const first = await hub.gql<{ upsertPerson: { outcome: string; person: { id: string; version: number } } }>(
      police,
      q,
      { input },
    );
    const second = await hub.gql<{ upsertPerson: { outcome: string; person: { id: string; version: number } } }>(
      police,
      q,
      { input },
    );
    expect(first.data!.upsertPerson.outcome).toBe('CREATED');
    expect(second.data!.upsertPerson).toEqual({ outcome: 'UNCHANGED', person: first.data!.upsertPerson.person });
  });

  it.each([
    ['an invalid NHS number', { nhsNumber: '9434765918' }, 'input.nhsNumber'],
    ['a date of birth in the future', { dateOfBirth: '2999-01-01' }, 'input.dateOfBirth'],
    ['a NUL byte', { givenName: 'Bad\u0000Name' }, 'input.givenName'],
    ['a name over its limit', { familyName: 'x'.repeat(101) }, 'input.familyName'],
  ])(
    'given %s, when a person is upserted, then BAD_USER_INPUT names the field and nothing is stored',
    async (_label, bad, field) => {
      const sourceReference = unique();
      const r = await hub.gql(police, `mutation($input: PersonInput!) { upsertPerson(input: $input) { outcome } }`, {
        input: { sourceSystem: 'TEST', sourceReference, kind: 'CHILD', givenName: 'Ok', familyName: 'Fine', ...bad },
      });
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(r.errors![0]!.message).not.toContain('Bad');
      const stored = await hub.db.query('SELECT 1 FROM person_source WHERE source_ref = $1', [sourceReference]);
      expect(stored).toHaveLength(0);
    },
  );

  it('given an unknown enum value, when a person is upserted, then BAD_USER_INPUT', async () => {
    const r = await hub.gql(
      police,
      `mutation { upsertPerson(input: {sourceSystem: "T", sourceReference: "x", kind: ALIEN, givenName: "a", familyName: "b"}) { outcome } }`,
    );
    expect(r.status).toBe(400);
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('given a police officer, when they push a health record, then FORBIDDEN names the field and nothing is stored', async () => {
    const personId = await givenPerson(hub, police);
    const sourceReference = unique();
    const r = await hub.gql(
      police,
      `mutation($input: AgencyRecordInput!) { upsertAgencyRecord(input: $input) { outcome } }`,
      {
        input: {
          personId,
          recordType: 'HEALTH_MATERNITY',
          occurredAt: '2026-01-01T00:00:00Z',
          summary: 's',
          sourceSystem: 'T',
          sourceReference,
          recordedBy: 'x',
          recordedAt: '2026-01-01T00:00:00Z',
        },
      },
    );
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.recordType' });
    expect(await hub.db.query('SELECT 1 FROM agency_record WHERE source_ref = $1', [sourceReference])).toHaveLength(0);
  });

  it('given a police record, when a health field is set on it, then BAD_USER_INPUT and nothing is stored', async () => {
    const personId = await givenPerson(hub, police);
    const sourceReference = unique();
    const r = await hub.gql(
      police,
      `mutation($input: AgencyRecordInput!) { upsertAgencyRecord(input: $input) { outcome } }`,
      {
        input: {
          personId,
          recordType: 'POLICE_INCIDENT',
          clinicalNotes: 'no',
          occurredAt: '2026-01-01T00:00:00Z',
          summary: 's',
          sourceSystem: 'T',
          sourceReference,
          recordedBy: 'x',
          recordedAt: '2026-01-01T00:00:00Z',
        },
      },
    );
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(await hub.db.query('SELECT 1 FROM agency_record WHERE source_ref = $1', [sourceReference])).toHaveLength(0);
  });

  it('given a child recorded with a misspelt name and transposed birth date, when searched, then the child is a scored candidate with reasons', async () => {
    const familyName = `Thompsonx${Date.now() % 100000}`;
    const personId = await givenPerson(hub, police, { givenName: 'Catherine', familyName, dateOfBirth: '2014-03-07' });
    const r = await hub.gql<{ searchPeople: Array<{ score: number; reasons: string[]; person: { id: string } }> }>(
      police,
      `query($input: PersonSearchInput!) { searchPeople(input: $input, purpose: DIRECT_CARE) { score reasons person { id } } }`,
      {
        input: {
          familyName: familyName.replace('Thompson', 'Tompson'),
          givenName: 'Katherine',
          dateOfBirth: '2014-07-03',
        },
      },
    );
    expect(r.errors).toBeUndefined();
    const hit = r.data!.searchPeople.find((m) => m.person.id === personId)!;
    expect(hit.reasons).toEqual(expect.arrayContaining(['DATE_OF_BIRTH_DAY_MONTH_TRANSPOSED']));
    expect(hit.score).toBeGreaterThan(0.5);
  });

  it('given records from several dates, when the chronology is read, then it is oldest first', async () => {
    const personId = await givenPerson(hub, police);
    await givenRecord(hub, police, personId, {
      recordType: 'POLICE_INCIDENT',
      occurredAt: '2026-03-01T00:00:00Z',
      summary: 'second',
    });
    await givenRecord(hub, police, personId, {
      recordType: 'POLICE_WARNING_MARKER',
      occurredAt: '2025-03-01T00:00:00Z',
      summary: 'first',
    });
    const r = await hub.gql<{ chronology: Array<{ summary: string }> }>(
      police,
      `query($id: ID!) { chronology(personId: $id, purpose: DIRECT_CARE) { occurredAt agency summary } }`,
      { id: personId },
    );
    expect(r.data!.chronology.map((e) => e.summary)).toEqual(['first', 'second']);
  });
});

describe('authentication', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it('given no token, then 401 UNAUTHENTICATED', async () => {
    const r = await hub.gql(null, '{ me { sub } }');
    expect(r.status).toBe(401);
    expect(r.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('given a token with a tampered signature, then 401', async () => {
    const t = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const r = await hub.gql(`${t.slice(0, -4)}AAAA`, '{ me { sub } }');
    expect(r.status).toBe(401);
  });

  it('given an alg:none token, then 401', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const t = `${enc({ alg: 'none' })}.${enc({ sub: 'x', name: 'x', agency: 'police', roles: ['POLICE_MASH_OFFICER'], iss: 'mash-hub-dev', aud: 'mash-hub', exp: 9e9 })}.`;
    const r = await hub.gql(t, '{ me { sub } }');
    expect(r.status).toBe(401);
  });

  it('given an unknown agency or role, then 401', async () => {
    expect(
      (await hub.gql(await hub.token({ agency: 'mi6', roles: ['POLICE_MASH_OFFICER'] }), '{ me { sub } }')).status,
    ).toBe(401);
    expect((await hub.gql(await hub.token({ agency: 'police', roles: ['SUPERUSER'] }), '{ me { sub } }')).status).toBe(
      401,
    );
  });

  it('given a valid token, then me shows the viewer and their purposes', async () => {
    const t = await hub.token({ sub: 'pc-1', agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const r = await hub.gql<{ me: { sub: string; agencyKind: string; purposes: string[] } }>(
      t,
      '{ me { sub agencyKind purposes } }',
    );
    expect(r.data!.me).toMatchObject({ sub: 'pc-1', agencyKind: 'POLICE' });
    expect(r.data!.me.purposes).toContain('AGENCY_CHECK');
  });

  it('given an IG auditor, when reading a person, then FORBIDDEN at the entry point', async () => {
    const t = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
    const r = await hub.gql(t, `{ person(id: "00000000-0000-4000-8000-000000000000", purpose: IG_AUDIT) { id } }`);
    expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});

describe('several agencies feeding one person', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it("given police set a PNC id and ethnicity, when health's feed links the same child without them, then neither is erased", async () => {
    const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const nhsNumber = fakeNhsNumber();
    const id = await givenPerson(hub, police, { nhsNumber, pncId: '19/0012345X', ethnicity: 'WHITE_IRISH' });
    await givenImportedPerson(hub, 'health', { nhsNumber, sourceSystem: 'HEALTH-PAS', givenName: 'Testy' });
    const rows: Array<{ pnc_id: string; ethnicity: string }> = await hub.db.query(
      'SELECT pnc_id, ethnicity FROM person WHERE id = $1',
      [id],
    );
    expect(rows[0]).toEqual({ pnc_id: '19/0012345X', ethnicity: 'WHITE_IRISH' });
  });
});
