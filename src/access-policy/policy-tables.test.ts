import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccessPolicy, DEFAULT_POLICY, policySchema, type AccessPolicyData, type PolicyRule } from './policy';
import type { Viewer } from './viewer';
import { AGENCY_KINDS, PURPOSES, ROLES, type AgencyKind, type Purpose, type Role } from './vocabulary';

/**
 * The shipped policy's tables, written out in full (role × purpose, role × agency kind), so that a
 * changed entry fails here by name; the shipped rules pass the same validation as a partnership's
 * file; and the list-filter decision (mayFilterOn) honours every condition a rule can carry.
 */

const shipped = new AccessPolicy(DEFAULT_POLICY);
const viewer = (roles: Role[], agencyKind: AgencyKind = 'SOCIAL_CARE', agency = 'a-1'): Viewer => ({
  sub: 's',
  name: 'n',
  agency,
  agencyKind,
  roles,
});
const NO_PURPOSES = Object.fromEntries(ROLES.map((r) => [r, []])) as unknown as AccessPolicyData['purposesByRole'];
const policyOf = (...rules: PolicyRule[]) => new AccessPolicy({ purposesByRole: NO_PURPOSES, rules });

const CASE: Purpose[] = ['TRIAGE', 'STRATEGY', 'SECTION_47', 'DIRECT_CARE', 'BREAK_GLASS'];
const PURPOSES_BY_ROLE: Record<Role, Purpose[]> = {
  MASH_SOCIAL_WORKER: CASE,
  MASH_MANAGER: CASE,
  POLICE_MASH_OFFICER: [...CASE, 'AGENCY_CHECK'],
  HEALTH_MASH_PRACTITIONER: [...CASE, 'AGENCY_CHECK'],
  PROBATION_MASH_OFFICER: [...CASE, 'AGENCY_CHECK'],
  EDUCATION_MASH_OFFICER: [...CASE, 'AGENCY_CHECK'],
  PARTNER_REFERRER: ['DIRECT_CARE'],
  IG_AUDITOR: ['IG_AUDIT'],
  HUB_ADMIN: [],
  EDT_SOCIAL_WORKER: ['DIRECT_CARE'],
  UNSCHEDULED_CARE_CLINICIAN: ['DIRECT_CARE'],
  LADO: ['DIRECT_CARE', 'STRATEGY'],
  EMPLOYER_DESIGNATED_OFFICER: ['DIRECT_CARE'],
};

const KINDS_BY_ROLE: Record<Role, readonly AgencyKind[]> = {
  MASH_SOCIAL_WORKER: ['SOCIAL_CARE'],
  MASH_MANAGER: ['SOCIAL_CARE'],
  POLICE_MASH_OFFICER: ['POLICE'],
  HEALTH_MASH_PRACTITIONER: ['HEALTH'],
  PROBATION_MASH_OFFICER: ['PROBATION'],
  EDUCATION_MASH_OFFICER: ['EDUCATION'],
  PARTNER_REFERRER: AGENCY_KINDS,
  IG_AUDITOR: ['SOCIAL_CARE'],
  HUB_ADMIN: ['SOCIAL_CARE'],
  EDT_SOCIAL_WORKER: ['SOCIAL_CARE'],
  UNSCHEDULED_CARE_CLINICIAN: ['HEALTH'],
  LADO: ['SOCIAL_CARE'],
  EMPLOYER_DESIGNATED_OFFICER: AGENCY_KINDS,
};

describe('the shipped purposes by role: every role × every purpose', () => {
  it.each(
    ROLES.flatMap((role) =>
      PURPOSES.map((purpose) => [role, purpose, PURPOSES_BY_ROLE[role].includes(purpose)] as const),
    ),
  )('%s may declare %s: %s', (role, purpose, allowed) => {
    expect(shipped.mayDeclare(viewer([role]), purpose)).toBe(allowed);
  });

  it('given a token with two roles, then it may declare the purposes of either', () => {
    expect([...shipped.purposesFor(viewer(['PARTNER_REFERRER', 'IG_AUDITOR']))].sort()).toEqual([
      'DIRECT_CARE',
      'IG_AUDIT',
    ]);
  });

  it('given a policy built in code that names no purposes for a role, then that role declares none (fail closed)', () => {
    const p = new AccessPolicy({
      purposesByRole: {} as AccessPolicyData['purposesByRole'],
      rules: DEFAULT_POLICY.rules,
    });
    expect(p.purposesFor(viewer(['MASH_SOCIAL_WORKER'])).size).toBe(0);
  });
});

describe('the shipped role-to-agency-kind table: every role × every kind (ADR 006)', () => {
  it.each(
    ROLES.flatMap((role) => AGENCY_KINDS.map((kind) => [role, kind, KINDS_BY_ROLE[role].includes(kind)] as const)),
  )('%s at a %s agency: %s', (role, kind, fits) => {
    expect(shipped.rolesFitAgencyKind([role], kind)).toBe(fits);
  });

  it('given a role the hub does not know (a forged or stale token), then it fits nowhere, without an error', () => {
    expect(shipped.rolesFitAgencyKind(['WIZARD' as Role], 'SOCIAL_CARE')).toBe(false);
    expect(shipped.rolesFitAgencyKind(['MASH_SOCIAL_WORKER', 'WIZARD' as Role], 'SOCIAL_CARE')).toBe(false);
  });
});

