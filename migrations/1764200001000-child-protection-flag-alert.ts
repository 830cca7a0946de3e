import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 24, the flag view: a look-up of a flagged child by the emergency duty team or unscheduled care
 * alerts the responsible social care team (CP_FLAG_LOOKUP), naming the child, the setting (where) and
 * the time (when), once per child, looking-up agency, setting and London day (`window_start` holds the
 * day's start); whichever hub process records it first wins.
 */
export class ChildProtectionFlagAlert1764200001000 implements MigrationInterface {
  name = 'ChildProtectionFlagAlert1764200001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "alert" ADD "setting" text`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_kind_check"`);
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "alert_kind_check" CHECK (kind IN ('BREAK_GLASS','CROSS_AGENCY_DETAIL_READ','UNUSUAL_READ_VOLUME','SERVING_ROLE_PRIVILEGE','DECISION_OVERDUE','CHECK_OVERDUE','CP_FLAG_LOOKUP'))`,
    );
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "alert_flag_lookup_check" CHECK (kind <> 'CP_FLAG_LOOKUP' OR (person_id IS NOT NULL AND to_agency IS NOT NULL AND setting IS NOT NULL AND window_start IS NOT NULL))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "alert_flag_lookup_once_idx" ON "alert" ("person_id", "to_agency", "actor_agency", "setting", "window_start") WHERE kind = 'CP_FLAG_LOOKUP'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "alert_flag_lookup_once_idx"`);
    await q.query(`DELETE FROM "alert" WHERE kind = 'CP_FLAG_LOOKUP'`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_flag_lookup_check"`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_kind_check"`);
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "alert_kind_check" CHECK (kind IN ('BREAK_GLASS','CROSS_AGENCY_DETAIL_READ','UNUSUAL_READ_VOLUME','SERVING_ROLE_PRIVILEGE','DECISION_OVERDUE','CHECK_OVERDUE'))`,
    );
    await q.query(`ALTER TABLE "alert" DROP COLUMN "setting"`);
  }
}
