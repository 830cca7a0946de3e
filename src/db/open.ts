import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../shared/logger';
import { createDataSource } from './data-source';
import { ensureDatabase } from './admin';
import { appRoleUrl, enableAppLogin } from './app-role';
import { readOrCreateSecret, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';

export interface OpenDatabase {
  dataSource: DataSource;
  url: string;
  embedded: EmbeddedDatabase | undefined;
  close(): Promise<void>;
}

/**
 * Which login the returned data source uses:
 * - `app` (serving): DATABASE_URL — mash_app or a login granted it; on the embedded server mash_app
 *   itself, given LOGIN with the password in `<MASH_DATA_DIR>/pg-app-password` (0600).
 * - `owner`: MIGRATION_DATABASE_URL (DATABASE_URL when unset); on the embedded server its superuser.
 *   For migrations and owner-only commands such as audit:archive (DETACH PARTITION).
 */
export type DatabaseRole = 'app' | 'owner';

export class PendingMigrationsError extends Error {
  override name = 'PendingMigrationsError';
}

/** How many migrations the database lacks, read without creating anything (unlike showMigrations). */
export async function pendingMigrations(ds: DataSource): Promise<number> {
  const [{ present }] = (await ds.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`)) as Array<{ present: boolean }>;
  const rows = present ? ((await ds.query('SELECT name FROM schema_migrations')) as Array<{ name: string }>) : [];
  const applied = new Set(rows.map((r) => r.name));
  return ds.migrations.filter((m) => !applied.has(m.name ?? m.constructor.name)).length;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL in MASH_DATA_DIR when it is unset.
 * With `migrate`, pending migrations are applied as the owner: the embedded superuser, or
 * MIGRATION_DATABASE_URL. Without an owner login the hub applies nothing and refuses to start when
 * migrations are pending. The serving data source never runs migrations itself.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  options: { migrate: boolean; role?: DatabaseRole },
): Promise<OpenDatabase> {
  const role = options.role ?? 'app';
  let embedded: EmbeddedDatabase | undefined;
  let ownerUrl: string | undefined;
  let servingUrl: string | undefined = config.databaseUrl;
  if (!servingUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      onLog: (line) => logger.debug({ postgres: line.trim() }, 'embedded postgres'),
    });
    ownerUrl = await ensureDatabase(embedded.url, 'mash');
    logger.info({ port: embedded.port, dataDir: config.dataDir }, 'embedded PostgreSQL started');
  } else {
    ownerUrl = role === 'owner' ? (config.migrationDatabaseUrl ?? config.databaseUrl) : config.migrationDatabaseUrl;
  }
  let dataSource: DataSource | undefined;
  try {
    if (ownerUrl && (options.migrate || embedded || role === 'owner')) {
      const owner = createDataSource(ownerUrl, logger, role === 'owner' ? config.dbPoolSize : 1);
      await owner.initialize();
      try {
        if (options.migrate) {
          const applied = await owner.runMigrations({ transaction: 'each' });
          if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
        }
        if (embedded && role === 'app') {
          const password = readOrCreateSecret(path.join(config.dataDir, 'pg-app-password'));
          await enableAppLogin(owner, password);
          servingUrl = appRoleUrl(ownerUrl, password);
        }
      } catch (e) {
        await owner.destroy();
        throw e;
      }
      if (role === 'owner') {
        dataSource = owner;
        servingUrl = ownerUrl;
      } else {
        await owner.destroy();
      }
    }
    if (!dataSource) {
      if (!servingUrl) throw new Error('no database URL to serve with');
      dataSource = createDataSource(servingUrl, logger, config.dbPoolSize);
      await dataSource.initialize();
      const pending = options.migrate && !ownerUrl ? await pendingMigrations(dataSource) : 0;
      if (pending > 0) {
        throw new PendingMigrationsError(
          `the database has ${pending} pending migration(s) and no owner login to apply them: set MIGRATION_DATABASE_URL ` +
            '(the role owning the schema) so the hub applies them at start (see docs/operations.md)',
        );
      }
    }
  } catch (e) {
    if (dataSource?.isInitialized) await dataSource.destroy();
    if (embedded) await embedded.stop();
    throw e;
  }
  const ds = dataSource;
  return {
    dataSource: ds,
    url: servingUrl!,
    embedded,
    async close() {
      if (ds.isInitialized) await ds.destroy();
      if (embedded) await embedded.stop();
    },
  };
}
