import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { meetingRelationshipKindsSql, meetingScopeSql, Params } from '../access-policy/relationships';
import { GUARD, type Guarded, type RequestAccess } from '../access-policy/request-access';
import { mayOrderBy } from '../access-policy/filter-policy';
import type { RelationshipKind, SensitivityClass } from '../access-policy/vocabulary';
import { readShape, type ShapeOf } from '../db/read-shape';
import { scopedKeysetSql } from '../shared/pagination';
import {
  MeetingActionEntity,
  MeetingDecisionEntity,
  MeetingEntity,
  MeetingInviteeEntity,
  MeetingParticipantEntity,
} from './meeting.entity';
import { quorumAttendanceSql } from './settings';
import type { MeetingType, ParticipantAttendance, ParticipantRole } from './vocabulary';

/**
 * Viewer-scoped reads of meetings. The scope is in the SQL (`meetingRelationshipKindsSql`): a
 * meeting the viewer's agency is not invited to and has no other relationship with is not returned.
 * Every row is guarded with the meeting's subjects so released fields are audited per person; the
 * organising agency owns the minutes, each invited agency its own contribution.
 */

type Row = Record<string, unknown>;

/** The meeting's own columns, described once by its entity (`readShape`, ADR 031). */
const MEETING = readShape(MeetingEntity, 'm', [
  'id',
  'type',
  'referralId',
  'scheduledAt',
  'organisingAgency',
  'chairName',
  'status',
  'outcome',
  'outcomeRecordedAt',
  'minutes',
  'icpcDueAt',
  'heldAt',
  'completedAt',
  'cancelledReason',
  'nonQuorateReason',
  'version',
]);

/** The columns computed in SQL beside the shape (`MEETING_SELECT`), as the row holds them. */
interface MeetingComputed {
  kinds: RelationshipKind[];
  subject_ids: string[];
  missing_agencies: string[];
  icpc_overdue: boolean;
}

export type MeetingView = ShapeOf<typeof MEETING> & {
  /** Derived: a strategy discussion whose initial conference is due and not held (`ICPC_OVERDUE_SQL`). */
  icpcOverdue: boolean;
  /** Derived: every required agency attended. */
  quorate: boolean;
  missingAgencies: string[];
  subjectPersonIds: string[];
  relationships: ReadonlySet<RelationshipKind>;
};

/** An agency invited, and its attendance: the table's own columns, described once by its entity (ADR 031). */
const INVITEE = readShape(MeetingInviteeEntity, 'i', [
  'id',
  'meetingId',
  'agency',
  'personSub',
  'personName',
  'required',
  'attendance',
  'reason',
  'contribution',
  'recordedBy',
  'recordedAt',
  'reportSubmittedAt',
  'reportSharedWithFamilyAt',
]);
export type InviteeView = ShapeOf<typeof INVITEE>;

/** A person invited who is not an agency (ADR 024); the label is IDENTITY. */
/** A person invited who is not an agency: the table's own columns, described once by its entity (ADR 031). */
const PARTICIPANT = readShape(MeetingParticipantEntity, 'p', [
  'id',
  'meetingId',
  'role',
  'displayLabel',
  'personId',
  'attendance',
  'reason',
  'reportSharedAt',
  'recordedAt',
]);
export type ParticipantView = ShapeOf<typeof PARTICIPANT>;

const DECISION = readShape(MeetingDecisionEntity, 'd', ['id', 'decision', 'decidedBy', 'decidedAt']);
export type DecisionView = ShapeOf<typeof DECISION>;

/** An action agreed at the meeting: its own columns, described once by its entity (ADR 031). */
const ACTION = readShape(MeetingActionEntity, 'a', [
  'id',
  'description',
  'ownerAgency',
  'ownerName',
  'dueDate',
  'status',
]);
export type ActionView = ShapeOf<typeof ACTION> & {
  /** The due date under its LocalDate name (`dueDate` is its deprecated string twin, ADR 021). */
  dueOn: string;
  /** Computed in SQL: open and past its due date (London's day). */
  overdue: boolean;
};

export interface MeetingFilter {
  upcoming?: boolean | null;
  referralId?: string | null;
  personId?: string | null;
  agency?: string | null;
  overdueConferences?: boolean | null;
  type?: MeetingType[] | null;
}

