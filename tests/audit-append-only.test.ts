import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { appendAuditBatch } from '../src/audit/audit-store';
import { inTestPartnership } from './support/factories';
import type { AuditEvent } from '../src/audit/audit-event';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Append-only by privilege (issue 4 item 1): the application role `mash_app` may INSERT and SELECT
 * audit rows but not UPDATE, DELETE or TRUNCATE them, and owns nothing. Each check runs in its own
 * transaction that is rolled back, so the worker's audit chain is left untouched.
 */
async function asAppRole(
  db: DataSource,
  fn: (q: (sql: string, p?: unknown[]) => Promise<unknown>) => Promise<unknown>,
) {
  const qr = db.createQueryRunner();
  await qr.connect();
  await qr.startTransaction();
  try {
    await qr.query('SET LOCAL ROLE mash_app');
    return await fn((sql, p) => qr.query(sql, p));
  } finally {
    await qr.rollbackTransaction();
    await qr.release();
  }
}

const syntheticEvent = (): AuditEvent => ({
  id: crypto.randomUUID(),
  partnership: 'default',
  occurredAt: new Date().toISOString(),
  requestId: 'append-only-test',
  actor: { sub: 'system-test', name: 'Fictional Tester', agency: null, roles: [] },
  purpose: null,
  breakGlass: null,
  operation: { type: 'system', name: 'appendOnlyTest', documentHash: null },
  action: 'SYSTEM',
  outcome: 'SUCCESS',
  errorCodes: [],
  subjects: [
    {
      personId: crypto.randomUUID(),
      outcome: 'DISCLOSED',
      recordIds: [],
      released: ['Person.id'],
      redacted: [],
      relationships: [],
    },
  ],
  changes: [],
});

