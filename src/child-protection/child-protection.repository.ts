import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { Params, relationshipKindsSql } from '../access-policy/relationships';
import type { Guarded, RequestAccess } from '../access-policy/request-access';
import type { RelationshipKind } from '../access-policy/vocabulary';
import { readShape, type ShapeOf } from '../db/read-shape';
import {
  CpConferenceEntity,
  CpCoreGroupEntity,
  CpPlanCategoryEntity,
  CpPlanEntity,
  S47EnquiryEntity,
  S47StrategyDiscussionEntity,
} from './child-protection.entity';
import { clock, firstCoreGroupDueOn, reviewDueOn, type Clock } from './clocks';
import { CP_TIMESCALES, type CpCategory, type S47Conclusion, type S47Lead } from './vocabulary';

/**
 * Viewer-scoped reads and the writes of the child protection pathway (issue 24). A row is reached
 * only when the viewer works the child's case: a relationship with the child that is part of the
 * front door or the meetings (referral, agency check, meeting or strategy invitation, break-glass).
 * Holding a record of one's own about the child is not enough to learn that an enquiry or a plan
 * exists (ADR 017). Every row is guarded with the child so released fields are audited.
 */

type Row = Record<string, unknown>;

/** Relationships with the child that reach its enquiries, conferences and plans. */
export const CASE_WORK_KINDS: readonly RelationshipKind[] = [
  'REFERRAL',
  'AGENCY_CHECK',
  'MEETING_INVITE',
  'STRATEGY_INVITE',
  'BREAK_GLASS',
];

/*
 * The rows as read: each table's own columns, described once by its entity (`readShape`, ADR 031).
 * Beside each shape, typed with the view, stays what the read composes or computes: the related rows
 * (read through their own shapes, as JSON objects keyed by property, so the JSON *is* the view), the
 * clocks and the second-plan facts.
 */
const ENQUIRY = readShape(S47EnquiryEntity, 'e', [
  'id',
  'personId',
  'owningAgency',
  'lead',
  'status',
  'startedAt',
  'startedByName',
  'lastStrategyOn',
  'conclusion',
  'concludedOn',
  'concludedByName',
  'version',
]);
/** Read for the initial conference's clock only; not part of the view. */
const ENQUIRY_CLOCK = readShape(S47EnquiryEntity, 'e', ['icpcDueOn']);
const DISCUSSION = readShape(S47StrategyDiscussionEntity, 'sd', ['meetingId', 'heldOn', 'outcome']);
const CONFERENCE = readShape(CpConferenceEntity, 'c', [
  'id',
  'kind',
  'meetingId',
  'dueOn',
  'heldOn',
  'decision',
  'category',
  'leadSocialWorker',
  'recordedByName',
]);
const PLAN = readShape(CpPlanEntity, 'pl', [
  'id',
  'personId',
  'owningAgency',
  'enquiryId',
  'status',
  'startedOn',
  'category',
  'leadSocialWorker',
  'sequence',
  'previousPlanEndedOn',
  'endedOn',
  'endReason',
  'version',
]);
const CATEGORY_PERIOD = readShape(CpPlanCategoryEntity, 'pc', ['category', 'fromOn']);
const CORE_GROUP = readShape(CpCoreGroupEntity, 'g', ['id', 'meetingId', 'heldOn']);

/**
 * The rows of `from` (whose alias is the shape's) as a JSON array of the shape's objects, in `orderBy`
 * (on the table's own columns), `[]` when there are none.
 */
function shapeArraySql(shape: { select: string }, from: string, where: string, orderBy: string): string {
  return `COALESCE((SELECT json_agg(x ORDER BY ${orderBy}) FROM ${from} CROSS JOIN LATERAL (SELECT ${shape.select}) x WHERE ${where}), '[]')`;
}

export type StrategyDiscussionLink = ShapeOf<typeof DISCUSSION>;

export type ConferenceView = ShapeOf<typeof CONFERENCE> & {
  /** Held after its due date. */
  late: boolean;
};

export type EnquiryView = ShapeOf<typeof ENQUIRY> & {
  strategyDiscussions: Guarded<StrategyDiscussionLink>[];
  /** Null when the enquiry closed without a conference (none is due). */
  initialConferenceClock: Clock | null;
  initialConference: Guarded<ConferenceView> | null;
  planId: string | null;
};

