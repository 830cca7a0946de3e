import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { canonicalJson, GENESIS_HASH } from '../audit/audit-event';
import { forEachPartnership, inPartnership } from '../db/partnership-scope';
import { currentHead, type AnchorKey } from './anchor';
import { verifyAuditChain } from './chain-verify';

/**
 * Signed checkpoints of every partnership's chain head (issue 26; the CloudTrail digest idea,
 * ADR 016 "Checkpoints"). A checkpoint names, for each partnership whose chain is not empty, its
 * newest batch id and hash; its hash covers the previous checkpoint's hash, and it is signed with
 * the anchor key (src/governance/anchor.ts), which never enters the database. Exported and kept
 * outside the hub, the chain of checkpoints proves that no batch recorded in it was later edited,
 * re-hashed or deleted, in any partnership. Ids and hashes only: no personal data.
 */

export interface CheckpointHead {
  partnership: string;
  batchId: number;
  hash: string;
}

export interface SignedCheckpoint {
  sequence: number;
  createdAt: string;
  heads: CheckpointHead[];
  prevHash: string;
  hash: string;
  alg: 'Ed25519';
  keyId: string;
  signature: string;
}

export const CHECKPOINT_JOB = 'audit-checkpoint';
const PURPOSE = 'mash-hub audit checkpoint';

/** The hash a checkpoint's content must have (exported for the tests' forger). */
export function checkpointHash(c: Pick<SignedCheckpoint, 'sequence' | 'createdAt' | 'heads' | 'prevHash'>): string {
  const text = canonicalJson({
    purpose: PURPOSE,
    sequence: c.sequence,
    createdAt: c.createdAt,
    heads: c.heads,
    prevHash: c.prevHash,
  });
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

function signedText(sequence: number, hash: string): Buffer {
  return Buffer.from(canonicalJson({ purpose: PURPOSE, sequence, hash }), 'utf8');
}

interface CheckpointRow {
  sequence: string;
  created_at: Date;
  heads: CheckpointHead[];
  prev_hash: string;
  hash: string;
  key_id: string;
  signature: string;
}

function fromRow(r: CheckpointRow): SignedCheckpoint {
  return {
    sequence: Number(r.sequence),
    createdAt: r.created_at.toISOString(),
    heads: r.heads,
    prevHash: r.prev_hash,
    hash: r.hash,
    alg: 'Ed25519',
    keyId: r.key_id,
    signature: r.signature,
  };
}

/**
 * Writes the next checkpoint: each partnership's head read in that partnership (the chains are
 * walled), then linked and inserted under a transaction-scoped advisory lock, so two writers (the
 * job and the command) queue rather than fork the chain; the primary key refuses a fork anyway.
 */
export async function writeCheckpoint(ds: DataSource, key: AnchorKey): Promise<SignedCheckpoint> {
  const heads = await forEachPartnership(ds, CHECKPOINT_JOB, async (partnership) => {
    const h = await currentHead(ds, partnership);
    return h ? [{ partnership, batchId: h.batchId, hash: h.hash }] : [];
  });
  heads.sort((a, b) => (a.partnership < b.partnership ? -1 : a.partnership > b.partnership ? 1 : 0));
  return ds.transaction(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('audit_checkpoint'))`);
    const last: Array<{ sequence: string; hash: string }> = await m.query(
      'SELECT sequence, hash FROM audit_checkpoint ORDER BY sequence DESC LIMIT 1',
    );
    const sequence = last[0] ? Number(last[0].sequence) + 1 : 1;
    const prevHash = last[0]?.hash ?? GENESIS_HASH;
    const createdAt = new Date().toISOString();
    const hash = checkpointHash({ sequence, createdAt, heads, prevHash });
    const signature = crypto.sign(null, signedText(sequence, hash), key.privateKey).toString('base64url');
    await m.query(
      `INSERT INTO audit_checkpoint (sequence, created_at, heads, prev_hash, hash, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [sequence, createdAt, JSON.stringify(heads), prevHash, hash, key.keyId, signature],
    );
    return { sequence, createdAt, heads, prevHash, hash, alg: 'Ed25519' as const, keyId: key.keyId, signature };
  });
}

/** Every checkpoint, oldest first. */
export async function listCheckpoints(ds: DataSource): Promise<SignedCheckpoint[]> {
  const rows: CheckpointRow[] = await ds.query(
    'SELECT sequence, created_at, heads, prev_hash, hash, key_id, signature FROM audit_checkpoint ORDER BY sequence',
  );
  return rows.map(fromRow);
}

/** The export: the checkpoints and the public key that verifies them (so a third party can check them). */
export interface CheckpointExport {
  format: 'mash-hub audit checkpoints';
  /** The current key (signing new checkpoints). */
  keyId: string;
  publicKey: string;
  /** Every key the checkpoints may name, current and retired (ADR 028): key id → public key (PEM). */
  publicKeys: Record<string, string>;
  checkpoints: SignedCheckpoint[];
}

