import type { EntityManager } from 'typeorm';
import { firstCoreGroupDueOn } from '../child-protection/clocks';
import { equalityAsAt } from './as-at';
import type { Period } from './period';

/**
 * The child protection measures (issue 24; definitions in docs/metrics.md), partnership-wide, counted
 * per child (a conference about two children is two conferences, as the DfE counts them). Local dates:
 * `from` inclusive, `until` exclusive.
 */

type Row = Record<string, unknown>;
const int = (v: unknown) => Number(v ?? 0);

export interface ChildProtectionBreakdown {
  /** Initial conferences held in the period, plus those due in it and not held by its end (enquiries not closed without one by the due date). */
  icpcDue: number;
  icpcHeldInTime: number;
  icpcHeldLate: number;
  icpcDueNotHeld: number;
  /** Review conferences held in the period, and of them those held by their due date. */
  reviewsHeld: number;
  reviewsInTime: number;
  /** First core groups that fell due in the period, and of them those held by the due date. */
  firstCoreGroupsDue: number;
  firstCoreGroupsInTime: number;
  /** Children on a plan at the end of the period, and by the plan's category on that day. */
  onPlanAtEnd: number;
  onPlanByCategory: Array<{ category: string; count: number }>;
  /** Plans started in the period; of them second or subsequent (ever, and within two years of the last plan's end). */
  plansStarted: number;
  secondOrSubsequent: number;
  secondOrSubsequentWithinTwoYears: number;
  /** Children on a plan at the end, by age band on the last day, sex and disability. */
  onPlanByAgeBand: Array<{ category: string; count: number }>;
  onPlanBySex: Array<{ category: string; count: number }>;
  onPlanByDisability: Array<{ category: string; count: number }>;
  /** Plans ended in the period; of them ended within 3 and within 6 months of starting, and those that lasted 2 years or more. */
  plansEnded: number;
  endedWithin3Months: number;
  endedWithin6Months: number;
  lasted2YearsOrMore: number;
  /** s47 enquiries started in the period (by their first strategy discussion), and of them those with an initial conference and a plan (so far). */
  enquiriesStarted: number;
  enquiriesToConference: number;
  enquiriesToPlan: number;
}

