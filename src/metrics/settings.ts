import { cachedSettingsFile } from '../config/json-file';
import { z } from 'zod';
import { DEFAULT_BANDS, RAG_CONVENTIONS, type RagBands, type RagConvention } from './rating';
import { MEASURE_KEYS, POLARITIES, type MeasureKey, type Polarity } from './vocabulary';

/**
 * Targets, polarity, RAG bands, teams and time zone of the governance metrics. Defaults live here;
 * a partnership overrides any of them with a JSON file named by MASH_METRICS_FILE, e.g.
 *
 *   { "targets": { "decisionsWithinTimescale": { "target": 0.9 } },
 *     "teams": { "pod-a": ["worker-sub-1", "worker-sub-2"] } }
 *
 * Teams are lists of worker subs (pseudonymous ids from the identity provider), never names.
 */
export interface TargetSetting {
  target: number | null;
  polarity: Polarity | null;
  /** Figures to compare with (England, statistical neighbours), from the partnership's file. */
  comparators?: Array<{ label: string; value: number }>;
  /** The board's commentary on the measure, from the file. */
  commentary?: string | null;
}

export interface MetricsSettings {
  targets: Record<MeasureKey, TargetSetting>;
  bands: RagBands;
  /** BANDS (GREEN / AMBER / RED by distance from target) or IMPROVEMENT (Havering: off target is AMBER if improved, else RED). */
  ragConvention: RagConvention;
  teams: Record<string, string[]>;
  /** Children (0–17) living in the partnership's area, for the rate per 10,000 on a plan; null: not configured. */
  childPopulation: number | null;
  timeZone: string;
}

/**
 * Default targets. The papers give no MASH timescale: the shipped local RAG defaults (decisions due in
 * 4/24/72 hours by RAG, docs/reference/product.md C3, the partnership's to set in MASH_PARTNERSHIP_FILE) give a 24-hour median and 72-hour 90th percentile; checks due in 2/8/48 hours give
 * 8 and 48. The shares (95 % on time, 90 % equality data recorded, 20 % re-referrals — about
 * England's rate) are starting points for the partnership to set. Contacts and conversion have no
 * target: more or fewer is not in itself better.
 */
export const DEFAULT_TARGETS: Record<MeasureKey, TargetSetting> = {
  contactsReceived: { target: null, polarity: null },
  // Conversion has no polarity: more or fewer referrals is not better in itself (issue 20).
  contactToReferralRate: { target: null, polarity: null },
  decisionsWithinTimescale: { target: 0.95, polarity: 'LARGER_IS_BETTER' },
  timeInMashMedianHours: { target: 24, polarity: 'SMALLER_IS_BETTER' },
  timeInMashP90Hours: { target: 72, polarity: 'SMALLER_IS_BETTER' },
  checkTurnaroundMedianHours: { target: 8, polarity: 'SMALLER_IS_BETTER' },
  checkTurnaroundP90Hours: { target: 48, polarity: 'SMALLER_IS_BETTER' },
  overdueChecksNow: { target: 0, polarity: 'SMALLER_IS_BETTER' },
  reReferralRate: { target: 0.2, polarity: 'SMALLER_IS_BETTER' },
  feedbackMedianHours: { target: 72, polarity: 'SMALLER_IS_BETTER' },
  feedbackP90Hours: { target: 120, polarity: 'SMALLER_IS_BETTER' },
  breakGlassUses: { target: null, polarity: 'SMALLER_IS_BETTER' },
  equalityEthnicityRecorded: { target: 0.9, polarity: 'LARGER_IS_BETTER' },
  equalityFirstLanguageRecorded: { target: 0.9, polarity: 'LARGER_IS_BETTER' },
  equalityReligionRecorded: { target: 0.9, polarity: 'LARGER_IS_BETTER' },
  strategyDiscussionsHeld: { target: null, polarity: null },
  icpcWithin15WorkingDays: { target: 0.95, polarity: 'LARGER_IS_BETTER' },
  // Working Together: every contact's decision on the type of response within one working day.
  decisionsWithinOneWorkingDay: { target: 0.95, polarity: 'LARGER_IS_BETTER' },
  // In the statutory clock's own unit: half the contacts decided within a day, nine in ten within three.
  timeInMashMedianWorkingDays: { target: 1, polarity: 'SMALLER_IS_BETTER' },
  timeInMashP90WorkingDays: { target: 3, polarity: 'SMALLER_IS_BETTER' },
  childReferrals: { target: null, polarity: null },
  cpInitialConferencesInTimescale: { target: 0.95, polarity: 'LARGER_IS_BETTER' },
  cpReviewConferencesInTimescale: { target: 0.95, polarity: 'LARGER_IS_BETTER' },
  cpFirstCoreGroupsInTimescale: { target: 0.95, polarity: 'LARGER_IS_BETTER' },
  // More or fewer children on a plan is not in itself better; second plans: a partnership sets its own target.
  cpChildrenOnPlanAtPeriodEnd: { target: null, polarity: null },
  cpSecondOrSubsequentPlans: { target: null, polarity: 'SMALLER_IS_BETTER' },
  cpRatePer10000Children: { target: null, polarity: null },
  // The papers' missing indicators: plans ending soon after they start, and long plans.
  cpPlansEndedWithin3Months: { target: null, polarity: 'SMALLER_IS_BETTER' },
  cpPlansLasting2YearsOrMore: { target: 0.05, polarity: 'SMALLER_IS_BETTER' },
  missingEpisodesStarted: { target: null, polarity: null },
  missingChildren: { target: null, polarity: null },
  // Statutory guidance: every child offered an independent interview within 72 hours of returning.
  returnInterviewsOfferedWithin72Hours: { target: 0.95, polarity: 'LARGER_IS_BETTER' },
  // Haringey reported 47 % take-up as a baseline to raise; the partnership sets its own target.
  returnInterviewTakeUp: { target: null, polarity: 'LARGER_IS_BETTER' },
  earlyHelpEpisodesOpened: { target: null, polarity: null },
  stepUps: { target: null, polarity: null },
  stepDowns: { target: null, polarity: null },
  earlyHelpNeedsMet: { target: null, polarity: 'LARGER_IS_BETTER' },
  // A step-down that comes back within a year may have been premature (the papers: "stepping down prematurely").
  reEscalationsWithin12Months: { target: null, polarity: 'SMALLER_IS_BETTER' },
  ladoAllegationsReceived: { target: null, polarity: null },
  // Haringey's targets, from Keeping Children Safe in Education's resolution bands.
  ladoResolvedWithinOneMonth: { target: 0.8, polarity: 'LARGER_IS_BETTER' },
  ladoResolvedWithinThreeMonths: { target: 0.9, polarity: 'LARGER_IS_BETTER' },
  ladoDbsReferrals: { target: null, polarity: null },
  // The papers say notifications are too low: more is better until the count matches the estimate.
  privateFosteringNotifications: { target: null, polarity: 'LARGER_IS_BETTER' },
  privateFosteringInitialVisitsInTimescale: { target: null, polarity: 'LARGER_IS_BETTER' },
  childrenPrivatelyFosteredAtPeriodEnd: { target: null, polarity: null },
  // The papers report both as measures of family participation; they set no target.
  childrenOver12TakingPartInConferences: { target: null, polarity: 'LARGER_IS_BETTER' },
  parentsReceivingReportsBeforeConference: { target: null, polarity: 'LARGER_IS_BETTER' },
  // Sharing without consent is lawful and often right (golden rules 4–6): no polarity, no target.
  sharesWithoutConsent: { target: null, polarity: null },
  // Golden rule 7: record the basis of every share.
  sharesWithArticle6BasisRecorded: { target: 1, polarity: 'LARGER_IS_BETTER' },
  // A queue's size is not good or bad in itself; time in MASH and the statutory clock judge it.
  openReferralsAtPeriodEnd: { target: null, polarity: null },
  // Enfield reports cohort sizes and discussions: context for the board, neither bigger nor smaller is better.
  exploitationCohortAtPeriodEnd: { target: null, polarity: null },
  exploitationFlagsRaised: { target: null, polarity: null },
  maseDiscussions: { target: null, polarity: null },
};