describe('audit tables are append-only for the application role', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it('given the mash_app role, when the real audit store writes an event with a disclosure, then it is stored', () =>
    inTestPartnership(async () => {
      const qr = hub.db.createQueryRunner();
      await qr.connect();
      await qr.startTransaction();
      try {
        await qr.query('SET LOCAL ROLE mash_app');
        const event = syntheticEvent();
        const batchId = await appendAuditBatch(qr.manager, [event]);
        const stored = await qr.query('SELECT count(*)::int AS n FROM audit_disclosure WHERE event_id = $1', [
          event.id,
        ]);
        expect(batchId).toBeGreaterThan(0);
        expect(stored[0].n).toBe(1);
      } finally {
        await qr.rollbackTransaction();
        await qr.release();
      }
    }));

  it.each([
    ['UPDATE audit_event', `UPDATE audit_event SET outcome = 'DENIED'`],
    ['UPDATE audit_batch', `UPDATE audit_batch SET hash = 'x'`],
    ['DELETE audit_disclosure', `DELETE FROM audit_disclosure`],
    ['DELETE audit_batch', `DELETE FROM audit_batch`],
    ['TRUNCATE audit_event', `TRUNCATE audit_event`],
    ['TRUNCATE audit_batch', `TRUNCATE audit_batch`],
    ['TRUNCATE one partition directly', `TRUNCATE audit_event_2026_01`],
    ['DELETE one partition directly', `DELETE FROM audit_disclosure_2026_01`],
    ['DETACH a partition', `ALTER TABLE audit_event DETACH PARTITION audit_event_2026_01`],
  ])(
    'given the mash_app role, when it tries %s, then the database refuses with permission denied',
    async (_what, sql) => {
      const error = await asAppRole(hub.db, (q) => q(sql)).then(
        () => null,
        (e: { code?: string; message: string }) => e,
      );
      expect(error?.code).toBe('42501');
      expect(error?.message).toMatch(/^(permission denied for table|must be owner of table) audit_/);
    },
  );

  it('given the owner (a superuser), when it updates an audit row, then the trigger refuses it as the second line', () =>
    inTestPartnership(async () => {
      const qr = hub.db.createQueryRunner();
      await qr.connect();
      await qr.startTransaction();
      try {
        const batchId = await appendAuditBatch(qr.manager, [syntheticEvent()]);
        const error = await qr.query(`UPDATE audit_batch SET hash = hash WHERE id = $1`, [batchId]).then(
          () => null,
          (e: { message: string }) => e,
        );
        expect(error?.message).toBe('audit tables are append-only (UPDATE on audit_batch)');
      } finally {
        await qr.rollbackTransaction();
        await qr.release();
      }
    }));

  /** Issue 17: a statement on the owner's (superuser's) connection, in a transaction always rolled back. */
  async function asOwner(
    fn: (q: (sql: string) => Promise<unknown>) => Promise<unknown>,
  ): Promise<{ code?: string; message: string } | null> {
    const qr = hub.db.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      await fn((sql) => qr.query(sql));
      return null;
    } catch (e) {
      return e as { code?: string; message: string };
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  }

  it.each([
    ['audit_event', 'TRUNCATE audit_event', 'audit_event'],
    ['audit_disclosure', 'TRUNCATE audit_disclosure', 'audit_disclosure'],
    ['audit_batch', 'TRUNCATE audit_batch', 'audit_batch'],
    ['audit_archive', 'TRUNCATE audit_archive', 'audit_archive'],
    ['one event partition by its own name', 'TRUNCATE audit_event_2026_01', 'audit_event_2026_01'],
    ['one disclosure partition by its own name', 'TRUNCATE audit_disclosure_2026_01', 'audit_disclosure_2026_01'],
  ])(
    'given the owner (a superuser), when it truncates %s, then the trigger refuses it as the second line',
    async (_what, sql, table) => {
      const error = await asOwner((q) => q(sql));
      expect(error?.code).toBe('42501');
      expect(error?.message).toBe(`audit tables are append-only (TRUNCATE on ${table})`);
    },
  );

  it('given a partition created later by the definer function, when even a role granted TRUNCATE on it tries, then the trigger refuses', async () => {
    const error = await asOwner(async (q) => {
      await q(`SELECT mash_audit_ensure_partitions(date '2032-05-01', 1)`);
      await q(`GRANT TRUNCATE ON audit_event_2032_05 TO mash_app`);
      await q('SET LOCAL ROLE mash_app');
      await q('TRUNCATE audit_event_2032_05');
    });
    expect(error?.message).toBe('audit tables are append-only (TRUNCATE on audit_event_2032_05)');
  });

  it('given the schema, then mash_app owns no table and has no UPDATE/DELETE/TRUNCATE on any audit table or partition', async () => {
    const owned = await hub.db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tableowner = 'mash_app'`);
    const writable = await hub.db.query(
      `SELECT c.relname, p.privilege_type
         FROM pg_class c, LATERAL (SELECT unnest(ARRAY['UPDATE','DELETE','TRUNCATE']) AS privilege_type) p
        WHERE c.relname LIKE 'audit\\_%' AND c.relkind IN ('r', 'p')
          AND has_table_privilege('mash_app', c.oid, p.privilege_type)`,
    );
    expect(owned[0].n).toBe(0);
    expect(writable).toEqual([]);
  });

  it("given mash_app creates next months' partitions through the definer function, then it gets no direct privileges on them", async () => {
    const privileges = await asAppRole(hub.db, async (q) => {
      await q(`SELECT mash_audit_ensure_partitions(date '2031-03-01', 1)`);
      return q(
        `SELECT has_table_privilege('mash_app', 'audit_event_2031_03', 'INSERT') AS ins,
                has_table_privilege('mash_app', 'audit_event_2031_03', 'DELETE') AS del,
                has_table_privilege('mash_app', 'audit_disclosure_2031_03', 'TRUNCATE') AS trunc`,
      );
    });
    expect(privileges).toEqual([{ ins: false, del: false, trunc: false }]);
  });
});
