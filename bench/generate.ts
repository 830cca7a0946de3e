import type { Client } from 'pg';

/**
 * The synthetic partnership at scale, generated inside PostgreSQL with set-based INSERT … SELECT
 * over generate_series (as fast as COPY, no client round trips). Reproducible: every "random" value
 * is a hash of the row number (bench_rand), so the same scale always yields the same data.
 * Names are invented ("Benchname123"); NHS numbers are left empty.
 *
 * Referrals carry what the governance metrics read (decisions and their timing, assigned workers,
 * referrer feedback, agency-check turnaround); meetings (strategy discussions, ICPCs, reviews) carry
 * subjects and five invitees each with their attendance; break-glass openings are spread over the
 * five years. Audit rows are generated separately (`generateAudit`), in chunks, so the 10M option
 * can top up an existing partnership.
 */
/** Bumped whenever the generated shape changes: a database of another version is regenerated. */
export const GENERATOR_VERSION = 3;
export interface Scale {
  children: number;
  adults: number;
  records: number;
  referrals: number;
  meetings: number;
  auditEvents: number;
}

export const FULL_SCALE: Scale = {
  children: 60_000,
  adults: 40_000,
  records: 300_000,
  referrals: 100_000,
  meetings: 20_000,
  auditEvents: 1_000_000,
};

export function scaled(factor: number): Scale {
  const s = (n: number) => Math.max(50, Math.round(n * factor));
  return {
    children: s(FULL_SCALE.children),
    adults: s(FULL_SCALE.adults),
    records: s(FULL_SCALE.records),
    referrals: s(FULL_SCALE.referrals),
    meetings: s(FULL_SCALE.meetings),
    auditEvents: s(FULL_SCALE.auditEvents),
  };
}

const AGENCIES = ['police', 'health', 'social-care', 'education', 'probation'];
/** The role each generated audit actor had (agency of `bench-user-N` is AGENCIES[N % 5]). */
const AGENCY_ROLES = [
  'POLICE_MASH_OFFICER',
  'HEALTH_MASH_PRACTITIONER',
  'MASH_SOCIAL_WORKER',
  'EDUCATION_MASH_OFFICER',
  'PROBATION_MASH_OFFICER',
];

