import fs from 'node:fs';
import { z } from 'zod';
import { AGENCY_KINDS } from '../access-policy/vocabulary';
import { DEFAULT_REQUIRED_AGENCIES, MEETING_TYPES, type MeetingType, type RequiredAgencies } from './vocabulary';

/**
 * Required agencies per meeting type. Defaults in `vocabulary.ts` (product.md C4); a partnership
 * overrides any type with a JSON file named by MASH_MEETINGS_FILE, e.g.
 *
 *   { "requiredAgencies": { "STRATEGY_DISCUSSION": { "kinds": ["SOCIAL_CARE", "POLICE", "HEALTH", "PROBATION"] } } }
 */
export type MeetingSettings = { requiredAgencies: Record<MeetingType, RequiredAgencies> };

const fileSchema = z
  .object({
    requiredAgencies: z
      .partialRecord(
        z.enum(MEETING_TYPES),
        z.object({ kinds: z.array(z.enum(AGENCY_KINDS)).max(AGENCY_KINDS.length), educationIfSchoolAge: z.boolean().optional() }).strict(),
      )
      .optional(),
  })
  .strict();

/** Parses settings over the defaults; throws naming the file and the offending key. */
export function parseMeetingSettings(raw: unknown, source = 'MASH_MEETINGS_FILE'): MeetingSettings {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  const requiredAgencies = { ...DEFAULT_REQUIRED_AGENCIES };
  for (const [type, rule] of Object.entries(parsed.data.requiredAgencies ?? {}) as Array<[MeetingType, { kinds: RequiredAgencies['kinds']; educationIfSchoolAge?: boolean }]>) {
    requiredAgencies[type] = { kinds: [...new Set(rule.kinds)], educationIfSchoolAge: rule.educationIfSchoolAge ?? requiredAgencies[type].educationIfSchoolAge };
  }
  return { requiredAgencies };
}

const cache = new Map<string, MeetingSettings>();

/** Defaults when no file is configured; the file is read once per process. */
export function loadMeetingSettings(file: string | undefined): MeetingSettings {
  if (!file) return { requiredAgencies: DEFAULT_REQUIRED_AGENCIES };
  const hit = cache.get(file);
  if (hit) return hit;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`MASH_MEETINGS_FILE: cannot read ${file} as JSON (${(e as Error).message})`, { cause: e });
  }
  const settings = parseMeetingSettings(raw);
  cache.set(file, settings);
  return settings;
}
