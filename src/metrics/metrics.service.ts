import type { DataSource, EntityManager } from 'typeorm';
import type { AgencyDirectory } from '../auth/agencies';
import { acknowledgedDecisionBy, workingCalendar } from '../referrals/clocks';
import { REFERRAL_SOURCE_CODES, type ReferralSource } from '../referrals/vocabulary';
import { badInput } from '../shared/errors';
import { childProtection, type ChildProtectionBreakdown } from './child-protection.queries';
import * as q from './metrics.queries';
import { resolvePeriods, trailingMonths, type Period, type PeriodRequest } from './period';
import { directionOfTravel, ragByConvention } from './rating';
import type { MetricsSettings } from './settings';
import {
  MEASURE_KEYS,
  MEASURES,
  type Direction,
  type MeasureKey,
  type Polarity,
  type RagStatus,
  type Unit,
} from './vocabulary';

/** One measure: value for the period and the previous one, target, polarity, RAG and direction. */
export interface Measure {
  key: MeasureKey;
  label: string;
  unit: Unit;
  value: number | null;
  previousValue: number | null;
  target: number | null;
  polarity: Polarity | null;
  status: RagStatus | null;
  direction: Direction | null;
  note: string | null;
  comparators: Array<{ label: string; value: number }>;
  commentary: string | null;
}

export interface AgencyFlow extends q.AgencyFlowRow {
  sector: string;
  conversionRate: number | null;
}

export interface Distribution {
  key: string;
  count: number;
  withinTimescale: number;
  withinTimescaleRate: number | null;
  medianHours: number | null;
  p90Hours: number | null;
}

export interface PeriodBreakdown {
  period: Period;
  startsAt: Date;
  endsAt: Date;
  contactsByAgency: AgencyFlow[];
  decisionsByRag: Distribution[];
  checkTurnaroundByAgency: Distribution[];
  checkOutcomesByAgency: q.CheckOutcomeRow[];
  /** Contacts by source (census code), per contact and per child (ADR 019). */
  contactsBySource: Array<q.SourceRow & { censusCode: string; censusGroup: string }>;
  /** The statutory clock: contacts whose one-working-day decision fell due in the period. */
  statutoryDecisions: { due: number; withinOneWorkingDay: number; notDecidedByPeriodEnd: number };
  /** Overdue checks as at the period's end (or now, if earlier). */
  overdueChecksAsAt: Date;
  overdueChecksByAgency: Array<{ agency: string; count: number }>;
  reReferrals: { referrals: number; reReferrals: number };
  equality: q.EqualityRow;
  workers: q.WorkerRow[];
  /** Strategy discussions held in the period and attendance at them by invited agency (partnership-wide). */
  strategyDiscussions: Awaited<ReturnType<typeof q.strategyDiscussions>>;
  /** Strategy discussions whose ICPC fell due in the period, and those with the ICPC held by then. */
  icpc: { due: number; withinTimescale: number };
  breakGlassByAgency: Array<{ agency: string; count: number }>;
  /** Conferences, core groups and plans (issue 24; partnership-wide). */
  childProtection: ChildProtectionBreakdown;
  /** Missing episodes and return home interviews (partnership-wide). */
  missingEpisodes: q.MissingEpisodesRow;
  /** Early help and step transitions (partnership-wide). */
  earlyHelp: q.EarlyHelpRow;
  /** LADO allegations (partnership-wide). */
  lado: q.LadoRow;
  /** Private fostering (partnership-wide). */
  privateFostering: q.PrivateFosteringRow;
  /** Children over 12 and parents taking part in child protection conferences (partnership-wide). */
  familyParticipation: q.FamilyParticipationRow;
  /** Information shared in the period by lawful basis and consent (ADR 025). */
  sharesByBasis: q.ShareBasisRow[];
  /** Contacts open in the MASH as at the period's end (or now, if earlier), by their RAG then. */
  openReferralsAsAt: Date;
  openReferralsByRag: Array<{ rag: string; count: number }>;
  /** The exploitation cohort and MASE discussions (partnership-wide). */
  exploitation: q.ExploitationRow;
  /** Raw scalars for the measures. */
  scalars: Record<MeasureKey, number | null>;
}

export interface MetricsResult {
  timeZone: string;
  asAt: Date;
  team: string | null;
  measures: Measure[];
  current: PeriodBreakdown;
  previous: PeriodBreakdown;
  overdueChecksByAgency: Array<{ agency: string; count: number }>;
}

