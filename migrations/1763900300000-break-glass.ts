import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Break-glass (C2) and the alerts it raises. Drafted by `npm run migration:draft` from the entities,
 * then reviewed: added the partial index behind the IG review queue (open reviews, oldest first).
 */
export class BreakGlass1763900300000 implements MigrationInterface {
  name = 'BreakGlass1763900300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "break_glass" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "actor_sub" text NOT NULL, "actor_name" text NOT NULL, "actor_agency" text NOT NULL, "person_id" uuid NOT NULL, "reason" text NOT NULL, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reviewed_at" TIMESTAMP WITH TIME ZONE, "reviewed_by" text, "review_outcome" text, "review_note" text, CONSTRAINT "break_glass_review_complete_check" CHECK ((reviewed_at IS NULL) = (review_outcome IS NULL) AND (reviewed_at IS NULL) = (reviewed_by IS NULL)), CONSTRAINT "break_glass_review_outcome_check" CHECK (review_outcome IS NULL OR review_outcome IN ('JUSTIFIED','JUSTIFIED_WITH_ADVICE','NOT_JUSTIFIED_ADVICE_GIVEN','NOT_JUSTIFIED_REFERRED')), CONSTRAINT "break_glass_expiry_check" CHECK (expires_at > opened_at), CONSTRAINT "break_glass_reason_check" CHECK (char_length(reason) >= 20), CONSTRAINT "PK_d2f2ad4d4dd7744ca883b1b2fe7" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "break_glass_active_idx" ON "break_glass"  ("person_id", "actor_sub", "expires_at") `);
    await q.query(`CREATE INDEX "break_glass_open_review_idx" ON "break_glass" ("opened_at", "id") WHERE reviewed_at IS NULL`);
    await q.query(`CREATE TABLE "alert" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "to_agency" text, "person_id" uuid NOT NULL, "break_glass_id" uuid, "actor_sub" text NOT NULL, "actor_name" text NOT NULL, "actor_agency" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "acknowledged_by" text, CONSTRAINT "alert_kind_check" CHECK (kind IN ('BREAK_GLASS','CROSS_AGENCY_DETAIL_READ')), CONSTRAINT "PK_ad91cad659a3536465d564a4b2f" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "alert_time_idx" ON "alert"  ("created_at", "id") `);
    await q.query(`CREATE INDEX "alert_inbox_idx" ON "alert"  ("to_agency", "created_at", "id") `);
    await q.query(`ALTER TABLE "break_glass" ADD CONSTRAINT "break_glass_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "alert" ADD CONSTRAINT "alert_person_fk" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "alert" ADD CONSTRAINT "alert_break_glass_fk" FOREIGN KEY ("break_glass_id") REFERENCES "break_glass"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "alert"`);
    await q.query(`DROP TABLE "break_glass"`);
  }
}
