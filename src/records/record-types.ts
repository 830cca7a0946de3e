import { z } from 'zod';

/**
 * The typed content of agency records (docs/reference/product.md C1). Each record type belongs to one agency
 * kind; its typed fields live in the record's `data` and are validated here on the way in.
 */
export { RECORD_TYPES, RECORD_TYPE_NAMES, type RecordType } from '../access-policy/record-types';

export const INCIDENT_ROLES = ['VICTIM', 'SUSPECT', 'WITNESS', 'PRESENT'] as const;
export const DA_RISK_LEVELS = ['STANDARD', 'MEDIUM', 'HIGH'] as const;
export const MAPPA_LEVELS = ['NONE', 'LEVEL_1', 'LEVEL_2', 'LEVEL_3'] as const;
export const ROSH_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'] as const;
export const LEGAL_STATUSES = [
  'NONE',
  'CHILD_IN_NEED',
  'CHILD_PROTECTION_PLAN',
  'LOOKED_AFTER',
  'CARE_LEAVER',
  'PRIVATE_FOSTERING',
] as const;
export const CP_CATEGORIES = ['NEGLECT', 'PHYSICAL_ABUSE', 'EMOTIONAL_ABUSE', 'SEXUAL_ABUSE', 'MULTIPLE'] as const;
export const SEN_STATUSES = ['NONE', 'SEN_SUPPORT', 'EHC_PLAN'] as const;

const text = (max: number) => z.string().min(1).max(max);

/** Typed fields by agency kind; a record may only carry its own agency kind's fields. */
export const RECORD_DATA_SCHEMAS = {
  POLICE: z
    .object({
      personRole: z.enum(INCIDENT_ROLES).optional(),
      incidentType: text(200).optional(),
      riskLevel: z.enum(DA_RISK_LEVELS).optional(),
      warningMarkers: z.array(text(100)).max(20).optional(),
      intelligenceGrading: z
        .string()
        .regex(/^[A-E][1-5]$|^[1-5][A-E][1-5]$/, 'must be a grading such as B2 or 1A1')
        .optional(),
      detail: text(20000).optional(),
      informantIdentity: text(500).optional(),
    })
    .strict(),
  HEALTH: z
    .object({
      registeredGp: text(200).optional(),
      practitioner: text(200).optional(),
      mentalHealthInvolvement: z.boolean().optional(),
      substanceMisuseInvolvement: z.boolean().optional(),
      clinicalNotes: text(20000).optional(),
    })
    .strict(),
  PROBATION: z
    .object({
      underSupervision: z.boolean().optional(),
      mappaLevel: z.enum(MAPPA_LEVELS).optional(),
      riskOfSeriousHarmToChildren: z.enum(ROSH_LEVELS).optional(),
      offenceSummary: text(20000).optional(),
      licenceConditions: z.array(text(1000)).max(50).optional(),
    })
    .strict(),
  SOCIAL_CARE: z
    .object({
      legalStatus: z.enum(LEGAL_STATUSES).optional(),
      cpCategories: z.array(z.enum(CP_CATEGORIES)).max(5).optional(),
      allocatedWorker: text(200).optional(),
      previousReferrals: z.number().int().min(0).max(1000).optional(),
      caseNotes: text(20000).optional(),
      protectedAddress: text(500).optional(),
    })
    .strict(),
  EDUCATION: z
    .object({
      school: text(200).optional(),
      attendancePercent: z.number().min(0).max(100).optional(),
      exclusions: z.number().int().min(0).max(1000).optional(),
      senStatus: z.enum(SEN_STATUSES).optional(),
      dslNotes: text(20000).optional(),
    })
    .strict(),
} as const;

export type RecordAgencyKind = keyof typeof RECORD_DATA_SCHEMAS;
