import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fakeNhsNumber, unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';
import { loadConfig } from '../src/config';
import { loadPartnershipConfigs } from '../src/app/partnership-config';
import { DEFAULT_POLICY } from '../src/access-policy/policy';
import { DEMO_AGENCIES } from '../src/auth/agencies';
import { DEFAULT_CALENDAR, WorkingCalendar } from '../src/shared/working-calendar';

/**
 * Per-partnership configuration (issue 26, ADR 028): MASH_PARTNERSHIPS_FILE gives a partnership its
 * own agencies, policy and timescales; the partnership a request acts in selects them, and a
 * partnership the file does not name keeps the deployment's.
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const READ = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { receivedAt acknowledgedDecisionBy } }`;
const UPSERT = `mutation($input: PersonInput!) { upsertPerson(input: $input) { person { id } } }`;
const PERSON = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id familyName } }`;
const ME = `{ me { agency purposes } agencies { code } }`;

const newId = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;

/** Writes the files into a fresh folder; returns the path of the first (the partnerships file). */
function files(content: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-partnerships-'));
  for (const [name, body] of Object.entries(content))
    fs.writeFileSync(path.join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return path.join(dir, Object.keys(content)[0]!);
}

const configWith = (file: string) => loadConfig({ NODE_ENV: 'test', MASH_PARTNERSHIPS_FILE: file });

/** The next three London dates from today (closure days that matter on any day the story runs). */
function nextThreeDates(): string[] {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });
  return [1, 2, 3].map((d) => fmt.format(new Date(Date.now() + d * 86_400_000)));
}

describe('a bad partnerships file stops the hub, naming the partnership and the field', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'a closure day that is no date',
      {
        'p.json': { southvale: { timescalesFile: 't.json' } },
        't.json': { calendar: { closureDays: ['2026-02-30'] } },
      },
      'MASH_PARTNERSHIPS_FILE: southvale.timescalesFile: calendar.closureDays.0 must be a date YYYY-MM-DD',
    ],
    [
      'a policy rule with a misspelt condition',
      {
        'p.json': { southvale: { policyFile: 'policy.json' } },
        'policy.json': { ...DEFAULT_POLICY, rules: [{ ...DEFAULT_POLICY.rules[0], role: ['LADO'] }] },
      },
      'MASH_PARTNERSHIPS_FILE: southvale.policyFile: rules.0',
    ],
    [
      'an agency list with a bad code',
      {
        'p.json': { southvale: { agenciesFile: 'a.json' } },
        'a.json': [{ code: 'Police!', name: 'X', kind: 'POLICE' }],
      },
      'MASH_PARTNERSHIPS_FILE: southvale.agenciesFile: 0.code',
    ],
    [
      'an agency code another partnership gives another kind',
      {
        'p.json': { southvale: { agenciesFile: 'a.json' } },
        'a.json': [{ code: 'police', name: 'Not the police', kind: 'HEALTH' }],
      },
      'MASH_PARTNERSHIPS_FILE: southvale.agenciesFile: agency police is HEALTH here but POLICE elsewhere',
    ],
    [
      'a quorum rule that is not a yes or no',
      {
        'p.json': { southvale: { meetingsFile: 'm.json' } },
        'm.json': { quorum: { informationOnlyCounts: 'sometimes' } },
      },
      'MASH_PARTNERSHIPS_FILE: southvale.meetingsFile: quorum.informationOnlyCounts',
    ],
    ['an unknown setting', { 'p.json': { southvale: { policy: 'x.json' } } }, 'MASH_PARTNERSHIPS_FILE: southvale'],
    ['a partnership id that is no slug', { 'p.json': { 'South Vale': {} } }, 'partnership ids are lower-case'],
    [
      'a missing file',
      { 'p.json': { southvale: { timescalesFile: 'nowhere.json' } } },
      'southvale.timescalesFile: cannot read',
    ],
  ])('%s', (_what, content, message) => {
    const config = configWith(files(content));
    expect(() => loadPartnershipConfigs(config)).toThrow(message);
  });

  it('names no value from the file', () => {
    const config = configWith(
      files({
        'p.json': { southvale: { agenciesFile: 'a.json' } },
        'a.json': [{ code: 'Secret-Agency-Name', name: 'X', kind: 'POLICE' }],
      }),
    );
    expect(() => loadPartnershipConfigs(config)).toThrow(/^(?!.*Secret-Agency-Name)/s);
  });
});

