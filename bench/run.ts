/**
 * The benchmark (bench/README.md): operations Q1–Q6, M1–M2, IG1–IG3 and the governance metrics against
 * variants B0 (bare twin), B2 (+ field permissions), B4 (+ durable audit), B5 (production
 * configuration) and RAW (one hand-written SQL), interleaved A B A B over rounds, medians, closed
 * loop at several concurrencies, plus an open-loop run at 80 % of B0's capacity and (with --soak) the
 * RSS soak. Servers are pinned to core 0 and the load generator to core 1 when `taskset` exists.
 *
 *   npm run bench                         full run (scale 1, 3 rounds, c = 1/10/50)
 *   npm run bench -- --quick              a check after a change (scale 0.05, 1 round, c = 10, 1 s cells)
 *   --ops=M1,M2,IG1                       only these operations
 *   --audit-rows=10000000                 audit rows for the IG queries (default: 1M at scale 1); tops up in place
 *   --soak[=300]                          RSS soak: Q3 against B5 at 80 % of B5's capacity for that many seconds
 *   --generate-only                       generate (or top up the audit rows) and stop
 *   --reset-audit                         empty the audit tables and load the seeded audit again first (every run's own
 *                                         audit otherwise stays: the tables are append-only)
 *   --connections=1,10                    only these concurrencies (a targeted run never rewrites README.md)
 *   --scale=0.2 --duration=5 --rounds=3   overrides
 *   --cpu-prof=DIR                        the hub servers write V8 CPU profiles to DIR (bench/profile-summary.ts)
 *   --render=results/FILE.json            print (and, for a full run, write into README.md) a finished run's tables again
 */
import 'reflect-metadata';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { loadOrCreateDevKey, signDevToken } from '../src/auth/authenticator';
import { ensureDatabase, freePort } from '../src/db/admin';
import { createDataSource } from '../src/db/data-source';
import { benchServingUrls } from './roles';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { createLogger } from '../src/shared/logger';
import { generate, generateAudit, resetAudit, GENERATOR_VERSION, scaled, type Scale } from './generate';
import {
  BENCH_RATING_RATIONALE,
  BENCH_SUBMISSION_NARRATIVE,
  benchUuid,
  OPERATIONS,
  PEER_QUERIES,
  RAW_QUERIES,
  USERS,
  type Operation,
  type Vars,
} from './operations';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = flag('quick');
const scaleFactor = Number(opt('scale') ?? (quick ? 0.05 : 1));
const DURATION = Number(opt('duration') ?? (quick ? 1 : 5));
const ROUNDS = Number(opt('rounds') ?? (quick ? 1 : 3));
const CONCURRENCY = opt('connections') ? opt('connections')!.split(',').map(Number) : quick ? [10] : [1, 10, 50];
/** Quick mode: the IG queries and the metrics take up to a second each, so c = 2 keeps 1 s cells meaningful. */
// The full run of 2026-11-23 measured METRICS (0.4–3 s a request) at c = 10 and 50 in 3 s cells: no
// request finished, and the abandoned backlog kept the servers busy into the next round's cells (Q1 at
// c = 1 read 5× slower in rounds 2 and 3 on B0/B2/B4). A monthly report is not a concurrent workload:
// METRICS runs at c = 1 only, the IG queries at c ≤ 10.
const concurrencyFor = (op: Operation) =>
  quick && (op.kind === 'ig' || op.kind === 'metrics')
    ? [2]
    : op.kind === 'metrics'
      ? [1]
      : op.kind === 'ig'
        ? CONCURRENCY.filter((c) => c <= 10)
        : CONCURRENCY;
const GENERATE_ONLY = flag('generate-only');
const CPU_PROF_DIR = opt('cpu-prof') ? path.resolve(opt('cpu-prof')!) : undefined;
if (CPU_PROF_DIR) fs.mkdirSync(CPU_PROF_DIR, { recursive: true });
const RESET_AUDIT = flag('reset-audit');
const ONLY = opt('ops')
  ?.split(',')
  .map((s) => s.trim().toUpperCase());
const AUDIT_ROWS = opt('audit-rows') ? Number(opt('audit-rows')) : undefined;
const SOAK_SECONDS = flag('soak') ? Number(opt('soak') ?? 300) : 0;
const ALL_VARIANTS = ['B0', 'B2', 'B4', 'B5', 'RAW', 'RAWA', 'PEER', 'NOWALL', 'B5SYNC'] as const;
type Variant = (typeof ALL_VARIANTS)[number];
/** The hub's variants and the floor, in the order of the tables' columns. */
const HUB_AND_RAW = ['B0', 'B2', 'B4', 'B5', 'RAW'] as const;
const benchDir = __dirname;
/** PEER (PostGraphile v4, bench/peer) has its own dependencies, installed by `npm ci --prefix bench/peer`. */
const PEER_INSTALLED = fs.existsSync(path.join(benchDir, 'peer', 'node_modules', 'postgraphile'));
const ONLY_VARIANTS = opt('variants')
  ?.split(',')
  .map((s) => s.trim().toUpperCase());
/** Run only when named in --variants: B5SYNC (B5 with the audit flush in every commit, as before ADR 037). */
const ON_REQUEST: readonly Variant[] = ['B5SYNC'];
const VARIANTS = ALL_VARIANTS.filter(
  (v) => (v !== 'PEER' || PEER_INSTALLED) && (ONLY_VARIANTS ? ONLY_VARIANTS.includes(v) : !ON_REQUEST.includes(v)),
);
/**
 * RAWA (RAW+A: RAW with the audit append of the same IG read in its transaction, bench/serve.ts) runs
 * the IG queries only, the floor of their target (issue 21).
 * PEER answers only the operations it has an equivalent for (Q1–Q3); NOWALL (B5 with the partnership
 * wall off, bench/roles.ts) runs the reads, where the wall's cost is asked about (issue 26).
 */
const variantsFor = (op: Operation) =>
  VARIANTS.filter(
    (v) =>
      (v !== 'PEER' || PEER_QUERIES[op.name] !== undefined) &&
      (v !== 'NOWALL' || op.kind === 'read') &&
      (v !== 'B5SYNC' || op.kind === 'read') &&
      (v !== 'RAWA' || op.kind === 'ig'),
  );
