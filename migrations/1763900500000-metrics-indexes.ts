import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Governance metrics (C6) select by the time of each event: received, decision authorised, feedback
 * sent, check answered, and outstanding checks by due time. Without these the monthly metrics scan
 * every referral. Partial where the column is mostly NULL. Declared on the entities with
 * `synchronize: false`.
 */
export class MetricsIndexes1763900500000 implements MigrationInterface {
  name = 'MetricsIndexes1763900500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "referral_received_idx" ON "referral" ("received_at")`);
    await q.query(`CREATE INDEX "referral_decided_idx" ON "referral" ("decision_authorised_at") WHERE decision_authorised_at IS NOT NULL`);
    await q.query(`CREATE INDEX "referral_feedback_idx" ON "referral" ("feedback_sent_at") WHERE feedback_sent_at IS NOT NULL`);
    await q.query(`CREATE INDEX "agency_check_returned_idx" ON "agency_check" ("returned_at") WHERE returned_at IS NOT NULL`);
    await q.query(`CREATE INDEX "agency_check_outstanding_idx" ON "agency_check" ("due_at") WHERE status IN ('REQUESTED','IN_PROGRESS')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "agency_check_outstanding_idx"`);
    await q.query(`DROP INDEX "agency_check_returned_idx"`);
    await q.query(`DROP INDEX "referral_feedback_idx"`);
    await q.query(`DROP INDEX "referral_decided_idx"`);
    await q.query(`DROP INDEX "referral_received_idx"`);
  }
}
