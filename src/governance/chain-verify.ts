import type { DataSource, EntityManager } from 'typeorm';
import { batchHash, canonicalJson, GENESIS_HASH, rowsHash, type AuditEvent } from '../audit/audit-event';
import type { SignedAnchor } from './anchor';
import { requirePartnership } from '../db/partnership-scope';
import { DEFAULT_PARTNERSHIP } from '../shared/partnership';

/**
 * Recomputes the audit hash chain batch by batch, streamed in pages (never the whole audit in
 * memory). For each batch: contiguous id, link to the previous batch's hash, the event count and
 * gap-free `seq`, the rows hash from the stored payloads, the batch hash, and that the indexed
 * columns of `audit_event` and the `audit_disclosure` rows say what the payload says. Stops at the
 * first broken batch and says what is wrong with it. Messages carry ids and column names, never
 * personal data.
 */

export interface VerifyOptions {
  /** Batches per page, further cut so a page holds at most `maxEventsPerPage` events. */
  pageSize?: number;
  maxEventsPerPage?: number;
  /** A verified, previously exported head: the chain must still reach it with the same hash. */
  anchor?: SignedAnchor | null;
  /** Whose chain (ADR 016); by default the current scope's partnership. */
  partnership?: string;
}

export interface ArchiveCheckpoint {
  lastBatchId: number;
  lastHash: string;
  cutoff: string;
}

export interface ChainVerification {
  intact: boolean;
  /** The last batch that verified (null when none did). */
  verifiedThroughBatch: number | null;
  firstBrokenBatch: number | null;
  problems: string[];
  batchesChecked: number;
  eventsChecked: number;
  headBatchId: number | null;
  headHash: string | null;
  /** Batches whose events were archived (rows checked in the archive file): only their links are checked here. */
  archivedThroughBatch: number | null;
  anchorBatchId: number | null;
  anchorMatched: boolean | null;
  message: string;
}

interface BatchRow {
  id: string;
  event_count: number;
  rows_hash: string;
  prev_hash: string;
  hash: string;
}

interface EventRow {
  id: string;
  batch_id: string;
  seq: number;
  occurred_at: string;
  request_id: string;
  actor_sub: string;
  actor_agency: string | null;
  purpose: string | null;
  break_glass: boolean;
  operation_name: string | null;
  action: string;
  outcome: string;
  payload: AuditEvent;
}

interface DisclosureRow {
  event_id: string;
  occurred_at: string;
  person_id: string;
  actor_sub: string;
  actor_agency: string | null;
  purpose: string | null;
  outcome: string;
  record_ids: string[];
  released: string[];
  redacted: string[];
  relationships: string[];
}

const UTC_MICROS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/** An ISO instant from a payload, in the microsecond form the SQL above prints. */
function micros(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return `invalid:${iso}`;
  return `${d.toISOString().slice(0, 23)}000Z`;
}

/** The latest archive checkpoint, if any partitions were archived (see src/governance/archive.ts). */
export async function latestCheckpoint(
  db: DataSource | EntityManager,
  partnership: string = requirePartnership(),
): Promise<ArchiveCheckpoint | null> {
  const exists: Array<{ t: string | null }> = await db.query(`SELECT to_regclass('audit_archive')::text AS t`);
  if (!exists[0]?.t) return null;
  const rows: Array<{ last_batch_id: string; last_hash: string; cutoff: Date }> = await db.query(
    'SELECT last_batch_id, last_hash, cutoff FROM audit_archive WHERE partnership_id = $1 ORDER BY last_batch_id DESC LIMIT 1',
    [partnership],
  );
  const r = rows[0];
  return r ? { lastBatchId: Number(r.last_batch_id), lastHash: r.last_hash, cutoff: r.cutoff.toISOString() } : null;
}

