import { auditFor, fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 17, "a partner referrer reads its own agency's records in full, SEALED included": a partner
 * referrer submits referrals and reads its own referrals' receipts (`myReferral`), nothing else —
 * not the records its own agency holds (the own-agency rule is for the agency's MASH roles), not
 * people, not search.
 */

const PERSON = `query($id: ID!) {
  person(id: $id, purpose: DIRECT_CARE) {
    id givenName
    records { __typename summary ... on PoliceRecord { detail informantIdentity } ... on HealthRecord { clinicalNotes } }
  }
}`;
const SEARCH = `query($nhs: String!) { searchPeople(input: { identifier: { type: NHS_NUMBER, value: $nhs } }, purpose: DIRECT_CARE) { person { id givenName } } }`;
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id reference status } }`;
const MY_REFERRAL = `query($id: ID!) { myReferral(id: $id) { id reference status feedbackMessage } }`;

const referralAbout = (subject: Record<string, unknown>) => ({
  subjects: [subject],
  concernCategories: ['NEGLECT'],
  narrative: 'Fictional narrative for the referrer-scope stories.',
  consentSought: true,
  consentGiven: true,
  referrerContact: 'Fictional surgery reception',
});

describe('a partner referrer reaches its own referrals’ receipts and nothing else', () => {
  let hub: TestHub;
  let policeOfficer: string;
  let policeReferrer: string;
  let gpReferrer: string;
  let childId: string;
  let nhsNumber: string;

  beforeAll(async () => {
    hub = await startTestHub();
    policeOfficer = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const healthPractitioner = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    policeReferrer = await hub.token({ agency: 'police', roles: ['PARTNER_REFERRER'], sub: unique('pc-referrer') });
    gpReferrer = await hub.token({ agency: 'health', roles: ['PARTNER_REFERRER'], sub: unique('gp') });
    // Given a child police and health both hold, with a sealed informant identity and clinical notes.
    nhsNumber = fakeNhsNumber();
    childId = await givenPerson(hub, policeOfficer, { nhsNumber, sourceSystem: 'NICHE' });
    await givenImportedPerson(hub, 'health', { nhsNumber, sourceSystem: 'EMIS' });
    await givenRecord(hub, policeOfficer, childId, {
      recordType: 'POLICE_INTELLIGENCE',
      detail: 'Fictional intelligence',
      informantIdentity: 'Fictional informant',
    });
    await givenRecord(hub, healthPractitioner, childId, {
      recordType: 'HEALTH_MENTAL_HEALTH',
      clinicalNotes: 'Fictional mental-health note',
    });
  });
  afterAll(() => hub.close());

  it.each([
    ['a police referrer', () => policeReferrer, 'Fictional informant'],
    ['a GP referrer', () => gpReferrer, 'Fictional mental-health note'],
  ])(
    'given %s whose agency holds the child, when they read the child, then FORBIDDEN, nothing disclosed and the attempt audited',
    async (_label, token, secret) => {
      const r = await hub.gql(token(), PERSON, { id: childId });

      expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(r.data?.person ?? null).toBeNull();
      expect(JSON.stringify(r)).not.toContain(secret);
      const audit = await auditFor(hub, r.headers.get('x-request-id')!);
      expect(audit.length).toBeGreaterThan(0);
      expect(audit.flatMap((a) => a.released ?? [])).toEqual([]);
    },
  );

  it('given a GP referrer, when they search by the child’s NHS number, then FORBIDDEN and nothing disclosed', async () => {
    const r = await hub.gql(gpReferrer, SEARCH, { nhs: nhsNumber });

    expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(r.data?.searchPeople ?? null).toBeNull();
    expect(JSON.stringify(r)).not.toContain(childId);
  });

  it('given a GP referrer, when they name the child (held by their agency) by id as a referral subject, then "person not found" and nothing stored', async () => {
    const key = unique('k');
    const r = await hub.gql(gpReferrer, SUBMIT, { key, input: referralAbout({ personId: childId }) });

    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.subjects.0.personId' });
    expect(await hub.db.query('SELECT 1 FROM referral_idempotency WHERE key = $1', [key])).toEqual([]);
  });

  it('given the police MASH officer (the control), when they read the child, then their own sealed record is released', async () => {
    const r = await hub.gql<{ person: { records: Array<Record<string, unknown>> } }>(policeOfficer, PERSON, {
      id: childId,
    });

    expect(r.errors).toBeUndefined();
    const police = r.data!.person.records.find((x) => x.__typename === 'PoliceRecord')!;
    expect(police.informantIdentity).toBe('Fictional informant');
    expect(r.data!.person.records.find((x) => x.__typename === 'HealthRecord')!.clinicalNotes).toBeNull();
  });

  it('given a GP referrer, when they refer a new child, then the receipt and myReferral answer them and another referrer of the same surgery gets NOT_FOUND', async () => {
    const submitted = await hub.gql<{ submitReferral: { id: string; reference: string; status: string } }>(
      gpReferrer,
      SUBMIT,
      {
        key: unique('k'),
        input: referralAbout({
          newPerson: {
            kind: 'CHILD',
            givenName: 'Testy',
            familyName: `Fictionalreferred${Date.now()}`,
            dateOfBirth: '2018-05-06',
          },
        }),
      },
    );
    expect(submitted.errors).toBeUndefined();
    const { id, reference } = submitted.data!.submitReferral;

    const mine = await hub.gql<{ myReferral: { id: string; reference: string; status: string } }>(
      gpReferrer,
      MY_REFERRAL,
      { id },
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.myReferral).toMatchObject({ id, reference, status: 'RECEIVED' });

    const colleague = await hub.token({ agency: 'health', roles: ['PARTNER_REFERRER'], sub: unique('gp') });
    const theirs = await hub.gql(colleague, MY_REFERRAL, { id });
    expect(theirs.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });
});
