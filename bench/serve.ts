/**
 * One benchmark server process: the hub in one variant (B0 bare twin, B2 + field permissions,
 * B4 + durable audit, B5 production configuration), RAW (one hand-written SQL per operation) or
 * RAWA (RAW, with the IG queries' audit append in the same transaction).
 * Counts SQL statements, the requests that reached the server and those still in flight, and
 * reports RSS on the stats port: statements per request = statements / requests once nothing is in
 * flight (a request still running when a load cell ends is counted with its statements).
 */
import 'reflect-metadata';
import crypto from 'node:crypto';
import fs from 'node:fs';
import inspector from 'node:inspector';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import type { EntityManager, Logger as TypeOrmLogger } from 'typeorm';
import { newAuditEventId, type AuditEvent } from '../src/audit/audit-event';
import { appendAuditBatch } from '../src/audit/audit-store';
import { AuditWriter } from '../src/audit/audit-writer';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { AgencyDirectory } from '../src/auth/agencies';
import { computeMetrics } from '../src/metrics/metrics.service';
import { loadMetricsSettings } from '../src/metrics/settings';
import { createHub, startServer, type ServerFeatures } from '../src/app/server';
import { createLogger } from '../src/shared/logger';
import { BARE_FEATURES, bareAccess } from './bare-twin';
import { OPERATIONS, RAW_QUERIES, USERS, type Vars } from './operations';

const VARIANTS: Record<string, ServerFeatures> = {
  // The bare twin: composed in bench/bare-twin.ts (no field guard, no audit, an access state that guards nothing).
  B0: BARE_FEATURES,
  B2: { fieldPermissions: true, audit: false, limits: false },
  B4: { fieldPermissions: true, audit: true, limits: false },
  B5: { fieldPermissions: true, audit: true, limits: true },
  // B5 serving as a role that bypasses row-level security (bench/roles.ts): the wall off.
  NOWALL: { fieldPermissions: true, audit: true, limits: true },
  // B5 with the audit's WAL flush in every batch's commit, as before ADR 037 (only when asked: --variants=B5,B5SYNC).
  B5SYNC: { fieldPermissions: true, audit: true, limits: true },
};

const stats = { statements: 0, requests: 0, inFlight: 0 };

function countRequests(server: http.Server): void {
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    stats.requests += 1;
    stats.inFlight += 1;
    res.once('close', () => {
      stats.inFlight -= 1;
    });
  });
}

