import { importHistory } from '../src/referrals/history-import';
import { givenImportedPerson, inTestPartnership } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * History import (issue 20, ADR 019): a partnership loads its past decided contacts from a CSV, and the
 * report for a past month reproduces the table it published for that month. The "published" March
 * 2019 table below was worked out by hand from the file (GMT all month; working days Mon–Fri 09–17):
 *
 *   H-1  10 Apr 2018 SCHOOLS    C-1       CIN assessment   decided the same day
 *   H-2  Mon 4 Mar   POLICE     C-1       strategy         +4 h: within one working day; C-1's re-referral (11 months after H-1)
 *   H-3  Tue 5 Mar   POLICE     C-2, C-3  CIN assessment   Wed 11:00, due Wed 10:00: late
 *   H-4  Fri 8 Mar   HEALTH_GP  C-4       no further action Mon 10:00, due Mon 16:00: within
 *   H-5  Tue 12 Mar  POLICE     C-5       advice           within (shared without consent: lawful basis given)
 *   H-6  Wed 20 Mar  SCHOOLS    C-2       early help       within
 *
 *   March 2019: contacts 5; POLICE 3 contacts, 4 per child, 2 referrals, 3 per child; HEALTH_GP 1, 1, 0, 0;
 *   SCHOOLS 1, 1, 0, 0; referrals per child 3; conversion 2 / 5; re-referrals 1 of 3 child-referrals;
 *   decisions within one working day 4 of 5.
 */

const HEADER =
  'source_reference,received_at,source,submitting_agency,referrer_organisation,referrer_role,child_refs,concern_categories,rag,outcome,decided_at,consent_given,consent_reason,lawful_basis';
const GOOD = [
  'H-1,2018-04-10T10:00:00+01:00,SCHOOLS,education,Fictional Primary,DSL,C-1,NEGLECT,GREEN,CHILD_IN_NEED_ASSESSMENT,2018-04-10T15:00:00+01:00,true,,',
  'H-2,2019-03-04T10:00:00Z,POLICE,police,,,C-1,DOMESTIC_ABUSE,RED,STRATEGY_DISCUSSION,2019-03-04T14:00:00Z,true,,',
  'H-3,2019-03-05T10:00:00Z,POLICE,police,,,C-2;C-3,DOMESTIC_ABUSE;NEGLECT,AMBER,CHILD_IN_NEED_ASSESSMENT,2019-03-06T11:00:00Z,true,,',
  'H-4,2019-03-08T16:00:00Z,HEALTH_GP,health,"Fictional Road Surgery, Unit 2",GP,C-4,NEGLECT,GREEN,NO_FURTHER_ACTION,2019-03-11T10:00:00Z,true,,',
  'H-5,2019-03-12T09:30:00Z,POLICE,police,,,C-5,PHYSICAL_ABUSE,AMBER,ADVICE_AND_INFORMATION,2019-03-12T12:00:00Z,false,Fictional: asking would put the child at risk,SAFEGUARDING_CHILDREN_AT_RISK',
  'H-6,2019-03-20T10:00:00Z,SCHOOLS,education,Fictional Academy,Head of year,C-2,EMOTIONAL_ABUSE,GREEN,EARLY_HELP,2019-03-20T11:00:00Z,true,,',
];

const METRICS = `query { metrics(period: { month: "2019-03" }) {
  measures { key value }
  current {
    contactsBySource { source contacts childContacts referrals childReferrals }
    statutoryDecisions { due withinOneWorkingDay notDecidedByPeriodEnd }
    reReferrals { referrals reReferrals }
  }
} }`;

