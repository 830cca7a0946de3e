import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 §1 (ADR 019): the source of a contact, coded as the children-in-need census codes it,
 * apart from the hub user who typed it in; the referrer's organisation and role. Rows from before
 * hold UNKNOWN: the submitting user's agency is not the source (a MASH worker types in other
 * people's calls), agency kinds live in the agencies file the database does not see, and a guess
 * would put invented figures in a census return. The CHECK lists the codes by hand (migrations never
 * import the vocabulary, which may change after this one lands).
 */
export class ReferralSource1764400000000 implements MigrationInterface {
  name = 'ReferralSource1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "referral" ADD "source" text NOT NULL DEFAULT 'UNKNOWN'`);
    await q.query(`ALTER TABLE "referral" ADD "referrer_organisation" text`);
    await q.query(`ALTER TABLE "referral" ADD "referrer_role" text`);
    await q.query(
      `ALTER TABLE "referral" ADD CONSTRAINT "referral_source_check" CHECK (source IN ('INDIVIDUAL_FAMILY','INDIVIDUAL_ACQUAINTANCE','INDIVIDUAL_SELF','INDIVIDUAL_OTHER','SCHOOLS','EDUCATION_SERVICES','HEALTH_GP','HEALTH_VISITOR','HEALTH_SCHOOL_NURSE','HEALTH_OTHER_PRIMARY','HEALTH_A_AND_E','HEALTH_OTHER','HOUSING','LA_SOCIAL_CARE','LA_OTHER_INTERNAL','LA_EXTERNAL','LA_EARLY_HELP','POLICE','OTHER_LEGAL_AGENCY','OTHER','ANONYMOUS','UNKNOWN'))`,
    );
    await q.query(`CREATE INDEX "referral_source_received_idx" ON "referral" ("source", "received_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "referral_source_received_idx"`);
    await q.query(`ALTER TABLE "referral" DROP CONSTRAINT "referral_source_check"`);
    await q.query(`ALTER TABLE "referral" DROP COLUMN "referrer_role"`);
    await q.query(`ALTER TABLE "referral" DROP COLUMN "referrer_organisation"`);
    await q.query(`ALTER TABLE "referral" DROP COLUMN "source"`);
  }
}
