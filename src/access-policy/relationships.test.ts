import {
  meetingRelationshipKindsSql,
  meetingScopeSql,
  Params,
  referralRelationshipKindsSql,
  referralScopeSql,
  relationshipKindsOfViewerRowsSql,
  relationshipKindsSql,
  relationshipSourceMask,
  RELATIONSHIP_SOURCES,
} from './relationships';
import type { Viewer } from './viewer';
import type { Role } from './vocabulary';

/**
 * The legitimate relationships are SQL; the stories in tests/ run it against PostgreSQL. These fast
 * cases read the text for the rules it encodes: which roles get which relationship, that every
 * viewer value is a bound parameter (never in the text), and the conditions that make each
 * relationship legitimate (break-glass open and unexpired and the viewer's own, a meeting not
 * cancelled, a strategy meeting for STRATEGY_INVITE, a referrer's own referrals only).
 */

const viewer = (roles: Role[], agency: string, sub = 'u-1'): Viewer => ({
  sub,
  name: 'n',
  agency,
  agencyKind: 'POLICE',
  roles,
});
const socialWorker = viewer(['MASH_SOCIAL_WORKER'], 'social-care', 'sw-1');
const manager = viewer(['MASH_MANAGER'], 'social-care', 'mgr-1');
const police = viewer(['POLICE_MASH_OFFICER'], 'police', 'pc-1');
const health = viewer(['HEALTH_MASH_PRACTITIONER'], 'health', 'hv-1');
const referrer = viewer(['PARTNER_REFERRER'], 'school-9', 'teacher-1');
const auditor = viewer(['IG_AUDITOR'], 'social-care', 'ig-1');
const admin = viewer(['HUB_ADMIN'], 'social-care', 'admin-1');

/** The SQL with each `$n` replaced by «its value» and whitespace collapsed, to read conditions in. */
function bound(sql: string, p: Params): string {
  return sql.replace(/\$(\d+)/g, (_m, n: string) => `«${String(p.values[Number(n) - 1])}»`).replace(/\s+/g, ' ');
}

/** The condition of each kind in a `kindsArray` expression, in order. */
function conditions(sql: string): Array<[string, string]> {
  return [...sql.replace(/\s+/g, ' ').matchAll(/CASE WHEN (.*?) THEN '([A-Z_]+)' END/g)].map((m) => [m[2]!, m[1]!]);
}

function personKinds(v: Viewer) {
  const p = new Params();
  const sql = relationshipKindsSql(v, 'x.id', p);
  return { sql, p, byKind: Object.fromEntries(conditions(bound(sql, p))) as Record<string, string> };
}

describe('Params: positional parameters collected while SQL is assembled', () => {
  it('given initial values, then the next parameter is numbered after them and every value is kept in order', () => {
    const p = new Params(['a', 'b']);
    expect(p.add('c')).toBe('$3');
    expect(p.add(4)).toBe('$4');
    expect(p.values).toEqual(['a', 'b', 'c', 4]);
    expect(new Params().add('x')).toBe('$1');
  });
});

describe('relationships with a person: which roles have which relationship', () => {
  it.each([
    [
      'a MASH social worker',
      socialWorker,
      ['OWN_AGENCY_RECORD', 'REFERRAL', 'BREAK_GLASS', 'MEETING_INVITE', 'STRATEGY_INVITE', 'MISSING_EPISODE'],
    ],
    [
      'a MASH manager',
      manager,
      ['OWN_AGENCY_RECORD', 'REFERRAL', 'BREAK_GLASS', 'MEETING_INVITE', 'STRATEGY_INVITE', 'MISSING_EPISODE'],
    ],
    [
      'a police officer',
      police,
      ['OWN_AGENCY_RECORD', 'AGENCY_CHECK', 'BREAK_GLASS', 'MEETING_INVITE', 'STRATEGY_INVITE'],
    ],
    [
      'a health practitioner',
      health,
      ['OWN_AGENCY_RECORD', 'AGENCY_CHECK', 'BREAK_GLASS', 'MEETING_INVITE', 'STRATEGY_INVITE'],
    ],
    ["a partner referrer (its own referrals only, never its agency's records)", referrer, ['REFERRER']],
  ] as const)('given %s, then the kinds looked up are exactly these', (_label, v, kinds) => {
    const { sql } = personKinds(v);
    expect(conditions(sql).map(([k]) => k)).toEqual(kinds);
    expect(sql).toMatch(/^array_remove\(ARRAY\[.*\]::text\[\], NULL\)$/s);
    expect(sql.split(' END, CASE WHEN ')).toHaveLength(kinds.length);
  });

  it.each([
    ['an IG auditor', auditor],
    ['a hub administrator', admin],
  ])('given %s, then there is no relationship with anyone: an empty array and no parameter', (_label, v) => {
    const { sql, p } = personKinds(v);
    expect(sql).toBe('ARRAY[]::text[]');
    expect(p.values).toEqual([]);
  });

  it('given any viewer, then their sub and agency are bound parameters, never part of the text', () => {
    for (const v of [socialWorker, police, referrer]) {
      const { sql, p } = personKinds(v);
      expect(sql).not.toContain(v.sub);
      expect(sql).not.toContain(v.agency);
      expect(p.values.length).toBeGreaterThan(0);
      expect(p.values.every((x) => x === v.sub || x === v.agency)).toBe(true);
    }
  });
});

