import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints of every partnership's audit chain head (issue 26, ADR 016 "Checkpoints"): one
 * row per checkpoint, chained by hash to the one before and signed with the anchor key. Deliberately
 * not walled: it spans partnerships and holds only ids and hashes, no personal data. Append-only for
 * everyone but a superuser with the trigger disabled, which the chain and signatures then reveal.
 */
export class AuditCheckpoint1765100000000 implements MigrationInterface {
  name = 'AuditCheckpoint1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoint (
        sequence bigint PRIMARY KEY CHECK (sequence > 0),
        created_at timestamptz NOT NULL,
        heads jsonb NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL
      )`);
    await q.query(
      `CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint FOR EACH ROW EXECUTE FUNCTION mash_audit_refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER audit_refuse_truncate BEFORE TRUNCATE ON audit_checkpoint FOR EACH STATEMENT EXECUTE FUNCTION mash_audit_refuse_change()`,
    );
    // Default privileges would also grant UPDATE and DELETE: the serving role only reads and appends.
    await q.query(`REVOKE ALL ON audit_checkpoint FROM mash_app`);
    await q.query(`GRANT SELECT, INSERT ON audit_checkpoint TO mash_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_checkpoint`);
  }
}
