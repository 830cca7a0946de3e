import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_POLICY } from '../src/access-policy/policy';
import { unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * The triage queue for a MASH team (issue 19 §3): filtered by person and unassigned, sorted by RAG
 * as well as by due time, and counted for a dashboard header without paging — under the same row
 * scope as the queue (an officer counts only referrals addressed to their agency) and the filter
 * guard (a viewer who may not read case metadata may not count it). Stories through the API, on a
 * database of their own so the counts are exact.
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const SUBJECTS = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { subjects { id } } }`;
const RATE = `mutation($id: ID!, $rag: Rag!, $v: Int!) { rateReferral(id: $id, rag: $rag, rationale: "Fictional rationale", expectedVersion: $v) { version } }`;
const ASSIGN = `mutation($id: ID!, $v: Int!) { assignReferral(id: $id, assignee: { sub: "sw-1", name: "Fictional Worker" }, expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $agencies: [String!]!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: $agencies, expectedVersion: $v) { version } }`;
const QUEUE = `query($filter: ReferralFilter, $orderBy: ReferralOrder, $first: Int, $after: String, $purpose: Purpose!) {
  referrals(purpose: $purpose, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    edges { cursor node { id rag decisionDueAt assignedToSub } } pageInfo { hasNextPage endCursor }
  }
}`;
const COUNTS = `query($filter: ReferralFilter, $purpose: Purpose!) {
  referrals(purpose: $purpose, filter: $filter, first: 1) {
    counts { total breached unassigned byRag { key count } byStatus { key count } waitingOn { key count } }
  }
}`;

type Node = { id: string; rag: string | null; decisionDueAt: string; assignedToSub: string | null };
type Page = {
  referrals: {
    edges: Array<{ cursor: string; node: Node }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};
type Counts = {
  referrals: {
    counts: { total: number; breached: number; unassigned: number; byRag: KC[]; byStatus: KC[]; waitingOn: KC[] };
  };
};
type KC = { key: string; count: number };

describe('the triage queue: filters, RAG order and counts', () => {
  let hub: TestHub;
  let narrowed: TestHub;
  let dataDir: string;
  let worker: string;
  let police: string;
  let health: string;
  let referrer: string;
  const ids = {} as Record<'red' | 'amber' | 'green' | 'unrated' | 'breachedRed', string>;
  let childId: string;

  beforeAll(async () => {
    const databaseUrl = await dedicatedDatabaseUrl('queue_filters');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-queue-'));
    const policyFile = path.join(dataDir, 'narrowed-policy.json');
    const deny = {
      description: 'Test: police officers see no case metadata',
      effect: 'deny',
      classes: ['CASE_METADATA'],
      roles: ['POLICE_MASH_OFFICER'],
      reason: 'NEED_TO_KNOW',
    };
    fs.writeFileSync(policyFile, JSON.stringify({ ...DEFAULT_POLICY, rules: [deny, ...DEFAULT_POLICY.rules] }));
    hub = await startTestHub({ MASH_DATA_DIR: dataDir }, { databaseUrl });
    narrowed = await startTestHub({ MASH_DATA_DIR: dataDir, MASH_POLICY_FILE: policyFile }, { databaseUrl });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });

    const submit = async (subject: Record<string, unknown>) => {
      const r = await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
        key: unique('k'),
        input: {
          subjects: [subject],
          concernCategories: ['NEGLECT'],
          narrative: 'Fictional narrative',
          consentSought: true,
          consentGiven: true,
        },
      });
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data!.submitReferral.id;
    };
    const child = () => ({
      newPerson: {
        kind: 'CHILD',
        givenName: 'Testy',
        familyName: `Fictional${crypto.randomInt(1e6)}`,
        dateOfBirth: '2016-01-02',
      },
    });
    const ok = async (token: string, q: string, vars: Record<string, unknown>) => {
      const r = await hub.gql(token, q, vars);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
    };
    // GREEN, unassigned. AMBER, assigned, awaiting police. RED awaiting police and health. Unrated. A breached RED.
    ids.green = await submit(child());
    await ok(worker, RATE, { id: ids.green, rag: 'GREEN', v: 1 });
    ids.amber = await submit(child());
    await ok(worker, RATE, { id: ids.amber, rag: 'AMBER', v: 1 });
    await ok(worker, ASSIGN, { id: ids.amber, v: 2 });
    await ok(worker, CHECKS, { id: ids.amber, agencies: ['police'], v: 3 });
    ids.red = await submit(child());
    await ok(worker, RATE, { id: ids.red, rag: 'RED', v: 1 });
    await ok(worker, CHECKS, { id: ids.red, agencies: ['police', 'health'], v: 2 });
    ids.unrated = await submit(child());
    ids.breachedRed = await submit(child());
    await ok(worker, RATE, { id: ids.breachedRed, rag: 'RED', v: 1 });
    await hub.db.query(`UPDATE referral SET decision_due_at = now() - interval '1 hour' WHERE id = $1`, [
      ids.breachedRed,
    ]);
    // The red referral's child is referred again (unrated).
    const s = await hub.gql<{ referral: { subjects: Array<{ id: string }> } }>(worker, SUBJECTS, { id: ids.red });
    childId = s.data!.referral.subjects[0]!.id;
    await submit({ personId: childId });
  });
  afterAll(async () => {
    await Promise.all([hub?.close(), narrowed?.close()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('given the queue, when the worker orders it by RAG and pages through it, then red comes first (breached red, due earliest, before red), then amber, green and the unrated, and the pages join up', async () => {
    const seen: Node[] = [];
    let after: string | null = null;
    for (;;) {
      const r: Awaited<ReturnType<typeof hub.gql<Page>>> = await hub.gql<Page>(worker, QUEUE, {
        orderBy: 'RAG',
        first: 2,
        after,
        purpose: 'TRIAGE',
      });
      expect(r.errors).toBeUndefined();
      seen.push(...r.data!.referrals.edges.map((e) => e.node));
      if (!r.data!.referrals.pageInfo.hasNextPage) break;
      after = r.data!.referrals.pageInfo.endCursor;
    }
    expect(seen.map((n) => n.rag)).toEqual(['RED', 'RED', 'AMBER', 'GREEN', null, null]);
    expect(seen.slice(0, 2).map((n) => n.id)).toEqual([ids.breachedRed, ids.red]);
    expect(new Set(seen.map((n) => n.id)).size).toBe(6);
    // The default order is still by due time.
    const due = await hub.gql<Page>(worker, QUEUE, { first: 10, purpose: 'TRIAGE' });
    const times = due.data!.referrals.edges.map((e) => Date.parse(e.node.decisionDueAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // A cursor belongs to its order.
    const mixed = await hub.gql(worker, QUEUE, {
      first: 2,
      after: due.data!.referrals.pageInfo.endCursor,
      orderBy: 'RAG',
      purpose: 'TRIAGE',
    });
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('given a child referred twice, when the worker filters the queue by the person, then both referrals and only they are listed; a malformed person id is refused naming the field', async () => {
    const r = await hub.gql<Page>(worker, QUEUE, { filter: { personId: childId }, first: 10, purpose: 'TRIAGE' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.referrals.edges).toHaveLength(2);
    expect(r.data!.referrals.edges.map((e) => e.node.id)).toContain(ids.red);
    const bad = await hub.gql(worker, QUEUE, { filter: { personId: 'not-a-uuid' }, first: 10, purpose: 'TRIAGE' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(String(bad.errors?.[0]?.extensions?.field)).toContain('personId');
  });

  it('given assigned and unassigned referrals, when the worker filters on unassigned, then only those assigned to nobody are listed (and with false only the assigned one)', async () => {
    const none = await hub.gql<Page>(worker, QUEUE, { filter: { unassigned: true }, first: 10, purpose: 'TRIAGE' });
    expect(none.errors).toBeUndefined();
    expect(none.data!.referrals.edges).toHaveLength(5);
    expect(none.data!.referrals.edges.every((e) => e.node.assignedToSub === null)).toBe(true);
    const some = await hub.gql<Page>(worker, QUEUE, { filter: { unassigned: false }, first: 10, purpose: 'TRIAGE' });
    expect(some.data!.referrals.edges.map((e) => e.node.id)).toEqual([ids.amber]);
  });

  it('given the queue, when the worker asks for counts, then the whole queue is counted by RAG, status, breached, unassigned and agency waited on, whatever the page size', async () => {
    const r = await hub.gql<Counts>(worker, COUNTS, { purpose: 'TRIAGE' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.referrals.counts).toEqual({
      total: 6,
      breached: 1,
      unassigned: 5,
      byRag: [
        { key: 'AMBER', count: 1 },
        { key: 'GREEN', count: 1 },
        { key: 'RED', count: 2 },
        { key: 'UNRATED', count: 2 },
      ],
      byStatus: [
        { key: 'AWAITING_CHECKS', count: 2 },
        { key: 'RECEIVED', count: 2 },
        { key: 'SCREENED', count: 2 },
      ],
      waitingOn: [
        { key: 'health', count: 1 },
        { key: 'police', count: 2 },
      ],
    });
    // Under a filter: the counts follow it.
    const red = await hub.gql<Counts>(worker, COUNTS, { filter: { rag: ['RED'] }, purpose: 'TRIAGE' });
    expect(red.data!.referrals.counts).toMatchObject({ total: 2, breached: 1, byRag: [{ key: 'RED', count: 2 }] });
  });

  it('given a police officer, when they count the queue, then only the referrals addressed to the police are counted; the health practitioner counts only theirs', async () => {
    const p = await hub.gql<Counts>(police, COUNTS, { purpose: 'AGENCY_CHECK' });
    expect(p.errors).toBeUndefined();
    expect(p.data!.referrals.counts).toMatchObject({
      total: 2,
      breached: 0,
      byRag: [
        { key: 'AMBER', count: 1 },
        { key: 'RED', count: 1 },
      ],
    });
    const h = await hub.gql<Counts>(health, COUNTS, { purpose: 'AGENCY_CHECK' });
    expect(h.data!.referrals.counts).toMatchObject({ total: 1, byRag: [{ key: 'RED', count: 1 }] });
  });

  it('given a policy denying case metadata to police officers, when the officer asks for counts or orders by RAG, then counts are FORBIDDEN and the RAG order falls back to no order; a referrer is refused the queue', async () => {
    const c = await narrowed.gql(police, COUNTS, { purpose: 'AGENCY_CHECK' });
    expect(c.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['FORBIDDEN', 'counts']]);
    const byRag = await narrowed.gql<Page>(police, QUEUE, { orderBy: 'RAG', first: 10, purpose: 'AGENCY_CHECK' });
    expect(byRag.errors).toBeUndefined();
    const byId = byRag.data!.referrals.edges.map((e) => e.node);
    expect(byId.every((n) => n.id === null && n.rag === null)).toBe(true);
    expect(byId).toHaveLength(2);
    const unassigned = await narrowed.gql(police, QUEUE, {
      filter: { unassigned: true },
      first: 10,
      purpose: 'AGENCY_CHECK',
    });
    expect(unassigned.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([
      ['FORBIDDEN', 'filter.unassigned'],
    ]);

    const byReferrer = await hub.gql(referrer, COUNTS, { purpose: 'DIRECT_CARE' });
    expect(byReferrer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(byReferrer.data).toBeNull();
  });

  // Last: it adds a referral the counts above do not expect.
  it('given referrals with different concerns, when the worker filters on concern categories, then only those with any of them are listed; a police officer filters only the referrals addressed to the police; an unknown category is refused', async () => {
    const missingId = (
      await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
        key: unique('k'),
        input: {
          subjects: [
            {
              newPerson: {
                kind: 'CHILD',
                givenName: 'Testy',
                familyName: 'Fictionalmissing',
                dateOfBirth: '2012-01-02',
              },
            },
          ],
          concernCategories: ['MISSING', 'CRIMINAL_EXPLOITATION'],
          narrative: 'Fictional narrative',
          consentSought: true,
          consentGiven: true,
        },
      })
    ).data!.submitReferral.id;
    const r = await hub.gql<Page>(worker, QUEUE, {
      filter: { concernCategories: ['CRIMINAL_EXPLOITATION', 'RADICALISATION'] },
      first: 10,
      purpose: 'TRIAGE',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.referrals.edges.map((e) => e.node.id)).toEqual([missingId]);
    const neglect = await hub.gql<Page>(worker, QUEUE, {
      filter: { concernCategories: ['NEGLECT'] },
      first: 10,
      purpose: 'TRIAGE',
    });
    expect(neglect.data!.referrals.edges).toHaveLength(6);
    // The police reach two neglect referrals (their checks): the filter narrows those, nothing else.
    const p = await hub.gql<Page>(police, QUEUE, {
      filter: { concernCategories: ['NEGLECT', 'MISSING'] },
      first: 10,
      purpose: 'AGENCY_CHECK',
    });
    expect(p.errors).toBeUndefined();
    expect(p.data!.referrals.edges.map((e) => e.node.id).sort()).toEqual([ids.amber, ids.red].sort());
    // Under a purpose that does not let them read summaries, the filter is refused.
    const direct = await hub.gql(police, QUEUE, {
      filter: { concernCategories: ['NEGLECT'] },
      first: 10,
      purpose: 'DIRECT_CARE',
    });
    expect(direct.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([
      ['FORBIDDEN', 'filter.concernCategories'],
    ]);
    const bad = await hub.gql(worker, QUEUE, {
      filter: { concernCategories: ['NOT_A_CATEGORY'] },
      first: 10,
      purpose: 'TRIAGE',
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
