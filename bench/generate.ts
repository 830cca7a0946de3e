import type { Client } from 'pg';

/**
 * The synthetic partnership at scale, generated inside PostgreSQL with set-based INSERT … SELECT
 * over generate_series (as fast as COPY, no client round trips). Reproducible: every "random" value
 * is a hash of the row number (bench_rand), so the same scale always yields the same data.
 * Names are invented ("Benchname123"); NHS numbers are left empty.
 */
export interface Scale {
  children: number;
  adults: number;
  records: number;
  referrals: number;
  auditEvents: number;
}

export const FULL_SCALE: Scale = { children: 60_000, adults: 40_000, records: 300_000, referrals: 100_000, auditEvents: 1_000_000 };

export function scaled(factor: number): Scale {
  const s = (n: number) => Math.max(50, Math.round(n * factor));
  return {
    children: s(FULL_SCALE.children),
    adults: s(FULL_SCALE.adults),
    records: s(FULL_SCALE.records),
    referrals: s(FULL_SCALE.referrals),
    auditEvents: s(FULL_SCALE.auditEvents),
  };
}

const AGENCIES = ['police', 'health', 'social-care', 'education', 'probation'];

export async function generate(db: Client, scale: Scale, log: (m: string) => void): Promise<void> {
  const people = scale.children + scale.adults;
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const t0 = Date.now();
    await db.query(sql, params);
    log(`${label} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };
  // One transaction: an interrupted generation leaves nothing behind to be mistaken for data.
  await db.query('BEGIN');
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
            CASE WHEN bench_rand('eth' || g) < 0.15 THEN 'NOT_RECORDED' ELSE 'WHITE_BRITISH' END,
            CASE WHEN bench_rand('lang' || g) < 0.2 THEN 'NOT_PROVIDED_BY_SOURCE' ELSE 'en' END,
            'NOT_RECORDED', 'NOT_RECORDED', 'social-care'
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
  await step(
    `${scale.referrals} referrals with subjects and checks`,
    `WITH g AS (
       SELECT g, now() - (bench_rand('rr' || g) * interval '1825 days') AS received_at,
              CASE WHEN bench_rand('rag' || g) < 0.15 THEN 'RED' WHEN bench_rand('rag' || g) < 0.6 THEN 'AMBER' ELSE 'GREEN' END AS rag,
              bench_rand('st' || g) AS st
         FROM generate_series(1, $1) g)
     INSERT INTO referral (id, reference, referrer_sub, referrer_name, referrer_agency, concern_categories, narrative, consent_sought,
                           consent_given, lawful_basis, status, rag, decision_due_at, received_at)
     SELECT md5('ref' || g)::uuid, 'MASH-' || extract(year FROM received_at) || '-' || lpad(g::text, 6, '0'),
            'bench-referrer-' || (g % 400), 'Bench Referrer', (ARRAY['police','health','education'])[1 + (g % 3)],
            ARRAY['NEGLECT'], 'Fictional narrative for referral ' || g, true, st > 0.3,
            CASE WHEN st > 0.3 THEN NULL ELSE 'PUBLIC_TASK' END,
            CASE WHEN g = 1 OR st < 0.02 THEN 'AWAITING_CHECKS' WHEN st < 0.04 THEN 'SCREENED' WHEN st < 0.06 THEN 'RECEIVED'
                 WHEN st < 0.09 THEN 'WITHDRAWN' ELSE 'CLOSED' END,
            rag, received_at + CASE rag WHEN 'RED' THEN interval '4 hours' WHEN 'AMBER' THEN interval '1 day' ELSE interval '3 days' END,
            received_at
       FROM g`,
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
  await db.query(
    `INSERT INTO agency_check (referral_id, agency, status, requested_at, requested_by, due_at, returned_at, findings_summary)
     SELECT r.id, a.agency, CASE WHEN r.status = 'AWAITING_CHECKS' THEN 'REQUESTED' ELSE 'RETURNED' END,
            r.received_at + interval '1 hour', 'bench-sw-1', r.received_at + interval '9 hours',
            CASE WHEN r.status = 'AWAITING_CHECKS' THEN NULL ELSE r.received_at + interval '6 hours' END,
            CASE WHEN r.status = 'AWAITING_CHECKS' THEN NULL ELSE 'Fictional findings' END
       FROM referral r CROSS JOIN (VALUES ('police'), ('health'), ('education')) a(agency)`,
  );
  await step(
    `${scale.auditEvents} audit events in batches of 1000 (placeholder hashes: not a valid chain)`,
    `WITH b AS (INSERT INTO audit_batch (id, sealed_at, event_count, rows_hash, prev_hash, hash)
                SELECT b, now(), 1000, 'bench', 'bench', 'bench' FROM generate_series(1, ceil($1 / 1000.0)::int) b RETURNING id),
          e AS (INSERT INTO audit_event (id, occurred_at, batch_id, seq, request_id, actor_sub, actor_agency, purpose, break_glass,
                                        operation_name, action, outcome, payload)
                SELECT md5('e' || g)::uuid, now() - (g::double precision / $1) * interval '365 days', 1 + (g - 1) / 1000, (g - 1) % 1000,
                       'bench-seed-' || g, 'bench-user-' || (g % 400), ($3::text[])[1 + (g % 5)], 'TRIAGE', g % 997 = 0, 'Q', 'READ', 'SUCCESS',
                       jsonb_build_object('bench', true)
                  FROM generate_series(1, $1) g RETURNING 1)
     INSERT INTO audit_disclosure (event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome, released)
     SELECT md5('e' || g)::uuid, now() - (g::double precision / $1) * interval '365 days',
            md5('p' || (1 + (bench_rand('ad' || g) * ($2 - 1))::int))::uuid, 'bench-user-' || (g % 400),
            ($3::text[])[1 + (g % 5)], 'TRIAGE', 'DISCLOSED', ARRAY['Person.givenName','Person.familyName']
       FROM generate_series(1, $1) g`,
    [scale.auditEvents, people, AGENCIES],
  );
  await db.query('COMMIT');
  await db.query('ANALYZE');
}
