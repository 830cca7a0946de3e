import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 §5 (ADR 024): people invited to a meeting who are not an agency — parents, the child, an
 * advocate, the chair, the employer — with their attendance and, for the family, when the report was
 * shared with them. Written from `MeetingParticipantEntity` (src/meetings/meeting.entity.ts); walled at
 * once (ADR 016): `mash_make_tenant_table` adds `partnership_id`, its foreign key, rebuilds the indexes
 * to lead with it and forces row-level security.
 */
export class MeetingParticipants1765210000000 implements MigrationInterface {
  name = 'MeetingParticipants1765210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "meeting_participant" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "meeting_id" uuid NOT NULL, "role" text NOT NULL, "display_label" text NOT NULL, "person_id" uuid, "attendance" text NOT NULL DEFAULT 'INVITED', "reason" text, "report_shared_at" TIMESTAMP WITH TIME ZONE, "invited_by" text NOT NULL, "invited_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "recorded_by" text, "recorded_at" TIMESTAMP WITH TIME ZONE, ` +
        `CONSTRAINT "meeting_participant_role_check" CHECK (role IN ('PARENT','CHILD','ADVOCATE','CHAIR','EMPLOYER')), ` +
        `CONSTRAINT "meeting_participant_attendance_check" CHECK (attendance IN ('INVITED','ATTENDED','DID_NOT_ATTEND','SENT_VIEWS','DECLINED')), ` +
        `CONSTRAINT "meeting_participant_reason_check" CHECK (attendance NOT IN ('DID_NOT_ATTEND','DECLINED') OR reason IS NOT NULL), ` +
        `CONSTRAINT "meeting_participant_child_check" CHECK ((role = 'CHILD') = (person_id IS NOT NULL)), ` +
        `CONSTRAINT "meeting_participant_report_check" CHECK (report_shared_at IS NULL OR role IN ('PARENT','CHILD')), ` +
        `CONSTRAINT "PK_meeting_participant" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "meeting_participant_meeting_idx" ON "meeting_participant" ("meeting_id")`);
    await q.query(
      `ALTER TABLE "meeting_participant" ADD CONSTRAINT "meeting_participant_meeting_fk" FOREIGN KEY ("meeting_id") REFERENCES "meeting"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "meeting_participant" ADD CONSTRAINT "meeting_participant_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(`SELECT mash_make_tenant_table($1)`, ['meeting_participant']);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "meeting_participant"`);
  }
}
