import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { ensureDatabase } from '../src/db/admin';
import { createDataSource } from '../src/db/data-source';
import { createLogger } from '../src/shared/logger';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * The measures by the book (issue 20, docs/metrics.md), on a constructed data set in a database of its
 * own, every answer computed by hand below. November 2026 is GMT throughout (no clock change); working
 * days are Monday to Friday 09:00–17:00 (8 working hours), no bank holiday in November. "Today" is
 * the real clock (after November), so November is a past month.
 *
 *   contact  source                   received (Z)        children   outcome, authorised (Z)        statutory due (1 working day)
 *   A        POLICE                   Mon 2 Nov 10:00     K1, K2     CIN 2 Nov 15:00                3 Nov 10:00  within
 *   B        INDIVIDUAL_ACQUAINTANCE  Tue 3 Nov 10:00     K3 (+adult) NFA 5 Nov 10:00               4 Nov 10:00  late
 *   C        POLICE                   Mon 30 Nov 16:00    K4         undecided                      1 Dec 16:00  (December)
 *   D        UNKNOWN                  Fri 27 Nov 12:00    K5         undecided                      30 Nov 12:00 not decided by the end: late
 *   E        SCHOOLS                  Fri 30 Oct 16:00    K6         ADVICE 2 Nov 09:30             2 Nov 16:00  within (due in November)
 *   F        POLICE, MERGED into A    Wed 4 Nov 10:00     K1         -                              (merged: not counted)
 *   X1       OTHER                    1 Oct 2025 10:00    K7         CIN 1 Oct 2025 12:00
 *   X2       OTHER                    Mon 2 Nov 10:00     K7         CIN 2 Nov 11:00                3 Nov 10:00  within   13 months after X1: not a re-referral
 *   Y1       OTHER                    10 Dec 2025 10:00   K8         CIN 10 Dec 2025 12:00
 *   Y0       OTHER                    Sun 1 Nov 10:00     K8         NFA 2 Nov 12:00                3 Nov 09:00  within   (a contact, never a referral)
 *   Y2       OTHER                    Tue 10 Nov 10:00    K8         STRATEGY 10 Nov 11:00          11 Nov 10:00 within   11 months after Y1: a re-referral
 *   Z        OTHER                    Fri 20 Nov 10:00    K9         CIN 2 Dec 10:00 (after Nov)    23 Nov 10:00 not decided by the end: late
 *
 * Statutory, November: due A B D E X2 Y0 Y2 Z = 8; within A E X2 Y0 Y2 = 5 (62.5 %); not decided by 30 Nov: D, Z.
 * Time in MASH in working days, decisions authorised in November: A 5 h = 0.625, B 16 h = 2, E 1 h + 0.5 h =
 * 0.1875, X2 0.125, Y0 (Sunday → Monday 09:00–12:00) 0.375, Y2 0.125 → sorted 0.125 0.125 0.1875 0.375 0.625 2:
 * median 0.28125, p90 (position 4.5) 0.625 + 0.5 × 1.375 = 1.3125.
 * By source, November: POLICE contacts A C F = 3, per child A(2) + C(1) = 3 (F merged), referrals A = 1, per
 * child 2; INDIVIDUAL_ACQUAINTANCE B: 1, 1, 0, 0; OTHER X2 Y0 Y2 Z: 4, 4, referrals X2 Y2 = 2 (Z accepted
 * only in December), per child 2; UNKNOWN D: 1, 1, 0, 0.
 * Re-referrals, November: child-referrals A:K1, A:K2, X2:K7, Y2:K8 = 4; re-referrals Y2:K8 = 1 (25 %).
 * Overdue checks: A's police check requested 2 Nov 10:00, due 2 Nov 17:00, answered 3 Dec: overdue at the end
 * of November (1), answered by today (December so far: 0).
 */

const DB_NAME = 'mash_metrics_definitions_test';
const QUERY = `query($period: MetricsPeriodInput!) {
  metrics(period: $period) {
    measures { key value previousValue target polarity status direction unit comparators { label value } commentary }
    current {
      contactsBySource { source censusCode censusGroup contacts childContacts referrals childReferrals }
      statutoryDecisions { due withinOneWorkingDay notDecidedByPeriodEnd }
      reReferrals { referrals reReferrals }
      overdueChecksAsAt overdueChecksByAgency { agency count }
      contactsByAgency { agency contacts decided socialCareReferrals }
    }
    previous { overdueChecksAsAt overdueChecksByAgency { agency count } }
  }
}`;

