import type { DataSource, EntityManager } from 'typeorm';
import type { RequestAccess } from '../access-policy/request-access';

/** The fields of an agency record as its owning agency sends them. */
export interface RecordWrite {
  personId: string;
  recordType: string;
  occurredAt: Date;
  summary: string;
  data: Record<string, unknown>;
  recordedBy: string;
  recordedAt: Date;
  contentHash: string;
}

/**
 * The viewer's agency's own records, for its upserts (reads of records go through the people
 * repository, guarded with their person). Every statement is limited to the viewer's agency.
 */
export class AgencyRecordsRepository {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  /** The agency's record with this source reference, locked until the transaction ends. */
  async lockOwnBySource(sourceSystem: string, sourceReference: string): Promise<Record<string, unknown> | null> {
    const existing: Array<Record<string, unknown>> = await this.db.query(
      `SELECT id, person_id, record_type, occurred_at, summary, data, recorded_by, recorded_at, content_hash
         FROM agency_record WHERE owning_agency = $1 AND source_system = $2 AND source_ref = $3 FOR UPDATE`,
      [this.access.viewer.agency, sourceSystem, sourceReference],
    );
    return existing[0] ?? null;
  }

  async update(recordId: string, r: Omit<RecordWrite, 'personId'>): Promise<void> {
    await this.db.query(
      `UPDATE agency_record SET record_type = $2, occurred_at = $3, summary = $4, data = $5, recorded_by = $6,
              recorded_at = $7, content_hash = $8, updated_at = now(), version = version + 1 WHERE id = $1 AND owning_agency = $9`,
      [
        recordId,
        r.recordType,
        r.occurredAt,
        r.summary,
        r.data,
        r.recordedBy,
        r.recordedAt,
        r.contentHash,
        this.access.viewer.agency,
      ],
    );
  }

  async insert(r: RecordWrite & { sourceSystem: string; sourceReference: string }): Promise<string> {
    const rows: Array<{ id: string }> = await this.db.query(
      `INSERT INTO agency_record (person_id, owning_agency, record_type, occurred_at, summary, data, source_system,
                                  source_ref, recorded_by, recorded_at, content_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        r.personId,
        this.access.viewer.agency,
        r.recordType,
        r.occurredAt,
        r.summary,
        r.data,
        r.sourceSystem,
        r.sourceReference,
        r.recordedBy,
        r.recordedAt,
        r.contentHash,
      ],
    );
    return rows[0]!.id;
  }
}
