import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Append-only by privilege (C5): the `mash_app` role the hub is meant to connect as may SELECT and
 * INSERT audit rows but not UPDATE, DELETE or TRUNCATE them, and owns nothing; the trigger of the
 * audit-capture migration stays as the second line. The migration-running role remains the owner.
 * Roles are cluster-wide, so creating it tolerates it already existing (other databases, races).
 * NOLOGIN: on the embedded server the hub still connects as the owner (see docs/operations.md for
 * giving it a password and connecting as it on an external PostgreSQL).
 */
export class AuditAppRole1763900200000 implements MigrationInterface {
  name = 'AuditAppRole1763900200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mash_app') THEN
          CREATE ROLE mash_app NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO mash_app`);
    // Case tables: ordinary read/write. Audit tables: read and append only.
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO mash_app`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO mash_app`);
    await q.query(`REVOKE ALL ON audit_batch, audit_event, audit_disclosure FROM mash_app`);
    await q.query(`GRANT SELECT, INSERT ON audit_batch, audit_event, audit_disclosure TO mash_app`);
    // "ALL TABLES" included the existing monthly partitions: no direct privileges on them at all.
    await q.query(`
      DO $$ DECLARE r record; BEGIN
        FOR r IN SELECT inhrelid::regclass AS t FROM pg_inherits
                  WHERE inhparent IN ('audit_event'::regclass, 'audit_disclosure'::regclass) LOOP
          EXECUTE format('REVOKE ALL ON %s FROM mash_app', r.t);
        END LOOP;
      END $$`);
    // Tables of later migrations get the same ordinary grants (audit tables revoke theirs explicitly).
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO mash_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO mash_app`);
    // Monthly partitions are created later by this SECURITY DEFINER function as the owner; the default
    // privileges above would give mash_app direct UPDATE/DELETE on them, so every partition it creates
    // is stripped of mash_app's privileges (inserts and reads go through the parent tables).
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
            END IF;
          END LOOP;
          m := (m + interval '1 month')::date;
        END LOOP;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION mash_audit_ensure_partitions(date, integer) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION mash_audit_ensure_partitions(date, integer) TO mash_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM mash_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM mash_app`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM mash_app`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM mash_app`);
    await q.query(`REVOKE ALL ON SCHEMA public FROM mash_app`);
    await q.query(`REVOKE ALL ON FUNCTION mash_audit_ensure_partitions(date, integer) FROM mash_app`);
    // The role itself is cluster-wide and may serve other databases: it is left in place.
  }
}
