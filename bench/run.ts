/**
 * The benchmark (quality.md): operations Q1–Q6 against variants B0 (bare twin), B2 (+ field
 * permissions), B4 (+ durable audit), B5 (production configuration) and RAW (one hand-written SQL),
 * interleaved A B A B over rounds, medians, closed loop at several concurrencies, plus an open-loop
 * run at 80 % of B0's capacity. Servers are pinned to core 0 and the load generator to core 1 when
 * `taskset` exists. `npm run bench` (full) or `npm run bench -- --quick`; options `--scale=0.2`,
 * `--duration=5` (seconds per cell), `--ops=Q5,Q6`, `--connections=1,10` (a targeted run never
 * rewrites README.md).
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
import { startEmbeddedPostgres } from '../src/db/embedded';
import { createLogger } from '../src/shared/logger';
import { generate, scaled, type Scale } from './generate';
import { OPERATIONS, USERS, type Operation } from './operations';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const scaleFactor = Number(process.argv.find((a) => a.startsWith('--scale='))?.split('=')[1] ?? (quick ? 0.05 : 1));
const DURATION = Number(process.argv.find((a) => a.startsWith('--duration='))?.split('=')[1] ?? (quick ? 2 : 5));
const ROUNDS = quick ? 1 : 3;
const connectionsArg = process.argv.find((a) => a.startsWith('--connections='))?.split('=')[1];
const CONCURRENCY = connectionsArg ? connectionsArg.split(',').map(Number) : quick ? [10] : [1, 10, 50];
const VARIANTS = ['B0', 'B2', 'B4', 'B5', 'RAW'] as const;
/** `--ops=Q5,Q6` restricts the run to those operations (a targeted measurement after a change). */
const opsArg = process.argv.find((a) => a.startsWith('--ops='))?.split('=')[1];
const SELECTED = opsArg ? OPERATIONS.filter((o) => opsArg.split(',').includes(o.name)) : OPERATIONS;
if (opsArg && SELECTED.length === 0) throw new Error(`--ops: no operation among ${OPERATIONS.map((o) => o.name).join(', ')}`);
type Variant = (typeof VARIANTS)[number];
const benchDir = __dirname;
const log = (m: string) => process.stdout.write(`${m}\n`);

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
  p99: number;
  errors: number;
  non2xx: number;
  statementsPerRequest: number | null;
  sent: number;
  ok: number;
  auditEvents: number | null;
}

