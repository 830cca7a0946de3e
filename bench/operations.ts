import crypto from 'node:crypto';

/** Deterministic ids shared by the generator (SQL `md5(...)::uuid`) and the runner. */
export function benchUuid(seed: string): string {
  const h = crypto.createHash('md5').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The child every detail operation looks at: a subject of a referral with records from every agency. */
export const Q1_PERSON = benchUuid('p1');

export const USERS = {
  socialWorker: { sub: 'bench-sw-1', name: 'Bench Social Worker', agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] },
  police: { sub: 'bench-police-1', name: 'Bench Police Officer', agency: 'police', roles: ['POLICE_MASH_OFFICER'] },
} as const;

export interface Operation {
  name: string;
  description: string;
  user: keyof typeof USERS;
  query: string;
  variables?: Record<string, unknown>;
}

const QUEUE_SUMMARY = 'id reference status rag decisionDueAt breached waitingOn';
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
  },
  {
    name: 'Q2',
    description: 'triage queue, 20 rows, summary fields (social worker)',
    user: 'socialWorker',
    query: `query Q2 { referrals(first: 20, purpose: TRIAGE) { edges { node { ${QUEUE_SUMMARY} } } } }`,
  },
  {
    name: 'Q3',
    description: 'triage queue, 20 rows, sensitive fields (social worker)',
    user: 'socialWorker',
    query: `query Q3 { referrals(first: 20, purpose: TRIAGE) { edges { node { ${QUEUE_SENSITIVE} } } } }`,
  },
  {
    name: 'Q4',
    description: 'triage queue, 100 rows, summary fields (social worker)',
    user: 'socialWorker',
    query: `query Q4 { referrals(first: 100, purpose: TRIAGE) { edges { node { ${QUEUE_SUMMARY} } } } }`,
  },
  {
    name: 'Q5',
    description: 'nested: referrals → subjects → records and relationships → related person (N+1 stress)',
    user: 'socialWorker',
    query: `query Q5 { referrals(first: 20, purpose: TRIAGE) { edges { node { id subjects { id givenName
      records { id recordType summary } relationships { type relatedPerson { id givenName } } } } } } }`,
  },
  {
    name: 'Q6',
    description: 'Q3 as a police officer answering checks (redaction path)',
    user: 'police',
    query: `query Q6 { referrals(first: 20, purpose: AGENCY_CHECK) { edges { node { ${QUEUE_SENSITIVE} } } } }`,
  },
];

/** The floor: the same data for each operation through one hand-written SQL query. */
export const RAW_QUERIES: Record<string, { sql: string; params: unknown[]; shape: (rows: unknown[]) => unknown }> = {
  Q1: {
    sql: `SELECT p.id, p.given_name, p.family_name, p.date_of_birth, p.nhs_number, p.ethnicity,
                 (SELECT json_agg(json_build_object('id', r.id, 'owningAgency', r.owning_agency, 'recordType', r.record_type,
                          'occurredAt', r.occurred_at, 'summary', r.summary, 'data', r.data) ORDER BY r.occurred_at DESC)
                    FROM agency_record r WHERE r.person_id = p.id) AS records
            FROM person p WHERE p.id = $1`,
    params: [Q1_PERSON],
    shape: (rows) => ({ person: rows[0] }),
  },
  Q2: {
    sql: `SELECT r.id, r.reference, r.status, r.rag, r.decision_due_at, r.decision_due_at < now() AS breached,
                 ARRAY(SELECT c.agency FROM agency_check c WHERE c.referral_id = r.id AND c.status IN ('REQUESTED','IN_PROGRESS')) AS waiting_on
            FROM referral r ORDER BY r.decision_due_at, r.id LIMIT 20`,
    params: [],
    shape: (rows) => ({ referrals: rows }),
  },
  Q3: {
    sql: `SELECT r.id, r.reference, r.status, r.rag, r.decision_due_at, r.decision_due_at < now() AS breached, r.narrative,
                 r.concern_categories, r.referrer_name,
                 ARRAY(SELECT c.agency FROM agency_check c WHERE c.referral_id = r.id AND c.status IN ('REQUESTED','IN_PROGRESS')) AS waiting_on,
                 (SELECT json_agg(json_build_object('givenName', p.given_name, 'familyName', p.family_name, 'dateOfBirth', p.date_of_birth))
                    FROM referral_subject s JOIN person p ON p.id = s.person_id WHERE s.referral_id = r.id) AS subjects
            FROM referral r ORDER BY r.decision_due_at, r.id LIMIT 20`,
    params: [],
    shape: (rows) => ({ referrals: rows }),
  },
  Q4: {
    sql: `SELECT r.id, r.reference, r.status, r.rag, r.decision_due_at, r.decision_due_at < now() AS breached,
                 ARRAY(SELECT c.agency FROM agency_check c WHERE c.referral_id = r.id AND c.status IN ('REQUESTED','IN_PROGRESS')) AS waiting_on
            FROM referral r ORDER BY r.decision_due_at, r.id LIMIT 100`,
    params: [],
    shape: (rows) => ({ referrals: rows }),
  },
  Q5: {
    sql: `SELECT r.id, (SELECT json_agg(json_build_object('id', p.id, 'givenName', p.given_name,
                   'records', (SELECT json_agg(json_build_object('id', ar.id, 'recordType', ar.record_type, 'summary', ar.summary))
                                 FROM agency_record ar WHERE ar.person_id = p.id),
                   'relationships', (SELECT json_agg(json_build_object('type', pr.type, 'relatedPerson', json_build_object('id', q.id, 'givenName', q.given_name)))
                                 FROM person_relationship pr JOIN person q ON q.id = pr.related_person_id WHERE pr.person_id = p.id)))
                 FROM referral_subject s JOIN person p ON p.id = s.person_id WHERE s.referral_id = r.id) AS subjects
            FROM referral r ORDER BY r.decision_due_at, r.id LIMIT 20`,
    params: [],
    shape: (rows) => ({ referrals: rows }),
  },
};
RAW_QUERIES.Q6 = RAW_QUERIES.Q3!;
