import type { AgencyKind } from './vocabulary';

/**
 * Which agency kind owns each type of agency record. The write policy decides on it (an agency
 * writes only its own kind's records), so it sits in the access policy, below the domains; the
 * records domain re-exports it beside the typed content it validates (records/record-types.ts).
 */
export const RECORD_TYPES = {
  POLICE_INCIDENT: 'POLICE',
  POLICE_DOMESTIC_ABUSE_NOTIFICATION: 'POLICE',
  POLICE_WARNING_MARKER: 'POLICE',
  POLICE_INTELLIGENCE: 'POLICE',
  HEALTH_GP_REGISTRATION: 'HEALTH',
  HEALTH_VISITING: 'HEALTH',
  HEALTH_SCHOOL_NURSING: 'HEALTH',
  HEALTH_ED_ATTENDANCE: 'HEALTH',
  HEALTH_MATERNITY: 'HEALTH',
  HEALTH_MENTAL_HEALTH: 'HEALTH',
  HEALTH_SUBSTANCE_MISUSE: 'HEALTH',
  PROBATION_SUPERVISION: 'PROBATION',
  SOCIAL_CARE_INVOLVEMENT: 'SOCIAL_CARE',
  SOCIAL_CARE_CASE_NOTE: 'SOCIAL_CARE',
  EDUCATION_ENROLMENT: 'EDUCATION',
  EDUCATION_EXCLUSION: 'EDUCATION',
  EDUCATION_DSL_NOTE: 'EDUCATION',
} as const satisfies Record<string, AgencyKind>;
export type RecordType = keyof typeof RECORD_TYPES;
export const RECORD_TYPE_NAMES = Object.keys(RECORD_TYPES) as RecordType[];
