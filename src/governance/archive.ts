import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { batchHash, canonicalJson, GENESIS_HASH, rowsHash, type AuditEvent } from '../audit/audit-event';
import { appendAuditBatch } from '../audit/audit-store';
import { latestCheckpoint, verifyAuditChain } from './chain-verify';
import { systemEvent } from '../audit/system-event';
import { inPartnership } from '../db/partnership-scope';

/**
 * Retention by partition (C5): `npm run audit:archive -- --before 2024-01` exports the monthly
 * event and disclosure partitions older than the cutoff, with the chain segment of their batches,
 * to NDJSON in MASH_DATA_DIR/archive, then DETACHes them in one transaction with an
 * `audit_archive` checkpoint and a SYSTEM audit event. Rows are never deleted one by one; the
 * detached tables stay in the database until an operator drops them after checking the file.
 *
 * File lines: `{"type":"archive",…}` header, then per batch `{"type":"batch",…}` followed by its
 * `{"type":"event",…}` (in seq order, payload as hashed) and `{"type":"disclosure",…}` lines.
 */

/** One partnership's chain segment, archived to a file of its own (ADR 016). */
export interface ArchiveResult {
  partnership: string;
  file: string;
  fileSha256: string;
  cutoff: string;
  partitions: string[];
  firstBatchId: number;
  lastBatchId: number;
  lastHash: string;
  events: number;
  disclosures: number;
}

/** An archive run: the partitions detached once, and the segment of each partnership's chain they held. */
export interface ArchiveRun {
  cutoff: string;
  partitions: string[];
  chains: ArchiveResult[];
}

export class ArchiveRefused extends Error {}

/** Parses `YYYY-MM` into the first instant of that month, UTC. */
export function parseMonth(text: string): Date {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (!m) throw new ArchiveRefused('--before must be a month, YYYY-MM');
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}

/**
 * Archives every partnership's chain segment older than the cutoff (one file each), then records
 * each checkpoint and SYSTEM event in its own chain and detaches the partitions, all in one
 * transaction. Partitions are by month and hold every partnership's rows, so a month leaves the
 * database for every partnership at once. Runs as the owner; each partnership's reads and writes
 * are in that partnership (the queries name it too, for an owner that bypasses the wall).
 */
export async function archiveAuditBefore(
  db: DataSource,
  dataDir: string,
  cutoff: Date,
  now = new Date(),
): Promise<ArchiveRun> {
  const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  if (cutoff > thisMonth) throw new ArchiveRefused('the cutoff must not be after the current month');

  const suffix = `${cutoff.getUTCFullYear()}_${String(cutoff.getUTCMonth() + 1).padStart(2, '0')}`;
  const attached: Array<{ name: string }> = await db.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent IN ('audit_event'::regclass, 'audit_disclosure'::regclass)
        AND right(c.relname, 7) < $1 ORDER BY c.relname`,
    [suffix],
  );
  const partitions = attached.map((r) => r.name);
  if (partitions.length === 0) throw new ArchiveRefused('no attached audit partitions are older than the cutoff');

  const partnerships = ((await db.query('SELECT id FROM partnership ORDER BY id')) as Array<{ id: string }>).map(
    (r) => r.id,
  );
  const chains: ArchiveResult[] = [];
  try {
    for (const partnership of partnerships) {
      const scope = { partnership, actor: 'system:audit-archive', requestId: crypto.randomUUID() };
      const segment = await inPartnership(scope, () =>
        archiveSegment(db, dataDir, cutoff, now, partnership, partitions, suffix),
      );
      if (segment) chains.push(segment);
    }
  } catch (e) {
    // One chain refused (not intact, a batch across the cutoff): no partnership's file is left behind.
    for (const c of chains) fs.rmSync(c.file, { force: true });
    throw e;
  }
  if (chains.length === 0) throw new ArchiveRefused('no batches older than the cutoff remain to archive');

  await db.transaction(async (m) => {
    for (const result of chains) {
      // Each checkpoint and event in its own partnership's chain, within the one transaction.
      await m.query(`SELECT set_config('mash.partnership', $1, true)`, [result.partnership]);
      await m.query(
        `INSERT INTO audit_archive (id, archived_at, cutoff, first_batch_id, last_batch_id, last_hash, events, disclosures, partitions, file, file_sha256)
         VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          crypto.randomUUID(),
          result.cutoff,
          result.firstBatchId,
          result.lastBatchId,
          result.lastHash,
          result.events,
          result.disclosures,
          partitions,
          path.basename(result.file),
          result.fileSha256,
        ],
      );
      await appendAuditBatch(m, [
        systemEvent(result.partnership, 'auditArchive', crypto.randomUUID(), [], [], {
          ...result,
          file: path.basename(result.file),
        }),
      ]);
    }
    for (const name of partitions) {
      const parent = name.startsWith('audit_event_') ? 'audit_event' : 'audit_disclosure';
      await m.query(`ALTER TABLE ${parent} DETACH PARTITION ${name}`);
    }
  });
  return { cutoff: cutoff.toISOString(), partitions, chains };
}