describe('two partnerships on one hub, each with its own configuration', () => {
  let hub: TestHub;
  const a = newId('ca');
  const b = newId('cb');
  const closureDays = nextThreeDates();
  const local = new WorkingCalendar({ ...DEFAULT_CALENDAR, extraHolidays: closureDays });
  const national = new WorkingCalendar(DEFAULT_CALENDAR);
  const as = (partnership: string) => ({ 'x-mash-partnership': partnership });

  // B: no probation service, a children's services trust of its own, and police officers who may
  // read for agency checks only (a narrower policy than A's, which is the deployment's).
  const bAgencies = [
    ...DEMO_AGENCIES.filter((x) => x.code !== 'probation'),
    { code: 'southvale-trust', name: 'Fictional Southvale Children’s Trust', kind: 'SOCIAL_CARE' },
  ];
  const bPolicy = {
    ...DEFAULT_POLICY,
    purposesByRole: { ...DEFAULT_POLICY.purposesByRole, POLICE_MASH_OFFICER: ['AGENCY_CHECK'] },
  };

  beforeAll(async () => {
    const file = files({
      'partnerships.json': {
        [a]: { timescalesFile: 'a-timescales.json' },
        [b]: { agenciesFile: 'b-agencies.json', policyFile: 'b-policy.json' },
      },
      'a-timescales.json': { calendar: { closureDays } },
      'b-agencies.json': bAgencies,
      'b-policy.json': bPolicy,
    });
    // A database of its own: the partnerships it adds must not reach the shared database's commands.
    hub = await startTestHub(
      { MASH_PARTNERSHIPS_FILE: file },
      { databaseUrl: await dedicatedDatabaseUrl('partnership_config') },
    );
    await hub.db.query(
      `INSERT INTO partnership (id, display_name) VALUES ($1, 'Config test A (fictional)'), ($2, 'Config test B (fictional)')`,
      [a, b],
    );
  });
  afterAll(() => hub?.close());

  const token = (agency: string, roles: string[]) => hub.token({ agency, roles, partnerships: [a, b] });

  async function submitted(partnership: string): Promise<{ receivedAt: string; acknowledgedDecisionBy: string }> {
    const referrer = await token('education', ['PARTNER_REFERRER']);
    const r = await hub.gql<{ submitReferral: { id: string } }>(
      referrer,
      SUBMIT,
      {
        input: {
          subjects: [
            {
              newPerson: {
                kind: 'CHILD',
                givenName: 'Testy',
                familyName: `Fictional${crypto.randomInt(1e6)}`,
                dateOfBirth: '2016-01-01',
              },
            },
          ],
          concernCategories: ['NEGLECT'],
          narrative: 'Fictional narrative for the per-partnership settings story.',
          consentSought: true,
          consentGiven: true,
        },
        key: unique('k'),
      },
      as(partnership),
    );
    expect(r.errors).toBeUndefined();
    const worker = await token('social-care', ['MASH_SOCIAL_WORKER']);
    const read = await hub.gql<{ referral: { receivedAt: string; acknowledgedDecisionBy: string } }>(
      worker,
      READ,
      { id: r.data!.submitReferral.id },
      as(partnership),
    );
    expect(read.errors).toBeUndefined();
    return read.data!.referral;
  }

  it('given closure days in A only, when a contact arrives in each, then A’s decision is due after its closure days and B’s on the national calendar', async () => {
    const inA = await submitted(a);
    const inB = await submitted(b);
    expect(inA.acknowledgedDecisionBy).toBe(local.addWorkingDays(new Date(inA.receivedAt), 1).toISOString());
    expect(inB.acknowledgedDecisionBy).toBe(national.addWorkingDays(new Date(inB.receivedAt), 1).toISOString());
    // The closure days matter: on A's calendar the same contact would be due later than on B's.
    expect(local.addWorkingDays(new Date(inB.receivedAt), 1) > new Date(inB.acknowledgedDecisionBy)).toBe(true);
  });

  it('given B’s narrower policy, when a police officer reads a child for direct care, then A allows it and B refuses it', async () => {
    const officer = await token('police', ['POLICE_MASH_OFFICER']);
    const ids: Record<string, string> = {};
    for (const p of [a, b]) {
      const input = {
        sourceSystem: 'TEST',
        sourceReference: newId('p'),
        kind: 'CHILD',
        givenName: 'Testy',
        familyName: `Fictional${crypto.randomInt(1e6)}`,
        dateOfBirth: '2016-04-03',
        nhsNumber: fakeNhsNumber(),
      };
      const r = await hub.gql<{ upsertPerson: { person: { id: string } } }>(officer, UPSERT, { input }, as(p));
      expect(r.errors).toBeUndefined();
      ids[p] = r.data!.upsertPerson.person.id;
    }
    const inA = await hub.gql<{ person: { id: string } }>(officer, PERSON, { id: ids[a] }, as(a));
    expect(inA.errors).toBeUndefined();
    expect(inA.data!.person.id).toBe(ids[a]);

    const inB = await hub.gql<{ person: { id: string; familyName: string | null } | null }>(
      officer,
      PERSON,
      { id: ids[b] },
      as(b),
    );
    expect(inB.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(inB.data?.person?.familyName ?? null).toBeNull();

    const me = await hub.gql<{ me: { purposes: string[] } }>(officer, ME, {}, as(b));
    expect(me.data!.me.purposes).toEqual(['AGENCY_CHECK']);
  });

  it('given probation is not one of B’s agencies, when its officer acts in B, then it is refused (403), while in A it is served', async () => {
    const officer = await token('probation', ['PROBATION_MASH_OFFICER']);
    const inA = await hub.gql<{ me: { agency: string } }>(officer, ME, {}, as(a));
    expect(inA.errors).toBeUndefined();
    expect(inA.data!.me.agency).toBe('probation');

    const inB = await hub.gql(officer, ME, {}, as(b));
    expect(inB.status).toBe(403);
    expect(inB.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(inB.errors?.[0]?.message).toBe('This agency does not work in the partnership named in x-mash-partnership');
  });

  it('given an agency only B has, then its users are served in B (which lists its own agencies) and refused in A', async () => {
    const worker = await token('southvale-trust', ['MASH_SOCIAL_WORKER']);
    const inB = await hub.gql<{ me: { agency: string }; agencies: Array<{ code: string }> }>(worker, ME, {}, as(b));
    expect(inB.errors).toBeUndefined();
    const codes = inB.data!.agencies.map((x) => x.code);
    expect(codes).toContain('southvale-trust');
    expect(codes).not.toContain('probation');

    const inA = await hub.gql(worker, ME, {}, as(a));
    expect(inA.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
