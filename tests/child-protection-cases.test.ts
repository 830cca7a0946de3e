import { auditFor, fakeNhsNumber, givenImportedPerson, givenPerson } from './support/factories';
import { childProtectionSteps } from './support/child-protection';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * The child protection list (ADR 034): one stage of the pathway per page, for the children whose case
 * the viewer works, soonest due first, with its counts. Only the rows listed are read, so the audit
 * names only the children listed. Today is December 2026: a discussion in October has an overdue
 * initial conference; one on the last day of November does not.
 */

const CASES = `query($purpose: Purpose!, $filter: ChildProtectionCaseFilterInput!, $first: Int, $after: String) {
  childProtectionCases(purpose: $purpose, filter: $filter, first: $first, after: $after) {
    edges { cursor node { child { id givenName familyName }
      enquiry { id personId status initialConferenceClock { dueOn late } }
      plan { id personId status category nextReviewClock { dueOn late } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const COUNTS = `query($purpose: Purpose!) { childProtectionCounts(purpose: $purpose) {
  openEnquiries awaitingConference conferenceOverdue childrenOnPlan reviewsOverdue } }`;

const londonToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());

type Row = {
  child: { id: string; givenName: string | null } | null;
  enquiry: { id: string; personId: string; status: string; initialConferenceClock: { dueOn: string } | null } | null;
  plan: { id: string; personId: string; category: string | null; nextReviewClock: { dueOn: string } | null } | null;
};
type Page = {
  childProtectionCases: {
    edges: Array<{ cursor: string; node: Row }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};
type Counts = {
  openEnquiries: number;
  awaitingConference: number;
  conferenceOverdue: number;
  childrenOnPlan: number;
  reviewsOverdue: number;
};

describe('the child protection list: a scoped, paginated page of one stage, and its counts', () => {
  let hub: TestHub;
  let worker: string;
  let police: string;
  let probation: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    probation = await hub.token({ agency: 'probation', roles: ['PROBATION_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  const steps = () => childProtectionSteps(hub, worker);
  const givenChild = () => givenPerson(hub, worker, { dateOfBirth: '2019-05-01' });
  const givenOpenEnquiry = async (child: string, discussedOn: string) =>
    steps().start(child, await steps().givenStrategyDiscussion(child, discussedOn));

  /** Every row of one stage, page by page, as the viewer sees it. */
  async function walk(token: string, filter: Record<string, unknown>, first = 2, purpose = 'SECTION_47') {
    const rows: Row[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const r: Awaited<ReturnType<typeof hub.gql<Page>>> = await hub.gql<Page>(token, CASES, {
        purpose,
        filter,
        first,
        after,
      });
      expect(r.errors).toBeUndefined();
      const c = r.data!.childProtectionCases;
      expect(c.edges.length).toBeLessThanOrEqual(first);
      rows.push(...c.edges.map((e) => e.node));
      if (!c.pageInfo.hasNextPage) return rows;
      after = c.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  }
  const itemIds = (rows: Row[]) => rows.map((r) => (r.enquiry ?? r.plan)!.id);

  it('allow: a social worker pages through each stage; every stage lists only its own rows, soonest due first, each once, with the child named', async () => {
    const before = (await hub.gql<{ childProtectionCounts: Counts }>(worker, COUNTS, { purpose: 'SECTION_47' })).data!
      .childProtectionCounts;
    const soon = await givenChild();
    const late = await givenChild();
    const awaiting = await givenChild();
    const open = await givenOpenEnquiry(soon, '2026-11-30');
    const overdue = await givenOpenEnquiry(late, '2026-10-01');
    const concluded = await steps().toConference(await givenOpenEnquiry(awaiting, '2026-11-30'), '2026-12-01');
    const onNeglect = await steps().givenPlan(await givenChild(), '2026-07-01', '2026-07-20', 'NEGLECT');
    const onPhysical = await steps().givenPlan(await givenChild(), '2026-11-02', '2026-11-20', 'PHYSICAL_ABUSE');

    const openRows = await walk(worker, { stage: 'OPEN_ENQUIRY' });
    expect(itemIds(openRows)).toEqual(expect.arrayContaining([open.id, overdue.id]));
    expect(itemIds(openRows)).not.toContain(concluded.id);
    expect(openRows.every((r) => r.enquiry?.status === 'OPEN' && r.plan === null)).toBe(true);
    const dues = openRows.map((r) => r.enquiry!.initialConferenceClock!.dueOn);
    expect(dues).toEqual([...dues].sort());
    expect(new Set(itemIds(openRows)).size).toBe(openRows.length);
    expect(openRows.find((r) => r.enquiry!.id === open.id)!.child).toMatchObject({ id: soon, givenName: 'Testy' });

    const awaitingRows = await walk(worker, { stage: 'AWAITING_CONFERENCE' });
    expect(itemIds(awaitingRows)).toEqual([concluded.id]);
    expect(itemIds(await walk(worker, { stage: 'BEFORE_CONFERENCE' }))).toEqual(
      expect.arrayContaining([open.id, overdue.id, concluded.id]),
    );
    const overdueIds = itemIds(await walk(worker, { stage: 'CONFERENCE_OVERDUE' }));
    expect(overdueIds).toContain(overdue.id);
    expect(overdueIds).not.toContain(open.id);
    const dueSoonIds = itemIds(await walk(worker, { stage: 'CONFERENCE_DUE_SOON' }));
    expect(dueSoonIds).not.toContain(overdue.id);

    const planIds = itemIds(await walk(worker, { stage: 'ON_PLAN' }));
    expect(planIds).toEqual(expect.arrayContaining([onNeglect.plan.id, onPhysical.plan.id]));
    // Initial conference 20 July 2026: the first review was due by 20 October 2026.
    const reviewOverdue = await walk(worker, { stage: 'REVIEW_OVERDUE' });
    expect(itemIds(reviewOverdue)).toContain(onNeglect.plan.id);
    expect(itemIds(reviewOverdue)).not.toContain(onPhysical.plan.id);
    expect(reviewOverdue.every((r) => r.plan!.nextReviewClock!.dueOn < londonToday())).toBe(true);
    expect(reviewOverdue.find((r) => r.plan!.id === onNeglect.plan.id)!.plan!.nextReviewClock!.dueOn).toBe(
      '2026-10-20',
    );

    const after = (await hub.gql<{ childProtectionCounts: Counts }>(worker, COUNTS, { purpose: 'SECTION_47' })).data!
      .childProtectionCounts;
    // Two enquiries open (one overdue), one awaiting, two more children on plans (one review overdue).
    expect(after).toEqual({
      openEnquiries: before.openEnquiries + 2,
      awaitingConference: before.awaitingConference + 1,
      conferenceOverdue: before.conferenceOverdue + 1,
      childrenOnPlan: before.childrenOnPlan + 2,
      reviewsOverdue: before.reviewsOverdue + 1,
    });
    expect(after.openEnquiries).toBe(openRows.length);
    expect(after.awaitingConference).toBe(awaitingRows.length);
  });

  it('the audit of a page names only the children listed on it, not the other children the viewer works', async () => {
    const children = [await givenChild(), await givenChild(), await givenChild()];
    for (const c of children) await givenOpenEnquiry(c, '2026-11-30');

    const r = await hub.gql<Page>(worker, CASES, {
      purpose: 'SECTION_47',
      filter: { stage: 'OPEN_ENQUIRY' },
      first: 1,
    });
    expect(r.errors).toBeUndefined();
    const listed = r.data!.childProtectionCases.edges.map((e) => e.node.child!.id);
    expect(listed).toHaveLength(1);
    expect(r.data!.childProtectionCases.pageInfo.hasNextPage).toBe(true);

    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    const named = [...new Set(audit.flatMap((a) => (a.person_id ? [a.person_id] : [])))];
    expect(named).toEqual(listed);
    expect(audit.find((a) => a.person_id === listed[0])?.released).toEqual(
      expect.arrayContaining(['Person.givenName', 'Section47Enquiry.status']),
    );
    expect(audit.every((a) => a.purpose === 'SECTION_47')).toBe(true);

    const counted = await hub.gql<{ childProtectionCounts: Counts }>(worker, COUNTS, { purpose: 'SECTION_47' });
    expect(counted.errors).toBeUndefined();
    const countAudit = await auditFor(hub, counted.headers.get('x-request-id')!);
    expect(countAudit.filter((a) => a.person_id !== null)).toEqual([]);
  });

  describe('access', () => {
    it('allow: an agency invited to the strategy discussion lists the child under SECTION_47', async () => {
      const child = await givenChild();
      const e = await givenOpenEnquiry(child, '2026-11-30');
      const rows = await walk(police, { stage: 'OPEN_ENQUIRY' }, 20);
      expect(rows.find((r) => r.enquiry?.id === e.id)?.enquiry).toMatchObject({ personId: child, status: 'OPEN' });
    });

    it('deny: an agency that only holds its own record about the child does not list it, and its counts do not count it', async () => {
      const nhsNumber = fakeNhsNumber();
      const child = await givenImportedPerson(hub, 'social-care', { nhsNumber, dateOfBirth: '2019-05-01' });
      expect(await givenImportedPerson(hub, 'probation', { nhsNumber, dateOfBirth: '2019-05-01' })).toBe(child);
      const before = (await hub.gql<{ childProtectionCounts: Counts }>(probation, COUNTS, { purpose: 'SECTION_47' }))
        .data!.childProtectionCounts;
      const e = await givenOpenEnquiry(child, '2026-11-30');

      const rows = await walk(probation, { stage: 'OPEN_ENQUIRY' }, 20);
      expect(itemIds(rows)).not.toContain(e.id);
      expect(rows.map((r) => r.child?.id)).not.toContain(child);
      const after = (await hub.gql<{ childProtectionCounts: Counts }>(probation, COUNTS, { purpose: 'SECTION_47' }))
        .data!.childProtectionCounts;
      expect(after).toEqual(before);
    });

    it.each([
      ['an IG auditor', { agency: 'social-care', roles: ['IG_AUDITOR'] }],
      ['a partner referrer', { agency: 'education', roles: ['PARTNER_REFERRER'] }],
    ])('deny: %s may neither list nor count (FORBIDDEN)', async (_who, claims) => {
      const token = await hub.token(claims);
      const list = await hub.gql(token, CASES, { purpose: 'SECTION_47', filter: { stage: 'ON_PLAN' } });
      expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(list.data?.childProtectionCases ?? null).toBeNull();
      const counts = await hub.gql(token, COUNTS, { purpose: 'SECTION_47' });
      expect(counts.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('deny: the category (a shared summary, released per row by relationship) is no filter of the list: refused, nothing read', async () => {
      const r = await hub.gql(worker, CASES, {
        purpose: 'SECTION_47',
        filter: { stage: 'ON_PLAN', category: 'NEGLECT' },
      });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.message).toMatch(/category/);
      expect(r.data?.childProtectionCases ?? null).toBeNull();
      const audit = await auditFor(hub, r.headers.get('x-request-id')!);
      expect(audit.filter((a) => a.person_id !== null)).toEqual([]);
    });

    it('deny: under a purpose that does not reach shared summaries (DIRECT_CARE) the category is withheld on the list', async () => {
      const { plan } = await steps().givenPlan(await givenChild(), '2026-11-02', '2026-11-20', 'EMOTIONAL_ABUSE');
      const rows = await walk(police, { stage: 'ON_PLAN' }, 20, 'DIRECT_CARE');
      expect(rows.find((r) => r.plan?.id === plan.id)?.plan).toMatchObject({ category: null });
    });
  });

  describe('bad input: a clear error naming the argument, and nothing read', () => {
    it.each([
      [{ stage: 'ON_PLAN' }, 0 - 1, null, 'first'],
      [{ stage: 'ON_PLAN' }, 1000, null, 'first'],
      [{ stage: 'ON_PLAN' }, 1, 'not-a-cursor', 'after'],
      [{ stage: 'ON_PLAN' }, 1, Buffer.from('["2026-01-01","x"]').toString('base64url'), 'after'],
    ])('given filter %j, first %j and after %j, then BAD_USER_INPUT on %s', async (filter, first, after, field) => {
      const r = await hub.gql(worker, CASES, { purpose: 'SECTION_47', filter, first, after });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(r.data?.childProtectionCases ?? null).toBeNull();
      const audit = await auditFor(hub, r.headers.get('x-request-id')!);
      expect(audit.filter((a) => a.person_id !== null)).toEqual([]);
    });

    it('given an unknown stage, then the request is refused before anything is read', async () => {
      const r = await hub.gql(worker, CASES, { purpose: 'SECTION_47', filter: { stage: 'EVERYTHING' } });
      expect(r.errors?.[0]?.message).toMatch(/EVERYTHING/);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});
