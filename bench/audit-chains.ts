/**
 * The durable audit append under load (issue 21 item 5, issue 26 "Measured"): where an append's time
 * goes, and appends with many concurrent writers into per-partnership chains vs one single chain.
 * Not the benchmark: the hub's own AuditWriter (group commit) and audit store against a database of
 * its own (`mash_bench_chains`, migrated here, in the bench's cluster `bench/.data`), as `mash_app`.
 *
 * 1. Steps of one append (c = 1), the way it ran until 2026-12-06 (BEGIN, the settings, the append
 *    function, COMMIT, each a round trip, timed one by one), in one round trip committed at its Sync
 *    (the flush in the commit), and as now (ADR 037: the append committed without waiting for the
 *    flush, then the flush barrier), for events naming 1, 20 and 85 people; the Node side
 *    (canonical JSON and the batch's rows hash) timed alone.
 * 2. Many writers: W AuditWriter instances (as W hub processes, each its own pool of 10) take events
 *    from c concurrent requests spread over P partnerships (1 or 4); each request waits until its
 *    event is durable, as a response does. Designs, interleaved cell by cell: `flush in commit` (as
 *    until ADR 037, emulated: the append commits synchronously, the chain lock held across the WAL
 *    flush) and `deferred flush` (the hub now). Appends/s, batches and flushes, and the latency a
 *    request waits (p50, p99). (The single-chain comparison of issue 26 was measured by this
 *    script's earlier version: bench/README.md, second session of 2026-12-06.)
 *
 *   npx ts-node --transpile-only bench/audit-chains.ts [--seconds=4] [--writers=4] [--rounds=2]
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { ensureDatabase } from '../src/db/admin';
import { createDataSource } from '../src/db/data-source';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { inPartnership } from '../src/db/partnership-scope';
import { AuditWriter } from '../src/audit/audit-writer';
import { appendAuditBatch, flushAuditWal } from '../src/audit/audit-store';
import {
  canonicalJson,
  GENESIS_HASH,
  newAuditEventId,
  rowsHashOfCanonical,
  type AuditEvent,
} from '../src/audit/audit-event';
import { createLogger } from '../src/shared/logger';
import { benchServingUrls } from './roles';

const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const SECONDS = Number(opt('seconds') ?? 4);
const WRITERS = Number(opt('writers') ?? 4);
const ROUNDS = Number(opt('rounds') ?? 2);
const PARTNERSHIPS = ['default', 'bench-chain-2', 'bench-chain-3', 'bench-chain-4'];

const pct = (xs: number[], q: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]! : NaN;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** A read event as the hub writes one: a page naming `people` children, each with records and fields. */
function readEvent(partnership: string, people: number): AuditEvent {
  return {
    id: newAuditEventId(),
    partnership,
    occurredAt: new Date().toISOString(),
    requestId: crypto.randomUUID(),
    actor: { sub: 'bench-sw-1', name: 'Bench Social Worker', agency: 'csc', roles: ['SOCIAL_WORKER'] },
    purpose: 'TRIAGE',
    breakGlass: null,
    operation: { type: 'query', name: 'TriageQueue', documentHash: crypto.randomBytes(32).toString('hex') },
    action: 'QUERY',
    outcome: 'SUCCESS',
    errorCodes: [],
    subjects: Array.from({ length: people }, () => ({
      personId: crypto.randomUUID(),
      outcome: 'DISCLOSED' as const,
      recordIds: [crypto.randomUUID(), crypto.randomUUID()],
      released: ['Referral.narrative', 'Referral.concerns', 'Person.givenName', 'Person.familyName'],
      redacted: [],
      relationships: ['REFERRAL_PARTICIPANT'],
    })),
    changes: [],
  };
}

