import { auditFor, fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 17, first HIGH finding: knowing a child's NHS number was enough to reach, read and rename the
 * child. `upsertPerson` and `submitReferral` with `newPerson` linked the caller to whoever held the
 * identifier, overwrote the shared names and answered with the child's identity. ADR 005: quoting an
 * identifier never creates a relationship, releases a value or reveals existence; identity is a set
 * of per-source assertions; the MASH confirms matches in a data-quality queue.
 */

const UPSERT = `mutation($input: PersonInput!) {
  upsertPerson(input: $input) {
    outcome
    person {
      id kind givenName familyName otherNames dateOfBirth sex nhsNumber pncId laPersonId upn address postcode
      ethnicity firstLanguage religion disability version
      relationships { type relatedPerson { id } }
      records { __typename id owningAgency }
    }
  }
}`;
const PERSON = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName familyName dateOfBirth address nhsNumber } }`;
const SEARCH = `query($n: String!) { searchPeople(input: { identifier: { type: NHS_NUMBER, value: $n } }, purpose: DIRECT_CARE) { person { id givenName } } }`;
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) {
  submitReferral(input: $input, idempotencyKey: $key) { id reference status outcome feedbackMessage replayed }
}`;
const QUEUE = `query($status: DataQualityIssueStatus!, $first: Int) {
  dataQualityIssues(status: $status, purpose: TRIAGE, first: $first) {
    edges { node {
      id kind status personId proposedPersonId referralId field raisedByAgency version
      assertions { id personId agency channel verified givenName familyName dateOfBirth nhsNumber address }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const RESOLVE = `mutation($input: ResolveDataQualityIssueInput!) {
  resolveDataQualityIssue(input: $input) { id status resolvedBy chosenAssertionId version }
}`;

type UpsertData = { upsertPerson: { outcome: string; person: Record<string, unknown> & { id: string } } };
type Issue = {
  id: string;
  kind: string;
  status: string;
  personId: string;
  proposedPersonId: string | null;
  referralId: string | null;
  field: string | null;
  raisedByAgency: string;
  version: number;
  assertions: Array<{
    id: string;
    personId: string;
    agency: string;
    channel: string;
    verified: boolean;
    givenName: string;
    familyName: string;
  }>;
};

/** The names and nulls of a payload, with the values the caller sent taken out: its "shape". */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  return value === null ? null : typeof value;
}

describe('identity: quoting an identifier never reaches, reads or renames a person (issue 17, ADR 005)', () => {
  let hub: TestHub;
  let police: string;
  let health: string;
  let socialWorker: string;
  let manager: string;
  let educationOfficer: string;
  let referrer: string;
  beforeAll(async () => {
    hub = await startTestHub();
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    socialWorker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    educationOfficer = await hub.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] });
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
  });
  afterAll(() => hub.close());

  /** A child health's own system holds, with a date of birth, an address and a record. */
  async function givenChildHeldByHealth() {
    const nhsNumber = fakeNhsNumber();
    const familyName = `Heldwood${Math.floor(Math.random() * 1e6)}`;
    const id = await givenImportedPerson(hub, 'health', {
      sourceSystem: 'HEALTH-PAS',
      givenName: 'Amelia',
      familyName,
      dateOfBirth: '2017-05-06',
      address: '2 Fictional Close, Exampletown',
      nhsNumber,
    });
    await givenRecord(hub, health, id, {
      recordType: 'HEALTH_GP_REGISTRATION',
      registeredGp: 'Fictional Surgery',
      clinicalNotes: 'Fictional note',
    });
    return { id, nhsNumber, familyName };
  }

  const officerInput = (overrides: Record<string, unknown>) => ({
    sourceSystem: 'NICHE',
    sourceReference: unique('P'),
    kind: 'CHILD',
    givenName: 'Renamed',
    familyName: 'Takeover',
    ...overrides,
  });

  async function queue(token: string, status = 'OPEN') {
    const r = await hub.gql<{ dataQualityIssues: { edges: Array<{ node: Issue }> } }>(token, QUEUE, {
      status,
      first: 100,
    });
    return r;
  }

  async function proposalFor(proposedPersonId: string): Promise<Issue> {
    const r = await queue(socialWorker);
    expect(r.errors).toBeUndefined();
    const issue = r
      .data!.dataQualityIssues.edges.map((e) => e.node)
      .find((n) => n.proposedPersonId === proposedPersonId);
    expect(issue).toBeDefined();
    return issue!;
  }

  describe('an officer who cannot reach the child quotes its NHS number in upsertPerson', () => {
    it('then the answer carries only what the officer sent and looks exactly like creating a new person; the child stays out of reach and unrenamed', async () => {
      const child = await givenChildHeldByHealth();
      expect((await hub.gql(police, PERSON, { id: child.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

      const quoted = await hub.gql<UpsertData>(police, UPSERT, { input: officerInput({ nhsNumber: child.nhsNumber }) });
      const control = await hub.gql<UpsertData>(police, UPSERT, {
        input: officerInput({ nhsNumber: fakeNhsNumber() }),
      });

      expect(quoted.errors).toBeUndefined();
      expect(control.errors).toBeUndefined();
      // Only the officer's values: no date of birth, address, relatives or other agencies' records of the child.
      expect(quoted.data!.upsertPerson).toEqual({
        outcome: 'CREATED',
        person: {
          id: expect.any(String),
          kind: 'CHILD',
          givenName: 'Renamed',
          familyName: 'Takeover',
          otherNames: null,
          dateOfBirth: null,
          sex: 'NOT_RECORDED',
          nhsNumber: child.nhsNumber,
          pncId: null,
          laPersonId: null,
          upn: null,
          address: null,
          postcode: null,
          ethnicity: 'NOT_PROVIDED_BY_SOURCE',
          firstLanguage: 'NOT_PROVIDED_BY_SOURCE',
          religion: 'NOT_PROVIDED_BY_SOURCE',
          disability: 'NOT_PROVIDED_BY_SOURCE',
          version: 1,
          relationships: [],
          records: [],
        },
      });
      expect(quoted.data!.upsertPerson.person.id).not.toBe(child.id);
      // Indistinguishable from a number the hub does not know: same outcome, same shape, same redactions.
      expect(shapeOf(quoted.data)).toEqual(shapeOf(control.data));
      expect(quoted.extensions?.redactions).toEqual(control.extensions?.redactions);

      // Then: still no way to the child, by id or by the number.
      expect((await hub.gql(police, PERSON, { id: child.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const found = await hub.gql<{ searchPeople: Array<{ person: { id: string } }> }>(police, SEARCH, {
        n: child.nhsNumber,
      });
      expect(found.data!.searchPeople.map((m) => m.person.id)).toEqual([quoted.data!.upsertPerson.person.id]);
      // The child's names are health's, unchanged.
      const read = await hub.gql<{ person: Record<string, unknown> }>(health, PERSON, { id: child.id });
      expect(read.data!.person).toMatchObject({
        givenName: 'Amelia',
        familyName: child.familyName,
        dateOfBirth: '2017-05-06',
      });
      // No police source on the child.
      expect(
        await hub.db.query(`SELECT 1 FROM person_source WHERE person_id = $1 AND agency_code = 'police'`, [child.id]),
      ).toEqual([]);
      // The audit of the upsert discloses nothing about the child.
      const audit = await auditFor(hub, quoted.headers.get('x-request-id')!);
      expect(audit.filter((a) => a.person_id === child.id)).toEqual([]);
    });

    it('then replaying or updating the same source answers alike whether or not the number was known', async () => {
      const child = await givenChildHeldByHealth();
      const known = officerInput({ nhsNumber: child.nhsNumber });
      const unknown = officerInput({ nhsNumber: fakeNhsNumber() });
      for (const input of [known, unknown]) await hub.gql(police, UPSERT, { input });
      const replays = await Promise.all(
        [known, unknown].map((input) => hub.gql<UpsertData>(police, UPSERT, { input })),
      );
      expect(replays.map((r) => r.data!.upsertPerson.outcome)).toEqual(['UNCHANGED', 'UNCHANGED']);
      const updates = await Promise.all(
        [known, unknown].map((input) =>
          hub.gql<UpsertData>(police, UPSERT, { input: { ...input, givenName: 'Again' } }),
        ),
      );
      expect(updates.map((r) => r.data!.upsertPerson.outcome)).toEqual(['UPDATED', 'UPDATED']);
      expect(shapeOf(updates[0]!.data)).toEqual(shapeOf(updates[1]!.data));
      expect((await hub.gql(police, PERSON, { id: child.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it("then adding the child's number to the officer's own person later is no oracle either: UPDATED, no CONFLICT, no reach", async () => {
      const child = await givenChildHeldByHealth();
      const own = officerInput({ nhsNumber: null });
      await hub.gql(police, UPSERT, { input: own });
      const r = await hub.gql<UpsertData>(police, UPSERT, { input: { ...own, nhsNumber: child.nhsNumber } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.upsertPerson).toMatchObject({
        outcome: 'UPDATED',
        person: { givenName: 'Renamed', nhsNumber: child.nhsNumber, dateOfBirth: null, address: null },
      });
      expect((await hub.gql(police, PERSON, { id: child.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const issue = await proposalFor(r.data!.upsertPerson.person.id);
      expect(issue).toMatchObject({ kind: 'MATCH_PROPOSAL', personId: child.id, raisedByAgency: 'police' });
    });
  });

  describe("a partner referrer's new subject quoting a known NHS number", () => {
    const referral = (newPerson: Record<string, unknown>) => ({
      subjects: [{ newPerson: { kind: 'CHILD', givenName: 'Referred', familyName: 'Renamer', ...newPerson } }],
      concernCategories: ['NEGLECT'],
      narrative: 'Fictional narrative for a test.',
      consentSought: true,
      consentGiven: true,
    });

    it('then the receipt looks like any other, the child is neither renamed nor reached by the referrer’s agency, and the MASH sees a proposed match at screening', async () => {
      const child = await givenChildHeldByHealth();
      const quoted = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
        input: referral({ nhsNumber: child.nhsNumber }),
        key: unique('k'),
      });
      const control = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
        input: referral({ nhsNumber: fakeNhsNumber() }),
        key: unique('k'),
      });
      expect(quoted.errors).toBeUndefined();
      expect(shapeOf(quoted.data)).toEqual(shapeOf(control.data));

      // The child keeps health's names; the referral's subject is a new person, not the child.
      const read = await hub.gql<{ person: Record<string, unknown> }>(health, PERSON, { id: child.id });
      expect(read.data!.person).toMatchObject({ givenName: 'Amelia', familyName: child.familyName });
      const [subject] = (await hub.db.query(`SELECT person_id FROM referral_subject WHERE referral_id = $1`, [
        quoted.data!.submitReferral.id,
      ])) as Array<{
        person_id: string;
      }>;
      expect(subject!.person_id).not.toBe(child.id);
      // Nobody of the referrer's agency holds either person: no source, no OWN_AGENCY_RECORD.
      expect(
        await hub.db.query(`SELECT 1 FROM person_source WHERE person_id = ANY($1::uuid[])`, [
          [child.id, subject!.person_id],
        ]),
      ).toEqual([{ '?column?': 1 }]);
      for (const id of [child.id, subject!.person_id]) {
        expect((await hub.gql(educationOfficer, PERSON, { id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      }
      // A referrer may not read people at all (ADR 006): the child is as unreachable as any other.
      expect((await hub.gql(referrer, PERSON, { id: child.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

      // At screening the MASH worker sees the candidate, with each source's values side by side.
      const issue = await proposalFor(subject!.person_id);
      expect(issue).toMatchObject({
        kind: 'MATCH_PROPOSAL',
        status: 'OPEN',
        personId: child.id,
        referralId: quoted.data!.submitReferral.id,
        raisedByAgency: 'education',
      });
      expect(issue.assertions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            personId: child.id,
            agency: 'health',
            channel: 'IMPORT',
            verified: true,
            givenName: 'Amelia',
          }),
          expect.objectContaining({
            personId: subject!.person_id,
            agency: 'education',
            channel: 'REFERRAL',
            verified: false,
            givenName: 'Referred',
          }),
        ]),
      );
    });
  });

  describe('the data-quality queue', () => {
    it('given a proposed match, then MASH social workers and managers list it (audited by person) and every other role is refused', async () => {
      const child = await givenChildHeldByHealth();
      const own = await hub.gql<UpsertData>(police, UPSERT, { input: officerInput({ nhsNumber: child.nhsNumber }) });
      const proposedId = own.data!.upsertPerson.person.id;

      for (const token of [socialWorker, manager]) {
        const r = await queue(token);
        expect(r.errors).toBeUndefined();
        const issue = r
          .data!.dataQualityIssues.edges.map((e) => e.node)
          .find((n) => n.proposedPersonId === proposedId)!;
        expect(issue.assertions.map((a) => a.givenName).sort()).toEqual(['Amelia', 'Renamed']);
        const audit = await auditFor(hub, r.headers.get('x-request-id')!);
        const about = audit.filter((a) => a.person_id === child.id || a.person_id === proposedId);
        expect(about.map((a) => a.person_id).sort()).toEqual([child.id, proposedId].sort());
        for (const a of about)
          expect(a.released).toEqual(expect.arrayContaining(['IdentityAssertion.givenName', 'DataQualityIssue.id']));
      }
      for (const role of [
        'POLICE_MASH_OFFICER',
        'HEALTH_MASH_PRACTITIONER',
        'PARTNER_REFERRER',
        'IG_AUDITOR',
        'HUB_ADMIN',
      ]) {
        const token = await hub.token({
          agency:
            role === 'POLICE_MASH_OFFICER' ? 'police' : role === 'HEALTH_MASH_PRACTITIONER' ? 'health' : 'social-care',
          roles: [role],
        });
        const r = await queue(token);
        expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(r.data?.dataQualityIssues ?? null).toBeNull();
        const decide = await hub.gql(token, RESOLVE, {
          input: {
            issueId: (await proposalFor(proposedId)).id,
            decision: 'CONFIRM_MATCH',
            note: 'x',
            expectedVersion: 1,
          },
        });
        expect(decide.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      expect((await proposalFor(proposedId)).status).toBe('OPEN');
    });

    it('given a manager confirms the match, then the proposing agency holds the child from now on, its records move with it, and the child keeps its verified names', async () => {
      const child = await givenChildHeldByHealth();
      const own = await hub.gql<UpsertData>(police, UPSERT, { input: officerInput({ nhsNumber: child.nhsNumber }) });
      const proposedId = own.data!.upsertPerson.person.id;
      const recordId = await givenRecord(hub, police, proposedId, {
        recordType: 'POLICE_INCIDENT',
        personRole: 'VICTIM',
        detail: 'Fictional detail',
      });
      const issue = await proposalFor(proposedId);

      const r = await hub.gql<{ resolveDataQualityIssue: Record<string, unknown> }>(manager, RESOLVE, {
        input: {
          issueId: issue.id,
          decision: 'CONFIRM_MATCH',
          note: 'Same child: NHS number, school and address agree',
          expectedVersion: issue.version,
        },
      });
      expect(r.errors).toBeUndefined();
      expect(r.data!.resolveDataQualityIssue).toMatchObject({ status: 'CONFIRMED', version: issue.version + 1 });

      const read = await hub.gql<{ person: Record<string, unknown> }>(police, PERSON, { id: child.id });
      expect(read.errors).toBeUndefined();
      // Health's verified values stand over the officer's typed ones.
      expect(read.data!.person).toMatchObject({
        id: child.id,
        givenName: 'Amelia',
        familyName: child.familyName,
        dateOfBirth: '2017-05-06',
      });
      expect(await hub.db.query(`SELECT person_id FROM agency_record WHERE id = $1`, [recordId])).toEqual([
        { person_id: child.id },
      ]);
      expect((await hub.gql(police, PERSON, { id: proposedId })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      // The disagreement on the names is now in the queue for the MASH, not silently decided.
      const open = (await queue(socialWorker))
        .data!.dataQualityIssues.edges.map((e) => e.node)
        .filter((n) => n.personId === child.id);
      expect(open.map((n) => n.field).sort()).toEqual(['familyName', 'givenName']);
      // Audited in the same transaction as the change.
      const audit = await auditFor(hub, r.headers.get('x-request-id')!);
      expect(audit).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'UPDATE', person_id: child.id, disclosure_outcome: 'CHANGED' }),
        ]),
      );

      // Decided once: a second decision is an invalid transition.
      const again = await hub.gql(manager, RESOLVE, {
        input: { issueId: issue.id, decision: 'REJECT_MATCH', note: 'x', expectedVersion: issue.version + 1 },
      });
      expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    });

    it('given a social worker rejects the match, then the officer keeps its own person and still cannot reach the child', async () => {
      const child = await givenChildHeldByHealth();
      const own = await hub.gql<UpsertData>(police, UPSERT, { input: officerInput({ nhsNumber: child.nhsNumber }) });
      const issue = await proposalFor(own.data!.upsertPerson.person.id);
      const stale = await hub.gql(socialWorker, RESOLVE, {
        input: {
          issueId: issue.id,
          decision: 'REJECT_MATCH',
          note: 'Different child',
          expectedVersion: issue.version + 5,
        },
      });
      expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      const r = await hub.gql(socialWorker, RESOLVE, {
        input: { issueId: issue.id, decision: 'REJECT_MATCH', note: 'Different child', expectedVersion: issue.version },
      });
      expect(r.errors).toBeUndefined();
      expect((await hub.gql(police, PERSON, { id: child.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await hub.gql(police, PERSON, { id: own.data!.upsertPerson.person.id })).errors).toBeUndefined();
    });

    it('given two feeds disagree on a name, then the local authority’s value is shown, the disagreement is queued, and a manager’s choice of source decides it', async () => {
      const nhsNumber = fakeNhsNumber();
      const familyName = `Twofeeds${Math.floor(Math.random() * 1e6)}`;
      const id = await givenImportedPerson(hub, 'social-care', {
        sourceSystem: 'LCS',
        nhsNumber,
        givenName: 'Amy',
        familyName,
      });
      expect(
        await givenImportedPerson(hub, 'health', {
          sourceSystem: 'HEALTH-PAS',
          nhsNumber,
          givenName: 'Amelia',
          familyName,
        }),
      ).toBe(id);
      const read = async () =>
        (await hub.gql<{ person: { givenName: string } }>(socialWorker, PERSON, { id })).data!.person.givenName;
      expect(await read()).toBe('Amy');

      const issue = (await queue(manager))
        .data!.dataQualityIssues.edges.map((e) => e.node)
        .find((n) => n.personId === id && n.field === 'givenName')!;
      expect(issue).toMatchObject({ kind: 'IDENTITY_CONFLICT', status: 'OPEN' });
      const healthSource = issue.assertions.find((a) => a.agency === 'health')!;

      // Bad decisions: refused with a reason naming the field, nothing stored.
      for (const [input, field] of [
        [{ decision: 'ACCEPT_SOURCE' }, 'input.assertionId'],
        [{ decision: 'CONFIRM_MATCH', assertionId: healthSource.id }, 'input.decision'],
        [{ decision: 'ACCEPT_SOURCE', assertionId: healthSource.id, note: '  ' }, 'input.note'],
      ] as const) {
        const bad = await hub.gql(manager, RESOLVE, {
          input: { issueId: issue.id, note: 'Checked with the GP', expectedVersion: issue.version, ...input },
        });
        expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      expect(await read()).toBe('Amy');

      const r = await hub.gql(manager, RESOLVE, {
        input: {
          issueId: issue.id,
          decision: 'ACCEPT_SOURCE',
          assertionId: healthSource.id,
          note: 'Checked with the GP',
          expectedVersion: issue.version,
        },
      });
      expect(r.errors).toBeUndefined();
      expect(await read()).toBe('Amelia');
      // Decided: the same disagreement is not raised again when a feed repeats itself.
      await givenImportedPerson(hub, 'health', {
        sourceSystem: 'HEALTH-PAS-2',
        nhsNumber,
        givenName: 'AMELIA',
        familyName,
      });
      const reopened = (await queue(manager))
        .data!.dataQualityIssues.edges.map((e) => e.node)
        .filter((n) => n.personId === id && n.field === 'givenName');
      expect(reopened).toEqual([]);
    });
  });

  it("given an agency's trusted feed quotes the child's NHS number, then it is linked (the agency holds the child) and other agencies' values are kept", async () => {
    const child = await givenChildHeldByHealth();
    // The police feed knows no date of birth or address: health's are kept.
    const viaFeed = await givenImportedPerson(hub, 'police', {
      sourceSystem: 'NICHE',
      nhsNumber: child.nhsNumber,
      givenName: 'Amelia',
      familyName: child.familyName,
      dateOfBirth: null,
    });
    expect(viaFeed).toBe(child.id);
    const read = await hub.gql<{ person: Record<string, unknown> }>(police, PERSON, { id: child.id });
    expect(read.data!.person).toMatchObject({
      givenName: 'Amelia',
      dateOfBirth: '2017-05-06',
      address: '2 Fictional Close, Exampletown',
    });
    // An interactive officer of another agency with the same number still gets only its own person.
    const education = await givenPerson(hub, educationOfficer, { nhsNumber: child.nhsNumber, sourceSystem: 'SIMS' });
    expect(education).not.toBe(child.id);
  });
});
