import {
  AccessPolicy,
  DEFAULT_POLICY,
  policySchema,
  type AccessPolicyData,
  type PolicyRule,
  type Subject,
} from './policy';
import { GUARD, RequestAccess, type Guarded } from './request-access';
import type { Viewer } from './viewer';
import { ROLES, type AgencyKind, type RelationshipKind, type Role } from './vocabulary';

/**
 * The policy's mechanics, each pinned by a case that fails if it is loosened: role matching on
 * multi-role tokens, agency-kind restrictions, empty lists in a policy file, the purpose checks of
 * a request. A mutation run (issue 18) found each of these could change unnoticed.
 */

const viewer = (roles: Role[], agency: string, agencyKind: AgencyKind): Viewer => ({
  sub: 's',
  name: 'n',
  agency,
  agencyKind,
  roles,
});
const ownedBy = (owner: string | null, ...kinds: RelationshipKind[]): Subject => ({
  owner,
  relationships: new Set(kinds),
});
const NO_PURPOSES = Object.fromEntries(ROLES.map((r) => [r, []])) as unknown as AccessPolicyData['purposesByRole'];
const RELEASE = { release: true };
const policyOf = (...rules: PolicyRule[]) => new AccessPolicy({ purposesByRole: NO_PURPOSES, rules });

describe('role matching: a rule naming roles applies when the viewer holds any of them', () => {
  const shipped = new AccessPolicy(DEFAULT_POLICY);

  it.each([
    ['IG auditor who is also a MASH social worker', ['IG_AUDITOR', 'MASH_SOCIAL_WORKER']],
    ['MASH social worker who is also an IG auditor', ['MASH_SOCIAL_WORKER', 'IG_AUDITOR']],
    ['hub administrator who is also a MASH manager', ['HUB_ADMIN', 'MASH_MANAGER']],
  ] as const)(
    'given a %s, when reading case content of a referred child, then "no case content" still applies',
    (_label, roles) => {
      const v = viewer([...roles], 'social-care', 'SOCIAL_CARE');
      for (const cls of ['IDENTITY', 'SHARED_SUMMARY', 'AGENCY_DETAIL', 'SEALED'] as const) {
        expect(shipped.decide(v, 'TRIAGE', ownedBy('social-care', 'REFERRAL', 'OWN_AGENCY_RECORD'), cls)).toEqual({
          release: false,
          reason: 'NO_CASE_CONTENT',
        });
      }
    },
  );

  it('given an allow rule for MASH roles, when a viewer holds one MASH role among others, then it releases; with none, it does not', () => {
    const p = policyOf({
      description: 'mash summaries',
      effect: 'allow',
      classes: ['SHARED_SUMMARY'],
      roles: ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'],
    });
    expect(
      p.decide(
        viewer(['PARTNER_REFERRER', 'MASH_MANAGER'], 'social-care', 'SOCIAL_CARE'),
        null,
        ownedBy('health'),
        'SHARED_SUMMARY',
      ),
    ).toEqual(RELEASE);
    expect(
      p.decide(viewer(['PARTNER_REFERRER'], 'social-care', 'SOCIAL_CARE'), null, ownedBy('health'), 'SHARED_SUMMARY'),
    ).toEqual({ release: false, reason: 'NEED_TO_KNOW' });
  });
});

describe('agency kinds: a rule restricted to kinds applies to viewers of those kinds only', () => {
  const p = policyOf({
    description: 'health reads health summaries',
    effect: 'allow',
    classes: ['SHARED_SUMMARY'],
    agencyKinds: ['HEALTH'],
  });

  it('given a health viewer, then the rule releases', () => {
    expect(
      p.decide(viewer(['HEALTH_MASH_PRACTITIONER'], 'health', 'HEALTH'), null, ownedBy('health'), 'SHARED_SUMMARY'),
    ).toEqual(RELEASE);
  });

  it('given a police viewer, then it does not', () => {
    expect(
      p.decide(viewer(['POLICE_MASH_OFFICER'], 'police', 'POLICE'), null, ownedBy('health'), 'SHARED_SUMMARY'),
    ).toEqual({ release: false, reason: 'NEED_TO_KNOW' });
  });

  it('given a deny restricted to a kind, then it redacts for that kind and leaves the others', () => {
    const q = policyOf(
      { description: 'all', effect: 'allow', classes: ['IDENTITY'] },
      {
        description: 'not education',
        effect: 'deny',
        classes: ['IDENTITY'],
        agencyKinds: ['EDUCATION'],
        reason: 'NEED_TO_KNOW',
      },
    );
    expect(
      q.decide(viewer(['EDUCATION_MASH_OFFICER'], 'education', 'EDUCATION'), null, ownedBy(null), 'IDENTITY'),
    ).toEqual({ release: false, reason: 'NEED_TO_KNOW' });
    expect(
      q.decide(viewer(['PROBATION_MASH_OFFICER'], 'probation', 'PROBATION'), null, ownedBy(null), 'IDENTITY'),
    ).toEqual(RELEASE);
  });
});

