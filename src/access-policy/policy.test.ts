import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccessPolicy, DEFAULT_POLICY, type AccessPolicyData, type Subject } from './policy';
import type { Viewer } from './viewer';
import { ROLES, type Purpose, type RelationshipKind, type Role, type SensitivityClass } from './vocabulary';

const policy = new AccessPolicy(DEFAULT_POLICY);
const viewer = (roles: Role[], agency: string, agencyKind: Viewer['agencyKind']): Viewer => ({
  sub: 's',
  name: 'n',
  agency,
  agencyKind,
  roles,
});
const socialWorker = viewer(['MASH_SOCIAL_WORKER'], 'social-care', 'SOCIAL_CARE');
const police = viewer(['POLICE_MASH_OFFICER'], 'police', 'POLICE');
const igAuditor = viewer(['IG_AUDITOR'], 'social-care', 'SOCIAL_CARE');
const admin = viewer(['HUB_ADMIN'], 'social-care', 'SOCIAL_CARE');
const ownedBy = (owner: string | null, ...kinds: RelationshipKind[]): Subject => ({
  owner,
  relationships: new Set(kinds),
});
const decide = (v: Viewer, purpose: Purpose | null, s: Subject, cls: SensitivityClass) =>
  policy.decide(v, purpose, s, cls);
const RELEASE = { release: true };
/** A policy file must name every role's purposes (an empty list declares none). */
const NO_PURPOSES = Object.fromEntries(ROLES.map((r) => [r, []])) as unknown as AccessPolicyData['purposesByRole'];
const redact = (reason: string) => ({ release: false, reason });

