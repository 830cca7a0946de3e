import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ADR 021: acknowledging an alert records who (`acknowledged_by`, their sub, was already there, and
 * now their name for the desk) and when (`acknowledged_at`).
 */
export class AlertAcknowledgedByName1764600100000 implements MigrationInterface {
  name = 'AlertAcknowledgedByName1764600100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "alert" ADD "acknowledged_by_name" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "alert" DROP COLUMN "acknowledged_by_name"`);
  }
}
