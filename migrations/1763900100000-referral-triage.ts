import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referral triage (C3): referrals, their subjects, RAG history, agency checks and intake
 * idempotency keys. Drafted by `npm run migration:draft` from the entities, then reviewed: added the
 * reference sequence (TypeORM does not manage sequences).
 */
export class ReferralTriage1763900100000 implements MigrationInterface {
  name = 'ReferralTriage1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE "referral_reference_seq" START 1`);
    await q.query(`CREATE TABLE "referral" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference" text NOT NULL, "referrer_sub" text NOT NULL, "referrer_name" text NOT NULL, "referrer_agency" text NOT NULL, "referrer_contact" text, "concern_categories" text array NOT NULL, "narrative" text NOT NULL, "consent_sought" boolean NOT NULL, "consent_given" boolean, "consent_reason" text, "lawful_basis" text, "status" text NOT NULL, "rag" text, "decision_due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "assigned_to_sub" text, "assigned_to_name" text, "version" integer NOT NULL DEFAULT '1', "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decision_outcome" text, "decision_rationale" text, "threshold_level" text, "decision_proposed_by" text, "decision_proposed_at" TIMESTAMP WITH TIME ZONE, "decision_authorised_by" text, "decision_authorised_at" TIMESTAMP WITH TIME ZONE, "strategy_requested_at" TIMESTAMP WITH TIME ZONE, "closed_reason" text, "merged_into_id" uuid, "feedback_message" text, "feedback_sent_at" TIMESTAMP WITH TIME ZONE, "feedback_sent_by" text, CONSTRAINT "referral_narrative_check" CHECK (length(narrative) > 0), CONSTRAINT "referral_consent_check" CHECK (consent_given IS TRUE OR lawful_basis IS NOT NULL), CONSTRAINT "referral_rag_check" CHECK (rag IS NULL OR rag IN ('RED','AMBER','GREEN')), CONSTRAINT "referral_status_check" CHECK (status IN ('RECEIVED','SCREENED','AWAITING_CHECKS','READY_FOR_DECISION','DECISION_PROPOSED','CLOSED','WITHDRAWN','MERGED')), CONSTRAINT "PK_a2d3e935a6591168066defec5ad" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "referral_reference_key" ON "referral"  ("reference") `);
    await q.query(`CREATE INDEX "referral_referrer_idx" ON "referral"  ("referrer_agency", "referrer_sub") `);
    await q.query(`CREATE INDEX "referral_status_idx" ON "referral"  ("status") `);
    await q.query(`CREATE INDEX "referral_queue_idx" ON "referral"  ("decision_due_at", "id") `);
    await q.query(`CREATE TABLE "referral_subject" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "referral_id" uuid NOT NULL, "person_id" uuid NOT NULL, CONSTRAINT "PK_d9f12d17bf9887804f14e58091c" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "referral_subject_person_idx" ON "referral_subject"  ("person_id") `);
    await q.query(`CREATE UNIQUE INDEX "referral_subject_key" ON "referral_subject"  ("referral_id", "person_id") `);
    await q.query(`CREATE TABLE "referral_rating" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "referral_id" uuid NOT NULL, "rag" text NOT NULL, "rationale" text NOT NULL, "rated_by_sub" text NOT NULL, "rated_by_name" text NOT NULL, "rated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decision_due_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "referral_rating_rag_check" CHECK (rag IN ('RED','AMBER','GREEN')), CONSTRAINT "PK_270152866af30464686859efdcf" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "referral_rating_referral_idx" ON "referral_rating"  ("referral_id", "rated_at") `);
    await q.query(`CREATE TABLE "agency_check" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "referral_id" uuid NOT NULL, "agency" text NOT NULL, "status" text NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "requested_by" text NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "returned_at" TIMESTAMP WITH TIME ZONE, "responded_by" text, "findings_summary" text, "records_shared" uuid array NOT NULL DEFAULT '{}', "declined_reason" text, CONSTRAINT "agency_check_declined_reason" CHECK (status <> 'DECLINED' OR declined_reason IS NOT NULL), CONSTRAINT "agency_check_status_check" CHECK (status IN ('REQUESTED','IN_PROGRESS','RETURNED','DECLINED')), CONSTRAINT "PK_347110619b21ccb69a49aba4151" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "agency_check_agency_idx" ON "agency_check"  ("agency", "status") `);
    await q.query(`CREATE UNIQUE INDEX "agency_check_key" ON "agency_check"  ("referral_id", "agency") `);
    await q.query(`CREATE TABLE "referral_idempotency" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "agency" text NOT NULL, "sub" text NOT NULL, "key" text NOT NULL, "payload_hash" text NOT NULL, "referral_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6c2844d7a8e5ff3ae566d0284ef" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "referral_idempotency_key" ON "referral_idempotency"  ("agency", "sub", "key") `);
    await q.query(`ALTER TABLE "referral" ADD CONSTRAINT "referral_merged_into_fk" FOREIGN KEY ("merged_into_id") REFERENCES "referral"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referral_subject" ADD CONSTRAINT "referral_subject_referral_fk" FOREIGN KEY ("referral_id") REFERENCES "referral"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referral_subject" ADD CONSTRAINT "referral_subject_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referral_rating" ADD CONSTRAINT "referral_rating_referral_fk" FOREIGN KEY ("referral_id") REFERENCES "referral"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "agency_check" ADD CONSTRAINT "agency_check_referral_fk" FOREIGN KEY ("referral_id") REFERENCES "referral"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referral_idempotency" ADD CONSTRAINT "referral_idempotency_referral_fk" FOREIGN KEY ("referral_id") REFERENCES "referral"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "referral_idempotency"`);
    await q.query(`DROP TABLE "agency_check"`);
    await q.query(`DROP TABLE "referral_rating"`);
    await q.query(`DROP TABLE "referral_subject"`);
    await q.query(`DROP TABLE "referral"`);
    await q.query(`DROP SEQUENCE "referral_reference_seq"`);
  }
}