async function main(): Promise<void> {
  const variant = process.env.BENCH_VARIANT ?? 'B0';
  const url = process.env.BENCH_DATABASE_URL!;
  const port = Number(process.env.BENCH_PORT ?? 0);
  const statsPort = Number(process.env.BENCH_STATS_PORT ?? 0);
  let auditStats: unknown = null;
  http
    .createServer((_req, res) =>
      res.end(JSON.stringify({ ...stats, rss: process.memoryUsage().rss, audit: auditStats })),
    )
    .listen(statsPort, '127.0.0.1');

  if (variant === 'RAW' || variant === 'RAWA') {
    // The floor's writes (M1, M2) insert into walled tables: the owner is subject to the wall too
    // (FORCE ROW LEVEL SECURITY, ADR 016), so its sessions name the partnership once, at connect.
    const pool = new Pool({ connectionString: url, max: 10, options: '-c mash.partnership=default' });
    // The IG floor is the hand-written statement's best plan. PostgreSQL sometimes planned RAW's IG3
    // with a parallel worker (its per-row sub-queries look costly), and starting one took about 3 ms
    // of a 3 ms page, which flattered the ratio (bench README, sixth session); the hub's own IG
    // statements stayed serial. Only the IG statements: the metrics replay keeps what the hub has.
    const igPool = new Pool({ connectionString: url, max: 10, options: '-c max_parallel_workers_per_gather=0' });
    const igOps = new Set(OPERATIONS.filter((o) => o.kind === 'ig').map((o) => o.name));
    const metricsStatements = new Map<string, Promise<Captured[]>>();
    const server = http.createServer(async (req, res) => {
      const op = (req.url ?? '').replace('/raw/', '');
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const vars =
        (chunks.length
          ? (JSON.parse(Buffer.concat(chunks).toString()) as { variables?: Vars }).variables
          : undefined) ?? {};
      res.setHeader('content-type', 'application/json');
      try {
        if (op === 'METRICS') {
          // The statements the metrics service issues for this period, captured once, replayed as they are.
          const month = String((vars.p as { month?: string } | undefined)?.month);
          if (!metricsStatements.has(month)) metricsStatements.set(month, captureMetricsStatements(url, month));
          const statements = await metricsStatements.get(month)!;
          const client = await pool.connect();
          const results: unknown[] = [];
          try {
            for (const st of statements) {
              stats.statements += 1;
              results.push((await client.query(st.sql, st.params)).rows);
            }
          } catch (e) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw e;
          } finally {
            client.release();
          }
          res.end(JSON.stringify({ data: { metrics: results } }));
          return;
        }
        const raw = RAW_QUERIES[op];
        if (!raw) {
          res.statusCode = 404;
          res.end();
          return;
        }
        if (variant === 'RAWA' && igOps.has(op)) {
          res.end(
            JSON.stringify({ data: raw.shape(await igReadAudited(igPool, op, raw.sql, raw.params(vars), vars)) }),
          );
          return;
        }
        stats.statements += 1;
        const r = await (igOps.has(op) ? igPool : pool).query(raw.sql, raw.params(vars));
        if (raw.conflictIfEmpty && r.rowCount === 0) {
          res.statusCode = 409;
          res.end(JSON.stringify({ errors: [{ message: 'version conflict' }] }));
          return;
        }
        res.end(JSON.stringify({ data: raw.shape(r.rows) }));
      } catch (e) {
        // The bench's data is generated and fictional; PostgreSQL's error code and constraint name
        // say which rule the floor's hand-written SQL broke (e.g. a constraint added by a later migration).
        const { code, constraint } = e as { code?: string; constraint?: string };
        res.statusCode = 500;
        res.end(JSON.stringify({ errors: [{ message: 'raw query failed', code, constraint }] }));
      }
    });
    countRequests(server);
    server.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
    return;
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-bench-'));
  fs.copyFileSync(process.env.BENCH_KEY_FILE!, path.join(dataDir, 'dev-signing-key.json'));
  // The hub's variants serve as mash_app (NOWALL: as a role bypassing row-level security), bench/roles.ts.
  const servingUrl = process.env.BENCH_SERVING_URL ?? url;
  const config = loadConfig({
    NODE_ENV: 'development',
    DATABASE_URL: servingUrl,
    MASH_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '10',
    // A few users at thousands of requests a second: the limiter runs (its cost is measured) but never refuses.
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
  });
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
  const ds = createDataSource(servingUrl, logger, 10);
  ds.setOptions({ logging: ['query'], logger: counting });
  await ds.initialize();
  const hub = await createHub(config, logger, ds);
  if (variant === 'B5SYNC') hub.auditWriter = new AuditWriter(ds, logger, config.auditBatchMaxRows, false);
  const server = await startServer(hub, {
    port,
    host: '127.0.0.1',
    features: VARIANTS[variant],
    ...(variant === 'B0' ? { makeAccess: bareAccess } : {}),
  });
  auditStats = hub.auditWriter.stats;
  countRequests(server.httpServer);
  if (process.env.BENCH_CPU_PROF_DIR) await profileUntilStopped(variant, process.env.BENCH_CPU_PROF_DIR);
  process.stdout.write(`READY ${port}\n`);
}

/**
 * bench/run.ts --cpu-prof=DIR: a V8 CPU profile of the server from READY (start-up and ts-node's
 * compiling left out) until the runner stops it, written to DIR/<variant>.cpuprofile.
 */
