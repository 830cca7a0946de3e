import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import { canonicalJson } from '../audit/audit-event';
import { requirePartnership } from '../db/partnership-scope';

/**
 * Chain-head anchors (CloudTrail-style digests): the newest batch's id and hash, signed with an
 * Ed25519 key kept in MASH_DATA_DIR (never in the database), to be stored outside the hub. A later
 * verification given an anchor proves the chain still reaches that batch with that hash, so deleting
 * the newest batches, even as a database superuser, is detected.
 */

export interface ChainHead {
  /** Whose chain (ADR 016); absent on anchors exported before chains were per partnership (then `default`). */
  partnership?: string;
  batchId: number;
  hash: string;
  sealedAt: string;
}

export interface SignedAnchor extends ChainHead {
  alg: 'Ed25519';
  /** SHA-256 of the public key (SPKI DER), to say which key signed; verification uses the local key. */
  keyId: string;
  signature: string;
}

const KEY_FILE = 'audit-anchor-key.pem';

export interface AnchorKey {
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  keyId: string;
}

/** Loads the anchor signing key from the data directory, creating it (mode 0600) on first use. */
export function loadAnchorKey(dataDir: string, create = true): AnchorKey {
  const file = path.join(dataDir, KEY_FILE);
  let pem: string;
  if (fs.existsSync(file)) {
    pem = fs.readFileSync(file, 'utf8');
  } else {
    if (!create) throw new Error(`no anchor key in ${dataDir}`);
    fs.mkdirSync(dataDir, { recursive: true });
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process created it first: use theirs.
      pem = fs.readFileSync(file, 'utf8');
    }
  }
  const privateKey = crypto.createPrivateKey(pem);
  const publicKey = crypto.createPublicKey(privateKey);
  const keyId = crypto
    .createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  return { privateKey, publicKey, keyId };
}

function signedText(h: ChainHead): string {
  return canonicalJson({
    ...(h.partnership !== undefined ? { partnership: h.partnership } : {}),
    batchId: h.batchId,
    hash: h.hash,
    sealedAt: h.sealedAt,
    purpose: 'mash-hub audit chain head',
  });
}

/** The head of one partnership's chain (by default the current scope's, ADR 016). */
export async function currentHead(
  db: DataSource | EntityManager,
  partnership: string = requirePartnership(),
): Promise<ChainHead | null> {
  const rows: Array<{ id: string; hash: string; sealed_at: Date }> = await db.query(
    'SELECT id, hash, sealed_at FROM audit_batch WHERE partnership_id = $1 ORDER BY id DESC LIMIT 1',
    [partnership],
  );
  const r = rows[0];
  return r ? { partnership, batchId: Number(r.id), hash: r.hash, sealedAt: r.sealed_at.toISOString() } : null;
}

export function signHead(head: ChainHead, key: AnchorKey): SignedAnchor {
  const signature = crypto.sign(null, Buffer.from(signedText(head), 'utf8'), key.privateKey).toString('base64url');
  return { ...head, alg: 'Ed25519', keyId: key.keyId, signature };
}

/** Parses an exported anchor and checks its signature; returns a reason when it is not acceptable. */
export function checkAnchor(text: string, key: AnchorKey): { anchor: SignedAnchor } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { error: 'anchor is not valid JSON' };
  }
  const a = raw as Partial<SignedAnchor>;
  if (
    !a ||
    typeof a !== 'object' ||
    !Number.isSafeInteger(a.batchId) ||
    (a.batchId as number) < 1 ||
    typeof a.hash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(a.hash) ||
    typeof a.sealedAt !== 'string' ||
    typeof a.signature !== 'string' ||
    a.alg !== 'Ed25519' ||
    (a.partnership !== undefined && typeof a.partnership !== 'string')
  ) {
    return { error: 'anchor must be {batchId, hash, sealedAt, alg: "Ed25519", keyId, signature}' };
  }
  if (a.keyId !== key.keyId) return { error: 'anchor was signed by a different key than this hub holds' };
  const ok = crypto.verify(
    null,
    Buffer.from(signedText(a as ChainHead), 'utf8'),
    key.publicKey,
    Buffer.from(a.signature, 'base64url'),
  );
  if (!ok) return { error: 'anchor signature does not verify' };
  return { anchor: a as SignedAnchor };
}
