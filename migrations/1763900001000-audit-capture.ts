import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit capture (C5): events grouped into hash-chained batches. Not TypeORM entities: only
 * src/audit writes these tables. Events and disclosures are partitioned by month so old audit can be
 * archived by partition, never by deleting rows. A trigger refuses UPDATE and DELETE.
 */
export class AuditCapture1763900001000 implements MigrationInterface {
  name = 'AuditCapture1763900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_batch (
        id          bigint PRIMARY KEY,
        sealed_at   timestamptz NOT NULL,
        event_count integer NOT NULL,
        rows_hash   text NOT NULL,
        prev_hash   text NOT NULL,
        hash        text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE audit_event (
        id             uuid NOT NULL,
        occurred_at    timestamptz NOT NULL,
        batch_id       bigint NOT NULL,
        seq            integer NOT NULL,
        request_id     text NOT NULL,
        actor_sub      text NOT NULL,
        actor_agency   text,
        purpose        text,
        break_glass    boolean NOT NULL DEFAULT false,
        operation_name text,
        action         text NOT NULL,
        outcome        text NOT NULL,
        payload        jsonb NOT NULL,
        PRIMARY KEY (id, occurred_at)
      ) PARTITION BY RANGE (occurred_at)`);
    await q.query(`CREATE INDEX audit_event_batch_idx ON audit_event (batch_id, seq)`);
    await q.query(`CREATE INDEX audit_event_actor_idx ON audit_event (actor_sub, occurred_at)`);
    await q.query(`CREATE INDEX audit_event_time_brin ON audit_event USING brin (occurred_at)`);
    await q.query(`CREATE INDEX audit_event_break_glass_idx ON audit_event (occurred_at) WHERE break_glass`);
    await q.query(`
      CREATE TABLE audit_disclosure (
        event_id       uuid NOT NULL,
        occurred_at    timestamptz NOT NULL,
        person_id      uuid NOT NULL,
        actor_sub      text NOT NULL,
        actor_agency   text,
        purpose        text,
        outcome        text NOT NULL,
        record_ids     uuid[] NOT NULL DEFAULT '{}',
        released       text[] NOT NULL DEFAULT '{}',
        redacted       text[] NOT NULL DEFAULT '{}',
        relationships  text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (event_id, person_id, occurred_at)
      ) PARTITION BY RANGE (occurred_at)`);
    await q.query(`CREATE INDEX audit_disclosure_person_idx ON audit_disclosure (person_id, occurred_at)`);
    await q.query(`CREATE INDEX audit_disclosure_actor_idx ON audit_disclosure (actor_sub, occurred_at)`);

    // Monthly partitions, created ahead of time by this SECURITY DEFINER function (the application
    // role may call it but owns nothing).
    await q.query(`
      CREATE FUNCTION mash_audit_ensure_partitions(from_month date, months integer) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        m date := date_trunc('month', from_month)::date;
        i integer;
        suffix text;
      BEGIN
        FOR i IN 0..months - 1 LOOP
          suffix := to_char(m, 'YYYY_MM');
          IF to_regclass('audit_event_' || suffix) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
                           'audit_event_' || suffix, m, (m + interval '1 month')::date);
          END IF;
          IF to_regclass('audit_disclosure_' || suffix) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_disclosure FOR VALUES FROM (%L) TO (%L)',
                           'audit_disclosure_' || suffix, m, (m + interval '1 month')::date);
          END IF;
          m := (m + interval '1 month')::date;
        END LOOP;
      END $$`);
    await q.query(`SELECT mash_audit_ensure_partitions(date '2021-01-01', 84)`);

    await q.query(`
      CREATE FUNCTION mash_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit tables are append-only (% on %)', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_batch', 'audit_event', 'audit_disclosure']) {
      await q.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION mash_audit_refuse_change()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_disclosure`);
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP TABLE audit_batch`);
    await q.query(`DROP FUNCTION mash_audit_refuse_change()`);
    await q.query(`DROP FUNCTION mash_audit_ensure_partitions(date, integer)`);
  }
}
