/**
 * One benchmark server process: the hub in one variant (B0 bare twin, B2 + field permissions,
 * B4 + durable audit, B5 production configuration) or RAW (one hand-written SQL per operation).
 * Counts SQL statements and reports RSS on GET /__stats.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { createHub, startServer, type ServerFeatures } from '../src/server';
import { createLogger } from '../src/shared/logger';
import { RAW_QUERIES } from './operations';

const VARIANTS: Record<string, ServerFeatures> = {
  B0: { fieldPermissions: false, audit: false, limits: false },
  B2: { fieldPermissions: true, audit: false, limits: false },
  B4: { fieldPermissions: true, audit: true, limits: false },
  B5: { fieldPermissions: true, audit: true, limits: true },
};

const stats = { statements: 0 };

async function main(): Promise<void> {
  const variant = process.env.BENCH_VARIANT ?? 'B0';
  const url = process.env.BENCH_DATABASE_URL!;
  const port = Number(process.env.BENCH_PORT ?? 0);
  const statsPort = Number(process.env.BENCH_STATS_PORT ?? 0);
  let auditStats: unknown = null;
  http
    .createServer((_req, res) => res.end(JSON.stringify({ ...stats, rss: process.memoryUsage().rss, audit: auditStats })))
    .listen(statsPort, '127.0.0.1');

  if (variant === 'RAW') {
    const pool = new Pool({ connectionString: url, max: 10 });
    const server = http.createServer(async (req, res) => {
      const op = (req.url ?? '').replace('/raw/', '');
      const raw = RAW_QUERIES[op];
      if (!raw) {
        res.statusCode = 404;
        res.end();
        return;
      }
      stats.statements += 1;
      const r = await pool.query(raw.sql, raw.params);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: raw.shape(r.rows) }));
    });
    server.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
    return;
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-bench-'));
  fs.copyFileSync(process.env.BENCH_KEY_FILE!, path.join(dataDir, 'dev-signing-key.json'));
  const config = loadConfig({ NODE_ENV: 'development', DATABASE_URL: url, MASH_DATA_DIR: dataDir, LOG_LEVEL: 'silent', DB_POOL_SIZE: '10',
    // A few users at thousands of requests a second: the limiter runs (its cost is measured) but never refuses.
    RATE_LIMIT_USER_PER_MINUTE: '1000000' });
  const logger = createLogger('silent');
  const counting: TypeOrmLogger = {
    logQuery: () => {
      stats.statements += 1;
    },
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  const ds = createDataSource(url, logger, 10);
  ds.setOptions({ logging: ['query'], logger: counting });
  await ds.initialize();
  const hub = await createHub(config, logger, ds);
  const server = await startServer(hub, { port, host: '127.0.0.1', features: VARIANTS[variant] });
  auditStats = hub.auditWriter.stats;
  void server;
  process.stdout.write(`READY ${port}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench server failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