interface MeasureOut {
  key: string;
  value: number | null;
  previousValue: number | null;
  status: string | null;
  direction: string | null;
  unit: string;
  polarity: string | null;
}
interface Out {
  metrics: {
    measures: MeasureOut[];
    current: {
      contactsBySource: Array<Record<string, unknown>>;
      statutoryDecisions: { due: number; withinOneWorkingDay: number; notDecidedByPeriodEnd: number };
      reReferrals: { referrals: number; reReferrals: number };
      overdueChecksAsAt: string;
      overdueChecksByAgency: Array<{ agency: string; count: number }>;
      contactsByAgency: Array<Record<string, unknown>>;
    };
    previous: { overdueChecksAsAt: string; overdueChecksByAgency: Array<{ agency: string; count: number }> };
  };
}

let hub: TestHub;
let manager: string;
let dbUrl: string;
let metricsFile: string;

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

async function person(kind = 'CHILD'): Promise<string> {
  const [row] = (await hub.db.query(
    `INSERT INTO person (kind, given_name, family_name, sex, ethnicity, first_language, religion, disability, created_by_agency)
     VALUES ($1, 'Fictional', 'Definitions-Testcase', 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED', 'social-care') RETURNING id`,
    [kind],
  )) as Array<{ id: string }>;
  return row.id;
}

let n = 0;
async function contact(
  source: string,
  received: string,
  subjects: string[],
  outcome?: string,
  authorised?: string,
  mergedInto?: string,
): Promise<string> {
  const status = mergedInto ? 'MERGED' : authorised ? 'CLOSED' : 'SCREENED';
  const [row] = (await hub.db.query(
    `INSERT INTO referral (reference, referrer_sub, referrer_name, referrer_agency, concern_categories, narrative, consent_sought, consent_given,
                           status, rag, decision_due_at, received_at, decision_outcome, decision_authorised_at, merged_into_id, source)
     VALUES ($1, 'referrer-x', 'Fictional Referrer', 'social-care', '{NEGLECT}', 'Fictional narrative', true, true,
             $2, 'AMBER', $3::timestamptz + interval '1 day', $3, $4, $5, $6, $7) RETURNING id`,
    [`DEFN-TEST-${++n}`, status, received, outcome ?? null, authorised ?? null, mergedInto ?? null, source],
  )) as Array<{ id: string }>;
  for (const p of subjects)
    await hub.db.query(`INSERT INTO referral_subject (referral_id, person_id) VALUES ($1, $2)`, [row.id, p]);
  return row.id;
}

const byKey = (ms: MeasureOut[]) => Object.fromEntries(ms.map((m) => [m.key, m]));

