import { icpcDueDate } from '../src/meetings/clocks';
import { givenImportedPerson } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 20: "an s47 enquiry that concludes no conference is needed ends its clock and is not late". The
 * strategy discussion's own ICPC measure (`icpcTimeliness`, "ICPCs within 15 working days of the strategy
 * discussion") leaves out a discussion whose every section 47 enquiry concluded, by the ICPC due date,
 * that no conference is needed; one concluded after the due date, or never concluded, still counts.
 *
 * Constructed February 2019 (15 working days; no bank holidays in February):
 *   SD1 Mon 4 Feb 10:00  s47, due 25 Feb  enquiry about C1 concluded NOT_SUBSTANTIATED_NO_FURTHER_ACTION 11 Feb  -> left out
 *   SD2 Tue 5 Feb 10:00  s47, due 26 Feb  enquiry about C2 concluded SUBSTANTIATED_CONFERENCE 12 Feb, ICPC 20 Feb -> due, in time
 *   SD3 Wed 6 Feb 10:00  s47, due 27 Feb  no enquiry recorded, no ICPC                                             -> due, late
 *   SD4 Thu 7 Feb 10:00  s47, due 28 Feb  enquiry about C4 concluded SUBSTANTIATED_CHILD_IN_NEED on 1 March (after the due date) -> due, late
 * Due 3, in time 1 (before the fix: due 4).
 */

const QUERY = `query($period: MetricsPeriodInput!) { metrics(period: $period) { current { icpcTimeliness { due withinTimescale } } } }`;

describe('ICPC timeliness of the strategy discussion when the enquiry needs no conference', () => {
  let hub: TestHub;
  let manager: string;

  const at = (iso: string) => new Date(iso);

  async function meeting(type: string, when: Date, person: string, s47: boolean): Promise<string> {
    const [row] = (await hub.db.query(
      `INSERT INTO meeting (type, scheduled_at, organising_agency, chair_sub, chair_name, status, outcome, outcome_recorded_by, outcome_recorded_at, icpc_due_at, held_at, created_by)
       VALUES ($1, $2, 'social-care', 'chair-x', 'Fictional Chair', 'HELD', $3, $4, $5, $6, $2, 'worker-test') RETURNING id`,
      [
        type,
        when,
        s47 ? 'SECTION_47_JOINT' : null,
        s47 ? 'chair-x' : null,
        s47 ? when : null,
        s47 ? icpcDueDate(when) : null,
      ],
    )) as Array<{ id: string }>;
    await hub.db.query(`INSERT INTO meeting_subject (meeting_id, person_id) VALUES ($1, $2)`, [row!.id, person]);
    return row!.id;
  }

  async function enquiry(sd: string, person: string, heldOn: string, conclusion: string, concludedOn: string) {
    const [row] = (await hub.db.query(
      `INSERT INTO s47_enquiry (person_id, owning_agency, lead, status, started_by_sub, started_by_name, last_strategy_on, icpc_due_on, conclusion, concluded_on, concluded_by_sub, concluded_by_name, concluded_at)
       VALUES ($1, 'social-care', 'JOINT', $2, 'sw-x', 'Fictional Worker', $3, $4, $5, $6, 'sw-x', 'Fictional Worker', $6::date)
       RETURNING id`,
      [
        person,
        conclusion === 'SUBSTANTIATED_CONFERENCE' ? 'AWAITING_CONFERENCE' : 'CLOSED',
        heldOn,
        icpcDueDate(at(`${heldOn}T10:00:00Z`)),
        conclusion,
        concludedOn,
      ],
    )) as Array<{ id: string }>;
    await hub.db.query(
      `INSERT INTO s47_strategy_discussion (enquiry_id, meeting_id, held_on, outcome, linked_by) VALUES ($1, $2, $3, 'SECTION_47_JOINT', 'sw-x')`,
      [row!.id, sd, heldOn],
    );
  }

  beforeAll(async () => {
    hub = await startTestHub({ DATABASE_URL: await dedicatedDatabaseUrl('icpc_no_conf') });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    const [c1, c2, c3, c4] = [
      await givenImportedPerson(hub, 'social-care'),
      await givenImportedPerson(hub, 'social-care'),
      await givenImportedPerson(hub, 'social-care'),
      await givenImportedPerson(hub, 'social-care'),
    ];
    const sd1 = await meeting('STRATEGY_DISCUSSION', at('2019-02-04T10:00:00Z'), c1!, true);
    await enquiry(sd1, c1!, '2019-02-04', 'NOT_SUBSTANTIATED_NO_FURTHER_ACTION', '2019-02-11');
    const sd2 = await meeting('STRATEGY_DISCUSSION', at('2019-02-05T10:00:00Z'), c2!, true);
    await enquiry(sd2, c2!, '2019-02-05', 'SUBSTANTIATED_CONFERENCE', '2019-02-12');
    await meeting('INITIAL_CHILD_PROTECTION_CONFERENCE', at('2019-02-20T10:00:00Z'), c2!, false);
    await meeting('STRATEGY_DISCUSSION', at('2019-02-06T10:00:00Z'), c3!, true);
    const sd4 = await meeting('STRATEGY_DISCUSSION', at('2019-02-07T10:00:00Z'), c4!, true);
    await enquiry(sd4, c4!, '2019-02-07', 'SUBSTANTIATED_CHILD_IN_NEED', '2019-03-01');
  }, 120_000);
  afterAll(() => hub?.close());

  it('the constructed discussions fall due in February', () => {
    expect(
      ['2019-02-04', '2019-02-05', '2019-02-06', '2019-02-07'].map((d) => icpcDueDate(at(`${d}T10:00:00Z`))),
    ).toEqual(['2019-02-25', '2019-02-26', '2019-02-27', '2019-02-28']);
  });

  it('given a discussion whose enquiry concluded no conference was needed before the due date, when February is measured, then it is neither due nor late; the others count', async () => {
    const r = await hub.gql<{ metrics: { current: { icpcTimeliness: { due: number; withinTimescale: number } } } }>(
      manager,
      QUERY,
      { period: { month: '2019-02' } },
    );

    expect(r.errors).toBeUndefined();
    expect(r.data!.metrics.current.icpcTimeliness).toEqual({ due: 3, withinTimescale: 1 });
  });
});