/** One partnership's segment written to its file; null when it has no batches left before the cutoff. */
async function archiveSegment(
  db: DataSource,
  dataDir: string,
  cutoff: Date,
  now: Date,
  partnership: string,
  partitions: string[],
  suffix: string,
): Promise<ArchiveResult | null> {
  // Only an intact chain is worth archiving: the file carries its segment as proof.
  const verification = await verifyAuditChain(db, { partnership });
  if (!verification.intact)
    throw new ArchiveRefused(
      `the audit chain of ${partnership} does not verify (${verification.message}); archive refused`,
    );

  const previous = await latestCheckpoint(db, partnership);
  const firstBatchId = (previous?.lastBatchId ?? 0) + 1;
  const boundary: Array<{ b: string | null; head: string | null }> = await db.query(
    `SELECT (SELECT min(batch_id) FROM audit_event WHERE partnership_id = $2 AND occurred_at >= $1) AS b,
            (SELECT max(id) FROM audit_batch WHERE partnership_id = $2) AS head`,
    [cutoff.toISOString(), partnership],
  );
  const lastBatchId = boundary[0]?.b != null ? Number(boundary[0].b) - 1 : Number(boundary[0]?.head ?? 0);
  // A batch written across the cutoff would leave part of its rows in the archive and part here.
  const straddling: Array<{ batch_id: string }> = await db.query(
    `SELECT batch_id FROM audit_event WHERE partnership_id = $3 AND occurred_at < $1 AND batch_id > $2 LIMIT 1`,
    [cutoff.toISOString(), lastBatchId, partnership],
  );
  if (straddling[0]) {
    throw new ArchiveRefused(
      `batch ${straddling[0].batch_id} holds events on both sides of the cutoff; choose an earlier month`,
    );
  }
  if (lastBatchId < firstBatchId) return null;

  const dir = path.join(dataDir, 'archive');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `audit-before-${suffix}-${partnership}-${stamp}.ndjson`);
  const fd = fs.openSync(file, 'wx', 0o600);
  const hash = crypto.createHash('sha256');
  const write = (obj: unknown) => {
    const line = `${canonicalJson(obj)}\n`;
    hash.update(line);
    fs.writeSync(fd, line);
  };
  let events = 0;
  let disclosures = 0;
  let lastHash = previous?.lastHash ?? '';
  try {
    write({
      type: 'archive',
      format: 1,
      partnership,
      cutoff: cutoff.toISOString(),
      partitions,
      firstBatchId,
      lastBatchId,
      createdAt: now.toISOString(),
    });
    const pageSize = 200;
    for (let from = firstBatchId; from <= lastBatchId; from += pageSize) {
      const to = Math.min(lastBatchId, from + pageSize - 1);
      const batches: Array<{
        id: string;
        sealed_at: Date;
        event_count: number;
        rows_hash: string;
        prev_hash: string;
        hash: string;
      }> = await db.query(
        'SELECT id, sealed_at, event_count, rows_hash, prev_hash, hash FROM audit_batch WHERE partnership_id = $3 AND id BETWEEN $1 AND $2 ORDER BY id',
        [from, to, partnership],
      );
      const evs: Array<{ id: string; batch_id: string; seq: number; payload: AuditEvent }> = await db.query(
        'SELECT id, batch_id, seq, payload FROM audit_event WHERE partnership_id = $3 AND batch_id BETWEEN $1 AND $2 ORDER BY batch_id, seq',
        [from, to, partnership],
      );
      const ds: Array<Record<string, unknown> & { event_id: string }> = await db.query(
        `SELECT d.event_id, d.occurred_at, d.person_id, d.actor_sub, d.actor_agency, d.purpose, d.outcome,
                d.record_ids::text[] AS record_ids, d.released, d.redacted, d.relationships
           FROM audit_disclosure d JOIN audit_event e ON e.id = d.event_id AND e.occurred_at = d.occurred_at
          WHERE e.partnership_id = $4 AND d.partnership_id = $4 AND e.batch_id BETWEEN $1 AND $2 AND d.occurred_at < $3`,
        [from, to, cutoff.toISOString(), partnership],
      );
      const dsByEvent = new Map<string, typeof ds>();
      for (const d of ds) dsByEvent.set(d.event_id, [...(dsByEvent.get(d.event_id) ?? []), d]);
      for (const b of batches) {
        const rows = evs.filter((e) => Number(e.batch_id) === Number(b.id));
        // The segment is re-checked as it is written: the file must prove itself.
        if (rows.length !== b.event_count || rowsHash(rows.map((r) => r.payload)) !== b.rows_hash) {
          throw new ArchiveRefused(`batch ${b.id} does not match its rows hash while archiving; archive refused`);
        }
        write({
          type: 'batch',
          id: Number(b.id),
          sealedAt: b.sealed_at.toISOString(),
          eventCount: b.event_count,
          rowsHash: b.rows_hash,
          prevHash: b.prev_hash,
          hash: b.hash,
        });
        for (const e of rows) {
          write({ type: 'event', batchId: Number(b.id), seq: e.seq, payload: e.payload });
          events++;
          for (const d of dsByEvent.get(e.id) ?? []) {
            write({ type: 'disclosure', ...d, occurred_at: (d.occurred_at as Date).toISOString() });
            disclosures++;
          }
        }
        lastHash = b.hash;
      }
    }
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  const fileSha256 = hash.digest('hex');

  return {
    partnership,
    file,
    fileSha256,
    cutoff: cutoff.toISOString(),
    partitions,
    firstBatchId,
    lastBatchId,
    lastHash,
    events,
    disclosures,
  };
}