beforeAll(async () => {
  dbUrl = await dedicatedDatabaseUrl();
  // The board's conventions (issue 20): Havering's improvement RAG, England's figure and a commentary for re-referrals.
  metricsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mash-definitions-')), 'metrics.json');
  fs.writeFileSync(
    metricsFile,
    JSON.stringify({
      ragConvention: 'IMPROVEMENT',
      targets: {
        reReferralRate: {
          comparators: [{ label: 'England (fictional)', value: 0.22 }],
          commentary: 'Fictional: one child re-referred after eleven months.',
        },
      },
    }),
  );
  hub = await startTestHub({ DATABASE_URL: dbUrl, MASH_METRICS_FILE: metricsFile });
  manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
  const [k1, k2, k3, k4, k5, k6, k7, k8, k9] = await Promise.all(Array.from({ length: 9 }, () => person()));
  const adult = await person('ADULT');
  const a = await contact(
    'POLICE',
    '2026-11-02T10:00:00Z',
    [k1!, k2!],
    'CHILD_IN_NEED_ASSESSMENT',
    '2026-11-02T15:00:00Z',
  );
  await contact(
    'INDIVIDUAL_ACQUAINTANCE',
    '2026-11-03T10:00:00Z',
    [k3!, adult],
    'NO_FURTHER_ACTION',
    '2026-11-05T10:00:00Z',
  );
  await contact('POLICE', '2026-11-30T16:00:00Z', [k4!]);
  await contact('UNKNOWN', '2026-11-27T12:00:00Z', [k5!]);
  await contact('SCHOOLS', '2026-10-30T16:00:00Z', [k6!], 'ADVICE_AND_INFORMATION', '2026-11-02T09:30:00Z');
  await contact('POLICE', '2026-11-04T10:00:00Z', [k1!], undefined, undefined, a);
  await contact('OTHER', '2025-10-01T10:00:00Z', [k7!], 'CHILD_IN_NEED_ASSESSMENT', '2025-10-01T12:00:00Z');
  await contact('OTHER', '2026-11-02T10:00:00Z', [k7!], 'CHILD_IN_NEED_ASSESSMENT', '2026-11-02T11:00:00Z');
  await contact('OTHER', '2025-12-10T10:00:00Z', [k8!], 'CHILD_IN_NEED_ASSESSMENT', '2025-12-10T12:00:00Z');
  await contact('OTHER', '2026-11-01T10:00:00Z', [k8!], 'NO_FURTHER_ACTION', '2026-11-02T12:00:00Z');
  await contact('OTHER', '2026-11-10T10:00:00Z', [k8!], 'STRATEGY_DISCUSSION', '2026-11-10T11:00:00Z');
  await contact('OTHER', '2026-11-20T10:00:00Z', [k9!], 'CHILD_IN_NEED_ASSESSMENT', '2026-12-02T10:00:00Z');
  await hub.db.query(
    `INSERT INTO agency_check (referral_id, agency, status, requested_at, requested_by, due_at, returned_at, responded_by, findings_summary)
     VALUES ($1, 'police', 'RETURNED', '2026-11-02T10:00:00Z', 'worker-test', '2026-11-02T17:00:00Z', '2026-12-03T10:00:00Z', 'officer-x', 'Fictional findings')`,
    [a],
  );
}, 120_000);

afterAll(async () => {
  await hub?.close();
});

describe('Measures by the book, November 2026 (a past month)', () => {
  let out: Out['metrics'];
  let m: Record<string, MeasureOut>;
  beforeAll(async () => {
    const res = await hub.gql<Out>(manager, QUERY, { period: { month: '2026-11' } });
    expect(res.errors).toBeUndefined();
    out = res.data!.metrics;
    m = byKey(out.measures);
  });

  it('times the statutory decision: contacts whose one working day fell due in the month, late when undecided at its end', () => {
    expect(out.current.statutoryDecisions).toEqual({ due: 8, withinOneWorkingDay: 5, notDecidedByPeriodEnd: 2 });
    expect(m.decisionsWithinOneWorkingDay).toMatchObject({
      value: 0.625,
      unit: 'SHARE',
      polarity: 'LARGER_IS_BETTER',
      status: 'RED',
    });
  });

  it('reports time in MASH in working days, the unit of its target', () => {
    expect(m.timeInMashMedianWorkingDays).toMatchObject({ unit: 'WORKING_DAYS', status: 'GREEN' });
    expect(m.timeInMashMedianWorkingDays!.value).toBeCloseTo(0.28125, 9);
    expect(m.timeInMashP90WorkingDays!.value).toBeCloseTo(1.3125, 9);
  });

  it('counts contacts by census source, per contact and per child, and referrals among them as known at the end of the month', () => {
    expect(out.current.contactsBySource).toEqual([
      {
        source: 'INDIVIDUAL_ACQUAINTANCE',
        censusCode: '1C',
        censusGroup: 'Individual',
        contacts: 1,
        childContacts: 1,
        referrals: 0,
        childReferrals: 0,
      },
      {
        source: 'OTHER',
        censusCode: '8',
        censusGroup: 'Other',
        contacts: 4,
        childContacts: 4,
        referrals: 2,
        childReferrals: 2,
      },
      {
        source: 'POLICE',
        censusCode: '6',
        censusGroup: 'Police',
        contacts: 3,
        childContacts: 3,
        referrals: 1,
        childReferrals: 2,
      },
      {
        source: 'UNKNOWN',
        censusCode: '10',
        censusGroup: 'Unknown',
        contacts: 1,
        childContacts: 1,
        referrals: 0,
        childReferrals: 0,
      },
    ]);
    expect(m.childReferrals).toMatchObject({ value: 4, polarity: null, status: 'NO_TARGET' });
  });

  it('counts re-referrals per child: 11 months after the last referral is one, 13 months is not, a contact never accepted is no previous referral', () => {
    expect(out.current.reReferrals).toEqual({ referrals: 4, reReferrals: 1 });
    expect(m.reReferralRate).toMatchObject({ value: 0.25, status: 'RED' });
  });

  it('gives conversion no polarity and no RAG', () => {
    expect(m.contactToReferralRate).toMatchObject({ polarity: null, status: 'NO_TARGET', direction: null });
  });

  it('shows the overdue checks as they stood at the end of the month, not today', () => {
    expect(out.current.overdueChecksAsAt).toBe('2026-12-01T00:00:00.000Z');
    expect(out.current.overdueChecksByAgency).toEqual([{ agency: 'police', count: 1 }]);
    expect(m.overdueChecksNow).toMatchObject({ value: 1, previousValue: 0 });
  });
});

