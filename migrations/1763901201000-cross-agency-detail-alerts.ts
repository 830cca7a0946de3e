import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cross-agency detail alerts (issue 4 item 5, product.md C5): when a user of one agency is released
 * AGENCY_DETAIL owned by another agency outside a strategy discussion, the owning agency gets a
 * CROSS_AGENCY_DETAIL_READ alert (queryable with `alerts`, pushed on `alertRaised`).
 *
 * Raised from the stored audit, not by the resolvers: a statement-level AFTER INSERT trigger on
 * audit_event reads the inserted events' payloads (each subject's `detailOwners`, written by
 * src/audit/audit-builder.ts) in one set-based INSERT … SELECT. So the alert commits in the same
 * transaction as the audit row it comes from (never lost, never raised for an unaudited read), in
 * the same round trip, whatever code appends the audit. Per batch, not per row.
 *
 * Not alerted: the reader's own agency; system actors (no agency); break-glass events (every holder
 * already gets a BREAK_GLASS alert); the strategy-discussion route — purpose STRATEGY or SECTION_47
 * with the reader's agency invited to the person's strategy discussion (STRATEGY_INVITE).
 * Flood control: at most one alert per (owning agency, person, reader, UTC day), by a partial unique
 * index and ON CONFLICT DO NOTHING.
 */
export class CrossAgencyDetailAlerts1763901201000 implements MigrationInterface {
  name = 'CrossAgencyDetailAlerts1763901201000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNIQUE INDEX alert_cross_agency_daily_idx
          ON alert (to_agency, person_id, actor_sub, ((created_at AT TIME ZONE 'UTC')::date))
       WHERE kind = 'CROSS_AGENCY_DETAIL_READ'`);
    // SET search_path: the function runs as the inserting role with a fixed resolution of names.
    await q.query(`
      CREATE FUNCTION mash_alert_cross_agency_detail() RETURNS trigger
      LANGUAGE plpgsql SET search_path = public AS $$
      DECLARE r record;
      BEGIN
        FOR r IN
          WITH raised AS (
            INSERT INTO alert (kind, to_agency, person_id, actor_sub, actor_name, actor_agency, created_at)
            SELECT 'CROSS_AGENCY_DETAIL_READ', o.owner, p.id, e.actor_sub,
                   coalesce(e.payload #>> '{actor,name}', e.actor_sub), e.actor_agency, e.occurred_at
              FROM new_events e
             CROSS JOIN LATERAL jsonb_array_elements(e.payload -> 'subjects') s(subject)
             CROSS JOIN LATERAL jsonb_array_elements_text(s.subject -> 'detailOwners') o(owner)
              JOIN person p ON p.id = (s.subject ->> 'personId')::uuid
             WHERE e.payload -> 'subjects' @? '$[*].detailOwners'
               AND NOT e.break_glass
               AND e.actor_agency IS NOT NULL
               AND o.owner <> e.actor_agency
               AND NOT (e.purpose IN ('STRATEGY', 'SECTION_47') AND s.subject -> 'relationships' ? 'STRATEGY_INVITE')
            ON CONFLICT DO NOTHING
            RETURNING id, to_agency)
          SELECT id, to_agency FROM raised
        LOOP
          -- The hub's event channel (src/events/notify.ts): ids only, delivered on commit.
          PERFORM pg_notify('mash_events', json_build_object(
            'topic', 'alert', 'payload', json_build_object('alertId', r.id, 'toAgency', r.to_agency))::text);
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_event_cross_agency_alert
        AFTER INSERT ON audit_event REFERENCING NEW TABLE AS new_events
        FOR EACH STATEMENT EXECUTE FUNCTION mash_alert_cross_agency_detail()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_event_cross_agency_alert ON audit_event`);
    await q.query(`DROP FUNCTION mash_alert_cross_agency_detail()`);
    await q.query(`DROP INDEX alert_cross_agency_daily_idx`);
  }
}
