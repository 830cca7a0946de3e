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
/** Public keys of rotated-out anchor keys (ADR 028), one PEM per key; their private keys are gone. */
const RETIRED_DIR = 'audit-anchor-keys';

export interface AnchorKey {
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  keyId: string;
  /**
   * Every public key this hub verifies with, by key id: the current one and each retired one, so
   * anchors and checkpoints signed before a rotation still verify with the key that signed them.
   */
  verifiers: ReadonlyMap<string, crypto.KeyObject>;
}

/** A key's id: SHA-256 of its public key (SPKI DER), never taken from a file name. */
function keyIdOf(publicKey: crypto.KeyObject): string {
  return crypto
    .createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

function retiredKeys(dataDir: string): Map<string, crypto.KeyObject> {
  const dir = path.join(dataDir, RETIRED_DIR);
  const keys = new Map<string, crypto.KeyObject>();
  if (!fs.existsSync(dir)) return keys;
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.pem'))
    .sort()) {
    const publicKey = crypto.createPublicKey(fs.readFileSync(path.join(dir, name), 'utf8'));
    keys.set(keyIdOf(publicKey), publicKey);
  }
  return keys;
}

/**
 * Rotates the anchor key (ADR 028): the current key's PUBLIC key is kept in `audit-anchor-keys/`
 * (to verify what it signed), a new private key replaces it (written beside, then renamed over it),
 * and the old private key is gone. New anchors and checkpoints are signed with the new key.
 */
export function rotateAnchorKey(dataDir: string): { retiredKeyId: string; keyId: string } {
  const old = loadAnchorKey(dataDir, false);
  const dir = path.join(dataDir, RETIRED_DIR);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${old.keyId}.pem`), old.publicKey.export({ type: 'spki', format: 'pem' }), {
    mode: 0o644,
  });
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const next = path.join(dataDir, `${KEY_FILE}.next`);
  fs.writeFileSync(next, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.renameSync(next, path.join(dataDir, KEY_FILE));
  return { retiredKeyId: old.keyId, keyId: loadAnchorKey(dataDir, false).keyId };
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
  const keyId = keyIdOf(publicKey);
  const verifiers = retiredKeys(dataDir);
  verifiers.set(keyId, publicKey);
  return { privateKey, publicKey, keyId, verifiers };
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
  const signer = typeof a.keyId === 'string' ? key.verifiers.get(a.keyId) : undefined;
  if (!signer) return { error: 'anchor was signed by a different key than this hub holds' };
  const ok = crypto.verify(
    null,
    Buffer.from(signedText(a as ChainHead), 'utf8'),
    signer,
    Buffer.from(a.signature, 'base64url'),
  );
  if (!ok) return { error: 'anchor signature does not verify' };
  return { anchor: a as SignedAnchor };
}
