import { auditFor, givenPerson } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * LADO allegations (issue 25, ADR 018), through the API: the LADO records an allegation against
 * someone who works with children, holds the allegations-against-staff meeting and records the outcome
 * and any DBS referral. The adult's details are SEALED: the LADO and the employer's designated officer
 * read them; social care MASH staff see that an allegation exists and its progress; nobody else reaches it.
 */

const FIELDS = `id childPersonId employerAgency employerName sector category adultName adultRole adultDateOfBirth receivedAt meetingAt employerInvited
  status outcome outcomeAt resolutionBand dbsReferredAt version`;
const RECORD = `mutation($input: LadoAllegationInput!) { recordLadoAllegation(input: $input) { ${FIELDS} } }`;
const MEETING = `mutation($id: ID!, $input: AllegationMeetingInput!, $v: Int!) { scheduleAllegationMeeting(id: $id, input: $input, expectedVersion: $v) { ${FIELDS} } }`;
const OUTCOME = `mutation($id: ID!, $input: AllegationOutcomeInput!, $v: Int!) { recordAllegationOutcome(id: $id, input: $input, expectedVersion: $v) { ${FIELDS} } }`;
const READ = `query($id: ID!, $purpose: Purpose!) { ladoAllegation(id: $id, purpose: $purpose) { ${FIELDS} } }`;
const LIST = `query($purpose: Purpose!, $filter: LadoAllegationFilterInput) { ladoAllegations(purpose: $purpose, filter: $filter, first: 100) { edges { node { id adultName } } } }`;

type Allegation = Record<string, unknown> & {
  id: string;
  version: number;
  adultName: string | null;
  status: string;
  resolutionBand: string | null;
};

const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();

