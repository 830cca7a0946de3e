import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { idsMatchSql, Params, relationshipKindsSql } from '../access-policy/relationships';
import { queryPrepared } from '../db/prepared';
import { GUARD, type Guarded, type RequestAccess } from '../access-policy/request-access';
import type { Viewer } from '../access-policy/viewer';
import type { RelationshipKind } from '../access-policy/vocabulary';
import { RECORD_TYPES, type RecordType } from '../access-policy/record-types';
import { readShape, type ShapeOf } from '../db/read-shape';
import { PersonEntity, PersonRelationshipEntity } from './person.entity';
import { findPersonIdBySource } from './person-sources.repository';
import type { IdentifierType } from './vocabulary';

/**
 * Viewer-scoped reads of people and their agency records. Row scope is part of every query
 * (a person outside the viewer's relationships is simply not returned); every returned object is
 * guarded so its fields are released or redacted by the access policy and recorded for the audit.
 */

/** A person's own columns, described once by the entity (`readShape`, ADR 031): every read of a person selects these. */
const PERSON = readShape(PersonEntity, 'p', [
  'id',
  'kind',
  'givenName',
  'familyName',
  'otherNames',
  'dateOfBirth',
  'expectedDateOfDelivery',
  'sex',
  'nhsNumber',
  'pncId',
  'laPersonId',
  'upn',
  'address',
  'postcode',
  'ethnicity',
  'firstLanguage',
  'religion',
  'disability',
  'updatedAt',
  'version',
]);
export type PersonView = ShapeOf<typeof PERSON>;

/** What the related person is to the person: the relationship's own column (ADR 031), beside the related person. */
const RELATIONSHIP = readShape(PersonRelationshipEntity, 'r', ['type']);
export type RelationshipView = ShapeOf<typeof RELATIONSHIP> & { relatedPerson: Guarded<PersonView> };

export interface MatchView {
  score: number;
  reasons: string[];
  person: Guarded<PersonView>;
}

/**
 * The people whose ids the SQL `ids` yields (a sub-query) that the viewer has a relationship with:
 * their columns and kinds, as `personLoader` reads them. For a page statement that brings its rows'
 * people along (`adoptPeople`), so that they cost no statement of their own (ADR 020).
 */
export function peopleInScopeSql(viewer: Viewer, ids: string, p: Params): string {
  return `SELECT ${PERSON.select}, rel.kinds
         FROM person p
         CROSS JOIN LATERAL (SELECT ${relationshipKindsSql(viewer, 'p.id', p)} AS kinds OFFSET 0) rel
        WHERE p.id IN (${ids}) AND cardinality(rel.kinds) > 0`;
}

const IDENTIFIER_COLUMN: Record<IdentifierType, string> = {
  NHS_NUMBER: 'nhs_number',
  PNC_ID: 'pnc_id',
  LA_PERSON_ID: 'la_person_id',
  UPN: 'upn',
};

type Row = Record<string, unknown>;

export class PeopleRepository {
  /** Relationship kinds of every person reached in this request (their records inherit them: `AgencyRecordsRepository`). */
  private readonly reached = new Map<string, ReadonlySet<RelationshipKind>>();

  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  private guardPerson(row: Row): Guarded<PersonView> {
    const kinds = new Set(row.kinds as RelationshipKind[]);
    this.reached.set(row.id as string, kinds);
    return this.access.guard(PERSON.view(row), { owner: null, relationships: kinds }, [row.id as string]);
  }

  /**
   * Reading under purpose BREAK_GLASS: the open break-glass that grants it goes into the audit event
   * (id and reason). One per operation; a read of several people under break-glass records the latest.
   */
  private async noteBreakGlass(rows: Row[]): Promise<void> {
    if (this.access.purpose !== 'BREAK_GLASS' || this.access.breakGlass) return;
    const ids = rows.filter((r) => (r.kinds as string[]).includes('BREAK_GLASS')).map((r) => r.id as string);
    if (ids.length === 0) return;
    const open: Array<{ id: string; reason: string }> = await this.db.query(
      `SELECT id, reason FROM break_glass
        WHERE person_id = ANY($1::uuid[]) AND actor_sub = $2 AND actor_agency = $3 AND expires_at > now()
        ORDER BY opened_at DESC LIMIT 1`,
      [ids, this.access.viewer.sub, this.access.viewer.agency],
    );
    if (open[0]) this.access.breakGlass = { id: open[0].id, reason: open[0].reason };
  }

  /** The person the viewer's agency knows by its own source reference (only its own sources are searched). */
  ownPersonIdBySource(sourceSystem: string, sourceReference: string): Promise<string | undefined> {
    return findPersonIdBySource(this.db, this.access.viewer.agency, sourceSystem, sourceReference);
  }