export type CategoryPeriodView = ShapeOf<typeof CATEGORY_PERIOD>;

export type CoreGroupView = ShapeOf<typeof CORE_GROUP>;

export type PlanView = ShapeOf<typeof PLAN> & {
  secondOrSubsequent: boolean;
  /** A second or subsequent plan starting within two years of the previous plan's end. */
  withinTwoYearsOfPrevious: boolean;
  categoryHistory: Guarded<CategoryPeriodView>[];
  reviewConferences: Guarded<ConferenceView>[];
  coreGroups: Guarded<CoreGroupView>[];
  firstCoreGroupClock: Clock;
  /** The next review conference's clock while the plan is active. */
  nextReviewClock: Clock | null;
};

const toConference = (json: Row): ConferenceView => {
  const c = CONFERENCE.view(json);
  return { ...c, late: c.heldOn > c.dueOn };
};

export interface NewEnquiry {
  personId: string;
  owningAgency: string;
  lead: S47Lead;
  startedBySub: string;
  startedByName: string;
  lastStrategyOn: string;
  icpcDueOn: string;
}

export interface NewConference {
  kind: 'INITIAL' | 'REVIEW';
  personId: string;
  enquiryId: string | null;
  planId: string | null;
  meetingId: string | null;
  dueOn: string;
  heldOn: string;
  decision: string;
  category: CpCategory | null;
  leadSocialWorker: string | null;
  recordedBySub: string;
  recordedByName: string;
}

/** The stages of the pathway list (ADR 034): enquiries before their initial conference, or active plans. */
export const CASE_STAGES = [
  'BEFORE_CONFERENCE',
  'OPEN_ENQUIRY',
  'AWAITING_CONFERENCE',
  'CONFERENCE_DUE_SOON',
  'CONFERENCE_OVERDUE',
  'ON_PLAN',
  'REVIEW_OVERDUE',
] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

export interface CasePageQuery {
  stage: CaseStage;
  limit: number;
  /** The last row of the previous page: its due date and id. */
  after: [string, string] | null;
  /** Today in London (YYYY-MM-DD). */
  today: string;
  /** A review is overdue when its date before the working-day step back is before this one. */
  reviewOverdueBefore: string;
}

export interface CaseCounts {
  openEnquiries: number;
  awaitingConference: number;
  conferenceOverdue: number;
  childrenOnPlan: number;
  reviewsOverdue: number;
}

export class ChildProtectionRepository {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  private kinds(p: Params, personColumn: string): string {
    return relationshipKindsSql(this.access.viewer, personColumn, p);
  }

  private guardOf<T extends object>(
    view: T,
    owner: string,
    kinds: RelationshipKind[],
    personId: string,
    id: string,
  ): Guarded<T> {
    return this.access.guard(view, { owner, relationships: new Set(kinds) }, [personId], id);
  }

  private async enquiriesWhere(where: string, p: Params): Promise<Guarded<EnquiryView>[]> {
    const kinds = this.kinds(p, 'e.person_id');
    const caseWork = p.add(CASE_WORK_KINDS);
    const rows: Row[] = await this.db.query(
      `SELECT ${ENQUIRY.select}, ${ENQUIRY_CLOCK.select}, rel.kinds,
              (SELECT to_json(x) FROM cp_conference c CROSS JOIN LATERAL (SELECT ${CONFERENCE.select}) x
                WHERE c.enquiry_id = e.id AND c.kind = 'INITIAL') AS initial_conference,
              (SELECT pl.id FROM cp_plan pl WHERE pl.enquiry_id = e.id) AS plan_id,
              ${shapeArraySql(DISCUSSION, 's47_strategy_discussion sd', 'sd.enquiry_id = e.id', 'sd.held_on, sd.meeting_id')} AS discussions
         FROM s47_enquiry e CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel
        WHERE ${where} AND rel.kinds && ${caseWork}::text[]
        ORDER BY e.started_at, e.id`,
      p.values,
    );
    return rows.map((r) => {
      const own = ENQUIRY.view(r);
      const kindsOf = r.kinds as RelationshipKind[];
      const guard = <T extends object>(view: T) => this.guardOf(view, own.owningAgency, kindsOf, own.personId, own.id);
      const conf = r.initial_conference ? toConference(r.initial_conference as Row) : null;
      const conferenceDue = own.status !== 'CLOSED' || conf !== null;
      const view: EnquiryView = {
        ...own,
        strategyDiscussions: (r.discussions as Row[]).map((d) => guard(DISCUSSION.view(d))),
        initialConferenceClock: conferenceDue ? clock(ENQUIRY_CLOCK.view(r).icpcDueOn, conf?.heldOn ?? null) : null,
        initialConference: conf ? guard(conf) : null,
        planId: r.plan_id as string | null,
      };
      return guard(view);
    });
  }

