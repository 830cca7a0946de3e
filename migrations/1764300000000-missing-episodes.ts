import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25, cohort 1: missing episodes and return home interviews. Drafted by `npm run
 * migration:draft` from `src/missing/missing-episode.entity.ts`, then reviewed: the status CHECK ties
 * each status to the fields it needs, so a half-recorded interview cannot be stored by any path.
 * New tables are granted to `mash_app` by the default privileges of migration 1763900200000.
 */
export class MissingEpisodes1764300000000 implements MigrationInterface {
  name = 'MissingEpisodes1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "missing_episode" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "recording_agency" text NOT NULL, "recorded_by_sub" text NOT NULL, "recorded_by_name" text NOT NULL, "missing_from" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "returned_at" TIMESTAMP WITH TIME ZONE, "known_to_social_care" boolean NOT NULL, "circumstances" text, "interview_offered_at" TIMESTAMP WITH TIME ZONE, "interview_offered_by_sub" text, "interview_offered_by_name" text, "interview_outcome" text, "interview_outcome_at" TIMESTAMP WITH TIME ZONE, "interview_conducted_by" text, "status" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "missing_episode_status_fields_check" CHECK ((status = 'MISSING') = (returned_at IS NULL) AND (status IN ('INTERVIEW_OFFERED','CLOSED')) = (interview_offered_at IS NOT NULL) AND (status = 'CLOSED') = (interview_outcome IS NOT NULL)), CONSTRAINT "missing_episode_offer_check" CHECK (interview_offered_at IS NULL OR (returned_at IS NOT NULL AND interview_offered_at >= returned_at)), CONSTRAINT "missing_episode_return_check" CHECK (returned_at IS NULL OR returned_at >= started_at), CONSTRAINT "missing_episode_outcome_check" CHECK (interview_outcome IS NULL OR interview_outcome IN ('HELD','DECLINED')), CONSTRAINT "missing_episode_status_check" CHECK (status IN ('MISSING','RETURNED','INTERVIEW_OFFERED','CLOSED')), CONSTRAINT "missing_episode_from_check" CHECK (missing_from IN ('HOME','CARE','EDUCATION','HEALTH')), CONSTRAINT "PK_5d468c69a4cfa6c54c2ba46ec35" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "missing_episode_returned_idx" ON "missing_episode"  ("returned_at") `);
    await q.query(`CREATE INDEX "missing_episode_started_idx" ON "missing_episode"  ("started_at", "id") `);
    await q.query(`CREATE INDEX "missing_episode_person_idx" ON "missing_episode"  ("person_id", "started_at") `);
    await q.query(`ALTER TABLE "missing_episode" ADD CONSTRAINT "missing_episode_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "missing_episode"`);
  }
}
