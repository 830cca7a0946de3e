import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TRUNCATE is refused on the audit by trigger too (issue 17: the serving role's privileges can be
 * widened by a grant while the hub runs; a trigger still stands in the way, like the row triggers
 * of migration 1763900001000 do for UPDATE and DELETE). TRUNCATE fires no row trigger, so each
 * audit table gets a statement-level BEFORE TRUNCATE trigger. PostgreSQL does not clone statement
 * triggers to partitions and a partition can be truncated by its own name, so every existing
 * partition gets one and `mash_audit_ensure_partitions` adds it to each partition it creates.
 * The owner can still DETACH a partition (audit:archive) and, as a superuser, disable the trigger
 * (which the chain verification detects when rows go missing).
 */
export class AuditRefuseTruncate1764000400000 implements MigrationInterface {
  name = 'AuditRefuseTruncate1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ DECLARE t regclass; BEGIN
        FOR t IN SELECT c.oid::regclass FROM pg_class c
                  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                    AND (c.relname IN ('audit_batch', 'audit_event', 'audit_disclosure', 'audit_archive')
                         OR c.oid IN (SELECT inhrelid FROM pg_inherits
                                       WHERE inhparent IN ('audit_event'::regclass, 'audit_disclosure'::regclass))) LOOP
          EXECUTE format('CREATE TRIGGER audit_refuse_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION mash_audit_refuse_change()', t);
        END LOOP;
      END $$`);
    // As migration 1763900200000 defined it, plus the trigger on each new partition.
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
            END IF;
          END LOOP;
          m := (m + interval '1 month')::date;
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ DECLARE r record; BEGIN
        FOR r IN SELECT tgrelid::regclass AS t FROM pg_trigger WHERE tgname = 'audit_refuse_truncate' LOOP
          EXECUTE format('DROP TRIGGER audit_refuse_truncate ON %s', r.t);
        END LOOP;
      END $$`);
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
  }
}