export async function generate(db: Client, scale: Scale, log: (m: string) => void): Promise<void> {
  const people = scale.children + scale.adults;
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const t0 = Date.now();
    await db.query(sql, params);
    log(`${label} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };
  // One transaction: an interrupted generation leaves nothing behind to be mistaken for data.
  await db.query('BEGIN');
  // The generated partnership is the deployment's first (ADR 016): rows take it by default.
  await db.query(`SELECT set_config('mash.partnership', 'default', true)`);
  await db.query(`CREATE OR REPLACE FUNCTION bench_rand(seed text) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || substr(md5(seed), 1, 12))::bit(48)::bigint / 281474976710656.0 $$`);

  // The first person is the Q1 child: records from every agency, subject of referral 1.
  await step(
    `${people} people`,
    `INSERT INTO person (id, kind, given_name, family_name, date_of_birth, sex, ethnicity, first_language, religion, disability, created_by_agency)
     SELECT md5('p' || g)::uuid,
            CASE WHEN g <= $1 THEN 'CHILD' ELSE 'ADULT' END,
            'Given' || (g % 997), 'Benchname' || (g % 7919),
            CASE WHEN g <= $1 THEN date '2008-09-01' + (bench_rand('dob' || g) * 6500)::int
                 ELSE date '1965-01-01' + (bench_rand('dob' || g) * 14000)::int END,
            (ARRAY['FEMALE','MALE'])[1 + (g % 2)],
            CASE WHEN bench_rand('eth' || g) < 0.15 THEN 'NOT_RECORDED' WHEN bench_rand('eth' || g) < 0.25 THEN 'ASIAN_PAKISTANI'
                 WHEN bench_rand('eth' || g) < 0.32 THEN 'BLACK_AFRICAN' WHEN bench_rand('eth' || g) < 0.38 THEN 'MIXED_OTHER' ELSE 'WHITE_BRITISH' END,
            CASE WHEN bench_rand('lang' || g) < 0.2 THEN 'NOT_PROVIDED_BY_SOURCE' WHEN bench_rand('lang' || g) < 0.27 THEN 'ur' ELSE 'en' END,
            CASE WHEN bench_rand('rel' || g) < 0.45 THEN 'NOT_RECORDED' WHEN bench_rand('rel' || g) < 0.75 THEN 'NO_RELIGION'
                 WHEN bench_rand('rel' || g) < 0.9 THEN 'CHRISTIAN' ELSE 'MUSLIM' END,
            'NOT_RECORDED', 'social-care'
       FROM generate_series(1, $2) g`,
    [scale.children, people],
  );
  await step(
    'person sources',
    `INSERT INTO person_source (person_id, agency_code, source_system, source_ref, content_hash)
     SELECT md5('p' || g)::uuid, 'social-care', 'BENCH', 'p' || g, 'bench' FROM generate_series(1, $1) g`,
    [people],
  );
  await step(
    'relationships (each child: a mother; every third child: a sibling)',
    `INSERT INTO person_relationship (person_id, related_person_id, type, recorded_by_agency)
     SELECT md5('p' || g)::uuid, md5('p' || ($1 + 1 + (g % $2)))::uuid, 'MOTHER', 'social-care' FROM generate_series(1, $1) g
     UNION ALL
     SELECT md5('p' || g)::uuid, md5('p' || (g + 1))::uuid, 'SIBLING', 'social-care' FROM generate_series(1, $1 - 1, 3) g`,
    [scale.children, scale.adults],
  );
  await step(
    `${scale.records} agency records`,
    `INSERT INTO agency_record (id, person_id, owning_agency, record_type, occurred_at, summary, data, source_system, source_ref,
                                recorded_by, recorded_at, content_hash)
     SELECT md5('r' || g)::uuid,
            md5('p' || CASE WHEN g <= 5 THEN 1 ELSE 1 + (bench_rand('rp' || g) * ($2 - 1))::int END)::uuid,
            a.agency, a.type, now() - (bench_rand('rt' || g) * interval '1825 days'),
            'Fictional summary of record ' || g, a.data, 'BENCH', 'r' || g, 'Bench Recorder', now() - interval '1 day', 'bench'
       FROM generate_series(1, $1) g
       CROSS JOIN LATERAL (SELECT (ARRAY['police','health','social-care','education','probation'])[1 + (g % 5)] AS agency) x
       CROSS JOIN LATERAL (SELECT x.agency AS agency,
            CASE x.agency WHEN 'police' THEN 'POLICE_INCIDENT' WHEN 'health' THEN 'HEALTH_VISITING'
                          WHEN 'social-care' THEN 'SOCIAL_CARE_INVOLVEMENT' WHEN 'education' THEN 'EDUCATION_ENROLMENT'
                          ELSE 'PROBATION_SUPERVISION' END AS type,
            CASE x.agency WHEN 'police' THEN jsonb_build_object('personRole', 'VICTIM', 'detail', 'Fictional detail ' || g, 'informantIdentity', 'Fictional informant')
                          WHEN 'health' THEN jsonb_build_object('practitioner', 'Fictional HV', 'clinicalNotes', 'Fictional note ' || g)
                          WHEN 'social-care' THEN jsonb_build_object('legalStatus', 'CHILD_IN_NEED', 'caseNotes', 'Fictional case note ' || g)
                          WHEN 'education' THEN jsonb_build_object('school', 'Fictional Primary', 'attendancePercent', 91.5, 'dslNotes', 'Fictional DSL note')
                          ELSE jsonb_build_object('mappaLevel', 'LEVEL_1', 'offenceSummary', 'Fictional offence') END AS data) a`,
    [scale.records, people],
  );
  // Closed referrals carry an authorised decision: time in MASH from about a quarter of the RAG
  // timescale to twice it (so some are late), outcomes in a MASH-like mix (every eighth referral a
  // strategy discussion: the meetings below hang off those), 70 % with referrer feedback.
  await step(
    `${scale.referrals} referrals with subjects, decisions and checks`,
    `WITH g AS (
       SELECT g, now() - (bench_rand('rr' || g) * interval '1825 days') AS received_at,
              CASE WHEN bench_rand('rag' || g) < 0.15 THEN 'RED' WHEN bench_rand('rag' || g) < 0.6 THEN 'AMBER' ELSE 'GREEN' END AS rag,
              bench_rand('st' || g) AS st, bench_rand('dt' || g) AS dt, bench_rand('oc' || g) AS oc, bench_rand('fb' || g) AS fb
         FROM generate_series(1, $1) g),
     s AS (
       SELECT g.*, CASE WHEN g = 1 OR st < 0.02 THEN 'AWAITING_CHECKS' WHEN st < 0.04 THEN 'SCREENED' WHEN st < 0.06 THEN 'RECEIVED'
                        WHEN st < 0.09 THEN 'WITHDRAWN' ELSE 'CLOSED' END AS status,
              CASE rag WHEN 'RED' THEN interval '4 hours' WHEN 'AMBER' THEN interval '1 day' ELSE interval '3 days' END AS rag_window
         FROM g),
     d AS (
       SELECT s.*, CASE WHEN status = 'CLOSED' THEN received_at + rag_window * (0.25 + dt * 1.75) END AS decided_at,
              CASE WHEN status <> 'CLOSED' THEN NULL WHEN g % 8 = 0 THEN 'STRATEGY_DISCUSSION'
                   ELSE (ARRAY['NO_FURTHER_ACTION','ADVICE_AND_INFORMATION','EARLY_HELP','EARLY_HELP','CHILD_IN_NEED_ASSESSMENT',
                               'CHILD_IN_NEED_ASSESSMENT','POLICE_ONLY','REFER_TO_OTHER_SERVICE'])[1 + floor(oc * 8)::int] END AS outcome
         FROM s)
     INSERT INTO referral (id, reference, referrer_sub, referrer_name, referrer_agency, concern_categories, narrative, consent_sought,
                           consent_given, lawful_basis, article6_basis, special_category_condition, status, rag, decision_due_at, received_at, updated_at,
                           assigned_to_sub, assigned_to_name, decision_outcome, decision_rationale, threshold_level,
                           decision_proposed_by, decision_proposed_at, decision_authorised_by, decision_authorised_at,
                           strategy_requested_at, closed_reason, feedback_message, feedback_sent_at, feedback_sent_by)
     SELECT md5('ref' || g)::uuid, 'MASH-' || extract(year FROM received_at) || '-' || lpad(g::text, 6, '0'),
            'bench-referrer-' || (g % 400), 'Bench Referrer', (ARRAY['police','health','education'])[1 + (g % 3)],
            ARRAY['NEGLECT'], 'Fictional narrative for referral ' || g, true, st > 0.3,
            CASE WHEN st > 0.3 THEN NULL ELSE 'PUBLIC_TASK' END,
            CASE WHEN st > 0.3 THEN NULL ELSE 'PUBLIC_TASK' END,
            CASE WHEN st > 0.3 THEN NULL ELSE 'SAFEGUARDING_CHILDREN_AT_RISK' END,
            status, rag, received_at + rag_window, received_at, coalesce(decided_at, received_at),
            CASE WHEN status = 'RECEIVED' THEN NULL ELSE 'bench-sw-' || (1 + g % 40) END,
            CASE WHEN status = 'RECEIVED' THEN NULL ELSE 'Bench Worker ' || (1 + g % 40) END,
            outcome, CASE WHEN outcome IS NOT NULL THEN 'Fictional rationale' END,
            CASE WHEN outcome IS NULL THEN NULL WHEN outcome IN ('STRATEGY_DISCUSSION','CHILD_IN_NEED_ASSESSMENT') THEN 'LEVEL_4_SPECIALIST'
                 WHEN outcome = 'EARLY_HELP' THEN 'LEVEL_2_EARLY_HELP' ELSE 'LEVEL_3_TARGETED' END,
            CASE WHEN outcome IS NOT NULL THEN 'bench-sw-' || (1 + g % 40) END,
            CASE WHEN outcome IS NOT NULL THEN decided_at - (decided_at - received_at) / 5 END,
            CASE WHEN outcome IS NOT NULL THEN 'bench-manager-' || (1 + g % 6) END, decided_at,
            CASE WHEN outcome = 'STRATEGY_DISCUSSION' THEN decided_at END,
            CASE WHEN status = 'CLOSED' THEN 'DECISION_AUTHORISED' END,
            CASE WHEN status = 'CLOSED' AND fb < 0.7 THEN 'Fictional feedback to the referrer' END,
            CASE WHEN status = 'CLOSED' AND fb < 0.7 THEN decided_at + interval '1 hour' * (2 + fb * 100) END,
            CASE WHEN status = 'CLOSED' AND fb < 0.7 THEN 'bench-sw-' || (1 + g % 40) END
       FROM d`,
    [scale.referrals],
  );
  await db.query(
    `INSERT INTO referral_subject (referral_id, person_id)
     SELECT md5('ref' || g)::uuid, md5('p' || CASE WHEN g = 1 THEN 1 ELSE 1 + (bench_rand('rs' || g) * ($2 - 1))::int END)::uuid
       FROM generate_series(1, $1) g
     UNION ALL
     SELECT md5('ref' || g)::uuid, md5('p' || (2 + (bench_rand('rs2' || g) * ($2 - 2))::int))::uuid
       FROM generate_series(1, $1, 4) g`,
    [scale.referrals, scale.children],
  );
  // Checks: open for referrals awaiting them; otherwise answered 1 to 40 hours after the request
  // (due 8 hours after), 5 % declined.
  await db.query(
    `INSERT INTO agency_check (referral_id, agency, status, requested_at, requested_by, due_at, returned_at, responded_by, findings_summary, declined_reason)
     SELECT r.id, a.agency, x.status, r.received_at + interval '1 hour', 'bench-sw-1', r.received_at + interval '9 hours',
            CASE WHEN x.status <> 'REQUESTED' THEN r.received_at + interval '1 hour' + interval '1 hour' * (1 + 39 * bench_rand('ct' || r.id || a.agency)) END,
            CASE WHEN x.status <> 'REQUESTED' THEN 'bench-' || a.agency || '-officer' END,
            CASE WHEN x.status = 'RETURNED' THEN 'Fictional findings' END,
            CASE WHEN x.status = 'DECLINED' THEN 'Fictional reason for declining' END
       FROM referral r CROSS JOIN (VALUES ('police'), ('health'), ('education')) a(agency)
       CROSS JOIN LATERAL (SELECT CASE WHEN r.status = 'AWAITING_CHECKS' THEN 'REQUESTED'
                                       WHEN bench_rand('cd' || r.id || a.agency) < 0.05 THEN 'DECLINED' ELSE 'RETURNED' END AS status) x`,
  );
  // The hub numbers its own referrals from this sequence: start after the generated references.
  await db.query(`SELECT setval('referral_reference_seq', $1)`, [scale.referrals + 1]);
  await generateMeetings(scale, step);
  await step(
    'break-glass openings (one per 100 referrals, reviewed after a week)',
    `INSERT INTO break_glass (id, actor_sub, actor_name, actor_agency, person_id, reason, opened_at, expires_at, reviewed_at, reviewed_by, review_outcome)
     SELECT md5('bg' || g)::uuid, 'bench-user-' || (g % 400), 'Bench Actor', ($3::text[])[1 + (g % 400) % 5],
            md5('p' || (1 + (bench_rand('bgp' || g) * ($2 - 1))::int))::uuid,
            'Fictional emergency: child missing overnight, checking known addresses', o.opened_at, o.opened_at + interval '4 hours',
            CASE WHEN o.opened_at < now() - interval '7 days' THEN o.opened_at + interval '3 days' END,
            CASE WHEN o.opened_at < now() - interval '7 days' THEN 'bench-ig-1' END,
            CASE WHEN o.opened_at < now() - interval '7 days' THEN 'JUSTIFIED' END
       FROM generate_series(1, greatest(1, $1 / 100)) g
       CROSS JOIN LATERAL (SELECT now() - bench_rand('bgt' || g) * interval '1825 days' AS opened_at) o`,
    [scale.referrals, scale.children, AGENCIES],
  );
  await db.query(`CREATE TABLE IF NOT EXISTS bench_generation (version integer NOT NULL, audit_rows bigint NOT NULL)`);
  await db.query(`INSERT INTO bench_generation (version, audit_rows) VALUES ($1, 0)`, [GENERATOR_VERSION]);
  await db.query('COMMIT');
  await db.query('ANALYZE');
}

/**
 * 20,000 meetings at full scale: 60 % strategy discussions (each about a referral decided as one,
 * with that referral's subjects), 40 % of them starting a section 47 enquiry with an ICPC due 21 days
 * later and an ICPC held 8 to 28 days after the discussion (so some are late); the rest review
 * conferences and core groups. Five invitees per meeting (100,000 attendance rows), with attendance
 * recorded once the meeting was held.
 */
async function generateMeetings(scale: Scale, step: (label: string, sql: string, params?: unknown[]) => Promise<void>) {
  const sd = Math.round(scale.meetings * 0.6);
  const icpc = Math.floor(sd * 0.4);
  const other = Math.max(0, scale.meetings - sd - icpc);
  // Strategy discussion g is about referral 8g (decided STRATEGY_DISCUSSION when closed); its
  // outcome is a section 47 enquiry when g % 5 < 2, which gives exactly `icpc` ICPCs.
  await step(
    `${sd} strategy discussions, ${icpc} ICPCs, ${other} other meetings`,
    `WITH sd AS (
       SELECT g, md5('m' || g)::uuid AS id, r.id AS referral_id, r.received_at + interval '1 day' * (1 + 3 * bench_rand('ms' || g)) AS at,
              CASE g % 5 WHEN 0 THEN 'SECTION_47_JOINT' WHEN 1 THEN 'SECTION_47_SINGLE_AGENCY' WHEN 3 THEN 'NO_FURTHER_ACTION' ELSE 'CHILD_IN_NEED' END AS outcome
         FROM generate_series(1, $1) g JOIN referral r ON r.id = md5('ref' || (1 + ((8 * g - 1) % $3)))::uuid),
     all_meetings AS (
       SELECT id, 'STRATEGY_DISCUSSION' AS type, referral_id, at, outcome,
              CASE WHEN outcome LIKE 'SECTION_47%' THEN (at + interval '21 days')::date END AS icpc_due, g
         FROM sd
       UNION ALL
       SELECT md5('mi' || g)::uuid, 'INITIAL_CHILD_PROTECTION_CONFERENCE', referral_id, at + interval '1 day' * (8 + 20 * bench_rand('ic' || g)),
              NULL, NULL, g
         FROM sd WHERE g % 5 < 2 AND g <= $1
       UNION ALL
       SELECT md5('mo' || g)::uuid, (ARRAY['REVIEW_CHILD_PROTECTION_CONFERENCE','CORE_GROUP'])[1 + g % 2],
              md5('ref' || (1 + ((8 * g + 3) % $3)))::uuid, now() - bench_rand('mot' || g) * interval '1800 days', NULL, NULL, g
         FROM generate_series(1, $2) g),
     st AS (
       SELECT m.*, CASE WHEN at > now() THEN 'SCHEDULED' WHEN bench_rand('mst' || id) < 0.05 THEN 'CANCELLED'
                        WHEN bench_rand('mst' || id) < 0.15 THEN 'HELD' ELSE 'COMPLETED' END AS status
         FROM all_meetings m)
     INSERT INTO meeting (id, type, referral_id, scheduled_at, organising_agency, chair_sub, chair_name, status, outcome, outcome_recorded_by,
                          outcome_recorded_at, minutes, quorate, icpc_due_at, held_at, completed_at, cancelled_reason, created_by, created_at, updated_at)
     SELECT id, type, referral_id, at, 'social-care', 'bench-manager-' || (1 + g % 6), 'Bench Chair', status,
            CASE WHEN status IN ('HELD','COMPLETED') THEN outcome END,
            CASE WHEN status IN ('HELD','COMPLETED') AND outcome IS NOT NULL THEN 'bench-manager-1' END,
            CASE WHEN status IN ('HELD','COMPLETED') AND outcome IS NOT NULL THEN at + interval '2 hours' END,
            CASE WHEN status IN ('HELD','COMPLETED') THEN 'Fictional minutes' END,
            CASE WHEN status IN ('HELD','COMPLETED') THEN true END,
            CASE WHEN status IN ('HELD','COMPLETED') THEN icpc_due END,
            CASE WHEN status IN ('HELD','COMPLETED') THEN at + interval '1 hour' END,
            CASE WHEN status = 'COMPLETED' THEN at + interval '1 day' END,
            CASE WHEN status = 'CANCELLED' THEN 'Fictional reason' END,
            'bench-sw-1', at - interval '1 day', at
       FROM st`,
    [sd, other, scale.referrals],
  );
  await step(
    'meeting subjects (the referral’s subjects)',
    `INSERT INTO meeting_subject (meeting_id, person_id) SELECT m.id, s.person_id FROM meeting m JOIN referral_subject s ON s.referral_id = m.referral_id`,
  );
  await step(
    'five invitees per meeting with attendance',
    `INSERT INTO meeting_invitee (meeting_id, agency, person_sub, person_name, required, attendance, reason, recorded_by, recorded_at)
     SELECT m.id, a.agency, 'bench-' || a.agency || '-officer', 'Bench Officer', a.agency IN ('police','health','social-care'), x.attendance,
            CASE WHEN x.attendance IN ('SENT_APOLOGIES','SENT_INFORMATION_ONLY','DID_NOT_ATTEND') THEN 'Fictional reason' END,
            CASE WHEN x.attendance <> 'INVITED' THEN 'bench-manager-1' END,
            CASE WHEN x.attendance <> 'INVITED' THEN m.scheduled_at + interval '2 hours' END
       FROM meeting m CROSS JOIN (VALUES ('police'), ('health'), ('social-care'), ('education'), ('probation')) a(agency)
       CROSS JOIN LATERAL (SELECT bench_rand('att' || m.id || a.agency) AS u) r
       CROSS JOIN LATERAL (SELECT CASE WHEN m.status NOT IN ('HELD','COMPLETED') OR r.u < 0.02 THEN 'INVITED' WHEN r.u < 0.82 THEN 'ATTENDED'
                                       WHEN r.u < 0.90 THEN 'SENT_APOLOGIES' WHEN r.u < 0.96 THEN 'SENT_INFORMATION_ONLY' ELSE 'DID_NOT_ATTEND' END AS attendance) x`,
  );
}

/**
 * Empties the audit tables (as the bench database's superuser: the hub's role may not) so the next
 * `generateAudit` loads the seeded audit again from row 1. Every run's own audit, and the IG
 * queries' audit of themselves, otherwise stays in these append-only tables and each later run
 * measures a larger audit than the one it reports (`--reset-audit`; bench/README.md).
 */
export async function resetAudit(db: Client): Promise<void> {
  await db.query('BEGIN');
  // The audit refuses TRUNCATE by trigger (migration 1764000400000); a superuser's replica mode skips it.
  await db.query('SET LOCAL session_replication_role = replica');
  await db.query('TRUNCATE audit_disclosure, audit_event, audit_batch');
  await db.query('UPDATE bench_generation SET audit_rows = 0');
  await db.query('COMMIT');
}

/**
 * Audit rows up to `target` (1M by default, 10M with --audit-rows=10000000): each event a READ by
 * `bench-user-N` (400 users, agency N % 5) disclosing one person, spread uniformly over the last 365
 * days (a multiplicative hash of the row number: cheaper than bench_rand at 10M rows), every 997th a break-glass read; the payload is a complete event as the hub writes it, so the
 * IG access log reads it like any other. Batches of 1000 events with placeholder hashes (the chain
 * does not verify). Loaded with INSERT … SELECT in committed chunks of 500,000 from where an earlier
 * run stopped (bench_generation.audit_rows), so a 1M partnership is topped up to 10M in place.
 */
export async function generateAudit(
  db: Client,
  target: number,
  people: number,
  log: (m: string) => void,
): Promise<void> {
  const [{ have }] = (await db.query(`SELECT audit_rows::bigint AS have FROM bench_generation`)).rows as Array<{
    have: string;
  }>;
  let done = Number(have);
  const pending = await db
    .query(`SELECT 1 FROM pg_class WHERE relname = 'bench_dropped_index'`)
    .then(async (r) =>
      r.rowCount ? Number((await db.query(`SELECT count(*) AS n FROM bench_dropped_index`)).rows[0].n) : 0,
    );
  if (done >= target && pending === 0) return;
  const t0 = Date.now();
  const CHUNK = 500_000;
  // A large load is faster into tables without their secondary indexes, rebuilt by sorting at the
  // end (the primary keys stay). The definitions are read from the catalogue, so whatever the
  // migrations declared is what comes back.
  // The definitions wait in bench_dropped_index until rebuilt, so an interrupted load is repaired
  // by the next run.
  await db.query(`CREATE TABLE IF NOT EXISTS bench_dropped_index (name text PRIMARY KEY, def text NOT NULL)`);
  if (target - done >= 500_000) {
    const present = (
      await db.query(
        `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
          WHERE t.relname IN ('audit_event', 'audit_disclosure') AND NOT i.indisprimary`,
      )
    ).rows as Array<{ name: string; def: string }>;
    for (const ix of present) {
      await db.query(`INSERT INTO bench_dropped_index (name, def) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        ix.name,
        ix.def.replace(' ON ONLY ', ' ON '),
      ]);
      await db.query(`DROP INDEX ${ix.name}`);
    }
    if (present.length) log(`dropped ${present.length} secondary audit indexes for the load`);
  }
  while (done < target) {
    const from = done + 1;
    const to = Math.min(target, done + CHUNK);
    await db.query('BEGIN');
    await db.query(`SELECT set_config('mash.partnership', 'default', true)`);
    const [{ base }] = (await db.query(`SELECT coalesce(max(id), 0)::bigint AS base FROM audit_batch`)).rows as Array<{
      base: string;
    }>;
    await db.query(
      `WITH g AS (
         SELECT g, md5('e' || g)::uuid AS id, now() - ((g * 2654435761) % 1000003) / 1000003.0 * interval '365 days' AS at,
                'bench-user-' || (g % 400) AS actor, ($4::text[])[1 + (g % 400) % 5] AS agency, ($5::text[])[1 + (g % 400) % 5] AS role,
                md5('p' || (1 + (bench_rand('ad' || g) * ($3 - 1))::int))::uuid AS person, g % 997 = 0 AS bg
           FROM generate_series($1::bigint, $2::bigint) g),
       b AS (INSERT INTO audit_batch (id, sealed_at, event_count, rows_hash, prev_hash, hash)
             SELECT $6::bigint + k, now(), 1000, 'bench', 'bench', 'bench'
               FROM generate_series(1, ceil(($2 - $1 + 1) / 1000.0)::int) k RETURNING id),
       e AS (INSERT INTO audit_event (id, occurred_at, batch_id, seq, request_id, actor_sub, actor_agency, purpose, break_glass,
                                      operation_name, action, outcome, payload)
             SELECT id, at, $6::bigint + 1 + (g - $1) / 1000, (g - $1) % 1000, 'bench-seed-' || g, actor, agency,
                    CASE WHEN bg THEN 'BREAK_GLASS' ELSE 'TRIAGE' END, bg, 'Q', 'READ', 'SUCCESS',
                    jsonb_build_object('id', id, 'occurredAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                      'requestId', 'bench-seed-' || g,
                      'actor', jsonb_build_object('sub', actor, 'name', 'Bench Actor', 'agency', agency, 'roles', jsonb_build_array(role)),
                      'purpose', CASE WHEN bg THEN 'BREAK_GLASS' ELSE 'TRIAGE' END,
                      'breakGlass', CASE WHEN bg THEN jsonb_build_object('id', md5('bg' || g)::uuid, 'reason', 'Fictional emergency reason for the bench') END,
                      'operation', jsonb_build_object('type', 'query', 'name', 'Q', 'documentHash', null),
                      'action', 'READ', 'outcome', 'SUCCESS', 'errorCodes', '[]'::jsonb, 'changes', '[]'::jsonb,
                      'subjects', jsonb_build_array(jsonb_build_object('personId', person, 'outcome', 'DISCLOSED', 'recordIds', '[]'::jsonb,
                        'released', jsonb_build_array('Person.givenName', 'Person.familyName'), 'redacted', '[]'::jsonb,
                        'relationships', jsonb_build_array('REFERRAL'))))
               FROM g RETURNING 1)
       INSERT INTO audit_disclosure (event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome, released, relationships)
       SELECT id, at, person, actor, agency, CASE WHEN bg THEN 'BREAK_GLASS' ELSE 'TRIAGE' END, 'DISCLOSED',
              ARRAY['Person.givenName','Person.familyName'], ARRAY['REFERRAL']
         FROM g`,
      [from, to, people, AGENCIES, AGENCY_ROLES, Number(base)],
    );
    await db.query(`UPDATE bench_generation SET audit_rows = $1`, [to]);
    await db.query('COMMIT');
    done = to;
    log(
      `audit events ${done.toLocaleString('en-GB')} / ${target.toLocaleString('en-GB')} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  const dropped = (await db.query(`SELECT name, def FROM bench_dropped_index`)).rows as Array<{
    name: string;
    def: string;
  }>;
  if (dropped.length) {
    const t1 = Date.now();
    await db.query(`SET maintenance_work_mem = '512MB'`);
    for (const ix of dropped) {
      await db.query(ix.def);
      await db.query(`DELETE FROM bench_dropped_index WHERE name = $1`, [ix.name]);
    }
    await db.query('RESET maintenance_work_mem');
    log(`rebuilt ${dropped.length} secondary audit indexes (${((Date.now() - t1) / 1000).toFixed(0)} s)`);
  }
  await db.query('ANALYZE audit_event');
  await db.query('ANALYZE audit_disclosure');
  log(`audit rows loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