  private readonly enquiryLoader = new DataLoader<string, Guarded<EnquiryView> | null>(async (ids) => {
    const p = new Params([ids]);
    const found = new Map((await this.enquiriesWhere('e.id = ANY($1::uuid[])', p)).map((e) => [e.id, e]));
    return ids.map((id) => found.get(id) ?? null);
  });

  private readonly enquiriesByPerson = new DataLoader<string, Guarded<EnquiryView>[]>(async (personIds) => {
    const rows = await this.enquiriesWhere('e.person_id = ANY($1::uuid[])', new Params([personIds]));
    return personIds.map((id) => rows.filter((e) => e.personId === id));
  });

  /** The enquiry if the viewer works the child's case; otherwise null (not found). */
  findEnquiry(id: string): Promise<Guarded<EnquiryView> | null> {
    return this.enquiryLoader.load(id);
  }

  reloadEnquiry(id: string): Promise<Guarded<EnquiryView> | null> {
    this.enquiryLoader.clear(id);
    return this.enquiryLoader.load(id);
  }

  enquiriesOf(personId: string): Promise<Guarded<EnquiryView>[]> {
    return this.enquiriesByPerson.load(personId);
  }

  private async plansWhere(where: string, p: Params): Promise<Guarded<PlanView>[]> {
    const kinds = this.kinds(p, 'pl.person_id');
    const caseWork = p.add(CASE_WORK_KINDS);
    const rows: Row[] = await this.db.query(
      `SELECT ${PLAN.select}, rel.kinds,
              ${shapeArraySql(CATEGORY_PERIOD, 'cp_plan_category pc', 'pc.plan_id = pl.id', 'pc.from_on, pc.recorded_at')} AS categories,
              ${shapeArraySql(CONFERENCE, 'cp_conference c', `c.plan_id = pl.id AND c.kind = 'REVIEW'`, 'c.held_on, c.id')} AS reviews,
              ${shapeArraySql(CORE_GROUP, 'cp_core_group g', 'g.plan_id = pl.id', 'g.held_on, g.id')} AS core_groups
         FROM cp_plan pl CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel
        WHERE ${where} AND rel.kinds && ${caseWork}::text[]
        ORDER BY pl.started_on, pl.id`,
      p.values,
    );
    return rows.map((r) => {
      const own = PLAN.view(r);
      const kindsOf = r.kinds as RelationshipKind[];
      const guard = <T extends object>(view: T) => this.guardOf(view, own.owningAgency, kindsOf, own.personId, own.id);
      const reviews = (r.reviews as Row[]).map(toConference);
      const coreGroups = (r.core_groups as Row[]).map((g) => CORE_GROUP.view(g));
      const last = reviews.at(-1);
      const previousEnd = own.previousPlanEndedOn;
      const view: PlanView = {
        ...own,
        secondOrSubsequent: own.sequence > 1,
        withinTwoYearsOfPrevious: previousEnd !== null && own.startedOn <= addYears(previousEnd, 2),
        categoryHistory: (r.categories as Row[]).map((c) => guard(CATEGORY_PERIOD.view(c))),
        reviewConferences: reviews.map(guard),
        coreGroups: coreGroups.map(guard),
        firstCoreGroupClock: clock(firstCoreGroupDueOn(own.startedOn), coreGroups[0]?.heldOn ?? null),
        nextReviewClock:
          own.status === 'ACTIVE'
            ? clock(
                reviewDueOn(
                  last ? { kind: 'REVIEW', heldOn: last.heldOn } : { kind: 'INITIAL', heldOn: own.startedOn },
                ),
                null,
              )
            : null,
      };
      return guard(view);
    });
  }

