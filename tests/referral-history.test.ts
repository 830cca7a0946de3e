import { auditFor, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * The child's history at triage (issue 19 §3): "has this child been referred before?". A person's
 * referrals and a referral's earlier referrals about the same child, under the same row scope as a
 * referral read (a referral the viewer has no relationship with is not listed), field by field under
 * the sensitivity classes, and audited like any other read. Stories through the API.
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id reference } }`;
const SUBJECTS = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { subjects { id } } }`;
const PREVIOUS = `query($id: ID!, $purpose: Purpose!) {
  referral(id: $id, purpose: $purpose) { id reference previousReferrals { id reference receivedAt status decisionOutcome narrative } }
}`;
const PERSON = `query($id: ID!, $purpose: Purpose!) { person(id: $id, purpose: $purpose) { id referrals { id reference receivedAt status decisionOutcome } } }`;
const READ = `query($id: ID!) { referral(id: $id, purpose: AGENCY_CHECK) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: AMBER, rationale: "Fictional rationale", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $agencies: [String!]!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: $agencies, expectedVersion: $v) { version } }`;
const WITHDRAW = `mutation($id: ID!, $v: Int!) { withdrawReferral(id: $id, reason: "Fictional: no further action at contact", expectedVersion: $v) { status } }`;

type Earlier = {
  id: string;
  reference: string;
  receivedAt: string;
  status: string;
  decisionOutcome: string | null;
  narrative: string | null;
};

describe("the child's history at triage", () => {
  let hub: TestHub;
  let worker: string;
  let police: string;
  let referrer: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
  });
  afterAll(() => hub.close());

  const base = {
    concernCategories: ['NEGLECT'],
    narrative: 'Fictional narrative: the child is often hungry at school.',
    consentSought: true,
    consentGiven: true,
  };

  async function submit(token: string, subject: Record<string, unknown>) {
    const r = await hub.gql<{ submitReferral: { id: string; reference: string } }>(token, SUBMIT, {
      input: { ...base, subjects: [subject] },
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    return r.data!.submitReferral;
  }

  /** A child referred twice: the first contact closed with no further action, the second just received. */
  async function referredTwice(firstBy = worker) {
    const newPerson = {
      kind: 'CHILD',
      givenName: 'Testy',
      familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
      dateOfBirth: '2017-02-03',
    };
    const first = await submit(firstBy, { newPerson });
    const s = await hub.gql<{ referral: { subjects: Array<{ id: string }> } }>(worker, SUBJECTS, { id: first.id });
    expect(s.errors).toBeUndefined();
    const personId = s.data!.referral.subjects[0]!.id;
    expect((await hub.gql(worker, WITHDRAW, { id: first.id, v: 1 })).errors).toBeUndefined();
    // The first contact was received a month ago.
    await hub.db.query(`UPDATE referral SET received_at = now() - interval '30 days' WHERE id = $1`, [first.id]);
    const second = await submit(worker, { personId });
    return { first, second, personId };
  }

  async function checkFrom(referralId: string, agency: string) {
    expect((await hub.gql(worker, RATE, { id: referralId, v: 1 })).errors).toBeUndefined();
    expect((await hub.gql(worker, CHECKS, { id: referralId, agencies: [agency], v: 2 })).errors).toBeUndefined();
  }

  it('given a child referred twice, when the worker triages the second, then the first referral shows with its reference, date, status and outcome, and the read is audited for the child', async () => {
    const { first, second, personId } = await referredTwice();

    const r = await hub.gql<{ referral: { previousReferrals: Earlier[] } }>(worker, PREVIOUS, {
      id: second.id,
      purpose: 'TRIAGE',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.referral.previousReferrals).toEqual([
      expect.objectContaining({
        id: first.id,
        reference: first.reference,
        status: 'WITHDRAWN',
        decisionOutcome: null,
        narrative: base.narrative,
      }),
    ]);
    expect(Date.parse(r.data!.referral.previousReferrals[0]!.receivedAt)).toBeLessThan(Date.now() - 29 * 24 * 3600_000);

    // The person shows both, newest first.
    const p = await hub.gql<{ person: { referrals: Earlier[] } }>(worker, PERSON, { id: personId, purpose: 'TRIAGE' });
    expect(p.errors).toBeUndefined();
    expect(p.data!.person.referrals.map((x) => x.reference)).toEqual([second.reference, first.reference]);

    // Audited like any other read: the child is a subject of the disclosure.
    const audit = await auditFor(hub, p.headers.get('x-request-id')!);
    const disclosure = audit.find((a) => a.person_id === personId);
    expect(disclosure?.released).toEqual(
      expect.arrayContaining(['Person.referrals', 'Referral.reference', 'Referral.status']),
    );
  });

  it('given a child referred twice, when the first referral is read, then the later one is not listed as previous to it', async () => {
    const { first, second } = await referredTwice();
    const r = await hub.gql<{ referral: { previousReferrals: Earlier[] } }>(worker, PREVIOUS, {
      id: first.id,
      purpose: 'TRIAGE',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.referral.previousReferrals.map((x) => x.id)).not.toContain(second.id);
    expect(r.data!.referral.previousReferrals).toEqual([]);
  });

  it('given a police officer with a check on the second referral only, when they read its history, then the first referral is not listed and cannot be read; with a check on the first too, it is', async () => {
    const { first, second, personId } = await referredTwice();
    await checkFrom(second.id, 'police');

    const r = await hub.gql<{ referral: { previousReferrals: Earlier[] } }>(police, PREVIOUS, {
      id: second.id,
      purpose: 'AGENCY_CHECK',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.referral.previousReferrals).toEqual([]);
    const p = await hub.gql<{ person: { referrals: Earlier[] } }>(police, PERSON, {
      id: personId,
      purpose: 'AGENCY_CHECK',
    });
    expect(p.errors).toBeUndefined();
    expect(p.data!.person.referrals.map((x) => x.id)).toEqual([second.id]);
    const direct = await hub.gql(police, READ, { id: first.id });
    expect(direct.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // A relationship with the first referral (a check addressed to the police on it) brings it into view.
    await hub.db.query(
      `INSERT INTO agency_check (referral_id, agency, status, requested_at, requested_by, due_at) VALUES ($1, 'police', 'REQUESTED', now(), 'test', now() + interval '1 day')`,
      [first.id],
    );
    const again = await hub.gql<{ referral: { previousReferrals: Earlier[] } }>(police, PREVIOUS, {
      id: second.id,
      purpose: 'AGENCY_CHECK',
    });
    expect(again.errors).toBeUndefined();
    expect(again.data!.referral.previousReferrals.map((x) => x.id)).toEqual([first.id]);
  });

  it('given a police officer with no relationship to either referral, then neither the referral nor the person is found', async () => {
    const { second, personId } = await referredTwice();
    const r = await hub.gql(police, PREVIOUS, { id: second.id, purpose: 'AGENCY_CHECK' });
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const p = await hub.gql(police, PERSON, { id: personId, purpose: 'AGENCY_CHECK' });
    expect(p.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('given a referrer who made the first referral, then they never see the child’s history: the person and referral reads are refused', async () => {
    const { second, personId } = await referredTwice(referrer);
    const p = await hub.gql(referrer, PERSON, { id: personId, purpose: 'DIRECT_CARE' });
    expect(p.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(p.data?.person ?? null).toBeNull();
    const r = await hub.gql(referrer, PREVIOUS, { id: second.id, purpose: 'DIRECT_CARE' });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
