import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { missingEpisodeRelationshipKindsSql, missingEpisodeScopeSql, Params } from '../access-policy/relationships';
import type { Guarded, RequestAccess } from '../access-policy/request-access';
import type { RelationshipKind } from '../access-policy/vocabulary';
import { readShape, type ShapeOf } from '../db/read-shape';
import { scopedKeysetSql } from '../shared/pagination';
import { MissingEpisodeEntity } from './missing-episode.entity';
import { RETURN_INTERVIEW_OFFER_HOURS, type MissingEpisodeStatus, type MissingFrom } from './vocabulary';

/**
 * Viewer-scoped reads and writes of missing episodes (ADR 018). The scope is in the SQL
 * (`missingEpisodeRelationshipKindsSql`): an episode outside it is not returned (not found). Every row
 * is guarded with the child as its subject and the recording agency as owner, so each read is audited.
 */

type Row = Record<string, unknown>;

/** The episode's own columns, described once by its entity (`readShape`, ADR 031). */
const EPISODE = readShape(MissingEpisodeEntity, 'e', [
  'id',
  'personId',
  'recordingAgency',
  'recordedByName',
  'missingFrom',
  'startedAt',
  'returnedAt',
  'circumstances',
  'interviewOfferedAt',
  'interviewOfferedByName',
  'interviewOutcome',
  'interviewOutcomeAt',
  'interviewConductedBy',
  'status',
  'exploitationFlagId',
  'version',
]);

export type MissingEpisodeView = ShapeOf<typeof EPISODE> & {
  /** Derived: the return plus 72 hours of clock time (null while missing). */
  interviewDueAt: Date | null;
  /** Derived: offered by the due time (null until offered). */
  interviewOfferedWithinTimescale: boolean | null;
  /** Derived: returned, not offered, and the due time has passed. */
  interviewOverdue: boolean;
  relationships: ReadonlySet<RelationshipKind>;
};

export interface MissingEpisodeFilter {
  personId?: string | null;
  status?: MissingEpisodeStatus[] | null;
  interviewOverdue?: boolean | null;
}

const DUE_SQL = `(e.returned_at + interval '${RETURN_INTERVIEW_OFFER_HOURS} hours')`;
const OVERDUE_SQL = `(e.status = 'RETURNED' AND ${DUE_SQL} < now())`;

const SELECT = (kinds: string, from = 'missing_episode e') => `
  SELECT ${EPISODE.select}, ${DUE_SQL} AS interview_due_at, ${OVERDUE_SQL} AS interview_overdue, rel.kinds
    FROM ${from}
    CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel`;

function toEpisode(r: Row): MissingEpisodeView {
  const own = EPISODE.view(r);
  const due = r.interview_due_at as Date | null;
  const offered = own.interviewOfferedAt;
  return {
    ...own,
    interviewDueAt: due,
    interviewOfferedWithinTimescale: offered && due ? offered.getTime() <= due.getTime() : null,
    interviewOverdue: r.interview_overdue as boolean,
    relationships: new Set(r.kinds as RelationshipKind[]),
  };
}

export class MissingEpisodesRepository {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  private guardEpisode(row: Row): Guarded<MissingEpisodeView> {
    const view = toEpisode(row);
    return this.access.guard(
      view,
      { owner: view.recordingAgency, relationships: view.relationships },
      [view.personId],
      view.id,
    );
  }

  private readonly loader = new DataLoader<string, Guarded<MissingEpisodeView> | null>(async (ids) => {
    const p = new Params([ids]);
    const kinds = missingEpisodeRelationshipKindsSql(this.access.viewer, 'e.id', p);
    const rows: Row[] = await this.db.query(
      `${SELECT(kinds)} WHERE e.id = ANY($1::uuid[]) AND cardinality(rel.kinds) > 0`,
      p.values,
    );
    const found = new Map(rows.map((r) => [r.id as string, this.guardEpisode(r)]));
    return ids.map((id) => found.get(id) ?? null);
  });

