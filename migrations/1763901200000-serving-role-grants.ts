import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hub now SERVES as `mash_app` (issue 4 item 1). Migration 1763900200000 granted it the case
 * tables and, by default privileges, the tables of later migrations (break-glass, alerts, meetings:
 * verified by tests/audit-serving-role.test.ts). What remains, re-stated idempotently here so an
 * external database set up by hand ends in the same state:
 * - the migration bookkeeping is the owner's: mash_app may read it (the hub checks for pending
 *   migrations) but not write it;
 * - nobody but the owner creates objects in the schema (PostgreSQL 14 still lets PUBLIC do so), so
 *   the serving role can never come to own a table;
 * - the functions the hub calls are executable by mash_app.
 */
export class ServingRoleGrants1763901200000 implements MigrationInterface {
  name = 'ServingRoleGrants1763901200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM mash_app`);
    await q.query(`GRANT SELECT ON schema_migrations TO mash_app`);
    await q.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await q.query(`REVOKE CREATE ON SCHEMA public FROM mash_app`);
    // Whatever their current signatures (the append function may be redefined by later work).
    await q.query(`
      DO $$ DECLARE f regprocedure; BEGIN
        FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
                  WHERE p.pronamespace = 'public'::regnamespace
                    AND p.proname IN ('mash_audit_append', 'mash_audit_ensure_partitions') LOOP
          EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO mash_app', f);
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`GRANT INSERT, UPDATE, DELETE ON schema_migrations TO mash_app`);
  }
}
