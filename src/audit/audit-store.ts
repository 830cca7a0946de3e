import type { EntityManager } from 'typeorm';
import { canonicalJson, GENESIS_HASH, rowsHashOfCanonical, type AuditEvent } from './audit-event';

/**
 * Appends events as one hash-chained batch inside the caller's transaction. Advisory lock 7243001
 * (taken by mash_audit_append_events) serialises appends across hub processes, so batch ids are
 * gap-free and the chain linear; it is held until commit.
 */
export async function appendAuditBatch(
  manager: EntityManager,
  events: readonly AuditEvent[],
  options: { deferFlush?: boolean } = {},
): Promise<number> {
  if (events.length === 0) return 0;
  try {
    return await insertBatch(manager, events, options.deferFlush === true);
  } catch (e) {
    // Whatever the cause, the caller must not release data or commit a change without its audit.
    throw new AuditUnavailableError(e);
  }
}

export class AuditUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super('audit write failed');
  }
}

async function insertBatch(
  manager: EntityManager,
  events: readonly AuditEvent[],
  deferFlush: boolean,
): Promise<number> {
  // Each event is serialised once: its canonical JSON is both what the chain hashes and what is
  // stored. One round trip (mash_audit_append_events, migration 1763902000000: lock the chain, read
  // the head, append the batch, its events and their disclosure rows, all derived from the
  // payloads). Atomic on its own; inside a caller's transaction it commits with the change.
  // deferFlush (the group-commit writer only, as a lone statement: never inside a caller's
  // transaction, whose change would lose its synchronous commit too): the commit returns without
  // waiting for the WAL flush, releasing the chain lock at once; the caller must wait for
  // flushAuditWal before anything that depends on the events leaves (ADR 037).
  const canonical = events.map(canonicalJson);
  const sql = deferFlush ? APPEND_DEFERRED : APPEND;
  const rows: Array<{ id: string }> = await manager.query(sql, [
    GENESIS_HASH,
    rowsHashOfCanonical(canonical),
    `[${canonical.join(',')}]`,
  ]);
  return Number(rows[0]!.id);
}

const APPEND = `SELECT mash_audit_append_events($1, $2, $3::jsonb) AS id`;
// synchronous_commit is read when the transaction commits, so where it is set in the statement does not matter.
const APPEND_DEFERRED = `SELECT mash_audit_append_events($1, $2, $3::jsonb) AS id, set_config('synchronous_commit', 'off', true) AS deferred_flush`;

/**
 * The flush barrier (ADR 037): returns once the WAL is flushed past every commit that returned
 * before it was called, including commits made with synchronous_commit off. It is a transaction of
 * its own that writes one WAL record (a transactional logical decoding message: no table, no row,
 * PostgreSQL 9.6 and later, executable by PUBLIC) and commits with the connection's own
 * synchronous_commit (on; with synchronous standbys it waits for them too). WAL is flushed in
 * order, so flushing its commit record flushes every record written before it. Must run outside a
 * transaction. Returns the message's LSN, which the flush has passed.
 */
export async function flushAuditWal(manager: EntityManager): Promise<string> {
  try {
    const rows: Array<{ lsn: string }> = await manager.query(
      `SELECT pg_logical_emit_message(true, 'mash-audit-flush', '')::text AS lsn`,
    );
    return rows[0]!.lsn;
  } catch (e) {
    throw new AuditUnavailableError(e);
  }
}
