import { unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type GqlResult, type TestHub } from './support/test-hub';

/**
 * The triage queue's row scope when a viewer holds several relationship sources at once (a health
 * practitioner who also refers): the page is the union of one keyset scan per source, so paging
 * must return each referral in scope exactly once, in order, and nothing outside it. Its own
 * database, so the queue holds only the referrals made here.
 */
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: AMBER, rationale: "Fictional rationale", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $agency: String!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: [$agency], expectedVersion: $v) { version } }`;
const QUEUE = `query($first: Int!, $after: String, $purpose: Purpose!) {
  referrals(first: $first, after: $after, purpose: $purpose) { edges { node { id } } pageInfo { hasNextPage endCursor } }
}`;

type Page = {
  referrals: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};

describe('the triage queue for a viewer with several relationships: one row per referral in scope', () => {
  let hub: TestHub;
  let worker: string;
  let healthReferrer: string;
  let otherReferrer: string;
  let policeOfficer: string;

  beforeAll(async () => {
    hub = await startTestHub({}, { databaseUrl: await dedicatedDatabaseUrl('queue_scope') });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    healthReferrer = await hub.token({
      agency: 'health',
      roles: ['HEALTH_MASH_PRACTITIONER', 'PARTNER_REFERRER'],
      sub: unique('hv'),
    });
    otherReferrer = await hub.token({ agency: 'health', roles: ['PARTNER_REFERRER'], sub: unique('gp') });
    policeOfficer = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  async function referral(by: string, checkFor: string | null): Promise<string> {
    const r = await hub.gql<{ submitReferral: { id: string } }>(by, SUBMIT, {
      key: unique('k'),
      input: {
        subjects: [
          {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Testy',
              familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
              dateOfBirth: '2017-05-06',
            },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative',
        consentSought: true,
        consentGiven: true,
        referrerContact: 'Fictional',
      },
    });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    const id = r.data!.submitReferral.id;
    if (checkFor) {
      const rated = await hub.gql<{ rateReferral: { version: number } }>(worker, RATE, { id, v: 1 });
      const checked = await hub.gql(worker, CHECKS, { id, agency: checkFor, v: rated.data!.rateReferral.version });
      if (checked.errors) throw new Error(JSON.stringify(checked.errors));
    }
    return id;
  }

  async function everyPage(token: string, first: number, purpose = 'AGENCY_CHECK'): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const r: GqlResult<Page> = await hub.gql<Page>(token, QUEUE, { first, after, purpose });
      expect(r.errors).toBeUndefined();
      ids.push(...r.data!.referrals.edges.map((e) => e.node.id));
      if (!r.data!.referrals.pageInfo.hasNextPage) break;
      after = r.data!.referrals.pageInfo.endCursor;
    }
    return ids;
  }

  it('given referrals they submitted, referrals with a check for their agency, both, and neither, when paged one and two at a time, then each of theirs comes once and the others never', async () => {
    const submitted = await referral(healthReferrer, null);
    const checked = await referral(otherReferrer, 'health');
    const both = await referral(healthReferrer, 'health');
    const neither = await referral(otherReferrer, 'police');

    // The queue order, as the social worker (who sees every referral) reads it.
    const all = await everyPage(worker, 10, 'TRIAGE');
    expect(all.sort()).toEqual([submitted, checked, both, neither].sort());
    const order = await everyPage(worker, 10, 'TRIAGE');
    const expected = order.filter((id) => id !== neither);

    expect(await everyPage(healthReferrer, 1)).toEqual(expected);
    expect(await everyPage(healthReferrer, 2)).toEqual(expected);
    // The police officer reaches only the referral with a police check.
    expect(await everyPage(policeOfficer, 1)).toEqual([neither]);
  });
});
