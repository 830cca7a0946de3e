import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 §3: a breach raises an alert once. DECISION_OVERDUE (an open referral past its decision
 * due time, to the MASH's social care team) and CHECK_OVERDUE (an outstanding agency check past its
 * due time, to the agency holding it) name no person: only the referral (`referral_id`), which the
 * recipient already reaches (social care MASH staff every referral, an agency officer those with a
 * check addressed to it). `window_start` holds the due time that was breached, and a partial unique
 * index keeps it to one alert per referral, recipient and due time, whichever hub process notices
 * first (a re-rating that moves the due time makes a new breach possible). Kind CHECKs by hand.
 */
export class BreachAlerts1764000900000 implements MigrationInterface {
  name = 'BreachAlerts1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "alert" ADD "referral_id" uuid`);
    await q.query(`ALTER TABLE "alert" ADD CONSTRAINT "alert_referral_fk" FOREIGN KEY ("referral_id") REFERENCES "referral"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_kind_check"`);
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "alert_kind_check" CHECK (kind IN ('BREAK_GLASS','CROSS_AGENCY_DETAIL_READ','UNUSUAL_READ_VOLUME','SERVING_ROLE_PRIVILEGE','DECISION_OVERDUE','CHECK_OVERDUE'))`,
    );
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_person_check"`);
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "alert_person_check" CHECK (person_id IS NOT NULL OR kind IN ('UNUSUAL_READ_VOLUME','SERVING_ROLE_PRIVILEGE','DECISION_OVERDUE','CHECK_OVERDUE'))`,
    );
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "alert_breach_referral_check" CHECK (kind NOT IN ('DECISION_OVERDUE','CHECK_OVERDUE') OR (referral_id IS NOT NULL AND to_agency IS NOT NULL AND window_start IS NOT NULL AND person_id IS NULL))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "alert_breach_once_idx" ON "alert" ("kind", "referral_id", "to_agency", "window_start") WHERE kind IN ('DECISION_OVERDUE','CHECK_OVERDUE')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "alert_breach_once_idx"`);
    await q.query(`DELETE FROM "alert" WHERE kind IN ('DECISION_OVERDUE','CHECK_OVERDUE')`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_breach_referral_check"`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_person_check"`);
    await q.query(`ALTER TABLE "alert" ADD CONSTRAINT "alert_person_check" CHECK (person_id IS NOT NULL OR kind IN ('UNUSUAL_READ_VOLUME','SERVING_ROLE_PRIVILEGE'))`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_kind_check"`);
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "alert_kind_check" CHECK (kind IN ('BREAK_GLASS','CROSS_AGENCY_DETAIL_READ','UNUSUAL_READ_VOLUME','SERVING_ROLE_PRIVILEGE'))`,
    );
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_referral_fk"`);
    await q.query(`ALTER TABLE "alert" DROP COLUMN "referral_id"`);
  }
}
