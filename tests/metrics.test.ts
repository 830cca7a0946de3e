import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { ensureDatabase } from '../src/db/admin';
import { decisionDueAt } from '../src/referrals/clocks';
import { icpcDueDate } from '../src/meetings/clocks';
import { createDataSource } from '../src/db/data-source';
import { createLogger } from '../src/shared/logger';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Governance metrics (C6) on a constructed data set in a dedicated database, so every right answer is
 * known by construction and no other test's rows interfere. Times are written with their offsets:
 * October 2026 runs from 2026-10-01 00:00 BST (2026-09-30T23:00Z) to 2026-11-01 00:00 GMT
 * (2026-11-01T00:00Z); clocks go back on 25 October. September 2026 is the previous period.
 *
 * The data set (W1..W3 are pseudonymous worker subs; C = child, U = unborn, A = adult):
 *   R1 police    recv 2026-10-01 00:30 BST  RED   due +4h  authorised +2h  STRATEGY_DISCUSSION  W1  feedback +10h  [C1]
 *   R2 police    recv 2026-10-10 09:00 BST  AMBER due +24h authorised +30h NO_FURTHER_ACTION    W1  feedback +40h  [C3, A1]
 *   R3 health    recv 2026-10-31 23:59 GMT  GREEN screened, undecided                           -                  [U4]
 *   R4 education recv 2026-10-15 12:00 BST  GREEN due +72h authorised +60h CHILD_IN_NEED_ASSESSMENT W2               [C2]
 *   R5 health    recv 2026-10-20 08:00 BST  merged into R4                                      -                  [C2]
 *   R6 police    recv 2026-11-01 00:00 GMT  (November: out)                                                        [C1]
 *   R7 police    recv 2026-09-30 23:59 BST  AMBER due +24h authorised +20h (in October) ADVICE  W3  feedback +30h  [C5]
 *   R8 police    recv 2026-09-05 10:00 BST  GREEN due +72h authorised +10h EARLY_HELP           W2  feedback +20h  [C6]
 *   R9           recv 2025-10-01 00:30 BST  exactly 365 days before R1                                             [C1]
 *   R10          recv 2026-06-01            about the adult only                                                   [A1]
 *   R11          recv 2025-10-09 09:00 BST  366 days before R2                                                     [C3]
 *   R12          recv 2026-04-01            merged (not a referral of its own)                                     [C2]
 * Checks: R1 police 1h; R2 police 9h; R2 health 3h; R4 education declined after 5h (all answered in
 * October); R8 police 4h (September); R3 health outstanding, due in 2020 (overdue); R3 police
 * outstanding, due 2099 (not overdue).
 *
 * Strategy discussions (SD; held = HELD or COMPLETED, counted by scheduled time). Invitees: agency,
 * required (req) or not, attendance. ICPC due = 15 working days (icpc_due_at, set for s47 outcomes):
 *   SD1  2026-10-01 00:15 BST HELD      s47 due 22 Oct [C1]   sc req ATT, police req ATT, health req APOLOGIES, education INVITED (not recorded)
 *        ICPC about C1 2026-10-23 00:30 BST (22 Oct in UTC, 23 Oct locally): late. ICPC about C3 on 15 Oct: another child.
 *   SD2  2026-10-20 10:00 BST COMPLETED NFA [C3]              sc req ATT, police req DID_NOT_ATTEND, health req ATT, education INFORMATION_ONLY
 *   SD3  2026-10-31 23:30 GMT HELD      s47 due 20 Nov [C5]   sc req ATT, police req ATT, health req DID_NOT_ATTEND + health req ATT (agency attended)
 *   SD11 2026-10-05 10:00 BST HELD      s47 due 26 Oct [C7]   sc req ATT; ICPC about C7 held 1 Oct (before the SD) and one SCHEDULED 20 Oct: late
 *   SD4  2026-11-01 00:00 GMT HELD (November: out); SD6 12 Oct CANCELLED; SD7 25 Oct SCHEDULED; a STRATEGY_MEETING 14 Oct (other type)
 *   SD5  2026-09-30 23:30 BST HELD      s47 due 21 Oct [C6]   sc, police ATT; ICPC about C6 held 21 Oct 16:00 BST (on the due date): in time
 *   SD8  2026-09-10 10:00 BST HELD      s47 due 1 Oct [C2,U4] sc ATT; ICPC about U4 only held 30 Sep: in time
 *   SD12 2026-08-20 10:00 BST HELD      s47 due 11 Sep (31 Aug bank holiday) [C6]; ICPC held 9 Sep: in time
 *   SD13 2026-12-07 10:00 GMT HELD      s47 due 30 Dec (25, 28 Dec bank holidays) [C5]; ICPC held 30 Dec: in time
 * Break-glass openings: police 1 Oct 00:00 BST and 15 Oct; health 31 Oct 23:59:59 GMT; health 1 Nov 00:00 GMT (out);
 * education 30 Sep 23:59 BST (September).
 *
 * Missing episodes (return home interview due 72 hours of clock time after the return):
 *   E1 C1 CARE started 1 Oct 00:10 BST, returned 2 Oct 10:00 BST, offered 5 Oct 10:00 BST (exactly 72 h: within), HELD
 *   E2 C1 CARE started 20 Oct, returned 21 Oct 08:00 BST, offered 25 Oct 09:00 GMT (73 h after, the clocks went back): late, DECLINED
 *   E3 CX HOME started 31 Oct 23:30 GMT, not known to social care, still missing
 *   E4 C5 HOME started 30 Sep 23:00 BST (September), returned 1 Oct 01:00 BST (October), no offer
 *   E5 C6 CARE started 10 Sep, returned 11 Sep, offered 12 Sep, HELD (September); E6 C2 started 1 Nov 00:00 GMT (out)
 *
 * Early help (EH) and step transitions (re-escalation: a step-up or referral within 365 days after a step-down):
 *   H1 C6 MASH decision (R8) opened 5 Sep, closed 3 Oct NEEDS_MET
 *   H2 C3 stepped down 12 Oct (after R2 on 10 Oct: not a re-escalation), stepped up 25 Oct: a re-escalation
 *   H3 C2 stepped down 20 Oct 2025, closed Jan NEEDS_NOT_MET; R4 about C2 on 15 Oct 2026 (360 days on): a re-escalation; the merged R5 is not
 *   H4 C5 stepped down 31 Oct 23:30 GMT, open
 *   H5 C1 stepped down 20 Sep, closed 30 Oct NEEDS_NOT_MET; R1 about C1 on 1 Oct: a re-escalation
 *
 * LADO allegations (resolution bands in calendar months from receipt):
 *   L1 EDUCATION received 1 Oct 00:30 BST, resolved 20 Oct (within one month), DBS referral 21 Oct
 *   L2 HEALTH received 15 Aug, resolved 10 Oct (within three months); L3 FAITH received 1 Sep 2025, resolved 5 Oct (over twelve)
 *   L4 EDUCATION received 31 Oct 23:30 GMT, open; L5 OTHER received 10 Sep, resolved 30 Sep (September, within one month)
 *
 * Private fostering (initial visit due 7 working days after the day of notification, fixed then):
 *   P1 C1 notified Fri 2 Oct (due 13 Oct), visited 9 Oct (in time), started 1 Sep, open
 *   P2 C2 notified 31 Oct 23:30 GMT (October; due 10 Nov), no visit, started 20 Oct, open
 *   P3 C3 notified 15 Sep (due 24 Sep), visited 1 Oct (late, counted in October), started 1 Aug, closed 20 Oct
 *   P4 C5 notified 1 Nov 00:00 GMT (out), started 10 Oct; P5 C6 notified 10 Sep (due 21 Sep), visited 14 Sep (September, in time), open
 */

const H = 3_600_000;
const t = (iso: string, plusHours = 0) => new Date(new Date(iso).getTime() + plusHours * H);
const DB_NAME = 'mash_metrics_test';