describe('AccessPolicy.decide — the shipped default (README › How it works)', () => {
  it.each([
    // [viewer, purpose, subject, class, expected]
    [
      'social worker, referral, TRIAGE, health summary',
      socialWorker,
      'TRIAGE',
      ownedBy('health', 'REFERRAL'),
      'SHARED_SUMMARY',
      RELEASE,
    ],
    [
      'social worker, referral, TRIAGE, health detail',
      socialWorker,
      'TRIAGE',
      ownedBy('health', 'REFERRAL'),
      'AGENCY_DETAIL',
      redact('NEED_TO_KNOW'),
    ],
    [
      'social worker, referral, DIRECT_CARE, health summary',
      socialWorker,
      'DIRECT_CARE',
      ownedBy('health', 'REFERRAL'),
      'SHARED_SUMMARY',
      redact('PURPOSE_INSUFFICIENT'),
    ],
    [
      'social worker invited to strategy, STRATEGY, health detail',
      socialWorker,
      'STRATEGY',
      ownedBy('health', 'REFERRAL', 'STRATEGY_INVITE'),
      'AGENCY_DETAIL',
      RELEASE,
    ],
    [
      'social worker invited to strategy, SECTION_47, police detail',
      socialWorker,
      'SECTION_47',
      ownedBy('police', 'STRATEGY_INVITE'),
      'AGENCY_DETAIL',
      RELEASE,
    ],
    [
      'social worker invited to strategy, TRIAGE, health detail',
      socialWorker,
      'TRIAGE',
      ownedBy('health', 'STRATEGY_INVITE'),
      'AGENCY_DETAIL',
      redact('PURPOSE_INSUFFICIENT'),
    ],
    [
      'social worker invited to strategy, STRATEGY, sealed',
      socialWorker,
      'STRATEGY',
      ownedBy('police', 'STRATEGY_INVITE'),
      'SEALED',
      redact('SEALED'),
    ],
    [
      'police, agency check, health detail',
      police,
      'AGENCY_CHECK',
      ownedBy('health', 'AGENCY_CHECK'),
      'AGENCY_DETAIL',
      redact('NEED_TO_KNOW'),
    ],
    [
      'police, agency check, SECTION_47 without invite, health detail',
      police,
      'SECTION_47',
      ownedBy('health', 'AGENCY_CHECK'),
      'AGENCY_DETAIL',
      redact('NEED_TO_KNOW'),
    ],
    [
      'police invited to strategy, STRATEGY, health detail',
      police,
      'STRATEGY',
      ownedBy('health', 'STRATEGY_INVITE'),
      'AGENCY_DETAIL',
      RELEASE,
    ],
    [
      'police, break-glass, BREAK_GLASS, health detail',
      police,
      'BREAK_GLASS',
      ownedBy('health', 'BREAK_GLASS'),
      'AGENCY_DETAIL',
      RELEASE,
    ],
    [
      'police, break-glass, TRIAGE, health detail',
      police,
      'TRIAGE',
      ownedBy('health', 'BREAK_GLASS'),
      'AGENCY_DETAIL',
      redact('PURPOSE_INSUFFICIENT'),
    ],
    [
      'police, break-glass, BREAK_GLASS, social care sealed',
      police,
      'BREAK_GLASS',
      ownedBy('social-care', 'BREAK_GLASS'),
      'SEALED',
      redact('SEALED'),
    ],
    [
      'police, own record, any purpose, sealed',
      police,
      'DIRECT_CARE',
      ownedBy('police', 'OWN_AGENCY_RECORD'),
      'SEALED',
      RELEASE,
    ],
    [
      'police, own record, no purpose, detail',
      police,
      null,
      ownedBy('police', 'OWN_AGENCY_RECORD'),
      'AGENCY_DETAIL',
      RELEASE,
    ],
    [
      'police, identity of a person reached',
      police,
      'DIRECT_CARE',
      ownedBy(null, 'OWN_AGENCY_RECORD'),
      'IDENTITY',
      RELEASE,
    ],
    ['IG auditor, identity', igAuditor, 'IG_AUDIT', ownedBy(null, 'REFERRAL'), 'IDENTITY', redact('NO_CASE_CONTENT')],
    [
      'IG auditor, own agency record detail',
      igAuditor,
      'IG_AUDIT',
      ownedBy('social-care', 'OWN_AGENCY_RECORD'),
      'AGENCY_DETAIL',
      redact('NO_CASE_CONTENT'),
    ],
    ['IG auditor, case metadata', igAuditor, 'IG_AUDIT', ownedBy(null), 'CASE_METADATA', RELEASE],
    [
      'administrator, own agency sealed',
      admin,
      null,
      ownedBy('social-care', 'OWN_AGENCY_RECORD'),
      'SEALED',
      redact('NO_CASE_CONTENT'),
    ],
  ] as const)('%s', (_label, v, purpose, subject, cls, expected) => {
    expect(decide(v, purpose, subject, cls)).toEqual(expected);
  });

  it('given a STRATEGY_INVITE subject (invited to a strategy meeting about the person), then "invited to the strategy discussion" is what unlocks other agencies\' detail', () => {
    const invited = ownedBy('health', 'REFERRAL', 'STRATEGY_INVITE');
    const notInvited = ownedBy('health', 'REFERRAL');
    for (const purpose of ['STRATEGY', 'SECTION_47'] as const) {
      expect(decide(socialWorker, purpose, invited, 'AGENCY_DETAIL')).toEqual(RELEASE);
      expect(decide(socialWorker, purpose, notInvited, 'AGENCY_DETAIL')).toEqual(redact('NEED_TO_KNOW'));
    }
  });

  it('given an allow and a deny that both match, then the deny wins whatever their order', () => {
    const allow = { description: 'a', effect: 'allow' as const, classes: ['AGENCY_DETAIL' as const] };
    const deny = {
      description: 'd',
      effect: 'deny' as const,
      classes: ['AGENCY_DETAIL' as const],
      roles: ['POLICE_MASH_OFFICER' as const],
      reason: 'NEED_TO_KNOW' as const,
    };
    for (const rules of [
      [allow, deny],
      [deny, allow],
    ]) {
      const p = new AccessPolicy({ purposesByRole: NO_PURPOSES, rules });
      expect(p.decide(police, 'TRIAGE', ownedBy('health'), 'AGENCY_DETAIL')).toEqual(redact('NEED_TO_KNOW'));
      expect(p.decide(socialWorker, 'TRIAGE', ownedBy('health'), 'AGENCY_DETAIL')).toEqual(RELEASE);
    }
  });

  it('given no rule for a class, then it is redacted (deny by default)', () => {
    const p = new AccessPolicy({
      purposesByRole: NO_PURPOSES,
      rules: [{ description: 'ids only', effect: 'allow', classes: ['IDENTITY'] }],
    });
    expect(p.decide(socialWorker, 'TRIAGE', ownedBy('social-care', 'OWN_AGENCY_RECORD'), 'SHARED_SUMMARY')).toEqual(
      redact('NEED_TO_KNOW'),
    );
  });

  it.each([
    [police, 'AGENCY_CHECK', true],
    [socialWorker, 'AGENCY_CHECK', false],
    [socialWorker, 'BREAK_GLASS', true],
    [igAuditor, 'IG_AUDIT', true],
    [igAuditor, 'TRIAGE', false],
    [admin, 'IG_AUDIT', false],
  ] as const)('purposes by role: %o may declare %s → %s', (v, purpose, allowed) => {
    expect(policy.mayDeclare(v, purpose)).toBe(allowed);
  });
});

