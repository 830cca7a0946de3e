import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 26: a `referralChanged` subscriber that reconnects (its hub process died, the load balancer
 * moved it) resubscribes with `since` and the hub replays the referrals changed meanwhile, in the
 * subscriber's scope. After a process dies all its subscribers do this at once; without an index on
 * `updated_at` each would scan the referral table.
 */
export class ReferralUpdatedIndex1764700000000 implements MigrationInterface {
  name = 'ReferralUpdatedIndex1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "referral_updated_idx" ON "referral" ("updated_at", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "referral_updated_idx"`);
  }
}
