import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: the serving role is checked periodically, not only at start
 * (src/break-glass/serving-role-watch.ts). When it finds that the role could alter the audit, IG
 * gets a SERVING_ROLE_PRIVILEGE alert naming no person: the database role (in actor_sub) and the
 * hour it was found (window_start). A partial unique index keeps it to one per role and hour
 * whichever hub process notices first. Kind CHECKs written by hand (TypeORM does not diff them).
 */
export class ServingRoleAlert1764000401000 implements MigrationInterface {
  name = 'ServingRoleAlert1764000401000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_kind_check"`);
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "alert_kind_check" CHECK (kind IN ('BREAK_GLASS','CROSS_AGENCY_DETAIL_READ','UNUSUAL_READ_VOLUME','SERVING_ROLE_PRIVILEGE'))`,
    );
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_person_check"`);
    await q.query(
      `ALTER TABLE "alert" ADD CONSTRAINT "alert_person_check" CHECK (person_id IS NOT NULL OR kind IN ('UNUSUAL_READ_VOLUME','SERVING_ROLE_PRIVILEGE'))`,
    );
    await q.query(`CREATE UNIQUE INDEX "alert_serving_role_once_idx" ON "alert"  ("actor_sub", "window_start") WHERE kind = 'SERVING_ROLE_PRIVILEGE'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "alert_serving_role_once_idx"`);
    await q.query(`DELETE FROM "alert" WHERE kind = 'SERVING_ROLE_PRIVILEGE'`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_person_check"`);
    await q.query(`ALTER TABLE "alert" ADD CONSTRAINT "alert_person_check" CHECK (person_id IS NOT NULL OR kind = 'UNUSUAL_READ_VOLUME')`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_kind_check"`);
    await q.query(`ALTER TABLE "alert" ADD CONSTRAINT "alert_kind_check" CHECK (kind IN ('BREAK_GLASS','CROSS_AGENCY_DETAIL_READ','UNUSUAL_READ_VOLUME'))`);
  }
}
