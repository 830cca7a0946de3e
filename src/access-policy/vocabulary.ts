/** The words the access policy is written in (README › How it works). */

export const ROLES = [
  'MASH_SOCIAL_WORKER',
  'MASH_MANAGER',
  'POLICE_MASH_OFFICER',
  'HEALTH_MASH_PRACTITIONER',
  'PROBATION_MASH_OFFICER',
  'EDUCATION_MASH_OFFICER',
  'PARTNER_REFERRER',
  'IG_AUDITOR',
  'HUB_ADMIN',
  'EDT_SOCIAL_WORKER',
  'UNSCHEDULED_CARE_CLINICIAN',
  /** The local authority designated officer: manages allegations against people who work with children (ADR 018). */
  'LADO',
  /** An employer's designated officer for allegations: sees the allegations about its own staff (ADR 018). */
  'EMPLOYER_DESIGNATED_OFFICER',
] as const;
export type Role = (typeof ROLES)[number];

// The role sets decide who may do what; they live in their own file so the mutation run
// (stryker.config.mjs, issue 18) mutates them whole while the `as const` name lists here are left to the typecheck.
export * from './role-sets';

export const AGENCY_KINDS = [
  'SOCIAL_CARE',
  'POLICE',
  'HEALTH',
  'PROBATION',
  'EDUCATION',
  'HOUSING',
  'YOUTH_JUSTICE',
  'OTHER',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export const PURPOSES = [
  'TRIAGE',
  'AGENCY_CHECK',
  'STRATEGY',
  'SECTION_47',
  'DIRECT_CARE',
  'IG_AUDIT',
  'BREAK_GLASS',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * Sensitivity classes of fields. `CASE_METADATA` marks fields that carry no personal detail beyond
 * what reaching the row already reveals (ids, timestamps, workflow status); they are still only
 * reachable through row scoping and are recorded in the audit like any other released field.
 */
export const SENSITIVITY_CLASSES = ['CASE_METADATA', 'IDENTITY', 'SHARED_SUMMARY', 'AGENCY_DETAIL', 'SEALED'] as const;
export type SensitivityClass = (typeof SENSITIVITY_CLASSES)[number];

/** Why a field was redacted; shown to clients in `extensions.redactions`. */
export const REDACTION_REASONS = ['NEED_TO_KNOW', 'PURPOSE_INSUFFICIENT', 'SEALED', 'NO_CASE_CONTENT'] as const;
export type RedactionReason = (typeof REDACTION_REASONS)[number];

/**
 * Legitimate relationships between a viewer and a person (README › "Rows: legitimate relationships"), computed in SQL
 * by `relationships.ts`.
 */
export const RELATIONSHIP_KINDS = [
  'OWN_AGENCY_RECORD',
  'REFERRAL',
  'REFERRER',
  'AGENCY_CHECK',
  'MEETING_INVITE',
  'STRATEGY_INVITE',
  'BREAK_GLASS',
  /** A MASH worker deciding a data-quality issue about the person: its identity values only (ADR 005). */
  'DATA_QUALITY',
  /**
   * Social care MASH staff and a child with a recorded missing episode (issue 25, ADR 018): the local
   * authority arranges the return home interview, so it reaches the child's identity and the episodes,
   * not other agencies' summaries (no allow rule on shared classes names it).
   */
  'MISSING_EPISODE',
  /** The LADO with every allegation, an employer's designated officer with those about its staff (ADR 018). */
  'LADO_ALLEGATION',
  /**
   * Social care MASH staff and police MASH officers with every exploitation flag (ADR 027): the only
   * relationship the policy lets read a flag's associations (peers, adults of concern, locations).
   */
  'EXPLOITATION_COHORT',
] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];
