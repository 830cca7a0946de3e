import { cachedSettingsFile } from '../config/json-file';
import { currentPartnershipScope } from '../db/partnership-scope';
import { z } from 'zod';
import { AGENCY_KINDS } from '../access-policy/vocabulary';
import { DEFAULT_REQUIRED_AGENCIES, MEETING_TYPES, type MeetingType, type RequiredAgencies } from './vocabulary';

/**
 * Required agencies per meeting type. Defaults in `vocabulary.ts` (docs/reference/product.md C4); a partnership
 * overrides any type with a JSON file named by MASH_MEETINGS_FILE, e.g.
 *
 *   { "requiredAgencies": { "STRATEGY_DISCUSSION": { "kinds": ["SOCIAL_CARE", "POLICE", "HEALTH", "PROBATION"] } },
 *     "quorum": { "informationOnlyCounts": true } }
 */
export type MeetingSettings = {
  requiredAgencies: Record<MeetingType, RequiredAgencies>;
  /** The local quorum rule (issue 19 §5): whether an agency that sent information only counts as there. */
  quorum: { informationOnlyCounts: boolean };
};

/** Shipped default: only attending counts towards quorum (information sent is not presence at the discussion). */
export const DEFAULT_QUORUM = { informationOnlyCounts: false } as const;

let quorumRule: MeetingSettings['quorum'] = { ...DEFAULT_QUORUM };
/** A partnership's own quorum rule (ADR 028); a partnership not here follows the deployment's. */
const quorumByPartnership = new Map<string, MeetingSettings['quorum']>();

/**
 * The attendance statuses that count an agency as present for quorum, as SQL literals (a closed
 * vocabulary), by the rule of the partnership the current request acts in (its database scope).
 */
export function quorumAttendanceSql(): string {
  const partnership = currentPartnershipScope()?.partnership;
  const rule = (partnership !== undefined && quorumByPartnership.get(partnership)) || quorumRule;
  return rule.informationOnlyCounts ? `'ATTENDED','SENT_INFORMATION_ONLY'` : `'ATTENDED'`;
}

/**
 * Start-up: validates MASH_MEETINGS_FILE (a bad one stops the hub naming the field) and sets the
 * quorum rule: the deployment's, or with `partnership` that partnership's own.
 */
export function applyMeetingSettings(
  file: string | undefined,
  partnership?: string,
  source = 'MASH_MEETINGS_FILE',
): MeetingSettings {
  const settings = loadMeetingSettings(file, source);
  if (partnership === undefined) quorumRule = { ...settings.quorum };
  else quorumByPartnership.set(partnership, { ...settings.quorum });
  return settings;
}

/** Forgets every partnership's own quorum rule (start-up, before they are configured again). */
export function clearPartnershipMeetingSettings(): void {
  quorumByPartnership.clear();
}

const fileSchema = z
  .object({
    requiredAgencies: z
      .partialRecord(
        z.enum(MEETING_TYPES),
        z
          .object({
            kinds: z.array(z.enum(AGENCY_KINDS)).max(AGENCY_KINDS.length),
            educationIfSchoolAge: z.boolean().optional(),
          })
          .strict(),
      )
      .optional(),
    quorum: z.object({ informationOnlyCounts: z.boolean() }).strict().optional(),
  })
  .strict();

/** Parses settings over the defaults; throws naming the file and the offending key. */
export function parseMeetingSettings(raw: unknown, source = 'MASH_MEETINGS_FILE'): MeetingSettings {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  }
  const requiredAgencies = { ...DEFAULT_REQUIRED_AGENCIES };
  for (const [type, rule] of Object.entries(parsed.data.requiredAgencies ?? {}) as Array<
    [MeetingType, { kinds: RequiredAgencies['kinds']; educationIfSchoolAge?: boolean }]
  >) {
    requiredAgencies[type] = {
      kinds: [...new Set(rule.kinds)],
      educationIfSchoolAge: rule.educationIfSchoolAge ?? requiredAgencies[type].educationIfSchoolAge,
    };
  }
  return { requiredAgencies, quorum: { ...DEFAULT_QUORUM, ...(parsed.data.quorum ?? {}) } };
}

/** Defaults when no file is configured; the file is read once per process. */
export function loadMeetingSettings(file: string | undefined, source = 'MASH_MEETINGS_FILE'): MeetingSettings {
  if (!file) return { requiredAgencies: DEFAULT_REQUIRED_AGENCIES, quorum: { ...DEFAULT_QUORUM } };
  return cachedSettingsFile(source, file, (raw) => parseMeetingSettings(raw, source));
}
