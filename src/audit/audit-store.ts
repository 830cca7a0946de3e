import type { EntityManager } from 'typeorm';
import { canonicalJson, GENESIS_HASH, rowsHashOfCanonical, type AuditEvent } from './audit-event';

/**
 * Appends events as one hash-chained batch inside the caller's transaction. Advisory lock 7243001
 * (taken by mash_audit_append_events) serialises appends across hub processes, so batch ids are
 * gap-free and the chain linear; it is held until commit.
 */
export async function appendAuditBatch(manager: EntityManager, events: readonly AuditEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  try {
    return await insertBatch(manager, events);
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

async function insertBatch(manager: EntityManager, events: readonly AuditEvent[]): Promise<number> {
  // Each event is serialised once: its canonical JSON is both what the chain hashes and what is
  // stored. One round trip (mash_audit_append_events, migration 1763902000000: lock the chain, read
  // the head, append the batch, its events and their disclosure rows, all derived from the
  // payloads). Atomic on its own; inside a caller's transaction it commits with the change.
  const canonical = events.map(canonicalJson);
  const rows: Array<{ id: string }> = await manager.query(`SELECT mash_audit_append_events($1, $2, $3::jsonb) AS id`, [
    GENESIS_HASH,
    rowsHashOfCanonical(canonical),
    `[${canonical.join(',')}]`,
  ]);
  return Number(rows[0]!.id);
}
