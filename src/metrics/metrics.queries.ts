import type { EntityManager } from 'typeorm';
import { attendanceByAgency } from '../meetings/meetings.queries';
import { RETURN_INTERVIEW_OFFER_HOURS } from '../missing/vocabulary';
import { RE_ESCALATION_DAYS } from '../early-help/vocabulary';
import { resolutionBandSql } from '../lado/vocabulary';
import { CONFERENCE_TYPES, PARTICIPATION_MIN_AGE } from '../meetings/vocabulary';
import { equalityAsAt } from './as-at';
import type { Period } from './period';
import { CHILD_KINDS, NOT_RECORDED_VALUES, SOCIAL_CARE_REFERRAL_OUTCOMES } from './vocabulary';

const ACCEPTED = (r: string, end: string) =>
  `(${r}.decision_authorised_at < ${end} AND ${r}.decision_outcome IN (${SOCIAL_CARE_REFERRAL_OUTCOMES.map((o) => `'${o}'`).join(',')}))`;

/**
 * The measures as SQL, one statement per family, over indexed columns (received_at,
 * decision_authorised_at, feedback_sent_at, agency_check.returned_at — see
 * migrations/1763900500000-metrics-indexes.ts; meeting.scheduled_at, meeting.icpc_due_at and
 * break_glass.opened_at — 1763900600000). Every statement takes the period as instants
 * ($1 inclusive, $2 exclusive) and the team as a list of worker subs ($3, NULL = everyone).
 * Durations are hours; percentiles are percentile_cont (interpolated). Run inside `inMetricsTx`
 * so the session time zone is the partnership's and all statements see one snapshot.
 */

