import { z } from 'zod';
import { cachedSettingsFile } from '../config/json-file';
import { DEFAULT_CALENDAR, DEFAULT_SLA, WorkingCalendar, type SlaConfig } from '../shared/working-calendar';
import { configureClocks } from './clocks';
import { RAGS, THRESHOLD_LEVELS, type RagRating, type ThresholdLevel } from './vocabulary';

/**
 * The partnership's local timescales (issue 19 §4), from a JSON file named by MASH_PARTNERSHIP_FILE:
 * the working calendar (working days and hours, bank holidays, the partnership's own closure days),
 * the local RAG targets for the MASH decision and for agency checks (the partnership's threshold
 * document: the papers give none, the shipped defaults are docs/reference/product.md C3's), and the names the
 * local continuum of need gives the threshold levels. The statutory clock — Working Together's one
 * working day for the decision on the type of response — is not a setting: it runs on the same
 * calendar, apart from the local targets, and a file that tries to set it is refused.
 *
 *   { "calendar": { "closureDays": ["2026-12-29", "2026-12-30", "2026-12-31"] },
 *     "ragTargets": { "decision": { "GREEN": { "unit": "WORKING_DAYS", "amount": 5 } } },
 *     "thresholdLevels": { "LEVEL_3_TARGETED": "Complex", "LEVEL_4_SPECIALIST": "Acute" } }
 *
 * Times are Europe/London wall-clock times (the calendar is England and Wales's).
 */

export interface PartnershipSettings {
  calendar: WorkingCalendar;
  sla: SlaConfig;
  thresholdLevelNames: Record<ThresholdLevel, string>;
}

export const DEFAULT_THRESHOLD_LEVEL_NAMES: Record<ThresholdLevel, string> = {
  LEVEL_1_UNIVERSAL: 'Universal',
  LEVEL_2_EARLY_HELP: 'Early help',
  LEVEL_3_TARGETED: 'Targeted',
  LEVEL_4_SPECIALIST: 'Specialist',
};

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const isoDate = z
  .string()
  .refine(
    (d) =>
      /^\d{4}-\d{2}-\d{2}$/.test(d) &&
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
      new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'must be a date YYYY-MM-DD',
  );

const duration = z
  .object({
    unit: z.enum(['ELAPSED_HOURS', 'WORKING_HOURS', 'WORKING_DAYS']),
    amount: z
      .number()
      .positive('must be more than 0')
      .max(24 * 366, 'must be at most a year'),
  })
  .strict();
const ragDurations = z.partialRecord(z.enum(RAGS), duration);

const fileSchema = z
  .object({
    calendar: z
      .object({
        workingDays: z
          .array(z.number().int().min(1).max(7))
          .min(1)
          .max(7)
          .refine((d) => new Set(d).size === d.length, 'must not repeat a day')
          .optional(),
        dayStart: z.string().regex(HH_MM, "must be a time 'HH:MM'").optional(),
        dayEnd: z.string().regex(HH_MM, "must be a time 'HH:MM'").optional(),
        closureDays: z.array(isoDate).max(1000).optional(),
        excludeBankHolidays: z.boolean().optional(),
      })
      .strict()
      .refine((c) => minutes(c.dayEnd ?? DEFAULT_CALENDAR.dayEnd) > minutes(c.dayStart ?? DEFAULT_CALENDAR.dayStart), {
        message: 'dayEnd must be later than dayStart',
        path: ['dayEnd'],
      })
      .optional(),
    ragTargets: z.object({ decision: ragDurations.optional(), check: ragDurations.optional() }).strict().optional(),
    thresholdLevels: z.partialRecord(z.enum(THRESHOLD_LEVELS), z.string().trim().min(1).max(60)).optional(),
    statutoryDecision: z
      .never({ error: 'is set by Working Together (one working day), not by the partnership' })
      .optional(),
  })
  .strict();

/** Parses the file over the defaults; throws naming the variable and each offending field, never a value. */
export function parsePartnershipSettings(raw: unknown, source = 'MASH_PARTNERSHIP_FILE'): PartnershipSettings {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  }
  const f = parsed.data;
  const calendar = WorkingCalendar.fromConfig({
    workingDays: f.calendar?.workingDays,
    dayStart: f.calendar?.dayStart,
    dayEnd: f.calendar?.dayEnd,
    extraHolidays: f.calendar?.closureDays ? [...new Set(f.calendar.closureDays)] : undefined,
    excludeBankHolidays: f.calendar?.excludeBankHolidays,
  });
  const merge = (
    base: SlaConfig['decision'],
    over: Partial<Record<RagRating, z.infer<typeof duration>>> | undefined,
  ) => ({ ...base, ...(over ?? {}) });
  return {
    calendar,
    sla: {
      decision: merge(DEFAULT_SLA.decision, f.ragTargets?.decision),
      check: merge(DEFAULT_SLA.check, f.ragTargets?.check),
    },
    thresholdLevelNames: { ...DEFAULT_THRESHOLD_LEVEL_NAMES, ...(f.thresholdLevels ?? {}) },
  };
}

export function defaultPartnershipSettings(): PartnershipSettings {
  return {
    calendar: new WorkingCalendar(DEFAULT_CALENDAR),
    sla: DEFAULT_SLA,
    thresholdLevelNames: { ...DEFAULT_THRESHOLD_LEVEL_NAMES },
  };
}

/** Defaults when no file is configured; the file is read and validated once per process. */
export function loadPartnershipSettings(
  file: string | undefined,
  source = 'MASH_PARTNERSHIP_FILE',
): PartnershipSettings {
  if (!file) return defaultPartnershipSettings();
  return cachedSettingsFile(source, file, (raw) => parsePartnershipSettings(raw, source));
}

/**
 * Start-up: validates the file (a bad one stops the hub naming the field) and sets the clocks from
 * it: the deployment's, or with `partnership` that partnership's own (ADR 028).
 */
export function applyPartnershipSettings(
  file: string | undefined,
  partnership?: string,
  source = 'MASH_PARTNERSHIP_FILE',
): PartnershipSettings {
  const settings = loadPartnershipSettings(file, source);
  configureClocks({ calendar: settings.calendar, sla: settings.sla }, partnership);
  return settings;
}
