import type { DataSource, EntityManager } from 'typeorm';
import type { Guarded, RequestAccess } from '../access-policy/request-access';
import { visibleAlertAgency } from '../access-policy/row-scopes';
import { readShape, type ShapeOf } from '../db/read-shape';
import { AlertEntity } from './alert.entity';
import { BreakGlassEntity } from './break-glass.entity';
import type { BreakGlassReviewStatus } from './vocabulary';

/**
 * Break-glass openings and alerts, read for the viewer. Both are guarded as case metadata of the
 * person they name, so every page an auditor or agency reads is itself in the audit.
 */

/** A break-glass opening: the table's own columns, described once by its entity (`readShape`, ADR 031). */
const BREAK_GLASS = readShape(BreakGlassEntity, 'b', [
  'id',
  'personId',
  'actorSub',
  'actorName',
  'actorAgency',
  'reason',
  'openedAt',
  'expiresAt',
  'reviewedAt',
  'reviewedBy',
  'reviewOutcome',
  'reviewNote',
]);
export type BreakGlassView = ShapeOf<typeof BREAK_GLASS>;

/**
 * An alert: the table's own columns, described once by its entity (`readShape`, ADR 031). The GraphQL
 * type shows `acknowledgedBy` as `acknowledgedBySub`. Not in the shape: `actorSub` (below) and
 * `actorName` (never shown).
 */
const ALERT = readShape(AlertEntity, 'a', [
  'id',
  'kind',
  'toAgency',
  'personId',
  'breakGlassId',
  'referralId',
  'actorAgency',
  'windowStart',
  'distinctPeople',
  'setting',
  'createdAt',
  'acknowledgedAt',
  'acknowledgedBy',
  'acknowledgedByName',
]);

/**
 * The user an UNUSUAL_READ_VOLUME alert is about, the database role of a SERVING_ROLE_PRIVILEGE one
 * (to IG only); for other kinds (the actor who broke the glass, read a record, …) it stays in the
 * database: computed in SQL, beside the shape.
 */
const ACTOR_SUB_SQL = `CASE WHEN a.kind IN ('UNUSUAL_READ_VOLUME', 'SERVING_ROLE_PRIVILEGE') THEN a.actor_sub END AS "actorSub"`;

const ALERT_SELECT = `${ALERT.select}, ${ACTOR_SUB_SQL}`;

export type AlertView = ShapeOf<typeof ALERT> & {
  /** UNUSUAL_READ_VOLUME, SERVING_ROLE_PRIVILEGE only; null for other kinds. */
  actorSub: string | null;
};

type Row = Record<string, unknown>;

const toBreakGlass = (r: Row): BreakGlassView => BREAK_GLASS.view(r);

function toAlert(r: Row): AlertView {
  return { ...ALERT.view(r), actorSub: r.actorSub as string | null };
}

const NO_RELATIONSHIP = new Set<never>();

export class BreakGlassRepository {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  guardBreakGlass(view: BreakGlassView): Guarded<BreakGlassView> {
    return this.access.guard(view, { owner: null, relationships: NO_RELATIONSHIP }, [view.personId]);
  }

  /** Whether the person exists, held (FOR SHARE) so it cannot be merged away during the opening. */
  async holdPerson(personId: string): Promise<boolean> {
    const exists: unknown[] = await this.db.query('SELECT 1 FROM person WHERE id = $1 FOR SHARE', [personId]);
    return exists.length > 0;
  }