  private readonly planLoader = new DataLoader<string, Guarded<PlanView> | null>(async (ids) => {
    const found = new Map((await this.plansWhere('pl.id = ANY($1::uuid[])', new Params([ids]))).map((x) => [x.id, x]));
    return ids.map((id) => found.get(id) ?? null);
  });

  private readonly plansByPerson = new DataLoader<string, Guarded<PlanView>[]>(async (personIds) => {
    const rows = await this.plansWhere('pl.person_id = ANY($1::uuid[])', new Params([personIds]));
    return personIds.map((id) => rows.filter((x) => x.personId === id));
  });

  findPlan(id: string): Promise<Guarded<PlanView> | null> {
    return this.planLoader.load(id);
  }

  reloadPlan(id: string): Promise<Guarded<PlanView> | null> {
    this.planLoader.clear(id);
    return this.planLoader.load(id);
  }

  plansOf(personId: string): Promise<Guarded<PlanView>[]> {
    return this.plansByPerson.load(personId);
  }

  // --- The pathway list (ADR 034): one page of the cases the viewer works, and their counts ---

  /**
   * One page of enquiries (by initial conference due date) or active plans (by next review due date)
   * of children whose case the viewer works, in one stage. The page's keys are chosen in SQL under
   * the same row scope as `findEnquiry`/`findPlan`; only those rows are then read and guarded, so
   * only the children listed are released and audited.
   */
  async casesPage(query: CasePageQuery): Promise<{
    rows: Array<{ dueOn: string; enquiry: Guarded<EnquiryView> | null; plan: Guarded<PlanView> | null }>;
    hasNext: boolean;
  }> {
    const p = new Params();
    const onPlan = query.stage === 'ON_PLAN' || query.stage === 'REVIEW_OVERDUE';
    const alias = onPlan ? 'pl' : 'e';
    const kinds = this.kinds(p, `${alias}.person_id`);
    const caseWork = p.add(CASE_WORK_KINDS);
    const where = [`rel.kinds && ${caseWork}::text[]`, ...this.stageWhere(query, p)];
    if (query.after)
      where.push(`(due, ${alias}.id) > (${p.add(query.after[0])}::date, ${p.add(query.after[1])}::uuid)`);
    const from = onPlan
      ? `cp_plan pl CROSS JOIN LATERAL (SELECT ${this.reviewBaseSql(p)} AS due) d`
      : `s47_enquiry e CROSS JOIN LATERAL (SELECT e.icpc_due_on AS due) d`;
    const keys = (await this.db.query(
      `SELECT ${alias}.id, due::text AS due FROM ${from} CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel
        WHERE ${where.join(' AND ')} ORDER BY due, ${alias}.id LIMIT ${p.add(query.limit + 1)}`,
      p.values,
    )) as Array<{ id: string; due: string }>;
    const page = keys.slice(0, query.limit);
    if (page.length === 0) return { rows: [], hasNext: false };
    const ids = page.map((k) => k.id);
    const read = onPlan
      ? await this.plansWhere('pl.id = ANY($1::uuid[])', new Params([ids]))
      : await this.enquiriesWhere('e.id = ANY($1::uuid[])', new Params([ids]));
    const byId = new Map<string, Guarded<EnquiryView> | Guarded<PlanView>>(read.map((r) => [r.id, r]));
    const rows = page.flatMap((k) => {
      const row = byId.get(k.id);
      if (!row) return [];
      return [
        onPlan
          ? { dueOn: k.due, enquiry: null, plan: row as Guarded<PlanView> }
          : { dueOn: k.due, enquiry: row as Guarded<EnquiryView>, plan: null },
      ];
    });
    return { rows, hasNext: keys.length > query.limit };
  }

