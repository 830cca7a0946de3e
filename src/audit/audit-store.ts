import type { EntityManager } from 'typeorm';
import { batchHash, GENESIS_HASH, rowsHash, type AuditEvent } from './audit-event';

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
  await manager.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_KEY]);
  const head: Array<{ id: string; hash: string }> = await manager.query(
    'SELECT id, hash FROM audit_batch ORDER BY id DESC LIMIT 1',
  );
  const prevHash = head[0]?.hash ?? GENESIS_HASH;
  const batchId = head.length ? Number(head[0]!.id) + 1 : 1;
  const rows = rowsHash(events);
  await manager.query(
    'INSERT INTO audit_batch (id, sealed_at, event_count, rows_hash, prev_hash, hash) VALUES ($1, now(), $2, $3, $4, $5)',
    [batchId, events.length, rows, prevHash, batchHash(batchId, prevHash, rows)],
  );
  await manager.query(
    `INSERT INTO audit_event (id, occurred_at, batch_id, seq, request_id, actor_sub, actor_agency, purpose,
                              break_glass, operation_name, action, outcome, payload)
     SELECT e.id, e.occurred_at, $1, e.seq, e.request_id, e.actor_sub, e.actor_agency, e.purpose, e.break_glass,
            e.operation_name, e.action, e.outcome, e.payload
       FROM unnest($2::uuid[], $3::timestamptz[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::boolean[], $10::text[], $11::text[], $12::text[], $13::jsonb[])
         AS e(id, occurred_at, seq, request_id, actor_sub, actor_agency, purpose, break_glass, operation_name,
              action, outcome, payload)`,
    [
      batchId,
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
    ],
  );
  const d = events.flatMap((e) => e.subjects.map((s) => ({ e, s })));
  if (d.length) {
    await manager.query(
      `INSERT INTO audit_disclosure (event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome,
                                     record_ids, released, redacted, relationships)
       SELECT x.event_id, x.occurred_at, x.person_id, x.actor_sub, x.actor_agency, x.purpose, x.outcome,
              ARRAY(SELECT jsonb_array_elements_text(x.record_ids))::uuid[],
              ARRAY(SELECT jsonb_array_elements_text(x.released)),
              ARRAY(SELECT jsonb_array_elements_text(x.redacted)),
              ARRAY(SELECT jsonb_array_elements_text(x.relationships))
         FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::jsonb[], $9::jsonb[], $10::jsonb[], $11::jsonb[])
           AS x(event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome, record_ids, released,
                redacted, relationships)`,
      [
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
  }
  return batchId;
}
