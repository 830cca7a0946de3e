import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { batchHash, rowsHash, type AuditEvent } from '../src/audit/audit-event';
import { loadAnchorKey, rotateAnchorKey } from '../src/governance/anchor';
import { verifyAuditChain } from '../src/governance/chain-verify';
import {
  checkCheckpointChain,
  checkpointHash,
  parseCheckpointExport,
  exportCheckpoints,
  listCheckpoints,
  verifyCheckpoints,
  writeCheckpoint,
} from '../src/governance/checkpoint';
import { givenAuditBatch } from './support/factories';
import { appUrlOf, dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';
import { createDataSource } from '../src/db/data-source';
import { createLogger } from '../src/shared/logger';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');

const CHILD_ID = crypto.randomUUID();

/** An access to a fictional child, as the hub's release would record it. */
function anAccess(): AuditEvent {
  return {
    id: crypto.randomUUID(),
    occurredAt: new Date().toISOString(),
    requestId: `req-${crypto.randomUUID()}`,
    actor: {
      sub: 'checkpoint-officer',
      name: 'Fictional Checkpoint Officer',
      agency: 'police',
      roles: ['POLICE_MASH_OFFICER'],
    },
    purpose: 'DIRECT_CARE',
    breakGlass: null,
    operation: { type: 'query', name: 'PersonView', documentHash: null },
    action: 'READ',
    outcome: 'SUCCESS',
    errorCodes: [],
    subjects: [
      {
        personId: CHILD_ID,
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
 * Signed checkpoints of every partnership's chain head (issue 26, ADR 016): chained, signed with the
 * anchor key, verifiable against every partnership's chain, exportable without personal data.
 * A database of its own: the checkpoint spans every partnership of the database.
 */
describe('audit checkpoints across partnerships', () => {
  let hub: TestHub;
  let url: string;
  const other = `ckpt-${crypto.randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    url = await dedicatedDatabaseUrl('checkpoint');
    hub = await startTestHub({}, { databaseUrl: url });
    await hub.db.query(`INSERT INTO partnership (id, display_name) VALUES ($1, 'Checkpoint test (fictional)')`, [
      other,
    ]);
    await givenAuditBatch(hub.db, [anAccess(), anAccess()]);
    await givenAuditBatch(hub.db, [anAccess()], other);
  });
  afterAll(() => hub?.close());

  const key = () => loadAnchorKey(hub.config.dataDir);
  const heads = async () => {
    const rows: Array<{ partnership_id: string; id: string; hash: string }> = await hub.db.query(
      `SELECT DISTINCT ON (partnership_id) partnership_id, id, hash FROM audit_batch ORDER BY partnership_id, id DESC`,
    );
    return rows.map((r) => ({ partnership: r.partnership_id, batchId: Number(r.id), hash: r.hash }));
  };

  /** As the test superuser: runs SQL with the append-only triggers of the given tables disabled. */
  const withoutTriggers = async (tables: string[], fn: () => Promise<unknown>) => {
    for (const t of tables) await hub.db.query(`ALTER TABLE ${t} DISABLE TRIGGER ${t}_append_only`);
    try {
      await fn();
    } finally {
      for (const t of tables) await hub.db.query(`ALTER TABLE ${t} ENABLE TRIGGER ${t}_append_only`);
    }
  };

  it('is off in tests unless asked', () => {
    expect(hub.config.auditCheckpointSeconds).toBe(0);
  });

  it('given two partnerships, when checkpointed, appended to and checkpointed again, then the checkpoints name both heads, link and verify', async () => {
    const first = await writeCheckpoint(hub.db, key());
    expect(first.sequence).toBe(1);
    expect(first.heads).toEqual(await heads());
    expect(first.heads.map((h) => h.partnership).sort()).toEqual(['default', other].sort());

    await givenAuditBatch(hub.db, [anAccess()], other);
    await givenAuditBatch(hub.db, [anAccess()]);
    const second = await writeCheckpoint(hub.db, key());

    expect(second.sequence).toBe(2);
    expect(second.prevHash).toBe(first.hash);
    expect(second.heads).toEqual(await heads());
    for (const h of second.heads)
      expect(h.batchId).toBeGreaterThan(first.heads.find((f) => f.partnership === h.partnership)!.batchId);
    expect(await verifyCheckpoints(hub.db, key())).toEqual({
      intact: true,
      checkpoints: 2,
      problems: [],
      message: "2 checkpoint(s) intact; every recorded head still matches its partnership's chain",
    });
  });

  it('given the serving role, when it writes a checkpoint, then it reads every chain through the wall and may not alter a checkpoint', async () => {
    const serving = createDataSource(appUrlOf(url), createLogger('silent'), 1);
    await serving.initialize();
    try {
      const written = await writeCheckpoint(serving, key());
      expect(written.heads).toEqual(await heads());
      await expect(serving.query(`UPDATE audit_checkpoint SET hash = hash WHERE sequence = 1`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(serving.query(`DELETE FROM audit_checkpoint WHERE sequence = 1`)).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await serving.destroy();
    }
    // Even the owner is refused by the trigger.
    await expect(hub.db.query(`DELETE FROM audit_checkpoint WHERE sequence = 1`)).rejects.toThrow();
    expect((await verifyCheckpoints(hub.db, key())).intact).toBe(true);
  });

  it('given a forged checkpoint (re-hashed but not signable) or an edited one, when verified, then each is named', async () => {
    const list = await listCheckpoints(hub.db);
    const edited = list.map((c) =>
      c.sequence === 2 ? { ...c, heads: c.heads.map((h) => ({ ...h, batchId: h.batchId + 1 })) } : c,
    );
    expect(checkCheckpointChain(edited, key())).toEqual([
      'checkpoint 2: hash does not match its sequence, time, heads and prev_hash',
    ]);

    // A forger who recomputes the hash still cannot sign it, and breaks the link of the next one.
    const backdated = { ...list[1]!, createdAt: '2020-01-01T00:00:00.000Z' };
    const rehashed = list.map((c) => (c.sequence === 2 ? { ...backdated, hash: checkpointHash(backdated) } : c));
    const problems = checkCheckpointChain(rehashed, key());
    expect(problems).not.toContain('checkpoint 2: hash does not match its sequence, time, heads and prev_hash');
    expect(problems).toContain('checkpoint 2: signature does not verify');
    expect(problems).toContain('checkpoint 3: prev_hash does not equal the hash of checkpoint 2');

    // An export that is not one: a clear reason, nothing checked.
    expect(parseCheckpointExport('not json')).toEqual({ error: 'the export is not valid JSON' });
    expect(
      parseCheckpointExport(
        JSON.stringify({
          checkpoints: [{ ...list[0], heads: [{ partnership: 'default', batchId: '1; DROP', hash: 'x' }] }],
        }),
      ),
    ).toMatchObject({
      error: expect.stringMatching(/^the export must be/),
    });
    expect(parseCheckpointExport(JSON.stringify({ checkpoints: list }))).toEqual({ checkpoints: list });

    // A checkpoint signed by another key.
    const other = crypto.generateKeyPairSync('ed25519');
    const otherId = 'f'.repeat(64);
    const stranger = checkCheckpointChain(list, {
      ...other,
      keyId: otherId,
      verifiers: new Map([[otherId, other.publicKey]]),
    });
    expect(stranger[0]).toBe('checkpoint 1: signed by a different key than this hub holds');

    // Edited in the database, as a superuser with the trigger off.
    const original = list[0]!;
    await withoutTriggers(['audit_checkpoint'], () =>
      hub.db.query(`UPDATE audit_checkpoint SET heads = $2 WHERE sequence = $1`, [
        1,
        JSON.stringify(original.heads.slice(0, 1)),
      ]),
    );
    try {
      const v = await verifyCheckpoints(hub.db, key());
      expect(v.intact).toBe(false);
      expect(v.problems).toEqual(['checkpoint 1: hash does not match its sequence, time, heads and prev_hash']);
    } finally {
      await withoutTriggers(['audit_checkpoint'], () =>
        hub.db.query(`UPDATE audit_checkpoint SET heads = $2 WHERE sequence = $1`, [1, JSON.stringify(original.heads)]),
      );
    }
    expect((await verifyCheckpoints(hub.db, key())).intact).toBe(true);
  });

  it('given a checkpoint, when a recorded batch is edited and its chain re-hashed so the chain alone verifies, then the checkpoint names the batch', async () => {
    await givenAuditBatch(hub.db, [anAccess()], other);
    const checkpoint = await writeCheckpoint(hub.db, key());
    const head = checkpoint.heads.find((h) => h.partnership === other)!;

    // The newest batch of the other partnership: one event's outcome changed, rows hash and batch hash recomputed.
    const events: Array<{ id: string; payload: AuditEvent }> = await hub.db.query(
      `SELECT id, payload FROM audit_event WHERE partnership_id = $1 AND batch_id = $2 ORDER BY seq`,
      [other, head.batchId],
    );
    const batch: Array<{ prev_hash: string; rows_hash: string; hash: string }> = await hub.db.query(
      `SELECT prev_hash, rows_hash, hash FROM audit_batch WHERE partnership_id = $1 AND id = $2`,
      [other, head.batchId],
    );
    const forged = events.map((e, i) => (i === 0 ? { ...e.payload, outcome: 'DENIED' } : e.payload));
    const forgedRows = rowsHash(forged);
    const forgedHash = batchHash(head.batchId, batch[0]!.prev_hash, forgedRows);
    const tables = ['audit_batch', 'audit_event'];
    const setBatch = (payload: unknown, outcome: string, rows: string, hash: string) =>
      withoutTriggers(tables, async () => {
        await hub.db.query(`UPDATE audit_event SET payload = $3, outcome = $4 WHERE partnership_id = $1 AND id = $2`, [
          other,
          events[0]!.id,
          JSON.stringify(payload),
          outcome,
        ]);
        await hub.db.query(`UPDATE audit_batch SET rows_hash = $3, hash = $4 WHERE partnership_id = $1 AND id = $2`, [
          other,
          head.batchId,
          rows,
          hash,
        ]);
      });
    await setBatch(forged[0], 'DENIED', forgedRows, forgedHash);
    try {
      expect((await verifyAuditChain(hub.db, { partnership: other })).intact).toBe(true);
      const v = await verifyCheckpoints(hub.db, key());
      expect(v.intact).toBe(false);
      expect(v.problems).toContain(
        `partnership ${other}: broken at batch ${head.batchId}: batch ${head.batchId} no longer has the hash of the exported head`,
      );
      expect(v.problems).toContain(
        `checkpoint ${checkpoint.sequence}: partnership ${other}'s batch ${head.batchId} no longer has the recorded hash`,
      );
    } finally {
      await setBatch(events[0]!.payload, events[0]!.payload.outcome, batch[0]!.rows_hash, batch[0]!.hash);
    }

    // An edit that is not re-hashed: the chain verification inside the checkpoint check names it.
    await withoutTriggers(['audit_event'], () =>
      hub.db.query(
        `UPDATE audit_event SET payload = jsonb_set(payload, '{outcome}', '"DENIED"'), outcome = 'DENIED' WHERE partnership_id = $1 AND id = $2`,
        [other, events[0]!.id],
      ),
    );
    try {
      const v = await verifyCheckpoints(hub.db, key());
      expect(v.intact).toBe(false);
      expect(v.problems[0]).toMatch(
        new RegExp(`^partnership ${other}: broken at batch ${head.batchId}: rows hash recomputed`),
      );
    } finally {
      await setBatch(events[0]!.payload, events[0]!.payload.outcome, batch[0]!.rows_hash, batch[0]!.hash);
    }
    expect((await verifyCheckpoints(hub.db, key())).intact).toBe(true);
  });

  it('given the operator command, when it exports and then verifies the file, then the export holds ids and hashes only and verifies', async () => {
    const file = path.join(hub.config.dataDir, 'checkpoints.json');
    const env = {
      ...process.env,
      DATABASE_URL: url,
      MASH_DATA_DIR: hub.config.dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    };
    const tsNode = path.join(ROOT, 'node_modules', '.bin', 'ts-node');
    const out = await run(tsNode, ['--transpile-only', 'src/cli/audit-checkpoint.ts', '--export', file], {
      cwd: ROOT,
      env,
    });
    expect(out.stdout).toMatch(/^checkpoint \d+ written; the chain of checkpoints exported to /);

    const text = fs.readFileSync(file, 'utf8');
    const exported = JSON.parse(text) as Awaited<ReturnType<typeof exportCheckpoints>>;
    expect(Object.keys(exported).sort()).toEqual(['checkpoints', 'format', 'keyId', 'publicKey', 'publicKeys']);
    for (const c of exported.checkpoints) {
      expect(Object.keys(c).sort()).toEqual([
        'alg',
        'createdAt',
        'hash',
        'heads',
        'keyId',
        'prevHash',
        'sequence',
        'signature',
      ]);
      for (const h of c.heads) expect(Object.keys(h).sort()).toEqual(['batchId', 'hash', 'partnership']);
    }
    // Nothing of the audited accesses: not the child, the officer, the purpose or the operation.
    for (const personal of [CHILD_ID, 'checkpoint-officer', 'Fictional', 'DIRECT_CARE', 'PersonView', 'givenName'])
      expect(text).not.toContain(personal);

    const ok = await run(tsNode, ['--transpile-only', 'src/cli/audit-checkpoint.ts', '--verify', '--file', file], {
      cwd: ROOT,
      env,
    });
    expect(ok.stdout).toMatch(/^\d+ checkpoint\(s\) intact/);

    // The exported file edited: verify exits 1 naming the checkpoint.
    exported.checkpoints[0]!.heads[0]!.hash = '0'.repeat(64);
    fs.writeFileSync(file, JSON.stringify(exported));
    const failed = await run(tsNode, ['--transpile-only', 'src/cli/audit-checkpoint.ts', '--verify', '--file', file], {
      cwd: ROOT,
      env,
    }).then(
      () => null,
      (err: { code: number; stdout: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/^checkpoints broken: checkpoint 1: hash does not match/);
  }, 60000);

  it('given the job asked for in a hub, when its interval passes, then one process writes a checkpoint under the lease', async () => {
    const before = (await listCheckpoints(hub.db)).length;
    const second = await startTestHub({ AUDIT_CHECKPOINT_SECONDS: '1' }, { databaseUrl: url });
    try {
      fs.copyFileSync(
        path.join(hub.config.dataDir, 'audit-anchor-key.pem'),
        path.join(second.config.dataDir, 'audit-anchor-key.pem'),
      );
      const deadline = Date.now() + 10_000;
      while ((await listCheckpoints(hub.db)).length === before && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
    } finally {
      await second.close();
    }
    expect((await listCheckpoints(hub.db)).length).toBeGreaterThan(before);
    expect(await verifyCheckpoints(hub.db, key())).toMatchObject({ intact: true });
  }, 30000);

  it('given the anchor key rotated, then new checkpoints are signed with the new key, the old ones still verify with theirs, and the export carries both public keys; a hub without the retired key names them', async () => {
    const before = await listCheckpoints(hub.db);
    const oldKeyId = key().keyId;
    expect(before.every((c) => c.keyId === oldKeyId)).toBe(true);

    const rotated = rotateAnchorKey(hub.config.dataDir);
    expect(rotated.retiredKeyId).toBe(oldKeyId);
    expect(rotated.keyId).not.toBe(oldKeyId);
    // The old private key is gone: only its public key is kept.
    const kept = fs.readdirSync(path.join(hub.config.dataDir, 'audit-anchor-keys'));
    expect(kept).toEqual([`${oldKeyId}.pem`]);
    expect(fs.readFileSync(path.join(hub.config.dataDir, 'audit-anchor-keys', kept[0]!), 'utf8')).toMatch(
      /^-----BEGIN PUBLIC KEY-----/,
    );

    await givenAuditBatch(hub.db, [anAccess()], other);
    const next = await writeCheckpoint(hub.db, key());
    expect(next.keyId).toBe(rotated.keyId);
    expect(next.prevHash).toBe(before[before.length - 1]!.hash);
    expect(await verifyCheckpoints(hub.db, key())).toMatchObject({ intact: true, checkpoints: before.length + 1 });

    const exported = await exportCheckpoints(hub.db, key());
    expect(exported.keyId).toBe(rotated.keyId);
    expect(Object.keys(exported.publicKeys).sort()).toEqual([oldKeyId, rotated.keyId].sort());

    // A hub that kept only the new key cannot vouch for what the old one signed: each such checkpoint is named.
    const newOnly = { ...key(), verifiers: new Map([[rotated.keyId, key().publicKey]]) };
    expect(checkCheckpointChain(await listCheckpoints(hub.db), newOnly)).toEqual(
      before.map((c) => `checkpoint ${c.sequence}: signed by a different key than this hub holds`),
    );
  });
});