export const DEFAULT_TIME_ZONE = 'Europe/London';

const targetSchema = z
  .object({
    target: z.number().finite().nonnegative().nullable().optional(),
    polarity: z.enum(POLARITIES).nullable().optional(),
    comparators: z
      .array(z.object({ label: z.string().trim().min(1).max(60), value: z.number().finite() }).strict())
      .max(5)
      .optional(),
    commentary: z.string().trim().min(1).max(2000).nullable().optional(),
  })
  .strict();

const fileSchema = z
  .object({
    targets: z.partialRecord(z.enum(MEASURE_KEYS), targetSchema).optional(),
    bands: z
      .object({ green: z.number().min(0).max(1), amber: z.number().min(0).max(1) })
      .strict()
      .refine((b) => b.amber >= b.green, 'amber must be at least green')
      .optional(),
    ragConvention: z.enum(RAG_CONVENTIONS).optional(),
    teams: z
      .record(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/, 'team names are short words'),
        z.array(z.string().min(1).max(255)).min(1),
      )
      .optional(),
    timeZone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-GB', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone')
      .optional(),
    childPopulation: z.number().int().positive().optional(),
  })
  .strict();

export function defaultMetricsSettings(): MetricsSettings {
  return {
    targets: { ...DEFAULT_TARGETS },
    bands: { ...DEFAULT_BANDS },
    ragConvention: 'BANDS',
    teams: {},
    timeZone: DEFAULT_TIME_ZONE,
    childPopulation: null,
  };
}

/** Parses settings over the defaults; throws naming the file and the offending key, never a value. */
export function parseMetricsSettings(raw: unknown, source = 'MASH_METRICS_FILE'): MetricsSettings {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  }
  const s = defaultMetricsSettings();
  for (const [key, t] of Object.entries(parsed.data.targets ?? {}) as Array<
    [MeasureKey, z.infer<typeof targetSchema>]
  >) {
    s.targets[key] = {
      target: t.target === undefined ? s.targets[key].target : t.target,
      polarity: t.polarity === undefined ? s.targets[key].polarity : t.polarity,
      ...(t.comparators ? { comparators: t.comparators } : {}),
      ...(t.commentary !== undefined ? { commentary: t.commentary } : {}),
    };
  }
  if (parsed.data.bands) s.bands = parsed.data.bands;
  if (parsed.data.ragConvention) s.ragConvention = parsed.data.ragConvention;
  if (parsed.data.teams) s.teams = parsed.data.teams;
  if (parsed.data.timeZone) s.timeZone = parsed.data.timeZone;
  if (parsed.data.childPopulation) s.childPopulation = parsed.data.childPopulation;
  return s;
}

/** Defaults when no file is configured; the file is read once per process. */
export function loadMetricsSettings(file: string | undefined, source = 'MASH_METRICS_FILE'): MetricsSettings {
  if (!file) return defaultMetricsSettings();
  return cachedSettingsFile(source, file, (raw) => parseMetricsSettings(raw, source));
}