export interface MetricsRequest {
  period: PeriodRequest;
  team?: string | null;
  asAt?: Date;
}

const share = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/**
 * Computes the governance metrics: all statements in one read-only REPEATABLE READ transaction with
 * the session time zone set to the partnership's, so both periods see the same snapshot.
 */
export async function computeMetrics(
  db: DataSource,
  agencies: AgencyDirectory,
  settings: MetricsSettings,
  req: MetricsRequest,
): Promise<MetricsResult> {
  const periods = resolvePeriods(req.period);
  let team: string[] | null = null;
  if (req.team !== undefined && req.team !== null) {
    const members = settings.teams[req.team];
    if (!members) throw badInput('team', 'is not a configured team');
    team = members;
  }
  const asAt = req.asAt ?? new Date();
  return db.transaction('REPEATABLE READ', async (m) => {
    await m.query('SET TRANSACTION READ ONLY');
    await m.query(`SELECT set_config('TimeZone', $1, true)`, [settings.timeZone]);
    const current = await breakdown(m, agencies, periods.current, team, asAt, settings);
    const previous = await breakdown(m, agencies, periods.previous, team, asAt, settings);
    const overdue = current.overdueChecksByAgency;
    const measures = MEASURE_KEYS.map((key) => measure(key, current, previous, settings));
    return {
      timeZone: settings.timeZone,
      asAt,
      team: req.team ?? null,
      measures,
      current,
      previous,
      overdueChecksByAgency: overdue,
    };
  });
}

export interface TrendPoint {
  label: string;
  scalars: Record<MeasureKey, number | null>;
}

/**
 * The measures for the `months` months ending with `month` (oldest first), for the report's trend: the
 * same definitions as `computeMetrics`, each month as at its own end, in one snapshot.
 */
export async function computeTrend(
  db: DataSource,
  agencies: AgencyDirectory,
  settings: MetricsSettings,
  req: { month: string; months?: number; team?: string | null },
): Promise<TrendPoint[]> {
  let team: string[] | null = null;
  if (req.team !== undefined && req.team !== null) {
    const members = settings.teams[req.team];
    if (!members) throw badInput('team', 'is not a configured team');
    team = members;
  }
  const now = new Date();
  return db.transaction('REPEATABLE READ', async (m) => {
    await m.query('SET TRANSACTION READ ONLY');
    await m.query(`SELECT set_config('TimeZone', $1, true)`, [settings.timeZone]);
    const points: TrendPoint[] = [];
    for (const period of trailingMonths(req.month, req.months ?? 12)) {
      points.push({
        label: period.label,
        scalars: (await breakdown(m, agencies, period, team, now, settings)).scalars,
      });
    }
    return points;
  });
}