const QUERY = `query Metrics($period: MetricsPeriodInput!, $team: String) {
  metrics(period: $period, team: $team) {
    timeZone team
    measures { key label unit value previousValue target polarity status direction note }
    current { ...B } previous { ...B }
    overdueChecksByAgency { agency count }
  }
}
fragment B on MetricsBreakdown {
  period { label from to startsAt endsAt }
  contactsByAgency { agency sector contacts decided socialCareReferrals conversionRate outcomes { outcome count } }
  decisionsByRag { key count withinTimescale withinTimescaleRate medianHours p90Hours }
  checkTurnaroundByAgency { key count withinTimescale medianHours p90Hours }
  reReferrals { referrals reReferrals }
  equality { children ethnicity firstLanguage religion }
  workers { workerSub contacts decisions decisionsWithinTimescale timeInMashMedianHours timeInMashP90Hours feedbackSent feedbackMedianHours }
  strategyDiscussions { held nonQuorate attendanceByAgency { agency invited attended apologies informationOnly didNotAttend notRecorded attendanceRate missedWhenRequired } }
  icpcTimeliness { due withinTimescale }
  breakGlassByAgency { agency count }
  missingEpisodes { started children notKnownToSocialCare byMissingFrom { key count } returned offeredWithin72Hours offeredLater held declined }
  earlyHelp { opened openedByMashDecision openedByStepDown stepUps stepDowns needsMet needsNotMet reEscalations }
  lado { received bySector { key count } resolved withinOneMonth withinThreeMonths withinTwelveMonths dbsReferrals }
  privateFostering { notifications initialVisits initialVisitsWithinTimescale childrenAtPeriodEnd }
}`;

interface MeasureOut {
  key: string;
  value: number | null;
  previousValue: number | null;
  target: number | null;
  polarity: string | null;
  status: string | null;
  direction: string | null;
}
type MetricsOut = {
  metrics: {
    timeZone: string;
    team: string | null;
    measures: MeasureOut[];
    current: Record<string, unknown> & { period: Record<string, string>; workers: Array<Record<string, unknown>> };
    previous: Record<string, unknown> & { period: Record<string, string> };
    overdueChecksByAgency: Array<{ agency: string; count: number }>;
  };
};

let hub: TestHub;
let manager: string;
let auditor: string;
let metricsFile: string;
let dbUrl: string;

async function dedicatedDatabaseUrl(): Promise<string> {
  const serverUrl = process.env.MASH_TEST_SERVER_URL;
  if (!serverUrl) throw new Error('MASH_TEST_SERVER_URL is not set: run the tests with jest');
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.end();
  const url = await ensureDatabase(serverUrl, DB_NAME);
  const ds = createDataSource(url, createLogger('silent'), 2);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  return url;
}

let refN = 0;
async function person(kind: string, ethnicity: string, language: string, religion: string): Promise<string> {
  const [row] = (await hub.db.query(
    `INSERT INTO person (kind, given_name, family_name, sex, ethnicity, first_language, religion, disability, created_by_agency)
     VALUES ($1, 'Fictional', 'Metrics-Testcase', 'NOT_RECORDED', $2, $3, $4, 'NOT_RECORDED', 'social-care') RETURNING id`,
    [kind, ethnicity, language, religion],
  )) as Array<{ id: string }>;
  return row.id;
}

