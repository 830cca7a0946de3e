import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { Params, referralRelationshipKindsSql, referralScopeSql } from '../access-policy/relationships';
import { GUARD, type Guarded, type RequestAccess } from '../access-policy/request-access';
import { visibleCheckAgency } from '../access-policy/row-scopes';
import { mayOrderBy } from '../access-policy/filter-policy';
import type { RelationshipKind, SensitivityClass } from '../access-policy/vocabulary';
import { queryPrepared } from '../db/prepared';
import { readShape, type ReadShape, type ShapeOf } from '../db/read-shape';
import { peopleInScopeSql } from '../people/people.repository';
import { scopedKeysetSql } from '../shared/pagination';
import { TERMINAL_STATUSES } from './referral-state-machine';
import { AgencyCheckEntity, ReferralEntity, ReferralRatingEntity, ReferralTransitionEntity } from './referral.entity';
import type { AgencyCheckStatus, ReferralStatus } from './vocabulary';

/**
 * Viewer-scoped reads of referrals. The scope is in the SQL (`referralRelationshipKindsSql`, and for
 * the queue `referralScopeSql`): a referral outside the viewer's relationships is not returned at all. Every row is guarded with
 * its subjects so released fields are audited per person.
 */

type Row = Record<string, unknown>;

const OPEN_CHECKS_SQL = `status IN ('REQUESTED','IN_PROGRESS')`;

/**
 * The referral's own columns, described once by its entity (`readShape`, ADR 031). Each is also the
 * `Referral` field of the same name, which is how a page reads only the columns its query selects
 * (`referralWidth`).
 */
const REFERRAL = readShape(ReferralEntity, 'r', [
  'id',
  'reference',
  'status',
  'rag',
  'decisionDueAt',
  'receivedAt',
  'updatedAt',
  'version',
  'referrerName',
  'referrerAgency',
  'referrerContact',
  'source',
  'referrerOrganisation',
  'referrerRole',
  'outOfHours',
  'concernCategories',
  'narrative',
  'consentSought',
  'consentGiven',
  'consentReason',
  'lawfulBasis',
  'article6Basis',
  'specialCategoryCondition',
  'assignedToSub',
  'assignedToName',
  'decisionOutcome',
  'decisionRationale',
  'thresholdLevel',
  'decisionProposedBy',
  'decisionProposedAt',
  'decisionAuthorisedBy',
  'decisionAuthorisedAt',
  'strategyRequestedAt',
  'closedReason',
  'mergedIntoId',
  'feedbackMessage',
  'feedbackSentAt',
  'acknowledgedDecisionBy',
  'decisionReturnedAt',
  'decisionReturnComment',
  'decisionAmendmentReason',
  'decidedOverChecksReason',
]);
type ReferralColumn = (typeof REFERRAL.properties)[number];

/**
 * A referral as read: its own columns, then what the query computes beside them. A page read with a
 * `width` holds only the columns its query selects (and the cursor keys); its resolvers read no other.
 */
export type ReferralView = ShapeOf<typeof REFERRAL> & {
  subjectPersonIds: string[];
  /** Agencies whose checks are still outstanding: who the case waits on. */
  waitingOn: string[];
  overdueChecks: number;
  breached: boolean;
  relationships: ReadonlySet<RelationshipKind>;
};

/** A check's own columns, described once by its entity (ADR 031). */
const CHECK = readShape(AgencyCheckEntity, 'ac', [
  'id',
  'referralId',
  'agency',
  'status',
  'requestedAt',
  'requestedBy',
  'dueAt',
  'returnedAt',
  'findingsSummary',
  'recordsShared',
  'declinedReason',
  'article6Basis',
  'specialCategoryCondition',
  'consentSought',
  'consentGiven',
  'consentReason',
  'closedReason',
  'closedNote',
  'closedAt',
]);

export type AgencyCheckView = Omit<ShapeOf<typeof CHECK>, 'status'> & {
  /** The stored status, or OVERDUE while the check is open past its due time. */
  status: AgencyCheckStatus | 'OVERDUE';
  overdue: boolean;
};

/** One step of a referral's status history but its detail, described once by its entity (ADR 031). */
const TRANSITION_STEP = readShape(ReferralTransitionEntity, 't', [
  'transition',
  'fromStatus',
  'toStatus',
  'version',
  'occurredAt',
  'actorName',
  'actorAgency',
  'reason',
  'checkAgency',
]);
/** The step with its detail, which the history's statement reads masked for an agency officer (`historyLoader`). */
const TRANSITION = readShape(ReferralTransitionEntity, 't', [...TRANSITION_STEP.properties, 'detail']);

/** One step of a referral's status history. */
export type TransitionView = ShapeOf<typeof TRANSITION>;

const RATING = readShape(ReferralRatingEntity, 'rr', ['rag', 'rationale', 'ratedByName', 'ratedAt', 'decisionDueAt']);

export type RatingView = ShapeOf<typeof RATING>;

export interface QueueFilter {
  status?: ReferralStatus[] | null;
  rag?: string[] | null;
  breached?: boolean | null;
  dueBefore?: Date | null;
  assignedTo?: string | null;
  awaitingAgency?: string | null;
  receivedFrom?: Date | null;
  receivedTo?: Date | null;
  /** Referrals with any of these concern categories. */
  concernCategories?: string[] | null;
  /** Referrals about this person (a subject). */
  personId?: string | null;
  /** True: only referrals nobody is assigned to; false: only assigned ones. */
  unassigned?: boolean | null;
  /** Referrals whose contact came from any of these sources (census codes, ADR 019). */
  source?: string[] | null;
  /** Referrals from this organisation (the whole name, any letter case). */
  referrerOrganisation?: string | null;
}

export interface KeyCount {
  key: string;
  count: number;
}

export interface QueueCounts {
  total: number;
  breached: number;
  unassigned: number;
  byRag: KeyCount[];
  byStatus: KeyCount[];
  waitingOn: KeyCount[];
}