describe("the shipped rules pass the validation a partnership's policy file gets", () => {
  it('given the shipped default, then the file schema accepts it unchanged', () => {
    const parsed = policySchema.safeParse(DEFAULT_POLICY);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(DEFAULT_POLICY);
  });

  it.each([
    ['OWN', true],
    ['OTHER', true],
    ['MINE', false],
    ['', false],
  ])('given a rule with owner %j, then the file is accepted: %s', (owner, ok) => {
    const parsed = policySchema.safeParse({
      purposesByRole: NO_PURPOSES,
      rules: [{ description: 'x', effect: 'allow', classes: ['IDENTITY'], owner }],
    });
    expect(parsed.success).toBe(ok);
  });

  it('given a deny rule without a reason, then the problem is a custom issue on its reason', () => {
    const parsed = policySchema.safeParse({
      purposesByRole: NO_PURPOSES,
      rules: [{ description: 'x', effect: 'deny', classes: ['IDENTITY'] }],
    });
    expect(parsed.error!.issues).toEqual([
      expect.objectContaining({ code: 'custom', path: ['rules', 0, 'reason'], message: 'a deny rule needs a reason' }),
    ]);
  });

  it('given a policy file with two problems, then start-up names both, separated', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mash-policy-')), 'two.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        purposesByRole: NO_PURPOSES,
        rules: [{ description: '', effect: 'deny', classes: ['IDENTITY'] }],
      }),
    );
    try {
      expect(() => AccessPolicy.load(file)).toThrow(
        /^MASH_POLICY_FILE: rules\.0\.description .+; rules\.0\.reason a deny rule needs a reason$/,
      );
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('given a deny rule built in code without a reason, then it redacts as need to know', () => {
    const p = policyOf({ description: 'x', effect: 'deny', classes: ['IDENTITY'] });
    expect(
      p.decide(viewer(['MASH_SOCIAL_WORKER']), null, { owner: null, relationships: new Set() }, 'IDENTITY'),
    ).toEqual({ release: false, reason: 'NEED_TO_KNOW' });
  });
});

describe('mayFilterOn: every condition of a rule counts across a list', () => {
  it.each([
    ['an IG auditor who is also a social worker', ['IG_AUDITOR', 'MASH_SOCIAL_WORKER']],
    ['a social worker who is also a hub administrator', ['MASH_SOCIAL_WORKER', 'HUB_ADMIN']],
  ] as const)('given %s, then "no case content" still forbids filtering on identity', (_label, roles) => {
    expect(shipped.mayFilterOn(viewer([...roles]), 'TRIAGE', 'IDENTITY')).toBe(false);
    expect(shipped.mayFilterOn(viewer([...roles]), 'TRIAGE', 'CASE_METADATA')).toBe(true);
  });

  it('given an allow rule naming roles, then a viewer holding one of them among others may filter', () => {
    const p = policyOf({
      description: 'ids',
      effect: 'allow',
      classes: ['IDENTITY'],
      roles: ['MASH_MANAGER', 'MASH_SOCIAL_WORKER'],
    });
    expect(p.mayFilterOn(viewer(['PARTNER_REFERRER', 'MASH_MANAGER']), null, 'IDENTITY')).toBe(true);
    expect(p.mayFilterOn(viewer(['PARTNER_REFERRER']), null, 'IDENTITY')).toBe(false);
  });

  it('given an allow rule for some agency kinds, then viewers of other kinds may not filter', () => {
    const p = policyOf({ description: 'health ids', effect: 'allow', classes: ['IDENTITY'], agencyKinds: ['HEALTH'] });
    expect(p.mayFilterOn(viewer(['HEALTH_MASH_PRACTITIONER'], 'HEALTH'), null, 'IDENTITY')).toBe(true);
    expect(p.mayFilterOn(viewer(['POLICE_MASH_OFFICER'], 'POLICE'), null, 'IDENTITY')).toBe(false);
  });

  it('given a deny rule for one agency kind, then that kind may not filter and the others may', () => {
    const p = policyOf(
      { description: 'ids', effect: 'allow', classes: ['IDENTITY'] },
      {
        description: 'not education',
        effect: 'deny',
        classes: ['IDENTITY'],
        agencyKinds: ['EDUCATION'],
        reason: 'NEED_TO_KNOW',
      },
    );
    expect(p.mayFilterOn(viewer(['EDUCATION_MASH_OFFICER'], 'EDUCATION'), null, 'IDENTITY')).toBe(false);
    expect(p.mayFilterOn(viewer(['POLICE_MASH_OFFICER'], 'POLICE'), null, 'IDENTITY')).toBe(true);
  });

  it('given a deny under some purposes only, then filtering is refused under those and allowed with none declared', () => {
    const p = policyOf(
      { description: 'ids', effect: 'allow', classes: ['IDENTITY'] },
      {
        description: 'not in triage',
        effect: 'deny',
        classes: ['IDENTITY'],
        purposes: ['TRIAGE'],
        reason: 'PURPOSE_INSUFFICIENT',
      },
    );
    expect(p.mayFilterOn(viewer(['MASH_SOCIAL_WORKER']), 'TRIAGE', 'IDENTITY')).toBe(false);
    expect(p.mayFilterOn(viewer(['MASH_SOCIAL_WORKER']), null, 'IDENTITY')).toBe(true);
  });

  it('given a partnership policy that allows sealed fields to everyone, then they are still never filterable', () => {
    const p = policyOf({ description: 'careless', effect: 'allow', classes: ['SEALED', 'AGENCY_DETAIL'] });
    expect(p.mayFilterOn(viewer(['MASH_SOCIAL_WORKER']), null, 'SEALED')).toBe(false);
    expect(p.mayFilterOn(viewer(['MASH_SOCIAL_WORKER']), null, 'AGENCY_DETAIL')).toBe(true);
  });
});