describe('owner and relationships: each restriction narrows the rule', () => {
  const police = viewer(['POLICE_MASH_OFFICER'], 'police', 'POLICE');

  it("given owner OWN, then a shared object (no owner) and another agency's object are not matched", () => {
    const p = policyOf({ description: 'own', effect: 'allow', classes: ['AGENCY_DETAIL'], owner: 'OWN' });
    expect(p.decide(police, null, ownedBy('police'), 'AGENCY_DETAIL')).toEqual(RELEASE);
    expect(p.decide(police, null, ownedBy(null), 'AGENCY_DETAIL').release).toBe(false);
    expect(p.decide(police, null, ownedBy('health'), 'AGENCY_DETAIL').release).toBe(false);
  });

  it("given owner OTHER, then the viewer's own and shared objects are not matched", () => {
    const p = policyOf({ description: 'other', effect: 'allow', classes: ['AGENCY_DETAIL'], owner: 'OTHER' });
    expect(p.decide(police, null, ownedBy('health'), 'AGENCY_DETAIL')).toEqual(RELEASE);
    expect(p.decide(police, null, ownedBy('police'), 'AGENCY_DETAIL').release).toBe(false);
    expect(p.decide(police, null, ownedBy(null), 'AGENCY_DETAIL').release).toBe(false);
  });

  it('given relationships, then a subject with any of them matches and one with none does not', () => {
    const p = policyOf({
      description: 'rel',
      effect: 'allow',
      classes: ['SHARED_SUMMARY'],
      relationships: ['REFERRAL', 'STRATEGY_INVITE'],
    });
    expect(p.decide(police, null, ownedBy('health', 'AGENCY_CHECK', 'STRATEGY_INVITE'), 'SHARED_SUMMARY')).toEqual(
      RELEASE,
    );
    expect(p.decide(police, null, ownedBy('health', 'AGENCY_CHECK'), 'SHARED_SUMMARY').release).toBe(false);
  });

  it('given a deny with a purpose list, then it applies under those purposes only', () => {
    const p = policyOf(
      { description: 'all', effect: 'allow', classes: ['IDENTITY'] },
      {
        description: 'not for triage',
        effect: 'deny',
        classes: ['IDENTITY'],
        purposes: ['TRIAGE'],
        reason: 'PURPOSE_INSUFFICIENT',
      },
    );
    expect(p.decide(police, 'TRIAGE', ownedBy(null), 'IDENTITY')).toEqual({
      release: false,
      reason: 'PURPOSE_INSUFFICIENT',
    });
    expect(p.decide(police, 'STRATEGY', ownedBy(null), 'IDENTITY')).toEqual(RELEASE);
  });

  it('given an allow with a purpose list and no purpose declared, then it is redacted as PURPOSE_INSUFFICIENT', () => {
    const p = policyOf({ description: 'triage', effect: 'allow', classes: ['SHARED_SUMMARY'], purposes: ['TRIAGE'] });
    expect(p.decide(police, null, ownedBy('health'), 'SHARED_SUMMARY')).toEqual({
      release: false,
      reason: 'PURPOSE_INSUFFICIENT',
    });
  });
});

