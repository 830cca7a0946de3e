import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 §5: per invitee, whether the agency submitted a report to the meeting and whether the
 * report was shared with the family (the papers report both as measures): when each was recorded,
 * null while not.
 */
export class MeetingInviteeReports1764400100000 implements MigrationInterface {
  name = 'MeetingInviteeReports1764400100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "meeting_invitee" ADD "report_submitted_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "meeting_invitee" ADD "report_shared_with_family_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "meeting_invitee" DROP COLUMN "report_shared_with_family_at"`);
    await q.query(`ALTER TABLE "meeting_invitee" DROP COLUMN "report_submitted_at"`);
  }
}
