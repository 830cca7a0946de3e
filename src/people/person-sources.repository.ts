import type { DataSource, EntityManager } from 'typeorm';

/**
 * Resolves an agency's own reference to a person (source system + source reference, as sent in
 * a person upsert) to the hub's person id. Only the agency's own sources are searched, so an
 * agency can never reach someone else's person through a reference.
 */
export async function findPersonIdBySource(
  db: DataSource | EntityManager,
  agency: string,
  sourceSystem: string,
  sourceReference: string,
): Promise<string | undefined> {
  const rows: Array<{ person_id: string }> = await db.query(
    `SELECT person_id FROM person_source WHERE agency_code = $1 AND source_system = $2 AND source_ref = $3`,
    [agency, sourceSystem, sourceReference],
  );
  return rows[0]?.person_id;
}

export interface SourceRef {
  agency: string;
  sourceSystem: string;
  sourceReference: string;
}

/** An agency's source of a person, locked until the transaction ends (the upsert's serialisation point). */
export async function lockSource(
  m: EntityManager,
  s: SourceRef,
): Promise<{ personId: string; contentHash: string } | null> {
  const rows: Array<{ person_id: string; content_hash: string }> = await m.query(
    `SELECT person_id, content_hash FROM person_source
      WHERE agency_code = $1 AND source_system = $2 AND source_ref = $3 FOR UPDATE`,
    [s.agency, s.sourceSystem, s.sourceReference],
  );
  return rows[0] ? { personId: rows[0].person_id, contentHash: rows[0].content_hash } : null;
}

export async function setSourceHash(m: EntityManager, s: SourceRef, contentHash: string): Promise<void> {
  await m.query(
    `UPDATE person_source SET content_hash = $4 WHERE agency_code = $1 AND source_system = $2 AND source_ref = $3`,
    [s.agency, s.sourceSystem, s.sourceReference, contentHash],
  );
}

export async function insertSource(
  m: EntityManager,
  personId: string,
  s: SourceRef,
  contentHash: string,
): Promise<void> {
  await m.query(
    `INSERT INTO person_source (person_id, agency_code, source_system, source_ref, content_hash) VALUES ($1, $2, $3, $4, $5)`,
    [personId, s.agency, s.sourceSystem, s.sourceReference, contentHash],
  );
}