/** Required agencies not present by the local quorum rule (settings.ts): empty means quorate. */
const MISSING_SQL = () => `COALESCE((SELECT array_agg(DISTINCT r.agency ORDER BY r.agency) FROM meeting_invitee r
   WHERE r.meeting_id = m.id AND r.required
     AND NOT EXISTS (SELECT 1 FROM meeting_invitee a WHERE a.meeting_id = m.id AND a.agency = r.agency AND a.attendance IN (${quorumAttendanceSql()}))), '{}')`;

const TODAY_SQL = `(now() AT TIME ZONE 'Europe/London')::date`;

/**
 * A conference is overdue when its due date has passed and no initial child protection conference
 * about any of the same children has been held since the strategy discussion.
 */
export const ICPC_OVERDUE_SQL = `(m.icpc_due_at IS NOT NULL AND m.icpc_due_at < ${TODAY_SQL} AND NOT EXISTS (
   SELECT 1 FROM meeting c JOIN meeting_subject cs ON cs.meeting_id = c.id
     JOIN meeting_subject ss ON ss.meeting_id = m.id AND ss.person_id = cs.person_id
    WHERE c.type = 'INITIAL_CHILD_PROTECTION_CONFERENCE' AND c.status IN ('HELD','COMPLETED') AND c.scheduled_at >= m.scheduled_at))`;

/** The meeting columns with kinds and derived columns; `from` must bind the meeting as `m`. */
const MEETING_SELECT = (kinds: string, from = 'meeting m') => `
  SELECT ${MEETING.select}, rel.kinds,
         COALESCE((SELECT array_agg(ms.person_id::text ORDER BY ms.person_id) FROM meeting_subject ms WHERE ms.meeting_id = m.id), '{}') AS subject_ids,
         ${MISSING_SQL()} AS missing_agencies,
         ${ICPC_OVERDUE_SQL} AS icpc_overdue
    FROM ${from}
    CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel`;

function toMeeting(r: Row): MeetingView {
  const computed = r as unknown as MeetingComputed;
  return {
    ...MEETING.view(r),
    icpcOverdue: computed.icpc_overdue,
    quorate: computed.missing_agencies.length === 0,
    missingAgencies: computed.missing_agencies,
    subjectPersonIds: computed.subject_ids,
    relationships: new Set(computed.kinds),
  };
}

/** The meetings list's order: by scheduled time (then id), for a viewer who may read it. */
export const MEETINGS_ORDERED_BY = { coordinate: 'Meeting.scheduledAt', cls: 'CASE_METADATA' } as const satisfies {
  coordinate: string;
  cls: SensitivityClass;
};

export class MeetingsRepository {
  private readonly byId = new Map<string, Guarded<MeetingView>>();

  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  private guardMeeting(row: Row): Guarded<MeetingView> {
    const view = toMeeting(row);
    const guarded = this.access.guard(
      view,
      { owner: view.organisingAgency, relationships: view.relationships },
      view.subjectPersonIds,
      view.id,
    );
    this.byId.set(view.id, guarded);
    return guarded;
  }

  private readonly meetingLoader = new DataLoader<string, Guarded<MeetingView> | null>(async (ids) => {
    const p = new Params([ids]);
    const kinds = meetingRelationshipKindsSql(this.access.viewer, 'm.id', p);
    const rows: Row[] = await this.db.query(
      `${MEETING_SELECT(kinds)} WHERE m.id = ANY($1::uuid[]) AND cardinality(rel.kinds) > 0`,
      p.values,
    );
    const found = new Map(rows.map((r) => [r.id as string, this.guardMeeting(r)]));
    return ids.map((id) => found.get(id) ?? null);
  });

  /** The meeting if the viewer has a legitimate relationship with it; otherwise null (not found). */
  findMeeting(id: string): Promise<Guarded<MeetingView> | null> {
    return this.meetingLoader.load(id);
  }

  reload(id: string): Promise<Guarded<MeetingView> | null> {
    this.meetingLoader.clear(id);
    return this.meetingLoader.load(id);
  }

