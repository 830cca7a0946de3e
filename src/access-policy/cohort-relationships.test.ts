import {
  earlyHelpRelationshipKindsSql,
  earlyHelpScopeSql,
  exploitationRelationshipKindsSql,
  exploitationScopeSql,
  ladoRelationshipKindsSql,
  ladoScopeSql,
  missingEpisodeRelationshipKindsSql,
  missingEpisodeScopeSql,
  Params,
  privateFosteringRelationshipKindsSql,
  privateFosteringScopeSql,
} from './relationships';
import type { Viewer } from './viewer';
import type { Role } from './vocabulary';

/**
 * The relationships with the rows of the cohorts outside the front door (ADR 018): missing episodes,
 * private fostering arrangements, early-help episodes and LADO allegations. As in relationships.test.ts
 * these fast cases read the SQL for the rule it encodes (who gets which relationship, under which
 * condition, every viewer value a bound parameter); the stories in tests/ run it against PostgreSQL.
 */

const viewer = (roles: Role[], agency: string): Viewer => ({
  sub: 'u-1',
  name: 'n',
  agency,
  agencyKind: 'POLICE',
  roles,
});
const socialWorker = viewer(['MASH_SOCIAL_WORKER'], 'social-care');
const manager = viewer(['MASH_MANAGER'], 'social-care');
const police = viewer(['POLICE_MASH_OFFICER'], 'police');
const health = viewer(['HEALTH_MASH_PRACTITIONER'], 'health');
const lado = viewer(['LADO'], 'social-care');
const designatedOfficer = viewer(['EMPLOYER_DESIGNATED_OFFICER'], 'education');
const referrer = viewer(['PARTNER_REFERRER'], 'school-9');
const edt = viewer(['EDT_SOCIAL_WORKER'], 'social-care');
const clinician = viewer(['UNSCHEDULED_CARE_CLINICIAN'], 'health');
const auditor = viewer(['IG_AUDITOR'], 'social-care');
const admin = viewer(['HUB_ADMIN'], 'social-care');

/** The SQL with each `$n` replaced by «its value» and whitespace collapsed. */
function bound(sql: string, p: Params): string {
  return sql.replace(/\$(\d+)/g, (_m, n: string) => `«${String(p.values[Number(n) - 1])}»`).replace(/\s+/g, ' ');
}

type KindsSql = (viewer: Viewer, id: string, p: Params) => string;
type ScopeSql = (viewer: Viewer, id: string, p: Params) => string[] | null;

/** Each kind of a `kindsArray` expression with its condition, in order; the whole expression when it has none. */
function kindsOf(fn: KindsSql, v: Viewer): Array<[string, string]> | string {
  const p = new Params();
  const sql = bound(fn(v, 'x.id', p), p);
  const parts = [...sql.matchAll(/CASE WHEN (.*?) THEN '([A-Z_]+)' END/g)].map((m): [string, string] => [m[2]!, m[1]!]);
  if (parts.length === 0) return sql;
  expect(sql).toMatch(/^array_remove\(ARRAY\[.*\]::text\[\], NULL\)$/);
  return parts;
}

function scopeOf(fn: ScopeSql, v: Viewer) {
  const p = new Params();
  const branches = fn(v, 'x.id', p);
  return { branches: branches && branches.map((b) => bound(b, p)), values: p.values };
}

const NOTHING = 'ARRAY[]::text[]';
const strategyInvite = (table: string, agency: string) =>
  `EXISTS (SELECT 1 FROM ${table} c2 WHERE c2.id = x.id AND EXISTS (SELECT 1 FROM meeting_subject ms JOIN meeting m ON m.id = ms.meeting_id JOIN meeting_invitee mi ON mi.meeting_id = m.id WHERE ms.person_id = c2.person_id AND mi.agency = «${agency}» AND m.status <> 'CANCELLED' AND m.type IN ('STRATEGY_DISCUSSION','STRATEGY_MEETING')))`;
const agencyCheck = (table: string, agency: string) =>
  `EXISTS (SELECT 1 FROM ${table} c2 JOIN referral_subject rs ON rs.person_id = c2.person_id JOIN agency_check ac ON ac.referral_id = rs.referral_id WHERE c2.id = x.id AND ac.agency = «${agency}»)`;
const outsiders: Array<[string, Viewer]> = [
  ['a referrer', referrer],
  ['the emergency duty team', edt],
  ['an unscheduled care clinician', clinician],
  ['an IG auditor', auditor],
  ['a hub admin', admin],
];

