import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Newest first" without a person or actor filter (IG access log, exports): the BRIN index finds
 * periods but cannot return rows in order, so PostgreSQL sorted every event (1.8 s at 1M events).
 * A btree on occurred_at per partition lets it walk partitions newest first and stop after a page.
 */
export class AuditTimeIndex1763900201000 implements MigrationInterface {
  name = 'AuditTimeIndex1763900201000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_event_time_idx ON audit_event (occurred_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_event_time_idx`);
  }
}
