import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';
import { parsePartnershipSettings } from '../src/referrals/settings';
import { DEFAULT_CALENDAR, WorkingCalendar } from '../src/shared/working-calendar';

/**
 * Issue 19 §4: local timescales from a validated partnership settings file (MASH_PARTNERSHIP_FILE): the
 * working calendar with the partnership's closure days, the local RAG targets, the threshold level
 * names. The statutory one-working-day decision clock is kept apart from the local targets, and a bad
 * file stops the hub naming the field.
 */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: GREEN, rationale: "Fictional: low risk", expectedVersion: $v) { decisionDueAt acknowledgedDecisionBy version } }`;
const READ = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { receivedAt decisionDueAt acknowledgedDecisionBy version } }`;
const MINE = `query($id: ID!) { myReferral(id: $id) { expectedDecisionBy } }`;

function settingsFile(content: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mash-partnership-')), 'partnership.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The next three London dates from today (the closure days of the story, so it holds on any day it runs). */
function nextThreeDates(): string[] {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });
  return [1, 2, 3].map((d) => fmt.format(new Date(Date.now() + d * 86_400_000)));
}

describe('a bad partnership settings file stops the hub, naming the field', () => {
  it.each([
    [{ ragTargets: { decision: { RED: { unit: 'FORTNIGHTS', amount: 1 } } } }, 'ragTargets.decision.RED.unit'],
    [
      { ragTargets: { check: { AMBER: { unit: 'WORKING_HOURS', amount: 0 } } } },
      'ragTargets.check.AMBER.amount must be more than 0',
    ],
    [{ calendar: { dayStart: '17:00', dayEnd: '09:00' } }, 'calendar.dayEnd dayEnd must be later than dayStart'],
    [{ calendar: { closureDays: ['2026-02-30'] } }, 'calendar.closureDays.0 must be a date YYYY-MM-DD'],
    [{ statutoryDecision: { unit: 'WORKING_DAYS', amount: 2 } }, 'statutoryDecision is set by Working Together'],
    [{ thresholdLevels: { LEVEL_9: 'Acute' } }, 'thresholdLevels'],
    [{ ragTarget: {} }, 'ragTarget'],
  ])('%j → names %s', (raw, field) => {
    expect(() => parsePartnershipSettings(raw)).toThrow(`MASH_PARTNERSHIP_FILE: `);
    expect(() => parsePartnershipSettings(raw)).toThrow(field);
  });

  it('given a file with a negative target or that is not JSON, when the hub starts, then it stops at once with a message naming the variable and field', async () => {
    const bad = settingsFile({ ragTargets: { decision: { AMBER: { unit: 'WORKING_DAYS', amount: -1 } } } });
    const started = run('node', ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        MASH_PARTNERSHIP_FILE: bad,
        NODE_ENV: 'test',
        PORT: '0',
        MASH_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'mash-nodb-')),
      },
      timeout: 60_000,
    });
    await expect(started).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('MASH_PARTNERSHIP_FILE: ragTargets.decision.AMBER.amount must be more than 0'),
    });

    const notJson = settingsFile('{ "calendar": ');
    await expect(
      run('node', ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, MASH_PARTNERSHIP_FILE: notJson, NODE_ENV: 'test' },
        timeout: 60_000,
      }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('MASH_PARTNERSHIP_FILE: cannot read') });
  }, 120_000);
});

describe('a partnership with its own closure days and a slower GREEN target', () => {
  let hub: TestHub;
  let referrer: string;
  let worker: string;
  const closureDays = nextThreeDates();
  const local = new WorkingCalendar({ ...DEFAULT_CALENDAR, extraHolidays: closureDays });
  const national = new WorkingCalendar(DEFAULT_CALENDAR);

  beforeAll(async () => {
    const file = settingsFile({
      calendar: { closureDays },
      ragTargets: { decision: { GREEN: { unit: 'WORKING_DAYS', amount: 5 } } },
      thresholdLevels: { LEVEL_3_TARGETED: 'Complex', LEVEL_4_SPECIALIST: 'Acute' },
    });
    hub = await startTestHub({ MASH_PARTNERSHIP_FILE: file });
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
  });
  afterAll(() => hub.close());

  it('given a contact, then the statutory one working day skips the closure days; rated GREEN, the local target is 5 working days and the statutory clock stays one', async () => {
    const submitted = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
      input: {
        subjects: [
          {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Testy',
              familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
              dateOfBirth: '2016-01-01',
            },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative for the settings story.',
        consentSought: true,
        consentGiven: true,
      },
      key: unique('k'),
    });
    expect(submitted.errors).toBeUndefined();
    const id = submitted.data!.submitReferral.id;
    const before = await hub.gql<{
      referral: { receivedAt: string; decisionDueAt: string; acknowledgedDecisionBy: string; version: number };
    }>(worker, READ, { id });
    const received = new Date(before.data!.referral.receivedAt);
    const statutory = local.addWorkingDays(received, 1).toISOString();
    // The closure days matter: the national calendar alone would give an earlier time.
    expect(national.addWorkingDays(received, 1).toISOString() < statutory).toBe(true);
    expect(before.data!.referral.acknowledgedDecisionBy).toBe(statutory);
    const mine = await hub.gql<{ myReferral: { expectedDecisionBy: string } }>(referrer, MINE, { id });
    expect(mine.data!.myReferral.expectedDecisionBy).toBe(statutory);

    const rated = await hub.gql<{ rateReferral: { decisionDueAt: string; acknowledgedDecisionBy: string } }>(
      worker,
      RATE,
      { id, v: before.data!.referral.version },
    );
    expect(rated.errors).toBeUndefined();
    expect(rated.data!.rateReferral.decisionDueAt).toBe(local.addWorkingDays(received, 5).toISOString());
    expect(rated.data!.rateReferral.acknowledgedDecisionBy).toBe(statutory);
  });

  it('given the partnership’s names for the threshold levels, then MASH staff read them (codes stay), and a partner referrer may not', async () => {
    const q = `{ thresholdLevels { level name } }`;
    const r = await hub.gql<{ thresholdLevels: Array<{ level: string; name: string }> }>(worker, q);
    expect(r.errors).toBeUndefined();
    expect(r.data!.thresholdLevels).toEqual([
      { level: 'LEVEL_1_UNIVERSAL', name: 'Universal' },
      { level: 'LEVEL_2_EARLY_HELP', name: 'Early help' },
      { level: 'LEVEL_3_TARGETED', name: 'Complex' },
      { level: 'LEVEL_4_SPECIALIST', name: 'Acute' },
    ]);
    const denied = await hub.gql(referrer, q);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