describe('missing episodes (ADR 018): social care arranges the return home interview', () => {
  it.each([
    ['a social worker', socialWorker],
    ['a manager', manager],
  ])('given %s, then every episode (MISSING_EPISODE), and those its agency recorded', (_l, v) => {
    expect(kindsOf(missingEpisodeRelationshipKindsSql, v)).toEqual([
      ['MISSING_EPISODE', 'TRUE'],
      [
        'OWN_AGENCY_RECORD',
        'EXISTS (SELECT 1 FROM missing_episode e2 WHERE e2.id = x.id AND e2.recording_agency = «social-care»)',
      ],
    ]);
    expect(scopeOf(missingEpisodeScopeSql, v)).toEqual({ branches: null, values: [] });
  });

  it('given a police officer, then those its agency recorded, and the child’s with a check or a strategy invitation', () => {
    const own = 'EXISTS (SELECT 1 FROM missing_episode e2 WHERE e2.id = x.id AND e2.recording_agency = «police»)';
    expect(kindsOf(missingEpisodeRelationshipKindsSql, police)).toEqual([
      ['OWN_AGENCY_RECORD', own],
      ['AGENCY_CHECK', agencyCheck('missing_episode', 'police')],
      ['STRATEGY_INVITE', strategyInvite('missing_episode', 'police')],
    ]);
    expect(scopeOf(missingEpisodeScopeSql, police)).toEqual({
      branches: [own, agencyCheck('missing_episode', 'police'), strategyInvite('missing_episode', 'police')],
      values: ['police', 'police', 'police'],
    });
  });

  it.each([...outsiders, ['the LADO', lado] as [string, Viewer]])('given %s, then no episode at all', (_l, v) => {
    expect(kindsOf(missingEpisodeRelationshipKindsSql, v)).toBe(NOTHING);
    expect(scopeOf(missingEpisodeScopeSql, v)).toEqual({ branches: [], values: [] });
  });
});

describe('private fostering arrangements (ADR 018): the local authority’s duty', () => {
  it('given social care MASH staff, then every arrangement (REFERRAL)', () => {
    expect(kindsOf(privateFosteringRelationshipKindsSql, manager)).toEqual([['REFERRAL', 'TRUE']]);
    expect(scopeOf(privateFosteringScopeSql, socialWorker)).toEqual({ branches: null, values: [] });
  });

  it('given a health practitioner, then only the child’s arrangements with a check or a strategy invitation', () => {
    const t = 'private_fostering_arrangement';
    expect(kindsOf(privateFosteringRelationshipKindsSql, health)).toEqual([
      ['AGENCY_CHECK', agencyCheck(t, 'health')],
      ['STRATEGY_INVITE', strategyInvite(t, 'health')],
    ]);
    expect(scopeOf(privateFosteringScopeSql, health)).toEqual({
      branches: [agencyCheck(t, 'health'), strategyInvite(t, 'health')],
      values: ['health', 'health'],
    });
  });

  it.each([...outsiders, ['the LADO', lado] as [string, Viewer]])('given %s, then no arrangement at all', (_l, v) => {
    expect(kindsOf(privateFosteringRelationshipKindsSql, v)).toBe(NOTHING);
    expect(scopeOf(privateFosteringScopeSql, v)).toEqual({ branches: [], values: [] });
  });
});

describe('early-help episodes (ADR 018): the owning local authority and the team around the family', () => {
  it('given a social worker, then only its own agency’s episodes (not every episode)', () => {
    const own = 'EXISTS (SELECT 1 FROM early_help_episode h2 WHERE h2.id = x.id AND h2.owning_agency = «social-care»)';
    expect(kindsOf(earlyHelpRelationshipKindsSql, socialWorker)).toEqual([['OWN_AGENCY_RECORD', own]]);
    expect(scopeOf(earlyHelpScopeSql, socialWorker)).toEqual({ branches: [own], values: ['social-care'] });
  });

  it('given a police officer, then episodes it is lead professional on, and the child’s with a check or a strategy invitation', () => {
    const lead =
      'EXISTS (SELECT 1 FROM early_help_episode h2 WHERE h2.id = x.id AND h2.lead_professional_agency = «police»)';
    expect(kindsOf(earlyHelpRelationshipKindsSql, police)).toEqual([
      ['MEETING_INVITE', lead],
      ['AGENCY_CHECK', agencyCheck('early_help_episode', 'police')],
      ['STRATEGY_INVITE', strategyInvite('early_help_episode', 'police')],
    ]);
    expect(scopeOf(earlyHelpScopeSql, police).branches).toEqual([
      lead,
      agencyCheck('early_help_episode', 'police'),
      strategyInvite('early_help_episode', 'police'),
    ]);
  });

  it.each([...outsiders, ['the LADO', lado] as [string, Viewer]])('given %s, then no episode at all', (_l, v) => {
    expect(kindsOf(earlyHelpRelationshipKindsSql, v)).toBe(NOTHING);
    expect(scopeOf(earlyHelpScopeSql, v)).toEqual({ branches: [], values: [] });
  });
});