interface ReferralSpec {
  agency?: string;
  received: Date;
  rag?: string | null;
  dueHours?: number;
  /** Overrides dueHours: a due time from the working calendar. */
  due?: Date;
  authorisedAfter?: number;
  outcome?: string;
  worker?: string;
  feedbackAfter?: number;
  status?: string;
  mergedInto?: string;
  subjects: string[];
}
async function referral(s: ReferralSpec): Promise<string> {
  const authorised = s.authorisedAfter === undefined ? null : t(s.received.toISOString(), s.authorisedAfter);
  const feedbackAt = s.feedbackAfter === undefined ? null : t(s.received.toISOString(), s.feedbackAfter);
  const status = s.status ?? (authorised ? 'CLOSED' : 'SCREENED');
  const [row] = (await hub.db.query(
    `INSERT INTO referral (reference, referrer_sub, referrer_name, referrer_agency, concern_categories, narrative, consent_sought, consent_given,
                           status, rag, decision_due_at, assigned_to_sub, received_at, decision_outcome, decision_authorised_at, merged_into_id,
                           feedback_message, feedback_sent_at)
     VALUES ($1, 'referrer-x', 'Fictional Referrer', $2, '{NEGLECT}', 'Fictional narrative for metrics', true, true,
             $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      `METRICS-TEST-${++refN}`,
      s.agency ?? 'police',
      status,
      s.rag ?? null,
      s.due ?? t(s.received.toISOString(), s.dueHours ?? 24),
      s.worker ?? null,
      s.received,
      authorised ? s.outcome : null,
      authorised,
      s.mergedInto ?? null,
      feedbackAt ? 'Fictional feedback' : null,
      feedbackAt,
    ],
  )) as Array<{ id: string }>;
  for (const p of s.subjects)
    await hub.db.query(`INSERT INTO referral_subject (referral_id, person_id) VALUES ($1, $2)`, [row.id, p]);
  return row.id;
}

async function check(
  referralId: string,
  agency: string,
  requested: Date,
  dueHours: number,
  answeredAfter: number | null,
  declined = false,
) {
  const status = answeredAfter === null ? 'REQUESTED' : declined ? 'DECLINED' : 'RETURNED';
  await hub.db.query(
    `INSERT INTO agency_check (referral_id, agency, status, requested_at, requested_by, due_at, returned_at, declined_reason)
     VALUES ($1, $2, $3, $4, 'worker-test', $5, $6, $7)`,
    [
      referralId,
      agency,
      status,
      requested,
      t(requested.toISOString(), dueHours),
      answeredAfter === null ? null : t(requested.toISOString(), answeredAfter),
      declined ? 'Fictional: not held' : null,
    ],
  );
}

interface MeetingSpec {
  type?: string;
  at: Date;
  status?: string;
  s47?: boolean;
  subjects: string[];
  invitees?: Array<[agency: string, required: boolean, attendance: string]>;
}
/** A meeting as the meetings module stores it; a section 47 outcome sets the ICPC due date from the scheduled time. */
async function meeting(s: MeetingSpec): Promise<string> {
  const type = s.type ?? 'STRATEGY_DISCUSSION';
  const status = s.status ?? 'HELD';
  const outcome =
    type === 'STRATEGY_DISCUSSION' && status !== 'SCHEDULED' && status !== 'CANCELLED'
      ? s.s47
        ? 'SECTION_47_JOINT'
        : 'NO_FURTHER_ACTION'
      : null;
  const [row] = (await hub.db.query(
    `INSERT INTO meeting (type, scheduled_at, organising_agency, chair_sub, chair_name, status, outcome, outcome_recorded_by, outcome_recorded_at, icpc_due_at, held_at, cancelled_reason, created_by)
     VALUES ($1, $2, 'social-care', 'chair-x', 'Fictional Chair', $3, $4, $5, $6, $7, $8, $9, 'worker-test') RETURNING id`,
    [
      type,
      s.at,
      status,
      outcome,
      outcome ? 'chair-x' : null,
      outcome ? s.at : null,
      s.s47 ? icpcDueDate(s.at) : null,
      status === 'HELD' || status === 'COMPLETED' ? s.at : null,
      status === 'CANCELLED' ? 'Fictional: rearranged' : null,
    ],
  )) as Array<{ id: string }>;
  for (const p of s.subjects)
    await hub.db.query(`INSERT INTO meeting_subject (meeting_id, person_id) VALUES ($1, $2)`, [row.id, p]);
  for (const [agency, required, attendance] of s.invitees ?? []) {
    await hub.db.query(
      `INSERT INTO meeting_invitee (meeting_id, agency, required, attendance, reason) VALUES ($1, $2, $3, $4, $5)`,
      [
        row.id,
        agency,
        required,
        attendance,
        ['SENT_APOLOGIES', 'SENT_INFORMATION_ONLY', 'DID_NOT_ATTEND'].includes(attendance) ? 'Fictional reason' : null,
      ],
    );
  }
  return row.id;
}
const icpc = (at: Date, subjects: string[], status = 'HELD') =>
  meeting({ type: 'INITIAL_CHILD_PROTECTION_CONFERENCE', at, status, subjects });

async function breakGlass(agency: string, openedAt: Date, person: string) {
  await hub.db.query(
    `INSERT INTO break_glass (actor_sub, actor_name, actor_agency, person_id, reason, opened_at, expires_at)
     VALUES ('breaker-x', 'Fictional Breaker', $1, $2, 'Fictional emergency reason for the metrics test', $3, $4)`,
    [agency, person, openedAt, t(openedAt.toISOString(), 4)],
  );
}

async function missingEpisode(e: {
  person: string;
  from: string;
  started: Date;
  returned?: Date;
  offered?: Date;
  outcome?: string;
  known?: boolean;
}) {
  const status = e.outcome ? 'CLOSED' : e.offered ? 'INTERVIEW_OFFERED' : e.returned ? 'RETURNED' : 'MISSING';
  await hub.db.query(
    `INSERT INTO missing_episode (person_id, recording_agency, recorded_by_sub, recorded_by_name, missing_from, started_at, returned_at, known_to_social_care,
                                  interview_offered_at, interview_offered_by_sub, interview_offered_by_name, interview_outcome, interview_outcome_at, interview_conducted_by, status)
     VALUES ($1, 'police', 'recorder-x', 'Fictional Recorder', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      e.person,
      e.from,
      e.started,
      e.returned ?? null,
      e.known ?? true,
      e.offered ?? null,
      e.offered ? 'worker-x' : null,
      e.offered ? 'Fictional Worker' : null,
      e.outcome ?? null,
      e.outcome ? e.offered : null,
      e.outcome ? 'Fictional Return Service' : null,
      status,
    ],
  );
}

async function earlyHelp(e: {
  person: string;
  referral?: string;
  opened: Date;
  closed?: Date;
  outcome?: string;
  steppedUp?: boolean;
}): Promise<string> {
  const status = e.steppedUp ? 'STEPPED_UP' : e.outcome ? 'CLOSED' : 'OPEN';
  const [row] = (await hub.db.query(
    `INSERT INTO early_help_episode (person_id, referral_id, source, owning_agency, opened_at, opened_by_sub, opened_by_name, status, outcome, closed_at)
     VALUES ($1, $2, $3, 'social-care', $4, 'manager-x', 'Fictional Manager', $5, $6, $7) RETURNING id`,
    [
      e.person,
      e.referral ?? null,
      e.referral ? 'MASH_DECISION' : 'STEP_DOWN',
      e.opened,
      status,
      e.outcome ?? null,
      e.closed ?? null,
    ],
  )) as Array<{ id: string }>;
  if (!e.referral) await step(e.person, 'STEP_DOWN', row.id, e.opened);
  if (e.steppedUp) await step(e.person, 'STEP_UP', row.id, e.closed!);
  return row.id;
}
async function allegation(a: { sector: string; received: Date; outcomeAt?: Date; dbs?: Date }) {
  await hub.db.query(
    `INSERT INTO lado_allegation (lado_agency, recorded_by_sub, recorded_by_name, employer_agency, employer_name, sector, category, adult_name, adult_role,
                                  received_at, status, outcome, outcome_at, dbs_referred_at)
     VALUES ('social-care', 'lado-x', 'Fictional LADO', 'education', 'Fictional Employer', $1, 'PHYSICAL', 'Fictional Adult', 'Fictional Role', $2, $3, $4, $5, $6)`,
    [
      a.sector,
      a.received,
      a.outcomeAt ? 'CLOSED' : 'OPEN',
      a.outcomeAt ? 'UNSUBSTANTIATED' : null,
      a.outcomeAt ?? null,
      a.dbs ?? null,
    ],
  );
}
async function fostering(a: {
  person: string;
  notified: Date;
  dueOn: string;
  startedOn: string;
  visitedOn?: string;
  closedOn?: string;
}) {
  const status = a.closedOn ? 'CLOSED' : a.visitedOn ? 'VISITING' : 'NOTIFIED';
  await hub.db.query(
    `INSERT INTO private_fostering_arrangement (person_id, recording_agency, recorded_by_sub, recorded_by_name, notified_by, notifier_name, notified_at,
                                                arrangement_started_on, initial_visit_due_on, initial_visit_on, last_visit_on, closed_on, closure_reason, status)
     VALUES ($1, 'social-care', 'worker-x', 'Fictional Worker', 'PARENT', 'Fictional Parent', $2, $3, $4, $5, $5, $6, $7, $8)`,
    [
      a.person,
      a.notified,
      a.startedOn,
      a.dueOn,
      a.visitedOn ?? null,
      a.closedOn ?? null,
      a.closedOn ? 'RETURNED_TO_PARENT' : null,
      status,
    ],
  );
}
async function step(person: string, direction: string, episode: string, at: Date) {
  await hub.db.query(
    `INSERT INTO step_transition (person_id, direction, early_help_episode_id, occurred_at, agreed_by_sub, agreed_by_name, agreed_with, reason)
     VALUES ($1, $2, $3, $4, 'manager-x', 'Fictional Manager', 'Fictional Lead', 'Fictional reason')`,
    [person, direction, episode, at],
  );
}

beforeAll(async () => {
  const url = await dedicatedDatabaseUrl();
  dbUrl = url;
  metricsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mash-metrics-')), 'metrics.json');
  fs.writeFileSync(metricsFile, JSON.stringify({ teams: { 'pod-a': ['W1', 'W3'] } }));
  hub = await startTestHub({ DATABASE_URL: url, MASH_METRICS_FILE: metricsFile });
  manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
  auditor = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });

  const c1 = await person('CHILD', 'WHITE_BRITISH', 'English', 'None');
  const c2 = await person('CHILD', 'NOT_RECORDED', 'Polish', 'NOT_PROVIDED_BY_SOURCE');
  const c3 = await person('CHILD', 'ASIAN_INDIAN', 'NOT_PROVIDED_BY_SOURCE', 'Hindu');
  const u4 = await person('UNBORN', 'NOT_PROVIDED_BY_SOURCE', 'NOT_RECORDED', 'Christian');
  const c5 = await person('CHILD', 'BLACK_AFRICAN', 'English', 'Christian');
  const c6 = await person('CHILD', 'WHITE_OTHER', 'Romanian', 'Orthodox');
  const a1 = await person('ADULT', 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED');

  const r1 = await referral({
    received: t('2026-10-01T00:30:00+01:00'),
    rag: 'RED',
    dueHours: 4,
    authorisedAfter: 2,
    outcome: 'STRATEGY_DISCUSSION',
    worker: 'W1',
    feedbackAfter: 10,
    subjects: [c1],
  });
  const r2 = await referral({
    received: t('2026-10-10T09:00:00+01:00'),
    rag: 'AMBER',
    dueHours: 24,
    authorisedAfter: 30,
    outcome: 'NO_FURTHER_ACTION',
    worker: 'W1',
    feedbackAfter: 40,
    subjects: [c3, a1],
  });
  const r3 = await referral({
    agency: 'health',
    received: t('2026-10-31T23:59:00+00:00'),
    rag: 'GREEN',
    dueHours: 72,
    subjects: [u4],
  });
  const r4 = await referral({
    agency: 'education',
    received: t('2026-10-15T12:00:00+01:00'),
    rag: 'GREEN',
    dueHours: 72,
    authorisedAfter: 60,
    outcome: 'CHILD_IN_NEED_ASSESSMENT',
    worker: 'W2',
    subjects: [c2],
  });
  await referral({
    agency: 'health',
    received: t('2026-10-20T08:00:00+01:00'),
    status: 'MERGED',
    mergedInto: r4,
    subjects: [c2],
  });
  await referral({
    received: t('2026-11-01T00:00:00+00:00'),
    rag: 'RED',
    dueHours: 4,
    authorisedAfter: 1,
    outcome: 'STRATEGY_DISCUSSION',
    worker: 'W1',
    feedbackAfter: 1,
    subjects: [c1],
  });
  await referral({
    received: t('2026-09-30T23:59:00+01:00'),
    rag: 'AMBER',
    dueHours: 24,
    authorisedAfter: 20,
    outcome: 'ADVICE_AND_INFORMATION',
    worker: 'W3',
    feedbackAfter: 30,
    subjects: [c5],
  });
  const r8 = await referral({
    received: t('2026-09-05T10:00:00+01:00'),
    rag: 'GREEN',
    dueHours: 72,
    authorisedAfter: 10,
    outcome: 'EARLY_HELP',
    worker: 'W2',
    feedbackAfter: 20,
    subjects: [c6],
  });
  await referral({ received: t('2025-10-01T00:30:00+01:00'), status: 'WITHDRAWN', subjects: [c1] });
  await referral({ received: t('2026-06-01T12:00:00+01:00'), status: 'WITHDRAWN', subjects: [a1] });
  await referral({ received: t('2025-10-09T09:00:00+01:00'), status: 'WITHDRAWN', subjects: [c3] });
  await referral({ received: t('2026-04-01T12:00:00+01:00'), status: 'MERGED', mergedInto: r4, subjects: [c2] });

  // December, across Christmas: due times from the working calendar (Fri 25 and Mon 28 December 2026 are bank holidays).
  const xmas = t('2026-12-24T10:00:00Z');
  await referral({
    received: xmas,
    rag: 'AMBER',
    due: decisionDueAt('AMBER', xmas),
    authorisedAfter: 98,
    outcome: 'EARLY_HELP',
    worker: 'W2',
    subjects: [c5],
  });
  await referral({
    received: xmas,
    rag: 'GREEN',
    due: decisionDueAt('GREEN', xmas),
    authorisedAfter: 168 + 1 / 3600,
    outcome: 'EARLY_HELP',
    worker: 'W2',
    subjects: [c6],
  });

  await check(r1, 'police', t('2026-10-01T00:00:00Z'), 2, 1);
  await check(r2, 'police', t('2026-10-10T10:00:00Z'), 8, 9);
  await check(r2, 'health', t('2026-10-10T10:00:00Z'), 8, 3);
  await check(r4, 'education', t('2026-10-15T12:00:00Z'), 48, 5, true);
  await check(r8, 'police', t('2026-09-05T10:00:00Z'), 48, 4);
  await check(r3, 'health', t('2020-01-01T00:00:00Z'), 2, null);
  await check(r3, 'police', t('2099-01-01T00:00:00Z'), 2, null);

  const c7 = await person('CHILD', 'MIXED_OTHER', 'English', 'None');
  const all = (a: string): [string, boolean, string] => [a, true, 'ATTENDED'];
  await meeting({
    at: t('2026-10-01T00:15:00+01:00'),
    s47: true,
    subjects: [c1],
    invitees: [all('social-care'), all('police'), ['health', true, 'SENT_APOLOGIES'], ['education', false, 'INVITED']],
  });
  await icpc(t('2026-10-23T00:30:00+01:00'), [c1]);
  await icpc(t('2026-10-15T10:00:00+01:00'), [c3]);
  await meeting({
    at: t('2026-10-20T10:00:00+01:00'),
    status: 'COMPLETED',
    subjects: [c3],
    invitees: [
      all('social-care'),
      ['police', true, 'DID_NOT_ATTEND'],
      all('health'),
      ['education', false, 'SENT_INFORMATION_ONLY'],
    ],
  });
  await meeting({
    at: t('2026-10-31T23:30:00+00:00'),
    s47: true,
    subjects: [c5],
    invitees: [all('social-care'), all('police'), ['health', true, 'DID_NOT_ATTEND'], all('health')],
  });
  await meeting({ at: t('2026-10-05T10:00:00+01:00'), s47: true, subjects: [c7], invitees: [all('social-care')] });
  await icpc(t('2026-10-01T10:00:00+01:00'), [c7]);
  await icpc(t('2026-10-20T10:00:00+01:00'), [c7], 'SCHEDULED');
  await meeting({ at: t('2026-11-01T00:00:00+00:00'), subjects: [c1], invitees: [all('social-care')] });
  await meeting({
    at: t('2026-10-12T10:00:00+01:00'),
    status: 'CANCELLED',
    subjects: [c1],
    invitees: [['social-care', true, 'INVITED']],
  });
  await meeting({
    at: t('2026-10-25T10:00:00+00:00'),
    status: 'SCHEDULED',
    subjects: [c1],
    invitees: [['social-care', true, 'INVITED']],
  });
  await meeting({
    type: 'STRATEGY_MEETING',
    at: t('2026-10-14T10:00:00+01:00'),
    subjects: [c1],
    invitees: [['police', true, 'DID_NOT_ATTEND']],
  });
  await meeting({
    at: t('2026-09-30T23:30:00+01:00'),
    s47: true,
    subjects: [c6],
    invitees: [all('social-care'), all('police')],
  });
  await icpc(t('2026-10-21T16:00:00+01:00'), [c6]);
  await meeting({ at: t('2026-09-10T10:00:00+01:00'), s47: true, subjects: [c2, u4], invitees: [all('social-care')] });
  await icpc(t('2026-09-30T10:00:00+01:00'), [u4]);
  await meeting({ at: t('2026-08-20T10:00:00+01:00'), s47: true, subjects: [c6] });
  await icpc(t('2026-09-09T10:00:00+01:00'), [c6]);
  await meeting({ at: t('2026-12-07T10:00:00+00:00'), s47: true, subjects: [c5] });
  await icpc(t('2026-12-30T10:00:00+00:00'), [c5]);

  await breakGlass('police', t('2026-10-01T00:00:00+01:00'), c1);
  await breakGlass('police', t('2026-10-15T10:00:00+01:00'), c2);
  await breakGlass('health', t('2026-10-31T23:59:59+00:00'), u4);
  await breakGlass('health', t('2026-11-01T00:00:00+00:00'), u4);
  await breakGlass('education', t('2026-09-30T23:59:00+01:00'), c5);

  const cx = await person('CHILD', 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED');
  await missingEpisode({
    person: c1,
    from: 'CARE',
    started: t('2026-10-01T00:10:00+01:00'),
    returned: t('2026-10-02T10:00:00+01:00'),
    offered: t('2026-10-05T10:00:00+01:00'),
    outcome: 'HELD',
  });
  await missingEpisode({
    person: c1,
    from: 'CARE',
    started: t('2026-10-20T22:00:00+01:00'),
    returned: t('2026-10-21T08:00:00+01:00'),
    offered: t('2026-10-24T09:00:00+01:00', 23),
    outcome: 'DECLINED',
  });
  await missingEpisode({ person: cx, from: 'HOME', started: t('2026-10-31T23:30:00+00:00'), known: false });
  await missingEpisode({
    person: c5,
    from: 'HOME',
    started: t('2026-09-30T23:00:00+01:00'),
    returned: t('2026-10-01T01:00:00+01:00'),
  });
  await missingEpisode({
    person: c6,
    from: 'CARE',
    started: t('2026-09-10T10:00:00+01:00'),
    returned: t('2026-09-11T10:00:00+01:00'),
    offered: t('2026-09-12T10:00:00+01:00'),
    outcome: 'HELD',
  });
  await missingEpisode({ person: c2, from: 'HOME', started: t('2026-11-01T00:00:00+00:00') });

  await earlyHelp({
    person: c6,
    referral: r8,
    opened: t('2026-09-05T20:00:00+01:00'),
    closed: t('2026-10-03T10:00:00+01:00'),
    outcome: 'NEEDS_MET',
  });
  await earlyHelp({
    person: c3,
    opened: t('2026-10-12T10:00:00+01:00'),
    closed: t('2026-10-25T10:00:00+00:00'),
    steppedUp: true,
  });
  await earlyHelp({
    person: c2,
    opened: t('2025-10-20T10:00:00+01:00'),
    closed: t('2026-01-10T10:00:00+00:00'),
    outcome: 'NEEDS_NOT_MET',
  });
  await earlyHelp({ person: c5, opened: t('2026-10-31T23:30:00+00:00') });
  await earlyHelp({
    person: c1,
    opened: t('2026-09-20T10:00:00+01:00'),
    closed: t('2026-10-30T10:00:00+00:00'),
    outcome: 'NEEDS_NOT_MET',
  });

  await allegation({
    sector: 'EDUCATION',
    received: t('2026-10-01T00:30:00+01:00'),
    outcomeAt: t('2026-10-20T10:00:00+01:00'),
    dbs: t('2026-10-21T10:00:00+01:00'),
  });
  await allegation({
    sector: 'HEALTH',
    received: t('2026-08-15T10:00:00+01:00'),
    outcomeAt: t('2026-10-10T10:00:00+01:00'),
  });
  await allegation({
    sector: 'FAITH',
    received: t('2025-09-01T10:00:00+01:00'),
    outcomeAt: t('2026-10-05T10:00:00+01:00'),
  });
  await allegation({ sector: 'EDUCATION', received: t('2026-10-31T23:30:00+00:00') });
  await allegation({
    sector: 'OTHER',
    received: t('2026-09-10T10:00:00+01:00'),
    outcomeAt: t('2026-09-30T10:00:00+01:00'),
  });

  await fostering({
    person: c1,
    notified: t('2026-10-02T10:00:00+01:00'),
    dueOn: '2026-10-13',
    startedOn: '2026-09-01',
    visitedOn: '2026-10-09',
  });
  await fostering({
    person: c2,
    notified: t('2026-10-31T23:30:00+00:00'),
    dueOn: '2026-11-10',
    startedOn: '2026-10-20',
  });
  await fostering({
    person: c3,
    notified: t('2026-09-15T10:00:00+01:00'),
    dueOn: '2026-09-24',
    startedOn: '2026-08-01',
    visitedOn: '2026-10-01',
    closedOn: '2026-10-20',
  });
  await fostering({
    person: c5,
    notified: t('2026-11-01T00:00:00+00:00'),
    dueOn: '2026-11-10',
    startedOn: '2026-10-10',
  });
  await fostering({
    person: c6,
    notified: t('2026-09-10T10:00:00+01:00'),
    dueOn: '2026-09-21',
    startedOn: '2026-09-01',
    visitedOn: '2026-09-14',
  });

  // Family participation (ADR 024): two review conferences in October, each about one child of 13 (born
  // 2013-05-01); one child sent their views, the other was not invited. Two parents invited: the report
  // reached one the day before, the other only after the conference began.
  for (const [i, childTakesPart] of [true, false].entries()) {
    const child = await person('CHILD', 'WHITE_BRITISH', 'English', 'None');
    await hub.db.query(`UPDATE person SET date_of_birth = '2013-05-01' WHERE id = $1`, [child]);
    const at = t(`2026-10-1${i + 2}T10:00:00+01:00`);
    const conf = await meeting({ type: 'REVIEW_CHILD_PROTECTION_CONFERENCE', at, subjects: [child] });
    if (childTakesPart)
      await hub.db.query(
        `INSERT INTO meeting_participant (meeting_id, role, display_label, person_id, attendance, invited_by) VALUES ($1, 'CHILD', 'The young person', $2, 'SENT_VIEWS', 'worker-test')`,
        [conf, child],
      );
    await hub.db.query(
      `INSERT INTO meeting_participant (meeting_id, role, display_label, attendance, report_shared_at, invited_by) VALUES ($1, 'PARENT', 'Fictional Parent', 'ATTENDED', $2, 'worker-test')`,
      [conf, t(at.toISOString(), childTakesPart ? -24 : 1)],
    );
  }
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

function byKey(measures: MeasureOut[]): Record<string, MeasureOut> {
  return Object.fromEntries(measures.map((m) => [m.key, m]));
}

describe('Governance metrics for October 2026 on the constructed data set', () => {
  let out: MetricsOut['metrics'];
  let m: Record<string, MeasureOut>;

  beforeAll(async () => {
    const res = await hub.gql<MetricsOut>(manager, QUERY, { period: { month: '2026-10' } });
    expect(res.errors).toBeUndefined();
    out = res.data!.metrics;
    m = byKey(out.measures);
  });

  it('spans October in Europe/London: from 00:00 BST on the 1st to 00:00 GMT on 1 November; the previous period is September', () => {
    expect(out.timeZone).toBe('Europe/London');
    expect(out.current.period).toEqual({
      label: '2026-10',
      from: '2026-10-01',
      to: '2026-10-31',
      startsAt: '2026-09-30T23:00:00.000Z',
      endsAt: '2026-11-01T00:00:00.000Z',
    });
    expect(out.previous.period).toEqual({
      label: '2026-09',
      from: '2026-09-01',
      to: '2026-09-30',
      startsAt: '2026-08-31T23:00:00.000Z',
      endsAt: '2026-09-30T23:00:00.000Z',
    });
  });

  it('counts contacts by referring agency and sector: 23:59 on 31 October is in, 00:00 on 1 November and 23:59 on 30 September are out', () => {
    expect(m.contactsReceived).toMatchObject({
      value: 5,
      previousValue: 2,
      target: null,
      polarity: null,
      status: 'NO_TARGET',
      direction: null,
    });
    expect(out.current.contactsByAgency).toEqual([
      {
        agency: 'education',
        sector: 'EDUCATION',
        contacts: 1,
        decided: 1,
        socialCareReferrals: 1,
        conversionRate: 1,
        outcomes: [{ outcome: 'CHILD_IN_NEED_ASSESSMENT', count: 1 }],
      },
      {
        agency: 'health',
        sector: 'HEALTH',
        contacts: 2,
        decided: 0,
        socialCareReferrals: 0,
        conversionRate: 0,
        outcomes: [],
      },
      {
        agency: 'police',
        sector: 'POLICE',
        contacts: 2,
        decided: 2,
        socialCareReferrals: 1,
        conversionRate: 0.5,
        outcomes: [
          { outcome: 'NO_FURTHER_ACTION', count: 1 },
          { outcome: 'STRATEGY_DISCUSSION', count: 1 },
        ],
      },
    ]);
  });

  it('converts contact → referral: 2 of 5 contacts became a CIN assessment or strategy discussion (none of 2 in September)', () => {
    // Conversion has no polarity, so no direction of travel (issue 20).
    expect(m.contactToReferralRate).toMatchObject({
      value: 0.4,
      previousValue: 0,
      target: null,
      polarity: null,
      status: 'NO_TARGET',
      direction: null,
    });
  });

  it('counts decisions by when they were authorised, within timescale by RAG, and time in MASH (median, p90)', () => {
    // Authorised in October: R1 2h (RED, on time), R2 30h (AMBER, late), R4 60h (GREEN, on time), R7 20h (AMBER, on time).
    expect(out.current.decisionsByRag).toEqual([
      { key: 'AMBER', count: 2, withinTimescale: 1, withinTimescaleRate: 0.5, medianHours: 25, p90Hours: 29 },
      { key: 'GREEN', count: 1, withinTimescale: 1, withinTimescaleRate: 1, medianHours: 60, p90Hours: 60 },
      { key: 'RED', count: 1, withinTimescale: 1, withinTimescaleRate: 1, medianHours: 2, p90Hours: 2 },
    ]);
    // 0.75 against 0.95: short by 0.2, beyond 15 % of the target (0.1425) → RED; September was 1 of 1.
    expect(m.decisionsWithinTimescale).toMatchObject({
      value: 0.75,
      previousValue: 1,
      target: 0.95,
      polarity: 'LARGER_IS_BETTER',
      status: 'RED',
      direction: 'WORSENING',
    });
    // Median of 2, 20, 30, 60 = 25 against 24: 1 hour over, within 5 % (1.2 h) → GREEN.
    expect(m.timeInMashMedianHours).toMatchObject({
      value: 25,
      previousValue: 10,
      target: 24,
      status: 'GREEN',
      direction: 'WORSENING',
    });
    expect(m.timeInMashP90Hours.value).toBeCloseTo(51, 9);
    expect(m.timeInMashP90Hours).toMatchObject({ previousValue: 10, status: 'GREEN', direction: 'WORSENING' });
  });

  it('measures agency-check turnaround by agency (declined answers count) and overdue checks now', () => {
    const rows = out.current.checkTurnaroundByAgency as Array<{
      key: string;
      count: number;
      withinTimescale: number;
      medianHours: number;
      p90Hours: number;
    }>;
    expect(rows.map((r) => [r.key, r.count, r.withinTimescale, r.medianHours])).toEqual([
      ['education', 1, 1, 5],
      ['health', 1, 1, 3],
      ['police', 2, 1, 5],
    ]);
    expect(rows[2].p90Hours).toBeCloseTo(8.2, 9);
    // 1, 3, 5, 9: median 4 (September: 4 → STABLE), p90 7.8.
    expect(m.checkTurnaroundMedianHours).toMatchObject({
      value: 4,
      previousValue: 4,
      target: 8,
      status: 'GREEN',
      direction: 'STABLE',
    });
    expect(m.checkTurnaroundP90Hours.value).toBeCloseTo(7.8, 9);
    expect(m.checkTurnaroundP90Hours).toMatchObject({ previousValue: 4, direction: 'WORSENING' });
    expect(out.overdueChecksByAgency).toEqual([{ agency: 'health', count: 1 }]);
    // As at each period's end: R3's health check (requested and due in 2020) was already overdue at the end of September.
    expect(m.overdueChecksNow).toMatchObject({
      value: 1,
      previousValue: 1,
      target: 0,
      status: 'RED',
      direction: 'STABLE',
    });
  });

  it('counts re-referrals per child over accepted referrals only (census definition; the boundaries are in metrics-definitions.test.ts)', () => {
    // Accepted in October: R1 (strategy discussion, C1) and R4 (CIN assessment, C2). C1's R9 and C2's
    // merged R5/R12 were never accepted, so neither is a re-referral. September: R8 (early help) is no referral.
    expect(out.current.reReferrals).toEqual({ referrals: 2, reReferrals: 0 });
    expect(out.previous.reReferrals).toEqual({ referrals: 0, reReferrals: 0 });
    expect(m.reReferralRate).toMatchObject({
      value: 0,
      previousValue: null,
      target: 0.2,
      polarity: 'SMALLER_IS_BETTER',
      status: 'GREEN',
      direction: null,
    });
  });

  it('measures time to referrer feedback by when it was sent', () => {
    // Sent in October: R1 10h, R7 30h, R2 40h → median 30, p90 38; September: R8 20h.
    expect(m.feedbackMedianHours).toMatchObject({
      value: 30,
      previousValue: 20,
      target: 72,
      status: 'GREEN',
      direction: 'WORSENING',
    });
    expect(m.feedbackP90Hours.value).toBeCloseTo(38, 9);
  });

  it('measures equality data completeness over the distinct children (unborn included, adults not) of the period’s referrals', () => {
    expect(out.current.equality).toEqual({ children: 4, ethnicity: 2, firstLanguage: 2, religion: 3 });
    expect(m.equalityEthnicityRecorded).toMatchObject({
      value: 0.5,
      previousValue: 1,
      target: 0.9,
      status: 'RED',
      direction: 'WORSENING',
    });
    expect(m.equalityFirstLanguageRecorded).toMatchObject({ value: 0.5, previousValue: 1 });
    expect(m.equalityReligionRecorded).toMatchObject({ value: 0.75, previousValue: 1, status: 'RED' });
  });

  it('breaks the MASH measures down by assigned worker (pseudonymous sub), unassigned last', () => {
    expect(out.current.workers).toEqual([
      {
        workerSub: 'W1',
        contacts: 2,
        decisions: 2,
        decisionsWithinTimescale: 1,
        timeInMashMedianHours: 16,
        timeInMashP90Hours: 27.2,
        feedbackSent: 2,
        feedbackMedianHours: 25,
      },
      {
        workerSub: 'W2',
        contacts: 1,
        decisions: 1,
        decisionsWithinTimescale: 1,
        timeInMashMedianHours: 60,
        timeInMashP90Hours: 60,
        feedbackSent: 0,
        feedbackMedianHours: null,
      },
      {
        workerSub: 'W3',
        contacts: 0,
        decisions: 1,
        decisionsWithinTimescale: 1,
        timeInMashMedianHours: 20,
        timeInMashP90Hours: 20,
        feedbackSent: 1,
        feedbackMedianHours: 30,
      },
      {
        workerSub: null,
        contacts: 2,
        decisions: 0,
        decisionsWithinTimescale: 0,
        timeInMashMedianHours: null,
        timeInMashP90Hours: null,
        feedbackSent: 0,
        feedbackMedianHours: null,
      },
    ]);
  });

  it('the ICPC clock of the constructed strategy discussions is 15 working days on the working calendar', () => {
    expect(icpcDueDate(t('2026-10-01T00:15:00+01:00'))).toBe('2026-10-22');
    expect(icpcDueDate(t('2026-10-31T23:30:00+00:00'))).toBe('2026-11-20');
    expect(icpcDueDate(t('2026-09-10T10:00:00+01:00'))).toBe('2026-10-01');
    expect(icpcDueDate(t('2026-08-20T10:00:00+01:00'))).toBe('2026-09-11');
    expect(icpcDueDate(t('2026-12-07T10:00:00+00:00'))).toBe('2026-12-30');
  });

  it('counts strategy discussions held in the period by scheduled time: 00:15 BST on 1 October and 23:30 GMT on 31 October are in; cancelled, scheduled, other types and November are out', () => {
    expect(m.strategyDiscussionsHeld).toMatchObject({
      value: 4,
      previousValue: 2,
      target: null,
      polarity: null,
      status: 'NO_TARGET',
      direction: null,
    });
    expect(out.current.strategyDiscussions).toMatchObject({ held: 4, nonQuorate: 2 });
    expect(out.previous.strategyDiscussions).toMatchObject({ held: 2, nonQuorate: 0 });
  });

  it('gives attendance at them by invited agency, as the meetings module defines it (an agency attends when any of its invitees does)', () => {
    expect((out.current.strategyDiscussions as { attendanceByAgency: unknown }).attendanceByAgency).toEqual([
      {
        agency: 'education',
        invited: 2,
        attended: 0,
        apologies: 0,
        informationOnly: 1,
        didNotAttend: 0,
        notRecorded: 1,
        attendanceRate: 0,
        missedWhenRequired: 0,
      },
      {
        agency: 'health',
        invited: 4,
        attended: 2,
        apologies: 1,
        informationOnly: 0,
        didNotAttend: 1,
        notRecorded: 0,
        attendanceRate: 0.5,
        missedWhenRequired: 1,
      },
      {
        agency: 'police',
        invited: 3,
        attended: 2,
        apologies: 0,
        informationOnly: 0,
        didNotAttend: 1,
        notRecorded: 0,
        attendanceRate: 0.667,
        missedWhenRequired: 1,
      },
      {
        agency: 'social-care',
        invited: 4,
        attended: 4,
        apologies: 0,
        informationOnly: 0,
        didNotAttend: 0,
        notRecorded: 0,
        attendanceRate: 1,
        missedWhenRequired: 0,
      },
    ]);
  });

  it('measures ICPCs within 15 working days over the discussions whose ICPC fell due in the period (due 1 October is in, due 20 November out)', () => {
    // Due in October: SD8 (1 Oct, ICPC about one of its two children 30 Sep: in time), SD5 (21 Oct, ICPC on the due date: in time),
    // SD1 (22 Oct, ICPC 00:30 BST on 23 Oct: late), SD11 (26 Oct, only an ICPC before the discussion and a scheduled one: late).
    expect(out.current.icpcTimeliness).toEqual({ due: 4, withinTimescale: 2 });
    expect(out.previous.icpcTimeliness).toEqual({ due: 1, withinTimescale: 1 });
    expect(m.icpcWithin15WorkingDays).toMatchObject({
      value: 0.5,
      previousValue: 1,
      target: 0.95,
      polarity: 'LARGER_IS_BETTER',
      status: 'RED',
      direction: 'WORSENING',
    });
  });

  it('counts break-glass uses by opening time and agency: 00:00 BST on 1 October and 23:59:59 GMT on 31 October are in', () => {
    expect(out.current.breakGlassByAgency).toEqual([
      { agency: 'health', count: 1 },
      { agency: 'police', count: 2 },
    ]);
    expect(out.previous.breakGlassByAgency).toEqual([{ agency: 'education', count: 1 }]);
    expect(m.breakGlassUses).toMatchObject({
      value: 3,
      previousValue: 1,
      target: null,
      polarity: 'SMALLER_IS_BETTER',
      status: 'NO_TARGET',
      direction: 'WORSENING',
    });
  });

  it('counts missing episodes by start and return home interviews by return: exactly 72 hours is within, 73 hours across the clock change is late', () => {
    expect(out.current.missingEpisodes).toEqual({
      started: 3,
      children: 2,
      notKnownToSocialCare: 1,
      byMissingFrom: [
        { key: 'CARE', count: 2 },
        { key: 'HOME', count: 1 },
      ],
      returned: 3,
      offeredWithin72Hours: 1,
      offeredLater: 1,
      held: 1,
      declined: 1,
    });
    expect(out.previous.missingEpisodes).toMatchObject({
      started: 2,
      children: 2,
      returned: 1,
      offeredWithin72Hours: 1,
      held: 1,
      declined: 0,
    });
    expect(m.missingEpisodesStarted).toMatchObject({ value: 3, previousValue: 2, target: null, status: 'NO_TARGET' });
    expect(m.missingChildren).toMatchObject({ value: 2, previousValue: 2 });
    expect(m.returnInterviewsOfferedWithin72Hours.value).toBeCloseTo(1 / 3, 5);
    expect(m.returnInterviewsOfferedWithin72Hours).toMatchObject({
      previousValue: 1,
      target: 0.95,
      polarity: 'LARGER_IS_BETTER',
      status: 'RED',
      direction: 'WORSENING',
    });
    expect(m.returnInterviewTakeUp).toMatchObject({
      value: 0.5,
      previousValue: 1,
      target: null,
      polarity: 'LARGER_IS_BETTER',
      direction: 'WORSENING',
    });
  });

  it('counts early help by opening, outcomes by closing, steps when they happened, and re-escalations within 365 days of a step-down', () => {
    expect(out.current.earlyHelp).toEqual({
      opened: 2,
      openedByMashDecision: 0,
      openedByStepDown: 2,
      stepUps: 1,
      stepDowns: 2,
      needsMet: 1,
      needsNotMet: 1,
      reEscalations: 3,
    });
    expect(out.previous.earlyHelp).toEqual({
      opened: 2,
      openedByMashDecision: 1,
      openedByStepDown: 1,
      stepUps: 0,
      stepDowns: 1,
      needsMet: 0,
      needsNotMet: 0,
      reEscalations: 0,
    });
    expect(m.earlyHelpEpisodesOpened).toMatchObject({ value: 2, previousValue: 2 });
    expect(m.stepUps).toMatchObject({ value: 1, previousValue: 0 });
    expect(m.stepDowns).toMatchObject({ value: 2, previousValue: 1 });
    expect(m.earlyHelpNeedsMet).toMatchObject({
      value: 0.5,
      previousValue: null,
      polarity: 'LARGER_IS_BETTER',
      status: 'NO_TARGET',
    });
    expect(m.reEscalationsWithin12Months).toMatchObject({
      value: 3,
      previousValue: 0,
      polarity: 'SMALLER_IS_BETTER',
      direction: 'WORSENING',
    });
  });

  it('counts LADO allegations by receipt and resolution, in calendar-month bands, and DBS referrals when made', () => {
    expect(out.current.lado).toEqual({
      received: 2,
      bySector: [{ key: 'EDUCATION', count: 2 }],
      resolved: 3,
      withinOneMonth: 1,
      withinThreeMonths: 2,
      withinTwelveMonths: 2,
      dbsReferrals: 1,
    });
    expect(out.previous.lado).toMatchObject({ received: 1, resolved: 1, withinOneMonth: 1, dbsReferrals: 0 });
    expect(m.ladoResolvedWithinOneMonth.value).toBeCloseTo(1 / 3, 5);
    expect(m.ladoResolvedWithinOneMonth).toMatchObject({
      previousValue: 1,
      target: 0.8,
      status: 'RED',
      direction: 'WORSENING',
    });
    expect(m.ladoResolvedWithinThreeMonths.value).toBeCloseTo(2 / 3, 5);
    expect(m.ladoResolvedWithinThreeMonths).toMatchObject({ target: 0.9, status: 'RED' });
    expect(m.ladoDbsReferrals).toMatchObject({ value: 1, previousValue: 0 });
  });

  it('counts private fostering notifications when received, initial visits when held (in time by the due date fixed at notification), and children fostered at the end', () => {
    expect(out.current.privateFostering).toEqual({
      notifications: 2,
      initialVisits: 2,
      initialVisitsWithinTimescale: 1,
      childrenAtPeriodEnd: 3,
    });
    expect(out.previous.privateFostering).toEqual({
      notifications: 2,
      initialVisits: 1,
      initialVisitsWithinTimescale: 1,
      childrenAtPeriodEnd: 2,
    });
    expect(m.privateFosteringNotifications).toMatchObject({ value: 2, previousValue: 2, polarity: 'LARGER_IS_BETTER' });
    expect(m.privateFosteringInitialVisitsInTimescale).toMatchObject({
      value: 0.5,
      previousValue: 1,
      direction: 'WORSENING',
    });
    expect(m.childrenPrivatelyFosteredAtPeriodEnd).toMatchObject({ value: 3, previousValue: 2 });
  });

  it('counts family participation at child protection conferences: children of 12 or more who attended or sent views, parents who had the report before', () => {
    expect(m.childrenOver12TakingPartInConferences).toMatchObject({ value: 0.5, polarity: 'LARGER_IS_BETTER' });
    expect(m.parentsReceivingReportsBeforeConference).toMatchObject({ value: 0.5, polarity: 'LARGER_IS_BETTER' });
  });

  it('gives every measure a value on this data set (the child protection measures have their own: tests/child-protection-metrics.test.ts)', () => {
    expect(out.measures.filter((x) => x.value === null && !x.key.startsWith('cp')).map((x) => x.key)).toEqual([]);
  });
});

describe('Periods, teams and access', () => {
  it('a one-day range: 00:30 BST on 1 October is in; 23:59 BST on 30 September is in the previous day', async () => {
    const res = await hub.gql<MetricsOut>(auditor, QUERY, { period: { from: '2026-10-01', to: '2026-10-01' } });
    expect(res.errors).toBeUndefined();
    const m = byKey(res.data!.metrics.measures);
    expect(m.contactsReceived).toMatchObject({ value: 1, previousValue: 1 });
    expect(res.data!.metrics.previous.period).toMatchObject({ from: '2026-09-30', to: '2026-09-30' });
  });

  it('across bank holidays, timeliness follows the working-calendar due time while time in MASH is elapsed hours', async () => {
    // AMBER received Thu 24 Dec 10:00, due one working day later (Tue 29 Dec 10:00), authorised Mon 28 Dec 12:00 (98 h): on time.
    // GREEN received the same moment, due three working days later (Thu 31 Dec 10:00), authorised one second after: late.
    const res = await hub.gql<MetricsOut>(manager, QUERY, { period: { month: '2026-12' } });
    expect(res.errors).toBeUndefined();
    const out = res.data!.metrics;
    expect(out.current.decisionsByRag).toEqual([
      { key: 'AMBER', count: 1, withinTimescale: 1, withinTimescaleRate: 1, medianHours: 98, p90Hours: 98 },
      expect.objectContaining({ key: 'GREEN', count: 1, withinTimescale: 0, withinTimescaleRate: 0 }),
    ]);
    expect(byKey(out.measures).decisionsWithinTimescale).toMatchObject({
      value: 0.5,
      previousValue: 1,
      status: 'RED',
      direction: 'WORSENING',
    }); // November: R6 on time
    // ICPC due 30 December (25 and 28 December are bank holidays), held that day: in time. November: SD3 due 20 November, none held.
    expect(out.current.icpcTimeliness).toEqual({ due: 1, withinTimescale: 1 });
    expect(byKey(out.measures).icpcWithin15WorkingDays).toMatchObject({
      value: 1,
      previousValue: 0,
      status: 'GREEN',
      direction: 'IMPROVING',
    });
  });

  it('a team configured in MASH_METRICS_FILE restricts the MASH measures to its workers', async () => {
    const res = await hub.gql<MetricsOut>(manager, QUERY, { period: { month: '2026-10' }, team: 'pod-a' });
    expect(res.errors).toBeUndefined();
    const out = res.data!.metrics;
    const m = byKey(out.measures);
    expect(out.team).toBe('pod-a');
    expect(m.contactsReceived.value).toBe(2);
    expect(m.decisionsWithinTimescale.value).toBeCloseTo(2 / 3, 12);
    expect(out.current.workers.map((w) => w.workerSub)).toEqual(['W1', 'W3']);
    // Meetings and break-glass are partnership-wide: a team does not narrow them.
    expect([m.strategyDiscussionsHeld.value, m.icpcWithin15WorkingDays.value, m.breakGlassUses.value]).toEqual([
      4, 0.5, 3,
    ]);
  });

  it.each([
    [{ month: '2026-13' }, null, 'period.month'],
    [{ month: '2026-10', from: '2026-10-01', to: '2026-10-02' }, null, 'period'],
    [{ from: '2026-10-05', to: '2026-10-01' }, null, 'period.to'],
    [{ from: '2026-02-30', to: '2026-03-01' }, null, 'period.from'],
    [{ month: '2026-10' }, 'no-such-team', 'team'],
  ])('bad input %j / team %s is a clear BAD_USER_INPUT naming %s', async (period, team, field) => {
    const res = await hub.gql(manager, QUERY, { period, team });
    expect(res.data?.metrics ?? null).toBeNull();
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it.each([
    ['MASH_MANAGER', true],
    ['IG_AUDITOR', true],
    ['MASH_SOCIAL_WORKER', false],
    ['POLICE_MASH_OFFICER', false],
    ['PARTNER_REFERRER', false],
    ['HUB_ADMIN', false],
  ])('%s may read metrics: %s', async (role, allowed) => {
    const token = await hub.token({ agency: role === 'POLICE_MASH_OFFICER' ? 'police' : 'social-care', roles: [role] });
    const res = await hub.gql(token, `{ metrics(period: { month: "2026-10" }) { measures { key value } } }`);
    if (allowed) {
      expect(res.errors).toBeUndefined();
      expect((res.data as { metrics: { measures: unknown[] } }).metrics.measures).toHaveLength(53);
    } else {
      expect(res.data?.metrics ?? null).toBeNull();
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('without a token the metrics are not released', async () => {
    const res = await hub.gql(null, `{ metrics(period: { month: "2026-10" }) { measures { key } } }`);
    expect(res.data?.metrics ?? null).toBeNull();
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('The monthly report for a partnership board paper', () => {
  it('npm run report -- --period 2026-10 prints the same measures as Markdown, with no personal data', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'src/cli/report.ts', '--period', '2026-10'],
      {
        env: { ...process.env, DATABASE_URL: dbUrl, MASH_METRICS_FILE: metricsFile, NODE_ENV: 'test' },
        cwd: path.join(__dirname, '..'),
      },
    );
    expect(stdout).toContain('# MASH governance metrics — October 2026');
    expect(stdout).toContain('Period 2026-10-01 to 2026-10-31 (Europe/London), compared with 2026-09-01 to 2026-09-30');
    expect(stdout).toContain('| Contacts received | 5 | 2 | – | – | no target | – |');
    expect(stdout).toContain(
      '| MASH decisions authorised within the local RAG target | 75.0 % | 100.0 % | 95.0 % | larger is better | RED | ↓ worsening |',
    );
    expect(stdout).toContain(
      '| Time in MASH, median (elapsed hours) | 25.0 h | 10.0 h | 24.0 h | smaller is better | GREEN | ↓ worsening |',
    );
    expect(stdout).toContain(
      '| Agency-check turnaround, median (hours) | 4.0 h | 4.0 h | 8.0 h | smaller is better | GREEN | → stable |',
    );
    expect(stdout).toContain('| Strategy discussions held | 4 | 2 | – | – | no target | – |');
    expect(stdout).toContain(
      '| ICPCs within 15 working days of the strategy discussion | 50.0 % | 100.0 % | 95.0 % | larger is better | RED | ↓ worsening |',
    );
    expect(stdout).toContain('| Break-glass uses | 3 | 1 | – | smaller is better | no target | ↓ worsening |');
    expect(stdout).toContain('| police | 3 | 2 | 0 | 0 | 1 | 0 | 66.7 % | 1 |');
    expect(stdout).toContain('| Strategy discussions whose ICPC fell due | 4 | 1 |');
    expect(stdout).toContain(
      '| Return home interviews offered within 72 hours of the return | 33.3 % | 100.0 % | 95.0 % | larger is better | RED | ↓ worsening |',
    );
    expect(stdout).toContain('| Episodes of children not known to social care | 1 | 0 |');
    expect(stdout).toContain('| of which within 7 working days of notification | 1 | 1 |');
    expect(stdout).toContain('| Step-downs from social care to early help | 2 | 1 | – | – | no target | – |');
    expect(stdout).toContain('| Re-escalations within 12 months of a step-down | 3 | 0 |');
    expect(stdout).toContain(
      '| Allegations resolved within one month | 33.3 % | 100.0 % | 80.0 % | larger is better | RED | ↓ worsening |',
    );
    expect(stdout).not.toContain('Fictional Adult');
    expect(stdout).toContain('| of which interview offered within 72 hours | 1 | 1 |');
    expect(stdout).not.toContain('not available');
    expect(stdout).toContain('| police | POLICE | 2 | 2 | 1 | 50.0 % | NO_FURTHER_ACTION 1, STRATEGY_DISCUSSION 1 |');
    expect(stdout).toContain('| AMBER | 2 | 1 | 50.0 % | 25.0 h | 29.0 h |');
    expect(stdout).toContain('| health | 1 |');
    expect(stdout).toContain('| W1 | 2 | 2 | 1 | 16.0 h | 27.2 h | 2 | 25.0 h |');
    expect(stdout).not.toMatch(/Fictional|Metrics-Testcase|referrer-x|breaker-x|chair-x/);
  }, 60_000);
});