  /** The pathway list's counts, under the same row scope as its pages (no rows, no names). */
  async caseCounts(today: string, reviewOverdueBefore: string): Promise<CaseCounts> {
    const p = new Params();
    const eKinds = this.kinds(p, 'e.person_id');
    const plKinds = this.kinds(p, 'pl.person_id');
    const caseWork = p.add(CASE_WORK_KINDS);
    const t = p.add(today);
    const r = p.add(reviewOverdueBefore);
    const [row] = (await this.db.query(
      `WITH enquiries AS (
         SELECT e.status, e.icpc_due_on FROM s47_enquiry e CROSS JOIN LATERAL (SELECT ${eKinds} AS kinds) rel
          WHERE e.status IN ('OPEN', 'AWAITING_CONFERENCE') AND rel.kinds && ${caseWork}::text[]),
       plans AS (
         SELECT pl.person_id, ${this.reviewBaseSql(p)} AS due FROM cp_plan pl CROSS JOIN LATERAL (SELECT ${plKinds} AS kinds) rel
          WHERE pl.status = 'ACTIVE' AND rel.kinds && ${caseWork}::text[])
       SELECT (SELECT count(*) FROM enquiries WHERE status = 'OPEN')::int AS open_enquiries,
              (SELECT count(*) FROM enquiries WHERE status = 'AWAITING_CONFERENCE')::int AS awaiting_conference,
              (SELECT count(*) FROM enquiries WHERE icpc_due_on < ${t}::date)::int AS conference_overdue,
              (SELECT count(DISTINCT person_id) FROM plans)::int AS children_on_plan,
              (SELECT count(*) FROM plans WHERE due < ${r}::date)::int AS reviews_overdue`,
      p.values,
    )) as Array<{
      open_enquiries: number;
      awaiting_conference: number;
      conference_overdue: number;
      children_on_plan: number;
      reviews_overdue: number;
    }>;
    return {
      openEnquiries: row!.open_enquiries,
      awaitingConference: row!.awaiting_conference,
      conferenceOverdue: row!.conference_overdue,
      childrenOnPlan: row!.children_on_plan,
      reviewsOverdue: row!.reviews_overdue,
    };
  }

  /**
   * The next review's date before the working-day step back (`reviewDueOn`): 3 months after the
   * initial conference, or 6 after the last review; PostgreSQL clamps to a shorter month's end as
   * `addMonths` does. The step back keeps the order, so pages are ordered by this date.
   */
  private reviewBaseSql(p: Params): string {
    const first = p.add(`${CP_TIMESCALES.firstReviewMonths} months`);
    const later = p.add(`${CP_TIMESCALES.laterReviewMonths} months`);
    return `(SELECT (COALESCE(max(c.held_on), pl.started_on) + CASE WHEN count(c.id) = 0 THEN ${first}::interval ELSE ${later}::interval END)::date
               FROM cp_conference c WHERE c.plan_id = pl.id AND c.kind = 'REVIEW')`;
  }

  private stageWhere(q: CasePageQuery, p: Params): string[] {
    switch (q.stage) {
      case 'BEFORE_CONFERENCE':
        return [`e.status IN ('OPEN', 'AWAITING_CONFERENCE')`];
      case 'OPEN_ENQUIRY':
        return [`e.status = 'OPEN'`];
      case 'AWAITING_CONFERENCE':
        return [`e.status = 'AWAITING_CONFERENCE'`];
      case 'CONFERENCE_DUE_SOON':
        return [
          `e.status IN ('OPEN', 'AWAITING_CONFERENCE')`,
          `e.icpc_due_on BETWEEN ${p.add(q.today)}::date AND ${p.add(q.today)}::date + 7`,
        ];
      case 'CONFERENCE_OVERDUE':
        return [`e.status IN ('OPEN', 'AWAITING_CONFERENCE')`, `e.icpc_due_on < ${p.add(q.today)}::date`];
      case 'ON_PLAN':
      case 'REVIEW_OVERDUE':
        return [
          `pl.status = 'ACTIVE'`,
          ...(q.stage === 'REVIEW_OVERDUE' ? [`due < ${p.add(q.reviewOverdueBefore)}::date`] : []),
        ];
    }
  }

  // --- Writes (inside the service's transaction; social care only, checked by the state machine and the shield) ---

  async insertEnquiry(e: NewEnquiry): Promise<string> {
    const rows = (await this.db.query(
      `INSERT INTO s47_enquiry (person_id, owning_agency, lead, started_by_sub, started_by_name, last_strategy_on, icpc_due_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (partnership_id, person_id) WHERE status IN ('OPEN','AWAITING_CONFERENCE') DO NOTHING RETURNING id`,
      [e.personId, e.owningAgency, e.lead, e.startedBySub, e.startedByName, e.lastStrategyOn, e.icpcDueOn],
    )) as Array<{ id: string }>;
    return rows[0]?.id ?? '';
  }