const startedAt = Date.now();
const log = (m: string) =>
  process.stdout.write(`[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return os.cpus().length >= 2;
  } catch {
    return false;
  }
}

interface Sample {
  op: string;
  variant: Variant;
  connections: number;
  round: number;
  rps: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  /** Socket errors and timeouts. */
  errors: number;
  non2xx: number;
  /** 2xx responses whose body carried GraphQL errors (e.g. CONFLICT on a write). */
  gqlErrors: number;
  errorCodes: Record<string, number>;
  statementsPerRequest: number | null;
  sent: number;
  ok: number;
  auditEvents: number | null;
}

/** Per-request variables for the writes: each M2 request its own referral at its current version. */
interface Feeder {
  prepare(): Promise<void>;
  next(): Vars;
}

async function main(): Promise<void> {
  const rerender = opt('render');
  if (rerender) {
    // --render=results/FILE.json: the tables of a finished run again (after a fix to the rendering), into README.md for a full run.
    const result = JSON.parse(fs.readFileSync(path.resolve(rerender), 'utf8')) as RenderInput & { ops: string[] };
    const table = renderTables(result);
    process.stdout.write(`${table}\n`);
    if (!result.quick && result.ops.length === OPERATIONS.length) writeReadmeTable(table);
    return;
  }
  const pin = hasTaskset();
  if (pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  // --data-dir keeps partnerships of different audit sizes side by side (e.g. 1M and 10M rows).
  const dataDir = path.resolve(opt('data-dir') ?? path.join(benchDir, '.data'));
  fs.mkdirSync(dataDir, { recursive: true });
  const logger = createLogger('silent');
  if (!PEER_INSTALLED)
    log('PEER (PostGraphile) is not installed: run `npm ci --prefix bench/peer` to include it; measuring without it');
  if (!VARIANTS.length) throw new Error(`--variants matched no variant (have ${ALL_VARIANTS.join(', ')})`);
  const operations = (ONLY ? OPERATIONS.filter((o) => ONLY.includes(o.name)) : OPERATIONS).filter(
    (o) => variantsFor(o).length > 0,
  );
  if (!operations.length)
    throw new Error(`--ops matched no operation (have ${OPERATIONS.map((o) => o.name).join(', ')})`);

  let serverUrl = process.env.BENCH_DATABASE_URL;
  let stopDb: (() => Promise<void>) | undefined;
  if (!serverUrl) {
    const db = await startEmbeddedPostgres({ dataDir });
    serverUrl = db.url;
    stopDb = db.stop;
  }
  const scale: Scale = scaled(scaleFactor);
  const dbName = `mash_bench_${String(scaleFactor).replace('.', '_')}`;
  let url = await ensureDatabase(serverUrl, dbName);
  let client = new Client({ connectionString: url });
  await client.connect();
  // A partnership generated by an older generator lacks what later operations read: start again.
  const version = await client
    .query('SELECT version FROM bench_generation')
    .then((r) => (r.rows[0] as { version: number } | undefined)?.version ?? null)
    .catch(() => null);
  const people = (await client.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'person'`)).rows[0]
    .n as number;
  if (people && version !== GENERATOR_VERSION) {
    log(`${dbName} was generated by generator version ${version ?? 1}; regenerating with version ${GENERATOR_VERSION}`);
    await client.end();
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    url = await ensureDatabase(serverUrl, dbName);
    client = new Client({ connectionString: url });
    await client.connect();
  }
  const ds = createDataSource(url, logger, 2);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  const [{ n }] = (await client.query('SELECT count(*)::int AS n FROM person')).rows as Array<{ n: number }>;
  const generation: { partnershipSeconds?: number; auditSeconds?: number; auditRowsAdded?: number } = {};
  if (n === 0) {
    log(`generating the partnership at scale ${scaleFactor}: ${JSON.stringify(scale)}`);
    const t0 = Date.now();
    await generate(client, scale, (m) => log(`  ${m}`));
    generation.partnershipSeconds = (Date.now() - t0) / 1000;
  } else log(`reusing ${dbName} (${n} people)`);
  const auditTarget = AUDIT_ROWS ?? scale.auditEvents;
  if (RESET_AUDIT) {
    await resetAudit(client);
    log('audit tables emptied (--reset-audit): the seeded audit is loaded again');
  }
  const auditBefore = Number((await client.query('SELECT audit_rows FROM bench_generation')).rows[0].audit_rows);
  {
    const t0 = Date.now();
    // Also repairs an interrupted load (indexes dropped for it are rebuilt).
    await generateAudit(client, auditTarget, scale.children + scale.adults, (m) => log(`  ${m}`));
    if (auditBefore < auditTarget) {
      generation.auditSeconds = (Date.now() - t0) / 1000;
      generation.auditRowsAdded = auditTarget - auditBefore;
    }
  }
  const auditRows = Math.max(auditBefore, auditTarget);
  log(
    `audit rows generated: ${auditRows.toLocaleString('en-GB')}${generation.auditSeconds ? ` (${generation.auditRowsAdded} added in ${generation.auditSeconds.toFixed(0)} s)` : ''}`,
  );
  await removeBenchWrites(client);
  {
    // Measure a settled database however it was reached (generated, topped up, reset or reused).
    // VACUUM sets the hint bits and visibility map of freshly loaded rows: otherwise the first reads
    // dirty every page they touch and autovacuum does the same work during the measurement. The
    // CHECKPOINT writes the load out: otherwise its dirty pages and the checkpoints its WAL requests
    // fall into the first cells, where each first touch of a page after a checkpoint logs a full
    // page image, which only the audited variants (they write) pay. Seconds when nothing was loaded.
    const t0 = Date.now();
    await client.query('VACUUM (ANALYZE)');
    await client.query('CHECKPOINT');
    log(`database vacuumed and checkpointed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  // The audit is append-only, so every earlier run's own audit (and the IG queries' audit of
  // themselves) stays: report what the tables hold when measuring starts, beside what was generated.
  const [auditHeld] = (
    await client.query(
      `SELECT (SELECT count(*) FROM audit_event)::bigint AS events, (SELECT count(*) FROM audit_disclosure)::bigint AS disclosures`,
    )
  ).rows as Array<{ events: string; disclosures: string }>;
  const auditAtStart = { events: Number(auditHeld!.events), disclosures: Number(auditHeld!.disclosures) };
  log(
    `audit tables at start: ${auditAtStart.events.toLocaleString('en-GB')} events, ${auditAtStart.disclosures.toLocaleString('en-GB')} disclosure rows`,
  );
  if (GENERATE_ONLY) {
    await client.end();
    if (stopDb) await stopDb();
    return;
  }

  // The hub's variants serve as mash_app (the wall on), NOWALL as a role that bypasses it (bench/roles.ts).
  const serving = await benchServingUrls(client, url);
  const keyFile = path.join(dataDir, 'dev-signing-key.json');
  await loadOrCreateDevKey(keyFile);
  const auth = {
    mode: 'development' as const,
    keyFile,
    issuer: 'mash-hub-dev',
    audience: 'mash-hub',
    algorithms: ['ES256'],
    clockToleranceSeconds: 30,
    maxTokenLifetimeSeconds: 24 * 3600,
  };
  const tokens = {} as Record<keyof typeof USERS, string>;
  for (const [k, u] of Object.entries(USERS))
    tokens[k as keyof typeof USERS] = await signDevToken(auth, { ...u, roles: [...u.roles] }, '2h');

  const children: ChildProcess[] = [];
  const servers = {} as Record<Variant, { port: number; statsPort: number; pid: number }>;
  log('starting the servers');
  await Promise.all(
    VARIANTS.map(async (variant) => {
      const port = await freePort();
      const statsPort = await freePort();
      const cmd =
        variant === 'PEER'
          ? [process.execPath, path.join(benchDir, 'peer', 'serve.js')]
          : [
              process.execPath,
              require.resolve('ts-node/dist/bin.js'),
              '--transpile-only',
              path.join(benchDir, 'serve.ts'),
            ];
      // Start-up (ts-node compiling the hub) may use both cores; the server is pinned once ready.
      const child = spawn(cmd[0]!, cmd.slice(1), {
        env: {
          ...process.env,
          // Libraries in their production mode, as a deployment runs them (graphql-js skips its
          // development-only checks); the hub's own settings come from serve.ts, not from this.
          NODE_ENV: 'production',
          BENCH_VARIANT: variant,
          BENCH_PORT: String(port),
          BENCH_STATS_PORT: String(statsPort),
          BENCH_DATABASE_URL: url,
          BENCH_SERVING_URL: variant === 'NOWALL' ? serving.wallOff : serving.wallOn,
          BENCH_KEY_FILE: keyFile,
          // --cpu-prof=DIR: each hub server profiles itself from READY to its stop (serve.ts, bench/profile-summary.ts).
          ...(CPU_PROF_DIR ? { BENCH_CPU_PROF_DIR: CPU_PROF_DIR } : {}),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
        child.on('exit', (code) => reject(new Error(`${variant} server exited ${code}`)));
      });
      if (pin) execFileSync('taskset', ['-acp', '0', String(child.pid)], { stdio: 'ignore' });
      servers[variant] = { port, statsPort, pid: child.pid! };
    }),
  );
  const stats = async (v: Variant) =>
    (await (await fetch(`http://127.0.0.1:${servers[v].statsPort}/`)).json()) as {
      statements: number;
      requests: number;
      inFlight: number;
      rss: number;
    };
  /** The server's counters once the requests still running when a cell ended have finished (at most 30 s). */
  /** Each server's largest RSS seen (sampled before and after every cell, and at the end). */
  const peakRss: Partial<Record<Variant, number>> = {};
  const settledStats = async (v: Variant) => {
    const s = await settledStatsOf(v);
    peakRss[v] = Math.max(peakRss[v] ?? 0, s.rss);
    return s;
  };
  const settledStatsOf = async (v: Variant) => {
    // A request whose client went away may still be running its resolvers: also wait for the count to stand still.
    let last = await stats(v);
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const s = await stats(v);
      if (s.inFlight === 0 && s.statements === last.statements) return s;
      last = s;
    }
    return last;
  };

  // Data-dependent variables, fixed for the run so every variant asks the same question.
  const now = new Date();
  const lastMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const thisMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const since90 = new Date(now.getTime() - 90 * 86_400_000);
  const candidates = Array.from({ length: 50 }, (_, i) => benchUuid(`p${1001 + i}`));
  const childX =
    (
      (
        await client.query(
          `SELECT person_id::text AS id FROM audit_disclosure WHERE person_id = ANY($1::uuid[]) AND occurred_at >= $2
        GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT 1`,
          [candidates, since90],
        )
      ).rows[0] as { id: string } | undefined
    )?.id ?? candidates[0]!;
  const dynamicVars: Record<string, Vars> = {
    IG1: { f: { personId: childX, from: since90.toISOString() } },
    IG2: { f: { actorSub: 'bench-user-123' } },
    IG3: { f: { breakGlass: true, from: lastMonthStart.toISOString(), to: thisMonthStart.toISOString() } },
    METRICS: { p: { month: lastMonthStart.toISOString().slice(0, 7) } },
  };
  for (const op of operations) if (dynamicVars[op.name]) op.variables = dynamicVars[op.name];

  const runId = Date.now().toString(36);
  const feeders = await makeFeeders(client, runId);
  const variablesFor = (op: Operation): Vars => feeders[op.name]?.next() ?? op.variables ?? {};

  let counter = 0;
  const fire = async (
    op: Operation,
    variant: Variant,
    connections: number,
    duration: number,
    overallRate?: number,
    amount?: number,
  ) => {
    const prefix = `bench-${runId}-${variant}-${op.name}-${connections}-${++counter}-`;
    await feeders[op.name]?.prepare();
    let sent = 0;
    let gqlErrors = 0;
    const errorCodes: Record<string, number> = {};
    const latencies: number[] = [];
    const isRaw = variant === 'RAW' || variant === 'RAWA';
    const query = variant === 'PEER' ? PEER_QUERIES[op.name]! : op.query;
    const cellStart = new Date(Date.now() - 1000);
    const before = await settledStats(variant);
    const onResponse = (status: number, body: string) => {
      if (status >= 200 && status < 300 && !body.includes('"errors"')) return;
      if (status >= 200 && status < 300) gqlErrors++;
      const code = /"code":"([A-Z_]+)"/.exec(body)?.[1] ?? `HTTP_${status}`;
      errorCodes[code] = (errorCodes[code] ?? 0) + 1;
    };
    const instance = autocannon({
      url: `http://127.0.0.1:${servers[variant].port}`,
      connections,
      duration,
      ...(amount ? { amount } : {}),
      ...(overallRate ? { overallRate } : {}),
      requests: [
        {
          method: 'POST',
          path: isRaw ? `/raw/${op.name}` : '/graphql',
          headers: isRaw
            ? { 'content-type': 'application/json' }
            : { 'content-type': 'application/json', authorization: `Bearer ${tokens[op.user]}` },
          setupRequest: (req: Record<string, unknown>) => {
            const variables = variablesFor(op);
            return {
              ...req,
              body: JSON.stringify(isRaw ? { variables } : { query, variables }),
              headers: { ...(req.headers as Record<string, string>), 'x-request-id': `${prefix}${++sent}` },
            };
          },
          onResponse,
        },
      ],
    } as unknown as autocannon.Options) as unknown as Promise<autocannon.Result> & {
      on: (e: 'response', f: (c: unknown, s: number, b: number, ms: number) => void) => void;
    };
    instance.on('response', (_c: unknown, _s: number, _b: number, ms: number) => latencies.push(ms));
    const result = await instance;
    const after = await settledStats(variant);
    const ok = result['2xx'];
    let auditEvents: number | null = null;
    if (variant === 'B4' || variant === 'B5') {
      // The client's x-request-id is kept as the event's correlation id (the request id is the hub's own, ADR 007).
      const r = await client.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE occurred_at >= $2 AND payload->>'correlationId' LIKE $1`,
        [`${prefix}%`, cellStart],
      );
      auditEvents = (r.rows[0] as { n: number }).n;
    }
    return {
      rps: result.requests.average,
      // From each response's own time (autocannon's hrtime, sub-millisecond), to 0.1 ms: its summary
      // histogram gives whole milliseconds, which at c = 1 (RAW's p95 5–8 ms) moved a p95 ratio by
      // up to a fifth (11 ÷ 5 = 2.20 may be 10.6 ÷ 5.4 = 1.96). Runs before 2026-12-05 rounded so.
      p50: latencyMs(latencies, 0.5),
      p90: latencyMs(latencies, 0.9),
      p95: latencyMs(latencies, 0.95),
      p99: latencyMs(latencies, 0.99),
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      gqlErrors,
      errorCodes,
      // Per request the server received (completed or not when the cell ended), counted after they settled.
      statementsPerRequest:
        after.requests > before.requests
          ? (after.statements - before.statements) / (after.requests - before.requests)
          : null,
      sent: sent || result.requests.sent,
      ok,
      auditEvents,
    };
  };

  log('servers ready; sanity check and warm-up');
  let metricsMeasures: Array<{ key: string; value: number | null; previousValue: number | null }> | null = null;
  // Sanity: every variant answers every operation with data and no errors before we measure.
  for (const op of operations) {
    const idsBy: Partial<Record<Variant, string[]>> = {};
    for (const v of variantsFor(op)) {
      await feeders[op.name]?.prepare();
      const variables = variablesFor(op);
      const raw = v === 'RAW' || v === 'RAWA';
      const res = await fetch(`http://127.0.0.1:${servers[v].port}${raw ? `/raw/${op.name}` : '/graphql'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[op.user]}` },
        body: JSON.stringify(
          raw ? { variables } : { query: v === 'PEER' ? PEER_QUERIES[op.name] : op.query, variables },
        ),
      });
      const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
      if (!res.ok || body.errors || !body.data)
        throw new Error(`${op.name} on ${v} answered ${res.status} with errors: ${JSON.stringify(body.errors)}`);
      if (v === 'B0' || v === 'PEER') idsBy[v] = idsIn(body.data);
      if (op.kind === 'metrics' && v === 'B5') {
        // The generated partnership should give every measure a value (issue 7): keep them with the results.
        metricsMeasures = (
          body.data as {
            metrics: { measures: Array<{ key: string; value: number | null; previousValue: number | null }> };
          }
        ).metrics.measures;
        const empty = metricsMeasures.filter((m) => m.value === null).map((m) => m.key);
        log(
          `metrics for ${JSON.stringify(op.variables)}: ${metricsMeasures.length} measures${empty.length ? `, without a value: ${empty.join(', ')}` : ', all with a value'}`,
        );
      }
    }
    // PEER must answer the same question: the same ids (referrals, records) in the same order as B0.
    if (idsBy.B0 && idsBy.PEER) {
      const same = JSON.stringify(idsBy.B0) === JSON.stringify(idsBy.PEER);
      log(
        `${op.name}: PEER ${same ? 'answers' : 'does NOT answer'} the ids B0 answers (${idsBy.B0.length} on B0, ${idsBy.PEER.length} on PEER${same ? ', same order' : ''})`,
      );
    }
    // Warm-up through the load generator (quick mode: the sanity request above is the warm-up).
    for (const v of quick ? [] : variantsFor(op)) {
      // The metrics page at scale 1 takes over a second: a 1 s warm-up would complete none of it.
      const r = await fire(op, v, 1, op.kind === 'metrics' ? 5 : 1);
      if (r.non2xx || r.errors || r.gqlErrors || r.ok === 0)
        throw new Error(
          `${op.name} on ${v}: ${r.non2xx} non-2xx, ${r.gqlErrors} with GraphQL errors ${JSON.stringify(r.errorCodes)}, ${r.errors} errors`,
        );
    }
  }
  log('warm-up done');

  // The RAW plans of the IG queries go into the results file (what bench/audit-access-log.ts printed).
  const plans: Record<string, string[]> = {};
  await client.query('SET max_parallel_workers_per_gather = 0'); // as the RAW server plans them (serve.ts)
  for (const op of operations.filter((o) => o.kind === 'ig')) {
    const raw = RAW_QUERIES[op.name]!;
    const r = await client.query(`EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) ${raw.sql}`, raw.params(op.variables ?? {}));
    plans[op.name] = (r.rows as Array<{ 'QUERY PLAN': string }>)
      .map((x) => x['QUERY PLAN'])
      .filter((l) => !/never executed|Subplans Removed/.test(l));
  }
  await client.query('RESET max_parallel_workers_per_gather');

  const samples: Sample[] = [];
  const started = new Date().toISOString();
  const partialFile = path.join(benchDir, 'results', `${started.replace(/[:.]/g, '-')}-partial.json`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const op of operations) {
      for (const c of concurrencyFor(op)) {
        for (const variant of variantsFor(op)) {
          const r = await fire(op, variant, c, DURATION);
          samples.push({ op: op.name, variant, connections: c, round, ...r });
          const errs = r.non2xx + r.gqlErrors + r.errors;
          log(
            `round ${round} ${op.name} c=${c} ${variant}: ${r.rps.toFixed(0)} req/s p50 ${r.p50} ms p95 ${r.p95} ms, ${r.statementsPerRequest?.toFixed(2)} SQL/req${errs ? `, ${errs} errors ${JSON.stringify(r.errorCodes)}` : ''}`,
          );
        }
      }
    }
    // A long run that is interrupted still leaves its completed rounds behind.
    fs.writeFileSync(
      partialFile,
      JSON.stringify({ started, roundsDone: round, scaleFactor, summary: summarise(samples), samples }, null, 2),
    );
  }
  fs.rmSync(partialFile, { force: true });

  const q3 = OPERATIONS.find((o) => o.name === 'Q3')!;
  let b0Capacity: number | null = null;
  const capacity = async () => {
    if (b0Capacity !== null) return b0Capacity;
    const cMax = Math.max(...CONCURRENCY);
    const measured = samples
      .filter((s) => s.op === 'Q3' && s.variant === 'B0' && s.connections === cMax)
      .map((s) => s.rps);
    b0Capacity = measured.length ? median(measured) : (await fire(q3, 'B0', cMax, 5)).rps;
    return b0Capacity;
  };

  // Open loop at 80 % of B0's capacity on Q3 (tail latency without coordinated omission).
  const openLoop: Array<{
    variant: Variant;
    rate: number;
    p50: number;
    p90: number;
    p95: number;
    p99: number;
    non2xx: number;
  }> = [];
  // (Its rate comes from B0's capacity: only when B0 runs, e.g. not in a --variants=B5,B5SYNC run.)
  if (!quick && operations.includes(q3) && VARIANTS.includes('B0')) {
    const rate = Math.max(1, Math.floor((await capacity()) * 0.8));
    for (const variant of variantsFor(q3)) {
      const r = await fire(q3, variant, 50, DURATION, rate);
      openLoop.push({ variant, rate, p50: r.p50, p90: r.p90, p95: r.p95, p99: r.p99, non2xx: r.non2xx });
    }
  }

  // The soak runs B5 at 80 % of its own capacity: at 80 % of B0's (above B5's, since B5 audits) the
  // server falls behind and its RSS grows with the backlog of waiting requests, which says nothing
  // about leaks (the run of 2026-11-23T15:51 did this: p50 219 ms, +11.6 %).
  const b5Capacity = async () => {
    const cMax = Math.max(...CONCURRENCY);
    const measured = samples
      .filter((s) => s.op === 'Q3' && s.variant === 'B5' && s.connections === cMax)
      .map((s) => s.rps);
    return measured.length ? median(measured) : (await fire(q3, 'B5', cMax, 5)).rps;
  };
  const soak = SOAK_SECONDS ? await runSoak(SOAK_SECONDS, Math.max(1, Math.floor((await b5Capacity()) * 0.8))) : null;

  async function runSoak(seconds: number, rate: number) {
    log(`soak: Q3 against B5 at ${rate} req/s (80 % of B5's capacity) for ${seconds} s`);
    const warmup = Math.min(60, Math.round(seconds * 0.2));
    const series: Array<{ t: number; rss: number }> = [];
    const t0 = Date.now();
    const timer = setInterval(() => {
      void stats('B5').then((s) => series.push({ t: Math.round((Date.now() - t0) / 1000), rss: s.rss }));
    }, 5000);
    const r = await fire(q3, 'B5', 50, seconds, rate);
    clearInterval(timer);
    const end = (await stats('B5')).rss;
    series.push({ t: Math.round((Date.now() - t0) / 1000), rss: end });
    const afterWarmup = series.find((s) => s.t >= warmup)?.rss ?? series[0]!.rss;
    const growthPercent = ((end - afterWarmup) / afterWarmup) * 100;
    const peak = Math.max(...series.map((s) => s.rss));
    log(
      `soak: RSS after ${warmup} s warm-up ${mib(afterWarmup)} MiB, at end ${mib(end)} MiB (peak ${mib(peak)}), growth ${growthPercent.toFixed(1)} %`,
    );
    return {
      seconds,
      warmupSeconds: warmup,
      rate,
      rssAfterWarmup: afterWarmup,
      rssEnd: end,
      rssPeak: peak,
      growthPercent,
      p50: r.p50,
      p99: r.p99,
      ok: r.ok,
      non2xx: r.non2xx,
      errors: r.errors,
      series,
    };
  }

  const rss = Object.fromEntries(await Promise.all(VARIANTS.map(async (v) => [v, (await stats(v)).rss] as const)));
  for (const v of VARIANTS) peakRss[v] = Math.max(peakRss[v] ?? 0, rss[v]!);
  for (const c of children) c.kill('SIGTERM');
  if (CPU_PROF_DIR) await new Promise((r) => setTimeout(r, 5000)); // the servers write their profiles as they exit
  await removeBenchWrites(client);
  await client.end();
  if (stopDb) await stopDb();

  const machine = {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    loadavgAtEnd: os.loadavg(),
    node: process.version,
    pinned: pin,
    otherLoadNote: 'shared machine; other sessions may have been running (see loadavg)',
  };
  const summary = summarise(samples);
  const result = {
    when: new Date().toISOString(),
    quick,
    scaleFactor,
    scale,
    auditRows,
    auditAtStart,
    generation,
    ops: operations.map((o) => o.name),
    variables: dynamicVars,
    plans,
    metricsMeasures,
    durationSeconds: DURATION,
    rounds: ROUNDS,
    machine,
    summary,
    openLoop,
    soak,
    rss,
    peakRss,
    samples,
  };
  const file = path.join(
    benchDir,
    'results',
    `${result.when.replace(/[:.]/g, '-')}${quick ? '-quick' : ''}${ONLY ? `-${operations.map((o) => o.name).join('-')}` : ''}.json`,
  );
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  const table = renderTables(result);
  log(table);
  if (!quick && !ONLY && !opt('connections')) writeReadmeTable(table);
  log(`results: ${path.relative(process.cwd(), file)}`);
}

