import crypto from 'node:crypto';
import { archiveAuditBefore, parseMonth, verifyArchiveFile } from '../src/governance/archive';
import type { AuditEvent } from '../src/audit/audit-event';
import { verifyAuditChain } from '../src/governance/chain-verify';
import { givenAuditBatch } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/** An old access (the hub only writes "now"), in whichever chain givenAuditBatch puts it. */
function oldAccess(occurredAt: string): AuditEvent {
  return {
    id: crypto.randomUUID(),
    occurredAt,
    requestId: `old-${crypto.randomUUID()}`,
    actor: { sub: 'old-officer', name: 'Fictional Officer', agency: 'police', roles: ['POLICE_MASH_OFFICER'] },
    purpose: 'DIRECT_CARE',
    breakGlass: null,
    operation: { type: 'query', name: 'OldLookup', documentHash: null },
    action: 'READ',
    outcome: 'SUCCESS',
    errorCodes: [],
    subjects: [
      {
        personId: crypto.randomUUID(),
        outcome: 'DISCLOSED',
        recordIds: [],
        released: ['Person.givenName'],
        redacted: [],
        relationships: [],
      },
    ],
    changes: [],
  };
}

/**
 * The archive with two partnerships (ADR 016): a month's partitions hold both chains' rows, so one
 * run writes one segment file, checkpoint and SYSTEM event per chain and detaches the month once.
 * A database of its own: it detaches partitions.
 */
describe('audit archive with two partnerships', () => {
  let hub: TestHub;
  const other = `arch-${crypto.randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    hub = await startTestHub({}, { databaseUrl: await dedicatedDatabaseUrl('archive2') });
    await hub.db.query(`INSERT INTO partnership (id, display_name) VALUES ($1, 'Archive test (fictional)')`, [other]);
    await givenAuditBatch(hub.db, [oldAccess('2024-03-05T10:00:00.000Z'), oldAccess('2024-03-06T10:00:00.000Z')]);
    await givenAuditBatch(hub.db, [oldAccess('2024-03-07T10:00:00.000Z')], other);
    await givenAuditBatch(hub.db, [oldAccess('2024-04-02T10:00:00.000Z')], other);
  });
  afterAll(() => hub?.close());

  it('given both chains in March, when archived before April, then each chain has its own file and checkpoint, and each still verifies', async () => {
    const run = await archiveAuditBefore(hub.db, hub.config.dataDir, parseMonth('2024-04'));

    expect(run.chains.map((c) => [c.partnership, c.firstBatchId, c.lastBatchId, c.events])).toEqual(
      [
        ['default', 1, 1, 2],
        [other, 1, 1, 1],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    expect(new Set(run.chains.map((c) => c.file)).size).toBe(2);
    for (const c of run.chains) {
      expect(await verifyArchiveFile(hub.db, c.file)).toEqual({
        intact: true,
        message: 'archive intact: batches 1..1, last hash matches the checkpoint',
      });
      const v = await verifyAuditChain(hub.db, { partnership: c.partnership });
      expect(v).toMatchObject({ intact: true, archivedThroughBatch: 1 });
    }
    const system: Array<{ partnership_id: string }> = await hub.db.query(
      `SELECT partnership_id FROM audit_event WHERE operation_name = 'auditArchive' ORDER BY partnership_id`,
    );
    expect(system.map((r) => r.partnership_id).sort()).toEqual(['default', other].sort());
    // April stays, in the other partnership's chain.
    const left: Array<{ n: number }> = await hub.db.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE partnership_id = $1 AND action = 'READ'`,
      [other],
    );
    expect(left[0]!.n).toBe(1);
  });
});
