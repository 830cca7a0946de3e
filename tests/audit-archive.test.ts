import crypto from 'node:crypto';
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { archiveAuditBefore, ArchiveRefused, parseMonth, verifyArchiveFile } from '../src/governance/archive';
import { appendAuditBatch } from '../src/audit/audit-store';
import { rowsHash, type AuditEvent } from '../src/audit/audit-event';
import { verifyAuditChain } from '../src/governance/chain-verify';
import { givenPerson } from './support/factories';
import { inPartnership } from '../src/db/partnership-scope';

const inDefault = <T>(work: () => Promise<T>) =>
  inPartnership({ partnership: 'default', actor: 'test', requestId: 'archive-test' }, work);
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');

/** An old access, written through the audit store with a past time (the hub only writes "now"). */
function oldAccess(occurredAt: string, personId: string): AuditEvent {
  return {
    id: crypto.randomUUID(),
    partnership: 'default',
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
        personId,
        outcome: 'DISCLOSED',
        recordIds: [],
        released: ['Person.givenName'],
        redacted: [],
        relationships: ['OWN_AGENCY_RECORD'],
      },
    ],
    changes: [],
  };
}

const ACCESS_LOG = `query($p: ID!) { accessLog(filter: { personId: $p }, first: 100) { entries { eventId operationName } } }`;

/**
 * Retention (issue 4 item 6): old partitions are exported with their chain segment and detached,
 * never deleted row by row; the archive is itself audited; verification continues from the archived
 * segment's last hash. Runs on a database of its own: it detaches partitions.
 */
