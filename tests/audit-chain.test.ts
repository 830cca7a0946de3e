import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadAnchorKey, signHead, currentHead } from '../src/governance/anchor';
import { verifyAuditChain } from '../src/governance/chain-verify';
import { auditFor, givenPerson, givenRecord } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');

const VERIFY = `query($anchor: String) { verifyAuditChain(anchor: $anchor) {
  intact message verifiedThroughBatch firstBrokenBatch problems batchesChecked eventsChecked headBatchId anchorMatched } }`;

interface Verification {
  intact: boolean;
  message: string;
  verifiedThroughBatch: number | null;
  firstBrokenBatch: number | null;
  problems: string[];
  batchesChecked: number;
  eventsChecked: number;
  headBatchId: number | null;
  anchorMatched: boolean | null;
}

/**
 * Tamper evidence (issue 4, "done when"): a superuser who disables the append-only trigger and
 * changes or deletes audit rows is caught by the verification, which names the batch. These tests
 * run against a database of their own: they tamper with the chain and then restore it.
 */
describe('audit chain verification', () => {
  let hub: TestHub;
  let url: string;
  let ig: string;
  let police: string;

  beforeAll(async () => {
    url = await dedicatedDatabaseUrl('chain');
    hub = await startTestHub({}, { databaseUrl: url });
    ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    // Given: a child with a police record, read a few times (each read is one audit event).
    const personId = await givenPerson(hub, police);
    await givenRecord(hub, police, personId, {
      recordType: 'POLICE_INCIDENT',
      personRole: 'VICTIM',
      detail: 'Fictional',
    });
    for (let i = 0; i < 3; i++) {
      const r = await hub.gql(
        police,
        `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName records { id summary } } }`,
        { id: personId },
      );
      expect(r.errors).toBeUndefined();
    }
  });
  afterAll(() => hub.close());

  const verify = async (anchor?: string) => {
    const r = await hub.gql<{ verifyAuditChain: Verification }>(ig, VERIFY, anchor ? { anchor } : {});
    expect(r.errors).toBeUndefined();
    return r.data!.verifyAuditChain;
  };

  /** As the test superuser: runs SQL with the append-only triggers disabled, then re-enables them. */
  const asSuperuserWithoutTrigger = async (fn: () => Promise<unknown>) => {
    const tables = ['audit_batch', 'audit_event', 'audit_disclosure'];
    for (const t of tables) await hub.db.query(`ALTER TABLE ${t} DISABLE TRIGGER ${t}_append_only`);
    try {
      await fn();
    } finally {
      for (const t of tables) await hub.db.query(`ALTER TABLE ${t} ENABLE TRIGGER ${t}_append_only`);
    }
  };

  /** A READ event with a disclosure, its batch, and its stored rows. */
  const aReadEvent = async () => {
    const rows: Array<{ id: string; occurred_at: Date; batch_id: string; payload: unknown }> = await hub.db.query(
      `SELECT e.id, e.occurred_at, e.batch_id, e.payload FROM audit_event e
        WHERE e.action = 'READ' AND EXISTS (SELECT 1 FROM audit_disclosure d WHERE d.event_id = e.id)
        ORDER BY e.batch_id LIMIT 1`,
    );
    return rows[0]!;
  };

  it('given an untouched chain, when an IG auditor verifies it, then it is intact up to the head and the check is itself audited', async () => {
    const r = await hub.gql<{ verifyAuditChain: Verification }>(ig, VERIFY);

    expect(r.errors).toBeUndefined();
    const v = r.data!.verifyAuditChain;
    expect(v).toMatchObject({ intact: true, firstBrokenBatch: null, problems: [] });
    expect(v.verifiedThroughBatch).toBe(v.headBatchId);
    expect(v.message).toBe(`intact up to batch ${v.headBatchId}`);
    expect(v.eventsChecked).toBeGreaterThanOrEqual(5);
    // Streamed in pages: one batch per page gives the same answer as the default page size.
    const paged = await verifyAuditChain(hub.db, { pageSize: 1, maxEventsPerPage: 1, partnership: 'default' });
    expect(paged).toMatchObject({ intact: true, batchesChecked: v.batchesChecked + 1 });
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    expect(audit).toEqual([expect.objectContaining({ action: 'QUERY', outcome: 'SUCCESS', purpose: 'IG_AUDIT' })]);
  });

  it('given a police officer, when they ask to verify the chain, then it is FORBIDDEN', async () => {
    const r = await hub.gql(police, VERIFY);

    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.data?.verifyAuditChain ?? null).toBeNull();
  });

  it("given a superuser rewrote one event's payload with the trigger disabled, when verified, then its batch is named as broken (rows hash)", async () => {
    const e = await aReadEvent();
    await asSuperuserWithoutTrigger(() =>
      hub.db.query(`UPDATE audit_event SET payload = jsonb_set(payload, '{purpose}', '"TRIAGE"') WHERE id = $1`, [
        e.id,
      ]),
    );
    try {
      const v = await verify();
      expect(v.intact).toBe(false);
      expect(v.firstBrokenBatch).toBe(Number(e.batch_id));
      expect(v.verifiedThroughBatch).toBe(Number(e.batch_id) - 1);
      expect(v.message).toMatch(new RegExp(`^broken at batch ${e.batch_id}: .*rows hash`));
    } finally {
      await asSuperuserWithoutTrigger(() =>
        hub.db.query(`UPDATE audit_event SET payload = $2 WHERE id = $1`, [e.id, JSON.stringify(e.payload)]),
      );
    }
    expect((await verify()).intact).toBe(true);
  });

  it('given a superuser changed an indexed column but not the payload, when verified, then the batch and the column are named', async () => {
    const e = await aReadEvent();
    await asSuperuserWithoutTrigger(() =>
      hub.db.query(`UPDATE audit_event SET purpose = 'TRIAGE' WHERE id = $1`, [e.id]),
    );
    try {
      const v = await verify();
      expect(v.firstBrokenBatch).toBe(Number(e.batch_id));
      expect(v.problems).toEqual([`event ${e.id}: column(s) purpose differ from the hashed payload`]);
    } finally {
      await asSuperuserWithoutTrigger(() =>
        hub.db.query(`UPDATE audit_event SET purpose = 'DIRECT_CARE' WHERE id = $1`, [e.id]),
      );
    }
  });

  it('given a superuser deleted one disclosure row, when verified, then the batch of its event is named', async () => {
    const e = await aReadEvent();
    const saved: Array<Record<string, unknown>> = await hub.db.query(
      `SELECT * FROM audit_disclosure WHERE event_id = $1`,
      [e.id],
    );
    await asSuperuserWithoutTrigger(() => hub.db.query(`DELETE FROM audit_disclosure WHERE event_id = $1`, [e.id]));
    try {
      const v = await verify();
      expect(v.firstBrokenBatch).toBe(Number(e.batch_id));
      expect(v.problems).toEqual([`event ${e.id}: 1 disclosure row(s) of the hashed payload are missing`]);
    } finally {
      for (const d of saved) {
        await hub.db.query(
          `INSERT INTO audit_disclosure (partnership_id, event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome, record_ids, released, redacted, relationships)
           VALUES ($12, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            d.event_id,
            d.occurred_at,
            d.person_id,
            d.actor_sub,
            d.actor_agency,
            d.purpose,
            d.outcome,
            d.record_ids,
            d.released,
            d.redacted,
            d.relationships,
            d.partnership_id,
          ],
        );
      }
    }
    expect((await verify()).intact).toBe(true);
  });

  it('given a superuser deleted the newest batch row but not its events, when verified, then the events beyond the chain head are named', async () => {
    const [newest] = await hub.db.query(`SELECT * FROM audit_batch ORDER BY id DESC LIMIT 1`);
    const columns = Object.keys(newest);
    await asSuperuserWithoutTrigger(() => hub.db.query(`DELETE FROM audit_batch WHERE id = $1`, [newest.id]));
    try {
      // Called directly: an audited verification would append a batch of its own while the row is gone.
      const v = await verifyAuditChain(hub.db, { partnership: 'default' });
      expect(v.intact).toBe(false);
      expect(v.firstBrokenBatch).toBe(Number(newest.id));
      expect(v.message).toContain(
        `audit events reference batch ${newest.id}, beyond the chain head ${Number(newest.id) - 1}`,
      );
    } finally {
      await hub.db.query(
        `INSERT INTO audit_batch (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((c) => newest[c]),
      );
    }
    expect((await verify()).intact).toBe(true);
  });

  it('given a superuser inserted a disclosure row for an event that does not exist, when verified, then the orphan row is named', async () => {
    const ghost = '01900000-0000-7000-8000-000000000000';
    await hub.db.query(
      `INSERT INTO audit_disclosure (partnership_id, event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome, record_ids, released, redacted, relationships)
       VALUES ('default', $1, now(), gen_random_uuid(), 'forged', 'police', 'DIRECT_CARE', 'DISCLOSED', '{}', '{}', '{}', '{}')`,
      [ghost],
    );
    try {
      const v = await verifyAuditChain(hub.db, { partnership: 'default' });
      expect(v.intact).toBe(false);
      expect(v.message).toContain(`disclosure rows exist for event ${ghost}, which is in no batch`);
    } finally {
      await asSuperuserWithoutTrigger(() => hub.db.query(`DELETE FROM audit_disclosure WHERE event_id = $1`, [ghost]));
    }
    expect((await verify()).intact).toBe(true);
  });

  it('given an exported head, when the newest batches are deleted, then verification without the head looks intact but with it names the deletion', async () => {
    const key = loadAnchorKey(hub.config.dataDir);
    const head = (await currentHead(hub.db, 'default'))!;
    const anchor = JSON.stringify(signHead(head, key));
    expect((await verify(anchor)).anchorMatched).toBe(true);

    // The verification calls above added batches after the head; delete from two before the head onwards.
    const cut = head.batchId - 1;
    await asSuperuserWithoutTrigger(async () => {
      await hub.db.query(
        `DELETE FROM audit_disclosure d USING audit_event e WHERE d.event_id = e.id AND d.occurred_at = e.occurred_at AND e.batch_id >= $1`,
        [cut],
      );
      await hub.db.query(`DELETE FROM audit_event WHERE batch_id >= $1`, [cut]);
      await hub.db.query(`DELETE FROM audit_batch WHERE id >= $1`, [cut]);
    });

    const plain = await verify();
    expect(plain.intact).toBe(true);
    const anchored = await verify(anchor);
    expect(anchored.intact).toBe(false);
    expect(anchored.anchorMatched).toBe(false);
    expect(anchored.firstBrokenBatch).toBe(cut + 1);
    expect(anchored.message).toMatch(
      `the exported head names batch ${head.batchId} but the chain ends at batch ${cut}`,
    );
  });

  it('given a forged anchor, when verified, then it is rejected as bad input', async () => {
    const head = (await currentHead(hub.db, 'default'))!;
    const forged = JSON.stringify({
      ...signHead(head, loadAnchorKey(hub.config.dataDir)),
      batchId: head.batchId + 100,
    });

    const r = await hub.gql(ig, VERIFY, { anchor: forged });

    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'anchor' });
    expect(r.errors?.[0]?.message).toBe('anchor: anchor signature does not verify');
  });

  it('given the operator commands, when audit:anchor then audit:verify run, then the head verifies; after a tamper, verify exits 1 naming the batch', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: url,
      MASH_DATA_DIR: hub.config.dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    };
    const tsNode = path.join(ROOT, 'node_modules', '.bin', 'ts-node');
    const anchorOut = await run(tsNode, ['--transpile-only', 'src/cli/audit-anchor.ts'], { cwd: ROOT, env });
    const exported = anchorOut.stdout.trim();
    expect(JSON.parse(exported)).toMatchObject({
      alg: 'Ed25519',
      batchId: expect.any(Number),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const ok = await run(tsNode, ['--transpile-only', 'src/cli/audit-verify.ts', '--anchor', exported], {
      cwd: ROOT,
      env,
    });
    expect(ok.stdout).toMatch(/^intact up to batch \d+ \(exported head at batch \d+ matched\)/);

    const e = await aReadEvent();
    await asSuperuserWithoutTrigger(() =>
      hub.db.query(`UPDATE audit_event SET payload = jsonb_set(payload, '{outcome}', '"DENIED"') WHERE id = $1`, [
        e.id,
      ]),
    );
    try {
      const failed = await run(tsNode, ['--transpile-only', 'src/cli/audit-verify.ts'], { cwd: ROOT, env }).then(
        () => null,
        (err: { code: number; stdout: string }) => err,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stdout).toMatch(new RegExp(`^broken at batch ${e.batch_id}: `));
    } finally {
      await asSuperuserWithoutTrigger(() =>
        hub.db.query(`UPDATE audit_event SET payload = $2 WHERE id = $1`, [e.id, JSON.stringify(e.payload)]),
      );
    }
  }, 60000);
});