export async function verifyAuditChain(
  db: DataSource | EntityManager,
  options: VerifyOptions = {},
): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 200;
  const maxEvents = options.maxEventsPerPage ?? 5000;
  // Each query names the partnership as well as relying on the wall: an owner connection (a
  // superuser bypasses row-level security) must still walk one chain.
  const partnership = options.partnership ?? requirePartnership();
  const checkpoint = await latestCheckpoint(db, partnership);
  const anchor = options.anchor ?? null;

  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let batchesChecked = 0;
  let eventsChecked = 0;
  let anchorMatched: boolean | null = anchor ? false : null;
  const problems: string[] = [];
  let broken: number | null = null;

  const fail = (batchId: number, ...what: string[]) => {
    broken = batchId;
    problems.push(...what);
  };

  outer: for (;;) {
    const page: BatchRow[] = await db.query(
      'SELECT id, event_count, rows_hash, prev_hash, hash FROM audit_batch WHERE partnership_id = $3 AND id > $1 ORDER BY id LIMIT $2',
      [lastId, pageSize, partnership],
    );
    if (page.length === 0) break;
    // Archived batches: their events left with the archive; their links stay checkable here.
    const live: BatchRow[] = [];
    for (const b of page) {
      const id = Number(b.id);
      if (checkpoint && id <= checkpoint.lastBatchId) {
        const p = linkProblems(b, lastId, prevHash);
        if (p.length) {
          fail(id, ...p);
          break outer;
        }
        if (id === checkpoint.lastBatchId && b.hash !== checkpoint.lastHash) {
          fail(id, `batch hash differs from the archive checkpoint's last hash`);
          break outer;
        }
        if (anchor && id === anchor.batchId) anchorMatched = b.hash === anchor.hash;
        prevHash = b.hash;
        lastId = id;
        batchesChecked++;
        continue;
      }
      if (live.length && live.reduce((n, x) => n + x.event_count, 0) + b.event_count > maxEvents) break;
      live.push(b);
    }
    if (live.length === 0) continue;

    const from = Number(live[0]!.id);
    const to = Number(live[live.length - 1]!.id);
    const events: EventRow[] = await db.query(
      `SELECT id, batch_id, seq, to_char(occurred_at AT TIME ZONE 'UTC', ${UTC_MICROS}) AS occurred_at, request_id,
              actor_sub, actor_agency, purpose, break_glass, operation_name, action, outcome, payload
         FROM audit_event WHERE partnership_id = $3 AND batch_id BETWEEN $1 AND $2 ORDER BY batch_id, seq`,
      [from, to, partnership],
    );
    const disclosures = await disclosuresOf(db, events, partnership);
    const byBatch = new Map<number, EventRow[]>();
    for (const e of events) {
      const k = Number(e.batch_id);
      let list = byBatch.get(k);
      if (!list) byBatch.set(k, (list = []));
      list.push(e);
    }

    for (const b of live) {
      const id = Number(b.id);
      const rows = byBatch.get(id) ?? [];
      const p = [
        ...linkProblems(b, lastId, prevHash),
        ...rowProblems(b, rows),
        ...rows.flatMap((e) => [...columnProblems(e), ...disclosureProblems(e, disclosures.get(e.id) ?? [])]),
      ];
      if (p.length) {
        fail(id, ...p);
        break outer;
      }
      if (anchor && id === anchor.batchId) anchorMatched = b.hash === anchor.hash;
      prevHash = b.hash;
      lastId = id;
      batchesChecked++;
      eventsChecked += rows.length;
    }
  }

  if (broken === null) {
    // Rows that claim a batch beyond the head: the newest batch rows were deleted, or rows forged.
    const orphans: Array<{ batch_id: string }> = await db.query(
      'SELECT min(batch_id) AS batch_id FROM audit_event WHERE partnership_id = $2 AND batch_id > $1',
      [lastId, partnership],
    );
    if (orphans[0]?.batch_id != null) {
      fail(
        Number(orphans[0].batch_id),
        `audit events reference batch ${orphans[0].batch_id}, beyond the chain head ${lastId}`,
      );
    }
  }
  if (broken === null) {
    const orphans: Array<{ event_id: string }> = await db.query(
      `SELECT d.event_id FROM audit_disclosure d
        WHERE d.partnership_id = $1
          AND NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.id = d.event_id AND e.occurred_at = d.occurred_at AND e.partnership_id = d.partnership_id)
        LIMIT 1`,
      [partnership],
    );
    if (orphans[0]) fail(lastId + 1, `disclosure rows exist for event ${orphans[0].event_id}, which is in no batch`);
  }
  if (broken === null && anchor && (anchor.partnership ?? DEFAULT_PARTNERSHIP) !== partnership) {
    fail(lastId + 1, `the exported head is of another partnership's chain`);
  }
  if (broken === null && anchor && anchorMatched !== true) {
    if (anchor.batchId > lastId) {
      fail(
        lastId + 1,
        `the exported head names batch ${anchor.batchId} but the chain ends at batch ${lastId}: newest batches were deleted`,
      );
    } else {
      fail(anchor.batchId, `batch ${anchor.batchId} no longer has the hash of the exported head`);
    }
  }

  const head: Array<{ id: string; hash: string }> = await db.query(
    'SELECT id, hash FROM audit_batch WHERE partnership_id = $1 ORDER BY id DESC LIMIT 1',
    [partnership],
  );
  const intact = broken === null;
  const message = intact
    ? `intact up to batch ${lastId}${anchor ? ` (exported head at batch ${anchor.batchId} matched)` : ''}`
    : `broken at batch ${broken}: ${problems.join('; ')}`;
  return {
    intact,
    verifiedThroughBatch: lastId || null,
    firstBrokenBatch: broken,
    problems,
    batchesChecked,
    eventsChecked,
    headBatchId: head[0] ? Number(head[0].id) : null,
    headHash: head[0]?.hash ?? null,
    archivedThroughBatch: checkpoint?.lastBatchId ?? null,
    anchorBatchId: anchor?.batchId ?? null,
    anchorMatched,
    message,
  };
}