describe('audit archive by partition', () => {
  let hub: TestHub;
  let url: string;
  const personId = crypto.randomUUID();
  const oldEvents: AuditEvent[] = [];

  beforeAll(async () => {
    url = await dedicatedDatabaseUrl('archive');
    hub = await startTestHub({}, { databaseUrl: url });
    // Given: accesses in March and April 2024 (three batches), then today's activity through the API.
    oldEvents.push(oldAccess('2024-03-05T10:00:00.000Z', personId), oldAccess('2024-03-20T10:00:00.000Z', personId));
    await inDefault(() => hub.db.transaction((m) => appendAuditBatch(m, oldEvents.slice(0, 2))));
    oldEvents.push(oldAccess('2024-04-02T09:00:00.000Z', personId));
    await inDefault(() => hub.db.transaction((m) => appendAuditBatch(m, [oldEvents[2]!])));
    const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    await givenPerson(hub, police);
  });
  afterAll(() => hub.close());

  it('given a cutoff that is not a month or lies in the future, then the archive is refused and nothing is detached', async () => {
    expect(() => parseMonth('2024-13')).toThrow(ArchiveRefused);
    await expect(archiveAuditBefore(hub.db, hub.config.dataDir, parseMonth('2099-01'))).rejects.toThrow(
      'the cutoff must not be after the current month',
    );
    const attached = await hub.db.query(
      `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'audit_event'::regclass`,
    );
    expect(attached[0].n).toBe(84);
  });

  it('given a batch written across the cutoff, when archiving up to that month, then it is refused naming the batch and nothing is detached', async () => {
    const straddle = [oldAccess('2024-05-31T23:59:59.999Z', personId), oldAccess('2024-06-01T00:00:00.001Z', personId)];
    const batchId = await inDefault(() => hub.db.transaction((m) => appendAuditBatch(m, straddle)));

    await expect(archiveAuditBefore(hub.db, hub.config.dataDir, parseMonth('2024-06'))).rejects.toThrow(
      `batch ${batchId} holds events on both sides of the cutoff; choose an earlier month`,
    );
    const attached = await hub.db.query(
      `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'audit_event'::regclass`,
    );
    expect(attached[0].n).toBe(84);
    expect(
      fs.existsSync(path.join(hub.config.dataDir, 'archive'))
        ? fs.readdirSync(path.join(hub.config.dataDir, 'archive'))
        : [],
    ).toEqual([]);
  });

  it('given old partitions, when archived before 2024-04, then March goes to a file with its chain segment, partitions are detached not deleted, the archive is audited and the chain still verifies', async () => {
    const archived = await archiveAuditBefore(hub.db, hub.config.dataDir, parseMonth('2024-04'));
    // One partnership here, so one segment (ADR 016: one file per partnership's chain).
    expect(archived.chains.map((c) => c.partnership)).toEqual(['default']);
    const result = { ...archived.chains[0]!, partitions: archived.partitions };

    expect(result).toMatchObject({ firstBatchId: 1, lastBatchId: 1, events: 2, disclosures: 2 });
    expect(result.partitions).toContain('audit_event_2024_03');
    expect(result.partitions).not.toContain('audit_event_2024_04');
    // The file holds the segment and proves itself.
    const lines = fs
      .readFileSync(result.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'archive', lastBatchId: 1 });
    const batch = lines.find((l) => l.type === 'batch')!;
    const events = lines.filter((l) => l.type === 'event').map((l) => l.payload);
    expect(rowsHash(events)).toBe(batch.rowsHash);
    expect(batch.hash).toBe(result.lastHash);
    expect(crypto.createHash('sha256').update(fs.readFileSync(result.file)).digest('hex')).toBe(result.fileSha256);
    expect(await verifyArchiveFile(hub.db, result.file)).toEqual({
      intact: true,
      message: 'archive intact: batches 1..1, last hash matches the checkpoint',
    });
    // Detached, not deleted: the rows left the audit tables but the table still exists for the operator.
    const attached = await hub.db.query(`SELECT 1 FROM pg_inherits WHERE inhrelid = 'audit_event_2024_03'::regclass`);
    expect(attached).toEqual([]);
    const kept = await hub.db.query(`SELECT count(*)::int AS n FROM audit_event_2024_03`);
    expect(kept[0].n).toBe(2);
    const inLog = await hub.db.query(`SELECT count(*)::int AS n FROM audit_event WHERE occurred_at < '2024-04-01'`);
    expect(inLog[0].n).toBe(0);
    // The archive is itself in the audit.
    const sys = await hub.db.query(
      `SELECT payload FROM audit_event WHERE action = 'SYSTEM' AND operation_name = 'auditArchive'`,
    );
    expect(sys).toHaveLength(1);
    expect(sys[0].payload.changes[0].after).toMatchObject({ lastBatchId: 1, fileSha256: result.fileSha256 });
    // Verification now checks rows from batch 2 on, linked to the archived segment's last hash.
    const v = await verifyAuditChain(hub.db, { partnership: 'default' });
    expect(v).toMatchObject({ intact: true, archivedThroughBatch: 1 });
    // And the IG log no longer lists the archived accesses.
    const ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
    const log = await hub.gql<{ accessLog: { entries: Array<{ eventId: string }> } }>(ig, ACCESS_LOG, { p: personId });
    const ids = log.data!.accessLog.entries.map((e) => e.eventId);
    expect(ids).toContain(oldEvents[2]!.id);
    expect(ids).not.toContain(oldEvents[0]!.id);
    expect(ids).not.toContain(oldEvents[1]!.id);
  });

  it('given an archived batch row rewritten by a superuser, when verified, then the archived segment link is named as broken', async () => {
    await hub.db.query(`ALTER TABLE audit_batch DISABLE TRIGGER audit_batch_append_only`);
    const saved = await hub.db.query(`SELECT rows_hash FROM audit_batch WHERE id = 1`);
    try {
      await hub.db.query(`UPDATE audit_batch SET rows_hash = $1 WHERE id = 1`, ['0'.repeat(64)]);
      const v = await verifyAuditChain(hub.db, { partnership: 'default' });
      expect(v).toMatchObject({ intact: false, firstBrokenBatch: 1 });
      expect(v.problems).toContain('batch hash does not match its id, prev_hash and rows_hash');
    } finally {
      await hub.db.query(`UPDATE audit_batch SET rows_hash = $1 WHERE id = 1`, [saved[0].rows_hash]);
      await hub.db.query(`ALTER TABLE audit_batch ENABLE TRIGGER audit_batch_append_only`);
    }
  });

  it('given the operator command, when archiving before 2024-05, then April is archived as the next segment and the chain verifies', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: url,
      MASH_DATA_DIR: hub.config.dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    };
    const tsNode = path.join(ROOT, 'node_modules', '.bin', 'ts-node');

    const out = await run(tsNode, ['--transpile-only', 'src/cli/audit-archive.ts', '--before', '2024-05'], {
      cwd: ROOT,
      env,
    });

    expect(out.stdout).toMatch(/^archived 1 events and 1 disclosures of batches 2\.\.2 to /);
    const again = await run(tsNode, ['--transpile-only', 'src/cli/audit-archive.ts', '--before', '2024-05'], {
      cwd: ROOT,
      env,
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(again?.code).toBe(1);
    expect(again?.stderr).toMatch('no attached audit partitions are older than the cutoff');
    expect(await verifyAuditChain(hub.db, { partnership: 'default' })).toMatchObject({
      intact: true,
      archivedThroughBatch: 2,
    });
  }, 60000);

  it('given an archive file edited after the fact, when checked, then it no longer matches its checkpoint', async () => {
    const dir = path.join(hub.config.dataDir, 'archive');
    const file = path.join(dir, fs.readdirSync(dir).sort()[0]!);
    const copy = path.join(dir, 'edited', path.basename(file));
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.writeFileSync(copy, fs.readFileSync(file, 'utf8').replace('OldLookup', 'OtherLookup'));

    const r = await verifyArchiveFile(hub.db, copy);

    expect(r).toEqual({
      intact: false,
      message: 'no archive checkpoint records this file with this SHA-256: it was changed or is unknown',
    });
  });
});