describe('LADO allegations', () => {
  let hub: TestHub;
  let lado: string;
  let schoolsOfficer: string;
  let healthOfficer: string;
  let worker: string;
  let police: string;
  let auditor: string;

  beforeAll(async () => {
    hub = await startTestHub();
    lado = await hub.token({ agency: 'social-care', roles: ['LADO'] });
    schoolsOfficer = await hub.token({ agency: 'education', roles: ['EMPLOYER_DESIGNATED_OFFICER'] });
    healthOfficer = await hub.token({ agency: 'health', roles: ['EMPLOYER_DESIGNATED_OFFICER'] });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    auditor = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
  });
  afterAll(() => hub.close());

  const input = (extra: Record<string, unknown> = {}) => ({
    employerAgency: 'education',
    employerName: 'Fictional Primary School',
    sector: 'EDUCATION',
    category: 'PHYSICAL',
    adultName: 'Fictional Adult Teacher',
    adultRole: 'Class teacher',
    adultDateOfBirth: '1980-02-03',
    receivedAt: daysAgo(40),
    ...extra,
  });

  async function givenAllegation(extra: Record<string, unknown> = {}): Promise<Allegation> {
    const r = await hub.gql<{ recordLadoAllegation: Allegation }>(lado, RECORD, { input: input(extra) });
    expect(r.errors).toBeUndefined();
    return r.data!.recordLadoAllegation;
  }

  const count = async () =>
    Number(((await hub.db.query(`SELECT count(*)::int AS n FROM lado_allegation`)) as Array<{ n: number }>)[0]!.n);

  it('the LADO records an allegation, holds the meeting with the employer invited, and records the outcome and DBS referral; the band is derived', async () => {
    const child = await givenPerson(hub, worker);
    const a = await givenAllegation({ childPersonId: child });
    expect(a).toMatchObject({
      status: 'OPEN',
      adultName: 'Fictional Adult Teacher',
      childPersonId: child,
      resolutionBand: null,
      version: 1,
    });
    const m = await hub.gql<{ scheduleAllegationMeeting: Allegation }>(lado, MEETING, {
      id: a.id,
      input: { at: daysAgo(35), employerInvited: true },
      v: 1,
    });
    expect(m.errors).toBeUndefined();
    expect(m.data!.scheduleAllegationMeeting).toMatchObject({
      status: 'MEETING_SCHEDULED',
      employerInvited: true,
      version: 2,
    });
    const o = await hub.gql<{ recordAllegationOutcome: Allegation }>(lado, OUTCOME, {
      id: a.id,
      input: { outcome: 'SUBSTANTIATED', at: daysAgo(20), dbsReferredAt: daysAgo(19) },
      v: 2,
    });
    expect(o.errors).toBeUndefined();
    expect(o.data!.recordAllegationOutcome).toMatchObject({
      status: 'CLOSED',
      outcome: 'SUBSTANTIATED',
      resolutionBand: 'WITHIN_ONE_MONTH',
      version: 3,
    });
    // The audit keeps that sealed details were recorded, never the details.
    const [created] = (await hub.db.query(
      `SELECT e.payload::text AS payload FROM audit_event e, jsonb_array_elements(e.payload->'changes') c WHERE c->>'entity' = 'lado_allegation' AND c->>'id' = $1 AND c->'before' = 'null'::jsonb`,
      [a.id],
    )) as Array<{ payload: string }>;
    expect(created!.payload).toContain('SEALED');
    expect(created!.payload).not.toContain('Fictional Adult Teacher');
  });

  it("the employer's designated officer reads the sealed details of its own staff's allegations (allow) and not another employer's (deny: not found)", async () => {
    const a = await givenAllegation();
    const own = await hub.gql<{ ladoAllegation: Allegation }>(schoolsOfficer, READ, {
      id: a.id,
      purpose: 'DIRECT_CARE',
    });
    expect(own.errors).toBeUndefined();
    expect(own.data!.ladoAllegation).toMatchObject({
      adultName: 'Fictional Adult Teacher',
      adultRole: 'Class teacher',
      adultDateOfBirth: '1980-02-03',
    });
    const other = await hub.gql(healthOfficer, READ, { id: a.id, purpose: 'DIRECT_CARE' });
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const list = await hub.gql<{ ladoAllegations: { edges: Array<{ node: { id: string } }> } }>(healthOfficer, LIST, {
      purpose: 'DIRECT_CARE',
    });
    expect(list.data!.ladoAllegations.edges.map((e) => e.node.id)).not.toContain(a.id);
  });

  it('social care MASH staff see the allegation and its progress but the adult is sealed, and the read is audited', async () => {
    const a = await givenAllegation();
    const r = await hub.gql<{ ladoAllegation: Allegation }>(worker, READ, { id: a.id, purpose: 'TRIAGE' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.ladoAllegation).toMatchObject({
      id: a.id,
      status: 'OPEN',
      adultName: null,
      adultRole: null,
      adultDateOfBirth: null,
      employerName: null,
    });
    expect(r.extensions?.redactions?.map((x) => x.path)).toEqual(
      expect.arrayContaining([
        'ladoAllegation.adultName',
        'ladoAllegation.adultRole',
        'ladoAllegation.adultDateOfBirth',
      ]),
    );
    expect(JSON.stringify(r.data)).not.toContain('Fictional Adult Teacher');
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    expect(audit.length).toBeGreaterThan(0);
  });

  it('police, an IG auditor and a referrer may not call it at all; officers and designated officers may not record or change one', async () => {
    const a = await givenAllegation();
    for (const token of [police, auditor]) {
      const r = await hub.gql(token, READ, { id: a.id, purpose: 'DIRECT_CARE' });
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const before = await count();
    for (const token of [schoolsOfficer, worker]) {
      const rec = await hub.gql(token, RECORD, { input: input() });
      expect(rec.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const out = await hub.gql(token, OUTCOME, { id: a.id, input: { outcome: 'FALSE', at: daysAgo(1) }, v: 1 });
      expect(out.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await count()).toBe(before);
    const [row] = (await hub.db.query(`SELECT status, version FROM lado_allegation WHERE id = $1`, [a.id])) as Array<
      Record<string, unknown>
    >;
    expect(row).toMatchObject({ status: 'OPEN', version: 1 });
  });

  it('a sealed field is never filterable: there is no filter on the adult, and the designated officer filters only on status and employer', async () => {
    const r = await hub.gql(schoolsOfficer, LIST, {
      purpose: 'DIRECT_CARE',
      filter: { status: ['OPEN'], employerAgency: 'education' },
    });
    expect(r.errors).toBeUndefined();
  });

  describe('bad input is refused naming the field, and nothing is stored', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['an employer agency outside the partnership', { employerAgency: 'nowhere' }, 'input.employerAgency'],
      ['no adult name', { adultName: '  ' }, 'input.adultName'],
      ['a date of birth in the future', { adultDateOfBirth: '2999-01-01' }, 'input.adultDateOfBirth'],
      ['a received time in the future', { receivedAt: new Date(Date.now() + DAY).toISOString() }, 'input.receivedAt'],
      [
        'a child id that is not a child',
        { childPersonId: '00000000-0000-4000-8000-000000000000' },
        'input.childPersonId',
      ],
    ];
    for (const [what, extra, field] of cases) {
      it(`given ${what}, then BAD_USER_INPUT naming ${field}`, async () => {
        const before = await count();
        const r = await hub.gql(lado, RECORD, { input: input(extra) });
        expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
        expect(await count()).toBe(before);
      });
    }

    it('an outcome before receipt, a meeting without the employer and no reason, a stale version: named and unchanged', async () => {
      const a = await givenAllegation();
      const early = await hub.gql(lado, OUTCOME, { id: a.id, input: { outcome: 'UNFOUNDED', at: daysAgo(41) }, v: 1 });
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.at' });
      const noReason = await hub.gql(lado, MEETING, {
        id: a.id,
        input: { at: daysAgo(30), employerInvited: false },
        v: 1,
      });
      expect(noReason.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.notInvitedReason',
      });
      const stale = await hub.gql(lado, OUTCOME, { id: a.id, input: { outcome: 'UNFOUNDED', at: daysAgo(1) }, v: 5 });
      expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      const [row] = (await hub.db.query(`SELECT status, version FROM lado_allegation WHERE id = $1`, [a.id])) as Array<
        Record<string, unknown>
      >;
      expect(row).toMatchObject({ status: 'OPEN', version: 1 });
    });
  });
});