  /** The child's enquiry still waiting for its conference or conclusion, if any (unscoped: used only to refuse a second one). */
  async openEnquiryIdOf(personId: string): Promise<string | null> {
    const rows = (await this.db.query(
      `SELECT id FROM s47_enquiry WHERE person_id = $1 AND status IN ('OPEN','AWAITING_CONFERENCE')`,
      [personId],
    )) as Array<{ id: string }>;
    return rows[0]?.id ?? null;
  }

  async linkStrategyDiscussion(enquiryId: string, link: StrategyDiscussionLink, by: string): Promise<boolean> {
    const rows = (await this.db.query(
      `INSERT INTO s47_strategy_discussion (enquiry_id, meeting_id, held_on, outcome, linked_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING meeting_id`,
      [enquiryId, link.meetingId, link.heldOn, link.outcome, by],
    )) as unknown[];
    return rows.length === 1;
  }

  async insertConference(c: NewConference): Promise<string> {
    const rows = (await this.db.query(
      `INSERT INTO cp_conference (kind, person_id, enquiry_id, plan_id, meeting_id, due_on, held_on, decision, category, lead_social_worker, recorded_by_sub, recorded_by_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        c.kind,
        c.personId,
        c.enquiryId,
        c.planId,
        c.meetingId,
        c.dueOn,
        c.heldOn,
        c.decision,
        c.category,
        c.leadSocialWorker,
        c.recordedBySub,
        c.recordedByName,
      ],
    )) as Array<{ id: string }>;
    return rows[0]!.id;
  }

  /** The enquiry imported under this provenance reference, if any (history import: a file loaded again skips it). */
  async enquiryIdBySourceReference(reference: string): Promise<string | null> {
    const rows = (await this.db.query(`SELECT id FROM s47_enquiry WHERE source_reference = $1`, [reference])) as Array<{
      id: string;
    }>;
    return rows[0]?.id ?? null;
  }

  /**
   * A concluded s47 enquiry from a partnership's earlier system (history import, ADR 025), with its
   * original dates and its provenance; its initial conference, if one was held, is `insertConference`'s.
   */
  async insertHistoricalEnquiry(e: {
    sourceReference: string;
    personId: string;
    owningAgency: string;
    lead: S47Lead;
    importer: string;
    lastStrategyOn: string;
    icpcDueOn: string;
    status: 'CONFERENCE_HELD' | 'CLOSED';
    conclusion: S47Conclusion;
    concludedOn: string;
  }): Promise<string> {
    const [row] = (await this.db.query(
      `INSERT INTO s47_enquiry (person_id, owning_agency, lead, status, started_by_sub, started_by_name, started_at, last_strategy_on, icpc_due_on,
                                conclusion, concluded_on, concluded_by_sub, concluded_by_name, concluded_at, source_reference)
       VALUES ($1, $2, $3, $4, $5, 'Migrated record', $6::date::timestamp::timestamptz, $6, $7, $8, $9, $5, 'Migrated record',
               $9::date::timestamp::timestamptz, $10)
       RETURNING id`,
      [
        e.personId,
        e.owningAgency,
        e.lead,
        e.status,
        e.importer,
        e.lastStrategyOn,
        e.icpcDueOn,
        e.conclusion,
        e.concludedOn,
        e.sourceReference,
      ],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  /** Earlier plans of the child: how many, and when the last ended (for second or subsequent plans). */
  async previousPlans(personId: string): Promise<{ count: number; lastEndedOn: string | null; active: boolean }> {
    const [r] = (await this.db.query(
      `SELECT count(*)::int AS count, max(ended_on)::text AS last_ended_on, bool_or(status = 'ACTIVE') AS active FROM cp_plan WHERE person_id = $1`,
      [personId],
    )) as Array<{ count: number; last_ended_on: string | null; active: boolean | null }>;
    return { count: r!.count, lastEndedOn: r!.last_ended_on, active: r!.active === true };
  }

  async insertPlan(p: {
    personId: string;
    owningAgency: string;
    enquiryId: string;
    startedOn: string;
    category: CpCategory;
    leadSocialWorker: string;
    sequence: number;
    previousPlanEndedOn: string | null;
  }): Promise<string> {
    const rows = (await this.db.query(
      `INSERT INTO cp_plan (person_id, owning_agency, enquiry_id, started_on, category, lead_social_worker, sequence, previous_plan_ended_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        p.personId,
        p.owningAgency,
        p.enquiryId,
        p.startedOn,
        p.category,
        p.leadSocialWorker,
        p.sequence,
        p.previousPlanEndedOn,
      ],
    )) as Array<{ id: string }>;
    return rows[0]!.id;
  }