/** The queue's orders: by decision due time, or by RAG (red first, unrated last) then due time. */
export type QueueOrder = 'DUE' | 'RAG';
/** A referral's place in the queue: its RAG (null: unrated) and decision due time. */
export interface QueueKey {
  rag: string | null;
  decisionDueAt: Date;
}

function compareKeys(a: readonly [number, number, string], b: readonly [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

/** The RAG's rank in the queue's RAG order: red, amber, green, then unrated. */
export const RAG_RANK: Record<string, number> = { RED: 0, AMBER: 1, GREEN: 2 };
const UNRATED_RANK = 3;
const RAG_RANK_SQL = (col: string) =>
  `(CASE ${col} WHEN 'RED' THEN 0 WHEN 'AMBER' THEN 1 WHEN 'GREEN' THEN 2 ELSE ${UNRATED_RANK} END)`;
export const ragRank = (rag: string | null): number => (rag === null ? UNRATED_RANK : (RAG_RANK[rag] ?? UNRATED_RANK));

/** How many of a person's referrals are listed (newest first): a child's history, not a report. */
export const PERSON_REFERRALS_LIMIT = 100;

const TERMINAL_SQL = `(${TERMINAL_STATUSES.map((s) => `'${s}'`).join(',')})`;

/** The derived values of a referral row, by column alias. */
const DERIVED_SQL = {
  waiting_on: `COALESCE((SELECT array_agg(ac.agency ORDER BY ac.due_at, ac.agency) FROM agency_check ac
                    WHERE ac.referral_id = r.id AND ac.status IN ('REQUESTED','IN_PROGRESS')), '{}')`,
  overdue_checks: `(SELECT count(*)::int FROM agency_check ac WHERE ac.referral_id = r.id AND ac.status IN ('REQUESTED','IN_PROGRESS') AND ac.due_at < now())`,
  breached: `(r.status NOT IN ${TERMINAL_SQL} AND r.decision_due_at < now())`,
} as const;
type Derived = keyof typeof DERIVED_SQL;

/** The columns and derived values a page reads; `null` reads them all. */
export interface ReferralWidth {
  /** The referral's columns read: a subset of its read shape. */
  shape: ReadShape<ReferralEntity, ReferralColumn>;
  derived: ReadonlySet<Derived>;
}

/**
 * The referral columns with kinds and derived columns; `from` must bind the referral as `r`. The
 * subjects and the kinds are always read: the guard needs them (whose data it is, and the viewer's
 * relationships), whatever the query selects.
 */
const REFERRAL_SELECT = (
  kinds: string,
  from = 'referral r',
  width: ReferralWidth | null = null,
  extra: readonly string[] = [],
) => {
  const derived = (Object.keys(DERIVED_SQL) as Derived[]).filter((d) => !width || width.derived.has(d));
  const items = [
    (width?.shape ?? REFERRAL).select,
    'rel.kinds',
    `COALESCE((SELECT array_agg(rs.person_id::text ORDER BY rs.person_id) FROM referral_subject rs WHERE rs.referral_id = r.id), '{}') AS subject_ids`,
    ...derived.map((d) => `${DERIVED_SQL[d]} AS ${d}`),
    ...extra,
  ];
  return `
  SELECT ${items.join(',\n         ')}
    FROM ${from}
    CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel`;
};

/** `Referral` fields read straight from the referral column of the same name: the shape's properties. */
const COLUMN_FIELDS: ReadonlySet<string> = new Set(REFERRAL.properties);
const isColumnField = (field: string): field is ReferralColumn => COLUMN_FIELDS.has(field);
const DERIVED_FIELDS: Record<string, Derived> = {
  waitingOn: 'waiting_on',
  overdueChecks: 'overdue_checks',
  breached: 'breached',
};
/** Fields resolved from other values of the row (referrals.resolver.ts), and the columns they read. */
const RESOLVED_FIELDS: Record<string, readonly ReferralColumn[]> = {
  __typename: [],
  subjects: [],
  previousReferrals: ['receivedAt'],
  checks: [],
  ratings: [],
  statusHistory: [],
};
/** Read whatever is selected: the keys of the queue's cursors and orders. */
const ALWAYS_READ: readonly ReferralColumn[] = ['id', 'rag', 'decisionDueAt'];

/**
 * The width of a page whose nodes select `fields` (issue 21 §2): only their columns. A field it does
 * not know reads the whole shape (wider); every `Referral` field of the printed schema is known
 * (src/referrals/referral-width.test.ts), so a new column field must join the shape to be read at all.
 */
export function referralWidth(fields: ReadonlySet<string> | null): ReferralWidth | null {
  if (!fields) return null;
  const columns = new Set(ALWAYS_READ);
  const derived = new Set<Derived>();
  for (const f of fields) {
    if (isColumnField(f)) columns.add(f);
    else if (DERIVED_FIELDS[f]) derived.add(DERIVED_FIELDS[f]);
    else if (RESOLVED_FIELDS[f]) for (const c of RESOLVED_FIELDS[f]) columns.add(c);
    else return null;
  }
  return { shape: REFERRAL.pick([...columns]), derived };
}

/** A referral row as its view: the shape's columns (all, or the page's `width`), then the computed values. */
function toReferral(r: Row, shape: ReadShape<ReferralEntity, ReferralColumn>): ReferralView {
  return Object.assign(shape.view(r), {
    subjectPersonIds: r.subject_ids as string[],
    waitingOn: r.waiting_on as string[],
    overdueChecks: r.overdue_checks as number,
    breached: r.breached as boolean,
    relationships: new Set(r.kinds as RelationshipKind[]),
  });
}

function toCheck(r: Row, now: number): AgencyCheckView {
  const own = CHECK.view(r);
  const overdue = (own.status === 'REQUESTED' || own.status === 'IN_PROGRESS') && own.dueAt.getTime() < now;
  return { ...own, status: overdue ? 'OVERDUE' : own.status, overdue };
}

/** Distinct queue page texts named per process (each connection prepares those it runs). */
const QUEUE_PAGE_FAMILY = { name: 'referral-queue-page', max: 64 };

/** The triage queue's order: by decision due time (then id), for a viewer who may read it. */
export const QUEUE_ORDERED_BY = { coordinate: 'Referral.decisionDueAt', cls: 'CASE_METADATA' } as const satisfies {
  coordinate: string;
  cls: SensitivityClass;
};
/** The queue's RAG order: by RAG, then due time, then id; for a viewer who may read both across the queue. */
export const QUEUE_ORDERED_BY_RAG = { coordinate: 'Referral.rag', cls: 'CASE_METADATA' } as const satisfies {
  coordinate: string;
  cls: SensitivityClass;
};

export class ReferralsRepository {
  private readonly byId = new Map<string, Guarded<ReferralView>>();

  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  private guardReferral(row: Row, shape: ReadShape<ReferralEntity, ReferralColumn> = REFERRAL): Guarded<ReferralView> {
    const view = toReferral(row, shape);
    const guarded = this.access.guard(
      view,
      { owner: null, relationships: view.relationships },
      view.subjectPersonIds,
      view.id,
    );
    this.byId.set(view.id, guarded);
    return guarded;
  }

  private readonly referralLoader = new DataLoader<string, Guarded<ReferralView> | null>(async (ids) => {
    const p = new Params([ids]);
    const kinds = referralRelationshipKindsSql(this.access.viewer, 'r.id', p);
    const rows: Row[] = await this.db.query(
      `${REFERRAL_SELECT(kinds)} WHERE r.id = ANY($1::uuid[]) AND cardinality(rel.kinds) > 0`,
      p.values,
    );
    const found = new Map(rows.map((r) => [r.id as string, this.guardReferral(r)]));
    return ids.map((id) => found.get(id) ?? null);
  });

  /** The referral if the viewer has a legitimate relationship with it; otherwise null (not found). */
  findReferral(id: string): Promise<Guarded<ReferralView> | null> {
    return this.referralLoader.load(id);
  }

  private readonly byPersonLoader = new DataLoader<string, Guarded<ReferralView>[]>(async (personIds) => {
    const p = new Params([personIds]);
    const kinds = referralRelationshipKindsSql(this.access.viewer, 'r.id', p);
    // The person's referrals under the same row scope as `findReferral`: one the viewer has no
    // relationship with is not returned at all (the kinds are computed per referral, not per person).
    const from = `(SELECT r0.*, fs.person_id::text AS for_person FROM referral r0 JOIN referral_subject fs ON fs.referral_id = r0.id
                    WHERE fs.person_id = ANY($1::uuid[])) r`;
    const rows: Row[] = await this.db.query(
      `${REFERRAL_SELECT(kinds, from, null, ['r.for_person'])} WHERE cardinality(rel.kinds) > 0 ORDER BY r.received_at DESC, r.id`,
      p.values,
    );
    const grouped = new Map<string, Guarded<ReferralView>[]>(personIds.map((id) => [id, []]));
    for (const r of rows) {
      const list = grouped.get(r.for_person as string)!;
      if (list.length < PERSON_REFERRALS_LIMIT) list.push(this.guardReferral(r));
    }
    return personIds.map((id) => grouped.get(id)!);
  });

  /**
   * The referrals (contacts) about a person that the viewer may reach, newest first, at most
   * `PERSON_REFERRALS_LIMIT`: "has this child been referred before?" at triage.
   */
  referralsOfPerson(personId: string): Promise<Guarded<ReferralView>[]> {
    return this.byPersonLoader.load(personId);
  }

  /** A fresh read (after a change in this request), bypassing the per-request cache. */
  reload(id: string): Promise<Guarded<ReferralView> | null> {
    this.referralLoader.clear(id);
    return this.referralLoader.load(id);
  }

  /**
   * The triage queue: ordered by decision due time then id, keyset-paginated. The page's keys are
   * found first under the row scope (one index-driven scan per relationship source, see
   * `referralScopeSql`); kinds, subjects and checks are then computed for those rows only. With a
   * `width` (`referralWidth`), the rows carry only those columns: the views hold nothing else.
   * `withSubjects` brings the page's subjects in the viewer's scope along in the same statement
   * (`peopleInScopeSql`, their kinds computed once per person), as `subjects`: JSON person rows for
   * `PeopleRepository.adoptPeople`. One statement for the page and its people (issue 21 §3).
   *
   * Stable under re-rating (ADR 021): the page carries the snapshot it was read in, and a later page
   * (given the first page's snapshot) places a referral re-rated since at the key it had then, so it
   * is listed once: the keyset scan leaves the moved referrals out and a second small query places
   * them. `sortKeys` holds the key each row was placed by when it is not the row's own.
   */
  async queue(
    filter: QueueFilter,
    limit: number,
    after: unknown[] | null,
    order: QueueOrder = 'DUE',
    width: ReferralWidth | null = null,
    withSubjects = false,
    snapshot: string | null = null,
  ): Promise<{
    rows: Guarded<ReferralView>[];
    hasNext: boolean;
    ordered: QueueOrder | null;
    /** The page's subjects in scope (JSON person rows) and the ids they answer for; null without `withSubjects`. */
    subjects: { ids: string[]; rows: Row[] } | null;
    snapshot: string | null;
    sortKeys: Map<string, QueueKey>;
  }> {
    // Ordered by a key only for a viewer who may read it across the queue (filter-policy.ts);
    // otherwise by id (random), and the cursor carries no key.
    const byDue = mayOrderBy(this.access, QUEUE_ORDERED_BY.cls);
    const ordered: QueueOrder | null =
      order === 'RAG'
        ? byDue && mayOrderBy(this.access, QUEUE_ORDERED_BY_RAG.cls)
          ? 'RAG'
          : null
        : byDue
          ? 'DUE'
          : null;
    const keys =
      ordered === 'RAG'
        ? ['r.rag_rank', 'r.decision_due_at', 'r.id']
        : ordered === 'DUE'
          ? ['r.decision_due_at', 'r.id']
          : ['r.id'];
    const moved = after && ordered && snapshot ? await this.ratedSince(snapshot) : new Map<string, QueueKey>();
    const p = new Params();
    const viewer = this.access.viewer;
    const kinds = referralRelationshipKindsSql(viewer, 'r.id', p);
    const scope = referralScopeSql(viewer, 'r.id', p);
    const where = this.queueWhere(filter, p);
    if (after && ordered === 'RAG')
      where.push(
        `(r.rag_rank, r.decision_due_at, r.id) > (${p.add(after[0])}::int, ${p.add(after[1])}::timestamptz, ${p.add(after[2])}::uuid)`,
      );
    else if (after && ordered === 'DUE')
      where.push(`(r.decision_due_at, r.id) > (${p.add(after[0])}::timestamptz, ${p.add(after[1])}::uuid)`);
    else if (after) where.push(`r.id > ${p.add(after.at(-1))}::uuid`);
    if (moved.size) where.push(`r.id <> ALL(${p.add([...moved.keys()])}::uuid[])`);
    // The RAG order's rank is computed in a derived table (Postgres pulls it up into the scan).
    const from =
      ordered === 'RAG' ? `(SELECT r0.*, ${RAG_RANK_SQL('r0.rag')} AS rag_rank FROM referral r0) r` : 'referral r';
    // The page size is written into the text (a validated integer, at most MAX_PAGE_SIZE): with a
    // LIMIT parameter, a generic plan assumes a tenth of the table and PostgreSQL keeps re-planning.
    if (!Number.isInteger(limit) || limit < 0) throw new Error('page size must be a whole number');
    const page = scopedKeysetSql({ from, keys, scope, where, limit: String(limit + 1) });
    const outerOrder = keys.map((k) => k.replace(/^r\./, 'page.'));
    const snapshotColumn = 'pg_current_snapshot()::text AS queue_snapshot';
    let rows: Row[];
    if (!withSubjects) {
      const text = `${REFERRAL_SELECT(kinds, `(${page}) page JOIN referral r ON r.id = page.id`, width, [snapshotColumn])} ORDER BY ${outerOrder.join(', ')}`;
      rows = await this.queryPage(text, p.values, width);
    } else {
      // The page's keys once (MATERIALIZED: the people and the rows both read them), then its
      // subjects in scope once each, then the rows with their subjects as JSON. The extra row that
      // says whether a next page exists brings its subjects too; they are not adopted.
      const people = peopleInScopeSql(
        viewer,
        'SELECT ps.person_id FROM referral_subject ps JOIN page ON page.id = ps.referral_id',
        p,
      );
      const subjectsJson = `(SELECT COALESCE(json_agg(to_jsonb(s) ORDER BY s.id), '[]') FROM subject s JOIN referral_subject ss ON ss.person_id = s.id
                              WHERE ss.referral_id = r.id) AS subjects`;
      const text = `WITH page AS MATERIALIZED (${page}), subject AS MATERIALIZED (${people})
         ${REFERRAL_SELECT(kinds, 'page JOIN referral r ON r.id = page.id', width, [subjectsJson, snapshotColumn])} ORDER BY ${outerOrder.join(', ')}`;
      rows = await this.queryPage(text, p.values, width);
    }
    const sortKeys = new Map<string, QueueKey>();
    if (moved.size) {
      // The moved referrals still in the filtered queue under the scope, placed at their earlier key.
      // They come without their subjects: those are looked up as usual (not adopted below).
      const q = new Params();
      const movedKinds = referralRelationshipKindsSql(viewer, 'r.id', q);
      const movedScope = referralScopeSql(viewer, 'r.id', q);
      const movedWhere = [...this.queueWhere(filter, q), `r.id = ANY(${q.add([...moved.keys()])}::uuid[])`];
      const placed = scopedKeysetSql({
        from: 'referral r',
        keys: ['r.id'],
        scope: movedScope,
        where: movedWhere,
        limit: q.add(moved.size),
      });
      const movedRows: Row[] = await this.db.query(
        REFERRAL_SELECT(movedKinds, `(${placed}) page JOIN referral r ON r.id = page.id`),
        q.values,
      );
      const cursorKey = (ordered === 'RAG' ? after! : [0, ...after!]) as [number, string, string];
      const keyOf = (r: Row): [number, number, string] => {
        const k = sortKeys.get(r.id as string) ?? {
          rag: r.rag as string | null,
          decisionDueAt: r.decisionDueAt as Date,
        };
        return [ordered === 'RAG' ? ragRank(k.rag) : 0, k.decisionDueAt.getTime(), r.id as string];
      };
      for (const r of movedRows) sortKeys.set(r.id as string, moved.get(r.id as string)!);
      const past: [number, number, string] = [cursorKey[0], Date.parse(cursorKey[1]), cursorKey[2]];
      rows = [...rows, ...movedRows.filter((r) => compareKeys(keyOf(r), past) > 0)]
        .sort((a, b) => compareKeys(keyOf(a), keyOf(b)))
        .slice(0, limit + 1);
    }
    const onPage = rows.slice(0, limit);
    let subjects: { ids: string[]; rows: Row[] } | null = null;
    if (withSubjects) {
      const byId = new Map<string, Row>();
      const ids: string[] = [];
      for (const r of onPage) {
        if (!Array.isArray(r.subjects)) continue; // a moved row: its subjects were not read here
        ids.push(...(r.subject_ids as string[]));
        for (const s of r.subjects as Row[]) byId.set(s.id as string, s);
      }
      subjects = { ids, rows: [...byId.values()] };
    }
    return {
      // Moved rows are read whole; the page's width takes from them what the page's own rows hold.
      rows: onPage.map((r) => this.guardReferral(r, width?.shape)),
      hasNext: rows.length > limit,
      ordered,
      subjects,
      snapshot: snapshot ?? ((rows[0]?.queue_snapshot as string | undefined) || null),
      sortKeys,
    };
  }

  /**
   * A page statement, named (prepared) when it reads the page's width, in a bounded family (its text
   * varies with the filter, order, width and roles). Named, PostgreSQL serves it from a generic plan
   * instead of planning its relationship sources on every call (ADR 020). A page of unknown width
   * (no selection) reads the whole shape unnamed, as it read `r.*` before (ADR 032).
   */
  private queryPage(text: string, values: unknown[], width: ReferralWidth | null): Promise<Row[]> {
    return width ? queryPrepared<Row>(this.db, text, values, QUEUE_PAGE_FAMILY) : this.db.query(text, values);
  }

  /**
   * The ids of referrals in the viewer's scope changed at or after `from` (oldest first, at most
   * `limit`): what a resubscribing `referralChanged` replays. Ids only: each is re-read and audited
   * as its own event. `updated_at` is the changing transaction's start time (now()), so the caller
   * asks from a little earlier than it needs (REPLAY_OVERLAP_MS, context/event-context.ts).
   */
  async changedSince(from: Date, referralId: string | null, limit: number): Promise<string[]> {
    const p = new Params();
    const where = [`r.updated_at >= ${p.add(from)}::timestamptz`];
    if (referralId) where.push(`r.id = ${p.add(referralId)}::uuid`);
    const scope = referralScopeSql(this.access.viewer, 'r.id', p);
    if (scope !== null) where.push(scope.length === 0 ? 'FALSE' : `(${scope.join(' OR ')})`);
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT r.id FROM referral r WHERE ${where.join(' AND ')} ORDER BY r.updated_at, r.id LIMIT ${p.add(limit)}`,
      p.values,
    );
    return rows.map((r) => r.id);
  }

  /** The referrals rated in transactions a snapshot does not see, each with the key it had in that snapshot (its first such rating's previous key). */
  private async ratedSince(snapshot: string): Promise<Map<string, QueueKey>> {
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (referral_id) referral_id, previous_rag, previous_decision_due_at FROM referral_rating
        WHERE xact_id >= pg_snapshot_xmin($1::pg_snapshot)::text::bigint AND NOT pg_visible_in_snapshot(xact_id::text::xid8, $1::pg_snapshot)
        ORDER BY referral_id, xact_id, rated_at`,
      [snapshot],
    )) as Array<{ referral_id: string; previous_rag: string | null; previous_decision_due_at: Date }>;
    return new Map(
      rows.map((r) => [r.referral_id, { rag: r.previous_rag, decisionDueAt: r.previous_decision_due_at }]),
    );
  }

  /**
   * Counts for a dashboard header under the same row scope and filter as the queue, without paging:
   * by RAG (unrated as UNRATED), by status, breached, open and unassigned, and open referrals by
   * the agency they wait on. Counts only: no row, no person.
   */
  async queueCounts(filter: QueueFilter): Promise<QueueCounts> {
    const p = new Params();
    const scope = referralScopeSql(this.access.viewer, 'r.id', p);
    const where = this.queueWhere(filter, p);
    if (scope !== null) where.unshift(scope.length === 0 ? 'FALSE' : `(${scope.join(' OR ')})`);
    const [row] = (await this.db.query(
      `WITH q AS (SELECT r.id, r.rag, r.status, r.assigned_to_sub, r.status NOT IN ${TERMINAL_SQL} AS open,
                         (r.status NOT IN ${TERMINAL_SQL} AND r.decision_due_at < now()) AS breached
                    FROM referral r${where.length ? ` WHERE ${where.join(' AND ')}` : ''})
       SELECT (SELECT count(*)::int FROM q) AS total,
              (SELECT count(*)::int FROM q WHERE breached) AS breached,
              (SELECT count(*)::int FROM q WHERE open AND assigned_to_sub IS NULL) AS unassigned,
              (SELECT coalesce(json_agg(json_build_object('key', k, 'count', n) ORDER BY k), '[]') FROM
                 (SELECT coalesce(rag, 'UNRATED') AS k, count(*)::int AS n FROM q GROUP BY 1) x) AS by_rag,
              (SELECT coalesce(json_agg(json_build_object('key', k, 'count', n) ORDER BY k), '[]') FROM
                 (SELECT status AS k, count(*)::int AS n FROM q GROUP BY 1) x) AS by_status,
              (SELECT coalesce(json_agg(json_build_object('key', k, 'count', n) ORDER BY k), '[]') FROM
                 (SELECT ac.agency AS k, count(DISTINCT q.id)::int AS n FROM q JOIN agency_check ac ON ac.referral_id = q.id
                   WHERE q.open AND ac.${OPEN_CHECKS_SQL} GROUP BY 1) x) AS waiting_on`,
      p.values,
    )) as Array<{
      total: number;
      breached: number;
      unassigned: number;
      by_rag: KeyCount[];
      by_status: KeyCount[];
      waiting_on: KeyCount[];
    }>;
    const r = row!;
    return {
      total: r.total,
      breached: r.breached,
      unassigned: r.unassigned,
      byRag: r.by_rag,
      byStatus: r.by_status,
      waitingOn: r.waiting_on,
    };
  }

  /** The queue filter as SQL conditions on the referral `r` (the caller has checked the viewer may use them). */
  private queueWhere(filter: QueueFilter, p: Params): string[] {
    const where: string[] = [];
    if (filter.status?.length) where.push(`r.status = ANY(${p.add(filter.status)}::text[])`);
    if (filter.rag?.length) where.push(`r.rag = ANY(${p.add(filter.rag)}::text[])`);
    if (filter.breached != null)
      where.push(`${filter.breached ? '' : 'NOT '}(r.status NOT IN ${TERMINAL_SQL} AND r.decision_due_at < now())`);
    if (filter.dueBefore) where.push(`r.decision_due_at < ${p.add(filter.dueBefore)}`);
    if (filter.assignedTo) where.push(`r.assigned_to_sub = ${p.add(filter.assignedTo)}`);
    if (filter.unassigned != null) where.push(`r.assigned_to_sub IS ${filter.unassigned ? '' : 'NOT '}NULL`);
    if (filter.awaitingAgency)
      where.push(
        `EXISTS (SELECT 1 FROM agency_check ac WHERE ac.referral_id = r.id AND ac.agency = ${p.add(filter.awaitingAgency)} AND ac.status IN ('REQUESTED','IN_PROGRESS'))`,
      );
    if (filter.concernCategories?.length)
      where.push(`r.concern_categories && ${p.add(filter.concernCategories)}::text[]`);
    if (filter.source?.length) where.push(`r.source = ANY(${p.add(filter.source)}::text[])`);
    if (filter.referrerOrganisation)
      where.push(`lower(r.referrer_organisation) = lower(${p.add(filter.referrerOrganisation)})`);
    if (filter.personId)
      where.push(
        `EXISTS (SELECT 1 FROM referral_subject fs WHERE fs.referral_id = r.id AND fs.person_id = ${p.add(filter.personId)}::uuid)`,
      );
    if (filter.receivedFrom) where.push(`r.received_at >= ${p.add(filter.receivedFrom)}`);
    if (filter.receivedTo) where.push(`r.received_at < ${p.add(filter.receivedTo)}`);
    return where;
  }

  private readonly checksLoader = new DataLoader<string, Guarded<AgencyCheckView>[]>(async (referralIds) => {
    const viewer = this.access.viewer;
    const p = new Params([referralIds]);
    const agency = visibleCheckAgency(viewer);
    const own = agency === null ? '' : ` AND ac.agency = ${p.add(agency)}`;
    const rows: Row[] = await this.db.query(
      `SELECT ${CHECK.select} FROM agency_check ac WHERE ac.referral_id = ANY($1::uuid[])${own} ORDER BY ac.due_at, ac.agency`,
      p.values,
    );
    const now = Date.now();
    const grouped = new Map<string, Guarded<AgencyCheckView>[]>(referralIds.map((id) => [id, []]));
    for (const r of rows) {
      const view = toCheck(r, now);
      const referral = this.byId.get(view.referralId);
      if (!referral) continue;
      const info = referral[GUARD];
      grouped
        .get(view.referralId)!
        .push(
          this.access.guard(
            view,
            { owner: view.agency, relationships: info.subject.relationships },
            info.personIds,
            view.id,
          ),
        );
    }
    return referralIds.map((id) => grouped.get(id)!);
  });

  /** Checks of a referral already reached in this request. */
  checksOf(referralId: string): Promise<Guarded<AgencyCheckView>[]> {
    return this.checksLoader.load(referralId);
  }

  private readonly ratingsLoader = new DataLoader<string, Guarded<RatingView>[]>(async (referralIds) => {
    const rows: Row[] = await this.db.query(
      `SELECT rr.referral_id, ${RATING.select} FROM referral_rating rr
        WHERE rr.referral_id = ANY($1::uuid[]) ORDER BY rr.rated_at, rr.id`,
      [referralIds],
    );
    const grouped = new Map<string, Guarded<RatingView>[]>(referralIds.map((id) => [id, []]));
    for (const r of rows) {
      const referral = this.byId.get(r.referral_id as string);
      if (!referral) continue;
      const info = referral[GUARD];
      const view = RATING.view(r);
      grouped.get(r.referral_id as string)!.push(this.access.guard(view, info.subject, info.personIds, referral.id));
    }
    return referralIds.map((id) => grouped.get(id)!);
  });

  ratingsOf(referralId: string): Promise<Guarded<RatingView>[]> {
    return this.ratingsLoader.load(referralId);
  }

  private readonly historyLoader = new DataLoader<string, Guarded<TransitionView>[]>(async (referralIds) => {
    // Like `checks`: an agency officer sees the steps of its own agency's check, not other agencies' answers.
    const agency = visibleCheckAgency(this.access.viewer);
    const p = new Params([referralIds]);
    const own = agency === null ? '' : ` AND (t.check_agency IS NULL OR t.check_agency = ${p.add(agency)})`;
    // Nor which agencies the MASH asked (a request's detail lists them).
    const detail =
      agency === null ? 't.detail' : `CASE WHEN t.transition = 'REQUEST_CHECKS' THEN NULL ELSE t.detail END`;
    const rows: Row[] = await this.db.query(
      `SELECT t.referral_id, ${TRANSITION_STEP.select}, ${detail} AS "detail"
         FROM referral_transition t WHERE t.referral_id = ANY($1::uuid[])${own} ORDER BY t.version, t.occurred_at, t.id`,
      p.values,
    );
    const grouped = new Map<string, Guarded<TransitionView>[]>(referralIds.map((id) => [id, []]));
    for (const r of rows) {
      const referral = this.byId.get(r.referral_id as string);
      if (!referral) continue;
      const info = referral[GUARD];
      const view = TRANSITION.view(r);
      grouped.get(r.referral_id as string)!.push(this.access.guard(view, info.subject, info.personIds, referral.id));
    }
    return referralIds.map((id) => grouped.get(id)!);
  });

  /** The status history of a referral already reached in this request, oldest first. */
  historyOf(referralId: string): Promise<Guarded<TransitionView>[]> {
    return this.historyLoader.load(referralId);
  }

  /** A check by id with its referral (any agency's); the caller checks the referral is in scope. */
  async findCheck(checkId: string): Promise<{ id: string; referralId: string; agency: string } | null> {
    const rows: Row[] = await this.db.query(`SELECT id, referral_id, agency FROM agency_check WHERE id = $1`, [
      checkId,
    ]);
    const r = rows[0];
    return r ? { id: r.id as string, referralId: r.referral_id as string, agency: r.agency as string } : null;
  }

  /** A check with its referral, if the check is addressed to the viewer's agency (else null). */
  async findOwnCheck(checkId: string): Promise<{ id: string; referralId: string; agency: string } | null> {
    const rows: Row[] = await this.db.query(
      `SELECT id, referral_id, agency FROM agency_check WHERE id = $1 AND agency = $2`,
      [checkId, this.access.viewer.agency],
    );
    const r = rows[0];
    return r ? { id: r.id as string, referralId: r.referral_id as string, agency: r.agency as string } : null;
  }

  // Changes. Called inside the transaction of a change (`ctx.data.transaction`, `changeVersioned`),
  // after the service has checked scope and the state machine; they write what they are told to.

  /** Claims an idempotency key for the viewer; null when it was already claimed (the caller reads the prior). */
  async claimIdempotencyKey(key: string, payloadHash: string): Promise<string | null> {
    const v = this.access.viewer;
    const claimed: Array<{ id: string }> = await this.db.query(
      `INSERT INTO referral_idempotency (agency, sub, key, payload_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (partnership_id, agency, sub, key) DO NOTHING RETURNING id`,
      [v.agency, v.sub, key, payloadHash],
    );
    return claimed[0]?.id ?? null;
  }

  /** The viewer's earlier submission under this key. */
  async priorSubmission(key: string): Promise<{ payloadHash: string; referralId: string }> {
    const v = this.access.viewer;
    const [prior] = (await this.db.query(
      `SELECT payload_hash, referral_id FROM referral_idempotency WHERE agency = $1 AND sub = $2 AND key = $3`,
      [v.agency, v.sub, key],
    )) as Array<{ payload_hash: string; referral_id: string }>;
    return { payloadHash: prior!.payload_hash, referralId: prior!.referral_id };
  }

  async completeIdempotencyClaim(claimId: string, referralId: string): Promise<void> {
    await this.db.query(`UPDATE referral_idempotency SET referral_id = $1 WHERE id = $2`, [referralId, claimId]);
  }

  /** A referral's id by its reference (history import: one row per source reference), or undefined. */
  async referralIdByReference(reference: string): Promise<string | undefined> {
    const rows = (await this.db.query(`SELECT id FROM referral WHERE reference = $1`, [reference])) as Array<{
      id: string;
    }>;
    return rows[0]?.id;
  }

  /**
   * A decided contact from a partnership's earlier system (history import, ADR 019): stored closed, with
   * its original times, its provenance as reference and narrative, and the importer as submitter.
   */
  async insertHistoricalContact(c: {
    reference: string;
    importer: string;
    submittingAgency: string;
    source: string;
    referrerOrganisation: string | null;
    referrerRole: string | null;
    concernCategories: string[];
    narrative: string;
    consentGiven: boolean;
    consentReason: string | null;
    lawfulBasis: string | null;
    article6Basis: string | null;
    specialCategoryCondition: string | null;
    rag: string | null;
    receivedAt: Date;
    decisionDueAt: Date;
    acknowledgedDecisionBy: Date;
    outcome: string;
    decidedAt: Date;
  }): Promise<string> {
    const [row] = (await this.db.query(
      `INSERT INTO referral (reference, referrer_sub, referrer_name, referrer_agency, source, referrer_organisation, referrer_role, concern_categories,
                             narrative, consent_sought, consent_given, consent_reason, lawful_basis, status, rag, decision_due_at, received_at,
                             updated_at, acknowledged_decision_by, decision_outcome, decision_authorised_by, decision_authorised_at,
                             article6_basis, special_category_condition)
       VALUES ($1, $2, 'Migrated record', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'CLOSED', $13, $14, $15, $17, $16, $18, $2, $17, $19, $20)
       RETURNING id`,
      [
        c.reference,
        c.importer,
        c.submittingAgency,
        c.source,
        c.referrerOrganisation,
        c.referrerRole,
        c.concernCategories,
        c.narrative,
        // Sought is known only when it was given; otherwise the earlier system's reason says why not.
        c.consentGiven,
        c.consentGiven ? true : null,
        c.consentReason,
        c.lawfulBasis,
        c.rag,
        c.decisionDueAt,
        c.receivedAt,
        c.acknowledgedDecisionBy,
        c.decidedAt,
        c.outcome,
        c.article6Basis,
        c.specialCategoryCondition,
      ],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  /** A new referral; its reference is the year (Europe/London) and the next number. */
  async insertReferral(
    r: Pick<
      ReferralView,
      | 'referrerName'
      | 'referrerAgency'
      | 'referrerContact'
      | 'source'
      | 'referrerOrganisation'
      | 'referrerRole'
      | 'outOfHours'
      | 'concernCategories'
      | 'narrative'
      | 'consentSought'
      | 'consentGiven'
      | 'consentReason'
      | 'lawfulBasis'
      | 'article6Basis'
      | 'specialCategoryCondition'
      | 'status'
      | 'decisionDueAt'
      | 'receivedAt'
    > & { referrerSub: string; acknowledgedDecisionBy: Date },
  ): Promise<{ id: string; reference: string }> {
    const [row] = (await this.db.query(
      `INSERT INTO referral (reference, referrer_sub, referrer_name, referrer_agency, referrer_contact, concern_categories, narrative,
                             consent_sought, consent_given, consent_reason, lawful_basis, status, decision_due_at, received_at, updated_at,
                             acknowledged_decision_by, source, referrer_organisation, referrer_role, out_of_hours, article6_basis, special_category_condition)
       VALUES ('MASH-' || to_char($13::timestamptz AT TIME ZONE 'Europe/London', 'YYYY') || '-' || lpad(nextval('referral_reference_seq')::text, 6, '0'),
               $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18, $19, $20)
       RETURNING id, reference`,
      [
        r.referrerSub,
        r.referrerName,
        r.referrerAgency,
        r.referrerContact,
        r.concernCategories,
        r.narrative,
        r.consentSought,
        r.consentGiven,
        r.consentReason,
        r.lawfulBasis,
        r.status,
        r.decisionDueAt,
        r.receivedAt,
        r.acknowledgedDecisionBy,
        r.source,
        r.referrerOrganisation,
        r.referrerRole,
        r.outOfHours,
        r.article6Basis,
        r.specialCategoryCondition,
      ],
    )) as Array<{ id: string; reference: string }>;
    return row!;
  }

  async addSubjects(referralId: string, personIds: string[]): Promise<void> {
    await this.db.query(
      `INSERT INTO referral_subject (referral_id, person_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [referralId, personIds],
    );
  }

  /** A merged referral's subjects join the surviving one; returns those added. */
  async copySubjects(fromId: string, intoId: string): Promise<string[]> {
    const added = (await this.db.query(
      `INSERT INTO referral_subject (referral_id, person_id) SELECT $1, person_id FROM referral_subject WHERE referral_id = $2
       ON CONFLICT DO NOTHING RETURNING person_id`,
      [intoId, fromId],
    )) as Array<{ person_id: string }>;
    return added.map((a) => a.person_id);
  }

  /** Moves a referral's version on without a transition (its subjects changed by a merge into it). */
  async touch(referralId: string): Promise<void> {
    await this.db.query(`UPDATE referral SET version = version + 1, updated_at = now() WHERE id = $1`, [referralId]);
  }

  /** One row of the status history, by the viewer, in the transaction of the change it records. */
  async recordTransition(t: {
    referralId: string;
    transition: string;
    from: string | null;
    to: string;
    version: number;
    at?: Date;
    detail?: string | null;
    reason?: string | null;
    checkAgency?: string | null;
  }): Promise<void> {
    const v = this.access.viewer;
    await this.db.query(
      `INSERT INTO referral_transition (referral_id, transition, from_status, to_status, version, actor_sub, actor_name, actor_agency, occurred_at, detail, reason, check_agency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, now()), $10, $11, $12)`,
      [
        t.referralId,
        t.transition,
        t.from,
        t.to,
        t.version,
        v.sub,
        v.name,
        v.agency,
        t.at ?? null,
        t.detail ?? null,
        t.reason ?? null,
        t.checkAgency ?? null,
      ],
    );
  }

  /** A rating, with the queue keys it replaces and its transaction (the queue's cursors stay stable, ADR 021). */
  async insertRating(
    referralId: string,
    rag: string,
    rationale: string,
    decisionDueAt: Date,
    previous: { rag: string | null; decisionDueAt: Date },
  ): Promise<string> {
    const v = this.access.viewer;
    const [rating] = (await this.db.query(
      `INSERT INTO referral_rating (referral_id, rag, rationale, rated_by_sub, rated_by_name, decision_due_at, previous_rag, previous_decision_due_at, xact_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, pg_current_xact_id()::text::bigint) RETURNING id`,
      [referralId, rag, rationale, v.sub, v.name, decisionDueAt, previous.rag, previous.decisionDueAt],
    )) as Array<{ id: string }>;
    return rating!.id;
  }

  /** The referral's outstanding checks (requested or in progress), without locking them. */
  async openChecks(referralId: string): Promise<Array<{ id: string; requestedAt: Date }>> {
    const rows = (await this.db.query(
      `SELECT id, requested_at FROM agency_check WHERE referral_id = $1 AND ${OPEN_CHECKS_SQL}`,
      [referralId],
    )) as Array<{
      id: string;
      requested_at: Date;
    }>;
    return rows.map((r) => ({ id: r.id, requestedAt: r.requested_at }));
  }

  async setCheckDue(checkId: string, dueAt: Date): Promise<void> {
    await this.db.query(`UPDATE agency_check SET due_at = $2 WHERE id = $1`, [checkId, dueAt]);
  }

  /** The referral's outstanding checks, locked until the transaction ends, by agency. */
  async lockOutstandingChecks(referralId: string): Promise<Array<{ id: string; agency: string; status: string }>> {
    return (await this.db.query(
      `SELECT id, agency, status FROM agency_check WHERE referral_id = $1 AND ${OPEN_CHECKS_SQL} ORDER BY agency FOR UPDATE`,
      [referralId],
    )) as Array<{ id: string; agency: string; status: string }>;
  }

  /** How many checks of the referral other than this one are outstanding. */
  async countOtherOpenChecks(referralId: string, checkId: string): Promise<number> {
    const [{ n }] = (await this.db.query(
      `SELECT count(*)::int AS n FROM agency_check WHERE referral_id = $1 AND id <> $2 AND ${OPEN_CHECKS_SQL}`,
      [referralId, checkId],
    )) as [{ n: number }];
    return n;
  }

  /** A check's status, the check locked until the transaction ends. */
  async lockCheckStatus(checkId: string): Promise<string> {
    const [current] = (await this.db.query(`SELECT status FROM agency_check WHERE id = $1 FOR UPDATE`, [
      checkId,
    ])) as Array<{ status: string }>;
    return current!.status;
  }

  /** A new check addressed to an agency; null if one was already requested from it. */
  async insertCheck(referralId: string, agency: string, requestedAt: Date, dueAt: Date): Promise<string | null> {
    const inserted = (await this.db.query(
      `INSERT INTO agency_check (referral_id, agency, status, requested_at, requested_by, due_at) VALUES ($1, $2, 'REQUESTED', $3, $4, $5)
       ON CONFLICT (partnership_id, referral_id, agency) DO NOTHING RETURNING id`,
      [referralId, agency, requestedAt, this.access.viewer.sub, dueAt],
    )) as Array<{ id: string }>;
    return inserted[0]?.id ?? null;
  }

  /** The viewer's agency's answer to a check. */
  async answerCheck(
    checkId: string,
    a: {
      status: string;
      findingsSummary: string | null;
      recordsShared: string[];
      declinedReason: string | null;
      article6Basis: string | null;
      specialCategoryCondition: string | null;
      consentSought: boolean | null;
      consentGiven: boolean | null;
      consentReason: string | null;
    },
  ): Promise<void> {
    await this.db.query(
      `UPDATE agency_check SET status = $2, returned_at = now(), responded_by = $3, findings_summary = $4, records_shared = $5, declined_reason = $6,
              article6_basis = $7, special_category_condition = $8, consent_sought = $9, consent_given = $10, consent_reason = $11
        WHERE id = $1`,
      [
        checkId,
        a.status,
        this.access.viewer.sub,
        a.findingsSummary,
        a.recordsShared,
        a.declinedReason,
        a.article6Basis,
        a.specialCategoryCondition,
        a.consentSought,
        a.consentGiven,
        a.consentReason,
      ],
    );
  }

  /** The MASH stops waiting for a check, by the viewer, with a reason. */
  async closeCheck(checkId: string, reason: string, note: string | null): Promise<void> {
    await this.db.query(
      `UPDATE agency_check SET status = 'CLOSED', closed_reason = $2, closed_note = $3, closed_by = $4, closed_at = now() WHERE id = $1`,
      [checkId, reason, note, this.access.viewer.sub],
    );
  }
}
