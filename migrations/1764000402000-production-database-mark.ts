import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: the demo seed ran against a production database. A database a production hub has
 * served from is marked so, in the database itself, so that whatever NODE_ENV a later command runs
 * with (an operator's shell, a copied .env), the demo loader can tell and refuses
 * (src/db/production-mark.ts). The serving role may mark it (INSERT) and read the mark but not
 * remove it; the owner can, by hand, for a database deliberately reused (docs/operations.md).
 * Holds no personal data.
 */
export class ProductionDatabaseMark1764000402000 implements MigrationInterface {
  name = 'ProductionDatabaseMark1764000402000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE database_environment (
        environment text PRIMARY KEY CHECK (environment = 'production'),
        marked_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`REVOKE ALL ON database_environment FROM mash_app`);
    await q.query(`GRANT SELECT, INSERT ON database_environment TO mash_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE database_environment`);
  }
}
