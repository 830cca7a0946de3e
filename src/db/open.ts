import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../shared/logger';
import { createDataSource } from './data-source';
import { ensureDatabase } from './admin';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';

export interface OpenDatabase {
  dataSource: DataSource;
  url: string;
  embedded: EmbeddedDatabase | undefined;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL in MASH_DATA_DIR when it is unset,
 * and applies pending migrations when asked.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  options: { migrate: boolean },
): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      onLog: (line) => logger.debug({ postgres: line.trim() }, 'embedded postgres'),
    });
    url = await ensureDatabase(embedded.url, 'mash');
    logger.info({ port: embedded.port, dataDir: config.dataDir }, 'embedded PostgreSQL started');
  }
  const dataSource = createDataSource(url, logger, config.dbPoolSize);
  try {
    await dataSource.initialize();
    if (options.migrate) {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    }
  } catch (e) {
    if (dataSource.isInitialized) await dataSource.destroy();
    if (embedded) await embedded.stop();
    throw e;
  }
  return {
    dataSource,
    url,
    embedded,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (embedded) await embedded.stop();
    },
  };
}

/**
 * For the long-running hub: the data source is created but not connected, so the hub can serve
 * liveness (and answer 503) while PostgreSQL is still away. An embedded server is started here
 * (it is part of this process: failing to start it is fatal). Connect with `connectWithRetry`.
 */
export async function prepareDatabase(config: Config, logger: Logger): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      onLog: (line) => logger.debug({ postgres: line.trim() }, 'embedded postgres'),
    });
    url = await ensureDatabase(embedded.url, 'mash');
    logger.info({ port: embedded.port, dataDir: config.dataDir }, 'embedded PostgreSQL started');
  }
  const dataSource = createDataSource(url, logger, config.dbPoolSize);
  return {
    dataSource,
    url,
    embedded,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (embedded) await embedded.stop();
    },
  };
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
export async function connectWithRetry(db: OpenDatabase, logger: Logger, options: ConnectOptions): Promise<boolean> {
  const min = options.minBackoffMs ?? 250;
  const max = options.maxBackoffMs ?? 5000;
  const { dataSource } = db;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) return false;
    try {
      if (!dataSource.isInitialized) await dataSource.initialize();
      if (options.migrate) {
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
      }
      await dataSource.query(`SELECT mash_audit_ensure_partitions(date_trunc('month', now())::date, 3)`);
      logger.info({ attempt }, 'database open');
      return true;
    } catch (e) {
      const backoff = Math.min(max, min * 2 ** Math.min(attempt - 1, 16));
      logger.warn({ err: { message: (e as Error).message }, attempt, retryInMs: Math.round(backoff) }, 'database not available; retrying');
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
