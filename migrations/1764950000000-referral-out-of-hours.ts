import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Out-of-hours contacts (issue 24, ADR 017): a contact recorded by the emergency duty team lands in
 * the morning's queue flagged as such. Set by the hub from the submitter's role, never by the client.
 * Existing contacts were taken in hours (the EDT role did not exist before issue 24).
 */
export class ReferralOutOfHours1764950000000 implements MigrationInterface {
  name = 'ReferralOutOfHours1764950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referral ADD COLUMN out_of_hours boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referral DROP COLUMN out_of_hours`);
  }
}
