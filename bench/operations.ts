import crypto from 'node:crypto';
import { AGENCY_OFFICER_ROLES, MASH_ROLES, SOCIAL_CARE_MASH_ROLES } from '../src/access-policy/vocabulary';

/** Deterministic ids shared by the generator (SQL `md5(...)::uuid`) and the runner. */
export function benchUuid(seed: string): string {
  const h = crypto.createHash('md5').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The child every detail operation looks at: a subject of a referral with records from every agency. */
export const Q1_PERSON = benchUuid('p1');

export const USERS = {
  socialWorker: {
    sub: 'bench-sw-1',
    name: 'Bench Social Worker',
    agency: 'social-care',
    roles: ['MASH_SOCIAL_WORKER'],
  },
  police: { sub: 'bench-police-1', name: 'Bench Police Officer', agency: 'police', roles: ['POLICE_MASH_OFFICER'] },
  igAuditor: { sub: 'bench-ig-1', name: 'Bench IG Auditor', agency: 'social-care', roles: ['IG_AUDITOR'] },
  manager: { sub: 'bench-manager-1', name: 'Bench MASH Manager', agency: 'social-care', roles: ['MASH_MANAGER'] },
} as const;

export type Vars = Record<string, unknown>;

export interface Operation {
  name: string;
  description: string;
  user: keyof typeof USERS;
  query: string;
  /** read: Q1–Q6; write: M1–M2 (each request its own variables, see run.ts); ig: IG1–IG3; metrics. */
  kind: 'read' | 'write' | 'ig' | 'metrics';
  /** Fixed variables; the runner fills in those that depend on the data (IG, metrics) before measuring. */
  variables?: Vars;
}

/** Writes made by the benchmark are recognisable so a run can remove them again. */
export const BENCH_SUBMISSION_NARRATIVE = 'Fictional bench submission';
export const BENCH_RATING_RATIONALE = 'Fictional bench re-rating';

const QUEUE_SUMMARY = 'id reference status rag decisionDueAt breached waitingOn';
const ACCESS_LOG_PAGE = `entries { eventId occurredAt requestId actor { sub name agency roles } purpose operationType operationName action outcome
  errorCodes breakGlassReason subjects { personId outcome recordIds released redacted relationships relationshipsNow } } endCursor hasNextPage`;
const DURATION = 'key count withinTimescale withinTimescaleRate medianHours p90Hours';
const METRICS_BREAKDOWN = `period { label from to startsAt endsAt } contactsByAgency { agency sector contacts decided socialCareReferrals conversionRate outcomes { outcome count } }
  decisionsByRag { ${DURATION} } checkTurnaroundByAgency { ${DURATION} } reReferrals { referrals reReferrals }
  equality { children ethnicity firstLanguage religion } workers { workerSub contacts decisions decisionsWithinTimescale timeInMashMedianHours timeInMashP90Hours feedbackSent feedbackMedianHours }
  strategyDiscussions { held nonQuorate attendanceByAgency { agency invited attended apologies informationOnly didNotAttend notRecorded attendanceRate missedWhenRequired } }
  icpcTimeliness { due withinTimescale } breakGlassByAgency { agency count }`;
const QUEUE_SENSITIVE = `${QUEUE_SUMMARY} narrative concernCategories referrerName subjects { givenName familyName dateOfBirth }`;

export const OPERATIONS: Operation[] = [
  {
    name: 'Q1',
    description: 'person detail view with every agency record and sensitive fields (social worker, TRIAGE)',
    user: 'socialWorker',
    query: `query Q1($id: ID!) { person(id: $id, purpose: TRIAGE) { id givenName familyName dateOfBirth nhsNumber ethnicity
      records { __typename id owningAgency recordType occurredAt summary
        ... on PoliceRecord { personRole detail informantIdentity } ... on HealthRecord { registeredGp clinicalNotes }
        ... on SocialCareRecord { legalStatus caseNotes } ... on EducationRecord { school dslNotes } ... on ProbationRecord { mappaLevel offenceSummary } } } }`,
    variables: { id: Q1_PERSON },
    kind: 'read',
  },
  {
    name: 'Q2',
    description: 'triage queue, 20 rows, summary fields (social worker)',
    user: 'socialWorker',
    query: `query Q2 { referrals(first: 20, purpose: TRIAGE) { edges { node { ${QUEUE_SUMMARY} } } } }`,
    kind: 'read',
  },
  {
    name: 'Q3',
    description: 'triage queue, 20 rows, sensitive fields (social worker)',
    user: 'socialWorker',
    query: `query Q3 { referrals(first: 20, purpose: TRIAGE) { edges { node { ${QUEUE_SENSITIVE} } } } }`,
    kind: 'read',
  },
  {
    name: 'Q4',
    description: 'triage queue, 100 rows, summary fields (social worker)',
    user: 'socialWorker',
    query: `query Q4 { referrals(first: 100, purpose: TRIAGE) { edges { node { ${QUEUE_SUMMARY} } } } }`,
    kind: 'read',
  },
  {
    name: 'Q5',
    description: 'nested: referrals → subjects → records and relationships → related person (N+1 stress)',
    user: 'socialWorker',
    query: `query Q5 { referrals(first: 20, purpose: TRIAGE) { edges { node { id subjects { id givenName
      records { id recordType summary } relationships { type relatedPerson { id givenName } } } } } } }`,
    kind: 'read',
  },
  {
    name: 'Q6',
    description: 'Q3 as a police officer answering checks (redaction path)',
    user: 'police',
    query: `query Q6 { referrals(first: 20, purpose: AGENCY_CHECK) { edges { node { ${QUEUE_SENSITIVE} } } } }`,
    kind: 'read',
  },
  {
    name: 'M1',
    description: 'submitReferral about a known child with a fresh idempotency key per request (social worker)',
    user: 'socialWorker',
    kind: 'write',
    query: `mutation M1($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id reference status receivedAt replayed } }`,
  },
  {
    name: 'M2',
    description:
      'triage transition with version check: re-rate a screened or awaiting-checks referral (its own referral and current version per request)',
    user: 'socialWorker',
    kind: 'write',
    query: `mutation M2($id: ID!, $rag: Rag!, $v: Int!) { rateReferral(id: $id, rag: $rag, rationale: "${BENCH_RATING_RATIONALE}", expectedVersion: $v) { id status rag version decisionDueAt } }`,
  },
  {
    name: 'IG1',
    description: 'who accessed child X in the last 90 days (IG auditor, accessLog by person)',
    user: 'igAuditor',
    kind: 'ig',
    query: `query IG1($f: AccessLogFilterInput!) { accessLog(filter: $f, first: 50) { ${ACCESS_LOG_PAGE} } }`,
  },
  {
    name: 'IG2',
    description: 'what did user U see (IG auditor, accessLog by actor, newest 50)',
    user: 'igAuditor',
    kind: 'ig',
    query: `query IG2($f: AccessLogFilterInput!) { accessLog(filter: $f, first: 50) { ${ACCESS_LOG_PAGE} } }`,
  },
  {
    name: 'IG3',
    description: 'all break-glass reads last month (IG auditor, first 100)',
    user: 'igAuditor',
    kind: 'ig',
    query: `query IG3($f: AccessLogFilterInput!) { accessLog(filter: $f, first: 100) { ${ACCESS_LOG_PAGE} } }`,
  },
  {
    name: 'METRICS',
    description: 'governance metrics for last month and the month before (MASH manager, issue 7)',
    user: 'manager',
    kind: 'metrics',
    query: `query METRICS($p: MetricsPeriodInput!) { metrics(period: $p) { timeZone asAt measures { key value previousValue target polarity status direction }
      current { ${METRICS_BREAKDOWN} } previous { ${METRICS_BREAKDOWN} } overdueChecksByAgency { agency count } } }`,
  },
];

/**
 * PEER (PostGraphile v4 over the same database, bench/peer): the closest equivalent of each read it
 * can answer, with the variables of the hub's operation. PostGraphile has no relationship scope,
 * redaction, audit, or the hub's computed fields: Q2's `waitingOn` is the referral's checks not yet
 * returned (the hub's: REQUESTED or IN_PROGRESS, computed in SQL), `breached` has no equivalent and is
 * left out; Q3's subjects go through the referral_subject join table. Rows and order are the hub's:
 * the social worker's queue is every referral by decision due time, then id.
 */
export const PEER_QUERIES: Record<string, string> = {
  Q1: `query Q1($id: UUID!) { personById(id: $id) { id givenName familyName dateOfBirth nhsNumber ethnicity
      agencyRecordsByPersonId(orderBy: [OCCURRED_AT_DESC, ID_ASC]) { nodes { id owningAgency recordType occurredAt summary data } } } }`,
  Q2: `query Q2 { allReferrals(first: 20, condition: { partnershipId: "default" }, orderBy: [DECISION_DUE_AT_ASC, ID_ASC]) { edges { node { id reference status rag decisionDueAt
      agencyChecksByReferralId(condition: { returnedAt: null }, orderBy: [DUE_AT_ASC, AGENCY_ASC]) { nodes { agency } } } } } }`,
  Q3: `query Q3 { allReferrals(first: 20, condition: { partnershipId: "default" }, orderBy: [DECISION_DUE_AT_ASC, ID_ASC]) { edges { node { id reference status rag decisionDueAt
      agencyChecksByReferralId(condition: { returnedAt: null }, orderBy: [DUE_AT_ASC, AGENCY_ASC]) { nodes { agency } }
      narrative concernCategories referrerName
      referralSubjectsByReferralId { nodes { personByPersonId { givenName familyName dateOfBirth } } } } } } }`,
};

/**
 * The floor: the same data (or the same change) for each operation through one hand-written SQL
 * statement. The RAW server receives the request's variables (POST /raw/<op>); `conflictIfEmpty`
 * answers 409 when the statement touched nothing (M2's stale version). METRICS has no entry: the RAW
 * server replays the statements the metrics service issues (serve.ts).
 */
export interface RawQuery {
  sql: string;
  params: (v: Vars) => unknown[];
  shape: (rows: unknown[]) => unknown;
  conflictIfEmpty?: boolean;
}

const none = () => [];
const RAG_WINDOW = (rag: string) =>
  `CASE ${rag} WHEN 'RED' THEN interval '4 hours' WHEN 'AMBER' THEN interval '1 day' ELSE interval '3 days' END`;
const ACCESS_LOG_COLUMNS = `e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occ, e.payload`;
const filterOf = (v: Vars) => (v.f ?? {}) as Record<string, string>;

/** The role sets that allow each relationship source (vocabulary.ts), bound as the last parameters of the IG queries. */
const ROLE_PARAMS = [MASH_ROLES, SOCIAL_CARE_MASH_ROLES, ['PARTNER_REFERRER'], AGENCY_OFFICER_ROLES, MASH_ROLES];

/**
 * An access-log page (`page`: id, occ, payload, occurred_at) with `relationships_now`: per subject
 * (in the payload's order, those matching `subjectFilter`), the kinds of relationship the event's
 * actor has with the person now. `n` is the number of the first role parameter (ROLE_PARAMS).
 */
function withRelationshipsNow(page: string, n: number, subjectFilter = 'true'): string {
  const [caseRoles, socialCare, referrer, officer, mash] = [n, n + 1, n + 2, n + 3, n + 4].map((i) => `$${i}::text[]`);
  const person = `(s.subject->>'personId')::uuid`;
  const inv = `EXISTS (SELECT 1 FROM meeting_subject ms JOIN meeting m ON m.id = ms.meeting_id JOIN meeting_invitee mi ON mi.meeting_id = m.id
                        WHERE ms.person_id = ${person} AND mi.agency = a.agency AND m.status <> 'CANCELLED'`;
  return `WITH page AS (${page}),
    a AS (SELECT page.*, page.payload->'actor'->>'sub' AS sub, coalesce(page.payload->'actor'->>'agency', '') AS agency,
                 ARRAY(SELECT jsonb_array_elements_text(page.payload->'actor'->'roles')) AS roles FROM page)
    SELECT a.id, a.occ, a.payload,
           (SELECT jsonb_agg(k.kinds ORDER BY s.ord)
              FROM jsonb_array_elements(a.payload->'subjects') WITH ORDINALITY AS s(subject, ord)
             CROSS JOIN LATERAL (SELECT array_remove(ARRAY[
               CASE WHEN a.roles && ${caseRoles} AND (EXISTS (SELECT 1 FROM agency_record ar WHERE ar.person_id = ${person} AND ar.owning_agency = a.agency)
                      OR EXISTS (SELECT 1 FROM person_source ps WHERE ps.person_id = ${person} AND ps.agency_code = a.agency)) THEN 'OWN_AGENCY_RECORD' END,
               CASE WHEN a.roles && ${socialCare} AND EXISTS (SELECT 1 FROM referral_subject rs WHERE rs.person_id = ${person}) THEN 'REFERRAL' END,
               CASE WHEN a.roles && ${referrer} AND EXISTS (SELECT 1 FROM referral_subject rs JOIN referral r ON r.id = rs.referral_id
                      WHERE rs.person_id = ${person} AND r.referrer_agency = a.agency AND r.referrer_sub = a.sub) THEN 'REFERRER' END,
               CASE WHEN a.roles && ${officer} AND EXISTS (SELECT 1 FROM referral_subject rs JOIN agency_check ac ON ac.referral_id = rs.referral_id
                      WHERE rs.person_id = ${person} AND ac.agency = a.agency) THEN 'AGENCY_CHECK' END,
               CASE WHEN a.roles && ${mash} AND EXISTS (SELECT 1 FROM break_glass bg WHERE bg.person_id = ${person} AND bg.actor_sub = a.sub
                      AND bg.actor_agency = a.agency AND bg.expires_at > now()) THEN 'BREAK_GLASS' END,
               CASE WHEN a.roles && ${mash} AND ${inv}) THEN 'MEETING_INVITE' END,
               CASE WHEN a.roles && ${mash} AND ${inv} AND m.type IN ('STRATEGY_DISCUSSION','STRATEGY_MEETING')) THEN 'STRATEGY_INVITE' END
             ]::text[], NULL) AS kinds OFFSET 0) k
             WHERE ${subjectFilter}) AS relationships_now
      FROM a ORDER BY a.occurred_at DESC, a.id DESC`;
}

export const RAW_QUERIES: Record<string, RawQuery> = {
  Q1: {
    sql: `SELECT p.id, p.given_name, p.family_name, p.date_of_birth, p.nhs_number, p.ethnicity,
                 (SELECT json_agg(json_build_object('id', r.id, 'owningAgency', r.owning_agency, 'recordType', r.record_type,
                          'occurredAt', r.occurred_at, 'summary', r.summary, 'data', r.data) ORDER BY r.occurred_at DESC)
                    FROM agency_record r WHERE r.person_id = p.id) AS records
            FROM person p WHERE p.id = $1`,
    params: () => [Q1_PERSON],
    shape: (rows) => ({ person: rows[0] }),
  },
  Q2: {
    sql: `SELECT r.id, r.reference, r.status, r.rag, r.decision_due_at, r.decision_due_at < now() AS breached,
                 ARRAY(SELECT c.agency FROM agency_check c WHERE c.referral_id = r.id AND c.status IN ('REQUESTED','IN_PROGRESS')) AS waiting_on
            FROM referral r WHERE r.partnership_id = 'default' ORDER BY r.decision_due_at, r.id LIMIT 20`,
    params: none,
    shape: (rows) => ({ referrals: rows }),
  },
  Q3: {
    sql: `SELECT r.id, r.reference, r.status, r.rag, r.decision_due_at, r.decision_due_at < now() AS breached, r.narrative,
                 r.concern_categories, r.referrer_name,
                 ARRAY(SELECT c.agency FROM agency_check c WHERE c.referral_id = r.id AND c.status IN ('REQUESTED','IN_PROGRESS')) AS waiting_on,
                 (SELECT json_agg(json_build_object('givenName', p.given_name, 'familyName', p.family_name, 'dateOfBirth', p.date_of_birth))
                    FROM referral_subject s JOIN person p ON p.id = s.person_id WHERE s.referral_id = r.id) AS subjects
            FROM referral r WHERE r.partnership_id = 'default' ORDER BY r.decision_due_at, r.id LIMIT 20`,
    params: none,
    shape: (rows) => ({ referrals: rows }),
  },
  Q4: {
    sql: `SELECT r.id, r.reference, r.status, r.rag, r.decision_due_at, r.decision_due_at < now() AS breached,
                 ARRAY(SELECT c.agency FROM agency_check c WHERE c.referral_id = r.id AND c.status IN ('REQUESTED','IN_PROGRESS')) AS waiting_on
            FROM referral r WHERE r.partnership_id = 'default' ORDER BY r.decision_due_at, r.id LIMIT 100`,
    params: none,
    shape: (rows) => ({ referrals: rows }),
  },
  Q5: {
    sql: `SELECT r.id, (SELECT json_agg(json_build_object('id', p.id, 'givenName', p.given_name,
                   'records', (SELECT json_agg(json_build_object('id', ar.id, 'recordType', ar.record_type, 'summary', ar.summary))
                                 FROM agency_record ar WHERE ar.person_id = p.id),
                   'relationships', (SELECT json_agg(json_build_object('type', pr.type, 'relatedPerson', json_build_object('id', q.id, 'givenName', q.given_name)))
                                 FROM person_relationship pr JOIN person q ON q.id = pr.related_person_id WHERE pr.person_id = p.id)))
                 FROM referral_subject s JOIN person p ON p.id = s.person_id WHERE s.referral_id = r.id) AS subjects
            FROM referral r WHERE r.partnership_id = 'default' ORDER BY r.decision_due_at, r.id LIMIT 20`,
    params: none,
    shape: (rows) => ({ referrals: rows }),
  },
  M1: {
    sql: `WITH r AS (
            INSERT INTO referral (reference, referrer_sub, referrer_name, referrer_agency, concern_categories, narrative, consent_sought,
                                  consent_given, status, decision_due_at, received_at, updated_at)
            VALUES ('MASH-' || to_char(now() AT TIME ZONE 'Europe/London', 'YYYY') || '-' || lpad(nextval('referral_reference_seq')::text, 6, '0'),
                    $1, 'Bench Social Worker', 'social-care', $2::text[], $3, true, true, 'RECEIVED', now() + interval '1 day', now(), now())
            RETURNING id, reference, status, received_at),
          s AS (INSERT INTO referral_subject (referral_id, person_id) SELECT r.id, $4::uuid FROM r),
          k AS (INSERT INTO referral_idempotency (agency, sub, key, payload_hash, referral_id) SELECT 'social-care', $1, $5, md5($6), r.id FROM r)
          SELECT id, reference, status, received_at FROM r`,
    params: (v) => {
      const input = v.input as {
        subjects: Array<{ personId: string }>;
        concernCategories: string[];
        narrative: string;
      };
      return [
        USERS.socialWorker.sub,
        input.concernCategories,
        input.narrative,
        input.subjects[0]!.personId,
        v.key,
        JSON.stringify(input),
      ];
    },
    shape: (rows) => ({ submitReferral: rows[0] }),
  },
  M2: {
    sql: `WITH u AS (
            UPDATE referral r SET rag = $2, decision_due_at = r.received_at + ${RAG_WINDOW('$2')}, version = r.version + 1, updated_at = now()
             WHERE r.id = $1 AND r.version = $3 AND r.status IN ('SCREENED','AWAITING_CHECKS','READY_FOR_DECISION')
            RETURNING r.id, r.status, r.rag, r.version, r.decision_due_at),
          i AS (INSERT INTO referral_rating (referral_id, rag, rationale, rated_by_sub, rated_by_name, decision_due_at)
                SELECT u.id, u.rag, '${BENCH_RATING_RATIONALE}', 'bench-sw-1', 'Bench Social Worker', u.decision_due_at FROM u),
          c AS (UPDATE agency_check c SET due_at = c.requested_at + ${RAG_WINDOW('$2')} FROM u
                 WHERE c.referral_id = u.id AND c.status IN ('REQUESTED','IN_PROGRESS'))
          SELECT * FROM u`,
    params: (v) => [v.id, v.rag, v.v],
    shape: (rows) => ({ rateReferral: rows[0] }),
    conflictIfEmpty: true,
  },
  // The access log page plus, as the GraphQL query asks for `relationshipsNow`, each subject's
  // current relationships with the event's actor (the sources of relationships.ts, written out).
  IG1: {
    sql: withRelationshipsNow(
      `SELECT ${ACCESS_LOG_COLUMNS}, e.occurred_at
         FROM (SELECT d.event_id, d.occurred_at FROM audit_disclosure d WHERE d.person_id = $1 AND d.occurred_at >= $2::timestamptz
                ORDER BY d.occurred_at DESC, d.event_id DESC LIMIT 51) d
         JOIN audit_event e ON e.id = d.event_id AND e.occurred_at = d.occurred_at
        WHERE e.occurred_at >= $2::timestamptz
        ORDER BY d.occurred_at DESC, d.event_id DESC`,
      3,
      `s.subject->>'personId' = $1::text`,
    ),
    params: (v) => [filterOf(v).personId, filterOf(v).from, ...ROLE_PARAMS],
    shape: (rows) => ({ accessLog: rows }),
  },
  IG2: {
    sql: withRelationshipsNow(
      `SELECT ${ACCESS_LOG_COLUMNS}, e.occurred_at FROM audit_event e WHERE e.actor_sub = $1 ORDER BY e.occurred_at DESC, e.id DESC LIMIT 51`,
      2,
    ),
    params: (v) => [filterOf(v).actorSub, ...ROLE_PARAMS],
    shape: (rows) => ({ accessLog: rows }),
  },
  IG3: {
    sql: withRelationshipsNow(
      `SELECT ${ACCESS_LOG_COLUMNS}, e.occurred_at FROM audit_event e
        WHERE e.break_glass = true AND e.occurred_at >= $1::timestamptz AND e.occurred_at < $2::timestamptz
        ORDER BY e.occurred_at DESC, e.id DESC LIMIT 101`,
      3,
    ),
    params: (v) => [filterOf(v).from, filterOf(v).to, ...ROLE_PARAMS],
    shape: (rows) => ({ accessLog: rows }),
  },
};
RAW_QUERIES.Q6 = RAW_QUERIES.Q3!;
