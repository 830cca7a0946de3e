import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../shared/logger';
import { createDataSource } from './data-source';
import { ensureDatabase } from './admin';
import {
  appRoleUrl,
  assertServingRoleCanAudit,
  assertServingRoleRestricted,
  enableAppLogin,
  servingRoleProblems,
  ServingRoleError,
} from './app-role';
import { readOrCreateSecret, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';
import { markProductionDatabase } from './production-mark';

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
  const [{ present }] = (await ds.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`)) as Array<{
    present: boolean;
  }>;
  const rows = present ? ((await ds.query('SELECT name FROM schema_migrations')) as Array<{ name: string }>) : [];
  const applied = new Set(rows.map((r) => r.name));
  return ds.migrations.filter((m) => !applied.has(m.name ?? m.constructor.name)).length;
}

/**
 * For one-off commands and tests: `prepareDatabase` and one connection attempt, failing fast.
 * With `migrate`, pending migrations are applied as the owner (the embedded superuser, or
 * MIGRATION_DATABASE_URL); without an owner login pending migrations are refused
 * (PendingMigrationsError) rather than waited for as the long-running hub does.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  options: { migrate: boolean; role?: DatabaseRole },
): Promise<OpenDatabase> {
  const db = await prepareDatabase(config, logger, options.role ?? 'app');
  try {
    await connectOnce(db, logger, options.migrate);
  } catch (e) {
    await db.close();
    if (e instanceof WaitingForMigrations) {
      throw new PendingMigrationsError(
        `the database has ${e.pending} pending migration(s) and no owner login to apply them: set MIGRATION_DATABASE_URL ` +
          '(the role owning the schema) so the hub applies them at start (see docs/operations.md)',
      );
    }
    throw e;
  }
  return db;
}

/**
 * For the long-running hub (and, through `openDatabase`, the one-off commands): the data source is
 * created but not connected, so the hub can serve liveness (and answer 503) while PostgreSQL is
 * still away. An embedded server is started here (it is part of this process: failing to start it
 * is fatal) and the hub serves on it as mash_app (password in `<MASH_DATA_DIR>/pg-app-password`).
 * Connect with `connectWithRetry`.
 */
export async function prepareDatabase(
  config: Config,
  logger: Logger,
  role: DatabaseRole = 'app',
): Promise<PreparedDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let ownerUrl = config.migrationDatabaseUrl;
  let servingUrl = config.databaseUrl;
  let appPassword: string | undefined;
  if (!servingUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      onLog: (line) => logger.debug({ postgres: line.trim() }, 'embedded postgres'),
    });
    ownerUrl = await ensureDatabase(embedded.url, 'mash');
    logger.info({ port: embedded.port, dataDir: config.dataDir }, 'embedded PostgreSQL started');
    if (role === 'app') {
      appPassword = readOrCreateSecret(path.join(config.dataDir, 'pg-app-password'));
      servingUrl = appRoleUrl(ownerUrl, appPassword);
    } else servingUrl = ownerUrl;
  } else if (role === 'owner') {
    ownerUrl = ownerUrl ?? servingUrl;
    servingUrl = ownerUrl;
  }
  const dataSource = createDataSource(servingUrl, logger, config.dbPoolSize);
  return {
    dataSource,
    url: servingUrl,
    embedded,
    ownerUrl,
    appPassword,
    role,
    production: config.env === 'production',
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (embedded) await embedded.stop();
    },
  };
}

export interface PreparedDatabase extends OpenDatabase {
  /** The owner login for migrations (embedded superuser or MIGRATION_DATABASE_URL), if any. */
  ownerUrl: string | undefined;
  /** Embedded only: the mash_app password the owner (re)applies before the serving pool connects. */
  appPassword: string | undefined;
  /** `owner`: the data source itself is the owner's login (owner-only commands); no role check. */
  role: DatabaseRole;
  /** Production refuses a serving role that could alter the audit; elsewhere it is a warning. */
  production: boolean;
}

class WaitingForMigrations extends Error {
  constructor(readonly pending: number) {
    super(
      `the database has ${pending} pending migration(s); waiting for them to be applied ` +
        '(set MIGRATION_DATABASE_URL so this hub applies them, see docs/operations.md)',
    );
  }
}

/**
 * One connection attempt: as the owner, apply pending migrations (when this process is the one
 * configured to) and, on the embedded server, (re)enable the mash_app login; then connect the
 * serving pool. Without an owner login pending migrations are waited for (another process applies
 * them). A serving role that could alter the audit is fatal in production, one that could not flush
 * it under load in every environment (ServingRoleError).
 */
async function connectOnce(db: PreparedDatabase, logger: Logger, migrate: boolean): Promise<void> {
  if (db.ownerUrl && (migrate || db.appPassword)) {
    const owner = createDataSource(db.ownerUrl, logger, 1);
    await owner.initialize();
    try {
      if (migrate) {
        const applied = await owner.runMigrations({ transaction: 'each' });
        if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
      }
      if (db.appPassword) await enableAppLogin(owner, db.appPassword);
    } finally {
      await owner.destroy();
    }
  }
  const { dataSource } = db;
  if (!dataSource.isInitialized) await dataSource.initialize();
  const pending = await pendingMigrations(dataSource);
  if (pending > 0) throw new WaitingForMigrations(pending);
  const problems = db.role === 'app' ? await servingRoleProblems(dataSource) : [];
  if (problems.length) {
    if (db.production) await assertServingRoleRestricted(dataSource);
    logger.warn(
      { problems },
      'the serving database role could alter the audit (refused in production): serve as mash_app',
    );
  }
  if (db.role === 'app') await assertServingRoleCanAudit(dataSource);
  // So that a demo seed run later with another NODE_ENV still knows this is production's database.
  if (db.production) await markProductionDatabase(dataSource);
  await dataSource.query(`SELECT mash_audit_ensure_partitions(date_trunc('month', now())::date, 3)`);
}

export interface ConnectOptions {
  migrate: boolean;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Stops retrying (e.g. on shutdown); resolves false. */
  signal?: AbortSignal;
}

/**
 * Connects the prepared data source, retrying with capped exponential backoff (with jitter) until
 * PostgreSQL is there; then applies migrations (when this process is the one configured to) and
 * makes sure the audit partitions exist. A process that does not migrate waits until the schema
 * is in place. Resolves true once the database is open. Logs the attempt and the driver's message,
 * never the connection URL (it holds the password).
 */
export async function connectWithRetry(
  db: PreparedDatabase,
  logger: Logger,
  options: ConnectOptions,
): Promise<boolean> {
  const min = options.minBackoffMs ?? 250;
  const max = options.maxBackoffMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) return false;
    try {
      await connectOnce(db, logger, options.migrate);
      logger.info({ attempt }, 'database open');
      return true;
    } catch (e) {
      if (e instanceof ServingRoleError) throw e; // a configuration error: retrying cannot fix it
      const backoff = Math.min(max, min * 2 ** Math.min(attempt - 1, 16));
      const message = e instanceof WaitingForMigrations ? e.message : (e as Error).message;
      logger.warn({ err: { message }, attempt, retryInMs: Math.round(backoff) }, 'database not available; retrying');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2));
        options.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