/** Every `id` in an answer, in document order (the rows a page or a record list returned). */
function idsIn(data: unknown): string[] {
  const ids: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if (k === 'id' && typeof v === 'string') ids.push(v);
        else walk(v);
      }
    }
  };
  walk(data);
  return ids;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
/** A latency to a tenth of a millisecond (a median of two rounds is a mean: 1.7000000000000002). */
const ms = (v: number) => String(Math.round(v * 10) / 10);

/** Removes what M1/M2 wrote, so the data set is the same for every run (audit rows stay: append-only). */
async function removeBenchWrites(client: Client): Promise<void> {
  await client.query('BEGIN');
  // Every table referring to these referrals is emptied of them explicitly below, so the per-row FK
  // checks (seq scans of unindexed referring columns: minutes for ~50k writes) are skipped.
  await client.query(`SET LOCAL session_replication_role = replica`);
  await client.query(`CREATE TEMP TABLE bench_written ON COMMIT DROP AS SELECT id FROM referral WHERE narrative = $1`, [
    BENCH_SUBMISSION_NARRATIVE,
  ]);
  await client.query(`DELETE FROM referral_subject WHERE referral_id IN (SELECT id FROM bench_written)`);
  await client.query(
    `DELETE FROM referral_idempotency WHERE referral_id IN (SELECT id FROM bench_written) OR key LIKE 'bench-%'`,
  );
  await client.query(`DELETE FROM agency_check WHERE referral_id IN (SELECT id FROM bench_written)`);
  await client.query(
    `DELETE FROM referral_rating WHERE referral_id IN (SELECT id FROM bench_written) OR rationale = $1`,
    [BENCH_RATING_RATIONALE],
  );
  await client.query(`DELETE FROM referral WHERE id IN (SELECT id FROM bench_written)`);
  await client.query('COMMIT');
}