describe('policy files are validated at start', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-policy-'));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('given no file, then the shipped default is used', () => {
    expect(AccessPolicy.load(undefined).data).toBe(DEFAULT_POLICY);
  });

  it('given a valid file, then it is loaded and decides', () => {
    const data: AccessPolicyData = {
      purposesByRole: { ...NO_PURPOSES, POLICE_MASH_OFFICER: ['TRIAGE'] },
      rules: [{ description: 'ids', effect: 'allow', classes: ['IDENTITY'] }],
    };
    const p = AccessPolicy.load(write('ok.json', JSON.stringify(data)));
    expect(p.mayDeclare(police, 'TRIAGE')).toBe(true);
    expect(p.decide(police, 'TRIAGE', ownedBy(null), 'IDENTITY')).toEqual(RELEASE);
  });

  it.each([
    ['not JSON', '{ rules: ', /MASH_POLICY_FILE: cannot read .* as JSON/],
    [
      'an unknown sensitivity class',
      JSON.stringify({
        purposesByRole: NO_PURPOSES,
        rules: [{ description: 'x', effect: 'allow', classes: ['SECRET'] }],
      }),
      /MASH_POLICY_FILE: rules\.0\.classes\.0/,
    ],
    [
      'a role missing from purposesByRole',
      JSON.stringify({
        purposesByRole: { ...NO_PURPOSES, HUB_ADMIN: undefined },
        rules: [{ description: 'x', effect: 'allow', classes: ['IDENTITY'] }],
      }),
      /MASH_POLICY_FILE: purposesByRole\.HUB_ADMIN/,
    ],
    [
      'an unknown role',
      JSON.stringify({
        purposesByRole: { ...NO_PURPOSES, WIZARD: [] },
        rules: [{ description: 'x', effect: 'allow', classes: ['IDENTITY'] }],
      }),
      /MASH_POLICY_FILE: purposesByRole/,
    ],
    [
      'a deny rule without a reason',
      JSON.stringify({
        purposesByRole: NO_PURPOSES,
        rules: [{ description: 'x', effect: 'deny', classes: ['IDENTITY'] }],
      }),
      /MASH_POLICY_FILE: rules\.0\.reason a deny rule needs a reason/,
    ],
    ['no rules at all', JSON.stringify({ purposesByRole: NO_PURPOSES, rules: [] }), /MASH_POLICY_FILE: rules/],
  ])('given a file with %s, then start-up fails with a clear error', (_label, content, message) => {
    expect(() => AccessPolicy.load(write(`bad-${Math.random()}.json`, content))).toThrow(message);
  });

  it.each([
    [
      'a role-to-agency-kind entry for an unknown role',
      { roleAgencyKinds: { WIZARD: ['POLICE'] } },
      /MASH_POLICY_FILE: roleAgencyKinds/,
    ],
    [
      'an unknown agency kind',
      { roleAgencyKinds: { POLICE_MASH_OFFICER: ['MI5'] } },
      /MASH_POLICY_FILE: roleAgencyKinds\.POLICE_MASH_OFFICER\.0/,
    ],
    [
      'a role allowed at no agency kind',
      { roleAgencyKinds: { IG_AUDITOR: [] } },
      /MASH_POLICY_FILE: roleAgencyKinds\.IG_AUDITOR name at least one agency kind/,
    ],
    ['a misspelt table name', { roleAgencyKind: { IG_AUDITOR: ['POLICE'] } }, /MASH_POLICY_FILE: .*roleAgencyKind/],
    [
      'a misspelt rule condition (which would widen the rule)',
      { rules: [{ description: 'x', effect: 'allow', classes: ['SEALED'], role: ['HUB_ADMIN'] }] },
      /MASH_POLICY_FILE: rules\.0/,
    ],
  ])('given a file with %s, then start-up fails with a clear error', (_label, change, message) => {
    const content = JSON.stringify({
      purposesByRole: NO_PURPOSES,
      rules: [{ description: 'x', effect: 'allow', classes: ['IDENTITY'] }],
      ...change,
    });
    expect(() => AccessPolicy.load(write(`bad-${Math.random()}.json`, content))).toThrow(message);
  });

  it('given a file that does not exist, then start-up fails naming the variable', () => {
    expect(() => AccessPolicy.load(path.join(dir, 'missing.json'))).toThrow(/MASH_POLICY_FILE: cannot read/);
  });
});

