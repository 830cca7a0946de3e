import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25, cohort 5: private fostering arrangements and their statutory visits (ADR 018). Written from
 * `src/private-fostering/private-fostering.entity.ts`; the CHECKs tie each status to the dates it
 * needs. Both tables are walled at once (ADR 016): `mash_make_tenant_table` adds `partnership_id`,
 * its foreign key, rebuilds the indexes to lead with it and forces row-level security.
 */
export class PrivateFostering1765000000000 implements MigrationInterface {
  name = 'PrivateFostering1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "private_fostering_arrangement" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "person_id" uuid NOT NULL, "recording_agency" text NOT NULL, "recorded_by_sub" text NOT NULL, "recorded_by_name" text NOT NULL, "notified_by" text NOT NULL, "notifier_name" text NOT NULL, "notified_at" TIMESTAMP WITH TIME ZONE NOT NULL, "arrangement_started_on" date NOT NULL, "initial_visit_due_on" date NOT NULL, "initial_visit_on" date, "last_visit_on" date, "closed_on" date, "closure_reason" text, "status" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', ` +
        `CONSTRAINT "private_fostering_status_fields_check" CHECK ((initial_visit_on IS NULL) = (last_visit_on IS NULL) AND (status = 'CLOSED') = (closed_on IS NOT NULL) AND (closed_on IS NULL) = (closure_reason IS NULL) AND (status <> 'VISITING' OR initial_visit_on IS NOT NULL) AND (status <> 'NOTIFIED' OR initial_visit_on IS NULL)), ` +
        `CONSTRAINT "private_fostering_closure_check" CHECK (closure_reason IS NULL OR closure_reason IN ('RETURNED_TO_PARENT','AGE_LIMIT_REACHED','BECAME_LOOKED_AFTER','MOVED_AWAY','NOT_PRIVATE_FOSTERING','OTHER')), ` +
        `CONSTRAINT "private_fostering_status_check" CHECK (status IN ('NOTIFIED','VISITING','CLOSED')), ` +
        `CONSTRAINT "private_fostering_notifier_check" CHECK (notified_by IN ('PARENT','PRIVATE_FOSTER_CARER','PROFESSIONAL','OTHER')), ` +
        `CONSTRAINT "PK_private_fostering_arrangement" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "private_fostering_person_idx" ON "private_fostering_arrangement" ("person_id")`);
    await q.query(`CREATE INDEX "private_fostering_notified_idx" ON "private_fostering_arrangement" ("notified_at", "id")`);
    await q.query(
      `ALTER TABLE "private_fostering_arrangement" ADD CONSTRAINT "private_fostering_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE TABLE "private_fostering_visit" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "arrangement_id" uuid NOT NULL, "initial" boolean NOT NULL, "due_on" date NOT NULL, "held_on" date NOT NULL, "recorded_by_sub" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ` +
        `CONSTRAINT "private_fostering_visit_check" CHECK (held_on IS NOT NULL AND due_on IS NOT NULL), CONSTRAINT "PK_private_fostering_visit" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "private_fostering_visit_arrangement_idx" ON "private_fostering_visit" ("arrangement_id", "held_on")`);
    await q.query(
      `ALTER TABLE "private_fostering_visit" ADD CONSTRAINT "private_fostering_visit_arrangement_fk" FOREIGN KEY ("arrangement_id") REFERENCES "private_fostering_arrangement"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    for (const table of ['private_fostering_arrangement', 'private_fostering_visit']) await q.query(`SELECT mash_make_tenant_table($1)`, [table]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "private_fostering_visit"`);
    await q.query(`DROP TABLE "private_fostering_arrangement"`);
  }
}