const NOTES: Partial<Record<MeasureKey, string>> = {
  overdueChecksNow:
    'A snapshot as at the end of the period (the time of the query while the period runs); the previous value is as at the end of the previous period',
  decisionsWithinOneWorkingDay:
    'Of the contacts whose decision fell due in the period; a decision not made by the end of the period is late',
  strategyDiscussionsHeld: 'Partnership-wide; a team does not narrow it',
  icpcWithin15WorkingDays: 'Of the strategy discussions whose ICPC fell due in the period; partnership-wide',
  breakGlassUses: 'Partnership-wide; a team does not narrow it',
  cpInitialConferencesInTimescale:
    'Of the s47 enquiries whose initial conference fell due in the period, per child; partnership-wide',
  cpReviewConferencesInTimescale: 'Of the review conferences held in the period, per child; partnership-wide',
  cpFirstCoreGroupsInTimescale: 'Of the first core groups that fell due in the period; partnership-wide',
  cpChildrenOnPlanAtPeriodEnd: 'On the last day of the period; partnership-wide',
  cpSecondOrSubsequentPlans: 'Of the plans started in the period; partnership-wide',
  cpRatePer10000Children:
    'Children on a plan at the end per 10,000 children (childPopulation in MASH_METRICS_FILE); partnership-wide',
  cpPlansEndedWithin3Months: 'Of the plans ended in the period; partnership-wide',
  cpPlansLasting2YearsOrMore: 'Of the plans ended in the period; partnership-wide',
  missingEpisodesStarted: 'Partnership-wide; a team does not narrow it',
  missingChildren: 'Distinct children with an episode started in the period; partnership-wide',
  returnInterviewsOfferedWithin72Hours:
    'Of the episodes whose return fell in the period (72 hours of clock time); partnership-wide',
  returnInterviewTakeUp: 'Of the interviews for returns in the period with an outcome recorded; partnership-wide',
  earlyHelpEpisodesOpened: 'Partnership-wide; a team does not narrow it',
  stepUps: 'Partnership-wide; a team does not narrow it',
  stepDowns: 'Partnership-wide; a team does not narrow it',
  earlyHelpNeedsMet:
    'Of the episodes closed in the period with an outcome (stepped up is not an outcome); partnership-wide',
  reEscalationsWithin12Months:
    'Step-ups and referrals in the period about a child stepped down in the 365 days before; partnership-wide',
  ladoAllegationsReceived: 'Partnership-wide; a team does not narrow it',
  ladoResolvedWithinOneMonth:
    'Of the allegations resolved in the period (calendar months from receipt); partnership-wide',
  ladoResolvedWithinThreeMonths:
    'Of the allegations resolved in the period (calendar months from receipt); partnership-wide',
  ladoDbsReferrals: 'Partnership-wide; a team does not narrow it',
  privateFosteringNotifications: 'Partnership-wide; a team does not narrow it',
  privateFosteringInitialVisitsInTimescale:
    'Of the initial visits held in the period (7 working days from the day of notification); partnership-wide',
  childrenPrivatelyFosteredAtPeriodEnd:
    'Notified, started and not ended by the last day of the period; partnership-wide',
  childrenOver12TakingPartInConferences:
    'Of the children aged 12 or more on the day of a child protection conference held in the period (once per conference); partnership-wide',
  parentsReceivingReportsBeforeConference:
    'Of the parents invited to a child protection conference held in the period, the report shared before its scheduled time; partnership-wide',
  sharesWithoutConsent:
    'Of the contacts received and the check answers sharing information in the period; lawful without consent when the basis is recorded (ADR 025)',
  sharesWithArticle6BasisRecorded:
    'Of the contacts received and the check answers sharing information in the period (information-sharing golden rule 7)',
  openReferralsAtPeriodEnd:
    'A snapshot as at the end of the period (the time of the query while the period runs), from the status history; the previous value is as at the end of the previous period',
  exploitationCohortAtPeriodEnd: 'Raised before the end and not closed by then; partnership-wide',
  exploitationFlagsRaised: 'Partnership-wide; a team does not narrow it',
  maseDiscussions: 'Reviews in the period at a MASE meeting; partnership-wide',
};

function measure(
  key: MeasureKey,
  current: PeriodBreakdown,
  previous: PeriodBreakdown,
  settings: MetricsSettings,
): Measure {
  const def = MEASURES[key];
  const { target, polarity, comparators, commentary } = settings.targets[key];
  const value = current.scalars[key];
  const previousValue = previous.scalars[key];
  return {
    key,
    ...def,
    value,
    previousValue,
    target,
    polarity,
    status: ragByConvention(settings.ragConvention, value, previousValue, target, polarity, settings.bands),
    direction: directionOfTravel(value, previousValue, polarity),
    note: NOTES[key] ?? null,
    comparators: comparators ?? [],
    commentary: commentary ?? null,
  };
}

function distribution(rows: q.DurationRow[]): { overall: q.DurationRow | undefined; parts: Distribution[] } {
  const overall = rows.find((r) => r.key === null);
  const parts = rows
    .filter((r) => r.key !== null)
    .map((r) => ({
      key: r.key as string,
      count: r.count,
      withinTimescale: r.within,
      withinTimescaleRate: share(r.within, r.count),
      medianHours: r.median,
      p90Hours: r.p90,
    }));
  return { overall, parts };
}

const DAY_MS = 86_400_000;

/** Linear-interpolated percentile (PostgreSQL's percentile_cont), null for no values. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * The statutory clock (Working Together, docs/metrics.md): of the contacts whose decision on the type of
 * response fell due in the period (one working day from receipt, on the partnership's calendar), how
 * many were decided by then; one not decided by the end of the period counts as late.
 */
async function statutoryDecisions(m: EntityManager, b: q.Bounds, team: string[] | null) {
  // One working day never spans more than a few weeks of closures; 40 days is ample.
  const rows = await q.decisionClocks(m, new Date(b.start.getTime() - 40 * DAY_MS), b, team);
  let due = 0;
  let within = 0;
  let undecided = 0;
  for (const r of rows) {
    // The time promised at receipt, on the calendar of the day (closure days added later do not rewrite it).
    const dueAt = r.acknowledgedDecisionBy ?? acknowledgedDecisionBy(r.receivedAt);
    if (dueAt < b.start || dueAt >= b.end) continue;
    due += 1;
    if (r.authorisedAt === null) undecided += 1;
    else if (r.authorisedAt <= dueAt) within += 1;
  }
  return { due, withinOneWorkingDay: within, notDecidedByPeriodEnd: undecided };
}