describe('history import: a partnership loads its past contacts', () => {
  let hub: TestHub;
  let manager: string;
  const migrated = async () =>
    Number(
      (
        (await hub.db.query(`SELECT count(*) AS n FROM referral WHERE reference LIKE 'MIGRATED:LEGACY:%'`)) as Array<{
          n: string;
        }>
      )[0]!.n,
    );

  beforeAll(async () => {
    hub = await startTestHub({ DATABASE_URL: await dedicatedDatabaseUrl('history') });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    for (const ref of ['C-1', 'C-2', 'C-3', 'C-4', 'C-5'])
      await givenImportedPerson(hub, 'social-care', { sourceSystem: 'LEGACY', sourceReference: ref });
  }, 120_000);
  afterAll(() => hub.close());

  it('given a file with wrong rows, then every wrong row is named with its column and reason, no value is quoted, and nothing is stored', async () => {
    const csv = [
      HEADER,
      ...GOOD,
      'H-7,2019-03-21T10:00:00Z,NEIGHBOUR,,,,C-1,NEGLECT,,NO_FURTHER_ACTION,2019-03-21T11:00:00Z,true,,',
      'H-8,2019-03-21T10:00:00Z,POLICE,,,,C-99,NEGLECT,,NO_FURTHER_ACTION,2019-03-21T11:00:00Z,true,,',
      'H-9,2019-03-21T10:00:00Z,POLICE,,,,C-1,NEGLECT,,NO_FURTHER_ACTION,2019-03-21T11:00:00Z,false,,',
      'H-10,2019-03-21T10:00:00Z,POLICE,,,,C-1,NEGLECT,,NO_FURTHER_ACTION,2019-03-20T11:00:00Z,true,,',
    ].join('\n');
    const result = await inTestPartnership(() => importHistory(hub.server.hub, csv, 'LEGACY'));
    expect(result.stored).toBe(false);
    expect(result.rows).toEqual([
      {
        row: 8,
        outcome: 'REJECTED',
        reason: 'source: is not a census referral-source code of the hub (see ReferralSource)',
      },
      {
        row: 9,
        outcome: 'REJECTED',
        reason: 'child_refs.0: no person imported by social-care from LEGACY has this reference',
      },
      {
        row: 10,
        outcome: 'REJECTED',
        reason: 'article6_basis: is required when consent was not given (or lawful_basis, in older exports)',
      },
      { row: 11, outcome: 'REJECTED', reason: 'decided_at: is before received_at' },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/NEIGHBOUR|C-99/);
    expect(await migrated()).toBe(0);
  });

  it('given a header with a missing or unknown column, then the file is refused before any row', async () => {
    const result = await inTestPartnership(() =>
      importHistory(
        hub.server.hub,
        `${HEADER.replace('source_reference,', '').replace('rag,', 'priority,')}\n`,
        'LEGACY',
      ),
    );
    expect(result.stored).toBe(false);
    expect(result.rows.map((r) => r.reason)).toEqual([
      'header: column source_reference is missing',
      'header: column priority is not known',
    ]);
  });

  it('given the partnership’s file, when it is imported, then March 2019’s report reproduces the table worked out from it', async () => {
    const result = await inTestPartnership(() =>
      importHistory(hub.server.hub, [HEADER, ...GOOD].join('\r\n'), 'LEGACY'),
    );
    expect(result).toMatchObject({ stored: true, counts: { created: 6, skipped: 0, rejected: 0 } });
    const [provenance] = (await hub.db.query(
      `SELECT reference, narrative, status, source, referrer_organisation FROM referral WHERE reference = 'MIGRATED:LEGACY:H-4'`,
    )) as Array<Record<string, string>>;
    expect(provenance).toEqual({
      reference: 'MIGRATED:LEGACY:H-4',
      narrative: 'Migrated from LEGACY (H-4); the record itself stays in LEGACY.',
      status: 'CLOSED',
      source: 'HEALTH_GP',
      referrer_organisation: 'Fictional Road Surgery, Unit 2',
    });
    // H-5's older single lawful basis is stored as the two fields (ADR 025), the old value kept.
    const [basis] = (await hub.db.query(
      `SELECT lawful_basis, article6_basis, special_category_condition FROM referral WHERE reference = 'MIGRATED:LEGACY:H-5'`,
    )) as Array<Record<string, string>>;
    expect(basis).toEqual({
      lawful_basis: 'SAFEGUARDING_CHILDREN_AT_RISK',
      article6_basis: 'PUBLIC_TASK',
      special_category_condition: 'SAFEGUARDING_CHILDREN_AT_RISK',
    });

    const r = await hub.gql<{
      metrics: { measures: Array<{ key: string; value: number | null }>; current: Record<string, unknown> };
    }>(manager, METRICS);
    expect(r.errors).toBeUndefined();
    const m = Object.fromEntries(r.data!.metrics.measures.map((x) => [x.key, x.value]));
    expect(r.data!.metrics.current).toEqual({
      contactsBySource: [
        { source: 'HEALTH_GP', contacts: 1, childContacts: 1, referrals: 0, childReferrals: 0 },
        { source: 'POLICE', contacts: 3, childContacts: 4, referrals: 2, childReferrals: 3 },
        { source: 'SCHOOLS', contacts: 1, childContacts: 1, referrals: 0, childReferrals: 0 },
      ],
      statutoryDecisions: { due: 5, withinOneWorkingDay: 4, notDecidedByPeriodEnd: 0 },
      reReferrals: { referrals: 3, reReferrals: 1 },
    });
    expect(m).toMatchObject({
      contactsReceived: 5,
      childReferrals: 3,
      contactToReferralRate: 0.4,
      decisionsWithinOneWorkingDay: 0.8,
    });
    expect(m.reReferralRate).toBeCloseTo(1 / 3, 12);
  });

  it('given the same file again, then every row is skipped as already imported and nothing is added', async () => {
    const before = await migrated();
    const result = await inTestPartnership(() => importHistory(hub.server.hub, [HEADER, ...GOOD].join('\n'), 'LEGACY'));
    expect(result).toMatchObject({ stored: true, counts: { created: 0, skipped: 6, rejected: 0 } });
    expect(await migrated()).toBe(before);
  });
});
