import { AccessPolicy, DEFAULT_POLICY } from './policy';
import { OFFICER_ROLE_BY_KIND, systemViewer } from './system-viewer';
import { AGENCY_KINDS, type AgencyKind, type Role } from './vocabulary';

/** A system process (bulk import, demo seed) acts with the agency's officer role: the same rules as a person. */

describe('systemViewer: the role a system process acts with for an agency', () => {
  it.each([
    ['SOCIAL_CARE', 'MASH_SOCIAL_WORKER'],
    ['POLICE', 'POLICE_MASH_OFFICER'],
    ['HEALTH', 'HEALTH_MASH_PRACTITIONER'],
    ['PROBATION', 'PROBATION_MASH_OFFICER'],
    ['EDUCATION', 'EDUCATION_MASH_OFFICER'],
    ['HOUSING', 'PARTNER_REFERRER'],
    ['YOUTH_JUSTICE', 'PARTNER_REFERRER'],
    ['OTHER', 'PARTNER_REFERRER'],
  ] as Array<[AgencyKind, Role]>)('given an agency of kind %s, then it acts as %s', (kind, role) => {
    expect(systemViewer('import', 'batch-7', { code: 'a-1', kind })).toEqual({
      sub: 'import:batch-7',
      name: 'import (batch-7)',
      agency: 'a-1',
      agencyKind: kind,
      roles: [role],
    });
  });

  it("given the shipped policy, then every kind's system role fits that kind (a system process is never refused for its own agency)", () => {
    const policy = new AccessPolicy(DEFAULT_POLICY);
    for (const kind of AGENCY_KINDS) expect(policy.rolesFitAgencyKind([OFFICER_ROLE_BY_KIND[kind]], kind)).toBe(true);
  });
});