export async function exportCheckpoints(ds: DataSource, key: AnchorKey): Promise<CheckpointExport> {
  return {
    format: 'mash-hub audit checkpoints',
    keyId: key.keyId,
    publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKeys: Object.fromEntries(
      [...key.verifiers].map(([id, k]) => [id, k.export({ type: 'spki', format: 'pem' }).toString()]),
    ),
    checkpoints: await listCheckpoints(ds),
  };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Reads an exported file's checkpoints, or says why it cannot (shape only; `checkCheckpointChain` judges them). */
export function parseCheckpointExport(text: string): { checkpoints: SignedCheckpoint[] } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { error: 'the export is not valid JSON' };
  }
  const list = (raw as Partial<CheckpointExport> | null)?.checkpoints;
  const headOk = (h: Partial<CheckpointHead>) =>
    typeof h?.partnership === 'string' &&
    Number.isSafeInteger(h.batchId) &&
    typeof h.hash === 'string' &&
    HEX64.test(h.hash);
  const ok = (c: Partial<SignedCheckpoint>) =>
    !!c &&
    Number.isSafeInteger(c.sequence) &&
    typeof c.createdAt === 'string' &&
    Array.isArray(c.heads) &&
    c.heads.every(headOk) &&
    typeof c.prevHash === 'string' &&
    typeof c.hash === 'string' &&
    typeof c.keyId === 'string' &&
    typeof c.signature === 'string';
  if (!Array.isArray(list) || !list.every(ok)) {
    return {
      error:
        'the export must be {checkpoints: [{sequence, createdAt, heads: [{partnership, batchId, hash}], prevHash, hash, keyId, signature}]}',
    };
  }
  return { checkpoints: list as SignedCheckpoint[] };
}

/** The chain of checkpoints alone: sequence, links, hashes and signatures. Problems name sequences, never data. */
export function checkCheckpointChain(checkpoints: readonly SignedCheckpoint[], key: AnchorKey): string[] {
  const problems: string[] = [];
  let prevHash = GENESIS_HASH;
  checkpoints.forEach((c, i) => {
    const at = `checkpoint ${c.sequence}`;
    if (c.sequence !== i + 1)
      problems.push(`${at}: found where checkpoint ${i + 1} was expected (missing or reordered)`);
    if (c.prevHash !== prevHash) problems.push(`${at}: prev_hash does not equal the hash of checkpoint ${i}`);
    if (checkpointHash(c) !== c.hash)
      problems.push(`${at}: hash does not match its sequence, time, heads and prev_hash`);
    // Each checkpoint verifies with the key that signed it (the current one or a retired one, ADR 028).
    const signer = key.verifiers.get(c.keyId);
    if (!signer) problems.push(`${at}: signed by a different key than this hub holds`);
    else if (!crypto.verify(null, signedText(c.sequence, c.hash), signer, Buffer.from(c.signature, 'base64url'))) {
      problems.push(`${at}: signature does not verify`);
    }
    prevHash = c.hash;
  });
  return problems;
}

export interface CheckpointVerification {
  intact: boolean;
  checkpoints: number;
  problems: string[];
  message: string;
}

/**
 * Checks the checkpoint chain, then each partnership's audit chain against it: the whole chain
 * verified (chain-verify.ts) with the newest recorded head as its anchor, and every older recorded
 * head's batch still carrying the recorded hash. Editing a batch, re-hashing the chain after it or
 * deleting newest batches after a checkpoint is detected.
 */
export async function verifyCheckpoints(
  ds: DataSource,
  key: AnchorKey,
  checkpoints?: readonly SignedCheckpoint[],
): Promise<CheckpointVerification> {
  const list = checkpoints ?? (await listCheckpoints(ds));
  const problems = checkCheckpointChain(list, key);
  const recorded = new Map<string, Array<{ sequence: number; batchId: number; hash: string }>>();
  for (const c of list) {
    for (const h of c.heads) {
      let l = recorded.get(h.partnership);
      if (!l) recorded.set(h.partnership, (l = []));
      l.push({ sequence: c.sequence, batchId: h.batchId, hash: h.hash });
    }
  }
  for (const [partnership, heads] of [...recorded].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const scope = {
      partnership,
      actor: `system:${CHECKPOINT_JOB}`,
      requestId: `${CHECKPOINT_JOB}-${crypto.randomUUID()}`,
    };
    await inPartnership(scope, async () => {
      const newest = heads[heads.length - 1]!;
      const anchor = {
        partnership,
        batchId: newest.batchId,
        hash: newest.hash,
        sealedAt: '',
        alg: 'Ed25519' as const,
        keyId: key.keyId,
        signature: '',
      };
      const chain = await verifyAuditChain(ds, { partnership, anchor });
      if (!chain.intact) problems.push(`partnership ${partnership}: ${chain.message}`);
      const stored: Array<{ id: string; hash: string }> = await ds.query(
        'SELECT id, hash FROM audit_batch WHERE partnership_id = $1 AND id = ANY($2::bigint[])',
        [partnership, [...new Set(heads.map((h) => h.batchId))]],
      );
      const hashOf = new Map(stored.map((r) => [Number(r.id), r.hash]));
      for (const h of heads) {
        const now = hashOf.get(h.batchId);
        if (now === undefined)
          problems.push(`checkpoint ${h.sequence}: partnership ${partnership}'s batch ${h.batchId} is missing`);
        else if (now !== h.hash)
          problems.push(
            `checkpoint ${h.sequence}: partnership ${partnership}'s batch ${h.batchId} no longer has the recorded hash`,
          );
      }
    });
  }
  const intact = problems.length === 0;
  return {
    intact,
    checkpoints: list.length,
    problems,
    message: intact
      ? `${list.length} checkpoint(s) intact; every recorded head still matches its partnership's chain`
      : `checkpoints broken: ${problems.join('; ')}`,
  };
}
