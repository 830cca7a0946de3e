import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25, cohort 3: LADO allegations. Drafted by `npm run migration:draft` from
 * `src/lado/lado-allegation.entity.ts`, then reviewed: the CHECKs tie a closed allegation to its outcome
 * and time, and a DBS referral to an outcome. Granted to `mash_app` by the default privileges of
 * migration 1763900200000.
 */
export class LadoAllegations1764300200000 implements MigrationInterface {
  name = 'LadoAllegations1764300200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "lado_allegation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "child_person_id" uuid, "lado_agency" text NOT NULL, "recorded_by_sub" text NOT NULL, "recorded_by_name" text NOT NULL, "employer_agency" text NOT NULL, "employer_name" text NOT NULL, "sector" text NOT NULL, "category" text NOT NULL, "adult_name" text NOT NULL, "adult_role" text NOT NULL, "adult_date_of_birth" date, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "meeting_at" TIMESTAMP WITH TIME ZONE, "employer_invited" boolean, "status" text NOT NULL, "outcome" text, "outcome_at" TIMESTAMP WITH TIME ZONE, "dbs_referred_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "lado_allegation_dbs_check" CHECK ((dbs_referred_at IS NULL) OR outcome IS NOT NULL), CONSTRAINT "lado_allegation_closed_check" CHECK ((status = 'CLOSED') = (outcome IS NOT NULL) AND (outcome IS NULL) = (outcome_at IS NULL) AND (outcome_at IS NULL OR outcome_at >= received_at)), CONSTRAINT "lado_allegation_outcome_check" CHECK (outcome IS NULL OR outcome IN ('SUBSTANTIATED','UNSUBSTANTIATED','UNFOUNDED','FALSE','MALICIOUS')), CONSTRAINT "lado_allegation_status_check" CHECK (status IN ('OPEN','MEETING_SCHEDULED','CLOSED')), CONSTRAINT "lado_allegation_category_check" CHECK (category IN ('PHYSICAL','SEXUAL','EMOTIONAL','NEGLECT','SUITABILITY')), CONSTRAINT "lado_allegation_sector_check" CHECK (sector IN ('EDUCATION','EARLY_YEARS','HEALTH','SOCIAL_CARE','POLICE','FAITH','SPORT_AND_LEISURE','TRANSPORT','VOLUNTARY','OTHER')), CONSTRAINT "PK_68ca020ec12ccdc52ce50ac6677" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "lado_allegation_employer_idx" ON "lado_allegation"  ("employer_agency") `);
    await q.query(`CREATE INDEX "lado_allegation_outcome_idx" ON "lado_allegation"  ("outcome_at") `);
    await q.query(`CREATE INDEX "lado_allegation_received_idx" ON "lado_allegation"  ("received_at", "id") `);
    await q.query(`ALTER TABLE "lado_allegation" ADD CONSTRAINT "lado_allegation_child_fk" FOREIGN KEY ("child_person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "lado_allegation"`);
  }
}
