import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeMetrics } from '../src/metrics/metrics.service';
import { renderReport } from '../src/metrics/report';
import { loadMetricsSettings } from '../src/metrics/settings';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';
import { inTestPartnership } from './support/factories';

/**
 * The child protection measures (issue 24, docs/metrics.md) on a constructed data set in a database of
 * its own, so every answer is known by construction. November 2026 is the period, October the previous.
 * One row per child; E = s47 enquiry (its initial conference due date), P = plan, R = review conference.
 *
 *   E1 due 10 Nov, ICPC held  9 Nov            in time     → P1 from  9 Nov NEGLECT, core group 20 Nov (due 23 Nov: in time)
 *   E2 due 10 Nov, ICPC held 10 Nov            in time     → P2 from 10 Nov PHYSICAL, MULTIPLE from 20 Nov, core group 25 Nov (due 24 Nov: late)
 *   E3 due 20 Nov, ICPC held 23 Nov            late        → P3 from 23 Nov EMOTIONAL, 2nd plan (previous ended 30 Jun 2025: within 2 years); core group due 7 Dec (December)
 *   E4 due 25 Nov, awaiting the conference     due, not held
 *   E5 due 12 Nov, closed (NFA) on 5 Nov       not counted: no conference was due by then
 *   E6 due 12 Nov, closed (NFA) on 20 Nov      due, not held
 *   E7 due  1 Dec                              December
 *   E8 due 30 Oct, ICPC held 29 Oct            October, in time
 *   P4 from 1 Jun NEGLECT, ended 30 Nov (the last day: not on a plan at the end); R2 due 13 Nov held 16 Nov: late
 *   P5 from 15 May SEXUAL, ended 3 Dec (on a plan at the end); R1 due 13 Nov held 12 Nov: in time; R3 due 21 Oct held 20 Oct (October)
 *   P6 from 16 Nov NEGLECT, 3rd plan (previous ended 10 Jan 2023: not within 2 years); no core group (due 30 Nov: not held)
 *   P7 from 1 Dec (December)
 *   P8 from 20 Oct NEGLECT, ended 15 Nov; core group 3 Nov (due 3 Nov, over the weekends: in time)
 *   P9 from 1 Oct 2024 NEGLECT, ended 20 Nov (2 years or more)
 * Children on a plan at the end: P1's (born 1 Mar 2026, F), P2's (30 Nov 2022, M, disabled), P3's (1 Dec 2016, F),
 * P5's (30 Nov 2010, M, disabled), P6's (unborn); a child population of 50,000.
 *
 * November: ICPC 5 due — 2 in time, 1 late, 2 not held (0.4); reviews held 2, in time 1 (0.5); first core
 * groups due 4 (P1, P2, P6, P8), in time 2 (0.5); on a plan at the end 5 (NEGLECT 2: P1 P6; MULTIPLE 1: P2;
 * EMOTIONAL 1: P3; SEXUAL 1: P5); plans started 4 (P1 P2 P3 P6), second or subsequent 2 (0.5), within two years 1.
 * October: ICPC 1 due, 1 in time; reviews 1, in time 1; first core groups due 0; on a plan at the end 3 (P4 P5 P8); plans started 1 (P8).
 */

