import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 9, security hardening.
 * - `rate_limit`: the shared store of rate-limiter-flexible's RateLimiterPostgres (RATE_LIMIT_STORE=
 *   postgres, ADR 004), in the library's own layout, created here because the hub's role does not
 *   create tables. UNLOGGED: counters of the last minute need no WAL and no crash safety.
 * - Alerts about a user's behaviour (UNUSUAL_READ_VOLUME: one user reading many distinct children in
 *   an hour) name no person: person_id becomes nullable for that kind only; the hour window and
 *   count are kept; a partial unique index makes raising it idempotent across hub processes.
 * - A BRIN index on audit_disclosure.occurred_at: the periodic read-volume check scans the last hour
 *   of disclosures of every actor; the only other indexes lead with person or actor.
 * Drafted by `npm run migration:draft` from the entities, then reviewed: the kind CHECK is replaced
 * by hand (TypeORM does not diff CHECK expressions); the draft's FK drop/re-add was unnecessary.
 */
export class RateLimitAndReadVolume1763901400000 implements MigrationInterface {
  name = 'RateLimitAndReadVolume1763901400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNLOGGED TABLE rate_limit (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`);
    await q.query(`ALTER TABLE "alert" ADD "window_start" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "alert" ADD "distinct_people" integer`);
    await q.query(`ALTER TABLE "alert" ALTER COLUMN "person_id" DROP NOT NULL`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_kind_check"`);
    await q.query(`ALTER TABLE "alert" ADD CONSTRAINT "alert_kind_check" CHECK (kind IN ('BREAK_GLASS','CROSS_AGENCY_DETAIL_READ','UNUSUAL_READ_VOLUME'))`);
    await q.query(`ALTER TABLE "alert" ADD CONSTRAINT "alert_person_check" CHECK (person_id IS NOT NULL OR kind = 'UNUSUAL_READ_VOLUME')`);
    await q.query(`CREATE UNIQUE INDEX "alert_read_volume_once_idx" ON "alert"  ("actor_sub", "window_start") WHERE kind = 'UNUSUAL_READ_VOLUME'`);
    await q.query(`CREATE INDEX audit_disclosure_time_brin ON audit_disclosure USING brin (occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_disclosure_time_brin`);
    await q.query(`DROP INDEX "alert_read_volume_once_idx"`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_person_check"`);
    await q.query(`DELETE FROM "alert" WHERE kind = 'UNUSUAL_READ_VOLUME'`);
    await q.query(`ALTER TABLE "alert" DROP CONSTRAINT "alert_kind_check"`);
    await q.query(`ALTER TABLE "alert" ADD CONSTRAINT "alert_kind_check" CHECK (kind IN ('BREAK_GLASS','CROSS_AGENCY_DETAIL_READ'))`);
    await q.query(`ALTER TABLE "alert" ALTER COLUMN "person_id" SET NOT NULL`);
    await q.query(`ALTER TABLE "alert" DROP COLUMN "distinct_people"`);
    await q.query(`ALTER TABLE "alert" DROP COLUMN "window_start"`);
    await q.query(`DROP TABLE rate_limit`);
  }
}