export interface Bounds {
  start: Date;
  end: Date;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const int = (v: unknown): number => Number(v ?? 0);

const TEAM = `($3::text[] IS NULL OR r.assigned_to_sub = ANY($3::text[]))`;
/** The team filter for checks: looks the referral up only when a team is asked for (no join of every referral). */
const CHECK_TEAM = (teamParam: string) =>
  `(${teamParam}::text[] IS NULL OR EXISTS (SELECT 1 FROM referral r WHERE r.id = c.referral_id AND r.assigned_to_sub = ANY(${teamParam}::text[])))`;
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');
const HOURS = (to: string, from: string) => `extract(epoch FROM (${to} - ${from})) / 3600.0`;

/** Local dates → instants in the session time zone (set by inMetricsTx). */
export async function boundsOf(m: EntityManager, p: Period): Promise<Bounds> {
  const [row] = (await m.query(
    `SELECT $1::date::timestamp::timestamptz AS start, $2::date::timestamp::timestamptz AS "end"`,
    [p.from, p.until],
  )) as Row[];
  return { start: row.start as Date, end: row.end as Date };
}

export interface AgencyFlowRow {
  agency: string;
  contacts: number;
  decided: number;
  socialCareReferrals: number;
  outcomes: Array<{ outcome: string; count: number }>;
}

/** Contacts received in the period by submitting agency, and what became of them as decided by the period's end (what was known then). */
export async function contactFlow(m: EntityManager, b: Bounds, team: string[] | null): Promise<AgencyFlowRow[]> {
  const rows = (await m.query(
    `SELECT r.referrer_agency AS agency,
            CASE WHEN r.decision_authorised_at < $2 THEN r.decision_outcome END AS outcome,
            count(*)::int AS n
       FROM referral r
      WHERE r.received_at >= $1 AND r.received_at < $2 AND ${TEAM}
      GROUP BY 1, 2
      ORDER BY 1, 2`,
    [b.start, b.end, team],
  )) as Row[];
  const byAgency = new Map<string, AgencyFlowRow>();
  for (const r of rows) {
    const agency = r.agency as string;
    const a = byAgency.get(agency) ?? { agency, contacts: 0, decided: 0, socialCareReferrals: 0, outcomes: [] };
    const n = int(r.n);
    a.contacts += n;
    if (r.outcome !== null) {
      a.decided += n;
      a.outcomes.push({ outcome: r.outcome as string, count: n });
      if ((SOCIAL_CARE_REFERRAL_OUTCOMES as readonly string[]).includes(r.outcome as string))
        a.socialCareReferrals += n;
    }
    byAgency.set(agency, a);
  }
  return [...byAgency.values()];
}

export interface DurationRow {
  key: string | null;
  count: number;
  within: number;
  median: number | null;
  p90: number | null;
}

/** Decisions authorised in the period: within timescale and time in MASH, by RAG and overall (key null). */
export async function decisions(m: EntityManager, b: Bounds, team: string[] | null): Promise<DurationRow[]> {
  const h = HOURS('r.decision_authorised_at', 'r.received_at');
  const rows = (await m.query(
    `SELECT CASE WHEN GROUPING(coalesce(r.rag, 'UNRATED')) = 1 THEN NULL ELSE coalesce(r.rag, 'UNRATED') END AS key,
            count(*)::int AS count,
            count(*) FILTER (WHERE r.decision_authorised_at <= r.decision_due_at)::int AS within,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ${h}) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY ${h}) AS p90
       FROM referral r
      WHERE r.decision_authorised_at >= $1 AND r.decision_authorised_at < $2 AND ${TEAM}
      GROUP BY GROUPING SETS ((coalesce(r.rag, 'UNRATED')), ())
      ORDER BY 1 NULLS FIRST`,
    [b.start, b.end, team],
  )) as Row[];
  return rows.map(durationRow);
}

/** Checks answered (returned or declined) in the period: turnaround by agency and overall (key null). */
export async function checkTurnaround(m: EntityManager, b: Bounds, team: string[] | null): Promise<DurationRow[]> {
  const h = HOURS('c.returned_at', 'c.requested_at');
  const rows = (await m.query(
    `SELECT CASE WHEN GROUPING(c.agency) = 1 THEN NULL ELSE c.agency END AS key,
            count(*)::int AS count,
            count(*) FILTER (WHERE c.returned_at <= c.due_at)::int AS within,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ${h}) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY ${h}) AS p90
       FROM agency_check c
      WHERE c.returned_at >= $1 AND c.returned_at < $2 AND ${CHECK_TEAM('$3')}
      GROUP BY GROUPING SETS ((c.agency), ())
      ORDER BY 1 NULLS FIRST`,
    [b.start, b.end, team],
  )) as Row[];
  return rows.map(durationRow);
}

export interface CheckOutcomeRow {
  agency: string;
  informationShared: number;
  noInformationHeld: number;
  declined: number;
  closedWithoutAnswer: number;
}

/**
 * How checks ended in the period, by agency: answered (returned_at in the period) with information,
 * with "no information held" (an answer: the agency searched and holds nothing), or declined (the
 * only refusal); and closed by the MASH without an answer (closed_at in the period). "No trace" is
 * never counted as a refusal.
 */
export async function checkOutcomes(m: EntityManager, b: Bounds, team: string[] | null): Promise<CheckOutcomeRow[]> {
  const answered = `(c.returned_at >= $1 AND c.returned_at < $2)`;
  const closed = `(c.status = 'CLOSED' AND c.closed_at >= $1 AND c.closed_at < $2)`;
  const rows = (await m.query(
    `SELECT c.agency,
            count(*) FILTER (WHERE ${answered} AND c.status = 'RETURNED')::int AS shared,
            count(*) FILTER (WHERE ${answered} AND c.status = 'NO_INFORMATION')::int AS nothing,
            count(*) FILTER (WHERE ${answered} AND c.status = 'DECLINED')::int AS declined,
            count(*) FILTER (WHERE ${closed})::int AS closed
       FROM agency_check c
      WHERE (${answered} OR ${closed}) AND ${CHECK_TEAM('$3')}
      GROUP BY c.agency ORDER BY c.agency`,
    [b.start, b.end, team],
  )) as Row[];
  return rows.map((r) => ({
    agency: r.agency as string,
    informationShared: int(r.shared),
    noInformationHeld: int(r.nothing),
    declined: int(r.declined),
    closedWithoutAnswer: int(r.closed),
  }));
}

/**
 * Checks outstanding and past their due time at `asAt`, by agency, as they stood then: requested by
 * then, not answered (returned_at) and not closed (closed_at) by then. A past period's snapshot is
 * true of that period's end, never today's position.
 */
export async function overdueChecks(
  m: EntityManager,
  asAt: Date,
  team: string[] | null,
): Promise<Array<{ agency: string; count: number }>> {
  const rows = (await m.query(
    `SELECT c.agency, count(*)::int AS count
       FROM agency_check c
      WHERE c.requested_at <= $1 AND c.due_at < $1
        AND (c.returned_at IS NULL OR c.returned_at > $1) AND (c.closed_at IS NULL OR c.closed_at > $1)
        AND ${CHECK_TEAM('$2')}
      GROUP BY c.agency ORDER BY c.agency`,
    [asAt, team],
  )) as Row[];
  return rows.map((r) => ({ agency: r.agency as string, count: int(r.count) }));
}

/**
 * Re-referrals by the children-in-need census definition (ADR 019, docs/metrics.md): counted per child.
 * A referral is a contact the MASH accepted for a social-care response (an authorised CIN assessment
 * or strategy discussion outcome); its date is the contact's receipt. Of the child-referrals received
 * in the period (one per child per referral, accepted by the period's end: what was known then), those
 * whose child had another referral received in the 12 months before (calendar months in the
 * partnership's time zone, accepted by the period's end). Merged duplicates are not referrals.
 */
export async function reReferrals(
  m: EntityManager,
  b: Bounds,
  team: string[] | null,
): Promise<{ referrals: number; reReferrals: number }> {
  const [row] = (await m.query(
    `WITH pairs AS (
       SELECT r.id, r.received_at, s.person_id
         FROM referral r
         JOIN referral_subject s ON s.referral_id = r.id
         JOIN person p ON p.id = s.person_id AND p.kind IN (${list(CHILD_KINDS)})
        WHERE r.received_at >= $1 AND r.received_at < $2 AND r.status <> 'MERGED' AND ${ACCEPTED('r', '$2')} AND ${TEAM})
     SELECT count(*)::int AS referrals,
            count(*) FILTER (WHERE EXISTS (
              SELECT 1 FROM referral_subject s2 JOIN referral r2 ON r2.id = s2.referral_id
               WHERE s2.person_id = x.person_id AND s2.referral_id <> x.id AND r2.status <> 'MERGED' AND ${ACCEPTED('r2', '$2')}
                 AND r2.received_at < x.received_at AND r2.received_at >= x.received_at - interval '12 months'))::int AS re
       FROM pairs x`,
    [b.start, b.end, team],
  )) as Row[];
  return { referrals: int(row.referrals), reReferrals: int(row.re) };
}

export interface SourceRow {
  source: string;
  /** Contacts received (one per contact, however many children). */
  contacts: number;
  /** One per child per contact, as the census counts (merged duplicates left out). */
  childContacts: number;
  /** Contacts accepted for a social-care response by the period's end. */
  referrals: number;
  /** One per child per accepted contact. */
  childReferrals: number;
}

/** Contacts received in the period by source (census code), per contact and per child, and how many became referrals. */
export async function contactsBySource(m: EntityManager, b: Bounds, team: string[] | null): Promise<SourceRow[]> {
  const rows = (await m.query(
    `SELECT r.source,
            count(*)::int AS contacts,
            count(*) FILTER (WHERE ${ACCEPTED('r', '$2')})::int AS referrals,
            coalesce(sum(k.children) FILTER (WHERE r.status <> 'MERGED'), 0)::int AS child_contacts,
            coalesce(sum(k.children) FILTER (WHERE r.status <> 'MERGED' AND ${ACCEPTED('r', '$2')}), 0)::int AS child_referrals
       FROM referral r
       CROSS JOIN LATERAL (SELECT count(*) AS children FROM referral_subject s JOIN person p ON p.id = s.person_id AND p.kind IN (${list(CHILD_KINDS)})
                            WHERE s.referral_id = r.id) k
      WHERE r.received_at >= $1 AND r.received_at < $2 AND ${TEAM}
      GROUP BY r.source ORDER BY r.source`,
    [b.start, b.end, team],
  )) as Row[];
  return rows.map((r) => ({
    source: r.source as string,
    contacts: int(r.contacts),
    childContacts: int(r.child_contacts),
    referrals: int(r.referrals),
    childReferrals: int(r.child_referrals),
  }));
}

export interface DecisionClockRow {
  receivedAt: Date;
  /** The statutory due time promised at receipt (null on rows from before it was stored). */
  acknowledgedDecisionBy: Date | null;
  authorisedAt: Date | null;
}

/**
 * Contacts that could fall due for the statutory decision in the period: received from `lookBack`
 * (a few weeks before the period, enough for one working day over any holiday) until its end, not
 * withdrawn or merged. The decision counts only if authorised by the period's end (`end`): what was
 * known then. The service applies the working calendar.
 */
export async function decisionClocks(
  m: EntityManager,
  lookBack: Date,
  b: Bounds,
  team: string[] | null,
): Promise<DecisionClockRow[]> {
  const rows = (await m.query(
    `SELECT r.received_at, r.acknowledged_decision_by, CASE WHEN r.decision_authorised_at < $2 THEN r.decision_authorised_at END AS authorised_at
       FROM referral r
      WHERE r.received_at >= $1 AND r.received_at < $2 AND r.status NOT IN ('MERGED','WITHDRAWN') AND ${TEAM}`,
    [lookBack, b.end, team],
  )) as Row[];
  return rows.map((r) => ({
    receivedAt: r.received_at as Date,
    acknowledgedDecisionBy: (r.acknowledged_decision_by as Date | null) ?? null,
    authorisedAt: (r.authorised_at as Date | null) ?? null,
  }));
}

/** Decisions authorised in the period with their receipt, for time in MASH in working time. */
export async function decisionSpans(
  m: EntityManager,
  b: Bounds,
  team: string[] | null,
): Promise<Array<{ receivedAt: Date; authorisedAt: Date }>> {
  const rows = (await m.query(
    `SELECT r.received_at, r.decision_authorised_at FROM referral r
      WHERE r.decision_authorised_at >= $1 AND r.decision_authorised_at < $2 AND ${TEAM}`,
    [b.start, b.end, team],
  )) as Row[];
  return rows.map((r) => ({ receivedAt: r.received_at as Date, authorisedAt: r.decision_authorised_at as Date }));
}

/** Referrer feedback sent in the period: hours from receipt, median and 90th percentile. */
export async function feedback(m: EntityManager, b: Bounds, team: string[] | null): Promise<DurationRow> {
  const h = HOURS('r.feedback_sent_at', 'r.received_at');
  const [row] = (await m.query(
    `SELECT NULL AS key, count(*)::int AS count, 0 AS within,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ${h}) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY ${h}) AS p90
       FROM referral r
      WHERE r.feedback_sent_at >= $1 AND r.feedback_sent_at < $2 AND ${TEAM}`,
    [b.start, b.end, team],
  )) as Row[];
  return durationRow(row);
}

export interface EqualityRow {
  children: number;
  ethnicity: number;
  firstLanguage: number;
  religion: number;
}

/**
 * Distinct children in the period's referrals and how many have each equality field recorded, as
 * recorded at the period's end (the history of changes), not today.
 */
export async function equality(m: EntityManager, b: Bounds, team: string[] | null): Promise<EqualityRow> {
  const nr = list(NOT_RECORDED_VALUES);
  const [row] = (await m.query(
    `WITH kids AS (
       SELECT DISTINCT p.id, ${equalityAsAt('p', 'ethnicity', '$2')} AS ethnicity,
              ${equalityAsAt('p', 'first_language', '$2')} AS first_language, ${equalityAsAt('p', 'religion', '$2')} AS religion
         FROM referral r JOIN referral_subject s ON s.referral_id = r.id JOIN person p ON p.id = s.person_id
        WHERE r.received_at >= $1 AND r.received_at < $2 AND ${TEAM} AND p.kind IN (${list(CHILD_KINDS)}))
     SELECT count(*)::int AS children,
            count(*) FILTER (WHERE ethnicity NOT IN (${nr}))::int AS ethnicity,
            count(*) FILTER (WHERE first_language NOT IN (${nr}))::int AS first_language,
            count(*) FILTER (WHERE religion NOT IN (${nr}))::int AS religion
       FROM kids`,
    [b.start, b.end, team],
  )) as Row[];
  return {
    children: int(row.children),
    ethnicity: int(row.ethnicity),
    firstLanguage: int(row.first_language),
    religion: int(row.religion),
  };
}

export interface WorkerRow {
  workerSub: string | null;
  contacts: number;
  decisions: number;
  decisionsWithinTimescale: number;
  timeInMashMedianHours: number | null;
  timeInMashP90Hours: number | null;
  feedbackSent: number;
  feedbackMedianHours: number | null;
}

/** The MASH measures per assigned worker (pseudonymous sub; null = unassigned). */
export async function workers(m: EntityManager, b: Bounds, team: string[] | null): Promise<WorkerRow[]> {
  const received = `r.received_at >= $1 AND r.received_at < $2`;
  const decided = `r.decision_authorised_at >= $1 AND r.decision_authorised_at < $2`;
  const fed = `r.feedback_sent_at >= $1 AND r.feedback_sent_at < $2`;
  const mash = HOURS('r.decision_authorised_at', 'r.received_at');
  const rows = (await m.query(
    `SELECT r.assigned_to_sub AS worker,
            count(*) FILTER (WHERE ${received})::int AS contacts,
            count(*) FILTER (WHERE ${decided})::int AS decisions,
            count(*) FILTER (WHERE ${decided} AND r.decision_authorised_at <= r.decision_due_at)::int AS within,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ${mash}) FILTER (WHERE ${decided}) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY ${mash}) FILTER (WHERE ${decided}) AS p90,
            count(*) FILTER (WHERE ${fed})::int AS fed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ${HOURS('r.feedback_sent_at', 'r.received_at')}) FILTER (WHERE ${fed}) AS fed_median
       FROM referral r
      WHERE ((${received}) OR (${decided}) OR (${fed})) AND ${TEAM}
      GROUP BY r.assigned_to_sub
      ORDER BY r.assigned_to_sub NULLS LAST`,
    [b.start, b.end, team],
  )) as Row[];
  return rows.map((r) => ({
    workerSub: (r.worker as string | null) ?? null,
    contacts: int(r.contacts),
    decisions: int(r.decisions),
    decisionsWithinTimescale: int(r.within),
    timeInMashMedianHours: num(r.median),
    timeInMashP90Hours: num(r.p90),
    feedbackSent: int(r.fed),
    feedbackMedianHours: num(r.fed_median),
  }));
}

function durationRow(r: Row): DurationRow {
  return {
    key: (r.key as string | null) ?? null,
    count: int(r.count),
    within: int(r.within),
    median: num(r.median),
    p90: num(r.p90),
  };
}

/**
 * Strategy discussions (type STRATEGY_DISCUSSION) held in the period — HELD or COMPLETED, counted by
 * their scheduled time, the time the ICPC clock runs from — and attendance at them by invited agency.
 * The definition is the meetings module's own (`attendanceByAgency`), so the two never disagree.
 * Partnership-wide: meetings are not assigned to MASH workers, so a team does not narrow them.
 */
export function strategyDiscussions(m: EntityManager, b: Bounds) {
  return attendanceByAgency(m, b.start, b.end, 'STRATEGY_DISCUSSION');
}

/**
 * ICPC timeliness, by due date: strategy discussions (or meetings) whose initial child protection
 * conference fell due in the period (`icpc_due_at`, a local date, set when the outcome started a
 * section 47 enquiry: 15 working days after the discussion), and how many of them had an ICPC about one
 * of the same children HELD or COMPLETED after the discussion and on or before the due date (local
 * date of the conference's scheduled time, in the session time zone). A conference not held by the due
 * date counts as late even if held later. A discussion whose every section 47 enquiry concluded, by the
 * due date, that no conference is needed is not due (its clock ended). Partnership-wide, like `strategyDiscussions`.
 */
export async function icpcTimeliness(m: EntityManager, p: Period): Promise<{ due: number; withinTimescale: number }> {
  const [row] = (await m.query(
    `SELECT count(*)::int AS due,
            count(*) FILTER (WHERE EXISTS (
              SELECT 1 FROM meeting_subject ss
                JOIN meeting_subject cs ON cs.person_id = ss.person_id
                JOIN meeting c ON c.id = cs.meeting_id
               WHERE ss.meeting_id = sd.id
                 AND c.type = 'INITIAL_CHILD_PROTECTION_CONFERENCE' AND c.status IN ('HELD','COMPLETED')
                 AND c.scheduled_at >= sd.scheduled_at
                 AND c.scheduled_at::date <= sd.icpc_due_at))::int AS within
       FROM meeting sd
      WHERE sd.icpc_due_at >= $1::date AND sd.icpc_due_at < $2::date AND sd.status <> 'CANCELLED'
        -- An enquiry that concluded no conference was needed ends the clock (issue 20): a discussion whose
        -- every linked enquiry so concluded by the due date is not due.
        AND NOT (EXISTS (SELECT 1 FROM s47_strategy_discussion x WHERE x.meeting_id = sd.id)
                 AND NOT EXISTS (SELECT 1 FROM s47_strategy_discussion x JOIN s47_enquiry e ON e.id = x.enquiry_id
                                  WHERE x.meeting_id = sd.id
                                    AND (e.conclusion IS NULL OR e.conclusion = 'SUBSTANTIATED_CONFERENCE' OR e.concluded_on > sd.icpc_due_at)))`,
    [p.from, p.until],
  )) as Row[];
  return { due: int(row.due), withinTimescale: int(row.within) };
}

/** Break-glass openings in the period (by opening time), by the agency of the person who broke the glass. */
export async function breakGlassUses(m: EntityManager, b: Bounds): Promise<Array<{ agency: string; count: number }>> {
  const rows = (await m.query(
    `SELECT g.actor_agency AS agency, count(*)::int AS count
       FROM break_glass g
      WHERE g.opened_at >= $1 AND g.opened_at < $2
      GROUP BY g.actor_agency ORDER BY g.actor_agency`,
    [b.start, b.end],
  )) as Row[];
  return rows.map((r) => ({ agency: r.agency as string, count: int(r.count) }));
}

export interface MissingEpisodesRow {
  /** Episodes started in the period, the distinct children, and those not known to social care when recorded. */
  started: number;
  children: number;
  notKnownToSocialCare: number;
  byMissingFrom: Array<{ key: string; count: number }>;
  /** Episodes whose return fell in the period, and what became of their return home interview. */
  returned: number;
  offeredWithin72Hours: number;
  offeredLater: number;
  held: number;
  declined: number;
}

/**
 * Missing episodes (issue 25, ADR 018): started in the period (by `started_at`), and the return home
 * interviews of the episodes whose return fell in the period (by `returned_at`): offered within 72
 * hours of clock time of the return (exactly 72 hours is within), offered later, held or declined.
 * Partnership-wide, like strategy discussions.
 */
export async function missingEpisodes(m: EntityManager, b: Bounds): Promise<MissingEpisodesRow> {
  const due = `(e.returned_at + interval '${RETURN_INTERVIEW_OFFER_HOURS} hours')`;
  const started = `(e.started_at >= $1 AND e.started_at < $2)`;
  const returned = `(e.returned_at >= $1 AND e.returned_at < $2)`;
  const [row] = (await m.query(
    `SELECT count(*) FILTER (WHERE ${started})::int AS started,
            count(DISTINCT e.person_id) FILTER (WHERE ${started})::int AS children,
            count(*) FILTER (WHERE ${started} AND NOT e.known_to_social_care)::int AS not_known,
            count(*) FILTER (WHERE ${returned})::int AS returned,
            count(*) FILTER (WHERE ${returned} AND e.interview_offered_at <= ${due})::int AS offered_within,
            count(*) FILTER (WHERE ${returned} AND e.interview_offered_at > ${due})::int AS offered_later,
            count(*) FILTER (WHERE ${returned} AND e.interview_outcome = 'HELD')::int AS held,
            count(*) FILTER (WHERE ${returned} AND e.interview_outcome = 'DECLINED')::int AS declined
       FROM missing_episode e
      WHERE ${started} OR ${returned}`,
    [b.start, b.end],
  )) as Row[];
  const from = (await m.query(
    `SELECT e.missing_from AS key, count(*)::int AS count FROM missing_episode e
      WHERE ${started} GROUP BY e.missing_from ORDER BY e.missing_from`,
    [b.start, b.end],
  )) as Row[];
  return {
    started: int(row.started),
    children: int(row.children),
    notKnownToSocialCare: int(row.not_known),
    byMissingFrom: from.map((r) => ({ key: r.key as string, count: int(r.count) })),
    returned: int(row.returned),
    offeredWithin72Hours: int(row.offered_within),
    offeredLater: int(row.offered_later),
    held: int(row.held),
    declined: int(row.declined),
  };
}

export interface EarlyHelpRow {
  /** Episodes opened in the period, by how they began. */
  opened: number;
  openedByMashDecision: number;
  openedByStepDown: number;
  /** Step transitions in the period (by when they happened). */
  stepUps: number;
  stepDowns: number;
  /** Episodes closed in the period with an outcome. */
  needsMet: number;
  needsNotMet: number;
  /** Step-ups and referrals in the period about a child stepped down in the 365 days before. */
  reEscalations: number;
}

/**
 * Early help and step transitions (issue 25, ADR 018): episodes by opening, transitions by when they
 * happened, outcomes by closing, and re-escalations: a step-up, or a referral received (merged
 * duplicates excluded), in the period about a child with a step-down in the 365 days before it.
 * Partnership-wide.
 */
export async function earlyHelp(m: EntityManager, b: Bounds): Promise<EarlyHelpRow> {
  const [h] = (await m.query(
    `SELECT count(*) FILTER (WHERE h.opened_at >= $1 AND h.opened_at < $2)::int AS opened,
            count(*) FILTER (WHERE h.opened_at >= $1 AND h.opened_at < $2 AND h.source = 'MASH_DECISION')::int AS by_decision,
            count(*) FILTER (WHERE h.opened_at >= $1 AND h.opened_at < $2 AND h.source = 'STEP_DOWN')::int AS by_step_down,
            count(*) FILTER (WHERE h.closed_at >= $1 AND h.closed_at < $2 AND h.outcome = 'NEEDS_MET')::int AS needs_met,
            count(*) FILTER (WHERE h.closed_at >= $1 AND h.closed_at < $2 AND h.outcome = 'NEEDS_NOT_MET')::int AS needs_not_met
       FROM early_help_episode h
      WHERE (h.opened_at >= $1 AND h.opened_at < $2) OR (h.closed_at >= $1 AND h.closed_at < $2)`,
    [b.start, b.end],
  )) as Row[];
  const window = `interval '${RE_ESCALATION_DAYS} days'`;
  const [t] = (await m.query(
    `SELECT count(*) FILTER (WHERE t.direction = 'STEP_UP')::int AS step_ups,
            count(*) FILTER (WHERE t.direction = 'STEP_DOWN')::int AS step_downs,
            count(*) FILTER (WHERE t.direction = 'STEP_UP' AND EXISTS (
              SELECT 1 FROM step_transition d WHERE d.person_id = t.person_id AND d.direction = 'STEP_DOWN'
                 AND d.occurred_at < t.occurred_at AND d.occurred_at >= t.occurred_at - ${window}))::int AS re_step_ups,
            (SELECT count(*) FROM referral r JOIN referral_subject rs ON rs.referral_id = r.id
              WHERE r.received_at >= $1 AND r.received_at < $2 AND r.merged_into_id IS NULL
                AND EXISTS (SELECT 1 FROM step_transition d WHERE d.person_id = rs.person_id AND d.direction = 'STEP_DOWN'
                              AND d.occurred_at < r.received_at AND d.occurred_at >= r.received_at - ${window}))::int AS re_referrals
       FROM step_transition t
      WHERE t.occurred_at >= $1 AND t.occurred_at < $2`,
    [b.start, b.end],
  )) as Row[];
  return {
    opened: int(h.opened),
    openedByMashDecision: int(h.by_decision),
    openedByStepDown: int(h.by_step_down),
    stepUps: int(t.step_ups),
    stepDowns: int(t.step_downs),
    needsMet: int(h.needs_met),
    needsNotMet: int(h.needs_not_met),
    reEscalations: int(t.re_step_ups) + int(t.re_referrals),
  };
}

export interface LadoRow {
  /** Allegations received in the period. */
  received: number;
  bySector: Array<{ key: string; count: number }>;
  /** Allegations resolved (outcome recorded) in the period, by how long they took (cumulative bands). */
  resolved: number;
  withinOneMonth: number;
  withinThreeMonths: number;
  withinTwelveMonths: number;
  /** DBS referrals made in the period. */
  dbsReferrals: number;
}

/**
 * LADO allegations (issue 25, ADR 018): received by `received_at`; resolved by `outcome_at`, with the
 * time from receipt in calendar months (KCSIE's bands; within three months includes within one);
 * DBS referrals by `dbs_referred_at`. Partnership-wide. Counts only: no adult, employer or child.
 */
export async function ladoAllegations(m: EntityManager, b: Bounds): Promise<LadoRow> {
  const band = resolutionBandSql('l.received_at', 'l.outcome_at');
  const [row] = (await m.query(
    `SELECT count(*) FILTER (WHERE l.received_at >= $1 AND l.received_at < $2)::int AS received,
            count(*) FILTER (WHERE l.outcome_at >= $1 AND l.outcome_at < $2)::int AS resolved,
            count(*) FILTER (WHERE l.outcome_at >= $1 AND l.outcome_at < $2 AND ${band} = 'WITHIN_ONE_MONTH')::int AS one,
            count(*) FILTER (WHERE l.outcome_at >= $1 AND l.outcome_at < $2 AND ${band} IN ('WITHIN_ONE_MONTH','WITHIN_THREE_MONTHS'))::int AS three,
            count(*) FILTER (WHERE l.outcome_at >= $1 AND l.outcome_at < $2 AND ${band} <> 'OVER_TWELVE_MONTHS')::int AS twelve,
            count(*) FILTER (WHERE l.dbs_referred_at >= $1 AND l.dbs_referred_at < $2)::int AS dbs
       FROM lado_allegation l
      WHERE (l.received_at >= $1 AND l.received_at < $2) OR (l.outcome_at >= $1 AND l.outcome_at < $2) OR (l.dbs_referred_at >= $1 AND l.dbs_referred_at < $2)`,
    [b.start, b.end],
  )) as Row[];
  const sectors = (await m.query(
    `SELECT l.sector AS key, count(*)::int AS count FROM lado_allegation l WHERE l.received_at >= $1 AND l.received_at < $2 GROUP BY l.sector ORDER BY l.sector`,
    [b.start, b.end],
  )) as Row[];
  return {
    received: int(row.received),
    bySector: sectors.map((r) => ({ key: r.key as string, count: int(r.count) })),
    resolved: int(row.resolved),
    withinOneMonth: int(row.one),
    withinThreeMonths: int(row.three),
    withinTwelveMonths: int(row.twelve),
    dbsReferrals: int(row.dbs),
  };
}

export interface PrivateFosteringRow {
  /** Notifications received in the period. */
  notifications: number;
  /** Initial visits held in the period, and of them those held by their due date (7 working days). */
  initialVisits: number;
  initialVisitsWithinTimescale: number;
  /** Children privately fostered at the end of the period: notified, started, and not ended by the last day. */
  childrenAtPeriodEnd: number;
}

/**
 * Private fostering (issue 25, ADR 018): notifications by `notified_at`; initial visits by the day
 * held, within timescale when held by the due date fixed at notification; children in an arrangement
 * notified before the end, started by the last day and not closed by it. Partnership-wide; counts only.
 */
export async function privateFostering(m: EntityManager, b: Bounds): Promise<PrivateFosteringRow> {
  const [row] = (await m.query(
    `SELECT count(*) FILTER (WHERE a.notified_at >= $1 AND a.notified_at < $2)::int AS notifications,
            count(*) FILTER (WHERE a.initial_visit_on >= $1::timestamptz::date AND a.initial_visit_on < $2::timestamptz::date)::int AS initial_visits,
            count(*) FILTER (WHERE a.initial_visit_on >= $1::timestamptz::date AND a.initial_visit_on < $2::timestamptz::date
                               AND a.initial_visit_on <= a.initial_visit_due_on)::int AS within,
            count(DISTINCT a.person_id) FILTER (WHERE a.notified_at < $2 AND a.arrangement_started_on < $2::timestamptz::date
                               AND (a.closed_on IS NULL OR a.closed_on >= $2::timestamptz::date))::int AS at_end
       FROM private_fostering_arrangement a
      WHERE a.notified_at < $2`,
    [b.start, b.end],
  )) as Row[];
  return {
    notifications: int(row!.notifications),
    initialVisits: int(row!.initial_visits),
    initialVisitsWithinTimescale: int(row!.within),
    childrenAtPeriodEnd: int(row!.at_end),
  };
}

export interface FamilyParticipationRow {
  /** (Conference, child) pairs: children aged 12 or more on the day of a conference held in the period. */
  childrenOver12: number;
  /** Of them, those recorded as a participant who attended or sent their views. */
  childrenOver12TakingPart: number;
  /** Parents invited to a conference held in the period. */
  parentsInvited: number;
  /** Of them, those the report was shared with before the conference's scheduled time. */
  parentsWithReportBefore: number;
}

/**
 * Family participation in child protection conferences (issue 19 §5, ADR 024), by the conferences held
 * in the period (scheduled in it and held or completed). A child counts once per conference about them,
 * aged by the London date of the conference; a parent once per invitation. Partnership-wide.
 */
export async function familyParticipation(m: EntityManager, b: Bounds): Promise<FamilyParticipationRow> {
  const [row] = (await m.query(
    `WITH conf AS (
       SELECT c.id, c.scheduled_at, (c.scheduled_at AT TIME ZONE 'Europe/London')::date AS on_day FROM meeting c
        WHERE c.type = ANY($3::text[]) AND c.status IN ('HELD','COMPLETED') AND c.scheduled_at >= $1 AND c.scheduled_at < $2)
     SELECT (SELECT count(*) FROM conf JOIN meeting_subject s ON s.meeting_id = conf.id JOIN person p ON p.id = s.person_id
              WHERE p.kind = 'CHILD' AND p.date_of_birth <= conf.on_day - make_interval(years => $4))::int AS over12,
            (SELECT count(*) FROM conf JOIN meeting_subject s ON s.meeting_id = conf.id JOIN person p ON p.id = s.person_id
              WHERE p.kind = 'CHILD' AND p.date_of_birth <= conf.on_day - make_interval(years => $4)
                AND EXISTS (SELECT 1 FROM meeting_participant mp WHERE mp.meeting_id = conf.id AND mp.person_id = s.person_id
                             AND mp.role = 'CHILD' AND mp.attendance IN ('ATTENDED','SENT_VIEWS')))::int AS over12_taking_part,
            (SELECT count(*) FROM conf JOIN meeting_participant mp ON mp.meeting_id = conf.id WHERE mp.role = 'PARENT')::int AS parents,
            (SELECT count(*) FROM conf JOIN meeting_participant mp ON mp.meeting_id = conf.id
              WHERE mp.role = 'PARENT' AND mp.report_shared_at < conf.scheduled_at)::int AS parents_report_before`,
    [b.start, b.end, CONFERENCE_TYPES, PARTICIPATION_MIN_AGE],
  )) as Row[];
  return {
    childrenOver12: int(row!.over12),
    childrenOver12TakingPart: int(row!.over12_taking_part),
    parentsInvited: int(row!.parents),
    parentsWithReportBefore: int(row!.parents_report_before),
  };
}

export interface ShareBasisRow {
  /** REFERRAL (a contact received) or CHECK_ANSWER (an agency's answer sharing information). */
  share: string;
  /** UK GDPR Article 6 basis, or NOT_RECORDED. */
  article6Basis: string;
  /** Article 9 / DPA 2018 Schedule 1 condition, or NONE. */
  specialCategoryCondition: string;
  /** GIVEN, SOUGHT_NOT_GIVEN, NOT_SOUGHT or NOT_RECORDED. */
  consent: string;
  count: number;
}

const CONSENT_STATE = (t: string) =>
  `CASE WHEN ${t}.consent_given IS TRUE THEN 'GIVEN' WHEN ${t}.consent_sought IS TRUE THEN 'SOUGHT_NOT_GIVEN'
        WHEN ${t}.consent_sought IS FALSE THEN 'NOT_SOUGHT' ELSE 'NOT_RECORDED' END`;

/**
 * Information shared in the period by lawful basis and consent (issue 20, ADR 025; information-sharing
 * golden rule 7): every contact received (a referral is a share, merged or withdrawn ones too) and
 * every agency answer that shared information (RETURNED) in the period, by the Article 6 basis, the
 * Article 9 / Schedule 1 condition and whether consent was sought and given.
 */
export async function sharesByBasis(m: EntityManager, b: Bounds, team: string[] | null): Promise<ShareBasisRow[]> {
  const rows = (await m.query(
    `SELECT share, article6_basis, condition, consent, count(*)::int AS count FROM (
       SELECT 'REFERRAL' AS share, coalesce(r.article6_basis, 'NOT_RECORDED') AS article6_basis,
              coalesce(r.special_category_condition, 'NONE') AS condition, ${CONSENT_STATE('r')} AS consent
         FROM referral r
        WHERE r.received_at >= $1 AND r.received_at < $2 AND ${TEAM}
       UNION ALL
       SELECT 'CHECK_ANSWER', coalesce(c.article6_basis, 'NOT_RECORDED'), coalesce(c.special_category_condition, 'NONE'),
              ${CONSENT_STATE('c')}
         FROM agency_check c
        WHERE c.status = 'RETURNED' AND c.returned_at >= $1 AND c.returned_at < $2 AND ${CHECK_TEAM('$3')}) s
      GROUP BY 1, 2, 3, 4 ORDER BY 1 DESC, 2, 3, 4`,
    [b.start, b.end, team],
  )) as Row[];
  return rows.map((r) => ({
    share: r.share as string,
    article6Basis: r.article6_basis as string,
    specialCategoryCondition: r.condition as string,
    consent: r.consent as string,
    count: int(r.count),
  }));
}

/**
 * Contacts open in the MASH at `asAt`, by their RAG then (issue 20 "Snapshots"): received by then and
 * not yet closed, withdrawn or merged then, by the status history (`referral_transition`: the latest
 * step at or before `asAt`) and the rating history (`referral_rating`: the latest rating at or before
 * `asAt`; UNRATED before the first). Rows without a status history (imported history) were open from
 * receipt until their decision; rows without a rating history carry their stored RAG. Terminal
 * statuses have no way out, so a referral terminal now and unchanged since `asAt` is skipped early.
 */
export async function openReferralsAsAt(
  m: EntityManager,
  asAt: Date,
  team: string[] | null,
): Promise<Array<{ rag: string; count: number }>> {
  const rows = (await m.query(
    `SELECT coalesce(g.rag, CASE WHEN NOT EXISTS (SELECT 1 FROM referral_rating g2 WHERE g2.referral_id = r.id) THEN r.rag END, 'UNRATED') AS rag,
            count(*)::int AS count
       FROM referral r
       LEFT JOIN LATERAL (SELECT t.to_status FROM referral_transition t
                           WHERE t.referral_id = r.id AND t.occurred_at <= $1
                           ORDER BY t.occurred_at DESC, t.version DESC LIMIT 1) st ON true
       LEFT JOIN LATERAL (SELECT g.rag FROM referral_rating g
                           WHERE g.referral_id = r.id AND g.rated_at <= $1
                           ORDER BY g.rated_at DESC, g.id DESC LIMIT 1) g ON true
      WHERE r.received_at <= $1 AND (r.status NOT IN ('CLOSED','WITHDRAWN','MERGED') OR r.updated_at > $1)
        AND ${TEAM.split('$3').join('$2')}
        AND CASE WHEN st.to_status IS NOT NULL THEN st.to_status NOT IN ('CLOSED','WITHDRAWN','MERGED')
                 WHEN EXISTS (SELECT 1 FROM referral_transition t2 WHERE t2.referral_id = r.id) THEN true
                 ELSE r.decision_authorised_at IS NULL OR r.decision_authorised_at > $1 END
      GROUP BY 1 ORDER BY 1`,
    [asAt, team],
  )) as Row[];
  return rows.map((r) => ({ rag: r.rag as string, count: int(r.count) }));
}
export interface ExploitationRow {
  /** Open flags at the end of the period, by type and the risk level they had then. */
  cohortAtPeriodEnd: Array<{ type: string; riskLevel: string; count: number }>;
  /** Flags raised in the period, by type. */
  raised: number;
  raisedByType: Array<{ key: string; count: number }>;
  /** Reviews held at a MASE meeting in the period (discussions), and the children discussed. */
  maseDiscussions: number;
  maseChildren: number;
}

/**
 * The exploitation cohort (issue 25, ADR 027). The cohort as at the end: flags raised before it and not
 * closed by then, at the level they had then (the last review before the end, else the level the first
 * review after it started from, else the flag's own). Flags raised by `raised_at`; MASE discussions: reviews
 * in the period naming a MASE meeting. Partnership-wide; counts only.
 */
export async function exploitation(m: EntityManager, b: Bounds): Promise<ExploitationRow> {
  const cohort = (await m.query(
    `SELECT f.type, COALESCE(
              (SELECT r.risk_after FROM exploitation_flag_review r WHERE r.flag_id = f.id AND r.reviewed_at < $1 ORDER BY r.reviewed_at DESC, r.id DESC LIMIT 1),
              (SELECT r.risk_before FROM exploitation_flag_review r WHERE r.flag_id = f.id AND r.reviewed_at >= $1 ORDER BY r.reviewed_at, r.id LIMIT 1),
              f.risk_level) AS risk_level, count(*)::int AS count
       FROM exploitation_flag f
      WHERE f.raised_at < $1 AND (f.closed_at IS NULL OR f.closed_at >= $1)
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [b.end],
  )) as Row[];
  const raised = (await m.query(
    `SELECT type AS key, count(*)::int AS count FROM exploitation_flag WHERE raised_at >= $1 AND raised_at < $2 GROUP BY 1 ORDER BY 1`,
    [b.start, b.end],
  )) as Row[];
  const [mase] = (await m.query(
    `SELECT count(*)::int AS discussions, count(DISTINCT f.person_id)::int AS children
       FROM exploitation_flag_review r JOIN exploitation_flag f ON f.id = r.flag_id JOIN meeting mt ON mt.id = r.meeting_id
      WHERE mt.type = 'MASE_MEETING' AND r.reviewed_at >= $1 AND r.reviewed_at < $2`,
    [b.start, b.end],
  )) as Row[];
  const raisedByType = raised.map((r) => ({ key: r.key as string, count: int(r.count) }));
  return {
    cohortAtPeriodEnd: cohort.map((r) => ({
      type: r.type as string,
      riskLevel: r.risk_level as string,
      count: int(r.count),
    })),
    raised: raisedByType.reduce((s, r) => s + r.count, 0),
    raisedByType,
    maseDiscussions: int(mase!.discussions),
    maseChildren: int(mase!.children),
  };
}
