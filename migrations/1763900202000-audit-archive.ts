import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (C5): one row per archive run of `npm run audit:archive`. The event and disclosure
 * partitions older than the cutoff are exported with their chain segment and DETACHed; the
 * `audit_batch` rows stay (one small row per batch), so the chain's links remain checkable and
 * verification of the rows restarts after `last_batch_id` from `last_hash`. Append-only like the
 * other audit tables.
 */
export class AuditArchive1763900202000 implements MigrationInterface {
  name = 'AuditArchive1763900202000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_archive (
        id             uuid PRIMARY KEY,
        archived_at    timestamptz NOT NULL,
        cutoff         timestamptz NOT NULL,
        first_batch_id bigint NOT NULL,
        last_batch_id  bigint NOT NULL,
        last_hash      text NOT NULL,
        events         integer NOT NULL,
        disclosures    integer NOT NULL,
        partitions     text[] NOT NULL,
        file           text NOT NULL,
        file_sha256    text NOT NULL
      )`);
    await q.query(
      `CREATE TRIGGER audit_archive_append_only BEFORE UPDATE OR DELETE ON audit_archive FOR EACH ROW EXECUTE FUNCTION mash_audit_refuse_change()`,
    );
    await q.query(`REVOKE ALL ON audit_archive FROM mash_app`);
    await q.query(`GRANT SELECT ON audit_archive TO mash_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_archive`);
  }
}
