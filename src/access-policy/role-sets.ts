/**
 * The role sets of the access policy (README › How it works): plain `Role[]` that decide who may do
 * what, re-exported by vocabulary.ts. Kept apart from the `as const` name lists so the mutation run
 * (stryker.config.mjs, issue 18) mutates this file whole, independent of line numbers.
 */
import type { Role } from './vocabulary';

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