describe('child protection measures on a constructed data set', () => {
  let hub: TestHub;
  let manager: string;

  async function child(
    who: { dob?: string; sex?: string; disability?: string; unborn?: boolean } = {},
  ): Promise<string> {
    const [row] = (await hub.db.query(
      `INSERT INTO person (kind, given_name, family_name, date_of_birth, expected_date_of_delivery, sex, ethnicity, first_language, religion, disability, created_by_agency)
       VALUES ($1, 'Fictional', 'Cp-Metrics', $2, $3, $4, 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED', $5, 'social-care') RETURNING id`,
      [
        who.unborn ? 'UNBORN' : 'CHILD',
        who.dob ?? null,
        who.unborn ? '2027-02-01' : null,
        who.sex ?? 'NOT_RECORDED',
        who.disability ?? 'NOT_RECORDED',
      ],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  async function enquiry(
    personId: string,
    dueOn: string,
    status: string,
    concludedOn: string | null = null,
  ): Promise<string> {
    const conclusion =
      status === 'OPEN'
        ? null
        : status === 'CLOSED'
          ? 'NOT_SUBSTANTIATED_NO_FURTHER_ACTION'
          : 'SUBSTANTIATED_CONFERENCE';
    const [row] = (await hub.db.query(
      `INSERT INTO s47_enquiry (person_id, owning_agency, lead, status, started_by_sub, started_by_name, last_strategy_on, icpc_due_on, conclusion, concluded_on)
       VALUES ($1, 'social-care', 'JOINT', $2, 'w', 'Fictional Worker', $3::date - 21, $3, $4, $5) RETURNING id`,
      [personId, status, dueOn, conclusion, conclusion ? (concludedOn ?? dueOn) : null],
    )) as Array<{ id: string }>;
    // The strategy discussion that started it, 21 days before the due date (a constructed date, not a clock).
    const [sd] = (await hub.db.query(
      `INSERT INTO meeting (type, scheduled_at, organising_agency, chair_sub, chair_name, status, outcome, created_by)
       VALUES ('STRATEGY_DISCUSSION', ($1::date - 21)::timestamptz + interval '10 hours', 'social-care', 'c', 'Fictional Chair', 'HELD', 'SECTION_47_JOINT', 'w') RETURNING id`,
      [dueOn],
    )) as Array<{ id: string }>;
    await hub.db.query(
      `INSERT INTO s47_strategy_discussion (enquiry_id, meeting_id, held_on, outcome, linked_by) VALUES ($1, $2, $3::date - 21, 'SECTION_47_JOINT', 'w')`,
      [row!.id, sd!.id, dueOn],
    );
    return row!.id;
  }

  async function conference(
    kind: 'INITIAL' | 'REVIEW',
    personId: string,
    ref: string,
    dueOn: string,
    heldOn: string,
    decision: string,
  ): Promise<void> {
    await hub.db.query(
      `INSERT INTO cp_conference (kind, person_id, enquiry_id, plan_id, due_on, held_on, decision, category, lead_social_worker, recorded_by_sub, recorded_by_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'w', 'Fictional Worker')`,
      [
        kind,
        personId,
        kind === 'INITIAL' ? ref : null,
        kind === 'REVIEW' ? ref : null,
        dueOn,
        heldOn,
        decision,
        decision === 'PLAN' ? 'NEGLECT' : null,
        decision === 'PLAN' ? 'Fictional Lead' : null,
      ],
    );
  }

  async function plan(
    personId: string,
    enquiryId: string,
    startedOn: string,
    category: string,
    opts: { sequence?: number; previousEnded?: string; endedOn?: string } = {},
  ): Promise<string> {
    const [row] = (await hub.db.query(
      `INSERT INTO cp_plan (person_id, owning_agency, enquiry_id, status, started_on, category, lead_social_worker, sequence, previous_plan_ended_on, ended_on, end_reason)
       VALUES ($1, 'social-care', $2, $3, $4, $5, 'Fictional Lead', $6, $7, $8, $9) RETURNING id`,
      [
        personId,
        enquiryId,
        opts.endedOn ? 'ENDED' : 'ACTIVE',
        startedOn,
        category,
        opts.sequence ?? 1,
        opts.previousEnded ?? null,
        opts.endedOn ?? null,
        opts.endedOn ? 'OTHER' : null,
      ],
    )) as Array<{ id: string }>;
    await hub.db.query(
      `INSERT INTO cp_plan_category (plan_id, category, from_on, recorded_by_sub) VALUES ($1, $2, $3, 'w')`,
      [row!.id, category, startedOn],
    );
    return row!.id;
  }

  const coreGroup = (planId: string, heldOn: string) =>
    hub.db.query(`INSERT INTO cp_core_group (plan_id, held_on, recorded_by_sub) VALUES ($1, $2, 'w')`, [
      planId,
      heldOn,
    ]);

  /** A plan whose enquiry is long past (its conference fell due in June, outside both periods). */
  async function planWithOldEnquiry(
    startedOn: string,
    category: string,
    opts: Parameters<typeof plan>[4] = {},
    who: Parameters<typeof child>[0] = {},
  ) {
    const c = await child(who);
    return plan(c, await enquiry(c, '2026-06-10', 'CONFERENCE_HELD'), startedOn, category, opts);
  }

  beforeAll(async () => {
    const metricsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mash-cp-metrics-')), 'metrics.json');
    fs.writeFileSync(metricsFile, JSON.stringify({ childPopulation: 50_000 }));
    hub = await startTestHub({
      DATABASE_URL: await dedicatedDatabaseUrl('cp_metrics'),
      MASH_METRICS_FILE: metricsFile,
    });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });

    const c1 = await child({ dob: '2026-03-01', sex: 'FEMALE', disability: 'NOT_DISABLED' });
    const c2 = await child({ dob: '2022-11-30', sex: 'MALE', disability: 'DISABLED' });
    const c3 = await child({ dob: '2016-12-01', sex: 'FEMALE', disability: 'NOT_DISABLED' });
    const [c4, c5, c6, c7, c8] = [await child(), await child(), await child(), await child(), await child()];
    const e1 = await enquiry(c1, '2026-11-10', 'CONFERENCE_HELD');
    await conference('INITIAL', c1, e1, '2026-11-10', '2026-11-09', 'PLAN');
    const p1 = await plan(c1, e1, '2026-11-09', 'NEGLECT');
    await coreGroup(p1, '2026-11-20');
    const e2 = await enquiry(c2, '2026-11-10', 'CONFERENCE_HELD');
    await conference('INITIAL', c2, e2, '2026-11-10', '2026-11-10', 'PLAN');
    const p2 = await plan(c2, e2, '2026-11-10', 'PHYSICAL_ABUSE');
    await hub.db.query(
      `INSERT INTO cp_plan_category (plan_id, category, from_on, recorded_by_sub) VALUES ($1, 'MULTIPLE', '2026-11-20', 'w')`,
      [p2],
    );
    await hub.db.query(`UPDATE cp_plan SET category = 'MULTIPLE' WHERE id = $1`, [p2]);
    await coreGroup(p2, '2026-11-25');
    const e3 = await enquiry(c3, '2026-11-20', 'CONFERENCE_HELD');
    await conference('INITIAL', c3, e3, '2026-11-20', '2026-11-23', 'PLAN');
    await plan(c3, e3, '2026-11-23', 'EMOTIONAL_ABUSE', { sequence: 2, previousEnded: '2025-06-30' });
    await enquiry(c4, '2026-11-25', 'AWAITING_CONFERENCE');
    await enquiry(c5, '2026-11-12', 'CLOSED', '2026-11-05');
    await enquiry(c6, '2026-11-12', 'CLOSED', '2026-11-20');
    await enquiry(c7, '2026-12-01', 'OPEN');
    const e8 = await enquiry(c8, '2026-10-30', 'CONFERENCE_HELD');
    await conference('INITIAL', c8, e8, '2026-10-30', '2026-10-29', 'NO_PLAN');

    const p4 = await planWithOldEnquiry('2026-06-01', 'NEGLECT', { endedOn: '2026-11-30' });
    const p5 = await planWithOldEnquiry(
      '2026-05-15',
      'SEXUAL_ABUSE',
      { endedOn: '2026-12-03' },
      { dob: '2010-11-30', sex: 'MALE', disability: 'DISABLED' },
    );
    const [[{ person_id: p4child }], [{ person_id: p5child }]] = (await Promise.all([
      hub.db.query(`SELECT person_id FROM cp_plan WHERE id = $1`, [p4]),
      hub.db.query(`SELECT person_id FROM cp_plan WHERE id = $1`, [p5]),
    ])) as Array<Array<{ person_id: string }>>;
    await conference('REVIEW', p5child!, p5, '2026-11-13', '2026-11-12', 'CONTINUE_PLAN');
    await conference('REVIEW', p4child!, p4, '2026-11-13', '2026-11-16', 'CONTINUE_PLAN');
    await conference('REVIEW', p5child!, p5, '2026-10-21', '2026-10-20', 'CONTINUE_PLAN');
    await planWithOldEnquiry('2026-11-16', 'NEGLECT', { sequence: 3, previousEnded: '2023-01-10' }, { unborn: true });
    await planWithOldEnquiry('2024-10-01', 'NEGLECT', { endedOn: '2026-11-20' });
    await planWithOldEnquiry('2026-12-01', 'NEGLECT');
    const p8 = await planWithOldEnquiry('2026-10-20', 'NEGLECT', { endedOn: '2026-11-15' });
    await coreGroup(p8, '2026-11-03');
  });
  afterAll(() => hub.close());

  const QUERY = `query($period: MetricsPeriodInput!) { metrics(period: $period) {
    measures { key value previousValue target status }
    current { childProtection { icpcDue icpcHeldInTime icpcHeldLate icpcDueNotHeld reviewsHeld reviewsInTime firstCoreGroupsDue firstCoreGroupsInTime
      onPlanAtEnd onPlanByCategory { category count } plansStarted secondOrSubsequent secondOrSubsequentWithinTwoYears
      onPlanByAgeBand { category count } onPlanBySex { category count } onPlanByDisability { category count }
      plansEnded endedWithin3Months endedWithin6Months lasted2YearsOrMore enquiriesStarted enquiriesToConference enquiriesToPlan } }
    previous { childProtection { icpcDue icpcHeldInTime reviewsHeld reviewsInTime firstCoreGroupsDue onPlanAtEnd plansStarted plansEnded enquiriesStarted enquiriesToConference enquiriesToPlan } }
  } }`;

  it('given the data set, when a manager asks for November 2026, then every child protection count and measure is the hand-computed one', async () => {
    const r = await hub.gql<{
      metrics: {
        measures: Array<{ key: string; value: number | null; previousValue: number | null }>;
        current: { childProtection: unknown };
        previous: { childProtection: unknown };
      };
    }>(manager, QUERY, { period: { month: '2026-11' } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.metrics.current.childProtection).toEqual({
      icpcDue: 5,
      icpcHeldInTime: 2,
      icpcHeldLate: 1,
      icpcDueNotHeld: 2,
      reviewsHeld: 2,
      reviewsInTime: 1,
      firstCoreGroupsDue: 4,
      firstCoreGroupsInTime: 2,
      onPlanAtEnd: 5,
      onPlanByCategory: [
        { category: 'EMOTIONAL_ABUSE', count: 1 },
        { category: 'MULTIPLE', count: 1 },
        { category: 'NEGLECT', count: 2 },
        { category: 'SEXUAL_ABUSE', count: 1 },
      ],
      plansStarted: 4,
      secondOrSubsequent: 2,
      secondOrSubsequentWithinTwoYears: 1,
      // Ages on 30 Nov: c1 0, c2 4 (that day), c3 9 (10 the next day), P5's child 16 (that day), P6's unborn.
      onPlanByAgeBand: [
        { category: '16_AND_OVER', count: 1 },
        { category: '1_TO_4', count: 1 },
        { category: '5_TO_9', count: 1 },
        { category: 'UNBORN', count: 1 },
        { category: 'UNDER_1', count: 1 },
      ],
      onPlanBySex: [
        { category: 'FEMALE', count: 2 },
        { category: 'MALE', count: 2 },
        { category: 'NOT_RECORDED', count: 1 },
      ],
      onPlanByDisability: [
        { category: 'DISABLED', count: 2 },
        { category: 'NOT_DISABLED', count: 2 },
        { category: 'NOT_RECORDED', count: 1 },
      ],
      // Ended in November: P4 (1 Jun – 30 Nov: within 6 months), P8 (20 Oct – 15 Nov: within 3), P9 (1 Oct 2024 – 20 Nov: 2 years or more).
      plansEnded: 3,
      endedWithin3Months: 1,
      endedWithin6Months: 2,
      lasted2YearsOrMore: 1,
      // First strategy discussions in November: E4 (4 Nov) and E7 (10 Nov), neither at a conference yet.
      enquiriesStarted: 2,
      enquiriesToConference: 0,
      enquiriesToPlan: 0,
    });
    // October: P4, P5, P8 and P9 on a plan at the end; enquiries E1, E2, E3, E5, E6, E8 started, four to a conference, three to a plan.
    expect(r.data!.metrics.previous.childProtection).toEqual({
      icpcDue: 1,
      icpcHeldInTime: 1,
      reviewsHeld: 1,
      reviewsInTime: 1,
      firstCoreGroupsDue: 0,
      onPlanAtEnd: 4,
      plansStarted: 1,
      plansEnded: 0,
      enquiriesStarted: 6,
      enquiriesToConference: 4,
      enquiriesToPlan: 3,
    });
    const byKey = Object.fromEntries(r.data!.metrics.measures.map((m) => [m.key, [m.value, m.previousValue]]));
    expect(byKey).toMatchObject({
      cpInitialConferencesInTimescale: [0.4, 1],
      cpReviewConferencesInTimescale: [0.5, 1],
      cpFirstCoreGroupsInTimescale: [0.5, null],
      cpChildrenOnPlanAtPeriodEnd: [5, 4],
      cpSecondOrSubsequentPlans: [0.5, 0],
      // 5 of 50,000 children, and 4 in October.
      cpRatePer10000Children: [1, 0.8],
      cpPlansEndedWithin3Months: [1 / 3, null],
      cpPlansLasting2YearsOrMore: [1 / 3, null],
    });
  });

  it('the board report shows the three-way split of initial conferences and the children on a plan by category', async () => {
    const settings = loadMetricsSettings(undefined);
    settings.childPopulation = 50_000;
    const md = renderReport(
      await inTestPartnership(() =>
        computeMetrics(hub.server.hub.dataSource, hub.server.hub.agencies, settings, { period: { month: '2026-11' } }),
      ),
      settings,
    );
    expect(md).toContain('## Child protection: conferences, core groups and plans');
    expect(md).toContain('| held within 15 working days of the last strategy discussion | 2 | 1 |');
    expect(md).toContain('| held late | 1 | 0 |');
    expect(md).toContain('| due and not held | 2 | 0 |');
    expect(md).toContain('| of whom neglect | 2 | 3 |');
    expect(md).toContain('| aged under 1 | 1 | 0 |');
    expect(md).toContain('| of which after 2 years or more | 1 | 0 |');
    expect(md).not.toMatch(/Fictional/);
  });
});