describe('AccessPolicy.mayFilterOn — no filter, sort or search on a class the viewer may not read across a list', () => {
  it.each([
    ['a social worker searching people by IDENTITY', socialWorker, 'TRIAGE', 'IDENTITY', true],
    ['police filtering the queue on CASE_METADATA', police, 'AGENCY_CHECK', 'CASE_METADATA', true],
    ['an IG auditor filtering on IDENTITY', igAuditor, 'IG_AUDIT', 'IDENTITY', false],
    ['an IG auditor filtering on CASE_METADATA', igAuditor, 'IG_AUDIT', 'CASE_METADATA', true],
    [
      'a referrer filtering on IDENTITY',
      viewer(['PARTNER_REFERRER'], 'education', 'EDUCATION'),
      'DIRECT_CARE',
      'IDENTITY',
      false,
    ],
    // Released only for some rows (owner OWN, or a relationship): not across a list.
    [
      'police filtering on SHARED_SUMMARY (own records only, or with a referral)',
      police,
      'AGENCY_CHECK',
      'SHARED_SUMMARY',
      false,
    ],
    ['police filtering on AGENCY_DETAIL', police, 'DIRECT_CARE', 'AGENCY_DETAIL', false],
    ['the owner filtering on SEALED', police, 'DIRECT_CARE', 'SEALED', false],
  ] as const)('%s → %s', (_label, v, purpose, cls, expected) => {
    expect(policy.mayFilterOn(v, purpose, cls)).toBe(expected);
  });

  it('given a deny conditioned on a relationship, then the class is not filterable (it may be denied on some rows of the list)', () => {
    const p = new AccessPolicy({
      ...DEFAULT_POLICY,
      rules: [
        {
          description: 'no identity under break-glass',
          effect: 'deny',
          classes: ['IDENTITY'],
          relationships: ['BREAK_GLASS'],
          reason: 'NEED_TO_KNOW',
        },
        ...DEFAULT_POLICY.rules,
      ],
    });
    expect(p.mayFilterOn(socialWorker, 'TRIAGE', 'IDENTITY')).toBe(false);
    expect(p.mayFilterOn(socialWorker, 'TRIAGE', 'CASE_METADATA')).toBe(true);
  });

  it('given a relationship every row of the list has (the referral queue of social care staff), then an allow on it counts; without it, or with a deny, it does not', () => {
    expect(policy.mayFilterOn(socialWorker, 'TRIAGE', 'SHARED_SUMMARY')).toBe(false);
    expect(policy.mayFilterOn(socialWorker, 'TRIAGE', 'SHARED_SUMMARY', new Set(['REFERRAL']))).toBe(true);
    expect(policy.mayFilterOn(socialWorker, 'DIRECT_CARE', 'SHARED_SUMMARY', new Set(['REFERRAL']))).toBe(false);
    expect(policy.mayFilterOn(socialWorker, 'TRIAGE', 'SHARED_SUMMARY', new Set(['BREAK_GLASS']))).toBe(false);
    expect(policy.mayFilterOn(socialWorker, 'TRIAGE', 'AGENCY_DETAIL', new Set(['REFERRAL']))).toBe(false);
    expect(policy.mayFilterOn(socialWorker, 'TRIAGE', 'SEALED', new Set(['REFERRAL']))).toBe(false);
  });

  it('given an allow only for some purposes, then the class is filterable under those purposes only', () => {
    const p = new AccessPolicy({
      purposesByRole: NO_PURPOSES,
      rules: [{ description: 'ids for triage', effect: 'allow', classes: ['IDENTITY'], purposes: ['TRIAGE'] }],
    });
    expect(p.mayFilterOn(socialWorker, 'TRIAGE', 'IDENTITY')).toBe(true);
    expect(p.mayFilterOn(socialWorker, 'STRATEGY', 'IDENTITY')).toBe(false);
    expect(p.mayFilterOn(socialWorker, null, 'IDENTITY')).toBe(false);
  });
});