describe('relationships with a person: the condition that makes each legitimate', () => {
  const pc = personKinds(police).byKind;
  const sw = personKinds(socialWorker).byKind;
  const ref = personKinds(referrer).byKind;

  it.each([
    [
      'OWN_AGENCY_RECORD: a record the agency holds, or a source it contributed',
      pc.OWN_AGENCY_RECORD,
      [
        'EXISTS (SELECT 1 FROM agency_record ar WHERE ar.person_id = x.id AND ar.owning_agency = «police»)',
        ' OR EXISTS (SELECT 1 FROM person_source ps WHERE ps.person_id = x.id AND ps.agency_code = «police»)',
      ],
    ],
    [
      'REFERRAL: any referral about the person (social care triages them all)',
      sw.REFERRAL,
      ['EXISTS (SELECT 1 FROM referral_subject rs WHERE rs.person_id = x.id)'],
    ],
    [
      'REFERRER: a referral this referrer, at this agency, submitted',
      ref.REFERRER,
      [
        'JOIN referral r ON r.id = rs.referral_id',
        'rs.person_id = x.id AND r.referrer_agency = «school-9» AND r.referrer_sub = «teacher-1»',
      ],
    ],
    [
      "AGENCY_CHECK: a check addressed to the viewer's agency on a referral about the person",
      pc.AGENCY_CHECK,
      ['JOIN agency_check ac ON ac.referral_id = rs.referral_id', 'rs.person_id = x.id AND ac.agency = «police»'],
    ],
    [
      "BREAK_GLASS: the viewer's own, at their agency, unexpired",
      pc.BREAK_GLASS,
      [
        'FROM break_glass bg WHERE bg.person_id = x.id AND bg.actor_sub = «pc-1» AND bg.actor_agency = «police» AND bg.expires_at > now()',
      ],
    ],
    [
      'MEETING_INVITE: the agency invited to a meeting about the person that is not cancelled',
      pc.MEETING_INVITE,
      [
        'FROM meeting_subject ms JOIN meeting m ON m.id = ms.meeting_id JOIN meeting_invitee mi ON mi.meeting_id = m.id',
        "WHERE ms.person_id = x.id AND mi.agency = «police» AND m.status <> 'CANCELLED')",
      ],
    ],
    [
      'STRATEGY_INVITE: the same, for a strategy discussion or meeting only',
      pc.STRATEGY_INVITE,
      [
        'FROM meeting_subject ms JOIN meeting m ON m.id = ms.meeting_id JOIN meeting_invitee mi ON mi.meeting_id = m.id',
        "WHERE ms.person_id = x.id AND mi.agency = «police» AND m.status <> 'CANCELLED' AND m.type IN ('STRATEGY_DISCUSSION','STRATEGY_MEETING'))",
      ],
    ],
  ] as const)('%s', (_label, condition, fragments) => {
    for (const f of fragments) expect(condition).toContain(f);
  });

  it('given MEETING_INVITE, then it is not limited to strategy meetings (any meeting type)', () => {
    expect(pc.MEETING_INVITE).not.toContain('m.type');
  });
});