async function main(): Promise<void> {
  const pin = hasTaskset();
  if (pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const dataDir = path.join(benchDir, '.data');
  fs.mkdirSync(dataDir, { recursive: true });
  const logger = createLogger('silent');

  let serverUrl = process.env.BENCH_DATABASE_URL;
  let stopDb: (() => Promise<void>) | undefined;
  if (!serverUrl) {
    const db = await startEmbeddedPostgres({ dataDir });
    serverUrl = db.url;
    stopDb = db.stop;
  }
  const scale: Scale = scaled(scaleFactor);
  const dbName = `mash_bench_${String(scaleFactor).replace('.', '_')}`;
  const url = await ensureDatabase(serverUrl, dbName);
  const ds = createDataSource(url, logger, 2);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  const client = new Client({ connectionString: url });
  await client.connect();
  const [{ n }] = (await client.query('SELECT count(*)::int AS n FROM person')).rows as Array<{ n: number }>;
  if (n === 0) {
    log(`generating the partnership at scale ${scaleFactor}: ${JSON.stringify(scale)}`);
    await generate(client, scale, (m) => log(`  ${m}`));
  } else log(`reusing ${dbName} (${n} people)`);

  const keyFile = path.join(dataDir, 'dev-signing-key.json');
  await loadOrCreateDevKey(keyFile);
  const auth = { mode: 'development' as const, keyFile, issuer: 'mash-hub-dev', audience: 'mash-hub', algorithms: ['ES256'], clockToleranceSeconds: 30 };
  const tokens = {
    socialWorker: await signDevToken(auth, { ...USERS.socialWorker, roles: [...USERS.socialWorker.roles] }, '2h'),
    police: await signDevToken(auth, { ...USERS.police, roles: [...USERS.police.roles] }, '2h'),
  };

  const children: ChildProcess[] = [];
  const servers = {} as Record<Variant, { port: number; statsPort: number }>;
  for (const variant of VARIANTS) {
    const port = await freePort();
    const statsPort = await freePort();
    const cmd = [process.execPath, require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(benchDir, 'serve.ts')];
    const child = spawn(pin ? 'taskset' : cmd[0]!, pin ? ['-c', '0', ...cmd] : cmd.slice(1), {
      env: {
        ...process.env,
        BENCH_VARIANT: variant,
        BENCH_PORT: String(port),
        BENCH_STATS_PORT: String(statsPort),
        BENCH_DATABASE_URL: url,
        BENCH_KEY_FILE: keyFile,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
      child.on('exit', (code) => reject(new Error(`${variant} server exited ${code}`)));
    });
    servers[variant] = { port, statsPort };
  }
  const stats = async (v: Variant) =>
    (await (await fetch(`http://127.0.0.1:${servers[v].statsPort}/`)).json()) as { statements: number; requests: number; inFlight: number; rss: number };
  /** The server's counters once the requests still running when a cell ended have finished (at most 30 s). */
  const settledStats = async (v: Variant) => {
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

  const runId = Date.now().toString(36);
  let counter = 0;
  const fire = async (op: Operation, variant: Variant, connections: number, duration: number, overallRate?: number) => {
    const prefix = `bench-${runId}-${variant}-${op.name}-${connections}-${++counter}-`;
    let sent = 0;
    const isRaw = variant === 'RAW';
    const before = await settledStats(variant);
    const result = await autocannon({
      url: `http://127.0.0.1:${servers[variant].port}`,
      connections,
      duration,
      ...(overallRate ? { overallRate } : {}),
      requests: [
        isRaw
          ? { method: 'GET', path: `/raw/${op.name}` }
          : {
              method: 'POST',
              path: '/graphql',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[op.user]}` },
              body: JSON.stringify({ query: op.query, variables: op.variables ?? {} }),
              setupRequest: (req: Record<string, unknown>) => ({
                ...req,
                headers: { ...(req.headers as Record<string, string>), 'x-request-id': `${prefix}${++sent}` },
              }),
            },
      ],
    } as autocannon.Options);
    const after = await settledStats(variant);
    const ok = result['2xx'];
    let auditEvents: number | null = null;
    if (variant === 'B4' || variant === 'B5') {
      const r = await client.query('SELECT count(*)::int AS n FROM audit_event WHERE request_id LIKE $1', [`${prefix}%`]);
      auditEvents = (r.rows[0] as { n: number }).n;
    }
    return {
      rps: result.requests.average,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      // Per request the server received (completed or not when the cell ended), counted after they settled.
      statementsPerRequest: after.requests > before.requests ? (after.statements - before.statements) / (after.requests - before.requests) : null,
      sent: sent || result.requests.sent,
      ok,
      auditEvents,
    };
  };

  // Sanity: every variant answers every operation with data and no GraphQL errors before we measure.
  for (const op of SELECTED) {
    for (const v of VARIANTS.filter((x) => x !== 'RAW')) {
      const res = await fetch(`http://127.0.0.1:${servers[v].port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[op.user]}` },
        body: JSON.stringify({ query: op.query, variables: op.variables ?? {} }),
      });
      const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
      if (body.errors || !body.data) throw new Error(`${op.name} on ${v} answered with errors: ${JSON.stringify(body.errors)}`);
    }
    for (const v of VARIANTS) {
      const r = await fire(op, v, 1, 1);
      if (r.non2xx || r.errors || r.ok === 0) throw new Error(`${op.name} on ${v}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    }
  }
  log('warm-up done');

  const samples: Sample[] = [];
  const started = new Date().toISOString();
  const partialFile = path.join(benchDir, 'results', `${started.replace(/[:.]/g, '-')}-partial.json`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const op of SELECTED) {
      for (const c of CONCURRENCY) {
        for (const variant of VARIANTS) {
          const r = await fire(op, variant, c, DURATION);
          samples.push({ op: op.name, variant, connections: c, round, ...r });
          log(`round ${round} ${op.name} c=${c} ${variant}: ${r.rps.toFixed(0)} req/s p50 ${r.p50} ms, ${r.statementsPerRequest?.toFixed(2)} SQL/req`);
        }
      }
    }
    // A long run that is interrupted still leaves its completed rounds behind.
    fs.writeFileSync(partialFile, JSON.stringify({ started, roundsDone: round, scaleFactor, summary: summarise(samples), samples }, null, 2));
  }
  fs.rmSync(partialFile, { force: true });

  // Open loop at 80 % of B0's capacity on Q3 (tail latency without coordinated omission).
  const openLoop: Array<{ variant: Variant; rate: number; p50: number; p90: number; p99: number; non2xx: number }> = [];
  if (!quick && SELECTED.some((o) => o.name === 'Q3')) {
    const q3 = OPERATIONS.find((o) => o.name === 'Q3')!;
    const b0 = median(samples.filter((s) => s.op === 'Q3' && s.variant === 'B0' && s.connections === 50).map((s) => s.rps));
    const rate = Math.max(1, Math.floor(b0 * 0.8));
    for (const variant of VARIANTS) {
      const r = await fire(q3, variant, 50, DURATION, rate);
      openLoop.push({ variant, rate, p50: r.p50, p90: r.p90, p99: r.p99, non2xx: r.non2xx });
    }
  }

  const rss = Object.fromEntries(await Promise.all(VARIANTS.map(async (v) => [v, (await stats(v)).rss] as const)));
  for (const c of children) c.kill('SIGTERM');
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
  const result = { when: new Date().toISOString(), quick, scaleFactor, scale, durationSeconds: DURATION, rounds: ROUNDS, machine, summary, openLoop, rss, samples };
  const suffix = `${quick ? '-quick' : ''}${opsArg ? `-${SELECTED.map((o) => o.name).join('-')}` : ''}`;
  const file = path.join(benchDir, 'results', `${result.when.replace(/[:.]/g, '-')}${suffix}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  const table = renderTable(result);
  log(table);
  if (!quick && !opsArg) writeReadmeTable(table);
  log(`results: ${path.relative(process.cwd(), file)}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summarise(samples: Sample[]) {
  const keys = new Set(samples.map((s) => `${s.op}|${s.connections}|${s.variant}`));
  return [...keys].map((k) => {
    const [op, c, variant] = k.split('|');
    const xs = samples.filter((s) => s.op === op && String(s.connections) === c && s.variant === variant);
    return {
      op: op!,
      connections: Number(c),
      variant: variant as Variant,
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p90: median(xs.map((x) => x.p90)),
      p99: median(xs.map((x) => x.p99)),
      statementsPerRequest: median(xs.map((x) => x.statementsPerRequest ?? NaN)),
      ok: xs.reduce((a, x) => a + x.ok, 0),
      sent: xs.reduce((a, x) => a + x.sent, 0),
      auditEvents: xs.some((x) => x.auditEvents !== null) ? xs.reduce((a, x) => a + (x.auditEvents ?? 0), 0) : null,
      non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
    };
  });
}

function renderTable(result: { summary: ReturnType<typeof summarise>; machine: object; when: string; quick: boolean; scaleFactor: number }): string {
  const s = result.summary;
  const get = (op: string, c: number, v: string) => s.find((x) => x.op === op && x.connections === c && x.variant === v);
  const cs = [...new Set(s.map((x) => x.connections))].sort((a, b) => a - b);
  const lines = [
    `Run ${result.when} (${result.quick ? 'quick' : 'full'}, scale ${result.scaleFactor}); machine ${JSON.stringify(result.machine)}`,
    '',
    '| op | c | B0 req/s | B2/B0 | B4/B0 | B5/B0 | RAW req/s | p50 B0/B2/B4/B5 (ms) | B4−B2 p50 | SQL/req B0 / B5 (B5: + audit) | audit events / 2xx / sent (B5) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const op of [...new Set(s.map((x) => x.op))]) {
    for (const c of cs) {
      const [b0, b2, b4, b5, raw] = ['B0', 'B2', 'B4', 'B5', 'RAW'].map((v) => get(op, c, v));
      if (!b0) continue;
      const ratio = (x?: { rps: number }) => (x ? (x.rps / b0.rps).toFixed(2) : '–');
      lines.push(
        `| ${op} | ${c} | ${b0.rps.toFixed(0)} | ${ratio(b2)} | ${ratio(b4)} | ${ratio(b5)} | ${raw?.rps.toFixed(0) ?? '–'} | ` +
          `${[b0, b2, b4, b5].map((x) => x?.p50 ?? '–').join(' / ')} | ${b4 && b2 ? (b4.p50 - b2.p50).toFixed(1) : '–'} | ` +
          `${b0.statementsPerRequest.toFixed(2)} / ${b5?.statementsPerRequest.toFixed(2) ?? '–'} | ${b5 ? `${b5.auditEvents} / ${b5.ok} / ${b5.sent}` : '–'} |`,
      );
    }
  }
  return lines.join('\n');
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
