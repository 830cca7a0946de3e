import type { Viewer } from './viewer';
import { hasAnyRole } from './viewer';
import { MASH_ROLES, SOCIAL_CARE_MASH_ROLES } from './vocabulary';

/**
 * Row scopes that are "all rows, or only my agency's": `null` means every agency's rows, a code
 * means only rows addressed to that agency. Declared here so repositories and subscriptions apply
 * the same rule.
 */

/** Agency checks: social care MASH staff see every agency's checks; officers only their own. */
export function visibleCheckAgency(viewer: Viewer): string | null {
  return hasAnyRole(viewer, SOCIAL_CARE_MASH_ROLES) ? null : viewer.agency;
}

/** Alerts: IG auditors see every alert; others only those addressed to their agency. */
export function visibleAlertAgency(viewer: Viewer): string | null {
  return hasAnyRole(viewer, ['IG_AUDITOR']) ? null : viewer.agency;
}

/**
 * Acknowledging an alert (ADR 021) answers for the desk it was addressed to: MASH staff acknowledge
 * their own agency's alerts, IG auditors those addressed to information governance. An IG auditor
 * reads every agency's alerts but does not acknowledge them on the agency's behalf, so an agency's
 * list of unacknowledged alerts stays its own to clear.
 */
export function mayAcknowledgeAlert(viewer: Viewer, toAgency: string | null): boolean {
  if (toAgency === null) return hasAnyRole(viewer, ['IG_AUDITOR']);
  return toAgency === viewer.agency && hasAnyRole(viewer, MASH_ROLES);
}