describe('AccessPolicy.rolesFitAgencyKind — which agency kinds may hold each role (ADR 006)', () => {
  it.each([
    [['POLICE_MASH_OFFICER'], 'POLICE', true],
    [['POLICE_MASH_OFFICER'], 'HEALTH', false],
    [['HEALTH_MASH_PRACTITIONER'], 'HEALTH', true],
    [['MASH_SOCIAL_WORKER'], 'SOCIAL_CARE', true],
    [['MASH_SOCIAL_WORKER'], 'POLICE', false],
    [['MASH_MANAGER'], 'EDUCATION', false],
    [['PROBATION_MASH_OFFICER'], 'YOUTH_JUSTICE', false],
    [['EDUCATION_MASH_OFFICER'], 'EDUCATION', true],
    [['PARTNER_REFERRER'], 'HOUSING', true],
    [['PARTNER_REFERRER'], 'POLICE', true],
    [['IG_AUDITOR'], 'SOCIAL_CARE', true],
    [['IG_AUDITOR'], 'POLICE', false],
    [['HUB_ADMIN'], 'HEALTH', false],
    [['HEALTH_MASH_PRACTITIONER', 'PARTNER_REFERRER'], 'HEALTH', true],
    [['HEALTH_MASH_PRACTITIONER', 'POLICE_MASH_OFFICER'], 'HEALTH', false],
    [[], 'HEALTH', false],
  ] as const)('the shipped table: %j at %s → %s', (roles, kind, fits) => {
    expect(policy.rolesFitAgencyKind(roles, kind)).toBe(fits);
  });

  it('given a partnership table naming one role, then that role gets its kinds and every other role keeps the shipped ones', () => {
    const p = new AccessPolicy({
      ...DEFAULT_POLICY,
      roleAgencyKinds: {
        PROBATION_MASH_OFFICER: ['PROBATION', 'YOUTH_JUSTICE'],
        IG_AUDITOR: ['SOCIAL_CARE', 'POLICE'],
      },
    });
    expect(p.rolesFitAgencyKind(['PROBATION_MASH_OFFICER'], 'YOUTH_JUSTICE')).toBe(true);
    expect(p.rolesFitAgencyKind(['IG_AUDITOR'], 'POLICE')).toBe(true);
    expect(p.rolesFitAgencyKind(['POLICE_MASH_OFFICER'], 'YOUTH_JUSTICE')).toBe(false);
    expect(p.rolesFitAgencyKind(['HUB_ADMIN'], 'POLICE')).toBe(false);
  });
});