/** Time in MASH in working days (working time on the calendar over the length of a working day). */
async function workingDaysInMash(m: EntityManager, b: q.Bounds, team: string[] | null): Promise<number[]> {
  const calendar = workingCalendar();
  const [sh, sm] = calendar.config.dayStart.split(':').map(Number);
  const [eh, em] = calendar.config.dayEnd.split(':').map(Number);
  const dayMs = (eh! * 60 + em! - (sh! * 60 + sm!)) * 60_000;
  return (await q.decisionSpans(m, b, team)).map(
    (r) => calendar.workingMillisBetween(r.receivedAt, r.authorisedAt) / dayMs,
  );
}

async function breakdown(
  m: EntityManager,
  agencies: AgencyDirectory,
  period: Period,
  team: string[] | null,
  now: Date,
  settings: MetricsSettings,
): Promise<PeriodBreakdown> {
  const b = await q.boundsOf(m, period);
  const snapshotAt = now < b.end ? now : b.end;
  const overdue = await q.overdueChecks(m, snapshotAt, team);
  const sources = await q.contactsBySource(m, b, team);
  const statutory = await statutoryDecisions(m, b, team);
  const mashDays = await workingDaysInMash(m, b, team);
  const flow = await q.contactFlow(m, b, team);
  const dec = distribution(await q.decisions(m, b, team));
  const chk = distribution(await q.checkTurnaround(m, b, team));
  const outcomes = await q.checkOutcomes(m, b, team);
  const re = await q.reReferrals(m, b, team);
  const fb = await q.feedback(m, b, team);
  const eq = await q.equality(m, b, team);
  const ws = await q.workers(m, b, team);
  const sd = await q.strategyDiscussions(m, b);
  const icpc = await q.icpcTimeliness(m, period);
  const bg = await q.breakGlassUses(m, b);
  const cp = await childProtection(m, period);
  const missing = await q.missingEpisodes(m, b);
  const eh = await q.earlyHelp(m, b);
  const lado = await q.ladoAllegations(m, b);
  const pf = await q.privateFostering(m, b);
  const fam = await q.familyParticipation(m, b);
  const shares = await q.sharesByBasis(m, b, team);
  const open = await q.openReferralsAsAt(m, snapshotAt, team);
  const shareCount = shares.reduce((s, r) => s + r.count, 0);
  const ex = await q.exploitation(m, b);
  const contacts = flow.reduce((s, a) => s + a.contacts, 0);
  const converted = flow.reduce((s, a) => s + a.socialCareReferrals, 0);
  const scalars: Record<MeasureKey, number | null> = {
    contactsReceived: contacts,
    contactToReferralRate: share(converted, contacts),
    decisionsWithinTimescale: dec.overall ? share(dec.overall.within, dec.overall.count) : null,
    timeInMashMedianHours: dec.overall?.median ?? null,
    timeInMashP90Hours: dec.overall?.p90 ?? null,
    checkTurnaroundMedianHours: chk.overall?.median ?? null,
    checkTurnaroundP90Hours: chk.overall?.p90 ?? null,
    overdueChecksNow: overdue.reduce((s, r) => s + r.count, 0),
    reReferralRate: share(re.reReferrals, re.referrals),
    feedbackMedianHours: fb.median,
    feedbackP90Hours: fb.p90,
    breakGlassUses: bg.reduce((s, r) => s + r.count, 0),
    equalityEthnicityRecorded: share(eq.ethnicity, eq.children),
    equalityFirstLanguageRecorded: share(eq.firstLanguage, eq.children),
    equalityReligionRecorded: share(eq.religion, eq.children),
    strategyDiscussionsHeld: sd.meetings,
    icpcWithin15WorkingDays: share(icpc.withinTimescale, icpc.due),
    decisionsWithinOneWorkingDay: share(statutory.withinOneWorkingDay, statutory.due),
    timeInMashMedianWorkingDays: percentile(mashDays, 0.5),
    timeInMashP90WorkingDays: percentile(mashDays, 0.9),
    childReferrals: sources.reduce((s, r) => s + r.childReferrals, 0),
    cpInitialConferencesInTimescale: share(cp.icpcHeldInTime, cp.icpcDue),
    cpReviewConferencesInTimescale: share(cp.reviewsInTime, cp.reviewsHeld),
    cpFirstCoreGroupsInTimescale: share(cp.firstCoreGroupsInTime, cp.firstCoreGroupsDue),
    cpChildrenOnPlanAtPeriodEnd: cp.onPlanAtEnd,
    cpSecondOrSubsequentPlans: share(cp.secondOrSubsequent, cp.plansStarted),
    cpRatePer10000Children: settings.childPopulation
      ? Math.round((cp.onPlanAtEnd / settings.childPopulation) * 100_000) / 10
      : null,
    cpPlansEndedWithin3Months: share(cp.endedWithin3Months, cp.plansEnded),
    cpPlansLasting2YearsOrMore: share(cp.lasted2YearsOrMore, cp.plansEnded),
    missingEpisodesStarted: missing.started,
    missingChildren: missing.children,
    returnInterviewsOfferedWithin72Hours: share(missing.offeredWithin72Hours, missing.returned),
    returnInterviewTakeUp: share(missing.held, missing.held + missing.declined),
    earlyHelpEpisodesOpened: eh.opened,
    stepUps: eh.stepUps,
    stepDowns: eh.stepDowns,
    earlyHelpNeedsMet: share(eh.needsMet, eh.needsMet + eh.needsNotMet),
    reEscalationsWithin12Months: eh.reEscalations,
    ladoAllegationsReceived: lado.received,
    ladoResolvedWithinOneMonth: share(lado.withinOneMonth, lado.resolved),
    ladoResolvedWithinThreeMonths: share(lado.withinThreeMonths, lado.resolved),
    ladoDbsReferrals: lado.dbsReferrals,
    privateFosteringNotifications: pf.notifications,
    privateFosteringInitialVisitsInTimescale: share(pf.initialVisitsWithinTimescale, pf.initialVisits),
    childrenPrivatelyFosteredAtPeriodEnd: pf.childrenAtPeriodEnd,
    childrenOver12TakingPartInConferences: share(fam.childrenOver12TakingPart, fam.childrenOver12),
    parentsReceivingReportsBeforeConference: share(fam.parentsWithReportBefore, fam.parentsInvited),
    sharesWithoutConsent: share(
      shares.filter((r) => r.consent !== 'GIVEN').reduce((s, r) => s + r.count, 0),
      shareCount,
    ),
    sharesWithArticle6BasisRecorded: share(
      shares.filter((r) => r.article6Basis !== 'NOT_RECORDED').reduce((s, r) => s + r.count, 0),
      shareCount,
    ),
    openReferralsAtPeriodEnd: open.reduce((s, r) => s + r.count, 0),
    exploitationCohortAtPeriodEnd: ex.cohortAtPeriodEnd.reduce((s, r) => s + r.count, 0),
    exploitationFlagsRaised: ex.raised,
    maseDiscussions: ex.maseDiscussions,
  };
  return {
    period,
    startsAt: b.start,
    endsAt: b.end,
    contactsByAgency: flow.map((a) => ({
      ...a,
      sector: agencies.kindOf(a.agency) ?? 'OTHER',
      conversionRate: share(a.socialCareReferrals, a.contacts),
    })),
    decisionsByRag: dec.parts,
    checkTurnaroundByAgency: chk.parts,
    checkOutcomesByAgency: outcomes,
    contactsBySource: sources.map((r) => ({
      ...r,
      censusCode: REFERRAL_SOURCE_CODES[r.source as ReferralSource]?.censusCode ?? '10',
      censusGroup: REFERRAL_SOURCE_CODES[r.source as ReferralSource]?.group ?? 'Unknown',
    })),
    statutoryDecisions: statutory,
    overdueChecksAsAt: snapshotAt,
    overdueChecksByAgency: overdue,
    reReferrals: re,
    equality: eq,
    workers: ws,
    strategyDiscussions: sd,
    icpc,
    breakGlassByAgency: bg,
    childProtection: cp,
    missingEpisodes: missing,
    earlyHelp: eh,
    lado,
    privateFostering: pf,
    familyParticipation: fam,
    sharesByBasis: shares,
    openReferralsAsAt: snapshotAt,
    openReferralsByRag: open,
    exploitation: ex,
    scalars,
  };
}
