import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { importEnquiryHistory } from '../src/child-protection/enquiry-history-import';
import { inTestPartnership } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * The history import reproduces a published table exactly (issue 20 "History import" and "Done when").
 *
 * Published: Enfield, Safeguarding and Quality Assurance Service, IRO Annual Report 2017/2018 (August
 * 2018; /work/shared/domain/papers/002), section 4.6.7 "Timeliness of CP Conferences 2017/18": "416
 * children were subject to initial child protection conferences. 92.17% were within statutory timescales
 * and 3.69% were overdue. 4.15% did not take place." The percentages are of the conferences due: the
 * only whole numbers giving all three to two decimals with 416 held are 434 due = 400 in time (92.17 %)
 * + 16 late (3.69 %) + 18 not held (4.15 %), and 400 + 16 = 416.
 *
 * The file (tests/fixtures/enfield-icpc-2017-18.csv, fictional children ENF-C-0001…) holds one s47
 * enquiry per child: 434 counted in 2017/18 — strategy discussions on weekdays from 27 March 2017 to
 * 15 February 2018 (due 15 working days later, from April 2017 to March 2018); 400 conferences held 7
 * days after the discussion (in time, April 2017 – February 2018), 16 held 42 days after (late, by 29
 * March 2018), 18 closed without a conference 35 days after (after the due date: "did not take place")
 * — plus rows the measure must leave out: 12 enquiries that concluded no conference was needed before
 * the due date, and 6 whose conference was held and fell due in February–March 2017 or April 2018.
 * The ICPC split counts conferences held in the period plus those due in it and not held by its end
 * (issue 20's definition, docs/metrics.md).
 */

const FILE = path.join(__dirname, 'fixtures', 'enfield-icpc-2017-18.csv');
const SYSTEM = 'EnfieldMosaic';
const METRICS = `query { metrics(period: { from: "2017-04-01", to: "2018-03-31" }) {
  measures { key value }
  current { childProtection { icpcDue icpcHeldInTime icpcHeldLate icpcDueNotHeld } }
} }`;

describe('history import reproduces a published table', () => {
  let hub: TestHub;
  let dbUrl: string;
  let manager: string;

  const command = () =>
    promisify(execFile)(
      'npx',
      [
        'ts-node',
        '--transpile-only',
        'src/cli/import-history.ts',
        FILE,
        '--system',
        SYSTEM,
        '--records',
        'enquiries',
        '--partnership',
        'default',
      ],
      {
        env: { ...process.env, DATABASE_URL: dbUrl, NODE_ENV: 'test', LOG_LEVEL: 'warn' },
        cwd: path.join(__dirname, '..'),
        timeout: 120_000,
      },
    );

  beforeAll(async () => {
    dbUrl = await dedicatedDatabaseUrl('published');
    hub = await startTestHub({ DATABASE_URL: dbUrl });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    // Given: the 452 fictional children, as the social care feed imported them from the same system.
    await hub.db.query(
      `WITH kids AS (
         INSERT INTO person (kind, given_name, family_name, date_of_birth, sex, ethnicity, first_language, religion, disability, created_by_agency)
         SELECT 'CHILD', 'Fictional', 'Enfield-' || lpad(n::text, 4, '0'), date '2010-01-01' + n, 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED',
                'NOT_RECORDED', 'NOT_RECORDED', 'social-care'
           FROM generate_series(1, 452) n
         RETURNING id, family_name)
       INSERT INTO person_source (person_id, agency_code, source_system, source_ref, content_hash)
       SELECT id, 'social-care', $1, 'ENF-C-' || right(family_name, 4), 'fictional' FROM kids`,
      [SYSTEM],
    );
  }, 180_000);
  afterAll(() => hub.close());

  it('given a wrong row, then the command names it with column and reason and stores nothing', async () => {
    const csv = [
      'source_reference,child_ref,lead,strategy_discussion_on,conclusion,concluded_on,conference_held_on,conference_decision,plan_category',
      'X-1,ENF-C-0001,JOINT,2017-05-02,SUBSTANTIATED_CONFERENCE,2017-05-05,2017-05-10,PLAN,NEGLECT',
      'X-2,ENF-C-0002,JOINT,2017-05-02,SUBSTANTIATED_CONFERENCE,2017-05-05,,,',
      'X-3,ENF-C-9999,JOINT,2017-05-02,NOT_SUBSTANTIATED_OTHER,2017-05-05,,,',
      'X-4,ENF-C-0004,JOINT,2017-05-02,SUBSTANTIATED_CONFERENCE,2017-05-05,2017-05-10,PLAN,',
    ].join('\n');
    const result = await inTestPartnership(() => importEnquiryHistory(hub.server.hub, csv, SYSTEM));
    expect(result.stored).toBe(false);
    expect(result.rows).toEqual([
      {
        row: 3,
        outcome: 'REJECTED',
        reason: 'conclusion: a conference was needed: give conference_held_on, or the conclusion reached without one',
      },
      {
        row: 4,
        outcome: 'REJECTED',
        reason: `child_ref: no person imported by social-care from ${SYSTEM} has this reference`,
      },
      { row: 5, outcome: 'REJECTED', reason: 'plan_category: is required with PLAN' },
    ]);
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM s47_enquiry`)) as Array<{ n: number }>;
    expect(n).toBe(0);
  });

  it('given Enfield’s 2017/18 file, when imported with the real command, then the report for 2017/18 reproduces the published ICPC split exactly, and a second run adds nothing', async () => {
    // When
    const first = await command();
    expect(first.stdout).toContain('452 created, 0 already imported');
    // Then: 434 due; 400 in time (92.17 %), 16 late (3.69 %), 18 not held (4.15 %); 416 children conferenced.
    const r = await hub.gql<{
      metrics: {
        measures: Array<{ key: string; value: number | null }>;
        current: {
          childProtection: { icpcDue: number; icpcHeldInTime: number; icpcHeldLate: number; icpcDueNotHeld: number };
        };
      };
    }>(manager, METRICS);
    expect(r.errors).toBeUndefined();
    const cp = r.data!.metrics.current.childProtection;
    expect(cp).toEqual({ icpcDue: 434, icpcHeldInTime: 400, icpcHeldLate: 16, icpcDueNotHeld: 18 });
    const pct = (x: number) => Math.round((x / cp.icpcDue) * 10000) / 100;
    expect([pct(cp.icpcHeldInTime), pct(cp.icpcHeldLate), pct(cp.icpcDueNotHeld)]).toEqual([92.17, 3.69, 4.15]);
    expect(cp.icpcHeldInTime + cp.icpcHeldLate).toBe(416);
    const measure = r.data!.metrics.measures.find((m) => m.key === 'cpInitialConferencesInTimescale');
    expect(measure?.value).toBeCloseTo(400 / 434, 10);
    // Provenance: every enquiry says where it came from.
    const [{ migrated }] = (await hub.db.query(
      `SELECT count(*)::int AS migrated FROM s47_enquiry WHERE source_reference LIKE 'MIGRATED:${SYSTEM}:S47-%'`,
    )) as Array<{ migrated: number }>;
    expect(migrated).toBe(452);
    // And again: idempotent per source reference.
    const second = await command();
    expect(second.stdout).toContain('0 created, 452 already imported');
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM s47_enquiry`)) as Array<{ n: number }>;
    expect(n).toBe(452);
  }, 300_000);
});