  /**
   * Meetings in scope, ordered by scheduled time then id, keyset-paginated: the page's keys first,
   * one index-driven scan per relationship source (`meetingScopeSql`), then the rest for those rows.
   */
  async list(
    filter: MeetingFilter,
    limit: number,
    after: [string, string] | null,
  ): Promise<{ rows: Guarded<MeetingView>[]; hasNext: boolean; orderedByTime: boolean }> {
    // Ordered by scheduled time only for a viewer who may read it across the list (filter-policy.ts).
    const orderedByTime = mayOrderBy(this.access, MEETINGS_ORDERED_BY.cls);
    const keys = orderedByTime ? ['m.scheduled_at', 'm.id'] : ['m.id'];
    const p = new Params();
    const kinds = meetingRelationshipKindsSql(this.access.viewer, 'm.id', p);
    const scope = meetingScopeSql(this.access.viewer, 'm.id', p);
    const where: string[] = [];
    if (filter.upcoming != null)
      where.push(
        filter.upcoming
          ? `(m.status = 'SCHEDULED' AND m.scheduled_at >= now())`
          : `NOT (m.status = 'SCHEDULED' AND m.scheduled_at >= now())`,
      );
    if (filter.referralId) where.push(`m.referral_id = ${p.add(filter.referralId)}::uuid`);
    if (filter.personId)
      where.push(
        `EXISTS (SELECT 1 FROM meeting_subject fs WHERE fs.meeting_id = m.id AND fs.person_id = ${p.add(filter.personId)}::uuid)`,
      );
    if (filter.agency)
      where.push(
        `EXISTS (SELECT 1 FROM meeting_invitee fi WHERE fi.meeting_id = m.id AND fi.agency = ${p.add(filter.agency)})`,
      );
    if (filter.overdueConferences != null) where.push(`${filter.overdueConferences ? '' : 'NOT '}${ICPC_OVERDUE_SQL}`);
    if (filter.type?.length) where.push(`m.type = ANY(${p.add(filter.type)}::text[])`);
    if (after && orderedByTime)
      where.push(`(m.scheduled_at, m.id) > (${p.add(after[0])}::timestamptz, ${p.add(after[1])}::uuid)`);
    else if (after) where.push(`m.id > ${p.add(after[1])}::uuid`);
    const page = scopedKeysetSql({ from: 'meeting m', keys, scope, where, limit: p.add(limit + 1) });
    const rows: Row[] = await this.db.query(
      `${MEETING_SELECT(kinds, `(${page}) page JOIN meeting m ON m.id = page.id`)} ORDER BY ${keys.join(', ')}`,
      p.values,
    );
    return { rows: rows.slice(0, limit).map((r) => this.guardMeeting(r)), hasNext: rows.length > limit, orderedByTime };
  }

