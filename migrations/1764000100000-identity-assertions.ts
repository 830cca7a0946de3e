import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity as per-source assertions, provisional people and the data-quality queue (issue 17,
 * ADR 005). Quoting a strong identifier in an officer's upsert or a referral no longer links the
 * caller to the person who holds it: the caller gets a provisional person of its own, and the
 * MASH confirms or rejects the proposed match.
 *
 * - `identity_assertion`: the identity values one source (agency, source system, reference) gave for
 *   a person. The person row's identity columns are derived from these by the rule in
 *   src/people/identity.ts; one source never overwrites another's values.
 * - `person.provisional`: a person whose strong identifiers are not (yet) unique — it was created
 *   because its identifiers matched a settled person. The unique identifier indexes cover settled
 *   people only. `merged_into`: set when the MASH confirmed it is the same person as another.
 * - `data_quality_issue`: proposed matches and disagreements between sources, for a MASH worker.
 *
 * Existing sources are backfilled with the person's current values (channel LEGACY, verified), so
 * the derivation of every existing person gives what it shows today.
 */
export class IdentityAssertions1764000100000 implements MigrationInterface {
  name = 'IdentityAssertions1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "person" ADD "provisional" boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE "person" ADD "merged_into" uuid`);
    await q.query(
      `ALTER TABLE "person" ADD CONSTRAINT "person_merged_into_fk" FOREIGN KEY ("merged_into") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    for (const col of ['nhs_number', 'pnc_id', 'la_person_id', 'upn']) {
      await q.query(`DROP INDEX "person_${col}_key"`);
      await q.query(`CREATE UNIQUE INDEX "person_${col}_key" ON "person" ("${col}") WHERE ${col} IS NOT NULL AND NOT provisional`);
      await q.query(`CREATE INDEX "person_${col}_idx" ON "person" ("${col}")`);
    }

    await q.query(
      `CREATE TABLE "identity_assertion" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "agency_code" text NOT NULL,
        "source_system" text NOT NULL, "source_ref" text NOT NULL, "channel" text NOT NULL, "verified" boolean NOT NULL,
        "asserted" jsonb NOT NULL, "asserted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_identity_assertion" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "identity_assertion_source_key" ON "identity_assertion" ("agency_code", "source_system", "source_ref") `);
    await q.query(`CREATE INDEX "identity_assertion_person_idx" ON "identity_assertion" ("person_id") `);
    await q.query(
      `ALTER TABLE "identity_assertion" ADD CONSTRAINT "identity_assertion_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "identity_assertion" ADD CONSTRAINT "identity_assertion_channel_check" CHECK (channel IN ('IMPORT','OFFICER','REFERRAL','LEGACY'))`,
    );

    await q.query(
      `CREATE TABLE "data_quality_issue" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "status" text NOT NULL DEFAULT 'OPEN',
        "person_id" uuid NOT NULL, "proposed_person_id" uuid, "referral_id" uuid, "field" text, "values_hash" text,
        "raised_by_agency" text NOT NULL, "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "chosen_assertion_id" uuid,
        "resolved_by" text, "resolved_at" TIMESTAMP WITH TIME ZONE, "resolution_note" text, "version" integer NOT NULL DEFAULT '1',
        CONSTRAINT "PK_data_quality_issue" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "data_quality_issue_queue_idx" ON "data_quality_issue" ("status", "raised_at", "id") `);
    await q.query(`CREATE INDEX "data_quality_issue_person_idx" ON "data_quality_issue" ("person_id") `);
    await q.query(`CREATE INDEX "data_quality_issue_proposed_idx" ON "data_quality_issue" ("proposed_person_id") `);
    await q.query(
      `CREATE UNIQUE INDEX "data_quality_issue_open_conflict_key" ON "data_quality_issue" ("person_id", "field") WHERE status = 'OPEN' AND kind = 'IDENTITY_CONFLICT'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "data_quality_issue_proposal_key" ON "data_quality_issue" ("proposed_person_id", "person_id") WHERE kind = 'MATCH_PROPOSAL'`,
    );
    await q.query(
      `ALTER TABLE "data_quality_issue" ADD CONSTRAINT "data_quality_issue_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "data_quality_issue" ADD CONSTRAINT "data_quality_issue_proposed_fk" FOREIGN KEY ("proposed_person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(`ALTER TABLE "data_quality_issue" ADD CONSTRAINT "data_quality_issue_kind_check" CHECK (kind IN ('MATCH_PROPOSAL','IDENTITY_CONFLICT'))`);
    await q.query(
      `ALTER TABLE "data_quality_issue" ADD CONSTRAINT "data_quality_issue_status_check" CHECK (status IN ('OPEN','CONFIRMED','REJECTED','RESOLVED','WITHDRAWN'))`,
    );

    // Every existing source asserted what the person shows today.
    await q.query(
      `INSERT INTO identity_assertion (person_id, agency_code, source_system, source_ref, channel, verified, asserted, asserted_at)
       SELECT ps.person_id, ps.agency_code, ps.source_system, ps.source_ref, 'LEGACY', true,
              jsonb_strip_nulls(jsonb_build_object(
                'kind', p.kind, 'givenName', p.given_name, 'familyName', p.family_name, 'otherNames', p.other_names,
                'dateOfBirth', to_char(p.date_of_birth, 'YYYY-MM-DD'), 'expectedDateOfDelivery', to_char(p.expected_date_of_delivery, 'YYYY-MM-DD'),
                'sex', p.sex, 'nhsNumber', p.nhs_number, 'pncId', p.pnc_id, 'laPersonId', p.la_person_id, 'upn', p.upn,
                'address', p.address, 'postcode', p.postcode, 'ethnicity', p.ethnicity, 'firstLanguage', p.first_language,
                'religion', p.religion, 'disability', p.disability)),
              ps.created_at
         FROM person_source ps JOIN person p ON p.id = ps.person_id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "data_quality_issue"`);
    await q.query(`DROP TABLE "identity_assertion"`);
    for (const col of ['nhs_number', 'pnc_id', 'la_person_id', 'upn']) {
      await q.query(`DROP INDEX "person_${col}_idx"`);
      await q.query(`DROP INDEX "person_${col}_key"`);
      await q.query(`CREATE UNIQUE INDEX "person_${col}_key" ON "person" ("${col}") WHERE ${col} IS NOT NULL`);
    }
    await q.query(`ALTER TABLE "person" DROP CONSTRAINT "person_merged_into_fk"`);
    await q.query(`ALTER TABLE "person" DROP COLUMN "merged_into"`);
    await q.query(`ALTER TABLE "person" DROP COLUMN "provisional"`);
  }
}
