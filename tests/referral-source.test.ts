import { unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 19 §1 (ADR 019): a contact records who made it — a census referral-source code — apart from the
 * hub user who typed it in, with the referrer's organisation and role.
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const READ = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { id source referrerAgency referrerOrganisation referrerRole } }`;
const QUEUE = `query($filter: ReferralFilter) { referrals(purpose: TRIAGE, filter: $filter, first: 50) { edges { node { id source } } } }`;

describe('the source of a contact', () => {
  let hub: TestHub;
  let worker: string;
  let policeReferrer: string;
  let teacherSub: string;
  let teacher: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: unique('worker') });
    policeReferrer = await hub.token({ agency: 'police', roles: ['PARTNER_REFERRER'], sub: unique('officer') });
    teacherSub = unique('teacher');
    teacher = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: teacherSub });
  });
  afterAll(() => hub.close());

  const input = (overrides: Record<string, unknown> = {}) => ({
    subjects: [
      {
        newPerson: {
          kind: 'CHILD',
          givenName: 'Testy',
          familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
          dateOfBirth: '2015-02-03',
        },
      },
    ],
    concernCategories: ['NEGLECT'],
    narrative: 'Fictional narrative: a neighbour hears shouting every night.',
    consentSought: false,
    consentReason: 'Fictional: the caller fears for the child if the parents are told',
    lawfulBasis: 'SAFEGUARDING_CHILDREN_AT_RISK',
    ...overrides,
  });

  async function submit(token: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const r = await hub.gql<{ submitReferral: { id: string } }>(token, SUBMIT, {
      input: input(overrides),
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    return r.data!.submitReferral.id;
  }

  async function read(id: string) {
    const r = await hub.gql<{ referral: Record<string, unknown> }>(worker, READ, { id });
    expect(r.errors).toBeUndefined();
    return r.data!.referral;
  }

  it('given a MASH worker taking a neighbour’s call, when they record the source, then the contact is the neighbour’s, not social care’s', async () => {
    const id = await submit(worker, { source: 'INDIVIDUAL_ACQUAINTANCE', referrerRole: 'Neighbour' });
    expect(await read(id)).toMatchObject({
      source: 'INDIVIDUAL_ACQUAINTANCE',
      referrerAgency: 'social-care',
      referrerOrganisation: null,
      referrerRole: 'Neighbour',
    });
  });

  it('given a police officer’s submission without a source, then the source is the police (what the agency kind proves)', async () => {
    const id = await submit(policeReferrer);
    expect(await read(id)).toMatchObject({ source: 'POLICE', referrerAgency: 'police' });
  });

  it('given a teacher’s submission, then the source is what they say (a school, with its name and their role), else unknown — never guessed', async () => {
    const told = await submit(teacher, {
      source: 'SCHOOLS',
      referrerOrganisation: 'Fictional Primary School',
      referrerRole: 'Designated safeguarding lead',
    });
    expect(await read(told)).toMatchObject({
      source: 'SCHOOLS',
      referrerOrganisation: 'Fictional Primary School',
      referrerRole: 'Designated safeguarding lead',
    });
    const untold = await submit(teacher);
    expect(await read(untold)).toMatchObject({ source: 'UNKNOWN' });
  });

  it('given an unknown source code or an organisation with a NUL byte, then BAD_USER_INPUT naming the field, and nothing is stored', async () => {
    const count = async () =>
      Number(
        (
          (await hub.db.query(`SELECT count(*) AS n FROM referral WHERE referrer_sub = $1`, [teacherSub])) as Array<{
            n: string;
          }>
        )[0]!.n,
      );
    const before = await count();
    const badCode = await hub.gql(teacher, SUBMIT, { input: input({ source: 'NEIGHBOUR' }), key: unique('k') });
    expect(badCode.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badText = await hub.gql(teacher, SUBMIT, {
      input: input({ referrerOrganisation: 'Fictional\u0000School' }),
      key: unique('k'),
    });
    expect(badText.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(badText.errors)).toContain('referrerOrganisation');
    expect(await count()).toBe(before);
  });

  it('given the triage queue, then MASH staff may filter it by source and by the referrer’s organisation; a partner referrer may not read the queue at all', async () => {
    const neighbour = await submit(worker, { source: 'INDIVIDUAL_ACQUAINTANCE' });
    const police = await submit(policeReferrer);
    const r = await hub.gql<{ referrals: { edges: Array<{ node: { id: string; source: string } }> } }>(worker, QUEUE, {
      filter: { source: ['INDIVIDUAL_ACQUAINTANCE'] },
    });
    expect(r.errors).toBeUndefined();
    const ids = r.data!.referrals.edges.map((e) => e.node.id);
    expect(ids).toContain(neighbour);
    expect(ids).not.toContain(police);
    expect(r.data!.referrals.edges.every((e) => e.node.source === 'INDIVIDUAL_ACQUAINTANCE')).toBe(true);

    const denied = await hub.gql(teacher, QUEUE, { filter: { source: ['POLICE'] } });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const school = await submit(teacher, {
      source: 'SCHOOLS',
      referrerOrganisation: `Fictional School ${neighbour.slice(0, 8)}`,
    });
    const bySchool = await hub.gql<{ referrals: { edges: Array<{ node: { id: string } }> } }>(worker, QUEUE, {
      filter: { referrerOrganisation: `fictional school ${neighbour.slice(0, 8)}` },
    });
    expect(bySchool.errors).toBeUndefined();
    expect(bySchool.data!.referrals.edges.map((e) => e.node.id)).toEqual([school]);
    expect(
      (await hub.gql(teacher, QUEUE, { filter: { referrerOrganisation: 'x' } })).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
  });
});
