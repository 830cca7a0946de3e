import type { DataSource, EntityManager } from 'typeorm';
import type { AgencyDirectory } from '../auth/agencies';
import { badInput } from '../shared/errors';
import * as q from './metrics.queries';
import { resolvePeriods, type Period, type PeriodRequest } from './period';
import { directionOfTravel, ragAgainstTarget } from './rating';
import type { MetricsSettings } from './settings';
import { MEASURE_KEYS, MEASURES, type Direction, type MeasureKey, type Polarity, type RagStatus, type Unit } from './vocabulary';

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
  reReferrals: { referrals: number; reReferrals: number };
  equality: q.EqualityRow;
  workers: q.WorkerRow[];
  /** Strategy discussions held in the period and attendance at them by invited agency (partnership-wide). */
  strategyDiscussions: Awaited<ReturnType<typeof q.strategyDiscussions>>;
  /** Strategy discussions whose ICPC fell due in the period, and those with the ICPC held by then. */
  icpc: { due: number; withinTimescale: number };
  breakGlassByAgency: Array<{ agency: string; count: number }>;
  /** Missing episodes and return home interviews (partnership-wide). */
  missingEpisodes: q.MissingEpisodesRow;
  /** Early help and step transitions (partnership-wide). */
  earlyHelp: q.EarlyHelpRow;
  /** LADO allegations (partnership-wide). */
  lado: q.LadoRow;
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
    const current = await breakdown(m, agencies, periods.current, team);
    const previous = await breakdown(m, agencies, periods.previous, team);
    const overdue = await q.overdueChecks(m, asAt, team);
    current.scalars.overdueChecksNow = overdue.reduce((s, r) => s + r.count, 0);
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

const NOTES: Partial<Record<MeasureKey, string>> = {
  overdueChecksNow: 'A snapshot at the time of the query; there is no previous value',
  strategyDiscussionsHeld: 'Partnership-wide; a team does not narrow it',
  icpcWithin15WorkingDays: 'Of the strategy discussions whose ICPC fell due in the period; partnership-wide',
  breakGlassUses: 'Partnership-wide; a team does not narrow it',
  missingEpisodesStarted: 'Partnership-wide; a team does not narrow it',
  missingChildren: 'Distinct children with an episode started in the period; partnership-wide',
  returnInterviewsOfferedWithin72Hours: 'Of the episodes whose return fell in the period (72 hours of clock time); partnership-wide',
  returnInterviewTakeUp: 'Of the interviews for returns in the period with an outcome recorded; partnership-wide',
  earlyHelpEpisodesOpened: 'Partnership-wide; a team does not narrow it',
  stepUps: 'Partnership-wide; a team does not narrow it',
  stepDowns: 'Partnership-wide; a team does not narrow it',
  earlyHelpNeedsMet: 'Of the episodes closed in the period with an outcome (stepped up is not an outcome); partnership-wide',
  reEscalationsWithin12Months: 'Step-ups and referrals in the period about a child stepped down in the 365 days before; partnership-wide',
  ladoAllegationsReceived: 'Partnership-wide; a team does not narrow it',
  ladoResolvedWithinOneMonth: 'Of the allegations resolved in the period (calendar months from receipt); partnership-wide',
  ladoResolvedWithinThreeMonths: 'Of the allegations resolved in the period (calendar months from receipt); partnership-wide',
  ladoDbsReferrals: 'Partnership-wide; a team does not narrow it',
};

function measure(key: MeasureKey, current: PeriodBreakdown, previous: PeriodBreakdown, settings: MetricsSettings): Measure {
  const def = MEASURES[key];
  const { target, polarity } = settings.targets[key];
  const value = current.scalars[key];
  const previousValue = key === 'overdueChecksNow' ? null : previous.scalars[key];
  return {
    key,
    ...def,
    value,
    previousValue,
    target,
    polarity,
    status: ragAgainstTarget(value, target, polarity, settings.bands),
    direction: directionOfTravel(value, previousValue, polarity),
    note: NOTES[key] ?? null,
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

async function breakdown(m: EntityManager, agencies: AgencyDirectory, period: Period, team: string[] | null): Promise<PeriodBreakdown> {
  const b = await q.boundsOf(m, period);
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
  const missing = await q.missingEpisodes(m, b);
  const eh = await q.earlyHelp(m, b);
  const lado = await q.ladoAllegations(m, b);
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
    overdueChecksNow: null,
    reReferralRate: share(re.reReferrals, re.referrals),
    feedbackMedianHours: fb.median,
    feedbackP90Hours: fb.p90,
    breakGlassUses: bg.reduce((s, r) => s + r.count, 0),
    equalityEthnicityRecorded: share(eq.ethnicity, eq.children),
    equalityFirstLanguageRecorded: share(eq.firstLanguage, eq.children),
    equalityReligionRecorded: share(eq.religion, eq.children),
    strategyDiscussionsHeld: sd.meetings,
    icpcWithin15WorkingDays: share(icpc.withinTimescale, icpc.due),
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
  };
  return {
    period,
    startsAt: b.start,
    endsAt: b.end,
    contactsByAgency: flow.map((a) => ({ ...a, sector: agencies.kindOf(a.agency) ?? 'OTHER', conversionRate: share(a.socialCareReferrals, a.contacts) })),
    decisionsByRag: dec.parts,
    checkTurnaroundByAgency: chk.parts,
    checkOutcomesByAgency: outcomes,
    reReferrals: re,
    equality: eq,
    workers: ws,
    strategyDiscussions: sd,
    icpc,
    breakGlassByAgency: bg,
    missingEpisodes: missing,
    earlyHelp: eh,
    lado,
    scalars,
  };
}
