import type { Viewer } from './viewer';
import { hasAnyRole } from './viewer';
import { SOCIAL_CARE_MASH_ROLES } from './vocabulary';

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
