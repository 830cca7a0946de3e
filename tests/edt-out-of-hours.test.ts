import { unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 24 (ADR 017): the emergency duty team records an out-of-hours contact, which lands in the
 * morning's triage queue flagged as out of hours. The flag is the hub's (the submitter held the EDT
 * role), never the client's say; the EDT worker gains no read of the queue or the child by it.
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const QUEUE = `query { referrals(purpose: TRIAGE, first: 100) { edges { node { id outOfHours source } } } }`;
const COUNT = `SELECT count(*)::int AS n FROM referral`;

describe('an out-of-hours contact from the emergency duty team', () => {
  let hub: TestHub;
  let edt: string;
  let worker: string;
  let clinician: string;

  beforeAll(async () => {
    // A database of its own: the queue holds this story's contacts only, whatever other stories left in it.
    hub = await startTestHub({}, { databaseUrl: await dedicatedDatabaseUrl('edt_out_of_hours') });
    edt = await hub.token({ agency: 'social-care', roles: ['EDT_SOCIAL_WORKER'], sub: unique('edt') });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: unique('worker') });
    clinician = await hub.token({ agency: 'health', roles: ['UNSCHEDULED_CARE_CLINICIAN'], sub: unique('clinician') });
  });
  afterAll(() => hub.close());

  const input = (overrides: Record<string, unknown> = {}) => ({
    subjects: [
      {
        newPerson: {
          kind: 'CHILD',
          givenName: 'Testy',
          familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
          dateOfBirth: '2014-03-04',
        },
      },
    ],
    concernCategories: ['PHYSICAL_ABUSE'],
    narrative: 'Fictional narrative: the emergency department called at 02:10 about an injury.',
    consentSought: false,
    consentReason: 'Fictional: the parent could not be reached at night',
    lawfulBasis: 'SAFEGUARDING_CHILDREN_AT_RISK',
    source: 'HEALTH_A_AND_E',
    ...overrides,
  });
  const count = async () => ((await hub.db.query(COUNT)) as Array<{ n: number }>)[0]!.n;

  it('given an EDT social worker at night, when they record the contact, then the MASH sees it in the morning queue flagged out of hours, with its source', async () => {
    const r = await hub.gql<{ submitReferral: { id: string } }>(edt, SUBMIT, { input: input(), key: unique('k') });
    expect(r.errors).toBeUndefined();
    const id = r.data!.submitReferral.id;

    const queue = await hub.gql<{
      referrals: { edges: Array<{ node: { id: string; outOfHours: boolean; source: string } }> };
    }>(worker, QUEUE);
    expect(queue.errors).toBeUndefined();
    expect(queue.data!.referrals.edges.map((e) => e.node).find((n) => n.id === id)).toEqual({
      id,
      outOfHours: true,
      source: 'HEALTH_A_AND_E',
    });
  });

  it('given a MASH social worker taking a call in the day, when they record the contact, then it is not flagged out of hours', async () => {
    const r = await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
      input: input({ source: 'INDIVIDUAL_FAMILY' }),
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    const queue = await hub.gql<{ referrals: { edges: Array<{ node: { id: string; outOfHours: boolean } }> } }>(
      worker,
      QUEUE,
    );
    expect(
      queue.data!.referrals.edges.map((e) => e.node).find((n) => n.id === r.data!.submitReferral.id),
    ).toMatchObject({ outOfHours: false });
  });

  it('given the EDT worker, when they ask for the queue, then FORBIDDEN: recording a contact opens no reading of the MASH’s work', async () => {
    const r = await hub.gql(edt, QUEUE);
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.data?.referrals ?? null).toBeNull();
  });

  it('given an unscheduled-care clinician, when they try to record a contact, then FORBIDDEN and nothing is stored (they use the flag view and their own agency’s referral route)', async () => {
    const before = await count();
    const r = await hub.gql(clinician, SUBMIT, { input: input(), key: unique('k') });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await count()).toBe(before);
  });

  it('given the EDT worker, when the input names a source that is not a census code, then BAD_USER_INPUT naming the field and nothing is stored', async () => {
    const before = await count();
    const r = await hub.gql(edt, SUBMIT, { input: input({ source: 'NIGHT_CALL' }), key: unique('k') });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count()).toBe(before);
  });
});
