import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cross-agency detail alert trigger (migration 1763901201000) as the serving role: its join
 * `person.id = (subject ->> 'personId')::uuid` applies functions that are not leakproof (`->>`, the
 * uuid cast) to the event's JSON, so under the partnership wall's row-level security PostgreSQL may
 * not use it inside the scan of `person` (a walled table's qualifiers must be leakproof to run
 * before its policy) and read every person of the partnership instead, on every append naming
 * another agency's detail: at bench scale 0.1 a sequential scan of 10,000 people, 2.4 ms of the
 * join as mash_app against an index look-up (0.05 ms) as a BYPASSRLS role, growing with the
 * partnership (bench/README.md, third session of 2026-12-06). The people are now named in a
 * materialised step first and looked up by `person.id = ANY (ARRAY(…))` (uuid equality on a
 * parameter: leakproof), so the primary key serves them with the wall on; the array also keeps the
 * planner from guessing the step's size (a function's default of 100 rows each) and hashing every
 * person. Same rows, same alerts, same notifications.
 */
export class CrossAgencyAlertJoinUnderTheWall1765320000000 implements MigrationInterface {
  name = 'CrossAgencyAlertJoinUnderTheWall1765320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION mash_alert_cross_agency_detail() RETURNS trigger
      LANGUAGE plpgsql SET search_path = public AS $$
      DECLARE r record;
      BEGIN
        FOR r IN
          WITH named AS MATERIALIZED (
            SELECT o.owner, (s.subject ->> 'personId')::uuid AS person_id, e.actor_sub,
                   coalesce(e.payload #>> '{actor,name}', e.actor_sub) AS actor_name, e.actor_agency, e.occurred_at
              FROM new_events e
             CROSS JOIN LATERAL jsonb_array_elements(e.payload -> 'subjects') s(subject)
             CROSS JOIN LATERAL jsonb_array_elements_text(s.subject -> 'detailOwners') o(owner)
             WHERE e.payload -> 'subjects' @? '$[*].detailOwners'
               AND NOT e.break_glass
               AND e.actor_agency IS NOT NULL
               AND o.owner <> e.actor_agency
               AND NOT (e.purpose IN ('STRATEGY', 'SECTION_47') AND s.subject -> 'relationships' ? 'STRATEGY_INVITE')),
          raised AS (
            INSERT INTO alert (kind, to_agency, person_id, actor_sub, actor_name, actor_agency, created_at)
            SELECT 'CROSS_AGENCY_DETAIL_READ', n.owner, p.id, n.actor_sub, n.actor_name, n.actor_agency, n.occurred_at
              FROM named n
              JOIN person p ON p.id = n.person_id
             WHERE p.id = ANY (ARRAY(SELECT person_id FROM named))
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
  }

  /** Back to migration 1763901201000's definition. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION mash_alert_cross_agency_detail() RETURNS trigger
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
  }
}