describe('The board’s conventions from the metrics file', () => {
  it('rates by Havering’s convention and carries the comparator and commentary, in the API and the report', async () => {
    const res = await hub.gql<Out>(manager, QUERY, { period: { month: '2026-11' } });
    const m = byKey(res.data!.metrics.measures) as Record<
      string,
      MeasureOut & { comparators: unknown; commentary: string | null }
    >;
    // 25 % against 20 %: more than 5 % off and no previous value to have improved on → RED.
    expect(m.reReferralRate).toMatchObject({
      status: 'RED',
      comparators: [{ label: 'England (fictional)', value: 0.22 }],
      commentary: 'Fictional: one child re-referred after eleven months.',
    });
    // The December snapshot (0 overdue, improved from 1) is on target: GREEN either way.
    const { stdout } = await promisify(execFile)(
      'npx',
      ['ts-node', '--transpile-only', 'src/cli/report.ts', '--period', '2026-11'],
      {
        env: { ...process.env, DATABASE_URL: dbUrl, MASH_METRICS_FILE: metricsFile, NODE_ENV: 'test' },
        cwd: path.join(__dirname, '..'),
      },
    );
    expect(stdout).toContain(
      '- **Re-referrals within 12 months (per child, children-in-need census definition)**: 25.0 % (England (fictional) 22.0 %). Fictional: one child re-referred after eleven months.',
    );
    expect(stdout).toContain(
      'beyond that AMBER where performance improved on the previous period, RED where it did not',
    );
    expect(stdout).toContain(
      '| Decisions on the type of response within one working day (statutory, Working Together) | 62.5 % | – | 95.0 % | larger is better | RED | – |',
    );
    expect(stdout).toContain('| POLICE | 6 | 3 | 3 | 1 | 2 |');
    expect(stdout).toContain('| Contacts whose decision fell due | 8 | 0 |');
    // The 12-month trend, each month as at its end: Y1 in December 2025, E in October, nine contacts in November.
    expect(stdout).toContain('## 12-month trend');
    expect(stdout).toContain(
      '| Measure | 2025-12 | 2026-01 | 2026-02 | 2026-03 | 2026-04 | 2026-05 | 2026-06 | 2026-07 | 2026-08 | 2026-09 | 2026-10 | 2026-11 |',
    );
    expect(stdout).toContain('| Contacts received | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 9 |');
    expect(stdout).toContain(
      '| Decisions on the type of response within one working day (statutory, Working Together) | 100.0% | – | – | – | – | – | – | – | – | – | – | 62.5% |',
    );
  }, 60_000);
});

describe('The same data, December 2026 (the current month)', () => {
  it('the overdue check answered on 3 December is gone from today’s snapshot, and November’s stays 1', async () => {
    const res = await hub.gql<Out>(manager, QUERY, { period: { month: '2026-12' } });
    expect(res.errors).toBeUndefined();
    const out = res.data!.metrics;
    const now = Date.now();
    // Only meaningful while "today" is after 3 December 2026 (the answer) — the clock of this machine.
    if (now > Date.parse('2026-12-03T10:00:00Z') && now < Date.parse('2027-01-01T00:00:00Z')) {
      expect(out.current.overdueChecksByAgency).toEqual([]);
      expect(byKey(out.measures).overdueChecksNow).toMatchObject({
        value: 0,
        previousValue: 1,
        direction: 'IMPROVING',
      });
    }
    expect(out.previous.overdueChecksAsAt).toBe('2026-12-01T00:00:00.000Z');
    expect(out.previous.overdueChecksByAgency).toEqual([{ agency: 'police', count: 1 }]);
  });
});