  async insertCategory(planId: string, category: CpCategory, fromOn: string, by: string): Promise<string> {
    const rows = (await this.db.query(
      `INSERT INTO cp_plan_category (plan_id, category, from_on, recorded_by_sub) VALUES ($1, $2, $3, $4) RETURNING id`,
      [planId, category, fromOn, by],
    )) as Array<{ id: string }>;
    return rows[0]!.id;
  }

  async lastCategoryFrom(planId: string): Promise<string> {
    const [r] = (await this.db.query(`SELECT max(from_on)::text AS d FROM cp_plan_category WHERE plan_id = $1`, [
      planId,
    ])) as Array<{ d: string }>;
    return r!.d;
  }

  /** The last conference about the plan's child on this plan: the initial one (the plan's start) or the latest review. */
  async lastConferenceOf(planId: string): Promise<{ kind: 'INITIAL' | 'REVIEW'; heldOn: string }> {
    const rows = (await this.db.query(
      `SELECT 'REVIEW' AS kind, held_on FROM cp_conference WHERE plan_id = $1 AND kind = 'REVIEW'
        UNION ALL SELECT 'INITIAL', started_on FROM cp_plan WHERE id = $1
        ORDER BY held_on DESC, kind DESC LIMIT 1`,
      [planId],
    )) as Array<{ kind: 'INITIAL' | 'REVIEW'; held_on: string }>;
    return { kind: rows[0]!.kind, heldOn: rows[0]!.held_on };
  }

  async insertCoreGroup(planId: string, heldOn: string, meetingId: string | null, by: string): Promise<string> {
    const rows = (await this.db.query(
      `INSERT INTO cp_core_group (plan_id, held_on, meeting_id, recorded_by_sub) VALUES ($1, $2, $3, $4) RETURNING id`,
      [planId, heldOn, meetingId, by],
    )) as Array<{ id: string }>;
    return rows[0]!.id;
  }
}

function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const rest = date.slice(4);
  // 29 February plus whole years: 28 February when the year is not a leap year.
  return rest === '-02-29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? `${y}-02-28` : `${y}${rest}`;
}

/** What the flag view knows of one child (or of every person the hub holds under one NHS number), and of unborn children linked to them. */
export interface FlagFacts {
  personIds: string[];
  onPlan: boolean;
  onPlanSince: string | null;
  lookedAfter: boolean;
  /** An unborn child (the one looked up, or one linked to the person looked up) on a pre-birth plan. */
  prebirthPlan: boolean;
  openToMash: boolean;
  /** The social care agency that owns the active plan, if any. */
  planAgency: string | null;
}

/** A partnership holding a flagged child (ADR 028): who to call, and the holder's ids for its audit. */
export interface FlagHolder {
  partnership: string;
  name: string;
  outOfHoursContact: string | null;
  personIds: string[];
}

/**
 * The flag look-up (issue 24, ADR 017): the one read of this domain that is not scoped by a
 * relationship, because the emergency duty team and unscheduled care have none; it is an entry point
 * of its own (only their roles), answers flags and never a field of a record, and is always audited.
 */
