import { readJsonFile } from '../config/json-file';
import { z } from 'zod';
import { AGENCY_KINDS, type AgencyKind } from '../access-policy/vocabulary';

export interface Agency {
  code: string;
  name: string;
  kind: AgencyKind;
  /** A social care team's out-of-hours contact, shown with the child protection flags (issue 24). */
  outOfHoursContact?: string;
}

/** The demo partnership (README › Agencies, users and roles). Used when no MASH_AGENCIES_FILE is configured. */
export const DEMO_AGENCIES: readonly Agency[] = [
  {
    code: 'social-care',
    name: 'Exampleshire Children’s Social Care',
    kind: 'SOCIAL_CARE',
    // A number from Ofcom's range for drama: fictional.
    outOfHoursContact: 'Exampleshire Emergency Duty Team, 01632 960 000 (fictional)',
  },
  { code: 'police', name: 'Exampleshire Constabulary', kind: 'POLICE' },
  { code: 'health', name: 'Exampleshire Integrated Care Board', kind: 'HEALTH' },
  { code: 'probation', name: 'Probation Service (Exampleshire)', kind: 'PROBATION' },
  { code: 'education', name: 'Exampleshire Education Safeguarding', kind: 'EDUCATION' },
];

const agencyFileSchema = z
  .array(
    z.object({
      code: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'agency codes are lower-case words joined by hyphens'),
      name: z.string().min(1).max(200),
      kind: z.enum(AGENCY_KINDS),
      outOfHoursContact: z.string().min(1).max(200).optional(),
    }),
  )
  .min(1)
  .refine((list) => new Set(list.map((a) => a.code)).size === list.length, 'agency codes must be unique');

/** The partnership's agencies, looked up by code. Immutable once loaded. */
export class AgencyDirectory {
  private readonly byCode: ReadonlyMap<string, Agency>;

  constructor(agencies: readonly Agency[]) {
    this.byCode = new Map(agencies.map((a) => [a.code, Object.freeze({ ...a })]));
  }

  /** `source` names the file in errors (a partnership's own file says whose, ADR 028). */
  static load(file: string | undefined, source = 'MASH_AGENCIES_FILE'): AgencyDirectory {
    if (!file) return new AgencyDirectory(DEMO_AGENCIES);
    const raw = readJsonFile(source, file);
    const parsed = agencyFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    }
    return new AgencyDirectory(parsed.data);
  }

  get(code: string): Agency | undefined {
    return this.byCode.get(code);
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }

  list(): Agency[] {
    return [...this.byCode.values()];
  }

  kindOf(code: string): AgencyKind | undefined {
    return this.byCode.get(code)?.kind;
  }
}