describe('a policy file whose lists are empty is refused, so a rule can never silently match nothing or everything', () => {
  const base = { description: 'x', effect: 'deny', classes: ['IDENTITY'], reason: 'NEED_TO_KNOW' };
  it.each(['classes', 'roles', 'agencyKinds', 'purposes', 'relationships'])(
    'given a rule with an empty %s list, then the file is refused naming it',
    (field) => {
      const parsed = policySchema.safeParse({ purposesByRole: NO_PURPOSES, rules: [{ ...base, [field]: [] }] });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain(`rules.0.${field}`);
    },
  );

  it('given the same rule with one entry in each list, then the file is accepted (control)', () => {
    const parsed = policySchema.safeParse({
      purposesByRole: NO_PURPOSES,
      rules: [
        {
          ...base,
          roles: ['HUB_ADMIN', 'IG_AUDITOR'],
          agencyKinds: ['POLICE', 'HEALTH'],
          purposes: ['TRIAGE', 'STRATEGY'],
          relationships: ['REFERRAL', 'BREAK_GLASS'],
        },
      ],
    });
    expect(parsed.success).toBe(true);
  });
});

describe('RequestAccess: the purpose of an operation', () => {
  const shipped = new AccessPolicy(DEFAULT_POLICY);
  const police = viewer(['POLICE_MASH_OFFICER'], 'police', 'POLICE');

  it('given a purpose the role may not declare, then FORBIDDEN naming the purpose field, and none is set', () => {
    const a = new RequestAccess(viewer(['MASH_SOCIAL_WORKER'], 'social-care', 'SOCIAL_CARE'), shipped);
    expect(() => a.declarePurpose('AGENCY_CHECK')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'purpose' }) }),
    );
    expect(a.purpose).toBeNull();
  });

  it('given a second, different purpose in one operation, then BAD_USER_INPUT and the first stays', () => {
    const a = new RequestAccess(police, shipped);
    a.declarePurpose('AGENCY_CHECK');
    expect(() => a.declarePurpose('STRATEGY')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
    expect(a.purpose).toBe('AGENCY_CHECK');
  });

  it('given the same purpose twice (two root fields), then it is accepted', () => {
    const a = new RequestAccess(police, shipped);
    a.declarePurpose('TRIAGE');
    expect(() => a.declarePurpose('TRIAGE')).not.toThrow();
    expect(a.purpose).toBe('TRIAGE');
  });

  it('given a request built without the enforcement flag, then it enforces: rows are guarded and disclosures collected', () => {
    const a = new RequestAccess(police, shipped);
    expect(() => a.declarePurpose('IG_AUDIT')).toThrow();
    const row = a.guard({ id: 'r1' }, ownedBy('police', 'OWN_AGENCY_RECORD'), ['p1'], 'r1') as Guarded<{ id: string }>;
    expect(row[GUARD]).toBeDefined();
    expect([...a.disclosures.keys()]).toEqual(['p1']);
    expect([...a.disclosures.get('p1')!.recordIds]).toEqual(['r1']);
  });

  it('given a guarded row, when a field is released and another redacted, then the disclosure says so per person and the redaction names the path', () => {
    const a = new RequestAccess(police, shipped);
    const row = a.guard({}, ownedBy('health', 'STRATEGY_INVITE'), ['p1', 'p2'], 'rec') as Guarded<object>;
    a.released(row[GUARD], 'HealthRecord.summary', 'AGENCY_DETAIL');
    a.redacted(row[GUARD], 'HealthRecord.clinicalNotes', 'person.records.0.clinicalNotes', 'NEED_TO_KNOW');
    for (const p of ['p1', 'p2']) {
      const d = a.disclosures.get(p)!;
      expect([...d.released]).toEqual(['HealthRecord.summary']);
      expect([...d.redacted]).toEqual(['HealthRecord.clinicalNotes:NEED_TO_KNOW']);
      expect([...d.detailOwners]).toEqual(['health']);
      expect([...d.relationships]).toEqual(['STRATEGY_INVITE']);
    }
    expect(a.redactions).toEqual([{ path: 'person.records.0.clinicalNotes', reason: 'NEED_TO_KNOW' }]);
  });

  it('given an attempted look-up followed by a disclosure of the same person, then the disclosure replaces the attempt', () => {
    const a = new RequestAccess(police, shipped);
    a.attempted('p1', 'NOT_FOUND');
    expect(a.disclosures.get('p1')!.outcome).toBe('NOT_FOUND');
    a.guard({}, ownedBy('police', 'OWN_AGENCY_RECORD'), ['p1']);
    expect(a.disclosures.get('p1')!.outcome).toBe('DISCLOSED');
    a.attempted('p1', 'DENIED');
    expect(a.disclosures.get('p1')!.outcome).toBe('DISCLOSED');
  });
});
