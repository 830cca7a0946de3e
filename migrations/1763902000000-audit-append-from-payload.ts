import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appending an audit batch from the hashed payloads alone. `mash_audit_append` (migration
 * 1763900900000) took every indexed column of `audit_event` and `audit_disclosure` as its own array
 * beside the payloads: the same facts sent twice, the disclosure arrays as text array literals that
 * the client escapes and the server parses element by element. For a read naming a hundred people
 * (an IG auditor's page of the access log) that was most of the audit's cost.
 *
 * `mash_audit_append_events` takes the batch's events as one JSON array (the canonical JSON whose
 * hash is `rows_hash`) and derives the indexed columns and the disclosure rows from each payload, so
 * they say what the hashed payload says by construction (`audit:verify` still checks it).
 *
 * The old function stays for processes of the previous release during a rolling deploy; a later
 * migration drops it once no release calls it.
 */
export class AuditAppendFromPayload1763902000000 implements MigrationInterface {
  name = 'AuditAppendFromPayload1763902000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION mash_audit_append_events(genesis text, rows_hash text, events jsonb) RETURNS bigint
      LANGUAGE plpgsql SET search_path = public AS $$
      DECLARE
        head_id bigint;
        prev text;
        new_id bigint;
      BEGIN
        IF jsonb_typeof(events) IS DISTINCT FROM 'array' OR jsonb_array_length(events) = 0 THEN
          RAISE EXCEPTION 'mash_audit_append_events: events must be a non-empty JSON array';
        END IF;
        PERFORM pg_advisory_xact_lock(7243001);
        SELECT id, hash INTO head_id, prev FROM audit_batch ORDER BY id DESC LIMIT 1;
        new_id := coalesce(head_id, 0) + 1;
        prev := coalesce(prev, genesis);
        INSERT INTO audit_batch (id, sealed_at, event_count, rows_hash, prev_hash, hash)
        VALUES (new_id, now(), jsonb_array_length(events), rows_hash, prev,
                encode(sha256(convert_to(new_id::text || E'\\n' || prev || E'\\n' || rows_hash, 'UTF8')), 'hex'));
        INSERT INTO audit_event (id, occurred_at, batch_id, seq, request_id, actor_sub, actor_agency, purpose, break_glass,
                                 operation_name, action, outcome, payload)
        SELECT (p ->> 'id')::uuid, (p ->> 'occurredAt')::timestamptz, new_id, (n - 1)::int, p ->> 'requestId',
               p #>> '{actor,sub}', p #>> '{actor,agency}', p ->> 'purpose',
               coalesce(jsonb_typeof(p -> 'breakGlass'), 'null') <> 'null',
               p #>> '{operation,name}', p ->> 'action', p ->> 'outcome', p
          FROM jsonb_array_elements(events) WITH ORDINALITY AS e(p, n);
        INSERT INTO audit_disclosure (event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome,
                                      record_ids, released, redacted, relationships)
        SELECT (p ->> 'id')::uuid, (p ->> 'occurredAt')::timestamptz, (s ->> 'personId')::uuid,
               p #>> '{actor,sub}', p #>> '{actor,agency}', p ->> 'purpose', s ->> 'outcome',
               ARRAY(SELECT jsonb_array_elements_text(s -> 'recordIds'))::uuid[],
               ARRAY(SELECT jsonb_array_elements_text(s -> 'released')),
               ARRAY(SELECT jsonb_array_elements_text(s -> 'redacted')),
               ARRAY(SELECT jsonb_array_elements_text(s -> 'relationships'))
          FROM jsonb_array_elements(events) AS e(p)
         CROSS JOIN LATERAL jsonb_array_elements(p -> 'subjects') AS d(s);
        RETURN new_id;
      END $$`);
    await q.query(`GRANT EXECUTE ON FUNCTION mash_audit_append_events(text, text, jsonb) TO mash_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION mash_audit_append_events(text, text, jsonb)`);
  }
}
