import type { Viewer } from './viewer';
import { hasAnyRole } from './viewer';
import {
  AGENCY_OFFICER_ROLES,
  EXPLOITATION_ROLES,
  MASH_ROLES,
  SOCIAL_CARE_MASH_ROLES,
  SUBMITTER_ONLY_ROLES,
  type RelationshipKind,
  type Role,
} from './vocabulary';

/**
 * Legitimate relationships between a viewer and a person, as SQL. Row scoping everywhere is built
 * from this one list, so a person outside every relationship is simply absent from the result:
 * "not found", never "forbidden". Later capabilities add their sources here.
 */

/** Collects positional parameters while SQL is assembled. */
export class Params {
  readonly values: unknown[] = [];
  constructor(initial: unknown[] = []) {
    this.values.push(...initial);
  }
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * `column` matched against a batch of ids: `= $n` for a batch of one, `= ANY($n::uuid[])` otherwise.
 * Run as a named prepared statement (`queryPrepared`), a look-up by one id is planned a few times
 * per connection and then served by its generic plan, which costs what a custom one does; with an
 * array of one, PostgreSQL keeps planning a custom plan on every call (the custom plan knows the
 * array has one element, so it always looks cheaper). Measured in ADR 020 (`bench/plan-cache.ts`).
 */
export function idsMatchSql(column: string, ids: readonly string[], p: Params): string {
  return ids.length === 1 ? `${column} = ${p.add(ids[0])}::uuid` : `${column} = ANY(${p.add(ids)}::uuid[])`;
}

interface RelationshipSource {
  kind: RelationshipKind;
  roles: readonly Role[];
  /**
   * An SQL boolean that is true when the viewer has this relationship with the person. It must refer
   * to the viewer only through `p.add(viewer.sub | viewer.agency | viewer.agencyKind)` and must not
   * branch on them: the access log renders it once for many viewers, with their values as columns
   * (see `relationshipKindsOfViewerRowsSql`).
   */
  exists(personId: string, viewer: Viewer, p: Params): string;
}

export const RELATIONSHIP_SOURCES: RelationshipSource[] = [
  {
    // The agency's MASH roles only: a partner referrer reaches nothing but its own referrals (issue 17).
    kind: 'OWN_AGENCY_RECORD',
    roles: MASH_ROLES,
    exists: (personId, viewer, p) => {
      const agency = p.add(viewer.agency);
      return `(EXISTS (SELECT 1 FROM agency_record ar WHERE ar.person_id = ${personId} AND ar.owning_agency = ${agency})
        OR EXISTS (SELECT 1 FROM person_source ps WHERE ps.person_id = ${personId} AND ps.agency_code = ${agency}))`;
    },
  },
  {
    // Social care MASH staff triage every referral the MASH receives.
    kind: 'REFERRAL',
    roles: SOCIAL_CARE_MASH_ROLES,
    exists: (personId) => `EXISTS (SELECT 1 FROM referral_subject rs WHERE rs.person_id = ${personId})`,
  },
  {
    kind: 'REFERRER',
    // The emergency duty team records out-of-hours contacts (issue 24): it sees what it submitted, as a referrer does.
    roles: SUBMITTER_ONLY_ROLES,
    exists: (personId, viewer, p) =>
      `EXISTS (SELECT 1 FROM referral_subject rs JOIN referral r ON r.id = rs.referral_id
                WHERE rs.person_id = ${personId} AND r.referrer_agency = ${p.add(viewer.agency)} AND r.referrer_sub = ${p.add(viewer.sub)})`,
  },
  {
    kind: 'AGENCY_CHECK',
    roles: AGENCY_OFFICER_ROLES,
    exists: (personId, viewer, p) =>
      `EXISTS (SELECT 1 FROM referral_subject rs JOIN agency_check ac ON ac.referral_id = rs.referral_id
                WHERE rs.person_id = ${personId} AND ac.agency = ${p.add(viewer.agency)})`,
  },
  {
    // Emergency access: an open, unexpired break-glass by this viewer for this person.
    kind: 'BREAK_GLASS',
    roles: MASH_ROLES,
    exists: (personId, viewer, p) =>
      `EXISTS (SELECT 1 FROM break_glass bg WHERE bg.person_id = ${personId} AND bg.actor_sub = ${p.add(viewer.sub)}
                AND bg.actor_agency = ${p.add(viewer.agency)} AND bg.expires_at > now())`,
  },
  {
    // Invited to any (not cancelled) meeting about the person.
    kind: 'MEETING_INVITE',
    roles: MASH_ROLES,
    exists: (personId, viewer, p) => invitedSql(personId, viewer, p, null),
  },
  {
    // Invited to a strategy discussion or meeting about the person: the need-to-know for other agencies' detail.
    kind: 'STRATEGY_INVITE',
    roles: MASH_ROLES,
    exists: (personId, viewer, p) => invitedSql(personId, viewer, p, STRATEGY_MEETING_TYPES),
  },
  {
    // A missing episode is recorded about the child: the local authority arranges the return home
    // interview (ADR 018). Last in the list: the access log's source masks keep their bits.
    kind: 'MISSING_EPISODE',
    roles: SOCIAL_CARE_MASH_ROLES,
    exists: (personId) => `EXISTS (SELECT 1 FROM missing_episode me WHERE me.person_id = ${personId})`,
  },
];

const STRATEGY_MEETING_TYPES = ['STRATEGY_DISCUSSION', 'STRATEGY_MEETING'] as const;

function invitedSql(personId: string, viewer: Viewer, p: Params, types: readonly string[] | null): string {
  const typeFilter = types ? ` AND m.type IN (${types.map((t) => `'${t}'`).join(',')})` : '';
  return `EXISTS (SELECT 1 FROM meeting_subject ms JOIN meeting m ON m.id = ms.meeting_id
                   JOIN meeting_invitee mi ON mi.meeting_id = m.id
                  WHERE ms.person_id = ${personId} AND mi.agency = ${p.add(viewer.agency)} AND m.status <> 'CANCELLED'${typeFilter})`;
}

/**
 * The relationships for one meeting row (the SQL expression `meetingId`). An invited agency has
 * MEETING_INVITE and STRATEGY_INVITE *with the meeting* (its minutes and contributions are theirs to
 * read under STRATEGY/SECTION_47, whatever the meeting type); social care MASH staff reach every
 * meeting (REFERRAL); an agency with a check on the meeting's referral sees that it happened (AGENCY_CHECK).
 */
const MEETING_SOURCES: RelationshipSource[] = [
  {
    kind: 'MEETING_INVITE',
    roles: MASH_ROLES,
    exists: (meetingId, viewer, p) =>
      `EXISTS (SELECT 1 FROM meeting_invitee mi WHERE mi.meeting_id = ${meetingId} AND mi.agency = ${p.add(viewer.agency)})`,
  },
  {
    kind: 'STRATEGY_INVITE',
    roles: MASH_ROLES,
    exists: (meetingId, viewer, p) =>
      `EXISTS (SELECT 1 FROM meeting_invitee mi WHERE mi.meeting_id = ${meetingId} AND mi.agency = ${p.add(viewer.agency)})`,
  },
  { kind: 'REFERRAL', roles: SOCIAL_CARE_MASH_ROLES, exists: () => 'TRUE' },
  {
    kind: 'AGENCY_CHECK',
    roles: AGENCY_OFFICER_ROLES,
    exists: (meetingId, viewer, p) =>
      `EXISTS (SELECT 1 FROM meeting m2 JOIN agency_check ac ON ac.referral_id = m2.referral_id
                WHERE m2.id = ${meetingId} AND ac.agency = ${p.add(viewer.agency)})`,
  },
];

/**
 * The two ways an agency officer works a child's case, for a row of `table` about one child
 * (`person_id`) whose id is the SQL expression given: a check on a referral about the child
 * (AGENCY_CHECK), or an invitation to the child's strategy discussion (STRATEGY_INVITE). Shared by the
 * cohorts that follow the child (missing episodes, early help, private fostering).
 */
function childCaseSources(table: string): RelationshipSource[] {
  return [
    {
      kind: 'AGENCY_CHECK',
      roles: AGENCY_OFFICER_ROLES,
      exists: (rowId, viewer, p) =>
        `EXISTS (SELECT 1 FROM ${table} c2 JOIN referral_subject rs ON rs.person_id = c2.person_id
                   JOIN agency_check ac ON ac.referral_id = rs.referral_id
                  WHERE c2.id = ${rowId} AND ac.agency = ${p.add(viewer.agency)})`,
    },
    {
      kind: 'STRATEGY_INVITE',
      roles: AGENCY_OFFICER_ROLES,
      exists: (rowId, viewer, p) =>
        `EXISTS (SELECT 1 FROM ${table} c2 WHERE c2.id = ${rowId} AND ${invitedSql('c2.person_id', viewer, p, STRATEGY_MEETING_TYPES)})`,
    },
  ];
}

/**
 * The relationships for one missing episode (the SQL expression `episodeId`, ADR 018): social care
 * MASH staff reach every episode (MISSING_EPISODE: they arrange the return home interview); the
 * recording agency its own (OWN_AGENCY_RECORD); an agency with a check on a referral about the child,
 * or invited to the child's strategy discussion, the child's episodes (AGENCY_CHECK, STRATEGY_INVITE).
 * Nobody else, never a referrer.
 */
const MISSING_EPISODE_SOURCES: RelationshipSource[] = [
  { kind: 'MISSING_EPISODE', roles: SOCIAL_CARE_MASH_ROLES, exists: () => 'TRUE' },
  {
    kind: 'OWN_AGENCY_RECORD',
    roles: MASH_ROLES,
    exists: (episodeId, viewer, p) =>
      `EXISTS (SELECT 1 FROM missing_episode e2 WHERE e2.id = ${episodeId} AND e2.recording_agency = ${p.add(viewer.agency)})`,
  },
  ...childCaseSources('missing_episode'),
];

/**
 * The relationships for one private fostering arrangement (the SQL expression `arrangementId`, ADR 018):
 * social care MASH staff reach every arrangement (REFERRAL: the local authority's duty, as with
 * meetings); an agency with a check on a referral about the child, or invited to the child's strategy
 * discussion, the child's arrangements (AGENCY_CHECK, STRATEGY_INVITE). Nobody else, never a referrer.
 */
const PRIVATE_FOSTERING_SOURCES: RelationshipSource[] = [
  { kind: 'REFERRAL', roles: SOCIAL_CARE_MASH_ROLES, exists: () => 'TRUE' },
  ...childCaseSources('private_fostering_arrangement'),
];

/** A `text[]` SQL expression: the viewer's relationship kinds with the private fostering arrangement `arrangementId`. */
export function privateFosteringRelationshipKindsSql(viewer: Viewer, arrangementId: string, p: Params): string {
  return kindsArray(PRIVATE_FOSTERING_SOURCES, viewer, arrangementId, p);
}

/** The row scope of a list of private fostering arrangements, like `referralScopeSql`. */
export function privateFosteringScopeSql(viewer: Viewer, arrangementId: string, p: Params): string[] | null {
  return scopeBranches(PRIVATE_FOSTERING_SOURCES, viewer, arrangementId, p);
}

/** A `text[]` SQL expression: the viewer's relationship kinds with the missing episode `episodeId`. */
export function missingEpisodeRelationshipKindsSql(viewer: Viewer, episodeId: string, p: Params): string {
  return kindsArray(MISSING_EPISODE_SOURCES, viewer, episodeId, p);
}

/** The row scope of a list of missing episodes, like `referralScopeSql`. */
export function missingEpisodeScopeSql(viewer: Viewer, episodeId: string, p: Params): string[] | null {
  return scopeBranches(MISSING_EPISODE_SOURCES, viewer, episodeId, p);
}

/**
 * The relationships for one early-help episode (the SQL expression `episodeId`, ADR 018): social care
 * MASH staff of the owning agency (OWN_AGENCY_RECORD: the local authority's early help); the lead
 * professional's agency (MEETING_INVITE: part of the team around the family, its case metadata only);
 * an agency with a check on a referral about the child, or invited to the child's strategy discussion
 * (AGENCY_CHECK, STRATEGY_INVITE). Nobody else, never a referrer.
 */
const EARLY_HELP_SOURCES: RelationshipSource[] = [
  {
    kind: 'OWN_AGENCY_RECORD',
    roles: SOCIAL_CARE_MASH_ROLES,
    exists: (episodeId, viewer, p) =>
      `EXISTS (SELECT 1 FROM early_help_episode h2 WHERE h2.id = ${episodeId} AND h2.owning_agency = ${p.add(viewer.agency)})`,
  },
  {
    kind: 'MEETING_INVITE',
    roles: AGENCY_OFFICER_ROLES,
    exists: (episodeId, viewer, p) =>
      `EXISTS (SELECT 1 FROM early_help_episode h2 WHERE h2.id = ${episodeId} AND h2.lead_professional_agency = ${p.add(viewer.agency)})`,
  },
  ...childCaseSources('early_help_episode'),
];

/** A `text[]` SQL expression: the viewer's relationship kinds with the early-help episode `episodeId`. */
export function earlyHelpRelationshipKindsSql(viewer: Viewer, episodeId: string, p: Params): string {
  return kindsArray(EARLY_HELP_SOURCES, viewer, episodeId, p);
}

/** The row scope of a list of early-help episodes, like `referralScopeSql`. */
export function earlyHelpScopeSql(viewer: Viewer, episodeId: string, p: Params): string[] | null {
  return scopeBranches(EARLY_HELP_SOURCES, viewer, episodeId, p);
}

/**
 * The relationships for one LADO allegation (the SQL expression `allegationId`, ADR 018): the LADO
 * reaches every allegation and an employer's designated officer those about its agency's staff
 * (LADO_ALLEGATION: the only relationship the policy lets read the adult's sealed details); social care
 * MASH staff of the LADO's local authority see that an allegation exists and its progress
 * (OWN_AGENCY_RECORD; the allegation has no owning agency, so no rule on owner applies). Nobody else.
 */
const LADO_SOURCES: RelationshipSource[] = [
  { kind: 'LADO_ALLEGATION', roles: ['LADO'], exists: () => 'TRUE' },
  {
    kind: 'LADO_ALLEGATION',
    roles: ['EMPLOYER_DESIGNATED_OFFICER'],
    exists: (allegationId, viewer, p) =>
      `EXISTS (SELECT 1 FROM lado_allegation l2 WHERE l2.id = ${allegationId} AND l2.employer_agency = ${p.add(viewer.agency)})`,
  },
  {
    kind: 'OWN_AGENCY_RECORD',
    roles: SOCIAL_CARE_MASH_ROLES,
    exists: (allegationId, viewer, p) =>
      `EXISTS (SELECT 1 FROM lado_allegation l2 WHERE l2.id = ${allegationId} AND l2.lado_agency = ${p.add(viewer.agency)})`,
  },
];

/** A `text[]` SQL expression: the viewer's relationship kinds with the allegation `allegationId`. */
export function ladoRelationshipKindsSql(viewer: Viewer, allegationId: string, p: Params): string {
  return kindsArray(LADO_SOURCES, viewer, allegationId, p);
}

/** The row scope of a list of allegations, like `referralScopeSql`. */
export function ladoScopeSql(viewer: Viewer, allegationId: string, p: Params): string[] | null {
  return scopeBranches(LADO_SOURCES, viewer, allegationId, p);
}

/**
 * The relationships for one exploitation flag (the SQL expression `flagId`, ADR 027): social care MASH
 * staff and police MASH officers reach every flag (EXPLOITATION_COHORT: the MASE/MACE core, who keep
 * the cohort list and alone read associations); another agency's officer with a check on a referral
 * about the child, or invited to the child's strategy discussion, the child's flags (AGENCY_CHECK,
 * STRATEGY_INVITE: the facts, not the associations). Nobody else, never a referrer, EDT, a clinician
 * or a LADO role.
 */
const EXPLOITATION_SOURCES: RelationshipSource[] = [
  { kind: 'EXPLOITATION_COHORT', roles: EXPLOITATION_ROLES, exists: () => 'TRUE' },
  ...childCaseSources('exploitation_flag'),
];

/** A `text[]` SQL expression: the viewer's relationship kinds with the exploitation flag `flagId`. */
export function exploitationRelationshipKindsSql(viewer: Viewer, flagId: string, p: Params): string {
  return kindsArray(EXPLOITATION_SOURCES, viewer, flagId, p);
}

/** The row scope of a list of exploitation flags, like `referralScopeSql`. */
export function exploitationScopeSql(viewer: Viewer, flagId: string, p: Params): string[] | null {
  return scopeBranches(EXPLOITATION_SOURCES, viewer, flagId, p);
}

/** A `text[]` SQL expression: the viewer's relationship kinds with the meeting `meetingId`. */
export function meetingRelationshipKindsSql(viewer: Viewer, meetingId: string, p: Params): string {
  return kindsArray(MEETING_SOURCES, viewer, meetingId, p);
}

/**
 * The same relationships for one referral row (the SQL expression `referralId`): a referral is in
 * scope when the viewer triages referrals, submitted it, or has a check addressed to their agency
 * on it. Anything else is not found.
 */
const REFERRAL_SOURCES: RelationshipSource[] = [
  { kind: 'REFERRAL', roles: SOCIAL_CARE_MASH_ROLES, exists: () => 'TRUE' },
  {
    kind: 'REFERRER',
    // The emergency duty team records out-of-hours contacts (issue 24): it sees what it submitted, as a referrer does.
    roles: SUBMITTER_ONLY_ROLES,
    exists: (referralId, viewer, p) =>
      `EXISTS (SELECT 1 FROM referral r2 WHERE r2.id = ${referralId} AND r2.referrer_agency = ${p.add(viewer.agency)} AND r2.referrer_sub = ${p.add(viewer.sub)})`,
  },
  {
    kind: 'AGENCY_CHECK',
    roles: AGENCY_OFFICER_ROLES,
    exists: (referralId, viewer, p) =>
      `EXISTS (SELECT 1 FROM agency_check ac WHERE ac.referral_id = ${referralId} AND ac.agency = ${p.add(viewer.agency)})`,
  },
];

/** Lists whose row scope is built from a list of sources here (for `relationshipsOfEveryRow`). */
export type ScopedList = 'referral';

/**
 * The relationships every row of a list in the viewer's scope has, known before the query: a source
 * that reaches every row gives every row its kind; a lone applicable source gives each row it returns
 * its kind; with several (a row reached through any one of them) nothing is certain.
 */
export function relationshipsOfEveryRow(list: ScopedList, viewer: Viewer): ReadonlySet<RelationshipKind> {
  const sources = { referral: REFERRAL_SOURCES }[list];
  const applicable = sources.filter((s) => hasAnyRole(viewer, s.roles));
  const everywhere = applicable.filter((s) => s.exists('x', viewer, new Params()) === 'TRUE');
  if (everywhere.length > 0) return new Set(everywhere.map((s) => s.kind));
  return applicable.length === 1 ? new Set([applicable[0]!.kind]) : new Set();
}

/** A `text[]` SQL expression: the viewer's relationship kinds with the referral `referralId`. */
export function referralRelationshipKindsSql(viewer: Viewer, referralId: string, p: Params): string {
  return kindsArray(REFERRAL_SOURCES, viewer, referralId, p);
}

/**
 * The row scope of a list of referrals, as SQL booleans on the referral `referralId`: one per
 * relationship source the viewer's roles allow (the same SQL that yields the kinds, so a row is in
 * scope exactly when its kinds are not empty). `null` when a source reaches every referral; an empty
 * list when none applies (nothing is in scope). See `scopeBranches`.
 */
export function referralScopeSql(viewer: Viewer, referralId: string, p: Params): string[] | null {
  return scopeBranches(REFERRAL_SOURCES, viewer, referralId, p);
}

/** The row scope of a list of meetings, like `referralScopeSql`. */
export function meetingScopeSql(viewer: Viewer, meetingId: string, p: Params): string[] | null {
  return scopeBranches(MEETING_SOURCES, viewer, meetingId, p);
}

/**
 * List queries filter rows with these predicates rather than with `cardinality(kinds) > 0`: a lone
 * `EXISTS` in a WHERE clause is a semi-join the planner can drive either way (the list's keyset
 * index probing the source's index, or the source's index by agency when it is selective), whereas a
 * filter on the kinds array evaluates every source per row and, over a large table, hashes each
 * source's whole table first (the agency-check queue measured 100+ ms at 100,000 referrals). With
 * several predicates a list runs one keyset scan per predicate and merges them (an OR of EXISTS
 * cannot be a semi-join). The kinds are then computed only for the rows of the page.
 */
function scopeBranches(sources: readonly RelationshipSource[], viewer: Viewer, id: string, p: Params): string[] | null {
  const applicable = sources.filter((s) => hasAnyRole(viewer, s.roles));
  // Rendered once aside first, so that no parameter is left unused when a source reaches every row.
  if (applicable.some((s) => s.exists(id, viewer, new Params()) === 'TRUE')) return null;
  return applicable.map((s) => s.exists(id, viewer, p));
}

/**
 * A `text[]` SQL expression: the kinds of relationship the viewer has with the person whose id is
 * the SQL expression `personId`. Empty when there is none.
 */
export function relationshipKindsSql(viewer: Viewer, personId: string, p: Params): string {
  return kindsArray(RELATIONSHIP_SOURCES, viewer, personId, p);
}

function kindsArray(sources: readonly RelationshipSource[], viewer: Viewer, id: string, p: Params): string {
  const parts = sources
    .filter((s) => hasAnyRole(viewer, s.roles))
    .map((s) => `CASE WHEN ${s.exists(id, viewer, p)} THEN '${s.kind}' END`);
  if (parts.length === 0) return `ARRAY[]::text[]`;
  return `array_remove(ARRAY[${parts.join(', ')}]::text[], NULL)`;
}

/** The SQL expressions (columns of a row source) that stand for the viewer's attributes. */
export interface ViewerColumns {
  sub: string;
  agency: string;
  agencyKind: string;
}

const SENTINEL = '\u0000viewer.';

/** Renders viewer attributes as their columns and anything else as a parameter of `base`. */
class ViewerColumnParams extends Params {
  constructor(
    private readonly base: Params,
    private readonly columns: Map<unknown, string>,
  ) {
    super();
  }
  override add(value: unknown): string {
    return this.columns.get(value) ?? this.base.add(value);
  }
}

/**
 * Which relationship sources the viewer's roles allow, as a bit mask (bit i = RELATIONSHIP_SOURCES[i]):
 * the per-row counterpart of the role filter of `relationshipKindsSql`.
 */
export function relationshipSourceMask(viewer: Viewer): number {
  return RELATIONSHIP_SOURCES.reduce((m, s, i) => (hasAnyRole(viewer, s.roles) ? m | (1 << i) : m), 0);
}

/**
 * The same `text[]` as `relationshipKindsSql`, for a row source with one viewer per row: the
 * viewer's attributes are the SQL expressions `columns` and the sources their roles allow the integer
 * expression `mask` (`relationshipSourceMask`). The text does not depend on the viewers, so the
 * relationships of many (viewer, person) pairs are one small statement, planned once — rather than
 * one sub-query per viewer, whose planning grows with the number of viewers (an access-log page of
 * 100 break-glass reads by 85 people took 190 ms to plan and 14 ms to run). Each source stays a
 * correlated EXISTS with the person and the viewer's values bound: index lookups per pair.
 */
export function relationshipKindsOfViewerRowsSql(
  personId: string,
  columns: ViewerColumns,
  mask: string,
  p: Params,
): string {
  const symbolic: Viewer = {
    sub: `${SENTINEL}sub`,
    name: '',
    agency: `${SENTINEL}agency`,
    agencyKind: `${SENTINEL}agencyKind` as Viewer['agencyKind'],
    roles: [],
  };
  const cp = new ViewerColumnParams(
    p,
    new Map([
      [symbolic.sub, columns.sub],
      [symbolic.agency, columns.agency],
      [symbolic.agencyKind, columns.agencyKind],
    ]),
  );
  const parts = RELATIONSHIP_SOURCES.map((s, i) => {
    const exists = s.exists(personId, symbolic, cp);
    if (exists.includes(SENTINEL))
      throw new Error(`relationship source ${s.kind} interpolates a viewer attribute instead of binding it`);
    // CASE evaluates in order: a source the viewer's roles do not allow is never looked up.
    return `CASE WHEN (${mask} & ${1 << i}) = 0 THEN NULL WHEN ${exists} THEN '${s.kind}' END`;
  });
  return `array_remove(ARRAY[${parts.join(', ')}]::text[], NULL)`;
}
