import { auditFor, fakeNhsNumber, givenImportedPerson, givenPerson } from './support/factories';
import {
  childProtectionSteps,
  CONCLUDE,
  ENQUIRY_FIELDS,
  ICPC,
  PLAN_FIELDS,
  READ_PLAN,
  START,
  type Enquiry,
  type Plan,
} from './support/child-protection';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * After the strategy discussion (issue 24): section 47 enquiries, initial and review conferences per
 * child, plans and core groups, each clock with due / held / late on the working calendar. Today is
 * after Christmas 2025 and before Christmas 2026: dates already past can be recorded, so the held and
 * late clocks are told over Christmas 2025 and the due clocks over Christmas 2026 (Boxing Day on a
 * Saturday, its substitute Monday 28 December) and New Year 2027.
 */

const ADD_SD = `mutation($id: ID!, $m: ID!, $v: Int!) { addStrategyDiscussionToEnquiry(enquiryId: $id, strategyMeetingId: $m, expectedVersion: $v) { ${ENQUIRY_FIELDS} } }`;
const CATEGORY = `mutation($id: ID!, $input: PlanCategoryInput!, $v: Int!) { changeChildProtectionPlanCategory(planId: $id, input: $input, expectedVersion: $v) { ${PLAN_FIELDS} } }`;
const CORE = `mutation($id: ID!, $input: CoreGroupInput!, $v: Int!) { recordCoreGroup(planId: $id, input: $input, expectedVersion: $v) { ${PLAN_FIELDS} } }`;
const REVIEW = `mutation($id: ID!, $input: ReviewConferenceInput!, $v: Int!) { recordReviewConference(planId: $id, input: $input, expectedVersion: $v) { ${PLAN_FIELDS} } }`;
const END = `mutation($id: ID!, $input: EndPlanInput!, $v: Int!) { endChildProtectionPlan(planId: $id, input: $input, expectedVersion: $v) { ${PLAN_FIELDS} } }`;
const READ_ENQUIRY = `query($id: ID!, $purpose: Purpose!) { section47Enquiry(id: $id, purpose: $purpose) { id status conclusion lastStrategyOn } }`;
const PERSON_CP = `query($id: ID!, $purpose: Purpose!) { person(id: $id, purpose: $purpose) { id section47Enquiries { id } childProtectionPlans { id category } } }`;

