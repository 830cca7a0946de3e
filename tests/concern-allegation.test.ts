import { unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 20 (the demo, plausible): a contact alleging that someone who works with children has harmed a
 * child is its own concern category, the LADO route (Working Together 2023 ch. 2; KCSIE part 4), so the
 * MASH can find such contacts and the demo can send only those to the LADO.
 */

const CATEGORY = 'ALLEGATION_AGAINST_PERSON_WORKING_WITH_CHILDREN';
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const READ = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { id concernCategories } }`;
const QUEUE = `query($filter: ReferralFilter) { referrals(purpose: TRIAGE, filter: $filter, first: 50) { edges { node { id concernCategories } } } }`;

describe('a contact alleging harm by someone who works with children', () => {
  let hub: TestHub;
  let worker: string;
  let teacher: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: unique('worker') });
    teacher = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
  });
  afterAll(() => hub.close());

  const input = (narrative: string, concernCategories: string[]) => ({
    source: 'SCHOOLS',
    referrerOrganisation: 'Fictional Primary School',
    referrerRole: 'Designated safeguarding lead',
    subjects: [
      {
        newPerson: {
          kind: 'CHILD',
          givenName: 'Testy',
          familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
          dateOfBirth: '2016-02-03',
        },
      },
    ],
    concernCategories,
    narrative,
    consentSought: false,
    consentReason: 'Fictional: the parents are not yet to be told while the LADO is consulted',
    lawfulBasis: 'SAFEGUARDING_CHILDREN_AT_RISK',
  });

  it('given a school’s designated safeguarding lead, when they report an allegation against a sports coach, then the MASH reads the category and finds the contact by it', async () => {
    const r = await hub.gql<{ submitReferral: { id: string } }>(teacher, SUBMIT, {
      input: input('Fictional: a child says the after-school coach grabbed and bruised their arm.', [CATEGORY]),
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    const id = r.data!.submitReferral.id;

    const read = await hub.gql<{ referral: { concernCategories: string[] } }>(worker, READ, { id });
    const queue = await hub.gql<{ referrals: { edges: Array<{ node: { id: string; concernCategories: string[] } }> } }>(
      worker,
      QUEUE,
      { filter: { concernCategories: [CATEGORY] } },
    );

    expect(read.errors).toBeUndefined();
    expect(read.data!.referral.concernCategories).toEqual([CATEGORY]);
    expect(queue.errors).toBeUndefined();
    const nodes = queue.data!.referrals.edges.map((e) => e.node);
    expect(nodes.map((n) => n.id)).toContain(id);
    expect(nodes.every((n) => n.concernCategories.includes(CATEGORY))).toBe(true);
  });

  it('given a category the vocabulary does not have, when a contact is submitted with it, then it is refused naming the value and nothing is stored', async () => {
    const narrative = `Fictional: an allegation in words the hub does not know ${unique('n')}`;
    const r = await hub.gql(teacher, SUBMIT, {
      input: input(narrative, ['ALLEGATION_AGAINST_STAFF']),
      key: unique('k'),
    });

    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toContain('ALLEGATION_AGAINST_STAFF');
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM referral WHERE narrative = $1`, [
      narrative,
    ])) as Array<{ n: number }>;
    expect(n).toBe(0);
  });
});
