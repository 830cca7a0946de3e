import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lease per periodic job, shared by every hub process. The read-volume check (issue 9, see
 * src/break-glass/read-volume-watch.ts) ran in every process on its own timer: with N processes the
 * same query over the last hour of disclosures ran N times per interval, and processes started
 * together ran it at the same moment. A process now runs a job only when it moves the job's
 * `last_started_at` forward, which succeeds for one process per interval (the row lock of
 * INSERT … ON CONFLICT DO UPDATE orders concurrent claims). Holds no personal data.
 */
export class PeriodicJobLease1763902300000 implements MigrationInterface {
  name = 'PeriodicJobLease1763902300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE periodic_job (name text PRIMARY KEY, last_started_at timestamptz NOT NULL)`);
    // Default privileges (migration 1763900200000) grant this too; stated here for a database whose
    // tables are created by another owner.
    await q.query(`GRANT SELECT, INSERT, UPDATE ON periodic_job TO mash_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE periodic_job`);
  }
}
