import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shared records (C1): people, their identifiers and relationships, agency records with
 * provenance. Drafted by `npm run migration:draft` from the entities, then reviewed: added the
 * matching extensions and trigram indexes, and CHECK constraints on the vocabularies.
 */
export class SharedRecords1763900000000 implements MigrationInterface {
  name = 'SharedRecords1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS fuzzystrmatch`);
    await q.query(`CREATE TABLE "person" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "given_name" text NOT NULL, "family_name" text NOT NULL, "other_names" text, "date_of_birth" date, "expected_date_of_delivery" date, "sex" text NOT NULL, "nhs_number" text, "pnc_id" text, "la_person_id" text, "upn" text, "address" text, "postcode" text, "ethnicity" text NOT NULL, "first_language" text NOT NULL, "religion" text NOT NULL, "disability" text NOT NULL, "created_by_agency" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_5fdaf670315c4b7e70cce85daa3" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "person_nhs_number_key" ON "person"  ("nhs_number") WHERE nhs_number IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "person_pnc_id_key" ON "person"  ("pnc_id") WHERE pnc_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "person_la_person_id_key" ON "person"  ("la_person_id") WHERE la_person_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "person_upn_key" ON "person"  ("upn") WHERE upn IS NOT NULL`);
    await q.query(`CREATE INDEX "person_dob_idx" ON "person"  ("date_of_birth") `);
    await q.query(`CREATE TABLE "person_source" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "agency_code" text NOT NULL, "source_system" text NOT NULL, "source_ref" text NOT NULL, "content_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_36de15470a95172a4fb7eddd177" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "person_source_person_idx" ON "person_source"  ("person_id") `);
    await q.query(`CREATE UNIQUE INDEX "person_source_key" ON "person_source"  ("agency_code", "source_system", "source_ref") `);
    await q.query(`CREATE TABLE "person_relationship" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "related_person_id" uuid NOT NULL, "type" text NOT NULL, "recorded_by_agency" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d76baad8c27484f4a94cc647b5f" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "person_relationship_related_idx" ON "person_relationship"  ("related_person_id") `);
    await q.query(`CREATE UNIQUE INDEX "person_relationship_key" ON "person_relationship"  ("person_id", "related_person_id", "type") `);
    await q.query(`CREATE TABLE "agency_record" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "owning_agency" text NOT NULL, "record_type" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "summary" text NOT NULL, "data" jsonb NOT NULL, "source_system" text NOT NULL, "source_ref" text NOT NULL, "recorded_by" text NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "content_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_5e593121f0676b1195396009081" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "agency_record_owner_idx" ON "agency_record"  ("owning_agency") `);
    await q.query(`CREATE INDEX "agency_record_person_time_idx" ON "agency_record"  ("person_id", "occurred_at") `);
    await q.query(`CREATE UNIQUE INDEX "agency_record_source_key" ON "agency_record"  ("owning_agency", "source_system", "source_ref") `);
    await q.query(`ALTER TABLE "person_source" ADD CONSTRAINT "person_source_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "person_relationship" ADD CONSTRAINT "person_relationship_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "person_relationship" ADD CONSTRAINT "person_relationship_related_fk" FOREIGN KEY ("related_person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "agency_record" ADD CONSTRAINT "agency_record_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`CREATE INDEX "person_family_name_trgm_idx" ON "person" USING gin (lower("family_name") gin_trgm_ops)`);
    await q.query(`CREATE INDEX "person_given_name_trgm_idx" ON "person" USING gin (lower("given_name") gin_trgm_ops)`);
    await q.query(`ALTER TABLE "person" ADD CONSTRAINT "person_kind_check" CHECK (kind IN ('CHILD','UNBORN','ADULT'))`);
    await q.query(`ALTER TABLE "person_relationship" ADD CONSTRAINT "person_relationship_not_self" CHECK (person_id <> related_person_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "agency_record"`);
    await q.query(`DROP TABLE "person_relationship"`);
    await q.query(`DROP TABLE "person_source"`);
    await q.query(`DROP TABLE "person"`);
  }
}
