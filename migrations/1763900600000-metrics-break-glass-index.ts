import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Governance metrics (C6) count break-glass openings by opening time. The existing indexes lead with
 * person (active access) or cover only unreviewed rows, so a month's count scanned the whole table
 * (EXPLAIN on 100,000 rows: Seq Scan, 97,371 rows removed by the filter). Declared on the entity with
 * `synchronize: false`.
 */
export class MetricsBreakGlassIndex1763900600000 implements MigrationInterface {
  name = 'MetricsBreakGlassIndex1763900600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "break_glass_opened_idx" ON "break_glass" ("opened_at", "actor_agency")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "break_glass_opened_idx"`);
  }
}