describe('LADO allegations (ADR 018): the sealed details reach only the LADO and the employer’s designated officer', () => {
  it('given the LADO, then every allegation (LADO_ALLEGATION)', () => {
    expect(kindsOf(ladoRelationshipKindsSql, lado)).toEqual([['LADO_ALLEGATION', 'TRUE']]);
    expect(scopeOf(ladoScopeSql, lado)).toEqual({ branches: null, values: [] });
  });

  it('given an employer’s designated officer, then only allegations about its own agency’s staff', () => {
    const own = 'EXISTS (SELECT 1 FROM lado_allegation l2 WHERE l2.id = x.id AND l2.employer_agency = «education»)';
    expect(kindsOf(ladoRelationshipKindsSql, designatedOfficer)).toEqual([['LADO_ALLEGATION', own]]);
    expect(scopeOf(ladoScopeSql, designatedOfficer)).toEqual({ branches: [own], values: ['education'] });
  });

  it('given a social worker, then that its local authority’s LADO holds an allegation (OWN_AGENCY_RECORD), never LADO_ALLEGATION', () => {
    const own = 'EXISTS (SELECT 1 FROM lado_allegation l2 WHERE l2.id = x.id AND l2.lado_agency = «social-care»)';
    expect(kindsOf(ladoRelationshipKindsSql, socialWorker)).toEqual([['OWN_AGENCY_RECORD', own]]);
    expect(scopeOf(ladoScopeSql, manager)).toEqual({ branches: [own], values: ['social-care'] });
  });

  it.each([...outsiders, ['a police officer', police] as [string, Viewer]])(
    'given %s, then no allegation at all',
    (_l, v) => {
      expect(kindsOf(ladoRelationshipKindsSql, v)).toBe(NOTHING);
      expect(scopeOf(ladoScopeSql, v)).toEqual({ branches: [], values: [] });
    },
  );
});

describe('exploitation flags (ADR 027): the MASE core reaches every flag, another agency only a child whose case it works', () => {
  it.each([
    ['a social worker', socialWorker],
    ['a manager', manager],
  ])('given %s, then every flag (EXPLOITATION_COHORT), with no narrowing scope', (_l, v) => {
    expect(kindsOf(exploitationRelationshipKindsSql, v)).toEqual([['EXPLOITATION_COHORT', 'TRUE']]);
    expect(scopeOf(exploitationScopeSql, v)).toEqual({ branches: null, values: [] });
  });

  it('given a police officer, then every flag (EXPLOITATION_COHORT) as well as the child’s it works', () => {
    const kinds = kindsOf(exploitationRelationshipKindsSql, police);
    expect(kinds[0]).toEqual(['EXPLOITATION_COHORT', 'TRUE']);
    expect(scopeOf(exploitationScopeSql, police)).toEqual({ branches: null, values: [] });
  });

  it('given a health practitioner, then only the child’s flags with a check or a strategy invitation (never the cohort)', () => {
    const t = 'exploitation_flag';
    expect(kindsOf(exploitationRelationshipKindsSql, health)).toEqual([
      ['AGENCY_CHECK', agencyCheck(t, 'health')],
      ['STRATEGY_INVITE', strategyInvite(t, 'health')],
    ]);
    expect(scopeOf(exploitationScopeSql, health)).toEqual({
      branches: [agencyCheck(t, 'health'), strategyInvite(t, 'health')],
      values: ['health', 'health'],
    });
  });

  it.each([
    ...outsiders,
    ['the LADO', lado] as [string, Viewer],
    ['a designated officer', designatedOfficer] as [string, Viewer],
  ])('given %s, then no flag at all', (_l, v) => {
    expect(kindsOf(exploitationRelationshipKindsSql, v)).toBe(NOTHING);
    expect(scopeOf(exploitationScopeSql, v)).toEqual({ branches: [], values: [] });
  });
});
