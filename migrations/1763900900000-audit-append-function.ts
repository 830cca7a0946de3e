import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appending an audit batch in one round trip. Inside a PL/pgSQL function each statement takes a
 * fresh snapshot (READ COMMITTED), so the head is read after the chain lock is held — the property
 * the two-statement version got from separate statements. The batch hash is computed exactly as
 * `batchHash()` in src/audit/audit-event.ts.
 */
export class AuditAppendFunction1763900900000 implements MigrationInterface {
  name = 'AuditAppendFunction1763900900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION mash_audit_append(
        genesis text, rows_hash text,
        e_id uuid[], e_occurred_at timestamptz[], e_request_id text[], e_actor_sub text[], e_actor_agency text[],
        e_purpose text[], e_break_glass boolean[], e_operation_name text[], e_action text[], e_outcome text[], e_payload jsonb[],
        d_event_id uuid[], d_occurred_at timestamptz[], d_person_id uuid[], d_actor_sub text[], d_actor_agency text[],
        d_purpose text[], d_outcome text[], d_record_ids jsonb[], d_released jsonb[], d_redacted jsonb[], d_relationships jsonb[]
      ) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        head_id bigint;
        prev text;
        new_id bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(7243001);
        SELECT id, hash INTO head_id, prev FROM audit_batch ORDER BY id DESC LIMIT 1;
        new_id := coalesce(head_id, 0) + 1;
        prev := coalesce(prev, genesis);
        INSERT INTO audit_batch (id, sealed_at, event_count, rows_hash, prev_hash, hash)
        VALUES (new_id, now(), cardinality(e_id), rows_hash, prev,
                encode(sha256(convert_to(new_id::text || E'\\n' || prev || E'\\n' || rows_hash, 'UTF8')), 'hex'));
        INSERT INTO audit_event (id, occurred_at, batch_id, seq, request_id, actor_sub, actor_agency, purpose, break_glass,
                                 operation_name, action, outcome, payload)
        SELECT e.id, e.occurred_at, new_id, (e.n - 1)::int, e.request_id, e.actor_sub, e.actor_agency, e.purpose, e.break_glass,
               e.operation_name, e.action, e.outcome, e.payload
          FROM unnest(e_id, e_occurred_at, e_request_id, e_actor_sub, e_actor_agency, e_purpose, e_break_glass,
                      e_operation_name, e_action, e_outcome, e_payload) WITH ORDINALITY
            AS e(id, occurred_at, request_id, actor_sub, actor_agency, purpose, break_glass, operation_name, action, outcome, payload, n);
        INSERT INTO audit_disclosure (event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome,
                                      record_ids, released, redacted, relationships)
        SELECT x.event_id, x.occurred_at, x.person_id, x.actor_sub, x.actor_agency, x.purpose, x.outcome,
               ARRAY(SELECT jsonb_array_elements_text(x.record_ids))::uuid[],
               ARRAY(SELECT jsonb_array_elements_text(x.released)),
               ARRAY(SELECT jsonb_array_elements_text(x.redacted)),
               ARRAY(SELECT jsonb_array_elements_text(x.relationships))
          FROM unnest(d_event_id, d_occurred_at, d_person_id, d_actor_sub, d_actor_agency, d_purpose, d_outcome,
                      d_record_ids, d_released, d_redacted, d_relationships)
            AS x(event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome, record_ids, released,
                 redacted, relationships);
        RETURN new_id;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION mash_audit_append`);
  }
}