async function makeFeeders(client: Client, runId: string): Promise<Record<string, Feeder>> {
  // M1: a referral about a child already known to the hub (subjects of generated referrals).
  const subjects = (
    await client.query(
      `SELECT DISTINCT s.person_id::text AS id FROM referral_subject s JOIN person p ON p.id = s.person_id AND p.kind = 'CHILD'
        WHERE s.referral_id IN (SELECT id FROM referral ORDER BY id LIMIT 300) LIMIT 200`,
    )
  ).rows.map((r: { id: string }) => r.id);
  let m1 = 0;
  // M2: re-rating keeps the state (RERATE), so the pool never runs out; every request takes the next
  // referral of the pool at the version it will have after the requests sent before it. The versions
  // are read again before each cell, so a failed request does not poison the next cell.
  const pool = (
    await client.query(
      `SELECT id::text AS id, rag FROM referral WHERE status IN ('SCREENED','AWAITING_CHECKS','READY_FOR_DECISION') AND rag IS NOT NULL
        ORDER BY id LIMIT 5000`,
    )
  ).rows as Array<{ id: string; rag: string }>;
  const versions = new Map<string, number>();
  let m2 = 0;
  return {
    M1: {
      prepare: async () => undefined,
      next: () => {
        const i = m1++;
        return {
          input: {
            subjects: [{ personId: subjects[i % subjects.length] }],
            concernCategories: ['NEGLECT'],
            narrative: BENCH_SUBMISSION_NARRATIVE,
            consentSought: true,
            consentGiven: true,
          },
          key: `bench-${runId}-${i}`,
        };
      },
    },
    M2: {
      prepare: async () => {
        // Requests still in flight when the previous cell ended commit after it: read until stable.
        const read = async () =>
          (
            (
              await client.query(`SELECT id::text AS id, version FROM referral WHERE id = ANY($1::uuid[])`, [
                pool.map((p) => p.id),
              ])
            ).rows as Array<{
              id: string;
              version: number;
            }>
          )
            .map((r) => `${r.id}:${r.version}`)
            .join(',');
        let last = await read();
        for (let i = 0; i < 12; i++) {
          await new Promise((r) => setTimeout(r, 250));
          const now = await read();
          if (now === last) break;
          last = now;
        }
        for (const pair of last.split(',')) {
          const [id, v] = pair.split(':');
          versions.set(id!, Number(v));
        }
      },
      next: () => {
        const p = pool[m2++ % pool.length]!;
        const v = versions.get(p.id)!;
        versions.set(p.id, v + 1);
        return { id: p.id, rag: p.rag, v };
      },
    },
  };
}

