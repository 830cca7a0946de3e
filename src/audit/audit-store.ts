import type { EntityManager } from 'typeorm';
import { GENESIS_HASH, rowsHash, type AuditEvent } from './audit-event';

/** Serialises chain appends across every hub process sharing the database. */
const CHAIN_LOCK_KEY = 7243001;

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
  // The lock is its own statement: in READ COMMITTED each statement takes a fresh snapshot, so the
  // head read below sees every batch committed before we obtained the lock.
  await manager.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_KEY]);
  const d = events.flatMap((e) => e.subjects.map((s) => ({ e, s })));
  // One round trip: read the head, append the batch (hash computed in SQL exactly as batchHash()
  // does), its events and their disclosures.
  const rows: Array<{ id: string }> = await manager.query(
    `WITH head AS (
       SELECT coalesce((SELECT id FROM audit_batch ORDER BY id DESC LIMIT 1), 0) + 1 AS id,
              coalesce((SELECT hash FROM audit_batch ORDER BY id DESC LIMIT 1), $1) AS prev_hash),
     batch AS (
       INSERT INTO audit_batch (id, sealed_at, event_count, rows_hash, prev_hash, hash)
       SELECT id, now(), $2, $3, prev_hash,
              encode(sha256(convert_to(id::text || E'\n' || prev_hash || E'\n' || $3, 'UTF8')), 'hex')
         FROM head RETURNING id),
     ev AS (
       INSERT INTO audit_event (id, occurred_at, batch_id, seq, request_id, actor_sub, actor_agency, purpose,
                                break_glass, operation_name, action, outcome, payload)
       SELECT e.id, e.occurred_at, (SELECT id FROM batch), e.seq, e.request_id, e.actor_sub, e.actor_agency, e.purpose,
              e.break_glass, e.operation_name, e.action, e.outcome, e.payload
         FROM unnest($4::uuid[], $5::timestamptz[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[],
                     $11::boolean[], $12::text[], $13::text[], $14::text[], $15::jsonb[])
           AS e(id, occurred_at, seq, request_id, actor_sub, actor_agency, purpose, break_glass, operation_name,
                action, outcome, payload)),
     dis AS (
       INSERT INTO audit_disclosure (event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome,
                                     record_ids, released, redacted, relationships)
       SELECT x.event_id, x.occurred_at, x.person_id, x.actor_sub, x.actor_agency, x.purpose, x.outcome,
              ARRAY(SELECT jsonb_array_elements_text(x.record_ids))::uuid[],
              ARRAY(SELECT jsonb_array_elements_text(x.released)),
              ARRAY(SELECT jsonb_array_elements_text(x.redacted)),
              ARRAY(SELECT jsonb_array_elements_text(x.relationships))
         FROM unnest($16::uuid[], $17::timestamptz[], $18::uuid[], $19::text[], $20::text[], $21::text[], $22::text[],
                     $23::jsonb[], $24::jsonb[], $25::jsonb[], $26::jsonb[])
           AS x(event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome, record_ids, released,
                redacted, relationships))
     SELECT id FROM batch`,
    [
      GENESIS_HASH,
      events.length,
      rowsHash(events),
      events.map((e) => e.id),
      events.map((e) => e.occurredAt),
      events.map((_, i) => i),
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
