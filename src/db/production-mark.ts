import type { DataSource, EntityManager } from 'typeorm';

/**
 * Whether a database is production's (migration 1764000402000). A production hub marks the
 * database it serves from when it connects; commands that must never touch production data (the
 * demo seed) refuse a marked database whatever NODE_ENV they run with.
 */

export async function markProductionDatabase(db: DataSource | EntityManager): Promise<void> {
  await db.query(`INSERT INTO database_environment (environment) VALUES ('production') ON CONFLICT DO NOTHING`);
}

export async function isProductionDatabase(db: DataSource | EntityManager): Promise<boolean> {
  const rows: unknown[] = await db.query(`SELECT 1 FROM database_environment WHERE environment = 'production'`);
  return rows.length > 0;
}
