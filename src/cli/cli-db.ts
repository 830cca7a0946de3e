import 'reflect-metadata';
import { loadConfig, type Config } from '../config';
import { openDatabase, type DatabaseRole, type OpenDatabase } from '../db/open';
import { createCommandLogger } from '../shared/logger';
import { commandPartnership, inCommandPartnership, takePartnershipOption } from './cli-partnership';

/**
 * Runs an operator command against the hub's database: DATABASE_URL, or the embedded PostgreSQL in
 * MASH_DATA_DIR (which only one process can run: stop the hub first, or point DATABASE_URL at it).
 * As the serving role by default; owner commands use MIGRATION_DATABASE_URL (or DATABASE_URL if unset).
 * In one partnership (ADR 016): `--partnership <id>`, or the only one there is.
 */
export async function withDatabase(
  name: string,
  run: (db: OpenDatabase, config: Config) => Promise<number>,
  /** `owner` for commands that change the schema (audit:archive detaches partitions). */
  role: DatabaseRole = 'app',
  /** false for commands over every partnership (audit:archive): no partnership is chosen. */
  inOnePartnership = true,
): Promise<void> {
  try {
    const named = takePartnershipOption();
    const config = loadConfig();
    const db = await openDatabase(config, createCommandLogger('warn'), { migrate: true, role });
    let code: number;
    try {
      if (inOnePartnership) {
        const partnership = await commandPartnership(db.dataSource, named);
        code = await inCommandPartnership(name, partnership, () => run(db, config));
      } else {
        code = await run(db, config);
      }
    } finally {
      await db.close();
    }
    process.exit(code);
  } catch (e) {
    process.stderr.write(`${name}: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