  async findForUpdate(id: string): Promise<BreakGlassView | null> {
    const rows: Row[] = await this.db.query(
      `SELECT ${BREAK_GLASS.select} FROM break_glass b WHERE b.id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ? toBreakGlass(rows[0]) : null;
  }

  async insert(v: { personId: string; reason: string; minutes: number }): Promise<BreakGlassView> {
    const viewer = this.access.viewer;
    const rows: Row[] = await this.db.query(
      `INSERT INTO break_glass AS b (actor_sub, actor_name, actor_agency, person_id, reason, opened_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, now(), now() + make_interval(mins => $6))
       RETURNING ${BREAK_GLASS.select}`,
      [viewer.sub, viewer.name, viewer.agency, v.personId, v.reason, v.minutes],
    );
    return toBreakGlass(rows[0]!);
  }

  async recordReview(id: string, outcome: string, note: string): Promise<BreakGlassView> {
    // TypeORM returns [rows, affectedCount] for UPDATE … RETURNING on PostgreSQL.
    const [rows]: [Row[], number] = await this.db.query(
      `UPDATE break_glass b SET reviewed_at = now(), reviewed_by = $2, review_outcome = $3, review_note = $4
        WHERE b.id = $1 RETURNING ${BREAK_GLASS.select}`,
      [id, this.access.viewer.sub, outcome, note],
    );
    return toBreakGlass(rows[0]!);
  }

  /** The IG queue: OPEN oldest first (work it in order), REVIEWED newest first. Keyset on (opened_at, id). */
  async reviews(status: BreakGlassReviewStatus, limit: number, after: [string, string] | null) {
    const open = status === 'OPEN';
    const params: unknown[] = [limit + 1];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = open
        ? `AND (opened_at, id) > ($2::timestamptz, $3::uuid)`
        : `AND (opened_at, id) < ($2::timestamptz, $3::uuid)`;
    }
    const rows: Row[] = await this.db.query(
      `SELECT ${BREAK_GLASS.select} FROM break_glass b
        WHERE reviewed_at IS ${open ? '' : 'NOT '}NULL ${keyset}
        ORDER BY opened_at ${open ? 'ASC' : 'DESC'}, id ${open ? 'ASC' : 'DESC'}
        LIMIT $1`,
      params,
    );
    return {
      rows: rows.slice(0, limit).map((r) => this.guardBreakGlass(toBreakGlass(r))),
      hasNext: rows.length > limit,
    };
  }

  /** Agencies that hold the person (own a record about them or pushed them in from their system). */
  async holdingAgencies(personId: string): Promise<string[]> {
    const rows: Array<{ agency: string }> = await this.db.query(
      `SELECT owning_agency AS agency FROM agency_record WHERE person_id = $1
        UNION SELECT agency_code FROM person_source WHERE person_id = $1
        ORDER BY 1`,
      [personId],
    );
    return rows.map((r) => r.agency);
  }

  async insertAlerts(
    kind: string,
    toAgencies: Array<string | null>,
    personId: string,
    breakGlassId: string | null,
  ): Promise<AlertView[]> {
    const viewer = this.access.viewer;
    const rows: Row[] = await this.db.query(
      `INSERT INTO alert AS a (kind, to_agency, person_id, break_glass_id, actor_sub, actor_name, actor_agency, created_at)
       SELECT $1, t.to_agency, $3, $4, $5, $6, $7, now() FROM unnest($2::text[]) AS t(to_agency)
       RETURNING ${ALERT_SELECT}`,
      [kind, toAgencies, personId, breakGlassId, viewer.sub, viewer.name, viewer.agency],
    );
    return rows.map(toAlert);
  }

  /** Alerts addressed to the viewer's agency; IG auditors see every alert. Newest first. */
  async alerts(limit: number, after: [string, string] | null) {
    const viewer = this.access.viewer;
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    const agency = visibleAlertAgency(viewer);
    if (agency !== null) {
      params.push(agency);
      where.push(`to_agency = $${params.length}`);
    }
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows: Row[] = await this.db.query(
      `SELECT ${ALERT_SELECT} FROM alert a
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
    const page = rows.slice(0, limit).map((r) => {
      const a = toAlert(r);
      return this.access.guard(a, { owner: null, relationships: NO_RELATIONSHIP }, a.personId ? [a.personId] : []);
    });
    return { rows: page, hasNext: rows.length > limit };
  }

  /** An alert the viewer may see (as `findAlert`), locked for acknowledging; unguarded, for the service's rule and the audit. */
  async findAlertForUpdate(id: string): Promise<AlertView | null> {
    const agency = visibleAlertAgency(this.access.viewer);
    const rows: Row[] = await this.db.query(
      `SELECT ${ALERT_SELECT} FROM alert a WHERE a.id = $1 AND ($2::text IS NULL OR a.to_agency = $2) FOR UPDATE`,
      [id, agency],
    );
    return rows[0] ? toAlert(rows[0]) : null;
  }

  async recordAcknowledgement(id: string): Promise<AlertView> {
    const viewer = this.access.viewer;
    const [rows]: [Row[], number] = await this.db.query(
      `UPDATE alert a SET acknowledged_at = now(), acknowledged_by = $2, acknowledged_by_name = $3 WHERE a.id = $1 RETURNING ${ALERT_SELECT}`,
      [id, viewer.sub, viewer.name],
    );
    return toAlert(rows[0]!);
  }

  guardAlert(a: AlertView): Guarded<AlertView> {
    return this.access.guard(a, { owner: null, relationships: NO_RELATIONSHIP }, a.personId ? [a.personId] : []);
  }

  /**
   * The ids of the alerts raised for the viewer (its agency's; IG: every alert) from `from`, oldest
   * first, for an `alertRaised` subscriber resuming with `since` (ADR 022); each is then re-read and
   * audited like a live event.
   */
  async alertsRaisedSince(from: Date, limit: number): Promise<string[]> {
    const agency = visibleAlertAgency(this.access.viewer);
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM alert WHERE created_at >= $1 AND ($2::text IS NULL OR to_agency = $2)
        ORDER BY created_at, id LIMIT $3`,
      [from, agency, limit],
    );
    return rows.map((r) => r.id);
  }

  /** One alert, if it is addressed to the viewer's agency (IG auditors: any alert); else null. */
  async findAlert(id: string): Promise<Guarded<AlertView> | null> {
    const agency = visibleAlertAgency(this.access.viewer);
    const rows: Row[] = await this.db.query(
      `SELECT ${ALERT_SELECT} FROM alert a
        WHERE a.id = $1 AND ($2::text IS NULL OR a.to_agency = $2)`,
      [id, agency],
    );
    if (!rows[0]) return null;
    const a = toAlert(rows[0]);
    return this.access.guard(a, { owner: null, relationships: NO_RELATIONSHIP }, a.personId ? [a.personId] : []);
  }
}