  /** A relationship recorded by the viewer's agency; null if it was already recorded. */
  async addRelationship(personId: string, relatedPersonId: string, type: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.db.query(
      `INSERT INTO person_relationship (person_id, related_person_id, type, recorded_by_agency) VALUES ($1, $2, $3, $4)
       ON CONFLICT (partnership_id, person_id, related_person_id, type) DO NOTHING RETURNING id`,
      [personId, relatedPersonId, type, this.access.viewer.agency],
    );
    return rows[0]?.id ?? null;
  }

  /** How many of these records are the viewer's agency's own records about these people (shared in a check's answer). */
  async countOwnRecordsAbout(recordIds: string[], personIds: readonly string[]): Promise<number> {
    const [{ n }] = (await this.db.query(
      `SELECT count(*)::int AS n FROM agency_record WHERE id = ANY($1::uuid[]) AND owning_agency = $2 AND person_id = ANY($3::uuid[])`,
      [recordIds, this.access.viewer.agency, personIds],
    )) as [{ n: number }];
    return n;
  }

  /** Relationship kinds of the viewer with a person already reached in this request. */
  relationshipsOf(personId: string): ReadonlySet<RelationshipKind> | undefined {
    return this.reached.get(personId);
  }

  // The look-ups by id are named prepared statements: their relationship sources take far longer
  // to plan than to run (ADR 020). Their text depends only on the viewer's roles, never on values.
  // `OFFSET 0` keeps the kinds a sub-query: computed once per person, not again for the filter,
  // and each source looked up by the person's id rather than hashed over its whole table.
  private readonly personLoader = new DataLoader<string, Guarded<PersonView> | null>(async (ids) => {
    const p = new Params();
    const match = idsMatchSql('p.id', ids, p);
    const rows = await queryPrepared<Row>(
      this.db,
      `SELECT ${PERSON.select}, rel.kinds
         FROM person p
         CROSS JOIN LATERAL (SELECT ${relationshipKindsSql(this.access.viewer, 'p.id', p)} AS kinds OFFSET 0) rel
        WHERE ${match} AND cardinality(rel.kinds) > 0`,
      p.values,
    );
    await this.noteBreakGlass(rows);
    const byId = new Map(rows.map((r) => [r.id as string, this.guardPerson(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  /** The person if the viewer has a legitimate relationship with them; otherwise null (not found). */
  findPerson(id: string): Promise<Guarded<PersonView> | null> {
    return this.personLoader.load(id);
  }

  /**
   * People another statement of this request read with `peopleInScopeSql` (as JSON: a timestamp is
   * a string there), taken as `findPerson` would have found them: guarded the same way, and every id
   * of `ids` without a row is not found. `findPerson` then answers them without a statement.
   */
  async adoptPeople(ids: readonly string[], jsonRows: readonly Row[]): Promise<void> {
    const rows: Row[] = jsonRows.map((r) => ({ ...r, ...PERSON.viewOfJson(r) }));
    await this.noteBreakGlass(rows);
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    for (const id of new Set(ids)) {
      const row = byId.get(id);
      this.personLoader.prime(id, row ? this.guardPerson(row) : null);
    }
  }

  private readonly relationshipsLoader = new DataLoader<string, RelationshipView[]>(async (personIds) => {
    const p = new Params();
    const match = idsMatchSql('r.person_id', personIds, p);
    const rows = await queryPrepared<Row>(
      this.db,
      `SELECT r.person_id AS of_person, ${RELATIONSHIP.select}, ${PERSON.select}, rel.kinds
         FROM person_relationship r
         JOIN person p ON p.id = r.related_person_id
         CROSS JOIN LATERAL (SELECT ${relationshipKindsSql(this.access.viewer, 'p.id', p)} AS kinds OFFSET 0) rel
        WHERE ${match} AND cardinality(rel.kinds) > 0
        ORDER BY r.type, p.family_name, p.given_name`,
      p.values,
    );
    await this.noteBreakGlass(rows);
    const grouped = new Map<string, RelationshipView[]>(personIds.map((id) => [id, []]));
    for (const r of rows) {
      const ofPerson = r.of_person as string;
      const view = { ...RELATIONSHIP.view(r), relatedPerson: this.guardPerson(r) };
      grouped
        .get(ofPerson)!
        .push(this.access.guard(view, { owner: null, relationships: this.reached.get(ofPerson)! }, [ofPerson]));
    }
    return personIds.map((id) => grouped.get(id)!);
  });

  /** Relationships whose related person the viewer may also reach; the others are not disclosed. */
  relationshipsOfPerson(personId: string): Promise<RelationshipView[]> {
    return this.relationshipsLoader.load(personId);
  }

  /** Exact identifier match within the viewer's scope. */
  async searchByIdentifier(type: IdentifierType, value: string, limit: number): Promise<MatchView[]> {
    const p = new Params([value, limit]);
    const rows: Row[] = await this.db.query(
      `SELECT ${PERSON.select}, rel.kinds
         FROM person p
         CROSS JOIN LATERAL (SELECT ${relationshipKindsSql(this.access.viewer, 'p.id', p)} AS kinds) rel
        WHERE p.${IDENTIFIER_COLUMN[type]} = $1 AND cardinality(rel.kinds) > 0
        LIMIT $2`,
      p.values,
    );
    await this.noteBreakGlass(rows);
    return rows.map((r) => this.matchView(r, 1, [`${type}_EXACT`]));
  }

  /**
   * Name (+ date of birth) matching within the viewer's scope: trigram similarity and double
   * metaphone on names, exact or day/month-transposed date of birth.
   */
  async searchByName(
    input: { givenName: string | null; familyName: string; dateOfBirth: string | null },
    limit: number,
  ): Promise<MatchView[]> {
    const swapped = transposeDayMonth(input.dateOfBirth);
    const p = new Params([
      input.familyName.toLowerCase(),
      (input.givenName ?? '').toLowerCase(),
      input.dateOfBirth,
      swapped,
    ]);
    const rows: Row[] = await this.db.query(
      `SELECT ${PERSON.select}, rel.kinds,
              similarity(lower(p.family_name), $1) AS family_sim,
              similarity(lower(p.given_name), $2) AS given_sim,
              (dmetaphone(p.family_name) = dmetaphone($1)) AS family_sound,
              ($2 <> '' AND dmetaphone(p.given_name) = dmetaphone($2)) AS given_sound,
              (p.date_of_birth = $3::date) AS dob_exact,
              (p.date_of_birth = $4::date) AS dob_transposed
         FROM person p
         CROSS JOIN LATERAL (SELECT ${relationshipKindsSql(this.access.viewer, 'p.id', p)} AS kinds) rel
        WHERE (lower(p.family_name) % $1 OR dmetaphone(p.family_name) = dmetaphone($1))
          AND ($3::date IS NULL OR p.date_of_birth = $3::date OR p.date_of_birth = $4::date)
          AND cardinality(rel.kinds) > 0
        ORDER BY similarity(lower(p.family_name), $1) DESC, p.id
        LIMIT 200`,
      p.values,
    );
    await this.noteBreakGlass(rows);
    const scored = rows.map((r) => {
      const reasons: string[] = [];
      const familySim = Number(r.family_sim);
      const givenSim = Number(r.given_sim);
      let family = familySim;
      if (familySim === 1) reasons.push('FAMILY_NAME_EXACT');
      else if (r.family_sound) {
        family = Math.max(familySim, 0.85);
        reasons.push('FAMILY_NAME_SOUNDS_ALIKE');
      } else reasons.push(`FAMILY_NAME_SIMILAR(${familySim.toFixed(2)})`);
      let given = input.givenName ? givenSim : 0.5;
      if (input.givenName) {
        if (givenSim === 1) reasons.push('GIVEN_NAME_EXACT');
        else if (r.given_sound) {
          given = Math.max(givenSim, 0.85);
          reasons.push('GIVEN_NAME_SOUNDS_ALIKE');
        } else if (givenSim > 0) reasons.push(`GIVEN_NAME_SIMILAR(${givenSim.toFixed(2)})`);
      }
      let dob = 0;
      if (r.dob_exact) {
        dob = 1;
        reasons.push('DATE_OF_BIRTH_EXACT');
      } else if (r.dob_transposed) {
        dob = 0.8;
        reasons.push('DATE_OF_BIRTH_DAY_MONTH_TRANSPOSED');
      }
      const score = input.dateOfBirth ? 0.4 * family + 0.3 * given + 0.3 * dob : 0.6 * family + 0.4 * given;
      return { r, score: Math.round(score * 1000) / 1000, reasons };
    });
    scored.sort((a, b) => b.score - a.score || String(a.r.id).localeCompare(String(b.r.id)));
    return scored.slice(0, limit).map(({ r, score, reasons }) => this.matchView(r, score, reasons));
  }

  private matchView(r: Row, score: number, reasons: string[]): MatchView {
    const person = this.guardPerson(r);
    return this.access.guard({ score, reasons, person }, { owner: null, relationships: this.reached.get(person.id)! }, [
      person.id,
    ]);
  }
}

/** 2014-03-07 -> 2014-07-03 when both parts could be a month; otherwise null. */
export function transposeDayMonth(iso: string | null): string | null {
  if (!iso) return null;
  const [y, m, d] = iso.split('-');
  if (!y || !m || !d || m === d || Number(d) > 12) return null;
  return `${y}-${d}-${m}`;
}

export function recordAgencyKind(type: RecordType): string {
  return RECORD_TYPES[type];
}

/** Wraps a payload so it is released under the same subject as the person it is about. */
export function guardLike<T extends object>(access: RequestAccess, row: T, like: Guarded<object>): Guarded<T> {
  const info = like[GUARD];
  return access.guard(row, info.subject, info.personIds, info.recordId);
}