export class ChildFlagsRepository {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  async flagsByNhsNumber(nhsNumber: string): Promise<FlagFacts> {
    // The child (or unborn child) with this NHS number; and, as CP-IS does for maternity, unborn
    // children linked to the person with this NHS number (their mother) who are on a pre-birth plan.
    const [r] = (await this.db.query(
      `WITH holder AS (SELECT id, kind FROM person WHERE nhs_number = $1),
            child AS (SELECT id FROM holder WHERE kind IN ('CHILD', 'UNBORN')),
            prebirth AS (
              SELECT u.id FROM person u
               WHERE u.kind = 'UNBORN'
                 AND (u.id IN (SELECT id FROM child)
                      OR EXISTS (SELECT 1 FROM person_relationship pr
                                  WHERE (pr.person_id = u.id AND pr.related_person_id IN (SELECT id FROM holder))
                                     OR (pr.related_person_id = u.id AND pr.person_id IN (SELECT id FROM holder))))
                 AND EXISTS (SELECT 1 FROM cp_plan pl WHERE pl.person_id = u.id AND pl.status = 'ACTIVE')),
            latest AS (
              SELECT DISTINCT ON (ar.person_id) ar.data->>'legalStatus' AS legal_status FROM agency_record ar
               WHERE ar.person_id IN (SELECT id FROM child) AND ar.data ? 'legalStatus'
               ORDER BY ar.person_id, ar.occurred_at DESC, ar.id DESC)
       SELECT COALESCE((SELECT array_agg(id::text ORDER BY id) FROM child), '{}') AS person_ids,
              COALESCE((SELECT array_agg(id::text ORDER BY id) FROM prebirth), '{}') AS prebirth_ids,
              (SELECT min(pl.started_on)::text FROM cp_plan pl WHERE pl.person_id IN (SELECT id FROM child) AND pl.status = 'ACTIVE') AS plan_since,
              (SELECT pl.owning_agency FROM cp_plan pl WHERE pl.status = 'ACTIVE' AND (pl.person_id IN (SELECT id FROM child) OR pl.person_id IN (SELECT id FROM prebirth))
                ORDER BY pl.started_on LIMIT 1) AS plan_agency,
              EXISTS (SELECT 1 FROM latest WHERE legal_status = 'CHILD_PROTECTION_PLAN') AS plan_by_record,
              EXISTS (SELECT 1 FROM latest WHERE legal_status = 'LOOKED_AFTER') AS looked_after,
              EXISTS (SELECT 1 FROM referral_subject rs JOIN referral r ON r.id = rs.referral_id
                       WHERE rs.person_id IN (SELECT id FROM child) AND r.status NOT IN ('CLOSED', 'WITHDRAWN', 'MERGED')) AS open_to_mash`,
      [nhsNumber],
    )) as Array<{
      person_ids: string[];
      prebirth_ids: string[];
      plan_since: string | null;
      plan_agency: string | null;
      plan_by_record: boolean;
      looked_after: boolean;
      open_to_mash: boolean;
    }>;
    return {
      personIds: [...new Set([...r!.person_ids, ...r!.prebirth_ids])],
      onPlan: r!.plan_since !== null || r!.plan_by_record,
      onPlanSince: r!.plan_since,
      lookedAfter: r!.looked_after,
      prebirthPlan: r!.prebirth_ids.length > 0,
      openToMash: r!.open_to_mash,
      planAgency: r!.plan_agency,
    };
  }

  /**
   * The partnerships holding a flagged child under this NHS number, across the wall (ADR 028): the
   * one SECURITY DEFINER function that answers a partnership's name and out-of-hours contact, never
   * a row. The person ids are the holder's, for the holder's own audit event only.
   */
  async flagHolders(nhsNumber: string): Promise<FlagHolder[]> {
    const rows = (await this.db.query(
      `SELECT holder_id, holder_name, holder_contact, holder_person_ids::text[] AS holder_person_ids FROM mash_cp_flag_holders($1)`,
      [nhsNumber],
    )) as Array<{ holder_id: string; holder_name: string; holder_contact: string | null; holder_person_ids: string[] }>;
    return rows.map((r) => ({
      partnership: r.holder_id,
      name: r.holder_name,
      outOfHoursContact: r.holder_contact,
      personIds: r.holder_person_ids,
    }));
  }

  /**
   * Alerts the responsible team once per child, looking-up agency, setting and London day; returns
   * the new alert's id, or null when today's alert was raised already.
   */
  async alertOnce(personId: string, toAgency: string, setting: string): Promise<string | null> {
    const v = this.access.viewer;
    const rows = (await this.db.query(
      `INSERT INTO alert (kind, to_agency, person_id, actor_sub, actor_name, actor_agency, setting, created_at, window_start)
       VALUES ('CP_FLAG_LOOKUP', $1, $2, $3, $4, $5, $6, now(), date_trunc('day', now() AT TIME ZONE 'Europe/London') AT TIME ZONE 'Europe/London')
       ON CONFLICT (partnership_id, person_id, to_agency, actor_agency, setting, window_start) WHERE kind = 'CP_FLAG_LOOKUP' DO NOTHING
       RETURNING id`,
      [toAgency, personId, v.sub, v.name, v.agency, setting],
    )) as Array<{ id: string }>;
    return rows[0]?.id ?? null;
  }
}
