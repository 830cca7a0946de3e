import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partnerships as tenants, walled by row-level security (issue 26, ADR 016).
 *
 * - `partnership`: one row per partnership (id like 'northshire'). The data of an existing
 *   deployment is backfilled into the partnership `default`.
 * - `mash_make_tenant_table(table)`: the one reusable step that walls a table: a
 *   `partnership_id text NOT NULL` column (backfilled, DEFAULT `mash_current_partnership()` so
 *   existing INSERTs keep working and one with no partnership set fails), a foreign key to
 *   `partnership`, every secondary B-tree index rebuilt to lead with `partnership_id` (so unique
 *   keys are unique per partnership and reveal nothing across the wall), and the wall itself
 *   (`mash_wall_table`: RLS enabled and forced, on the table and each of its partitions).
 * - The wall: a RESTRICTIVE policy `partnership_id = (SELECT nullif(current_setting('mash.partnership',
 *   true), ''))` (the sub-select makes it an init plan, read once per statement) and a PERMISSIVE
 *   policy letting every row through that the restrictive one allows. No partnership set: no rows.
 * - The audit: one hash chain per partnership. `audit_batch` is keyed (partnership_id, id) and
 *   `mash_audit_append_events` locks only its partnership's chain head.
 *
 * Tables added by later migrations are walled with one call each:
 * `SELECT mash_make_tenant_table('cp_plan')` (ADR 016, "Walling a new table").
 */
