import type { EntityManager } from 'typeorm';
import { GENESIS_HASH, rowsHash, type AuditEvent } from './audit-event';

/** Chain appends are serialised across hub processes by advisory lock 7243001 (mash_audit_append). */
/**
 * Appends events as one hash-chained batch inside the caller's transaction. The advisory lock makes
 * batch ids gap-free and the chain linear even with many hub processes; it is held until commit.
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
  const d = events.flatMap((e) => e.subjects.map((s) => ({ e, s })));
  // One round trip (mash_audit_append: lock the chain, read the head, append batch, events and
  // disclosures). Atomic on its own; inside a caller's transaction it commits with the change.
  const rows: Array<{ id: string }> = await manager.query(
    `SELECT mash_audit_append($1, $2, $3::uuid[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[],
                              $9::boolean[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::uuid[],
                              $15::timestamptz[], $16::uuid[], $17::text[], $18::text[], $19::text[], $20::text[],
                              $21::jsonb[], $22::jsonb[], $23::jsonb[], $24::jsonb[]) AS id`,
    [
      GENESIS_HASH,
      rowsHash(events),
      events.map((e) => e.id),
      events.map((e) => e.occurredAt),
      events.map((e) => e.requestId),
      events.map((e) => e.actor.sub),
      events.map((e) => e.actor.agency),
      events.map((e) => e.purpose),
      events.map((e) => e.breakGlass !== null),
      events.map((e) => e.operation.name),
      events.map((e) => e.action),
      events.map((e) => e.outcome),
      events.map((e) => JSON.stringify(e)),
      d.map(({ e }) => e.id),
      d.map(({ e }) => e.occurredAt),
      d.map(({ s }) => s.personId),
      d.map(({ e }) => e.actor.sub),
      d.map(({ e }) => e.actor.agency),
      d.map(({ e }) => e.purpose),
      d.map(({ s }) => s.outcome),
      d.map(({ s }) => JSON.stringify(s.recordIds)),
      d.map(({ s }) => JSON.stringify(s.released)),
      d.map(({ s }) => JSON.stringify(s.redacted)),
      d.map(({ s }) => JSON.stringify(s.relationships)),
    ],
  );
  return Number(rows[0]!.id);
}
