import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 "Snapshots" (ADR 025): a past month's equality breakdowns use a child's sex, ethnicity,
 * first language, religion and disability as recorded then, not today's. A trigger on `person` keeps
 * the values each change replaced and until when they held (`valid_until`), in the transaction of the
 * change, whatever path made it (a form, a feed, a merge). The value at T is the earliest kept row
 * valid until after T, else the person's current value. Changes before this migration were not kept:
 * for them today's value stands (docs/metrics.md says so). Walled at once (ADR 016).
 */
export class PersonEqualityHistory1765220200000 implements MigrationInterface {
  name = 'PersonEqualityHistory1765220200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "person_equality_history" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "sex" text NOT NULL, "ethnicity" text NOT NULL, "first_language" text NOT NULL, "religion" text NOT NULL, "disability" text NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_person_equality_history" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "person_equality_history_person_idx" ON "person_equality_history" ("person_id", "valid_until")`,
    );
    await q.query(
      `ALTER TABLE "person_equality_history" ADD CONSTRAINT "person_equality_history_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(`SELECT mash_make_tenant_table('person_equality_history')`);
    await q.query(`
      CREATE FUNCTION mash_keep_person_equality() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (OLD.sex, OLD.ethnicity, OLD.first_language, OLD.religion, OLD.disability)
           IS DISTINCT FROM (NEW.sex, NEW.ethnicity, NEW.first_language, NEW.religion, NEW.disability) THEN
          INSERT INTO person_equality_history (partnership_id, person_id, sex, ethnicity, first_language, religion, disability, valid_until)
          VALUES (OLD.partnership_id, OLD.id, OLD.sex, OLD.ethnicity, OLD.first_language, OLD.religion, OLD.disability, now());
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER person_equality_history_keep AFTER UPDATE OF sex, ethnicity, first_language, religion, disability ON person
       FOR EACH ROW EXECUTE FUNCTION mash_keep_person_equality()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER person_equality_history_keep ON person`);
    await q.query(`DROP FUNCTION mash_keep_person_equality()`);
    await q.query(`DROP TABLE "person_equality_history"`);
  }
}