  /** The episode if the viewer's scope reaches it; otherwise null (not found). */
  findEpisode(id: string): Promise<Guarded<MissingEpisodeView> | null> {
    return this.loader.load(id);
  }

  /** The episode as it is now (after a change in this request), through the same scope. */
  reload(id: string): Promise<Guarded<MissingEpisodeView> | null> {
    this.loader.clear(id);
    return this.loader.load(id);
  }

  /** Episodes in scope, oldest first by start (then id), keyset-paginated: a worklist, the longest-waiting first. */
  async list(
    filter: MissingEpisodeFilter,
    limit: number,
    after: [string, string] | null,
  ): Promise<{ rows: Guarded<MissingEpisodeView>[]; hasNext: boolean }> {
    const p = new Params();
    const kinds = missingEpisodeRelationshipKindsSql(this.access.viewer, 'e.id', p);
    const scope = missingEpisodeScopeSql(this.access.viewer, 'e.id', p);
    const where: string[] = [];
    if (filter.personId) where.push(`e.person_id = ${p.add(filter.personId)}::uuid`);
    if (filter.status?.length) where.push(`e.status = ANY(${p.add(filter.status)}::text[])`);
    if (filter.interviewOverdue != null) where.push(`${filter.interviewOverdue ? '' : 'NOT '}${OVERDUE_SQL}`);
    if (after) where.push(`(e.started_at, e.id) > (${p.add(after[0])}::timestamptz, ${p.add(after[1])}::uuid)`);
    const keys = ['e.started_at', 'e.id'];
    const page = scopedKeysetSql({ from: 'missing_episode e', keys, scope, where, limit: p.add(limit + 1) });
    const rows: Row[] = await this.db.query(
      `${SELECT(kinds, `(${page}) page JOIN missing_episode e ON e.id = page.id`)} ORDER BY ${keys.join(', ')}`,
      p.values,
    );
    return { rows: rows.slice(0, limit).map((r) => this.guardEpisode(r)), hasNext: rows.length > limit };
  }

  /**
   * Whether the child is known to children's social care when the episode is recorded: a referral
   * about them, or a social care agency holding them. A fact for the board's counts, never released.
   */
  async knownToSocialCare(personId: string, socialCareAgencies: readonly string[]): Promise<boolean> {
    const [row] = (await this.db.query(
      `SELECT (EXISTS (SELECT 1 FROM referral_subject rs WHERE rs.person_id = $1)
            OR EXISTS (SELECT 1 FROM agency_record ar WHERE ar.person_id = $1 AND ar.owning_agency = ANY($2::text[]))
            OR EXISTS (SELECT 1 FROM person_source ps WHERE ps.person_id = $1 AND ps.agency_code = ANY($2::text[]))) AS known`,
      [personId, socialCareAgencies],
    )) as Array<{ known: boolean }>;
    return row!.known;
  }

  /** A new episode recorded by the viewer's agency; returns its id. */
  async insert(e: {
    personId: string;
    missingFrom: MissingFrom;
    startedAt: Date;
    returnedAt: Date | null;
    circumstances: string | null;
    knownToSocialCare: boolean;
    exploitationFlagId: string | null;
  }): Promise<string> {
    const v = this.access.viewer;
    const [row] = (await this.db.query(
      `INSERT INTO missing_episode (person_id, recording_agency, recorded_by_sub, recorded_by_name, missing_from, started_at, returned_at,
                                    known_to_social_care, circumstances, status, exploitation_flag_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        e.personId,
        v.agency,
        v.sub,
        v.name,
        e.missingFrom,
        e.startedAt,
        e.returnedAt,
        e.knownToSocialCare,
        e.circumstances,
        e.returnedAt ? 'RETURNED' : 'MISSING',
        e.exploitationFlagId,
      ],
    )) as Array<{ id: string }>;
    return row!.id;
  }
}
