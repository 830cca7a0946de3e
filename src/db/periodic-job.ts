import type { DataSource, EntityManager } from 'typeorm';

/**
 * A periodic job runs in one hub process per interval, however many processes share the database
 * (migration 1763902300000). `claimPeriodicRun` moves the job's start time forward when the last
 * start, by any process, is at least `minSeconds` ago, and says whether this caller got the run.
 * Times are the database's, so processes' clocks need not agree.
 */
export async function claimPeriodicRun(
  db: DataSource | EntityManager,
  job: string,
  minSeconds: number,
): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `INSERT INTO periodic_job (name, last_started_at) VALUES ($1, now())
     ON CONFLICT (name) DO UPDATE SET last_started_at = EXCLUDED.last_started_at
      WHERE periodic_job.last_started_at <= EXCLUDED.last_started_at - make_interval(secs => $2)
     RETURNING name`,
    [job, minSeconds],
  );
  return rows.length > 0;
}