/**
 * Checks an archive file on its own and against the database: its SHA-256 is the one recorded in
 * `audit_archive`, its batches are contiguous, each batch's rows hash is recomputed from the event
 * payloads, each hash chains to the next, the first links to the batch before it (or genesis) and
 * every batch hash equals the retained `audit_batch` row. `npm run audit:verify -- --archive <file>`.
 */
export async function verifyArchiveFile(db: DataSource, file: string): Promise<{ intact: boolean; message: string }> {
  const text = fs.readFileSync(file, 'utf8');
  const sha = crypto.createHash('sha256').update(text).digest('hex');
  const recorded: Array<{ partnership_id: string; first_batch_id: string; last_batch_id: string; last_hash: string }> =
    await db.query(
      'SELECT partnership_id, first_batch_id, last_batch_id, last_hash FROM audit_archive WHERE file = $1 AND file_sha256 = $2',
      [path.basename(file), sha],
    );
  if (!recorded[0])
    return {
      intact: false,
      message: 'no archive checkpoint records this file with this SHA-256: it was changed or is unknown',
    };
  const lines = text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const first = Number(recorded[0].first_batch_id);
  const last = Number(recorded[0].last_batch_id);
  const partnership = recorded[0].partnership_id;
  const before: Array<{ hash: string }> =
    first > 1
      ? await db.query('SELECT hash FROM audit_batch WHERE partnership_id = $2 AND id = $1', [first - 1, partnership])
      : [];
  let prev = first > 1 ? (before[0]?.hash ?? '') : GENESIS_HASH;
  let expectId = first;
  let i = 1;
  while (i < lines.length) {
    const b = lines[i++]!;
    if (b.type !== 'batch') return { intact: false, message: `line ${i}: expected a batch line` };
    const id = Number(b.id);
    const payloads: unknown[] = [];
    while (i < lines.length && lines[i]!.type !== 'batch') {
      if (lines[i]!.type === 'event') payloads.push(lines[i]!.payload);
      i++;
    }
    const problems: string[] = [];
    if (id !== expectId) problems.push(`expected batch ${expectId}`);
    if (b.prevHash !== prev) problems.push('prevHash does not link to the previous batch');
    if (payloads.length !== b.eventCount)
      problems.push(`${b.eventCount} events recorded, ${payloads.length} in the file`);
    if (rowsHash(payloads) !== b.rowsHash) problems.push('rows hash recomputed from the archived payloads differs');
    if (batchHash(id, String(b.prevHash), String(b.rowsHash)) !== b.hash) problems.push('batch hash does not match');
    const kept: Array<{ hash: string }> = await db.query(
      'SELECT hash FROM audit_batch WHERE partnership_id = $2 AND id = $1',
      [id, partnership],
    );
    if (kept[0]?.hash !== b.hash) problems.push('differs from the retained audit_batch row');
    if (problems.length) return { intact: false, message: `archive broken at batch ${id}: ${problems.join('; ')}` };
    prev = String(b.hash);
    expectId = id + 1;
  }
  if (expectId - 1 !== last || prev !== recorded[0].last_hash)
    return { intact: false, message: `archive ends at batch ${expectId - 1}, checkpoint says ${last}` };
  return { intact: true, message: `archive intact: batches ${first}..${last}, last hash matches the checkpoint` };
}
