import { AccessPolicy, DEFAULT_POLICY } from '../access-policy/policy';
import type { Viewer } from '../access-policy/viewer';
import type { RelationshipKind, Role } from '../access-policy/vocabulary';

/** The shipped field policy applied to referral rows (owner null, relationships of the viewer with the referral). */
const policy = new AccessPolicy(DEFAULT_POLICY);
const viewer = (roles: Role[], agency: string, agencyKind: Viewer['agencyKind']): Viewer => ({
  sub: 's',
  name: 'n',
  agency,
  agencyKind,
  roles,
});
const referral = (...kinds: RelationshipKind[]) => ({ owner: null, relationships: new Set(kinds) });

describe('the field policy on referrals', () => {
  it('given a police officer with a check on the referral, then its shared summary is released under AGENCY_CHECK', () => {
    expect(
      policy.decide(
        viewer(['POLICE_MASH_OFFICER'], 'police', 'POLICE'),
        'AGENCY_CHECK',
        referral('AGENCY_CHECK'),
        'SHARED_SUMMARY',
      ),
    ).toEqual({ release: true });
  });
  it('given a police officer with a check, under IG_AUDIT-like purposes they may not declare, then the summary is redacted', () => {
    expect(
      policy.decide(
        viewer(['POLICE_MASH_OFFICER'], 'police', 'POLICE'),
        'DIRECT_CARE',
        referral('AGENCY_CHECK'),
        'SHARED_SUMMARY',
      ).release,
    ).toBe(false);
  });
  it('given a social worker triaging, then the shared summary is released', () => {
    expect(
      policy.decide(
        viewer(['MASH_SOCIAL_WORKER'], 'social-care', 'SOCIAL_CARE'),
        'TRIAGE',
        referral('REFERRAL'),
        'SHARED_SUMMARY',
      ),
    ).toEqual({ release: true });
  });
  it('given the referrer (not a MASH role), then the shared summary is redacted and only case metadata is released', () => {
    const teacher = viewer(['PARTNER_REFERRER'], 'education', 'EDUCATION');
    expect(policy.decide(teacher, 'DIRECT_CARE', referral('REFERRER'), 'SHARED_SUMMARY')).toEqual({
      release: false,
      reason: 'NEED_TO_KNOW',
    });
    expect(policy.decide(teacher, 'DIRECT_CARE', referral('REFERRER'), 'CASE_METADATA')).toEqual({ release: true });
  });
});
