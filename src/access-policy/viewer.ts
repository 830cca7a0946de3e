import type { AgencyKind, Role } from './vocabulary';

/** The authenticated user of a request, from verified JWT claims. */
export interface Viewer {
  sub: string;
  name: string;
  agency: string;
  agencyKind: AgencyKind;
  roles: readonly Role[];
  /**
   * The partnerships the token lets this user act for (ADR 016); each request acts in exactly one
   * of them (`RequestContext.partnership`). Absent for viewers the hub makes itself (system processes).
   */
  partnerships?: readonly string[];
}

export function hasAnyRole(viewer: Viewer, roles: readonly Role[]): boolean {
  return viewer.roles.some((r) => roles.includes(r));
}
