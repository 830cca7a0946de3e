import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { Params, privateFosteringRelationshipKindsSql, privateFosteringScopeSql } from '../access-policy/relationships';
import type { Guarded, RequestAccess } from '../access-policy/request-access';
import type { RelationshipKind } from '../access-policy/vocabulary';
import { londonDate } from '../meetings/clocks';
import { readShape, type ShapeOf } from '../db/read-shape';
import { scopedKeysetSql } from '../shared/pagination';
import { PrivateFosteringArrangementEntity } from './private-fostering.entity';
import { nextVisitDueOn, visitLate } from './clocks';
import type { PrivateFosteringNotifier } from './vocabulary';

/**
 * Viewer-scoped reads and writes of private fostering arrangements (ADR 018). The scope is in the SQL
 * (`privateFosteringRelationshipKindsSql`): an arrangement outside it is not returned (not found). Every
 * row is guarded with the child as its subject and the recording agency as owner, so each read is
 * audited. The visits come in the same statement (no query per row).
 */

type Row = Record<string, unknown>;

export interface VisitClock {
  dueOn: string;
  heldOn: string | null;
  late: boolean;
}

/** The arrangement's own columns, described once by the entity (`readShape`, ADR 031). */
const ARRANGEMENT = readShape(PrivateFosteringArrangementEntity, 'a', [
  'id',
  'personId',
  'recordingAgency',
  'recordedByName',
  'notifiedBy',
  'notifierName',
  'notifiedAt',
  'arrangementStartedOn',
  'initialVisitDueOn',
  'initialVisitOn',
  'closedOn',
  'closureReason',
  'status',
  'version',
]);

export type PrivateFosteringView = ShapeOf<typeof ARRANGEMENT> & {
  /** Derived: the initial visit held by its due date (null until held). */
  initialVisitWithinTimescale: boolean | null;
  /** Every visit held, oldest first, each with the date it was due by the clock at the time. */
  visits: VisitClock[];
  /** Derived: the next visit due (null once closed); late when its due date has passed. */
  nextVisit: VisitClock | null;
  relationships: ReadonlySet<RelationshipKind>;
};

const SELECT = (kinds: string, from = 'private_fostering_arrangement a') => `
  SELECT ${ARRANGEMENT.select}, a.last_visit_on::text AS last_visit_on,
         (SELECT coalesce(json_agg(json_build_array(v.due_on::text, v.held_on::text) ORDER BY v.held_on, v.created_at), '[]'::json)
            FROM private_fostering_visit v WHERE v.arrangement_id = a.id) AS visits,
         rel.kinds
    FROM ${from}
    CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel`;

function toArrangement(r: Row, today: string): PrivateFosteringView {
  const own = ARRANGEMENT.view(r);
  const lastOn = r.last_visit_on as string | null;
  const visits = (r.visits as Array<[string, string]>).map(([dueOn, heldOn]) => ({
    dueOn,
    heldOn,
    late: visitLate(dueOn, heldOn, today),
  }));
  const nextDue =
    own.status === 'CLOSED' ? null : lastOn ? nextVisitDueOn(own.arrangementStartedOn, lastOn) : own.initialVisitDueOn;
  return {
    ...own,
    initialVisitWithinTimescale: own.initialVisitOn ? own.initialVisitOn <= own.initialVisitDueOn : null,
    visits,
    nextVisit: nextDue ? { dueOn: nextDue, heldOn: null, late: visitLate(nextDue, null, today) } : null,
    relationships: new Set(r.kinds as RelationshipKind[]),
  };
}

export class PrivateFosteringRepository {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  private guardArrangement(row: Row): Guarded<PrivateFosteringView> {
    const view = toArrangement(row, londonDate(new Date()));
    return this.access.guard(
      view,
      { owner: view.recordingAgency, relationships: view.relationships },
      [view.personId],
      view.id,
    );
  }

  private readonly loader = new DataLoader<string, Guarded<PrivateFosteringView> | null>(async (ids) => {
    const p = new Params([ids]);
    const kinds = privateFosteringRelationshipKindsSql(this.access.viewer, 'a.id', p);
    const rows: Row[] = await this.db.query(
      `${SELECT(kinds)} WHERE a.id = ANY($1::uuid[]) AND cardinality(rel.kinds) > 0`,
      p.values,
    );
    const found = new Map(rows.map((r) => [r.id as string, this.guardArrangement(r)]));
    return ids.map((id) => found.get(id) ?? null);
  });

  /** The arrangement if the viewer's scope reaches it; otherwise null (not found). */
  findArrangement(id: string): Promise<Guarded<PrivateFosteringView> | null> {
    return this.loader.load(id);
  }

  /** The arrangement as it is now (after a change in this request), through the same scope. */
  reload(id: string): Promise<Guarded<PrivateFosteringView> | null> {
    this.loader.clear(id);
    return this.loader.load(id);
  }

  /** Arrangements in scope (about one child, when given), oldest notification first (then id), keyset-paginated. */
  async list(
    limit: number,
    after: [string, string] | null,
    personId: string | null = null,
  ): Promise<{ rows: Guarded<PrivateFosteringView>[]; hasNext: boolean }> {
    const p = new Params();
    const kinds = privateFosteringRelationshipKindsSql(this.access.viewer, 'a.id', p);
    const scope = privateFosteringScopeSql(this.access.viewer, 'a.id', p);
    const where: string[] = [];
    if (personId) where.push(`a.person_id = ${p.add(personId)}::uuid`);
    if (after) where.push(`(a.notified_at, a.id) > (${p.add(after[0])}::timestamptz, ${p.add(after[1])}::uuid)`);
    const keys = ['a.notified_at', 'a.id'];
    const page = scopedKeysetSql({
      from: 'private_fostering_arrangement a',
      keys,
      scope,
      where,
      limit: p.add(limit + 1),
    });
    const rows: Row[] = await this.db.query(
      `${SELECT(kinds, `(${page}) page JOIN private_fostering_arrangement a ON a.id = page.id`)} ORDER BY ${keys.join(', ')}`,
      p.values,
    );
    return { rows: rows.slice(0, limit).map((r) => this.guardArrangement(r)), hasNext: rows.length > limit };
  }

  /** A new notification recorded by the viewer's agency; returns its id. */
  async insert(a: {
    personId: string;
    notifiedBy: PrivateFosteringNotifier;
    notifierName: string;
    notifiedAt: Date;
    arrangementStartedOn: string;
    initialVisitDueOn: string;
  }): Promise<string> {
    const v = this.access.viewer;
    const [row] = (await this.db.query(
      `INSERT INTO private_fostering_arrangement (person_id, recording_agency, recorded_by_sub, recorded_by_name, notified_by, notifier_name, notified_at,
                                                  arrangement_started_on, initial_visit_due_on, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'NOTIFIED') RETURNING id`,
      [
        a.personId,
        v.agency,
        v.sub,
        v.name,
        a.notifiedBy,
        a.notifierName,
        a.notifiedAt,
        a.arrangementStartedOn,
        a.initialVisitDueOn,
      ],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  /** One visit held, recorded inside the arrangement's versioned change. */
  async insertVisit(v: { arrangementId: string; initial: boolean; dueOn: string; heldOn: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO private_fostering_visit (arrangement_id, initial, due_on, held_on, recorded_by_sub) VALUES ($1, $2, $3::date, $4::date, $5)`,
      [v.arrangementId, v.initial, v.dueOn, v.heldOn, this.access.viewer.sub],
    );
  }
}
