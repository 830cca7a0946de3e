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

/**
 * Out-of-hours and unscheduled care (issue 24, ADR 017): the emergency duty team and clinicians in
 * emergency departments, out-of-hours GP services and maternity. They read the child protection flag
 * view and nothing else: no relationship source names them, so they reach no row anywhere else.
 */
export const FLAG_VIEW_ROLES: readonly Role[] = ['EDT_SOCIAL_WORKER', 'UNSCHEDULED_CARE_CLINICIAN'];
/** Roles whose contacts are out of hours (issue 24): flagged `outOfHours`, and seen afterwards only as their submitter. */
export const OUT_OF_HOURS_ROLES: readonly Role[] = ['EDT_SOCIAL_WORKER'];
/** Roles that see only the referrals they submitted (the `REFERRER` relationship). */
export const SUBMITTER_ONLY_ROLES: readonly Role[] = ['PARTNER_REFERRER', ...OUT_OF_HOURS_ROLES];

/** Roles that work cases inside the MASH (may declare case purposes and open break-glass). */
export const MASH_ROLES: readonly Role[] = [
  'MASH_SOCIAL_WORKER',
  'MASH_MANAGER',
  'POLICE_MASH_OFFICER',
  'HEALTH_MASH_PRACTITIONER',
  'PROBATION_MASH_OFFICER',
  'EDUCATION_MASH_OFFICER',
];
export const SOCIAL_CARE_MASH_ROLES: readonly Role[] = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'];
/**
 * The exploitation cohort's core (ADR 027): social care MASH staff and police MASH officers reach every
 * exploitation flag, record and review flags, and alone read associations. The MASE chair is a MASH
 * manager (or a police officer at a MACE); there is no separate chair role.
 */
export const EXPLOITATION_ROLES: readonly Role[] = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER', 'POLICE_MASH_OFFICER'];
/** Roles that authorise or send back a MASH decision. */
export const DECISION_AUTHORISER_ROLES: readonly Role[] = ['MASH_MANAGER'];
export const AGENCY_OFFICER_ROLES: readonly Role[] = [
  'POLICE_MASH_OFFICER',
  'HEALTH_MASH_PRACTITIONER',
  'PROBATION_MASH_OFFICER',
  'EDUCATION_MASH_OFFICER',
];

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