/** A percentile of the cell's response times to 0.1 ms (0 when nothing came back, as autocannon reports it). */
function latencyMs(latencies: number[], q: number): number {
  return latencies.length ? Math.round(percentile(latencies, q) * 10) / 10 : 0;
}

function percentile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

function median(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summarise(samples: Sample[]) {
  const keys = new Set(samples.map((s) => `${s.op}|${s.connections}|${s.variant}`));
  return [...keys].map((k) => {
    const [op, c, variant] = k.split('|');
    const xs = samples.filter((s) => s.op === op && String(s.connections) === c && s.variant === variant);
    const codes: Record<string, number> = {};
    for (const x of xs) for (const [code, n] of Object.entries(x.errorCodes)) codes[code] = (codes[code] ?? 0) + n;
    return {
      op: op!,
      connections: Number(c),
      variant: variant as Variant,
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p90: median(xs.map((x) => x.p90)),
      p95: median(xs.map((x) => x.p95)),
      p99: median(xs.map((x) => x.p99)),
      statementsPerRequest: median(xs.map((x) => x.statementsPerRequest ?? NaN)),
      ok: xs.reduce((a, x) => a + x.ok, 0),
      sent: xs.reduce((a, x) => a + x.sent, 0),
      auditEvents: xs.some((x) => x.auditEvents !== null) ? xs.reduce((a, x) => a + (x.auditEvents ?? 0), 0) : null,
      non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
      gqlErrors: xs.reduce((a, x) => a + x.gqlErrors, 0),
      errors: xs.reduce((a, x) => a + x.errors, 0),
      errorCodes: codes,
    };
  });
}

type Summary = ReturnType<typeof summarise>;

interface RenderInput {
  summary: Summary;
  machine: object;
  when: string;
  quick: boolean;
  scaleFactor: number;
  auditRows: number;
  auditAtStart?: { events: number; disclosures: number };
  samples?: Sample[];
  openLoop?: Array<{
    variant: string;
    rate: number;
    p50: number;
    p90: number;
    p95: number;
    p99: number;
    non2xx: number;
  }>;
  /** Each server's largest RSS seen over the run, in bytes (absent in runs before issue 21's). */
  peakRss?: Partial<Record<string, number>>;
  generation: { partnershipSeconds?: number; auditSeconds?: number; auditRowsAdded?: number };
  soak: {
    seconds: number;
    warmupSeconds: number;
    rate: number;
    rssAfterWarmup: number;
    rssEnd: number;
    rssPeak: number;
    growthPercent: number;
    p50: number;
    p99: number;
    non2xx: number;
  } | null;
}

function renderTables(result: RenderInput): string {
  const s = result.summary;
  const get = (op: string, c: number, v: string) =>
    s.find((x) => x.op === op && x.connections === c && x.variant === v);
  const cs = [...new Set(s.map((x) => x.connections))].sort((a, b) => a - b);
  const ops = [...new Set(s.map((x) => x.op))];
  const kindOf = (op: string) => OPERATIONS.find((o) => o.name === op)?.kind ?? 'read';
  const lines = [
    `Run ${result.when} (${result.quick ? 'quick' : 'full'}, scale ${result.scaleFactor}, ${result.auditRows.toLocaleString('en-GB')} generated audit rows${
      result.auditAtStart
        ? `; at start ${result.auditAtStart.events.toLocaleString('en-GB')} audit events, ${result.auditAtStart.disclosures.toLocaleString('en-GB')} disclosure rows`
        : ''
    }); machine ${JSON.stringify(result.machine)}`,
  ];
  if (result.generation.partnershipSeconds || result.generation.auditSeconds) {
    lines.push(
      '',
      `Generated in this run: partnership ${result.generation.partnershipSeconds?.toFixed(0) ?? '–'} s; ` +
        `${result.generation.auditRowsAdded?.toLocaleString('en-GB') ?? 0} audit rows in ${result.generation.auditSeconds?.toFixed(0) ?? '–'} s.`,
    );
  }
  const reads = ops.filter((op) => kindOf(op) === 'read');
  if (reads.length) {
    lines.push(
      '',
      '| op | c | B0 req/s | B2/B0 | B4/B0 | B5/B0 | RAW req/s | PEER req/s | B0/PEER | B5/PEER | p50 B0/B2/B4/B5/PEER (ms) | B4−B2 p50 | SQL/req B0 / B5 (B5: + audit) / PEER | audit events / 2xx / sent (B5) |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const op of reads) {
      for (const c of cs) {
        const [b0, b2, b4, b5, raw] = HUB_AND_RAW.map((v) => get(op, c, v));
        const peer = get(op, c, 'PEER');
        if (!b0 && !peer) continue;
        // (No default for `to`: a missing PEER cell must give '–', not a ratio to B0.)
        const ratio = (x: { rps: number } | undefined, to: { rps: number } | undefined) =>
          x && to ? (x.rps / to.rps).toFixed(2) : '–';
        lines.push(
          `| ${op} | ${c} | ${b0?.rps.toFixed(0) ?? '–'} | ${ratio(b2, b0)} | ${ratio(b4, b0)} | ${ratio(b5, b0)} | ${raw?.rps.toFixed(0) ?? '–'} | ` +
            `${peer?.rps.toFixed(0) ?? '–'} | ${ratio(b0, peer)} | ${ratio(b5, peer)} | ` +
            `${[b0, b2, b4, b5, peer].map((x) => x?.p50 ?? '–').join(' / ')} | ${b4 && b2 ? (b4.p50 - b2.p50).toFixed(1) : '–'} | ` +
            `${[b0, b5, peer].map((x) => x?.statementsPerRequest?.toFixed(2) ?? '–').join(' / ')} | ${b5 ? `${b5.auditEvents} / ${b5.ok} / ${b5.sent}` : '–'} |`,
        );
      }
    }
  }
  /** B5 beside another variant of itself, read by read: the ratio of the two and the same ratio round by round. */
  const besideB5 = (other: Variant, intro: string[], names: [string, string], roundsBy: 'p95' | 'rps') => {
    const compared = reads.filter((op) => cs.some((c) => get(op, c, other) && get(op, c, 'B5')));
    if (!compared.length) return;
    const [n, o] = names;
    lines.push(
      '',
      ...intro,
      '',
      `| op | c | req/s B5 / ${other} | ${n}÷${o} req/s | p50 B5 / ${other} (ms) | p95 B5 / ${other} (ms) | ${n}÷${o} p95 | ${roundsBy} by round, ${n}÷${o} (median) |`,
      '|---|---|---|---|---|---|---|---|',
    );
    for (const op of compared) {
      for (const c of cs) {
        const [b5, x] = [get(op, c, 'B5'), get(op, c, other)];
        if (!b5 || !x) continue;
        lines.push(
          `| ${op} | ${c} | ${b5.rps.toFixed(0)} / ${x.rps.toFixed(0)} | ${(b5.rps / x.rps).toFixed(2)} | ${ms(b5.p50)} / ${ms(x.p50)} | ` +
            `${ms(b5.p95)} / ${ms(x.p95)} | ${(b5.p95 / x.p95).toFixed(2)} | ${byRound(result.samples ?? [], op, c, 'B5', other, roundsBy)} |`,
        );
      }
    }
  };
  besideB5(
    'NOWALL',
    [
      'The partnership wall (row-level security, ADR 016) on vs off: B5 serves as mash_app, NOWALL is B5 serving as a role that',
      'bypasses row-level security (bench/roles.ts; the settings are still sent, the policies not evaluated). Target: p95 within 10 % (issue 26).',
    ],
    ['on', 'off'],
    'p95',
  );
  besideB5(
    'B5SYNC',
    [
      "The audit's WAL flush (ADR 037): B5 defers it out of the chain lock when the writer is busy; B5SYNC keeps it in every",
      "batch's commit, as before. New ÷ old above 1 is the design's gain in the whole hub.",
    ],
    ['new', 'old'],
    'rps',
  );
  const others = ops.filter((op) => kindOf(op) !== 'read' && kindOf(op) !== 'ig');
  if (others.length) {
    lines.push(
      '',
      'Writes (M1, M2) and governance metrics. p95 B5÷RAW is the metrics target (≤ 2);',
      'errors are non-2xx + 2xx with GraphQL errors + socket errors, per variant, with their codes. "by round" divides B5 by RAW within each round (the',
      'two cells run seconds apart), so a stall of the whole machine during one round moves both; p95 B5÷RAW divides the medians over rounds.',
      '',
      '| op | c | req/s B0 / B2 / B4 / B5 / RAW | p50 B5 / RAW (ms) | p95 B0 / B2 / B4 / B5 / RAW (ms) | p95 B5÷RAW | p95 B5÷RAW by round (median) | SQL/req (B5) | audit events / 2xx / sent (B5) | errors B0 / B2 / B4 / B5 / RAW |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const op of others) {
      for (const c of cs) {
        const xs = HUB_AND_RAW.map((v) => get(op, c, v));
        const [, , , b5, raw] = xs;
        if (!xs[0]) continue;
        lines.push(
          `| ${op} | ${c} | ${xs.map((x) => x?.rps.toFixed(0) ?? '–').join(' / ')} | ${b5?.p50 ?? '–'} / ${raw?.p50 ?? '–'} | ` +
            `${xs.map((x) => x?.p95 ?? '–').join(' / ')} | ${b5 && raw ? (b5.p95 / raw.p95).toFixed(2) : '–'} | ${byRound(result.samples ?? [], op, c)} | ${b5?.statementsPerRequest.toFixed(2) ?? '–'} | ` +
            `${b5 ? `${b5.auditEvents} / ${b5.ok} / ${b5.sent}` : '–'} | ${errorsOf(xs)} |`,
        );
      }
    }
  }
  const ig = ops.filter((op) => kindOf(op) === 'ig');
  if (ig.length) {
    const withAudit = [...HUB_AND_RAW, 'RAWA'] as const;
    lines.push(
      '',
      "IG queries (issue 21 targets: p95 B5 ≤ 1.5 × RAW+A at c = 1, p95 B5 ≤ 2 × RAW at c = 10). RAW+A is RAW with the same read's audit",
      'append (an event naming every person the page shows) in its transaction, committed before the answer (bench/serve.ts). "by round": the ratio within each round, then their median.',
      '',
      '| op | c | req/s B0 / B2 / B4 / B5 / RAW / RAW+A | p50 B5 / RAW / RAW+A (ms) | p95 B0 / B2 / B4 / B5 / RAW / RAW+A (ms) | p95 B5÷RAW+A | by round (median) | p95 B5÷RAW | by round (median) | SQL/req (B5) | audit events / 2xx / sent (B5) | errors B0 / B2 / B4 / B5 / RAW / RAW+A |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const op of ig) {
      for (const c of cs) {
        const xs = withAudit.map((v) => get(op, c, v));
        const [, , , b5, raw, rawa] = xs;
        if (!xs.some(Boolean)) continue;
        lines.push(
          `| ${op} | ${c} | ${xs.map((x) => x?.rps.toFixed(0) ?? '–').join(' / ')} | ${[b5, raw, rawa].map((x) => x?.p50 ?? '–').join(' / ')} | ` +
            `${xs.map((x) => x?.p95 ?? '–').join(' / ')} | ${b5 && rawa ? (b5.p95 / rawa.p95).toFixed(2) : '–'} | ${rawa ? byRound(result.samples ?? [], op, c, 'B5', 'RAWA') : '–'} | ` +
            `${b5 && raw ? (b5.p95 / raw.p95).toFixed(2) : '–'} | ${byRound(result.samples ?? [], op, c)} | ${b5?.statementsPerRequest.toFixed(2) ?? '–'} | ` +
            `${b5 ? `${b5.auditEvents} / ${b5.ok} / ${b5.sent}` : '–'} | ${errorsOf(xs)} |`,
        );
      }
    }
  }
  if (result.openLoop?.length) {
    lines.push(
      '',
      `Open loop: Q3 at ${result.openLoop[0]!.rate} req/s (80 % of B0's closed-loop capacity), 50 connections, latency without coordinated omission (ms):`,
      '',
      '| variant | p50 | p90 | p95 | p99 | non-2xx |',
      '|---|---|---|---|---|---|',
      ...result.openLoop.map(
        (o) =>
          `| ${o.variant === 'RAWA' ? 'RAW+A' : o.variant} | ${o.p50} | ${o.p90} | ${o.p95} | ${o.p99} | ${o.non2xx} |`,
      ),
    );
  }
  if (result.peakRss && Object.keys(result.peakRss).length) {
    lines.push(
      '',
      `Peak RSS per server over the run (MiB, sampled before and after every cell): ${Object.entries(result.peakRss)
        .map(([v, b]) => `${v === 'RAWA' ? 'RAW+A' : v} ${mib(b ?? 0)}`)
        .join(', ')}.`,
    );
  }
  if (result.soak) {
    const k = result.soak;
    lines.push(
      '',
      `Soak: Q3 against B5 at ${k.rate} req/s (80 % of B5's capacity) for ${k.seconds} s: RSS after ${k.warmupSeconds} s warm-up ${mib(k.rssAfterWarmup)} MiB, ` +
        `at end ${mib(k.rssEnd)} MiB (peak ${mib(k.rssPeak)} MiB), growth ${k.growthPercent.toFixed(1)} % (target < 10 %); p50 ${k.p50} ms, p99 ${k.p99} ms, ${k.non2xx} non-2xx.`,
    );
  }
  return lines.join('\n');
}

/** Errors per variant (non-2xx + 2xx with GraphQL errors + socket errors), then their codes. */
function errorsOf(
  xs: ReadonlyArray<
    { non2xx: number; gqlErrors: number; errors: number; errorCodes?: Record<string, number> } | undefined
  >,
): string {
  const errs = xs.map((x) => (x ? x.non2xx + x.gqlErrors + x.errors : '–')).join(' / ');
  const codes = [...new Set(xs.flatMap((x) => Object.entries(x?.errorCodes ?? {}).map(([k, n]) => `${k} ${n}`)))];
  return `${errs}${codes.length ? ` (${codes.join(', ')})` : ''}`;
}

/** p95 B5÷RAW (or a÷b) within each round, and their median: "1.64 · 1.35 · 1.50 (1.50)". */
function byRound(
  samples: Sample[],
  op: string,
  c: number,
  a: Variant = 'B5',
  b: Variant = 'RAW',
  measure: 'p95' | 'rps' = 'p95',
): string {
  const at = (round: number, variant: Variant) =>
    samples.find((x) => x.op === op && x.connections === c && x.round === round && x.variant === variant);
  const ratios = [...new Set(samples.map((x) => x.round))]
    .sort((a, b) => a - b)
    .flatMap((round) => {
      const [x, y] = [at(round, a), at(round, b)];
      return x && y && y[measure] > 0 ? [x[measure] / y[measure]] : [];
    });
  return ratios.length ? `${ratios.map((r) => r.toFixed(2)).join(' · ')} (${median(ratios).toFixed(2)})` : '–';
}

function writeReadmeTable(table: string): void {
  const readme = path.join(benchDir, 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const next = text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`);
  fs.writeFileSync(readme, next);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
