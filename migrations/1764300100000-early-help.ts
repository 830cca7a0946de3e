import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25, cohort 2: early-help episodes and step transitions. Drafted by `npm run migration:draft`
 * from `src/early-help/early-help.entity.ts`, then reviewed: the CHECKs tie each status to the fields
 * it needs and an episode opened by a MASH decision to its referral. Granted to `mash_app` by the
 * default privileges of migration 1763900200000.
 */
export class EarlyHelp1764300100000 implements MigrationInterface {
  name = 'EarlyHelp1764300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "early_help_episode" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "referral_id" uuid, "source" text NOT NULL, "owning_agency" text NOT NULL, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL, "opened_by_sub" text NOT NULL, "opened_by_name" text NOT NULL, "lead_professional_name" text, "lead_professional_agency" text, "assessment_completed_at" TIMESTAMP WITH TIME ZONE, "team_around_family_from" TIMESTAMP WITH TIME ZONE, "status" text NOT NULL, "outcome" text, "closed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "early_help_closed_check" CHECK ((status = 'OPEN') = (closed_at IS NULL) AND (status = 'CLOSED') = (outcome IS NOT NULL) AND (closed_at IS NULL OR closed_at >= opened_at)), CONSTRAINT "early_help_referral_check" CHECK ((source = 'MASH_DECISION') = (referral_id IS NOT NULL)), CONSTRAINT "early_help_outcome_check" CHECK (outcome IS NULL OR outcome IN ('NEEDS_MET','NEEDS_NOT_MET')), CONSTRAINT "early_help_source_check" CHECK (source IN ('MASH_DECISION','STEP_DOWN')), CONSTRAINT "early_help_status_check" CHECK (status IN ('OPEN','CLOSED','STEPPED_UP')), CONSTRAINT "PK_48ad9d51a846c14e98b3a39c695" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "early_help_referral_idx" ON "early_help_episode"  ("referral_id") `);
    await q.query(`CREATE INDEX "early_help_closed_idx" ON "early_help_episode"  ("closed_at") `);
    await q.query(`CREATE INDEX "early_help_opened_idx" ON "early_help_episode"  ("opened_at", "id") `);
    await q.query(`CREATE INDEX "early_help_person_idx" ON "early_help_episode"  ("person_id", "opened_at") `);
    await q.query(`CREATE TABLE "step_transition" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "direction" text NOT NULL, "early_help_episode_id" uuid NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "agreed_by_sub" text NOT NULL, "agreed_by_name" text NOT NULL, "agreed_with" text NOT NULL, "reason" text NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "step_transition_direction_check" CHECK (direction IN ('STEP_UP','STEP_DOWN')), CONSTRAINT "PK_daec607da0743a464d144860405" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "step_transition_episode_idx" ON "step_transition"  ("early_help_episode_id") `);
    await q.query(`CREATE INDEX "step_transition_time_idx" ON "step_transition"  ("occurred_at") `);
    await q.query(`CREATE INDEX "step_transition_person_idx" ON "step_transition"  ("person_id", "occurred_at") `);
    await q.query(`ALTER TABLE "early_help_episode" ADD CONSTRAINT "early_help_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "early_help_episode" ADD CONSTRAINT "early_help_referral_fk" FOREIGN KEY ("referral_id") REFERENCES "referral"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "step_transition" ADD CONSTRAINT "step_transition_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "step_transition" ADD CONSTRAINT "step_transition_episode_fk" FOREIGN KEY ("early_help_episode_id") REFERENCES "early_help_episode"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "step_transition"`);
    await q.query(`DROP TABLE "early_help_episode"`);
  }
}
