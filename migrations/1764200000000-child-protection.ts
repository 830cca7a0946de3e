import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 24: after the strategy discussion. A section 47 enquiry per child (started from a strategy
 * discussion's s47 or emergency-protection outcome; later discussions move the initial conference's
 * due date), the conferences about each child (one row per child: the outcome is per child), child
 * protection plans with their category history, and core groups. Dates are calendar dates (London);
 * the due dates are computed on the working calendar by the service and stored with each clock, so a
 * later change of calendar does not rewrite history. Kind CHECKs by hand, like the other tables.
 */
export class ChildProtection1764200000000 implements MigrationInterface {
  name = 'ChildProtection1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "s47_enquiry" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "person_id" uuid NOT NULL REFERENCES "person"("id") ON DELETE RESTRICT,
      "owning_agency" text NOT NULL,
      "lead" text NOT NULL,
      "status" text NOT NULL DEFAULT 'OPEN',
      "started_by_sub" text NOT NULL,
      "started_by_name" text NOT NULL,
      "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "last_strategy_on" date NOT NULL,
      "icpc_due_on" date NOT NULL,
      "conclusion" text,
      "concluded_on" date,
      "concluded_by_sub" text,
      "concluded_by_name" text,
      "concluded_at" TIMESTAMP WITH TIME ZONE,
      "version" integer NOT NULL DEFAULT 1,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "s47_enquiry_lead_check" CHECK (lead IN ('SINGLE_AGENCY','JOINT')),
      CONSTRAINT "s47_enquiry_status_check" CHECK (status IN ('OPEN','AWAITING_CONFERENCE','CONFERENCE_HELD','CLOSED')),
      CONSTRAINT "s47_enquiry_conclusion_check" CHECK (conclusion IS NULL OR conclusion IN ('SUBSTANTIATED_CONFERENCE','SUBSTANTIATED_CHILD_IN_NEED','NOT_SUBSTANTIATED_NO_FURTHER_ACTION','NOT_SUBSTANTIATED_OTHER')),
      CONSTRAINT "s47_enquiry_concluded_check" CHECK ((status = 'OPEN') = (conclusion IS NULL) AND (conclusion IS NULL) = (concluded_on IS NULL)),
      CONSTRAINT "PK_s47_enquiry" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "s47_enquiry_one_open_idx" ON "s47_enquiry" ("person_id") WHERE status IN ('OPEN','AWAITING_CONFERENCE')`);
    await q.query(`CREATE INDEX "s47_enquiry_person_idx" ON "s47_enquiry" ("person_id")`);
    await q.query(`CREATE TABLE "s47_strategy_discussion" (
      "enquiry_id" uuid NOT NULL REFERENCES "s47_enquiry"("id") ON DELETE RESTRICT,
      "meeting_id" uuid NOT NULL REFERENCES "meeting"("id") ON DELETE RESTRICT,
      "held_on" date NOT NULL,
      "outcome" text NOT NULL,
      "linked_by" text NOT NULL,
      "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_s47_strategy_discussion" PRIMARY KEY ("enquiry_id", "meeting_id"))`);
    await q.query(`CREATE TABLE "cp_plan" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "person_id" uuid NOT NULL REFERENCES "person"("id") ON DELETE RESTRICT,
      "owning_agency" text NOT NULL,
      "enquiry_id" uuid NOT NULL REFERENCES "s47_enquiry"("id") ON DELETE RESTRICT,
      "status" text NOT NULL DEFAULT 'ACTIVE',
      "started_on" date NOT NULL,
      "category" text NOT NULL,
      "lead_social_worker" text NOT NULL,
      "sequence" integer NOT NULL,
      "previous_plan_ended_on" date,
      "ended_on" date,
      "end_reason" text,
      "ended_by_sub" text,
      "version" integer NOT NULL DEFAULT 1,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "cp_plan_status_check" CHECK (status IN ('ACTIVE','ENDED')),
      CONSTRAINT "cp_plan_category_check" CHECK (category IN ('NEGLECT','PHYSICAL_ABUSE','EMOTIONAL_ABUSE','SEXUAL_ABUSE','MULTIPLE')),
      CONSTRAINT "cp_plan_end_reason_check" CHECK (end_reason IS NULL OR end_reason IN ('NO_LONGER_AT_RISK','TRANSFERRED_TO_ANOTHER_AUTHORITY','BECAME_LOOKED_AFTER','REACHED_18','DIED','OTHER')),
      CONSTRAINT "cp_plan_ended_check" CHECK ((status = 'ENDED') = (ended_on IS NOT NULL) AND (ended_on IS NULL) = (end_reason IS NULL)),
      CONSTRAINT "cp_plan_sequence_check" CHECK (sequence >= 1),
      CONSTRAINT "PK_cp_plan" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "cp_plan_one_active_idx" ON "cp_plan" ("person_id") WHERE status = 'ACTIVE'`);
    await q.query(`CREATE INDEX "cp_plan_person_idx" ON "cp_plan" ("person_id")`);
    await q.query(`CREATE TABLE "cp_plan_category" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "plan_id" uuid NOT NULL REFERENCES "cp_plan"("id") ON DELETE RESTRICT,
      "category" text NOT NULL,
      "from_on" date NOT NULL,
      "recorded_by_sub" text NOT NULL,
      "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "cp_plan_category_category_check" CHECK (category IN ('NEGLECT','PHYSICAL_ABUSE','EMOTIONAL_ABUSE','SEXUAL_ABUSE','MULTIPLE')),
      CONSTRAINT "PK_cp_plan_category" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "cp_plan_category_plan_idx" ON "cp_plan_category" ("plan_id", "from_on")`);
    await q.query(`CREATE TABLE "cp_conference" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "kind" text NOT NULL,
      "person_id" uuid NOT NULL REFERENCES "person"("id") ON DELETE RESTRICT,
      "enquiry_id" uuid REFERENCES "s47_enquiry"("id") ON DELETE RESTRICT,
      "plan_id" uuid REFERENCES "cp_plan"("id") ON DELETE RESTRICT,
      "meeting_id" uuid REFERENCES "meeting"("id") ON DELETE RESTRICT,
      "due_on" date NOT NULL,
      "held_on" date NOT NULL,
      "decision" text NOT NULL,
      "category" text,
      "lead_social_worker" text,
      "recorded_by_sub" text NOT NULL,
      "recorded_by_name" text NOT NULL,
      "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "cp_conference_kind_check" CHECK (kind IN ('INITIAL','REVIEW')),
      CONSTRAINT "cp_conference_decision_check" CHECK ((kind = 'INITIAL' AND decision IN ('PLAN','NO_PLAN') AND enquiry_id IS NOT NULL) OR (kind = 'REVIEW' AND decision IN ('CONTINUE_PLAN','END_PLAN') AND plan_id IS NOT NULL)),
      CONSTRAINT "cp_conference_category_check" CHECK (category IS NULL OR category IN ('NEGLECT','PHYSICAL_ABUSE','EMOTIONAL_ABUSE','SEXUAL_ABUSE','MULTIPLE')),
      CONSTRAINT "cp_conference_plan_fields_check" CHECK (decision <> 'PLAN' OR (category IS NOT NULL AND lead_social_worker IS NOT NULL)),
      CONSTRAINT "PK_cp_conference" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "cp_conference_one_initial_idx" ON "cp_conference" ("enquiry_id") WHERE kind = 'INITIAL'`);
    await q.query(`CREATE INDEX "cp_conference_plan_idx" ON "cp_conference" ("plan_id", "held_on")`);
    await q.query(`CREATE INDEX "cp_conference_held_idx" ON "cp_conference" ("kind", "held_on")`);
    await q.query(`CREATE TABLE "cp_core_group" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "plan_id" uuid NOT NULL REFERENCES "cp_plan"("id") ON DELETE RESTRICT,
      "meeting_id" uuid REFERENCES "meeting"("id") ON DELETE RESTRICT,
      "held_on" date NOT NULL,
      "recorded_by_sub" text NOT NULL,
      "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_cp_core_group" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "cp_core_group_plan_idx" ON "cp_core_group" ("plan_id", "held_on")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "cp_core_group"`);
    await q.query(`DROP TABLE "cp_conference"`);
    await q.query(`DROP TABLE "cp_plan_category"`);
    await q.query(`DROP TABLE "cp_plan"`);
    await q.query(`DROP TABLE "s47_strategy_discussion"`);
    await q.query(`DROP TABLE "s47_enquiry"`);
  }
}