async function main(): Promise<void> {
  const db = await startEmbeddedPostgres({ dataDir: path.join(__dirname, '.data') });
  const url = await ensureDatabase(db.url, 'mash_bench_chains');
  const silent = createLogger('silent');
  const migrate = createDataSource(url, silent, 1);
  await migrate.initialize();
  await migrate.runMigrations({ transaction: 'each' });
  await migrate.destroy();
  const owner = new Client({ connectionString: url });
  await owner.connect();
  for (const p of PARTNERSHIPS)
    await owner.query(`INSERT INTO partnership (id, display_name) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [p]);
  const serving = await benchServingUrls(owner, url);
  console.log(
    `audit events held at start: ${(await owner.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n}; load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; ${SECONDS} s per cell, ${WRITERS} writers`,
  );

  // 1. Steps of one append.
  {
    const app = new Client({ connectionString: serving.wallOn });
    await app.connect();
    const ds = createDataSource(serving.wallOn, silent, 1);
    await ds.initialize();
    console.log(
      '\n| people named | payload (KB) | Node: JSON + hash (ms) | before: BEGIN / settings / append / COMMIT (ms, p50) | before total | one round trip, flush in the commit (ms, p50) | deferred flush: append / barrier (ms, p50) | deferred total |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const people of [1, 20, 85]) {
      const steps: number[][] = [[], [], [], []];
      const node: number[] = [];
      const before: number[] = [];
      const now: number[] = [];
      const deferred: number[][] = [[], []];
      const deferredTotal: number[] = [];
      let size = 0;
      for (let i = 0; i < 300; i++) {
        const e = readEvent('default', people);
        let t = process.hrtime.bigint();
        const canonical = [canonicalJson(e)];
        const args = [GENESIS_HASH, rowsHashOfCanonical(canonical), `[${canonical.join(',')}]`];
        node.push(ms(t));
        size = args[2]!.length;
        if (i % 3 === 0) {
          const t0 = process.hrtime.bigint();
          t = process.hrtime.bigint();
          await app.query('BEGIN');
          steps[0]!.push(ms(t));
          t = process.hrtime.bigint();
          await app.query(
            `SELECT set_config('mash.partnership', $1, true), set_config('mash.actor', $2, true), set_config('mash.request_id', $3, true)`,
            ['default', 'system:audit-writer', e.requestId],
          );
          steps[1]!.push(ms(t));
          t = process.hrtime.bigint();
          await app.query({
            name: 'append',
            text: `SELECT mash_audit_append_events($1, $2, $3::jsonb) AS id`,
            values: args,
          });
          steps[2]!.push(ms(t));
          t = process.hrtime.bigint();
          await app.query('COMMIT');
          steps[3]!.push(ms(t));
          before.push(ms(t0));
        } else if (i % 3 === 1) {
          const scope = { partnership: 'default', actor: 'system:audit-writer', requestId: e.requestId };
          const t0 = process.hrtime.bigint();
          await inPartnership(scope, () => ds.query(`SELECT mash_audit_append_events($1, $2, $3::jsonb) AS id`, args));
          now.push(ms(t0));
        } else {
          // ADR 037: the append commits without waiting for the flush, then the barrier waits for it.
          const scope = { partnership: 'default', actor: 'system:audit-writer', requestId: e.requestId };
          const t0 = process.hrtime.bigint();
          await inPartnership(scope, () => appendAuditBatch(ds.manager, [e], { deferFlush: true }));
          deferred[0]!.push(ms(t0));
          t = process.hrtime.bigint();
          await flushAuditWal(ds.manager);
          deferred[1]!.push(ms(t));
          deferredTotal.push(ms(t0));
        }
      }
      console.log(
        `| ${people} | ${(size / 1024).toFixed(1)} | ${pct(node, 0.5).toFixed(3)} | ${steps.map((s) => pct(s, 0.5).toFixed(2)).join(' / ')} | ${pct(before, 0.5).toFixed(2)} | ${pct(now, 0.5).toFixed(2)} | ${deferred.map((d) => pct(d, 0.5).toFixed(2)).join(' / ')} | ${pct(deferredTotal, 0.5).toFixed(2)} |`,
      );
    }
    await app.end();
    await ds.destroy();
  }

  // 2. Many writers: the flush in the append's commit (the design until ADR 037: the chain lock held
  // across the WAL flush) against the deferred flush (the append commits at once, a shared barrier
  // waits for the flush before the requests are released), interleaved cell by cell, ROUNDS rounds.
  console.log(
    '\n| design | partnerships | c | round | appends/s | batches/s | events per batch | flushes/s | p50 wait (ms) | p99 wait (ms) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const sources: DataSource[] = [];
  for (let w = 0; w < WRITERS; w++) {
    const ds = createDataSource(serving.wallOn, silent, 10);
    await ds.initialize();
    sources.push(ds);
  }
  const designs = ['flush in commit', 'deferred flush'] as const;
  const designOf = (design: (typeof designs)[number]) => {
    for (const ds of sources) {
      delete (ds as { query?: unknown }).query; // back to the prototype's
      if (design === 'deferred flush') continue;
      // The design before ADR 037, emulated exactly: the append commits synchronously (the chain lock
      // held until the flush, the writer's loop waiting for it) and no barrier is needed.
      const q = ds.query.bind(ds);
      ds.query = (async (sql: string, params?: unknown[], runner?: QueryRunner) => {
        if (sql.includes('pg_logical_emit_message')) return [{ lsn: '0/0' }];
        return q(
          sql.replace(/, set_config\('synchronous_commit', 'off', true\) AS deferred_flush/, ''),
          params,
          runner,
        );
      }) as typeof ds.query;
    }
  };
  for (const partnerships of [1, 4]) {
    for (const c of [10, 50]) {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const design of round % 2 ? designs : [...designs].reverse()) {
          designOf(design);
          const writers = sources.map((ds) => new AuditWriter(ds, silent));
          const waits: number[] = [];
          const deadline = Date.now() + SECONDS * 1000;
          let appended = 0;
          await Promise.all(
            Array.from({ length: c }, async (_, i) => {
              const writer = writers[i % writers.length]!;
              const partnership = PARTNERSHIPS[i % partnerships]!;
              while (Date.now() < deadline) {
                const t0 = process.hrtime.bigint();
                await writer.write(readEvent(partnership, 20));
                waits.push(ms(t0));
                appended += 1;
              }
            }),
          );
          for (const w of writers) await w.drain();
          const batches = writers.reduce((a, w) => a + w.stats.batches, 0);
          const flushes = writers.reduce((a, w) => a + w.stats.flushes, 0);
          console.log(
            `| ${design} | ${partnerships} | ${c} | ${round} | ${(appended / SECONDS).toFixed(0)} | ${(batches / SECONDS).toFixed(0)} | ${(appended / batches).toFixed(1)} | ${design === 'deferred flush' ? (flushes / SECONDS).toFixed(0) : '(in each commit)'} | ${pct(waits, 0.5).toFixed(1)} | ${pct(waits, 0.99).toFixed(1)} |`,
          );
        }
      }
    }
  }
  designOf('deferred flush');
  console.log(
    `load at the end ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  for (const ds of sources) await ds.destroy();
  await owner.end();
  await db.stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
