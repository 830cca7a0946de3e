/**
 * Prints the SQL TypeORM would need to bring the database in line with the entities: the draft of
 * the next migration, to be reviewed and completed by hand. `npm run migration:draft`.
 */
import 'reflect-metadata';
import { loadConfig } from '../config';
import { createCommandLogger } from '../shared/logger';
import { openDatabase } from '../db/open';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createCommandLogger('warn');
  const db = await openDatabase(config, logger, { migrate: true, role: 'owner' });
  try {
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    for (const q of sql.upQueries) process.stdout.write(`${q.query};\n`);
    if (sql.upQueries.length === 0) process.stdout.write('-- entities and migrations agree\n');
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