function linkProblems(b: BatchRow, lastId: number, prevHash: string): string[] {
  const id = Number(b.id);
  const out: string[] = [];
  if (id !== lastId + 1)
    out.push(`batch ids jump from ${lastId} to ${id}: batches ${lastId + 1}..${id - 1} are missing`);
  if (b.prev_hash !== prevHash) out.push(`prev_hash does not equal the hash of batch ${lastId}`);
  if (batchHash(id, b.prev_hash, b.rows_hash) !== b.hash)
    out.push('batch hash does not match its id, prev_hash and rows_hash');
  return out;
}

function rowProblems(b: BatchRow, rows: EventRow[]): string[] {
  const out: string[] = [];
  if (rows.length !== b.event_count) out.push(`batch records ${b.event_count} events but ${rows.length} are stored`);
  rows.forEach((e, i) => {
    if (e.seq !== i) out.push(`event seq ${e.seq} found where ${i} was expected`);
  });
  if (rowsHash(rows.map((e) => e.payload)) !== b.rows_hash)
    out.push('rows hash recomputed from the stored payloads differs');
  return out;
}

function columnProblems(e: EventRow): string[] {
  const p = e.payload;
  const diffs: string[] = [];
  const check = (col: string, stored: unknown, fromPayload: unknown) => {
    if (canonicalJson(stored) !== canonicalJson(fromPayload)) diffs.push(col);
  };
  check('id', e.id, p.id);
  check('occurred_at', e.occurred_at, micros(String(p.occurredAt)));
  check('request_id', e.request_id, p.requestId);
  check('actor_sub', e.actor_sub, p.actor?.sub);
  check('actor_agency', e.actor_agency, p.actor?.agency ?? null);
  check('purpose', e.purpose, p.purpose ?? null);
  check('break_glass', e.break_glass, p.breakGlass != null);
  check('operation_name', e.operation_name, p.operation?.name ?? null);
  check('action', e.action, p.action);
  check('outcome', e.outcome, p.outcome);
  return diffs.length ? [`event ${e.id}: column(s) ${diffs.join(', ')} differ from the hashed payload`] : [];
}

function disclosureProblems(e: EventRow, rows: DisclosureRow[]): string[] {
  const p = e.payload;
  const expected = new Map((p.subjects ?? []).map((s) => [s.personId, s]));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const d of rows) {
    seen.add(d.person_id);
    const s = expected.get(d.person_id);
    if (!s) {
      out.push(`event ${e.id}: a disclosure row names a person the hashed payload does not`);
      continue;
    }
    const sorted = (a: readonly string[]) => [...a].sort();
    const want = {
      occurred_at: micros(p.occurredAt),
      actor_sub: p.actor.sub,
      actor_agency: p.actor.agency,
      purpose: p.purpose,
      outcome: s.outcome,
      record_ids: sorted(s.recordIds),
      released: sorted(s.released),
      redacted: sorted(s.redacted),
      relationships: sorted(s.relationships),
    };
    const got = {
      occurred_at: d.occurred_at,
      actor_sub: d.actor_sub,
      actor_agency: d.actor_agency,
      purpose: d.purpose,
      outcome: d.outcome,
      record_ids: sorted(d.record_ids),
      released: sorted(d.released),
      redacted: sorted(d.redacted),
      relationships: sorted(d.relationships),
    };
    const diffs = (Object.keys(want) as Array<keyof typeof want>).filter(
      (k) => canonicalJson(want[k]) !== canonicalJson(got[k]),
    );
    if (diffs.length)
      out.push(`event ${e.id}: disclosure column(s) ${diffs.join(', ')} differ from the hashed payload`);
  }
  const missing = [...expected.keys()].filter((k) => !seen.has(k)).length;
  if (missing) out.push(`event ${e.id}: ${missing} disclosure row(s) of the hashed payload are missing`);
  return out;
}

async function disclosuresOf(
  db: DataSource | EntityManager,
  events: EventRow[],
  partnership: string,
): Promise<Map<string, DisclosureRow[]>> {
  const out = new Map<string, DisclosureRow[]>();
  if (events.length === 0) return out;
  let min = events[0]!.occurred_at;
  let max = min;
  for (const e of events) {
    if (e.occurred_at < min) min = e.occurred_at;
    if (e.occurred_at > max) max = e.occurred_at;
  }
  // The time bounds let PostgreSQL prune to the partitions of this page.
  const rows: DisclosureRow[] = await db.query(
    `SELECT event_id, to_char(occurred_at AT TIME ZONE 'UTC', ${UTC_MICROS}) AS occurred_at, person_id, actor_sub,
            actor_agency, purpose, outcome, record_ids::text[] AS record_ids, released, redacted, relationships
       FROM audit_disclosure
      WHERE partnership_id = $4 AND event_id = ANY($1::uuid[]) AND occurred_at BETWEEN $2::timestamptz AND $3::timestamptz`,
    [events.map((e) => e.id), min, max, partnership],
  );
  for (const d of rows) {
    let list = out.get(d.event_id);
    if (!list) out.set(d.event_id, (list = []));
    list.push(d);
  }
  return out;
}