async function profileUntilStopped(variant: string, dir: string): Promise<void> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  process.on('SIGTERM', () => {
    void post('Profiler.stop').then((r) => {
      fs.writeFileSync(path.join(dir, `${variant}.cpuprofile`), JSON.stringify((r as { profile: unknown }).profile));
      process.exit(0);
    });
  });
}

/**
 * RAW+A, the IG queries' floor with the audit (issue 21): RAW's statement and the audit append the
 * hub makes for the same page, in one transaction, committed (with its WAL flush) before the
 * answer. The event is the one an IG read writes: the auditor, purpose IG_AUDIT, and a subject per
 * person whose access history the page shows (IG1: the person asked about), with the access-log
 * fields the query selects released about them. Appended by the hub's own `appendAuditBatch` into
 * the partnership's chain, under its chain lock.
 */
async function igReadAudited(pool: Pool, op: string, sql: string, params: unknown[], vars: Vars) {
  const client = await pool.connect();
  try {
    // One round trip for both (a simple query): the transaction and the partnership the append acts in.
    await client.query(`BEGIN; SELECT set_config('mash.partnership', 'default', true)`);
    stats.statements += 1;
    const { rows } = await client.query<{ payload: { subjects?: Array<{ personId: string }> } }>(sql, params);
    stats.statements += 1;
    const only = (vars.f as { personId?: string } | undefined)?.personId;
    const people = new Set(
      rows.flatMap((r) => (r.payload.subjects ?? []).map((s) => s.personId)).filter((id) => !only || id === only),
    );
    const ig = USERS.igAuditor;
    const event: AuditEvent = {
      id: newAuditEventId(),
      partnership: 'default',
      occurredAt: new Date().toISOString(),
      requestId: crypto.randomUUID(),
      network: { client: '127.0.0.1', server: '127.0.0.1' },
      actor: { sub: ig.sub, name: ig.name, agency: ig.agency, roles: [...ig.roles] },
      purpose: 'IG_AUDIT',
      breakGlass: null,
      operation: { type: 'query', name: op, documentHash: null },
      action: 'QUERY',
      outcome: 'SUCCESS',
      errorCodes: [],
      subjects: [...people].map((personId) => ({
        personId,
        outcome: 'DISCLOSED' as const,
        recordIds: [],
        released: ACCESS_LOG_SUBJECT_FIELDS.map((f) => `AccessLogSubject.${f}`),
        redacted: [],
        relationships: [],
      })),
      changes: [],
    };
    const manager = { query: async (q: string, p: unknown[]) => (await client.query(q, p)).rows };
    await appendAuditBatch(manager as unknown as EntityManager, [event]);
    stats.statements += 1;
    await client.query('COMMIT');
    return rows;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** The AccessLogSubject fields the IG queries select (bench/operations.ts ACCESS_LOG_PAGE). */
const ACCESS_LOG_SUBJECT_FIELDS = [
  'personId',
  'outcome',
  'recordIds',
  'released',
  'redacted',
  'relationships',
  'relationshipsNow',
];

interface Captured {
  sql: string;
  params: unknown[] | undefined;
}

/**
 * Runs the metrics service once through a data source whose logger records every statement (the
 * transaction's START/SET/COMMIT included), so RAW replays exactly what the hub's metrics issue.
 */
async function captureMetricsStatements(url: string, month: string): Promise<Captured[]> {
  const captured: Captured[] = [];
  const ds = createDataSource(url, createLogger('silent'), 1);
  ds.setOptions({
    logging: ['query'],
    logger: {
      logQuery: (sql: string, params?: unknown[]) => void captured.push({ sql, params }),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    },
  });
  await ds.initialize();
  try {
    await computeMetrics(ds, AgencyDirectory.load(undefined), loadMetricsSettings(undefined), { period: { month } });
  } finally {
    await ds.destroy();
  }
  // TypeORM's own start-up queries (none with pg) would come before the transaction: keep from its start.
  const start = captured.findIndex((c) => /^(START TRANSACTION|BEGIN)/i.test(c.sql));
  return start > 0 ? captured.slice(start) : captured;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench server failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
