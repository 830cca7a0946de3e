import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { Params, privateFosteringRelationshipKindsSql, privateFosteringScopeSql } from '../access-policy/relationships';
import type { Guarded, RequestAccess } from '../access-policy/request-access';
import type { RelationshipKind } from '../access-policy/vocabulary';
import { londonDate } from '../meetings/clocks';
import { scopedKeysetSql } from '../shared/pagination';
import { nextVisitDueOn, visitLate } from './clocks';
import type { PrivateFosteringClosureReason, PrivateFosteringNotifier, PrivateFosteringStatus } from './vocabulary';

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

export interface PrivateFosteringView {
  id: string;
  personId: string;
  recordingAgency: string;
  recordedByName: string;
  notifiedBy: PrivateFosteringNotifier;
  notifierName: string;
  notifiedAt: Date;
  arrangementStartedOn: string;
  initialVisitDueOn: string;
  initialVisitOn: string | null;
  /** Derived: the initial visit held by its due date (null until held). */
  initialVisitWithinTimescale: boolean | null;
  /** Every visit held, oldest first, each with the date it was due by the clock at the time. */
  visits: VisitClock[];
  /** Derived: the next visit due (null once closed); late when its due date has passed. */
  nextVisit: VisitClock | null;
  closedOn: string | null;
  closureReason: PrivateFosteringClosureReason | null;
  status: PrivateFosteringStatus;
  version: number;
  relationships: ReadonlySet<RelationshipKind>;
}

const SELECT = (kinds: string, from = 'private_fostering_arrangement a') => `
  SELECT a.id, a.person_id, a.recording_agency, a.recorded_by_name, a.notified_by, a.notifier_name, a.notified_at,
         a.arrangement_started_on::text AS arrangement_started_on, a.initial_visit_due_on::text AS initial_visit_due_on,
         a.initial_visit_on::text AS initial_visit_on, a.last_visit_on::text AS last_visit_on, a.closed_on::text AS closed_on,
         a.closure_reason, a.status, a.version,
         (SELECT coalesce(json_agg(json_build_array(v.due_on::text, v.held_on::text) ORDER BY v.held_on, v.created_at), '[]'::json)
            FROM private_fostering_visit v WHERE v.arrangement_id = a.id) AS visits,
         rel.kinds
    FROM ${from}
    CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel`;

function toArrangement(r: Row, today: string): PrivateFosteringView {
  const status = r.status as PrivateFosteringStatus;
  const started = r.arrangement_started_on as string;
  const initialDue = r.initial_visit_due_on as string;
  const initialOn = r.initial_visit_on as string | null;
  const lastOn = r.last_visit_on as string | null;
  const visits = (r.visits as Array<[string, string]>).map(([dueOn, heldOn]) => ({
    dueOn,
    heldOn,
    late: visitLate(dueOn, heldOn, today),
  }));
  const nextDue = status === 'CLOSED' ? null : lastOn ? nextVisitDueOn(started, lastOn) : initialDue;
  return {
    id: r.id as string,
    personId: r.person_id as string,
    recordingAgency: r.recording_agency as string,
    recordedByName: r.recorded_by_name as string,
    notifiedBy: r.notified_by as PrivateFosteringNotifier,
    notifierName: r.notifier_name as string,
    notifiedAt: r.notified_at as Date,
    arrangementStartedOn: started,
    initialVisitDueOn: initialDue,
    initialVisitOn: initialOn,
    initialVisitWithinTimescale: initialOn ? initialOn <= initialDue : null,
    visits,
    nextVisit: nextDue ? { dueOn: nextDue, heldOn: null, late: visitLate(nextDue, null, today) } : null,
    closedOn: r.closed_on as string | null,
    closureReason: r.closure_reason as PrivateFosteringClosureReason | null,
    status,
    version: r.version as number,
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
