import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { ladoRelationshipKindsSql, ladoScopeSql, Params } from '../access-policy/relationships';
import type { Guarded, RequestAccess } from '../access-policy/request-access';
import type { RelationshipKind } from '../access-policy/vocabulary';
import { scopedKeysetSql } from '../shared/pagination';
import {
  resolutionBandSql,
  type AllegationCategory,
  type AllegationOutcome,
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

export interface AllegationView {
  id: string;
  childPersonId: string | null;
  ladoAgency: string;
  recordedByName: string;
  employerAgency: string;
  employerName: string;
  sector: LadoSector;
  category: AllegationCategory;
  adultName: string;
  adultRole: string;
  adultDateOfBirth: string | null;
  receivedAt: Date;
  meetingAt: Date | null;
  employerInvited: boolean | null;
  status: AllegationStatus;
  outcome: AllegationOutcome | null;
  outcomeAt: Date | null;
  resolutionBand: ResolutionBand | null;
  dbsReferredAt: Date | null;
  version: number;
  relationships: ReadonlySet<RelationshipKind>;
}

export interface AllegationFilter {
  status?: AllegationStatus[] | null;
  employerAgency?: string | null;
}

const SELECT = (kinds: string, from = 'lado_allegation l') => `
  SELECT l.id, l.child_person_id, l.lado_agency, l.recorded_by_name, l.employer_agency, l.employer_name, l.sector, l.category,
         l.adult_name, l.adult_role, l.adult_date_of_birth::text AS adult_date_of_birth, l.received_at, l.meeting_at, l.employer_invited,
         l.status, l.outcome, l.outcome_at, ${resolutionBandSql('l.received_at', 'l.outcome_at')} AS resolution_band, l.dbs_referred_at, l.version, rel.kinds
    FROM ${from}
    CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel`;

function toAllegation(r: Row): AllegationView {
  return {
    id: r.id as string,
    childPersonId: r.child_person_id as string | null,
    ladoAgency: r.lado_agency as string,
    recordedByName: r.recorded_by_name as string,
    employerAgency: r.employer_agency as string,
    employerName: r.employer_name as string,
    sector: r.sector as LadoSector,
    category: r.category as AllegationCategory,
    adultName: r.adult_name as string,
    adultRole: r.adult_role as string,
    adultDateOfBirth: r.adult_date_of_birth as string | null,
    receivedAt: r.received_at as Date,
    meetingAt: r.meeting_at as Date | null,
    employerInvited: r.employer_invited as boolean | null,
    status: r.status as AllegationStatus,
    outcome: r.outcome as AllegationOutcome | null,
    outcomeAt: r.outcome_at as Date | null,
    resolutionBand: r.resolution_band as ResolutionBand | null,
    dbsReferredAt: r.dbs_referred_at as Date | null,
    version: r.version as number,
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
