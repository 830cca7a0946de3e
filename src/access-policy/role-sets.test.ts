import {
  AGENCY_OFFICER_ROLES,
  DECISION_AUTHORISER_ROLES,
  EXPLOITATION_ROLES,
  FLAG_VIEW_ROLES,
  MASH_ROLES,
  OUT_OF_HOURS_ROLES,
  SOCIAL_CARE_MASH_ROLES,
  SUBMITTER_ONLY_ROLES,
} from './role-sets';
import { ROLES } from './vocabulary';

/**
 * The role sets decide who may do what (who works cases, who authorises a decision, who sees only
 * what they submitted, who reads only the flag view). Each set is written out here, so a role added
 * to or dropped from one is a decision someone makes in two places, not a slip.
 */
describe('the role sets of the access policy', () => {
  it('the MASH roles are social care and the four agency officers, and nobody else', () => {
    expect([...SOCIAL_CARE_MASH_ROLES].sort()).toEqual(['MASH_MANAGER', 'MASH_SOCIAL_WORKER']);
    expect([...AGENCY_OFFICER_ROLES].sort()).toEqual([
      'EDUCATION_MASH_OFFICER',
      'HEALTH_MASH_PRACTITIONER',
      'POLICE_MASH_OFFICER',
      'PROBATION_MASH_OFFICER',
    ]);
    expect([...MASH_ROLES].sort()).toEqual([...SOCIAL_CARE_MASH_ROLES, ...AGENCY_OFFICER_ROLES].sort());
  });

  it('only a MASH manager authorises or sends back a decision', () => {
    expect(DECISION_AUTHORISER_ROLES).toEqual(['MASH_MANAGER']);
  });

  it('the exploitation cohort core is social care MASH staff and police MASH officers: no other agency, no referrer (ADR 027)', () => {
    expect([...EXPLOITATION_ROLES].sort()).toEqual(['MASH_MANAGER', 'MASH_SOCIAL_WORKER', 'POLICE_MASH_OFFICER']);
  });

  it('out-of-hours staff read the flag view only; the emergency duty team, and referrers, see only what they submitted', () => {
    expect([...FLAG_VIEW_ROLES].sort()).toEqual(['EDT_SOCIAL_WORKER', 'UNSCHEDULED_CARE_CLINICIAN']);
    expect(OUT_OF_HOURS_ROLES).toEqual(['EDT_SOCIAL_WORKER']);
    expect([...SUBMITTER_ONLY_ROLES].sort()).toEqual(['EDT_SOCIAL_WORKER', 'PARTNER_REFERRER']);
  });

  it('no role both works cases in the MASH and is limited to its own submissions or the flag view', () => {
    const limited = new Set([...SUBMITTER_ONLY_ROLES, ...FLAG_VIEW_ROLES]);
    expect(MASH_ROLES.filter((r) => limited.has(r))).toEqual([]);
    for (const set of [
      MASH_ROLES,
      FLAG_VIEW_ROLES,
      SUBMITTER_ONLY_ROLES,
      DECISION_AUTHORISER_ROLES,
      EXPLOITATION_ROLES,
    ]) {
      expect(set.every((r) => (ROLES as readonly string[]).includes(r))).toBe(true);
    }
  });
});