export class PartnershipsAndRls1764100000000 implements MigrationInterface {
  name = 'PartnershipsAndRls1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partnership (
        id text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{1,39}$'),
        display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        out_of_hours_contact text CHECK (length(out_of_hours_contact) <= 500),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO partnership (id, display_name) VALUES ('default', 'Default partnership')`);
    await q.query(`GRANT SELECT ON partnership TO mash_app`);

    // The partnership of the current transaction, for column defaults: fails closed when unset.
    await q.query(`
      CREATE FUNCTION mash_current_partnership() RETURNS text
      LANGUAGE plpgsql STABLE AS $$
      DECLARE p text := nullif(current_setting('mash.partnership', true), '');
      BEGIN
        IF p IS NULL THEN
          RAISE EXCEPTION 'no partnership is set for this transaction (mash.partnership)' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN p;
      END $$`);
    await q.query(`GRANT EXECUTE ON FUNCTION mash_current_partnership() TO mash_app`);

    // The wall on one table and every partition of it (idempotent).
    await q.query(`
      CREATE FUNCTION mash_wall_table(t regclass) RETURNS void
      LANGUAGE plpgsql SET search_path = public AS $$
      DECLARE
        part regclass;
      BEGIN
        FOR part IN SELECT t UNION ALL SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = t LOOP
          EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', part);
          EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', part);
          IF NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = part AND polname = 'partnership_wall') THEN
            EXECUTE format($p$CREATE POLICY partnership_wall ON %s AS RESTRICTIVE FOR ALL TO PUBLIC
                              USING (partnership_id = (SELECT nullif(current_setting('mash.partnership', true), '')))
                              WITH CHECK (partnership_id = (SELECT nullif(current_setting('mash.partnership', true), '')))$p$, part);
          END IF;
          IF NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = part AND polname = 'partnership_rows') THEN
            EXECUTE format('CREATE POLICY partnership_rows ON %s AS PERMISSIVE FOR ALL TO PUBLIC USING (true) WITH CHECK (true)', part);
          END IF;
        END LOOP;
      END $$`);

    // Column, foreign key, indexes leading with the partnership, and the wall (idempotent).
    await q.query(`
      CREATE FUNCTION mash_make_tenant_table(t regclass, backfill text DEFAULT 'default') RETURNS void
      LANGUAGE plpgsql SET search_path = public AS $$
      DECLARE
        ix record;
        def text;
        fk text := (SELECT relname FROM pg_class WHERE oid = t) || '_partnership_fk';
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = t AND attname = 'partnership_id' AND NOT attisdropped) THEN
          -- A constant default fills existing rows without rewriting the table; then the real default.
          EXECUTE format('ALTER TABLE %s ADD COLUMN partnership_id text NOT NULL DEFAULT %L', t, backfill);
          EXECUTE format('ALTER TABLE %s ALTER COLUMN partnership_id SET DEFAULT mash_current_partnership()', t);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = t AND conname = fk) THEN
          EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (partnership_id) REFERENCES partnership (id) ON DELETE RESTRICT', t, fk);
        END IF;
        FOR ix IN
          SELECT i.indexrelid::regclass AS name, pg_get_indexdef(i.indexrelid) AS def
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
           WHERE i.indrelid = t AND NOT i.indisprimary AND a.amname = 'btree'
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
             AND pg_get_indexdef(i.indexrelid) !~ 'USING btree \\(partnership_id[,)]'
        LOOP
          def := replace(regexp_replace(ix.def, 'USING btree \\(', 'USING btree (partnership_id, '), ' ON ONLY ', ' ON ');
          EXECUTE format('DROP INDEX %s', ix.name);
          EXECUTE def;
        END LOOP;
        PERFORM mash_wall_table(t);
      END $$`);

    // audit_batch: one chain per partnership, so its key is the partnership's batch number.
    await q.query(`SELECT mash_make_tenant_table('audit_batch')`);
    await q.query(`ALTER TABLE audit_batch DROP CONSTRAINT audit_batch_pkey`);
    await q.query(`ALTER TABLE audit_batch ADD PRIMARY KEY (partnership_id, id)`);
    for (const table of TENANT_TABLES) await q.query(`SELECT mash_make_tenant_table($1)`, [table]);

    // As migration 1764000400000 defined it, plus the wall on each new partition.
    await q.query(`
      CREATE OR REPLACE FUNCTION mash_audit_ensure_partitions(from_month date, months integer) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        m date := date_trunc('month', from_month)::date;
        i integer;
        t text;
        parent text;
      BEGIN
        FOR i IN 0..months - 1 LOOP
          FOREACH parent IN ARRAY ARRAY['audit_event', 'audit_disclosure'] LOOP
            t := parent || '_' || to_char(m, 'YYYY_MM');
            IF to_regclass(t) IS NULL THEN
              EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                             t, parent, m, (m + interval '1 month')::date);
              EXECUTE format('REVOKE ALL ON %I FROM mash_app', t);
              EXECUTE format('CREATE TRIGGER audit_refuse_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION mash_audit_refuse_change()', t);
              PERFORM mash_wall_table(t::regclass);
            END IF;
          END LOOP;
          m := (m + interval '1 month')::date;
        END LOOP;
      END $$`);

    // One chain per partnership: the lock and the head are the partnership's own, so appends of
    // different partnerships never wait for each other. The partnership is the transaction's
    // (mash.partnership); every row gets it by default, and every event must name it.
    await q.query(`
      CREATE OR REPLACE FUNCTION mash_audit_append_events(genesis text, rows_hash text, events jsonb) RETURNS bigint
      LANGUAGE plpgsql SET search_path = public AS $$
      DECLARE
        chain text := mash_current_partnership();
        head_id bigint;
        prev text;
        new_id bigint;
      BEGIN
        IF jsonb_typeof(events) IS DISTINCT FROM 'array' OR jsonb_array_length(events) = 0 THEN
          RAISE EXCEPTION 'mash_audit_append_events: events must be a non-empty JSON array';
        END IF;
        IF EXISTS (SELECT 1 FROM jsonb_array_elements(events) AS e(p) WHERE p ->> 'partnership' IS DISTINCT FROM chain) THEN
          RAISE EXCEPTION 'mash_audit_append_events: every event must name the partnership of the transaction';
        END IF;
        PERFORM pg_advisory_xact_lock(7243001, hashtext(chain));
        SELECT id, hash INTO head_id, prev FROM audit_batch WHERE partnership_id = chain ORDER BY id DESC LIMIT 1;
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
  }

  async down(): Promise<void> {
    throw new Error('PartnershipsAndRls1764100000000 cannot be reverted: restore a backup taken before it');
  }
}

/**
 * Every table holding personal data or audit (audit_batch is made a tenant table above, before its
 * key changes). Not walled, on purpose (tests/partnership-wall.test.ts holds the same list):
 * schema_migrations (bookkeeping), partnership (the tenants themselves), database_environment (the
 * production mark), periodic_job (job leases: names and times), rate_limit (request counters per
 * user, which span partnerships like the user does).
 */
const TENANT_TABLES = [
  'person',
  'person_source',
  'person_relationship',
  'identity_assertion',
  'data_quality_issue',
  'agency_record',
  'referral',
  'referral_subject',
  'referral_rating',
  'referral_transition',
  'referral_idempotency',
  'agency_check',
  'meeting',
  'meeting_subject',
  'meeting_invitee',
  'meeting_decision',
  'meeting_action',
  'break_glass',
  'alert',
  'audit_event',
  'audit_disclosure',
  'audit_archive',
];
