import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ADR 021: a re-rating moves a referral in the triage queue (RAG and decision due time are the
 * sort keys). So that a client paging through the queue never sees a referral twice, later pages are
 * ordered as the queue stood when the first page was read: each rating records the key it replaced
 * (`previous_rag`, `previous_decision_due_at`) and the transaction that wrote it (`xact_id`, a
 * full 64-bit transaction id), and a cursor carries the first page's snapshot. Ratings written before
 * this migration have no `xact_id` and are never "after" a snapshot.
 */
export class QueueCursorSnapshot1764600000000 implements MigrationInterface {
  name = 'QueueCursorSnapshot1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "referral_rating" ADD "previous_rag" text`);
    await q.query(`ALTER TABLE "referral_rating" ADD "previous_decision_due_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "referral_rating" ADD "xact_id" bigint`);
    await q.query(`CREATE INDEX "referral_rating_xact_idx" ON "referral_rating" ("xact_id") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "referral_rating_xact_idx"`);
    await q.query(`ALTER TABLE "referral_rating" DROP COLUMN "xact_id"`);
    await q.query(`ALTER TABLE "referral_rating" DROP COLUMN "previous_decision_due_at"`);
    await q.query(`ALTER TABLE "referral_rating" DROP COLUMN "previous_rag"`);
  }
}
