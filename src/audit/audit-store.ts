import type { DataSource, EntityManager } from 'typeorm';
import { canonicalJson, GENESIS_HASH, rowsHashOfCanonical, type AuditEvent } from './audit-event';

/**
 * Appends events as one hash-chained batch inside the caller's transaction, their disclosure rows
 * included. Advisory lock 7243001 (taken by mash_audit_append_events) serialises appends across hub
 * processes, so batch ids are gap-free and the chain linear; it is held until commit. Used where the
 * audit commits with a change; reads go through the AuditWriter, which seals and indexes apart.
 */
export async function appendAuditBatch(manager: EntityManager, events: readonly AuditEvent[]): Promise<number> {
  return callAppend(manager, events, null);
}

/** People named by a batch's events, as `mash_audit_seal_events` counts them. */
export function peopleNamed(events: readonly AuditEvent[]): number {
  return events.reduce((n, e) => n + (e.subjects?.length ?? 0), 0);
}

/**
 * Seals events as one hash-chained batch (the durable audit record: every person and field is in
 * the hashed payloads). Its by-person rows are written in the same transaction when the batch names
 * at most `inlineMax` people; otherwise the batch is listed and `indexPendingDisclosures` writes
 * them after the commit (migration 1763902200000, ADR 002).
 */
export async function sealAuditBatch(manager: EntityManager, events: readonly AuditEvent[], inlineMax: number): Promise<number> {
  return callAppend(manager, events, inlineMax);
}

/**
 * Writes the disclosure rows of sealed batches still awaiting them. `wait: true` is for readers of
 * `audit_disclosure`: it also waits for batches another session is indexing, so that afterwards every
 * committed audit has its rows. `wait: false` (the writer) skips those. Returns the batches indexed.
 */
export async function indexPendingDisclosures(db: DataSource | EntityManager, options: { wait: boolean; maxBatches?: number }): Promise<number> {
  const rows: Array<{ n: number }> = await db.query(`SELECT mash_audit_index_disclosures($1, $2) AS n`, [options.wait, options.maxBatches ?? null]);
  return Number(rows[0]?.n ?? 0);
}

export class AuditUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super('audit write failed');
  }
}

/** `inlineMax` null: `mash_audit_append_events` (rows always inside); a number: `mash_audit_seal_events`. */
async function callAppend(manager: EntityManager, events: readonly AuditEvent[], inlineMax: number | null): Promise<number> {
  if (events.length === 0) return 0;
  // Each event is serialised once: its canonical JSON is both what the chain hashes and what is
  // stored. One round trip (lock the chain, read the head, append the batch and its events, the
  // indexed columns derived from the payloads). Atomic on its own; inside a caller's transaction it
  // commits with the change.
  try {
    const canonical = events.map(canonicalJson);
    const params = [GENESIS_HASH, rowsHashOfCanonical(canonical), `[${canonical.join(',')}]`];
    const rows: Array<{ id: string }> =
      inlineMax === null
        ? await manager.query(`SELECT mash_audit_append_events($1, $2, $3::jsonb) AS id`, params)
        : await manager.query(`SELECT mash_audit_seal_events($1, $2, $3::jsonb, $4) AS id`, [...params, inlineMax]);
    return Number(rows[0]!.id);
  } catch (e) {
    // Whatever the cause, the caller must not release data or commit a change without its audit.
    throw new AuditUnavailableError(e);
  }
}
