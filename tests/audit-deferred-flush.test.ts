import crypto from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { AuditWriter } from '../src/audit/audit-writer';
import { newAuditEventId, type AuditEvent } from '../src/audit/audit-event';
import { AuditUnavailableError } from '../src/audit/audit-store';
import { createDataSource } from '../src/db/data-source';
import { createLogger } from '../src/shared/logger';
import { DEFAULT_PARTNERSHIP } from '../src/shared/partnership';
import { givenPerson, givenRecord } from './support/factories';
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
   * The writer's statements, watched: `log` records each append's commit (with the insert LSN read
   * right after it, which its commit record ends at or before) and each barrier's start and return.
   * `gate(n)` holds barrier n (1-based) until the test opens it; `failBarrier` makes barriers fail.
   */
  function watch(ds: DataSource) {
    const log: string[] = [];
    const commitLsn: string[] = [];
    const barrierLsn: string[] = [];
    const gates = new Map<number, Promise<void>>();
    let barriers = 0;
    let failBarrier = false;
    const query = ds.query.bind(ds);
    ds.query = (async (sql: string, parameters?: unknown[], runner?: QueryRunner) => {
      if (sql.includes('pg_logical_emit_message')) {
        const n = ++barriers;
        log.push(`barrier ${n} started`);
        await gates.get(n);
        if (failBarrier) throw new Error('fictional: barrier refused');
        const rows = (await query(sql, parameters, runner)) as Array<{ lsn: string }>;
        barrierLsn.push(rows[0]!.lsn);
        log.push(`barrier ${n} returned`);
        return rows;
      }
      const rows = (await query(sql, parameters, runner)) as unknown;
      if (sql.includes('mash_audit_append_events')) {
        const lsn = (
          (await owner.db.query(`SELECT pg_current_wal_insert_lsn()::text AS lsn`)) as Array<{ lsn: string }>
        )[0]!.lsn;
        commitLsn.push(lsn);
        log.push(`append ${commitLsn.length} committed`);
      }
      return rows;
    }) as typeof ds.query;
    return {
      log,
      commitLsn,
      barrierLsn,
      hold(n: number): () => void {
        let open!: () => void;
        gates.set(n, new Promise<void>((r) => (open = r)));
        return open;
      },
      failBarriers: () => (failBarrier = true),
      restore: () => delete (ds as { query?: unknown }).query,
    };
  }

  it('given an event, when its write resolves, then its batch committed first, a barrier started after that commit and returned, and the WAL is flushed past the commit', async () => {
    const w = watch(app);
    try {
      const writer = new AuditWriter(app, createLogger('silent'));
      const event = readEvent();

      await writer.write(event).then(() => w.log.push('released'));
      const [{ flushed }] = (await owner.db.query(`SELECT pg_current_wal_flush_lsn()::text AS flushed`)) as Array<{
        flushed: string;
      }>;

      expect(w.log).toEqual(['append 1 committed', 'barrier 1 started', 'barrier 1 returned', 'released']);
      expect(await lsnAtLeast(w.barrierLsn[0]!, w.commitLsn[0]!)).toBe(true);
      expect(await lsnAtLeast(flushed, w.commitLsn[0]!)).toBe(true);
      expect(await owner.db.query('SELECT 1 FROM audit_event WHERE id = $1', [event.id])).toHaveLength(1);
    } finally {
      w.restore();
    }
  });

  it('given a barrier already under way when a batch commits, when that barrier returns, then the batch is not released until a barrier started after its commit returns', async () => {
    const w = watch(app);
    try {
      const writer = new AuditWriter(app, createLogger('silent'));
      const openFirst = w.hold(1);
      const first = writer.write(readEvent()).then(() => w.log.push('first released'));
      await until(() => w.log.includes('barrier 1 started'));

      const second = writer.write(readEvent()).then(() => w.log.push('second released'));
      await until(() => w.log.includes('append 2 committed'));
      openFirst();
      await Promise.all([first, second]);

      const at = (entry: string) => w.log.indexOf(entry);
      expect(at('first released')).toBeGreaterThan(at('barrier 1 returned'));
      expect(at('barrier 2 started')).toBeGreaterThan(at('append 2 committed'));
      expect(at('second released')).toBeGreaterThan(at('barrier 2 returned'));
      expect(await lsnAtLeast(w.barrierLsn[1]!, w.commitLsn[1]!)).toBe(true);
    } finally {
      w.restore();
    }
  });

  it('given the flush barrier fails, when an event is written, then the write is refused (the request fails closed) and counted as a failure', async () => {
    const w = watch(app);
    try {
      const writer = new AuditWriter(app, createLogger('silent'));
      w.failBarriers();

      const refused = await writer.write(readEvent()).then(
        () => null,
        (e: unknown) => e,
      );

      expect(refused).toBeInstanceOf(AuditUnavailableError);
      expect(writer.stats).toMatchObject({ failures: 1, events: 0 });
      expect(w.log).not.toContain('released');
    } finally {
      w.restore();
    }
  });

  it('given the serving role may not run the barrier, when a person is read through the API, then HTTP 503 AUDIT_UNAVAILABLE and no data; once allowed again, the read succeeds', async () => {
    const worker = await owner.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    const personId = await givenPerson(owner, worker, { givenName: 'Flushia' });
    await givenRecord(owner, worker, personId, { recordType: 'SOCIAL_CARE_CASE_NOTE', caseNotes: 'Fictional note' });
    const READ = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName records { summary } } }`;
    const barrier = 'pg_logical_emit_message(boolean, text, text, boolean)';
    await owner.db.query(`REVOKE EXECUTE ON FUNCTION ${barrier} FROM PUBLIC`);
    try {
      const r = await owner.gql(worker, READ, { id: personId });

      expect(r.status).toBe(503);
      expect(r.errors).toEqual([expect.objectContaining({ extensions: { code: 'AUDIT_UNAVAILABLE' } })]);
      expect(r.data).toBeUndefined();
      expect(JSON.stringify(r)).not.toContain('Flushia');
    } finally {
      await owner.db.query(`GRANT EXECUTE ON FUNCTION ${barrier} TO PUBLIC`);
    }
    const ok = await owner.gql<{ person: { givenName: string } }>(worker, READ, { id: personId });
    expect(ok.status).toBe(200);
    expect(ok.data!.person.givenName).toBe('Flushia');
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error('condition not reached in 5 s');
}