describe('relationships with a referral or a meeting row', () => {
  const kindsOf = (fn: typeof referralRelationshipKindsSql, v: Viewer) => {
    const p = new Params();
    return Object.fromEntries(conditions(bound(fn(v, 'r.id', p), p))) as Record<string, string>;
  };

  it.each([
    ['social care MASH staff: every referral', socialWorker, { REFERRAL: 'TRUE' }],
    [
      'a referrer: its own submissions',
      referrer,
      {
        REFERRER:
          'EXISTS (SELECT 1 FROM referral r2 WHERE r2.id = r.id AND r2.referrer_agency = «school-9» AND r2.referrer_sub = «teacher-1»)',
      },
    ],
    [
      'an agency officer: referrals with a check addressed to its agency',
      police,
      { AGENCY_CHECK: 'EXISTS (SELECT 1 FROM agency_check ac WHERE ac.referral_id = r.id AND ac.agency = «police»)' },
    ],
    ['an IG auditor: none', auditor, {}],
  ] as const)('referral, %s', (_label, v, expected) => {
    expect(kindsOf(referralRelationshipKindsSql, v)).toEqual(expected);
  });

  it.each([
    [
      'social care MASH staff: every meeting, and as invitees',
      socialWorker,
      {
        MEETING_INVITE:
          'EXISTS (SELECT 1 FROM meeting_invitee mi WHERE mi.meeting_id = r.id AND mi.agency = «social-care»)',
        STRATEGY_INVITE:
          'EXISTS (SELECT 1 FROM meeting_invitee mi WHERE mi.meeting_id = r.id AND mi.agency = «social-care»)',
        REFERRAL: 'TRUE',
      },
    ],
    [
      'an agency officer: meetings its agency is invited to, or on a referral it has a check on',
      police,
      {
        MEETING_INVITE: 'EXISTS (SELECT 1 FROM meeting_invitee mi WHERE mi.meeting_id = r.id AND mi.agency = «police»)',
        STRATEGY_INVITE:
          'EXISTS (SELECT 1 FROM meeting_invitee mi WHERE mi.meeting_id = r.id AND mi.agency = «police»)',
        AGENCY_CHECK:
          'EXISTS (SELECT 1 FROM meeting m2 JOIN agency_check ac ON ac.referral_id = m2.referral_id WHERE m2.id = r.id AND ac.agency = «police»)',
      },
    ],
    ['a referrer: none', referrer, {}],
  ] as const)('meeting, %s', (_label, v, expected) => {
    expect(kindsOf(meetingRelationshipKindsSql, v)).toEqual(expected);
  });
});

describe('row scopes of lists: one predicate per source, null when a source reaches every row, none in scope when no source applies', () => {
  it('given social care MASH staff, then every referral and meeting is in scope (null) and no parameter is left unused', () => {
    const p = new Params();
    expect(referralScopeSql(socialWorker, 'r.id', p)).toBeNull();
    expect(meetingScopeSql(manager, 'm.id', p)).toBeNull();
    expect(p.values).toEqual([]);
  });

  it('given an agency officer, then referrals with its checks, and meetings it is invited to or has a check on', () => {
    const p = new Params();
    expect(referralScopeSql(police, 'r.id', p)!.map((s) => bound(s, p))).toEqual([
      'EXISTS (SELECT 1 FROM agency_check ac WHERE ac.referral_id = r.id AND ac.agency = «police»)',
    ]);
    const q = new Params();
    expect(meetingScopeSql(police, 'm.id', q)!.map((s) => bound(s, q))).toEqual([
      'EXISTS (SELECT 1 FROM meeting_invitee mi WHERE mi.meeting_id = m.id AND mi.agency = «police»)',
      'EXISTS (SELECT 1 FROM meeting_invitee mi WHERE mi.meeting_id = m.id AND mi.agency = «police»)',
      'EXISTS (SELECT 1 FROM meeting m2 JOIN agency_check ac ON ac.referral_id = m2.referral_id WHERE m2.id = m.id AND ac.agency = «police»)',
    ]);
  });

  it('given a referrer, then its own referrals; and no meeting at all (an empty list: nothing in scope)', () => {
    const p = new Params();
    expect(referralScopeSql(referrer, 'r.id', p)!.map((s) => bound(s, p))).toEqual([
      'EXISTS (SELECT 1 FROM referral r2 WHERE r2.id = r.id AND r2.referrer_agency = «school-9» AND r2.referrer_sub = «teacher-1»)',
    ]);
    expect(meetingScopeSql(referrer, 'm.id', new Params())).toEqual([]);
  });

  it('given an IG auditor, then no referral is in scope', () => {
    expect(referralScopeSql(auditor, 'r.id', new Params())).toEqual([]);
  });
});

