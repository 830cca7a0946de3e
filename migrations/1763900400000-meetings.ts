import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Strategy discussions and meetings (C4): meetings, the children concerned, invitees with their
 * attendance, decisions and actions. Drafted by `npm run migration:draft` from the entities and reviewed.
 */
export class Meetings1763900400000 implements MigrationInterface {
  name = 'Meetings1763900400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "meeting" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" text NOT NULL, "referral_id" uuid, "scheduled_at" TIMESTAMP WITH TIME ZONE NOT NULL, "organising_agency" text NOT NULL, "chair_sub" text NOT NULL, "chair_name" text NOT NULL, "status" text NOT NULL, "outcome" text, "outcome_recorded_by" text, "outcome_recorded_at" TIMESTAMP WITH TIME ZONE, "minutes" text, "quorate" boolean, "non_quorate_reason" text, "icpc_due_at" date, "held_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "cancelled_reason" text, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "meeting_non_quorate_check" CHECK (quorate IS NOT FALSE OR non_quorate_reason IS NOT NULL), CONSTRAINT "meeting_outcome_check" CHECK (outcome IS NULL OR outcome IN ('SECTION_47_SINGLE_AGENCY','SECTION_47_JOINT','CHILD_IN_NEED','NO_FURTHER_ACTION','EMERGENCY_PROTECTION')), CONSTRAINT "meeting_status_check" CHECK (status IN ('SCHEDULED','HELD','COMPLETED','CANCELLED')), CONSTRAINT "meeting_type_check" CHECK (type IN ('STRATEGY_DISCUSSION','STRATEGY_MEETING','INITIAL_CHILD_PROTECTION_CONFERENCE','REVIEW_CHILD_PROTECTION_CONFERENCE','CORE_GROUP','ALLEGATIONS_AGAINST_STAFF')), CONSTRAINT "PK_dccaf9e4c0e39067d82ccc7bb83" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "meeting_icpc_due_idx" ON "meeting"  ("icpc_due_at") `);
    await q.query(`CREATE INDEX "meeting_referral_idx" ON "meeting"  ("referral_id") `);
    await q.query(`CREATE INDEX "meeting_schedule_idx" ON "meeting"  ("scheduled_at", "id") `);
    await q.query(`CREATE TABLE "meeting_subject" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "meeting_id" uuid NOT NULL, "person_id" uuid NOT NULL, CONSTRAINT "PK_542c1df40e856f231473fbca14e" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "meeting_subject_person_idx" ON "meeting_subject"  ("person_id") `);
    await q.query(`CREATE UNIQUE INDEX "meeting_subject_key" ON "meeting_subject"  ("meeting_id", "person_id") `);
    await q.query(`CREATE TABLE "meeting_invitee" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "meeting_id" uuid NOT NULL, "agency" text NOT NULL, "person_sub" text, "person_name" text, "required" boolean NOT NULL, "attendance" text NOT NULL DEFAULT 'INVITED', "reason" text, "contribution" text, "recorded_by" text, "recorded_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "meeting_invitee_reason_check" CHECK (attendance NOT IN ('SENT_APOLOGIES','SENT_INFORMATION_ONLY','DID_NOT_ATTEND') OR reason IS NOT NULL), CONSTRAINT "meeting_invitee_attendance_check" CHECK (attendance IN ('INVITED','ATTENDED','SENT_APOLOGIES','SENT_INFORMATION_ONLY','DID_NOT_ATTEND')), CONSTRAINT "PK_e24acce90bb02a11e75648f151b" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "meeting_invitee_agency_idx" ON "meeting_invitee"  ("agency", "meeting_id") `);
    await q.query(`CREATE INDEX "meeting_invitee_meeting_idx" ON "meeting_invitee"  ("meeting_id", "agency") `);
    await q.query(`CREATE TABLE "meeting_decision" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "meeting_id" uuid NOT NULL, "decision" text NOT NULL, "decided_by" text NOT NULL, "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6787600e55cc73688b127a1cd93" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "meeting_decision_meeting_idx" ON "meeting_decision"  ("meeting_id", "decided_at") `);
    await q.query(`CREATE TABLE "meeting_action" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "meeting_id" uuid NOT NULL, "description" text NOT NULL, "owner_agency" text, "owner_sub" text, "owner_name" text, "due_date" date NOT NULL, "status" text NOT NULL DEFAULT 'OPEN', "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "meeting_action_owner_check" CHECK (owner_agency IS NOT NULL OR owner_name IS NOT NULL), CONSTRAINT "meeting_action_status_check" CHECK (status IN ('OPEN','DONE','CANCELLED')), CONSTRAINT "PK_52c80696cd871f6ad7d12f740e2" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "meeting_action_meeting_idx" ON "meeting_action"  ("meeting_id", "due_date") `);
    await q.query(`ALTER TABLE "meeting" ADD CONSTRAINT "meeting_referral_fk" FOREIGN KEY ("referral_id") REFERENCES "referral"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "meeting_subject" ADD CONSTRAINT "meeting_subject_meeting_fk" FOREIGN KEY ("meeting_id") REFERENCES "meeting"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "meeting_subject" ADD CONSTRAINT "meeting_subject_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "meeting_invitee" ADD CONSTRAINT "meeting_invitee_meeting_fk" FOREIGN KEY ("meeting_id") REFERENCES "meeting"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "meeting_decision" ADD CONSTRAINT "meeting_decision_meeting_fk" FOREIGN KEY ("meeting_id") REFERENCES "meeting"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "meeting_action" ADD CONSTRAINT "meeting_action_meeting_fk" FOREIGN KEY ("meeting_id") REFERENCES "meeting"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "meeting_action"`);
    await q.query(`DROP TABLE "meeting_decision"`);
    await q.query(`DROP TABLE "meeting_invitee"`);
    await q.query(`DROP TABLE "meeting_subject"`);
    await q.query(`DROP TABLE "meeting"`);
  }
}
