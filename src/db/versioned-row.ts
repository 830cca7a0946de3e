import type { EntityManager } from 'typeorm';

/**
 * The SQL of a versioned change (ADR 011): the tables whose rows change through
 * `changeVersioned` (context/versioned-change.ts). Table and column names come from code, never
 * from input; values are always parameters.
 */
export type VersionedTable =
  | 'referral'
  | 'meeting'
  | 's47_enquiry'
  | 'cp_plan'
  | 'missing_episode'
  | 'early_help_episode'
  | 'lado_allegation'
  | 'private_fostering_arrangement'
  | 'exploitation_flag';

export type VersionedRow = Record<string, unknown> & { id: string; version: number; status: string };

/** The row, locked until the transaction ends, so no concurrent change can interleave. */
export async function lockVersionedRow<R extends VersionedRow>(
  m: EntityManager,
  table: VersionedTable,
  id: string,
): Promise<R | null> {
  const rows = (await m.query(`SELECT * FROM ${table} WHERE id = $1 FOR UPDATE`, [id])) as R[];
  return rows[0] ?? null;
}

/** Sets the columns and moves the version on by one; the row is locked and its version checked. */
export async function updateVersionedRow(
  m: EntityManager,
  table: VersionedTable,
  id: string,
  version: number,
  set: Record<string, unknown>,
): Promise<void> {
  const cols = Object.keys(set);
  await m.query(
    `UPDATE ${table} SET ${cols.map((c, i) => `${c} = $${i + 3}`).join(', ')}, version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2`,
    [id, version, ...Object.values(set)],
  );
}
