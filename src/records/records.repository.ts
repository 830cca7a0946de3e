import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { orderWithoutOracle } from '../access-policy/filter-policy';
import { idsMatchSql, Params } from '../access-policy/relationships';
import type { Guarded, RequestAccess } from '../access-policy/request-access';
import type { SensitivityClass } from '../access-policy/vocabulary';
import { queryPrepared } from '../db/prepared';
import { readShape, type ShapeOf } from '../db/read-shape';
import { peopleInScopeSql, type PeopleRepository, type PersonView } from '../people/people.repository';
import { AgencyRecordEntity } from './agency-record.entity';

/** A record's own columns, described once by its entity (`readShape`, ADR 031). */
const RECORD = readShape(AgencyRecordEntity, 'a', [
  'id',
  'personId',
  'owningAgency',
  'recordType',
  'occurredAt',
  'summary',
  'data',
  'sourceSystem',
  'sourceReference',
  'recordedBy',
  'recordedAt',
  'version',
]);

/**
 * A record as read: its columns, and beside them the fields its record type keeps in `data`
 * (validated by `record-types.ts` on the way in; a column wins over a data key of the same name).
 */
export type RecordView = Omit<ShapeOf<typeof RECORD>, 'data'> & Record<string, unknown>;

function toRecord(row: Record<string, unknown>, asJson = false): RecordView {
  const { data, ...own } = asJson ? RECORD.viewOfJson(row) : RECORD.view(row);
  return { ...data, ...own };
}

/**
 * A person's records are listed newest first by `occurredAt`; records whose date the viewer may not
 * read follow, by owning agency and (random) id, so their place says nothing about their date.
 */
export const RECORDS_ORDERED_BY = { coordinate: 'AgencyRecord.occurredAt', cls: 'SHARED_SUMMARY' } as const satisfies {
  coordinate: string;
  cls: SensitivityClass;
};
const byAgencyThenId = (a: RecordView, b: RecordView) =>
  a.owningAgency.localeCompare(b.owningAgency) || a.id.localeCompare(b.id);

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
 * Records about people, read through the person: only a person the request already reached in scope
 * (`PeopleRepository`) has records read, each guarded with that person's relationship kinds and its
 * owning agency. The upserts are the viewer's agency's own records: every such statement is limited
 * to the viewer's agency.
 */
export class AgencyRecordsRepository {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
    private readonly people: PeopleRepository,
  ) {}

  private guardRecord(view: RecordView): Guarded<RecordView> {
    const kinds = this.people.relationshipsOf(view.personId);
    // Records are only reached through a person already in scope; anything else is a bug.
    if (!kinds) throw new Error('record reached without its person in scope');
    return this.access.guard(view, { owner: view.owningAgency, relationships: kinds }, [view.personId], view.id);
  }

  // A named prepared statement, like the person look-ups (ADR 020): its text depends only on the batch size.
  private readonly recordsLoader = new DataLoader<string, Guarded<RecordView>[]>(async (personIds) => {
    const p = new Params();
    const rows = await queryPrepared<Record<string, unknown>>(
      this.db,
      `SELECT ${RECORD.select}
         FROM agency_record a WHERE ${idsMatchSql('a.person_id', personIds, p)}
        ORDER BY a.occurred_at DESC, a.id`,
      p.values,
    );
    return this.recordsByPerson(
      personIds,
      rows.map((r) => toRecord(r)),
    );
  });

  /** Records (newest first) guarded and grouped by person, each list in the order that says nothing withheld. */
  private recordsByPerson(personIds: readonly string[], views: RecordView[]): Guarded<RecordView>[][] {
    const grouped = new Map<string, Guarded<RecordView>[]>(personIds.map((id) => [id, []]));
    for (const view of views) grouped.get(view.personId)!.push(this.guardRecord(view));
    return personIds.map((id) =>
      orderWithoutOracle(this.access, grouped.get(id)!, RECORDS_ORDERED_BY.cls, byAgencyThenId),
    );
  }

  /** Records about a person already reached in this request (scoped through that person). */
  recordsOf(personId: string): Promise<Guarded<RecordView>[]> {
    return this.recordsLoader.load(personId);
  }

  /**
   * A person and their records in one statement (issue 21 §3: a person view is one round trip, as
   * the compiled peer's is): the person as `findPerson` reads them (in scope, with the viewer's
   * relationship kinds), and beside them their records as JSON, read only for a person in scope.
   * Both are adopted as if read on their own, so `findPerson` and `recordsOf` answer them without a
   * statement and the guard and the audit see exactly what they would have. Null when the person
   * is not in scope (or does not exist): then no record was read.
   */
  async findPersonWithRecords(personId: string): Promise<Guarded<PersonView> | null> {
    const p = new Params();
    const id = `${p.add(personId)}::uuid`;
    const [row] = await queryPrepared<Record<string, unknown>>(
      this.db,
      `SELECT pp.*,
              (SELECT coalesce(json_agg(rr ORDER BY rr."occurredAt" DESC, rr.id), '[]')
                 FROM (SELECT ${RECORD.select} FROM agency_record a WHERE a.person_id = pp.id) rr) AS records
         FROM (${peopleInScopeSql(this.access.viewer, id, p)}) pp`,
      p.values,
    );
    const { records, ...person } = row ?? {};
    await this.people.adoptPeople([personId], row ? [person] : []);
    if (row) {
      const views = (records as Array<Record<string, unknown>>).map((r) => toRecord(r, true));
      this.recordsLoader.prime(personId, this.recordsByPerson([personId], views)[0]!);
    }
    return this.people.findPerson(personId);
  }

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