export async function childProtection(m: EntityManager, p: Period): Promise<ChildProtectionBreakdown> {
  // Issue 20's definition (the DfE's): initial conferences HELD in the period, in time or late, plus
  // those that fell DUE in the period and were not held by its end (as at the end: a past month keeps
  // its figure) — except enquiries closed without a conference by the due date, whose clock stopped.
  const [icpc] = (await m.query(
    `SELECT count(*) FILTER (WHERE c.held_on >= $1::date AND c.held_on < $2::date AND c.held_on <= e.icpc_due_on)::int AS in_time,
            count(*) FILTER (WHERE c.held_on >= $1::date AND c.held_on < $2::date AND c.held_on > e.icpc_due_on)::int AS late,
            count(*) FILTER (WHERE e.icpc_due_on >= $1::date AND e.icpc_due_on < $2::date AND (c.id IS NULL OR c.held_on >= $2::date)
                               AND NOT (e.status = 'CLOSED' AND e.concluded_on <= e.icpc_due_on))::int AS not_held
       FROM s47_enquiry e
       LEFT JOIN cp_conference c ON c.enquiry_id = e.id AND c.kind = 'INITIAL'
      WHERE (c.held_on >= $1::date AND c.held_on < $2::date) OR (e.icpc_due_on >= $1::date AND e.icpc_due_on < $2::date)`,
    [p.from, p.until],
  )) as Row[];
  const [reviews] = (await m.query(
    `SELECT count(*)::int AS held, count(*) FILTER (WHERE held_on <= due_on)::int AS in_time
       FROM cp_conference WHERE kind = 'REVIEW' AND held_on >= $1::date AND held_on < $2::date`,
    [p.from, p.until],
  )) as Row[];
  // The first core group's due date is on the working calendar: plans that started up to ten weeks
  // before the period are candidates, the date is computed here.
  const starts = (await m.query(
    `SELECT pl.started_on::text AS started_on, (SELECT min(g.held_on)::text FROM cp_core_group g WHERE g.plan_id = pl.id) AS first_held
       FROM cp_plan pl WHERE pl.started_on >= $1::date - 70 AND pl.started_on < $2::date`,
    [p.from, p.until],
  )) as Array<{ started_on: string; first_held: string | null }>;
  let firstCoreGroupsDue = 0;
  let firstCoreGroupsInTime = 0;
  for (const s of starts) {
    const due = firstCoreGroupDueOn(s.started_on);
    if (due < p.from || due >= p.until) continue;
    firstCoreGroupsDue += 1;
    if (s.first_held !== null && s.first_held <= due) firstCoreGroupsInTime += 1;
  }
  const byCategory = (await m.query(
    `SELECT (SELECT pc.category FROM cp_plan_category pc WHERE pc.plan_id = pl.id AND pc.from_on < $1::date ORDER BY pc.from_on DESC, pc.recorded_at DESC LIMIT 1) AS category,
            count(*)::int AS count
       FROM cp_plan pl
      WHERE pl.started_on < $1::date AND (pl.ended_on IS NULL OR pl.ended_on >= $1::date)
      GROUP BY 1 ORDER BY 1`,
    [p.until],
  )) as Row[];
  const [started] = (await m.query(
    `SELECT count(*)::int AS started,
            count(*) FILTER (WHERE sequence > 1)::int AS subsequent,
            count(*) FILTER (WHERE sequence > 1 AND started_on <= previous_plan_ended_on + interval '2 years')::int AS within_two_years
       FROM cp_plan WHERE started_on >= $1::date AND started_on < $2::date`,
    [p.from, p.until],
  )) as Row[];
  const atEnd = (column: string) =>
    m.query(
      `SELECT ${column} AS category, count(*)::int AS count
         FROM cp_plan pl JOIN person p ON p.id = pl.person_id
        WHERE pl.started_on < $1::date AND (pl.ended_on IS NULL OR pl.ended_on >= $1::date)
        GROUP BY 1 ORDER BY 1`,
      [p.until],
    ) as Promise<Row[]>;
  const counts = (rows: Row[]) => rows.map((r) => ({ category: r.category as string, count: int(r.count) }));
  // DfE age bands on the last day of the period; unborn children apart.
  const ageBand = `CASE WHEN p.kind = 'UNBORN' THEN 'UNBORN' WHEN p.date_of_birth IS NULL THEN 'NOT_RECORDED'
      ELSE (SELECT CASE WHEN a < 1 THEN 'UNDER_1' WHEN a < 5 THEN '1_TO_4' WHEN a < 10 THEN '5_TO_9' WHEN a < 16 THEN '10_TO_15' ELSE '16_AND_OVER' END
              FROM (SELECT extract(year FROM age($1::date - 1, p.date_of_birth))::int AS a) x) END`;
  const [ended] = (await m.query(
    `SELECT count(*)::int AS ended,
            count(*) FILTER (WHERE ended_on <= started_on + interval '3 months')::int AS within_3,
            count(*) FILTER (WHERE ended_on <= started_on + interval '6 months')::int AS within_6,
            count(*) FILTER (WHERE ended_on >= started_on + interval '2 years')::int AS two_years
       FROM cp_plan WHERE ended_on >= $1::date AND ended_on < $2::date`,
    [p.from, p.until],
  )) as Row[];
  const [conversion] = (await m.query(
    `SELECT count(*)::int AS started,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM cp_conference c WHERE c.enquiry_id = e.id AND c.kind = 'INITIAL'))::int AS conference,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM cp_plan pl WHERE pl.enquiry_id = e.id))::int AS plan
       FROM s47_enquiry e
      WHERE (SELECT min(sd.held_on) FROM s47_strategy_discussion sd WHERE sd.enquiry_id = e.id) >= $1::date
        AND (SELECT min(sd.held_on) FROM s47_strategy_discussion sd WHERE sd.enquiry_id = e.id) < $2::date`,
    [p.from, p.until],
  )) as Row[];
  const onPlanByCategory = counts(byCategory);
  return {
    icpcDue: int(icpc!.in_time) + int(icpc!.late) + int(icpc!.not_held),
    icpcHeldInTime: int(icpc!.in_time),
    icpcHeldLate: int(icpc!.late),
    icpcDueNotHeld: int(icpc!.not_held),
    reviewsHeld: int(reviews!.held),
    reviewsInTime: int(reviews!.in_time),
    firstCoreGroupsDue,
    firstCoreGroupsInTime,
    onPlanAtEnd: onPlanByCategory.reduce((s, c) => s + c.count, 0),
    onPlanByCategory,
    plansStarted: int(started!.started),
    secondOrSubsequent: int(started!.subsequent),
    secondOrSubsequentWithinTwoYears: int(started!.within_two_years),
    onPlanByAgeBand: counts(await atEnd(ageBand)),
    // As recorded on the last day (the history of changes), not today's values.
    onPlanBySex: counts(await atEnd(equalityAsAt('p', 'sex', '$1::date::timestamp::timestamptz'))),
    onPlanByDisability: counts(await atEnd(equalityAsAt('p', 'disability', '$1::date::timestamp::timestamptz'))),
    plansEnded: int(ended!.ended),
    endedWithin3Months: int(ended!.within_3),
    endedWithin6Months: int(ended!.within_6),
    lasted2YearsOrMore: int(ended!.two_years),
    enquiriesStarted: int(conversion!.started),
    enquiriesToConference: int(conversion!.conference),
    enquiriesToPlan: int(conversion!.plan),
  };
}
