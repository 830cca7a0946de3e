import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 "History import" (ADR 025): s47 enquiries loaded from a partnership's earlier system carry
 * their provenance (`MIGRATED:<system>:<source reference>`), so a file can be loaded again without
 * doubling them. Live enquiries have none. Unique within a partnership (the wall's column first).
 */
export class S47HistoryProvenance1765220100000 implements MigrationInterface {
  name = 'S47HistoryProvenance1765220100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "s47_enquiry" ADD "source_reference" text`);
    await q.query(
      `CREATE UNIQUE INDEX "s47_enquiry_source_reference_key" ON "s47_enquiry" ("partnership_id", "source_reference") WHERE source_reference IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "s47_enquiry_source_reference_key"`);
    await q.query(`ALTER TABLE "s47_enquiry" DROP COLUMN "source_reference"`);
  }
}