  /**
   * The ids of the meetings in the viewer's scope changed from `from` (scheduled, or any versioned
   * change: attendance, held, outcome, actions), oldest first, for a `meetingChanged` subscriber
   * resuming with `since` (ADR 022); each is then re-read and audited like a live event.
   */
  async changedSince(
    from: Date,
    meetingId: string | null,
    referralId: string | null,
    limit: number,
  ): Promise<string[]> {
    const p = new Params();
    const where = [`m.updated_at >= ${p.add(from)}::timestamptz`];
    if (meetingId) where.push(`m.id = ${p.add(meetingId)}::uuid`);
    if (referralId) where.push(`m.referral_id = ${p.add(referralId)}::uuid`);
    const scope = meetingScopeSql(this.access.viewer, 'm.id', p);
    if (scope !== null) where.push(scope.length === 0 ? 'FALSE' : `(${scope.join(' OR ')})`);
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT m.id FROM meeting m WHERE ${where.join(' AND ')} ORDER BY m.updated_at, m.id LIMIT ${p.add(limit)}`,
      p.values,
    );
    return rows.map((r) => r.id);
  }

  /** Children of meetings already reached in this request, guarded like their meeting (owner as given). */
  private childLoader<T extends object>(
    sql: string,
    map: (r: Row) => T,
    owner: (r: Row, meeting: MeetingView) => string,
  ) {
    return new DataLoader<string, Guarded<T>[]>(async (meetingIds) => {
      const rows: Row[] = await this.db.query(sql, [meetingIds]);
      const grouped = new Map<string, Guarded<T>[]>(meetingIds.map((id) => [id, []]));
      for (const r of rows) {
        const meeting = this.byId.get(r.meeting_id as string);
        if (!meeting) continue;
        const info = meeting[GUARD];
        grouped
          .get(meeting.id)!
          .push(
            this.access.guard(
              map(r),
              { owner: owner(r, meeting), relationships: info.subject.relationships },
              info.personIds,
              meeting.id,
            ),
          );
      }
      return meetingIds.map((id) => grouped.get(id)!);
    });
  }

  private readonly inviteesLoader = this.childLoader<InviteeView>(
    `SELECT ${INVITEE.select}, i.meeting_id FROM meeting_invitee i
      WHERE i.meeting_id = ANY($1::uuid[]) ORDER BY i.agency, i.person_name NULLS FIRST, i.id`,
    (r) => INVITEE.view(r),
    // Each agency owns what it contributed.
    (r) => r.agency as string,
  );

  private readonly decisionsLoader = this.childLoader<DecisionView>(
    `SELECT ${DECISION.select}, d.meeting_id FROM meeting_decision d WHERE d.meeting_id = ANY($1::uuid[]) ORDER BY d.decided_at, d.id`,
    (r) => DECISION.view(r),
    (_r, m) => m.organisingAgency,
  );

  private readonly actionsLoader = this.childLoader<ActionView>(
    `SELECT ${ACTION.select}, (a.status = 'OPEN' AND a.due_date < ${TODAY_SQL}) AS overdue, a.meeting_id FROM meeting_action a
      WHERE a.meeting_id = ANY($1::uuid[]) ORDER BY a.due_date, a.id`,
    (r) => {
      const own = ACTION.view(r);
      return { ...own, dueOn: own.dueDate, overdue: r.overdue as boolean };
    },
    (_r, m) => m.organisingAgency,
  );

  private readonly participantsLoader = this.childLoader<ParticipantView>(
    `SELECT ${PARTICIPANT.select}, p.meeting_id FROM meeting_participant p WHERE p.meeting_id = ANY($1::uuid[]) ORDER BY p.invited_at, p.id`,
    (r) => PARTICIPANT.view(r),
    (_r, meeting) => meeting.organisingAgency,
  );

  /** People invited who are not agencies, of a meeting already reached in this request (owned by the organiser). */
  participantsOf(meetingId: string): Promise<Guarded<ParticipantView>[]> {
    return this.participantsLoader.load(meetingId);
  }

  inviteesOf(meetingId: string): Promise<Guarded<InviteeView>[]> {
    return this.inviteesLoader.load(meetingId);
  }

  decisionsOf(meetingId: string): Promise<Guarded<DecisionView>[]> {
    return this.decisionsLoader.load(meetingId);
  }

  actionsOf(meetingId: string): Promise<Guarded<ActionView>[]> {
    return this.actionsLoader.load(meetingId);
  }

  // Changes, inside the transaction of a change (`ctx.data.transaction`, `changeVersioned`), after
  // the service has checked scope and the state machine.

  async insertMeeting(m: {
    type: string;
    referralId: string | null;
    scheduledAt: Date;
    chairSub: string;
    chairName: string;
  }): Promise<string> {
    const v = this.access.viewer;
    const [meeting] = (await this.db.query(
      `INSERT INTO meeting (type, referral_id, scheduled_at, organising_agency, chair_sub, chair_name, status, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, 'SCHEDULED', $7) RETURNING id`,
      [m.type, m.referralId, m.scheduledAt, v.agency, m.chairSub, m.chairName, v.sub],
    )) as Array<{ id: string }>;
    return meeting!.id;
  }

  async addSubjects(meetingId: string, personIds: string[]): Promise<void> {
    await this.db.query(`INSERT INTO meeting_subject (meeting_id, person_id) SELECT $1, unnest($2::uuid[])`, [
      meetingId,
      personIds,
    ]);
  }

  async insertInvitees(
    meetingId: string,
    rows: Array<{ agency: string; personSub: string | null; personName: string | null; required: boolean }>,
  ): Promise<Array<{ id: string; agency: string; required: boolean }>> {
    return (await this.db.query(
      `INSERT INTO meeting_invitee (meeting_id, agency, person_sub, person_name, required)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[]) RETURNING id, agency, required`,
      [
        meetingId,
        rows.map((r) => r.agency),
        rows.map((r) => r.personSub),
        rows.map((r) => r.personName),
        rows.map((r) => r.required),
      ],
    )) as Array<{ id: string; agency: string; required: boolean }>;
  }

  /** Dates of birth of the children among these people (the school-age rule); never released. */
  async childBirthDates(personIds: string[]): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT date_of_birth FROM person WHERE id = ANY($1::uuid[]) AND kind = 'CHILD' AND date_of_birth IS NOT NULL`,
      [personIds],
    )) as Array<{ date_of_birth: string }>;
    return rows.map((r) => r.date_of_birth);
  }

  async findInvitee(
    meetingId: string,
    inviteeId: string,
  ): Promise<{ id: string; agency: string; attendance: string; reason: string | null } | null> {
    const [invitee] = (await this.db.query(
      `SELECT id, agency, attendance, reason FROM meeting_invitee WHERE id = $1 AND meeting_id = $2`,
      [inviteeId, meetingId],
    )) as Array<{ id: string; agency: string; attendance: string; reason: string | null }>;
    return invitee ?? null;
  }

  /** Attendance of an invitee, recorded by the viewer. */
  async recordAttendance(
    inviteeId: string,
    a: {
      status: string;
      reason: string | null;
      contribution: string | null;
      recordedAt: Date;
      reportSubmitted?: boolean | null;
      reportShared?: boolean | null;
    },
  ): Promise<void> {
    // A report flag left out keeps what was recorded; true keeps the first time it was recorded; false clears it.
    const flag = (param: string, column: string) =>
      `CASE WHEN ${param}::boolean IS NULL THEN ${column} WHEN ${param}::boolean THEN COALESCE(${column}, $6) ELSE NULL END`;
    await this.db.query(
      `UPDATE meeting_invitee SET attendance = $2, reason = $3, contribution = COALESCE($4, contribution), recorded_by = $5, recorded_at = $6,
              report_submitted_at = ${flag('$7', 'report_submitted_at')}, report_shared_with_family_at = ${flag('$8', 'report_shared_with_family_at')}
        WHERE id = $1`,
      [
        inviteeId,
        a.status,
        a.reason,
        a.contribution,
        this.access.viewer.sub,
        a.recordedAt,
        a.reportSubmitted ?? null,
        a.reportShared ?? null,
      ],
    );
  }

  /** A person who is not an agency, invited by the viewer; returns the new participant's id. */
  async insertParticipant(p: {
    meetingId: string;
    role: ParticipantRole;
    displayLabel: string;
    personId: string | null;
  }): Promise<string> {
    const [row] = (await this.db.query(
      `INSERT INTO meeting_participant (meeting_id, role, display_label, person_id, invited_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [p.meetingId, p.role, p.displayLabel, p.personId, this.access.viewer.sub],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  async findParticipant(
    meetingId: string,
    participantId: string,
  ): Promise<{ id: string; role: ParticipantRole; attendance: string; reportSharedAt: Date | null } | null> {
    const [row] = (await this.db.query(
      `SELECT id, role, attendance, report_shared_at FROM meeting_participant WHERE id = $1 AND meeting_id = $2`,
      [participantId, meetingId],
    )) as Array<{ id: string; role: ParticipantRole; attendance: string; report_shared_at: Date | null }>;
    return row
      ? { id: row.id, role: row.role, attendance: row.attendance, reportSharedAt: row.report_shared_at }
      : null;
  }

  /** A participant's attendance, recorded by the viewer; a report date left out keeps what was recorded. */
  async recordParticipantAttendance(
    participantId: string,
    a: { status: ParticipantAttendance; reason: string | null; reportSharedAt: Date | null; recordedAt: Date },
  ): Promise<void> {
    await this.db.query(
      `UPDATE meeting_participant SET attendance = $2, reason = $3, report_shared_at = COALESCE($4, report_shared_at),
              recorded_by = $5, recorded_at = $6 WHERE id = $1`,
      [participantId, a.status, a.reason, a.reportSharedAt, this.access.viewer.sub, a.recordedAt],
    );
  }

  async insertDecision(meetingId: string, decision: string, decidedAt: Date): Promise<string> {
    const [d] = (await this.db.query(
      `INSERT INTO meeting_decision (meeting_id, decision, decided_by, decided_at) VALUES ($1, $2, $3, $4) RETURNING id`,
      [meetingId, decision, this.access.viewer.sub, decidedAt],
    )) as Array<{ id: string }>;
    return d!.id;
  }

  async insertAction(
    meetingId: string,
    a: {
      description: string;
      ownerAgency: string | null;
      ownerSub: string | null;
      ownerName: string | null;
      dueDate: string | null | undefined;
    },
  ): Promise<string> {
    const [row] = (await this.db.query(
      `INSERT INTO meeting_action (meeting_id, description, owner_agency, owner_sub, owner_name, due_date, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [meetingId, a.description, a.ownerAgency, a.ownerSub, a.ownerName, a.dueDate, this.access.viewer.sub],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  /** Attendance by agency in a period (counts only): see `attendanceByAgency`. */
  attendance(from: Date, to: Date, type: MeetingType | null) {
    return attendanceByAgency(this.db, from, to, type);
  }

  /** Required agencies none of whose invitees attended, by code. */
  async missingAgencies(meetingId: string): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT DISTINCT r.agency FROM meeting_invitee r WHERE r.meeting_id = $1 AND r.required
          AND NOT EXISTS (SELECT 1 FROM meeting_invitee a WHERE a.meeting_id = $1 AND a.agency = r.agency AND a.attendance IN (${quorumAttendanceSql()}))
        ORDER BY r.agency`,
      [meetingId],
    )) as Array<{ agency: string }>;
    return rows.map((r) => r.agency);
  }
}

/** Anything that runs SQL: the data source, or an entity manager inside a transaction (governance metrics). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface AgencyAttendance {
  agency: string;
  invited: number;
  attended: number;
  apologies: number;
  informationOnly: number;
  didNotAttend: number;
  notRecorded: number;
  attendanceRate: number | null;
  missedWhenRequired: number;
  reportsSubmitted: number;
  reportsSharedWithFamily: number;
}

/**
 * The definition of attendance, written once for `attendanceStatistics` and the governance metrics
 * (src/metrics): meetings HELD or COMPLETED whose scheduled time is in [from, to), optionally of one
 * type; invitees by agency and their recorded attendance. A meeting counts as not quorate when some
 * required agency did not attend. Counts only, never case content.
 */
export async function attendanceByAgency(
  db: Queryable,
  from: Date,
  to: Date,
  type: MeetingType | null,
): Promise<{ meetings: number; nonQuorateMeetings: number; byAgency: AgencyAttendance[] }> {
  const params = [from, to, type];
  const scope = `m.status IN ('HELD','COMPLETED') AND m.scheduled_at >= $1 AND m.scheduled_at < $2 AND ($3::text IS NULL OR m.type = $3)`;
  const missed = `(i.required AND NOT EXISTS (SELECT 1 FROM meeting_invitee a WHERE a.meeting_id = m.id AND a.agency = i.agency AND a.attendance IN (${quorumAttendanceSql()})))`;
  const byAgency = (await db.query(
    `SELECT i.agency,
            count(*)::int AS invited,
            count(*) FILTER (WHERE i.attendance = 'ATTENDED')::int AS attended,
            count(*) FILTER (WHERE i.attendance = 'SENT_APOLOGIES')::int AS apologies,
            count(*) FILTER (WHERE i.attendance = 'SENT_INFORMATION_ONLY')::int AS information_only,
            count(*) FILTER (WHERE i.attendance = 'DID_NOT_ATTEND')::int AS did_not_attend,
            count(*) FILTER (WHERE i.attendance = 'INVITED')::int AS not_recorded,
            count(*) FILTER (WHERE i.report_submitted_at IS NOT NULL)::int AS reports_submitted,
            count(*) FILTER (WHERE i.report_shared_with_family_at IS NOT NULL)::int AS reports_shared,
            count(DISTINCT m.id) FILTER (WHERE ${missed})::int AS missed_when_required
       FROM meeting m JOIN meeting_invitee i ON i.meeting_id = m.id
      WHERE ${scope}
      GROUP BY i.agency ORDER BY i.agency`,
    params,
  )) as Array<Record<string, number> & { agency: string }>;
  const [totals] = (await db.query(
    `SELECT count(*)::int AS meetings,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM meeting_invitee i WHERE i.meeting_id = m.id AND ${missed}))::int AS non_quorate
       FROM meeting m WHERE ${scope}`,
    params,
  )) as Array<{ meetings: number; non_quorate: number }>;
  return {
    meetings: totals!.meetings,
    nonQuorateMeetings: totals!.non_quorate,
    byAgency: byAgency.map((r) => ({
      agency: r.agency,
      invited: r.invited,
      attended: r.attended,
      apologies: r.apologies,
      informationOnly: r.information_only,
      didNotAttend: r.did_not_attend,
      notRecorded: r.not_recorded,
      attendanceRate: r.invited > 0 ? Math.round((r.attended / r.invited) * 1000) / 1000 : null,
      missedWhenRequired: r.missed_when_required,
      reportsSubmitted: r.reports_submitted,
      reportsSharedWithFamily: r.reports_shared,
    })),
  };
}