describe('relationships of many (viewer, person) rows in one statement (the access log)', () => {
  const kinds = RELATIONSHIP_SOURCES.map((s) => s.kind);

  it.each([
    [
      'a social worker',
      socialWorker,
      ['OWN_AGENCY_RECORD', 'REFERRAL', 'BREAK_GLASS', 'MEETING_INVITE', 'STRATEGY_INVITE', 'MISSING_EPISODE'],
    ],
    [
      'a police officer',
      police,
      ['OWN_AGENCY_RECORD', 'AGENCY_CHECK', 'BREAK_GLASS', 'MEETING_INVITE', 'STRATEGY_INVITE'],
    ],
    ['a referrer', referrer, ['REFERRER']],
    ['an IG auditor', auditor, []],
  ] as const)(
    'given %s, then the source mask has a bit exactly for the sources their roles allow',
    (_label, v, allowed) => {
      const mask = relationshipSourceMask(v);
      expect(kinds.filter((_k, i) => (mask & (1 << i)) !== 0)).toEqual(allowed);
    },
  );

  it('given the viewer columns and mask, then every source is guarded by its bit and reads the viewer from the columns, binding no viewer value', () => {
    const p = new Params(['earlier']);
    const sql = relationshipKindsOfViewerRowsSql(
      'x.pid',
      { sub: 'v.sub', agency: 'v.agency', agencyKind: 'v.kind' },
      'v.mask',
      p,
    ).replace(/\s+/g, ' ');
    expect(p.values).toEqual(['earlier']);
    const parts = [...sql.matchAll(/CASE WHEN \(v\.mask & (\d+)\) = 0 THEN NULL WHEN (.*?) THEN '([A-Z_]+)' END/g)].map(
      (m) => [Number(m[1]), m[3], m[2]] as const,
    );
    expect(parts.map(([bit, kind]) => [bit, kind])).toEqual(kinds.map((k, i) => [1 << i, k]));
    const byKind = Object.fromEntries(parts.map(([, kind, cond]) => [kind, cond]));
    expect(byKind.BREAK_GLASS).toContain(
      'bg.actor_sub = v.sub AND bg.actor_agency = v.agency AND bg.expires_at > now()',
    );
    expect(byKind.REFERRER).toContain('r.referrer_agency = v.agency AND r.referrer_sub = v.sub');
    expect(byKind.OWN_AGENCY_RECORD).toContain('ar.owning_agency = v.agency');
    expect(sql).toMatch(/^array_remove\(ARRAY\[.*\]::text\[\], NULL\)$/);
    expect(sql.split(' END, CASE WHEN ')).toHaveLength(kinds.length);
  });

  const columns = { sub: 'v.sub', agency: 'v.agency', agencyKind: 'v.kind' };
  const withSource = (exists: (id: string, v: Viewer, p: Params) => string, run: () => void) => {
    RELATIONSHIP_SOURCES.push({ kind: 'DATA_QUALITY', roles: ['MASH_SOCIAL_WORKER'], exists });
    try {
      run();
    } finally {
      RELATIONSHIP_SOURCES.pop();
    }
  };

  it.each([
    ['sub', (id: string, v: Viewer) => `EXISTS (SELECT 1 FROM t WHERE t.id = ${id} AND t.sub = '${v.sub}')`],
    ['agency', (id: string, v: Viewer) => `EXISTS (SELECT 1 FROM t WHERE t.id = ${id} AND t.agency = '${v.agency}')`],
    [
      'agency kind',
      (id: string, v: Viewer) => `EXISTS (SELECT 1 FROM t WHERE t.id = ${id} AND t.kind = '${v.agencyKind}')`,
    ],
  ])(
    "given a source that writes the viewer's %s into the text instead of binding it, then rendering refuses",
    (_label, exists) => {
      withSource(exists, () =>
        expect(() => relationshipKindsOfViewerRowsSql('x.pid', columns, 'v.mask', new Params())).toThrow(
          'relationship source DATA_QUALITY interpolates a viewer attribute instead of binding it',
        ),
      );
    },
  );

  it("given a source that binds the viewer's agency kind, then it reads the kind column", () => {
    withSource(
      (id, v, p) => `EXISTS (SELECT 1 FROM t WHERE t.id = ${id} AND t.kind = ${p.add(v.agencyKind)})`,
      () =>
        expect(relationshipKindsOfViewerRowsSql('x.pid', columns, 'v.mask', new Params())).toContain(
          't.kind = v.kind)',
        ),
    );
  });
});
