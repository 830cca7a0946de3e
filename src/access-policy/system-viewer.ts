import type { Viewer } from './viewer';
import type { AgencyKind, Role } from './vocabulary';

/**
 * The role a system process (bulk import, demo seed) acts with on behalf of an agency: that
 * agency's officer role, so ingest runs through exactly the same rules as the mutations.
 * Agency kinds without a MASH officer role contribute as partner referrers.
 */
export const OFFICER_ROLE_BY_KIND: Readonly<Record<AgencyKind, Role>> = {
  SOCIAL_CARE: 'MASH_SOCIAL_WORKER',
  POLICE: 'POLICE_MASH_OFFICER',
  HEALTH: 'HEALTH_MASH_PRACTITIONER',
  PROBATION: 'PROBATION_MASH_OFFICER',
  EDUCATION: 'EDUCATION_MASH_OFFICER',
  HOUSING: 'PARTNER_REFERRER',
  YOUTH_JUSTICE: 'PARTNER_REFERRER',
  OTHER: 'PARTNER_REFERRER',
};

/** A viewer for a system process acting for an agency; the audit names it `<process>:<sub>`. */
export function systemViewer(process: string, sub: string, agency: { code: string; kind: AgencyKind }): Viewer {
  return {
    sub: `${process}:${sub}`,
    name: `${process} (${sub})`,
    agency: agency.code,
    agencyKind: agency.kind,
    roles: [OFFICER_ROLE_BY_KIND[agency.kind]],
  };
}
