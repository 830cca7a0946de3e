import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A workflow that never blocks (issue 19 §2).
 * - Agency checks: NO_INFORMATION (the agency holds nothing: a real answer, not a refusal) and
 *   CLOSED (the MASH stopped waiting, with a closure reason, by whom and when).
 * - Referrals: the acknowledgement's expected decision time; a returned proposal (who, when,
 *   comment); why a manager amended a proposal; why a decision was authorised over outstanding checks.
 * - referral_transition: the status history, one row per transition, written with the change
 *   (the code only appends; the tamper-evident record stays the audit). Existing referrals get their history from
 *   the audit (every transition since the triage migration was audited with its actor); reasons
 *   given before this migration are in the audit only.
 */
export class WorkflowNeverBlocks1764000600000 implements MigrationInterface {
  name = 'WorkflowNeverBlocks1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "agency_check" DROP CONSTRAINT "agency_check_status_check"`);
    await q.query(`ALTER TABLE "agency_check" ADD "closed_reason" text`);
    await q.query(`ALTER TABLE "agency_check" ADD "closed_note" text`);
    await q.query(`ALTER TABLE "agency_check" ADD "closed_by" text`);
    await q.query(`ALTER TABLE "agency_check" ADD "closed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(
      `ALTER TABLE "agency_check" ADD CONSTRAINT "agency_check_status_check" CHECK (status IN ('REQUESTED','IN_PROGRESS','RETURNED','NO_INFORMATION','DECLINED','CLOSED'))`,
    );
    await q.query(`ALTER TABLE "agency_check" ADD CONSTRAINT "agency_check_closed_reason" CHECK ((status = 'CLOSED') = (closed_reason IS NOT NULL))`);
    await q.query(
      `ALTER TABLE "agency_check" ADD CONSTRAINT "agency_check_closed_reason_check" CHECK (closed_reason IS NULL OR closed_reason IN ('NO_LONGER_NEEDED','TIMED_OUT','ESCALATED','DECIDED_WITHOUT'))`,
    );

    // Governance metrics count checks closed without an answer by closed_at (src/metrics).
    await q.query(`CREATE INDEX "agency_check_closed_idx" ON "agency_check" ("closed_at") WHERE closed_at IS NOT NULL`);

    await q.query(`ALTER TABLE "referral" ADD "acknowledged_decision_by" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "referral" ADD "decision_returned_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "referral" ADD "decision_returned_by" text`);
    await q.query(`ALTER TABLE "referral" ADD "decision_return_comment" text`);
    await q.query(`ALTER TABLE "referral" ADD "decision_amendment_reason" text`);
    await q.query(`ALTER TABLE "referral" ADD "decided_over_checks_reason" text`);

    await q.query(
      `CREATE TABLE "referral_transition" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "referral_id" uuid NOT NULL, "transition" text NOT NULL, "from_status" text, "to_status" text NOT NULL, "version" integer NOT NULL, "actor_sub" text NOT NULL, "actor_name" text NOT NULL, "actor_agency" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "detail" text, "reason" text, "check_agency" text, CONSTRAINT "PK_referral_transition" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "referral_transition_referral_idx" ON "referral_transition" ("referral_id", "version") `);
    await q.query(
      `ALTER TABLE "referral_transition" ADD CONSTRAINT "referral_transition_referral_fk" FOREIGN KEY ("referral_id") REFERENCES "referral"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Backfill: the receipt of every referral, then every audited transition (actor, time, statuses).
    await q.query(`
      INSERT INTO referral_transition (referral_id, transition, from_status, to_status, version, actor_sub, actor_name, actor_agency, occurred_at)
      SELECT r.id, 'SUBMIT', NULL, 'RECEIVED', 1, r.referrer_sub, r.referrer_name, r.referrer_agency, r.received_at FROM referral r`);
    await q.query(`
      INSERT INTO referral_transition (referral_id, transition, from_status, to_status, version, actor_sub, actor_name, actor_agency, occurred_at)
      SELECT (c->>'id')::uuid, c->'after'->>'transition', c->'before'->>'status', c->'after'->>'status', (c->'after'->>'version')::int,
             e.actor_sub, coalesce(e.payload #>> '{actor,name}', e.actor_sub), coalesce(e.actor_agency, ''), e.occurred_at
        FROM audit_event e
       CROSS JOIN LATERAL jsonb_array_elements(e.payload -> 'changes') c
       WHERE e.action = 'UPDATE' AND e.outcome = 'SUCCESS' AND c->>'entity' = 'referral' AND c->'after' ? 'transition'
         AND EXISTS (SELECT 1 FROM referral r WHERE r.id = (c->>'id')::uuid)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "referral_transition"`);
    for (const c of ['acknowledged_decision_by', 'decision_returned_at', 'decision_returned_by', 'decision_return_comment', 'decision_amendment_reason', 'decided_over_checks_reason'])
      await q.query(`ALTER TABLE "referral" DROP COLUMN "${c}"`);
    await q.query(`DROP INDEX "agency_check_closed_idx"`);
    await q.query(`ALTER TABLE "agency_check" DROP CONSTRAINT "agency_check_closed_reason_check"`);
    await q.query(`ALTER TABLE "agency_check" DROP CONSTRAINT "agency_check_closed_reason"`);
    await q.query(`ALTER TABLE "agency_check" DROP CONSTRAINT "agency_check_status_check"`);
    for (const c of ['closed_reason', 'closed_note', 'closed_by', 'closed_at']) await q.query(`ALTER TABLE "agency_check" DROP COLUMN "${c}"`);
    await q.query(`ALTER TABLE "agency_check" ADD CONSTRAINT "agency_check_status_check" CHECK (status IN ('REQUESTED','IN_PROGRESS','RETURNED','DECLINED'))`);
  }
}
