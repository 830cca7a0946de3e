import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { ladoRelationshipKindsSql, ladoScopeSql, Params } from '../access-policy/relationships';
import type { Guarded, RequestAccess } from '../access-policy/request-access';
import type { RelationshipKind } from '../access-policy/vocabulary';
import { readShape, type ShapeOf } from '../db/read-shape';
import { scopedKeysetSql } from '../shared/pagination';
import { LadoAllegationEntity } from './lado-allegation.entity';
import {
  resolutionBandSql,
  type AllegationCategory,
  type AllegationStatus,
  type LadoSector,
  type ResolutionBand,
} from './vocabulary';

/**
 * Viewer-scoped reads and writes of LADO allegations (ADR 018). The scope is in the SQL
 * (`ladoRelationshipKindsSql`). An allegation has no owning agency (`owner: null`): what a viewer reads
 * follows from its relationship alone, and only LADO_ALLEGATION releases the adult's sealed details.
 * Its subject for the audit is the child, when known; every read is audited regardless (the service
 * marks the operations "always audit").
 */

type Row = Record<string, unknown>;

/**
 * The allegation as read: the table's own columns, described once by the entity (`readShape`, ADR
 * 031), plus what the read computes (the KCSIE resolution band, the viewer's relationships).
 */
const ALLEGATION = readShape(LadoAllegationEntity, 'l', [
  'id',
  'childPersonId',
  'ladoAgency',
  'recordedByName',
  'employerAgency',
  'employerName',
  'sector',
  'category',
  'adultName',
  'adultRole',
  'adultDateOfBirth',
  'receivedAt',
  'meetingAt',
  'employerInvited',
  'status',
  'outcome',
  'outcomeAt',
  'dbsReferredAt',
  'version',
]);

export type AllegationView = ShapeOf<typeof ALLEGATION> & {
  resolutionBand: ResolutionBand | null;
  relationships: ReadonlySet<RelationshipKind>;
};

export interface AllegationFilter {
  status?: AllegationStatus[] | null;
  employerAgency?: string | null;
}

const SELECT = (kinds: string, from = 'lado_allegation l') => `
  SELECT ${ALLEGATION.select}, ${resolutionBandSql('l.received_at', 'l.outcome_at')} AS resolution_band, rel.kinds
    FROM ${from}
    CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel`;

function toAllegation(r: Row): AllegationView {
  return {
    ...ALLEGATION.view(r),
    resolutionBand: r.resolution_band as ResolutionBand | null,
    relationships: new Set(r.kinds as RelationshipKind[]),
  };
}

export class LadoRepository {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  private guardAllegation(row: Row): Guarded<AllegationView> {
    const view = toAllegation(row);
    return this.access.guard(
      view,
      { owner: null, relationships: view.relationships },
      view.childPersonId ? [view.childPersonId] : [],
      view.id,
    );
  }

  private readonly loader = new DataLoader<string, Guarded<AllegationView> | null>(async (ids) => {
    const p = new Params([ids]);
    const kinds = ladoRelationshipKindsSql(this.access.viewer, 'l.id', p);
    const rows: Row[] = await this.db.query(
      `${SELECT(kinds)} WHERE l.id = ANY($1::uuid[]) AND cardinality(rel.kinds) > 0`,
      p.values,
    );
    const found = new Map(rows.map((r) => [r.id as string, this.guardAllegation(r)]));
    return ids.map((id) => found.get(id) ?? null);
  });

  findAllegation(id: string): Promise<Guarded<AllegationView> | null> {
    return this.loader.load(id);
  }

  reload(id: string): Promise<Guarded<AllegationView> | null> {
    this.loader.clear(id);
    return this.loader.load(id);
  }

  /** Allegations in scope, oldest received first (then id), keyset-paginated. */
  async list(
    filter: AllegationFilter,
    limit: number,
    after: [string, string] | null,
  ): Promise<{ rows: Guarded<AllegationView>[]; hasNext: boolean }> {
    const p = new Params();
    const kinds = ladoRelationshipKindsSql(this.access.viewer, 'l.id', p);
    const scope = ladoScopeSql(this.access.viewer, 'l.id', p);
    const where: string[] = [];
    if (filter.status?.length) where.push(`l.status = ANY(${p.add(filter.status)}::text[])`);
    if (filter.employerAgency) where.push(`l.employer_agency = ${p.add(filter.employerAgency)}`);
    if (after) where.push(`(l.received_at, l.id) > (${p.add(after[0])}::timestamptz, ${p.add(after[1])}::uuid)`);
    const keys = ['l.received_at', 'l.id'];
    const page = scopedKeysetSql({ from: 'lado_allegation l', keys, scope, where, limit: p.add(limit + 1) });
    const rows: Row[] = await this.db.query(
      `${SELECT(kinds, `(${page}) page JOIN lado_allegation l ON l.id = page.id`)} ORDER BY ${keys.join(', ')}`,
      p.values,
    );
    return { rows: rows.slice(0, limit).map((r) => this.guardAllegation(r)), hasNext: rows.length > limit };
  }

  /** Whether a child (or unborn child) with this id exists: the LADO names a child without reading their record. */
  async childExists(personId: string): Promise<boolean> {
    const [row] = (await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM person WHERE id = $1 AND kind IN ('CHILD', 'UNBORN')) AS found`,
      [personId],
    )) as Array<{ found: boolean }>;
    return row!.found;
  }

  async insert(a: {
    childPersonId: string | null;
    employerAgency: string;
    employerName: string;
    sector: LadoSector;
    category: AllegationCategory;
    adultName: string;
    adultRole: string;
    adultDateOfBirth: string | null;
    receivedAt: Date;
  }): Promise<string> {
    const v = this.access.viewer;
    const [row] = (await this.db.query(
      `INSERT INTO lado_allegation (child_person_id, lado_agency, recorded_by_sub, recorded_by_name, employer_agency, employer_name, sector, category,
                                    adult_name, adult_role, adult_date_of_birth, received_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'OPEN') RETURNING id`,
      [
        a.childPersonId,
        v.agency,
        v.sub,
        v.name,
        a.employerAgency,
        a.employerName,
        a.sector,
        a.category,
        a.adultName,
        a.adultRole,
        a.adultDateOfBirth,
        a.receivedAt,
      ],
    )) as Array<{ id: string }>;
    return row!.id;
  }
}
