import type { DataSource } from 'typeorm';

/**
 * Resolves an agency's own reference to a person (source system + source reference, as sent in
 * a person upsert) to the hub's person id. Only the agency's own sources are searched, so an
 * agency can never reach someone else's person through a reference.
 */
export async function findPersonIdBySource(
  db: DataSource,
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
