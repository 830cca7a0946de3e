import type { AgencyKind, Role } from './vocabulary';

/** The authenticated user of a request, from verified JWT claims. */
export interface Viewer {
  sub: string;
  name: string;
  agency: string;
  agencyKind: AgencyKind;
  roles: readonly Role[];
}

export function hasAnyRole(viewer: Viewer, roles: readonly Role[]): boolean {
  return viewer.roles.some((r) => roles.includes(r));
}
