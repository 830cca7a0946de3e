import crypto from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { AuditWriter } from '../src/audit/audit-writer';
import { newAuditEventId, type AuditEvent } from '../src/audit/audit-event';
import { AuditUnavailableError } from '../src/audit/audit-store';
import { createDataSource } from '../src/db/data-source';
import { createLogger } from '../src/shared/logger';
import { DEFAULT_PARTNERSHIP } from '../src/shared/partnership';
import { appUrlOf, dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * ADR 037: the group-commit writer commits a batch without waiting for the WAL flush (so the chain
 * lock is not held across it) and releases the batch's requests only after a flush barrier that
 * started after the batch's commit has returned. These stories watch the order of the statements
 * and the LSNs PostgreSQL reports; the fault suite (kill -9) covers the crash side.
 */
describe('audit append: deferred flush, released after the barrier', () => {
  let url: string;
  let owner: TestHub;
  let app: DataSource;

  beforeAll(async () => {
    url = await dedicatedDatabaseUrl('deferred_flush');
    owner = await startTestHub({}, { databaseUrl: url });
    app = createDataSource(appUrlOf(url), createLogger('silent'), 10);
    await app.initialize();
  });
  afterAll(async () => {
    await app.destroy();
    await owner.close();
  });

  const readEvent = (): AuditEvent => ({
    id: newAuditEventId(),
    partnership: DEFAULT_PARTNERSHIP,
    occurredAt: new Date().toISOString(),
    requestId: crypto.randomUUID(),
    actor: { sub: 'deferred-flush-sw', name: 'Fictional Worker', agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] },
    purpose: 'TRIAGE',
    breakGlass: null,
    operation: { type: 'query', name: 'Person', documentHash: crypto.randomBytes(32).toString('hex') },
    action: 'QUERY',
    outcome: 'SUCCESS',
    errorCodes: [],
    subjects: [],
    changes: [],
  });

  const lsnAtLeast = async (a: string, b: string) =>
    (
      (await owner.db.query(`SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn) >= 0 AS ok`, [a, b])) as Array<{
        ok: boolean;
      }>
    )[0]!.ok;

  /**
   * The writer's statements, watched: `log` records each append's start and commit (deferred or
   * with its flush; with the insert LSN read right after it, which its commit record ends at or
   * before, and the flush LSN then) and each barrier's start and return. `hold('append 1')` or
   * `hold('barrier 1')` keeps that statement from running until the returned function is called.
   */
  function watch(ds: DataSource) {
    const log: string[] = [];
    const commitLsn: string[] = [];
    const flushLsnAfterCommit: string[] = [];
    const insertLsnBeforeAppend: string[] = [];
    const barrierLsn: string[] = [];
    const gates = new Map<string, Promise<void>>();
    let appends = 0;
    let barriers = 0;
    let failBarrier = false;
    const query = ds.query.bind(ds);
    ds.query = (async (sql: string, parameters?: unknown[], runner?: QueryRunner) => {
      if (sql.includes('pg_logical_emit_message')) {
        const n = ++barriers;
        log.push(`barrier ${n} started`);
        await gates.get(`barrier ${n}`);
        if (failBarrier) throw new Error('fictional: barrier refused');
        const rows = (await query(sql, parameters, runner)) as Array<{ lsn: string }>;
        barrierLsn.push(rows[0]!.lsn);
        log.push(`barrier ${n} returned`);
        return rows;
      }
      if (!sql.includes('mash_audit_append_events')) return query(sql, parameters, runner);
      const n = ++appends;
      log.push(`append ${n} started`);
      await gates.get(`append ${n}`);
      const [before] = (await owner.db.query(`SELECT pg_current_wal_insert_lsn()::text AS lsn`)) as Array<{
        lsn: string;
      }>;
      insertLsnBeforeAppend.push(before!.lsn);
      const rows = (await query(sql, parameters, runner)) as unknown;
      const [lsn] = (await owner.db.query(
        `SELECT pg_current_wal_insert_lsn()::text AS inserted, pg_current_wal_flush_lsn()::text AS flushed`,
      )) as Array<{ inserted: string; flushed: string }>;
      commitLsn.push(lsn!.inserted);
      flushLsnAfterCommit.push(lsn!.flushed);
      log.push(`append ${n} committed ${sql.includes("'synchronous_commit', 'off'") ? 'deferred' : 'with its flush'}`);
      return rows;
    }) as typeof ds.query;
    return {
      log,
      commitLsn,
      flushLsnAfterCommit,
      insertLsnBeforeAppend,
      barrierLsn,
      hold(name: string): () => void {
        let open!: () => void;
        gates.set(name, new Promise<void>((r) => (open = r)));
        return open;
      },
      failBarriers: () => (failBarrier = true),
      restore: () => delete (ds as { query?: unknown }).query,
    };
  }

  const flushLsnNow = async () =>
    ((await owner.db.query(`SELECT pg_current_wal_flush_lsn()::text AS lsn`)) as Array<{ lsn: string }>)[0]!.lsn;

  it('given a writer at rest, when one event is written, then it is appended with the flush in its commit (one round trip, no barrier) and released after it', async () => {
    const w = watch(app);
    try {
      const writer = new AuditWriter(app, createLogger('silent'));
      const event = readEvent();

      await writer.write(event).then(() => w.log.push('released'));

      expect(w.log).toEqual(['append 1 started', 'append 1 committed with its flush', 'released']);
      // The WAL is the cluster's: other suites write to it in parallel, so the insert position read
      // after the commit may be past this commit and not yet flushed. What this commit guarantees is
      // that the flush passed its own records, all written after the position read before it.
      expect(await lsnAtLeast(w.flushLsnAfterCommit[0]!, w.insertLsnBeforeAppend[0]!)).toBe(true);
      expect(w.flushLsnAfterCommit[0]).not.toBe(w.insertLsnBeforeAppend[0]);
      expect(await owner.db.query('SELECT 1 FROM audit_event WHERE id = $1', [event.id])).toHaveLength(1);
    } finally {
      w.restore();
    }
  });

  it('given events queued during an append, when the next batch is appended, then its commit is deferred and its request is released only after a barrier started after that commit returned, the WAL flushed past the commit', async () => {
    const w = watch(app);
    try {
      const writer = new AuditWriter(app, createLogger('silent'));
      const openFirst = w.hold('append 1');
      const first = writer.write(readEvent()).then(() => w.log.push('first released'));
      await until(() => w.log.includes('append 1 started'));
      const queued = readEvent();
      const second = writer.write(queued).then(() => w.log.push('second released'));

      openFirst();
      await Promise.all([first, second]);
      const flushed = await flushLsnNow();

      const after = w.log.slice(w.log.indexOf('append 2 started'));
      expect(after).toEqual([
        'append 2 started',
        'append 2 committed deferred',
        'barrier 1 started',
        'barrier 1 returned',
        'second released',
      ]);
      expect(await lsnAtLeast(w.barrierLsn[0]!, w.commitLsn[1]!)).toBe(true);
      expect(await lsnAtLeast(flushed, w.commitLsn[1]!)).toBe(true);
      expect(await owner.db.query('SELECT 1 FROM audit_event WHERE id = $1', [queued.id])).toHaveLength(1);
    } finally {
      w.restore();
    }
  });

  it("given a writer built with deferral off (the benchmark's B5SYNC, the design before ADR 037), when events queue during an append, then every batch keeps the flush in its commit and no barrier runs", async () => {
    const w = watch(app);
    try {
      const writer = new AuditWriter(app, createLogger('silent'), 2000, false);
      const openFirst = w.hold('append 1');
      const first = writer.write(readEvent()).then(() => w.log.push('first released'));
      await until(() => w.log.includes('append 1 started'));
      const second = writer.write(readEvent()).then(() => w.log.push('second released'));

      openFirst();
      await Promise.all([first, second]);

      expect(w.log).toEqual([
        'append 1 started',
        'append 1 committed with its flush',
        'first released',
        'append 2 started',
        'append 2 committed with its flush',
        'second released',
      ]);
      expect(writer.stats).toMatchObject({ events: 2, batches: 2, flushes: 0, failures: 0 });
    } finally {
      w.restore();
    }
  });

  it('given a barrier already under way when a batch commits, when that barrier returns, then the batch is not released until a barrier started after its commit returns', async () => {
    const w = watch(app);
    try {
      const writer = new AuditWriter(app, createLogger('silent'));
      const openAppend = w.hold('append 1');
      const openBarrier = w.hold('barrier 1');
      const first = writer.write(readEvent()).then(() => w.log.push('first released'));
      await until(() => w.log.includes('append 1 started'));
      const second = writer.write(readEvent()).then(() => w.log.push('second released'));
      openAppend();
      await until(() => w.log.includes('barrier 1 started'));

      const third = writer.write(readEvent()).then(() => w.log.push('third released'));
      await until(() => w.log.includes('append 3 committed deferred'));
      openBarrier();
      await Promise.all([first, second, third]);

      const at = (entry: string) => w.log.indexOf(entry);
      expect(at('second released')).toBeGreaterThan(at('barrier 1 returned'));
      expect(at('barrier 2 started')).toBeGreaterThan(at('append 3 committed deferred'));
      expect(at('third released')).toBeGreaterThan(at('barrier 2 returned'));
      expect(await lsnAtLeast(w.barrierLsn[1]!, w.commitLsn[2]!)).toBe(true);
    } finally {
      w.restore();
    }
  });

  it('given the flush barrier fails, when a deferred batch waits for it, then its request is refused (it fails closed) and counted as a failure, while the batch flushed in its commit is released', async () => {
    const w = watch(app);
    try {
      const writer = new AuditWriter(app, createLogger('silent'));
      w.failBarriers();
      const openFirst = w.hold('append 1');
      const first = writer.write(readEvent());
      await until(() => w.log.includes('append 1 started'));
      const second = writer.write(readEvent()).then(
        () => null,
        (e: unknown) => e,
      );

      openFirst();
      await first;
      const refused = await second;

      expect(refused).toBeInstanceOf(AuditUnavailableError);
      expect(writer.stats).toMatchObject({ failures: 1, events: 1, batches: 1 });
    } finally {
      w.restore();
    }
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error('condition not reached in 5 s');
}
