import { types } from 'pg';
import { DataSource } from 'typeorm';
import type { Logger } from '../shared/logger';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../../migrations';
import { scopeQueryRunner } from './partnership-scope';

// DATE columns stay 'YYYY-MM-DD' strings: a JS Date would shift them by the process time zone.
types.setTypeParser(1082, (v: string) => v);

/**
 * TypeORM over node-postgres. Migrations only: `synchronize` stays false everywhere. Each query
 * runner sets the current partnership scope first in every transaction (src/db/partnership-scope.ts).
 * The pool's error handler matters: node-postgres emits `error` on idle clients when PostgreSQL
 * restarts, and an unhandled `error` event would take the whole hub down.
 */
export function createDataSource(url: string, logger: Logger, poolSize = 10): DataSource {
  const ds = new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    poolSize,
    connectTimeoutMS: 5000,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    extra: { application_name: 'mash-hub', idleTimeoutMillis: 30000 },
    poolErrorHandler: (err: Error) => logger.warn({ err: { message: err.message } }, 'database pool client error'),
  });
  // Every transaction starts by setting the current partnership (ADR 016).
  const make = ds.driver.createQueryRunner.bind(ds.driver);
  ds.driver.createQueryRunner = (mode) => scopeQueryRunner(make(mode));
  return ds;
}

/** Readiness: a bounded `SELECT 1`; false while PostgreSQL is away, true again once it returns. */
export async function databaseIsReachable(ds: DataSource, timeoutMs = 2000): Promise<boolean> {
  if (!ds.isInitialized) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ds.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
