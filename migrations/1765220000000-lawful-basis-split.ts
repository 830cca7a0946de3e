import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 "Lawful basis" (ADR 025): a share records the UK GDPR Article 6 basis and, for
 * special-category data, the Article 9 / DPA 2018 Schedule 1 condition as two fields, plus consent
 * sought / given / the reason — per referral and now per agency-check response too.
 *
 * Existing referrals are mapped one to one from the single old value (kept, unchanged, in
 * `lawful_basis`, which the deprecated GraphQL field still reads): SAFEGUARDING_CHILDREN_AT_RISK is
 * the Schedule 1 para 18 condition on the public task; PUBLIC_TASK, VITAL_INTERESTS and
 * LEGAL_OBLIGATION are Article 6 bases with no condition recorded. Rows shared with consent and no
 * basis keep no basis (not recorded: the hub does not invent one). Earlier check answers recorded
 * neither, and stay so. The lists are written out here (migrations never import the vocabulary).
 *
 * The partnership wall is forced (ADR 016), so the mapping runs once per partnership with
 * `mash.partnership` set, and the migration fails if any row was left unmapped.
 */
export class LawfulBasisSplit1765220000000 implements MigrationInterface {
  name = 'LawfulBasisSplit1765220000000';

  async up(q: QueryRunner): Promise<void> {
    const article6 = `'PUBLIC_TASK','LEGAL_OBLIGATION','VITAL_INTERESTS','LEGITIMATE_INTERESTS','CONSENT'`;
    const conditions = `'SAFEGUARDING_CHILDREN_AT_RISK','STATUTORY_PURPOSES','HEALTH_OR_SOCIAL_CARE','VITAL_INTERESTS','EXPLICIT_CONSENT'`;
    for (const t of ['referral', 'agency_check']) {
      await q.query(`ALTER TABLE "${t}" ADD "article6_basis" text`);
      await q.query(`ALTER TABLE "${t}" ADD "special_category_condition" text`);
      await q.query(
        `ALTER TABLE "${t}" ADD CONSTRAINT "${t}_article6_basis_check" CHECK (article6_basis IS NULL OR article6_basis IN (${article6}))`,
      );
      await q.query(
        `ALTER TABLE "${t}" ADD CONSTRAINT "${t}_special_category_condition_check" CHECK (special_category_condition IS NULL OR special_category_condition IN (${conditions}))`,
      );
      await q.query(
        `ALTER TABLE "${t}" ADD CONSTRAINT "${t}_condition_needs_basis_check" CHECK (special_category_condition IS NULL OR article6_basis IS NOT NULL)`,
      );
    }
    await q.query(`ALTER TABLE "agency_check" ADD "consent_sought" boolean`);
    await q.query(`ALTER TABLE "agency_check" ADD "consent_given" boolean`);
    await q.query(`ALTER TABLE "agency_check" ADD "consent_reason" text`);

    const partnerships = (await q.query(`SELECT id FROM partnership ORDER BY id`)) as Array<{ id: string }>;
    for (const p of partnerships) {
      await q.query(`SELECT set_config('mash.partnership', $1, true)`, [p.id]);
      await q.query(
        `UPDATE referral
            SET article6_basis = CASE lawful_basis WHEN 'SAFEGUARDING_CHILDREN_AT_RISK' THEN 'PUBLIC_TASK' ELSE lawful_basis END,
                special_category_condition = CASE lawful_basis WHEN 'SAFEGUARDING_CHILDREN_AT_RISK' THEN 'SAFEGUARDING_CHILDREN_AT_RISK' END
          WHERE lawful_basis IS NOT NULL AND partnership_id = $1`,
        [p.id],
      );
    }
    await q.query(`SELECT set_config('mash.partnership', '', true)`);
    const [{ n }] = (await q.query(
      `SELECT count(*)::int AS n FROM referral WHERE lawful_basis IS NOT NULL AND article6_basis IS NULL`,
    )) as Array<{ n: number }>;
    if (n > 0) throw new Error(`${n} referrals were left without their Article 6 basis`);

    // Sharing without consent needs an Article 6 basis (it used to need the single value).
    await q.query(`ALTER TABLE "referral" DROP CONSTRAINT "referral_consent_check"`);
    await q.query(
      `ALTER TABLE "referral" ADD CONSTRAINT "referral_consent_check" CHECK (consent_given IS TRUE OR article6_basis IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "referral" DROP CONSTRAINT "referral_consent_check"`);
    await q.query(
      `ALTER TABLE "referral" ADD CONSTRAINT "referral_consent_check" CHECK (consent_given IS TRUE OR lawful_basis IS NOT NULL)`,
    );
    await q.query(`ALTER TABLE "agency_check" DROP COLUMN "consent_reason"`);
    await q.query(`ALTER TABLE "agency_check" DROP COLUMN "consent_given"`);
    await q.query(`ALTER TABLE "agency_check" DROP COLUMN "consent_sought"`);
    for (const t of ['referral', 'agency_check']) {
      await q.query(`ALTER TABLE "${t}" DROP CONSTRAINT "${t}_condition_needs_basis_check"`);
      await q.query(`ALTER TABLE "${t}" DROP CONSTRAINT "${t}_special_category_condition_check"`);
      await q.query(`ALTER TABLE "${t}" DROP CONSTRAINT "${t}_article6_basis_check"`);
      await q.query(`ALTER TABLE "${t}" DROP COLUMN "special_category_condition"`);
      await q.query(`ALTER TABLE "${t}" DROP COLUMN "article6_basis"`);
    }
  }
}
