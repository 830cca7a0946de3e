import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The by-person rows of a large audit batch are written just after the batch commits, not inside it
 * (ADR 002, "The by-person rows after the commit").
 *
 * What a response waits for is the durable, hash-chained audit record: the batch and its events,
 * whose payloads name every person disclosed and every field released or redacted. The
 * `audit_disclosure` rows are derived from those payloads (since migration 1763902000000, by
 * construction); they are the index that answers "who saw this person". For a read naming 85 people
 * writing them was most of the audit's cost (2.6 ms of 17 at p50, 5 ms at p95), and under load the
 * chain lock was held while they were written.
 *
 * - `mash_audit_seal_events(…, inline_max)` appends the batch and its events like
 *   `mash_audit_append_events`. If they name at most `inline_max` people in all, it writes their
 *   rows at once, from the payloads in hand, as that function does (a few rows cost less than
 *   deferring them); otherwise it lists the batch in `audit_index_pending` (with its time bounds,
 *   so the events are found in their partitions).
 * - `mash_audit_index_batch` writes one listed batch's disclosure rows from its stored events (rows
 *   already present are kept: ON CONFLICT DO NOTHING).
 * - `mash_audit_index_disclosures(wait, max_batches)` writes the rows of listed batches and removes
 *   them from the list in the same transaction: a batch is either listed with no rows, or indexed
 *   with all of them. `wait => false` (the writer, after a commit that listed a batch) skips batches
 *   another session is indexing; `wait => true` (every reader of `audit_disclosure`, before it
 *   reads: the access log by person, its exports, the read-volume check, verification, archiving)
 *   waits for them, so no reader ever sees an audited read without its rows.
 * - A crash between the commit and the index leaves the batch listed; the next index call, from
 *   any hub process, writes it. `audit:verify` accepts a listed batch without rows (one sealed after
 *   its own catch-up) and checks any rows it has.
 *
 * The serving role may add to the list (by sealing) and read it, but not change or empty it: the
 * index function is SECURITY DEFINER (fixed search path, no caller text in its SQL) and the only way
 * an entry leaves the list, together with its batch's rows. Change events written inside a change's
 * own transaction keep `mash_audit_append_events`.
 */
export class AuditDisclosureIndexAfterCommit1763902200000 implements MigrationInterface {
  name = 'AuditDisclosureIndexAfterCommit1763902200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_index_pending (
        batch_id bigint PRIMARY KEY,
        first_at timestamptz NOT NULL,
        last_at  timestamptz NOT NULL
      )`);
    await q.query(`REVOKE ALL ON audit_index_pending FROM mash_app`);
    await q.query(`GRANT SELECT, INSERT ON audit_index_pending TO mash_app`);

    // One listed batch's disclosure rows, from its stored events. Planned for each call: a cached
    // generic plan over the partitioned events cannot prune at plan time, and locks and initialises
    // every monthly partition on each execution (1–20 ms instead of 0.3 measured under load).
    await q.query(`
      CREATE FUNCTION mash_audit_index_batch(batch bigint, first_at timestamptz, last_at timestamptz) RETURNS void
      LANGUAGE plpgsql SET search_path = public SET plan_cache_mode = force_custom_plan AS $$
      BEGIN
        INSERT INTO audit_disclosure (event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome,
                                      record_ids, released, redacted, relationships)
        -- The event's own columns (derived from the same payload when it was sealed, and checked
        -- against it by audit:verify): each reference to the stored payload decompresses it again
        -- (85 people: 7 ms instead of 2.7).
        SELECT ev.id, ev.occurred_at, (s ->> 'personId')::uuid, ev.actor_sub, ev.actor_agency, ev.purpose, s ->> 'outcome',
               ARRAY(SELECT jsonb_array_elements_text(s -> 'recordIds'))::uuid[],
               ARRAY(SELECT jsonb_array_elements_text(s -> 'released')),
               ARRAY(SELECT jsonb_array_elements_text(s -> 'redacted')),
               ARRAY(SELECT jsonb_array_elements_text(s -> 'relationships'))
          FROM audit_event ev
         CROSS JOIN LATERAL jsonb_array_elements(ev.payload -> 'subjects') AS d(s)
         WHERE ev.batch_id = batch AND ev.occurred_at BETWEEN first_at AND last_at
        ON CONFLICT DO NOTHING;
      END $$`);

    await q.query(`
      CREATE FUNCTION mash_audit_seal_events(genesis text, rows_hash text, events jsonb, inline_max integer) RETURNS bigint
      LANGUAGE plpgsql SET search_path = public AS $$
      DECLARE
        head_id bigint;
        prev text;
        new_id bigint;
        people integer;
        first_at timestamptz;
        last_at timestamptz;
      BEGIN
        IF jsonb_typeof(events) IS DISTINCT FROM 'array' OR jsonb_array_length(events) = 0 THEN
          RAISE EXCEPTION 'mash_audit_seal_events: events must be a non-empty JSON array';
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
        SELECT sum(jsonb_array_length(p -> 'subjects')), min((p ->> 'occurredAt')::timestamptz), max((p ->> 'occurredAt')::timestamptz)
          INTO people, first_at, last_at
          FROM jsonb_array_elements(events) AS e(p)
         WHERE jsonb_typeof(p -> 'subjects') = 'array' AND jsonb_array_length(p -> 'subjects') > 0;
        IF people IS NULL THEN
          RETURN new_id;
        ELSIF people <= inline_max THEN
          -- As mash_audit_append_events does: from the payloads in hand (no read of the partitions).
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
        ELSE
          INSERT INTO audit_index_pending (batch_id, first_at, last_at) VALUES (new_id, first_at, last_at);
        END IF;
        RETURN new_id;
      END $$`);

    await q.query(`
      CREATE FUNCTION mash_audit_index_disclosures(wait boolean, max_batches integer DEFAULT NULL) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        r record;
        done integer := 0;
      BEGIN
        FOR r IN EXECUTE 'SELECT batch_id, first_at, last_at FROM audit_index_pending ORDER BY batch_id LIMIT $1 FOR UPDATE'
                         || CASE WHEN wait THEN '' ELSE ' SKIP LOCKED' END USING max_batches LOOP
          PERFORM mash_audit_index_batch(r.batch_id, r.first_at, r.last_at);
          DELETE FROM audit_index_pending WHERE batch_id = r.batch_id;
          done := done + 1;
        END LOOP;
        RETURN done;
      END $$`);
    // Called only by the index function (as the owner).
    await q.query(`REVOKE ALL ON FUNCTION mash_audit_index_batch(bigint, timestamptz, timestamptz) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION mash_audit_seal_events(text, text, jsonb, integer) TO mash_app`);
    await q.query(`REVOKE ALL ON FUNCTION mash_audit_index_disclosures(boolean, integer) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION mash_audit_index_disclosures(boolean, integer) TO mash_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Pending batches are indexed first, so the older path finds every row it expects.
    await q.query(`SELECT mash_audit_index_disclosures(true)`);
    await q.query(`DROP FUNCTION mash_audit_index_disclosures(boolean, integer)`);
    await q.query(`DROP FUNCTION mash_audit_seal_events(text, text, jsonb, integer)`);
    await q.query(`DROP FUNCTION mash_audit_index_batch(bigint, timestamptz, timestamptz)`);
    await q.query(`DROP TABLE audit_index_pending`);
  }
}
