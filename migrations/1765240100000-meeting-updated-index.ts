import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 26, ADR 022: a `meetingChanged` subscriber that reconnects resubscribes with `since` and the
 * hub replays the meetings changed meanwhile in its scope; after a process dies all its subscribers
 * do this at once. Leads with the partnership like every key behind the wall (ADR 016). (Alerts
 * replay by `alert_inbox_idx` and `alert_time_idx`, which exist.)
 */
export class MeetingUpdatedIndex1765240100000 implements MigrationInterface {
  name = 'MeetingUpdatedIndex1765240100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "meeting_updated_idx" ON "meeting" ("partnership_id", "updated_at", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "meeting_updated_idx"`);
  }
}