describe('after the strategy discussion: s47 enquiries, conferences, plans and core groups', () => {
  let hub: TestHub;
  let worker: string;
  let manager: string;
  let police: string;
  let health: string;
  let probation: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], name: 'Fictional Worker' });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    probation = await hub.token({ agency: 'probation', roles: ['PROBATION_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  const steps = () => childProtectionSteps(hub, worker);
  const givenStrategyDiscussion = (childId: string, on: string, outcome?: string) =>
    steps().givenStrategyDiscussion(childId, on, outcome);
  const start = (childId: string, meetingId: string, lead?: string) => steps().start(childId, meetingId, lead);
  const toConference = (e: Enquiry, on: string) => steps().toConference(e, on);
  const onPlan = (e: Enquiry, heldOn: string, category?: string) => steps().onPlan(e, heldOn, category);
  const givenChild = () => givenPerson(hub, worker, { dateOfBirth: '2019-05-01' });

  async function count(table: string, column: string, id: string): Promise<number> {
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [id])) as [
      { n: number },
    ];
    return n;
  }

  it('given an s47 strategy discussion before Christmas 2025 and a second one a week later, when the enquiry runs to a late initial conference and a plan, then the conference is due 15 working days after the LAST discussion, over the bank holidays, and every clock says due, held and late', async () => {
    const child = await givenChild();
    const first = await givenStrategyDiscussion(child, '2025-12-11');
    const second = await givenStrategyDiscussion(child, '2025-12-18', 'SECTION_47_SINGLE_AGENCY');

    const started = await start(child, first);
    // Thu 11 Dec 2025: 12 (1), 15–19 (6), 22–24 (9), 29–31 (12), Fri 2 Jan (13), 5–6 Jan (15).
    expect(started).toMatchObject({
      lead: 'JOINT',
      status: 'OPEN',
      lastStrategyOn: '2025-12-11',
      initialConferenceClock: { dueOn: '2026-01-06', heldOn: null, late: true },
    });

    const added = await hub.gql<{ addStrategyDiscussionToEnquiry: Enquiry }>(worker, ADD_SD, {
      id: started.id,
      m: second,
      v: started.version,
    });
    expect(added.errors).toBeUndefined();
    // Thu 18 Dec 2025: 19 (1), 22–24 (4), 29–31 (7), 2 Jan (8), 5–9 Jan (13), 12–13 Jan (15).
    expect(added.data!.addStrategyDiscussionToEnquiry).toMatchObject({
      lastStrategyOn: '2025-12-18',
      strategyDiscussions: [
        { meetingId: first, heldOn: '2025-12-11' },
        { meetingId: second, heldOn: '2025-12-18', outcome: 'SECTION_47_SINGLE_AGENCY' },
      ],
      initialConferenceClock: { dueOn: '2026-01-13', heldOn: null },
    });

    const concluded = await toConference(added.data!.addStrategyDiscussionToEnquiry, '2026-01-05');
    expect(concluded).toMatchObject({
      status: 'AWAITING_CONFERENCE',
      conclusion: 'SUBSTANTIATED_CONFERENCE',
      concludedOn: '2026-01-05',
      concludedByName: 'Fictional Worker',
    });

    const { enquiry, plan } = await onPlan(concluded, '2026-01-14');
    expect(enquiry).toMatchObject({
      status: 'CONFERENCE_HELD',
      initialConferenceClock: { dueOn: '2026-01-13', heldOn: '2026-01-14', late: true },
      initialConference: {
        kind: 'INITIAL',
        dueOn: '2026-01-13',
        heldOn: '2026-01-14',
        late: true,
        decision: 'PLAN',
        category: 'NEGLECT',
        leadSocialWorker: 'Fictional Lead',
      },
    });
    // Wed 14 Jan 2026 + 10 working days: Wed 28 Jan. First review: 3 months on, Tue 14 Apr 2026 (after Easter), not held and past.
    expect(plan).toMatchObject({
      status: 'ACTIVE',
      startedOn: '2026-01-14',
      category: 'NEGLECT',
      sequence: 1,
      secondOrSubsequent: false,
      firstCoreGroupClock: { dueOn: '2026-01-28', heldOn: null, late: true },
      nextReviewClock: { dueOn: '2026-04-14', heldOn: null, late: true },
    });

    const core = await hub.gql<{ recordCoreGroup: Plan }>(worker, CORE, {
      id: plan.id,
      input: { heldOn: '2026-01-27' },
      v: plan.version,
    });
    expect(core.errors).toBeUndefined();
    expect(core.data!.recordCoreGroup.firstCoreGroupClock).toEqual({
      dueOn: '2026-01-28',
      heldOn: '2026-01-27',
      late: false,
    });

    const review = await hub.gql<{ recordReviewConference: Plan }>(worker, REVIEW, {
      id: plan.id,
      input: { heldOn: '2026-04-10', decision: 'CONTINUE_PLAN' },
      v: core.data!.recordCoreGroup.version,
    });
    expect(review.errors).toBeUndefined();
    // Then 6 months after the review: Sat 10 Oct 2026, so Fri 9 Oct.
    expect(review.data!.recordReviewConference).toMatchObject({
      reviewConferences: [{ dueOn: '2026-04-14', heldOn: '2026-04-10', late: false, decision: 'CONTINUE_PLAN' }],
      nextReviewClock: { dueOn: '2026-10-09', heldOn: null, late: true },
    });

    const recategorised = await hub.gql<{ changeChildProtectionPlanCategory: Plan }>(manager, CATEGORY, {
      id: plan.id,
      input: { category: 'MULTIPLE', fromOn: '2026-05-01' },
      v: review.data!.recordReviewConference.version,
    });
    expect(recategorised.errors).toBeUndefined();
    expect(recategorised.data!.changeChildProtectionPlanCategory).toMatchObject({
      category: 'MULTIPLE',
      categoryHistory: [
        { category: 'NEGLECT', fromOn: '2026-01-14' },
        { category: 'MULTIPLE', fromOn: '2026-05-01' },
      ],
    });

    const ended = await hub.gql<{ recordReviewConference: Plan }>(worker, REVIEW, {
      id: plan.id,
      input: { heldOn: '2026-10-20', decision: 'END_PLAN' },
      v: recategorised.data!.changeChildProtectionPlanCategory.version,
    });
    expect(ended.errors).toBeUndefined();
    expect(ended.data!.recordReviewConference).toMatchObject({
      status: 'ENDED',
      endedOn: '2026-10-20',
      endReason: 'NO_LONGER_AT_RISK',
      nextReviewClock: null,
      reviewConferences: [
        { late: false },
        { dueOn: '2026-10-09', heldOn: '2026-10-20', late: true, decision: 'END_PLAN' },
      ],
    });

    // Every change is in the audit, in order, under the purpose SECTION_47.
    const changes = (await hub.db.query(
      `SELECT e.purpose, c->>'entity' AS entity, c->'after'->>'transition' AS transition
         FROM audit_event e, jsonb_array_elements(e.payload->'changes') WITH ORDINALITY AS x(c, n)
        WHERE c->>'id' IN ($1, $2) AND c->>'entity' IN ('s47_enquiry', 'cp_plan') ORDER BY e.occurred_at, e.seq, x.n`,
      [started.id, plan.id],
    )) as Array<{ purpose: string; entity: string; transition: string | null }>;
    expect(changes.map((c) => `${c.entity}:${c.transition ?? 'CREATE'}`)).toEqual([
      's47_enquiry:CREATE',
      's47_enquiry:ADD_STRATEGY_DISCUSSION',
      's47_enquiry:CONCLUDE',
      's47_enquiry:RECORD_INITIAL_CONFERENCE',
      'cp_plan:CREATE',
      'cp_plan:RECORD_CORE_GROUP',
      'cp_plan:RECORD_REVIEW_CONFERENCE',
      'cp_plan:CHANGE_CATEGORY',
      'cp_plan:RECORD_REVIEW_CONFERENCE',
    ]);
    expect(new Set(changes.map((c) => c.purpose))).toEqual(new Set(['SECTION_47']));

    // A later enquiry and plan for the same child: the second plan is known as such, within two years of the first's end.
    const again = await start(child, await givenStrategyDiscussion(child, '2026-11-02'));
    const { plan: secondPlan } = await onPlan(await toConference(again, '2026-11-10'), '2026-11-20', 'EMOTIONAL_ABUSE');
    expect(secondPlan).toMatchObject({
      sequence: 2,
      secondOrSubsequent: true,
      previousPlanEndedOn: '2026-10-20',
      withinTwoYearsOfPrevious: true,
    });
  });

  it('given a strategy discussion on Fri 11 Dec 2026, when the enquiry starts, then the initial conference is due Wed 6 Jan 2027: Christmas, the 28 Dec substitute day and New Year are not counted; a conference held on 28 Sep 2026 has its first review due on Christmas Eve', async () => {
    const child = await givenChild();
    const e = await start(child, await givenStrategyDiscussion(child, '2026-12-11'));
    // 14–18 (5), 21–24 (9), 29–31 Dec (12), 4–6 Jan (15).
    expect(e.initialConferenceClock).toEqual({ dueOn: '2027-01-06', heldOn: null, late: false });

    const other = await givenChild();
    const enquiry = await toConference(
      await start(other, await givenStrategyDiscussion(other, '2026-09-07')),
      '2026-09-21',
    );
    const { plan } = await onPlan(enquiry, '2026-09-28');
    // 28 Dec 2026 is the substitute day, 26–27 the weekend, 25 Christmas: Thu 24 Dec.
    expect(plan.nextReviewClock).toEqual({ dueOn: '2026-12-24', heldOn: null, late: false });
  });

  it('given an initial conference on Fri 19 Dec 2025, when the first core group meets on 8 Jan 2026, then it was due on 7 Jan (10 working days over Christmas and New Year) and is late', async () => {
    const child = await givenChild();
    const enquiry = await toConference(
      await start(child, await givenStrategyDiscussion(child, '2025-12-01')),
      '2025-12-15',
    );
    const { plan } = await onPlan(enquiry, '2025-12-19');
    // 22–24 (3), 29–31 (6), 2 Jan (7), 5–7 Jan (10).
    expect(plan.firstCoreGroupClock).toEqual({ dueOn: '2026-01-07', heldOn: null, late: true });
    const core = await hub.gql<{ recordCoreGroup: Plan }>(worker, CORE, {
      id: plan.id,
      input: { heldOn: '2026-01-08' },
      v: plan.version,
    });
    expect(core.data!.recordCoreGroup.firstCoreGroupClock).toEqual({
      dueOn: '2026-01-07',
      heldOn: '2026-01-08',
      late: true,
    });
  });

  it('given an enquiry that concludes with no further action, then no conference is due; an emergency protection outcome starts an enquiry only with its lead named', async () => {
    const child = await givenChild();
    const ep = await givenStrategyDiscussion(child, '2026-11-03', 'EMERGENCY_PROTECTION');
    const refused = await hub.gql(worker, START, { input: { strategyMeetingId: ep, personId: child } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lead' });
    expect(await count('s47_enquiry', 'person_id', child)).toBe(0);

    const e = await start(child, ep, 'SINGLE_AGENCY');
    const closed = await hub.gql<{ concludeSection47Enquiry: Enquiry }>(worker, CONCLUDE, {
      id: e.id,
      input: { conclusion: 'NOT_SUBSTANTIATED_NO_FURTHER_ACTION', concludedOn: '2026-11-12' },
      v: e.version,
    });
    expect(closed.data!.concludeSection47Enquiry).toMatchObject({
      status: 'CLOSED',
      initialConferenceClock: null,
      lead: 'SINGLE_AGENCY',
    });
    const icpc = await hub.gql(worker, ICPC, {
      id: e.id,
      input: { heldOn: '2026-11-20', decision: 'NO_PLAN' },
      v: closed.data!.concludeSection47Enquiry.version,
    });
    expect(icpc.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect(await count('cp_conference', 'enquiry_id', e.id)).toBe(0);
  });

  it('given bad input, then the hub refuses it naming the field and stores nothing; a stale version is a CONFLICT', async () => {
    const child = await givenChild();
    const cin = await givenStrategyDiscussion(child, '2026-11-02', 'CHILD_IN_NEED');
    const notS47 = await hub.gql(worker, START, { input: { strategyMeetingId: cin, personId: child } });
    expect(notS47.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.strategyMeetingId' });
    const otherChild = await givenChild();
    const s47 = await givenStrategyDiscussion(child, '2026-11-02');
    const notSubject = await hub.gql(worker, START, { input: { strategyMeetingId: s47, personId: otherChild } });
    expect(notSubject.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.strategyMeetingId',
    });
    expect(await count('s47_enquiry', 'person_id', child)).toBe(0);
    expect(await count('s47_enquiry', 'person_id', otherChild)).toBe(0);

    const e = await toConference(await start(child, s47), '2026-11-09');
    const duplicate = await hub.gql(worker, START, { input: { strategyMeetingId: s47, personId: child } });
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const cases: Array<[Record<string, unknown>, string]> = [
      [{ heldOn: '2026-11-20', decision: 'PLAN', leadSocialWorker: 'Fictional Lead' }, 'input.category'],
      [{ heldOn: '2026-11-20', decision: 'PLAN', category: 'NEGLECT' }, 'input.leadSocialWorker'],
      [{ heldOn: '2026-11-20', decision: 'NO_PLAN', category: 'NEGLECT' }, 'input.category'],
      [{ heldOn: '2099-01-01', decision: 'NO_PLAN' }, 'input.heldOn'],
      [{ heldOn: '2026-02-30', decision: 'NO_PLAN' }, 'input.heldOn'],
      [{ heldOn: '2026-10-01', decision: 'NO_PLAN' }, 'input.heldOn'],
      [
        { heldOn: '2026-11-20', decision: 'PLAN', category: 'NEGLECT', leadSocialWorker: 'Fictional\u0000Lead' },
        'input.leadSocialWorker',
      ],
    ];
    for (const [input, field] of cases) {
      const r = await hub.gql(worker, ICPC, { id: e.id, input, v: e.version });
      expect({ field, error: r.errors?.[0]?.extensions }).toMatchObject({
        field,
        error: { code: 'BAD_USER_INPUT', field },
      });
    }
    expect(await count('cp_conference', 'enquiry_id', e.id)).toBe(0);
    expect(await count('cp_plan', 'enquiry_id', e.id)).toBe(0);

    const stale = await hub.gql(worker, ICPC, {
      id: e.id,
      input: { heldOn: '2026-11-20', decision: 'NO_PLAN' },
      v: e.version - 1,
    });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const [{ version }] = (await hub.db.query(`SELECT version FROM s47_enquiry WHERE id = $1`, [e.id])) as [
      { version: number },
    ];
    expect(version).toBe(e.version);

    const { plan } = await onPlan(e, '2026-11-20');
    const badEnd = await hub.gql(worker, END, {
      id: plan.id,
      input: { endedOn: '2026-11-19', reason: 'BECAME_LOOKED_AFTER' },
      v: plan.version,
    });
    expect(badEnd.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.endedOn' });
    const sameCategory = await hub.gql(worker, CATEGORY, {
      id: plan.id,
      input: { category: 'NEGLECT', fromOn: '2026-11-25' },
      v: plan.version,
    });
    expect(sameCategory.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.category' });
    const earlyCore = await hub.gql(worker, CORE, { id: plan.id, input: { heldOn: '2026-11-19' }, v: plan.version });
    expect(earlyCore.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.heldOn' });
    expect(await count('cp_core_group', 'plan_id', plan.id)).toBe(0);
    expect(await count('cp_plan_category', 'plan_id', plan.id)).toBe(1);

    const endedPlan = await hub.gql<{ endChildProtectionPlan: Plan }>(worker, END, {
      id: plan.id,
      input: { endedOn: '2026-12-01', reason: 'BECAME_LOOKED_AFTER' },
      v: plan.version,
    });
    expect(endedPlan.data!.endChildProtectionPlan).toMatchObject({
      status: 'ENDED',
      endedOn: '2026-12-01',
      endReason: 'BECAME_LOOKED_AFTER',
    });
  });

  describe('access: need to know', () => {
    it('allow: an agency invited to the strategy discussion reads the enquiry and the plan under SECTION_47, and the audit records the fields released', async () => {
      const child = await givenChild();
      const { plan, enquiry } = await onPlan(
        await toConference(await start(child, await givenStrategyDiscussion(child, '2026-10-01')), '2026-10-12'),
        '2026-10-20',
      );
      const r = await hub.gql<{ section47Enquiry: { conclusion: string } }>(police, READ_ENQUIRY, {
        id: enquiry.id,
        purpose: 'SECTION_47',
      });
      expect(r.errors).toBeUndefined();
      expect(r.data!.section47Enquiry.conclusion).toBe('SUBSTANTIATED_CONFERENCE');
      const audit = await auditFor(hub, r.headers.get('x-request-id')!);
      expect(audit.find((a) => a.person_id === child)?.released).toEqual(
        expect.arrayContaining(['Section47Enquiry.conclusion']),
      );

      const p = await hub.gql<{ childProtectionPlan: Plan }>(health, READ_PLAN, { id: plan.id, purpose: 'SECTION_47' });
      expect(p.data!.childProtectionPlan.category).toBe('NEGLECT');
    });

    it('deny: the category and conclusion are withheld under a purpose that does not reach shared summaries (DIRECT_CARE)', async () => {
      const child = await givenChild();
      const { plan } = await onPlan(
        await toConference(await start(child, await givenStrategyDiscussion(child, '2026-10-01')), '2026-10-12'),
        '2026-10-20',
      );
      const p = await hub.gql<{ childProtectionPlan: Plan }>(police, READ_PLAN, {
        id: plan.id,
        purpose: 'DIRECT_CARE',
      });
      expect(p.data!.childProtectionPlan).toMatchObject({
        startedOn: '2026-10-20',
        category: null,
        categoryHistory: null,
      });
      expect(p.extensions?.redactions).toEqual(
        expect.arrayContaining([{ path: 'childProtectionPlan.category', reason: 'PURPOSE_INSUFFICIENT' }]),
      );
    });

    it('deny: an agency that only holds its own record about the child learns nothing of the enquiry or plan (not found, empty lists), and the attempt is audited', async () => {
      const nhsNumber = fakeNhsNumber();
      const child = await givenImportedPerson(hub, 'social-care', { nhsNumber, dateOfBirth: '2019-05-01' });
      expect(await givenImportedPerson(hub, 'probation', { nhsNumber, dateOfBirth: '2019-05-01' })).toBe(child);
      const { plan, enquiry } = await onPlan(
        await toConference(await start(child, await givenStrategyDiscussion(child, '2026-10-01')), '2026-10-12'),
        '2026-10-20',
      );

      const e = await hub.gql(probation, READ_ENQUIRY, { id: enquiry.id, purpose: 'SECTION_47' });
      expect(e.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const p = await hub.gql(probation, READ_PLAN, { id: plan.id, purpose: 'SECTION_47' });
      expect(p.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const person = await hub.gql<{ person: { section47Enquiries: unknown[]; childProtectionPlans: unknown[] } }>(
        probation,
        PERSON_CP,
        { id: child, purpose: 'SECTION_47' },
      );
      expect(person.errors).toBeUndefined();
      expect(person.data!.person).toMatchObject({ section47Enquiries: [], childProtectionPlans: [] });
      const audit = await auditFor(hub, e.headers.get('x-request-id')!);
      expect(audit.map((a) => a.outcome)).toContain('NOT_FOUND');
    });

    it('allow and deny: social care records the pathway; an agency officer may not (FORBIDDEN, nothing stored)', async () => {
      const child = await givenChild();
      const sd = await givenStrategyDiscussion(child, '2026-10-01');
      const r = await hub.gql(police, START, { input: { strategyMeetingId: sd, personId: child } });
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await count('s47_enquiry', 'person_id', child)).toBe(0);
      const e = await start(child, sd);
      const c = await hub.gql(health, CONCLUDE, {
        id: e.id,
        input: { conclusion: 'NOT_SUBSTANTIATED_OTHER', concludedOn: '2026-10-05' },
        v: e.version,
      });
      expect(c.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const [{ status }] = (await hub.db.query(`SELECT status FROM s47_enquiry WHERE id = $1`, [e.id])) as [
        { status: string },
      ];
      expect(status).toBe('OPEN');
    });
  });
});
