import { inTestPartnership } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * Snapshots as at the period's end (issue 20 "Snapshots"): a past month's report shows that month's
 * position, never today's. Contacts open in the MASH at the end of a month, by their RAG then, come
 * from the status history (referral_transition) and the rating history (referral_rating).
 *
 * Given (times UTC; October ends 2026-11-01 00:00 GMT, November 2026-12-01 00:00 GMT):
 *   A  received 5 Oct, rated GREEN 5 Oct, re-rated RED 3 Nov, decision authorised (CLOSED) 10 Nov
 *   B  received 20 Oct, first rated AMBER 2 Nov, still open today
 *   C  received 10 Oct, rated GREEN 11 Oct, withdrawn 25 Oct
 *   D  received 5 Nov, rated RED 5 Nov, still open today
 * Hand-computed:
 *   end of October:  A open GREEN, B open UNRATED (rated only in November), C withdrawn, D not yet received → 2: GREEN 1, UNRATED 1
 *   end of November: A closed, B open AMBER, D open RED → 2: AMBER 1, RED 1
 * Today's state read back onto October would say 1 (only B is open now, and AMBER): the snapshot differs.
 *
 * Equality as recorded then: A is about child K1 (ethnicity recorded all along), B about K2 (ethnicity
 * NOT_RECORDED until it was recorded on 15 November), D about K3 (recorded). October's children K1, K2:
 * ethnicity recorded 1 of 2 = 0.5 (today's values would say 2 of 2); November's child K3: 1 of 1.
 */

const METRICS = `query { metrics(period: { month: "2026-11" }) {
  measures { key value previousValue }
  previousEquality: previous { equality { children ethnicity } }
  current { openReferralsAsAt openReferralsByRag { rag count } }
  previous { openReferralsAsAt openReferralsByRag { rag count } }
} }`;

describe('snapshots as at the end of the period', () => {
  let hub: TestHub;
  let manager: string;

  async function referral(ref: string, received: string, status: string, rag: string, authorised: string | null) {
    const [row] = (await hub.db.query(
      `INSERT INTO referral (reference, referrer_sub, referrer_name, referrer_agency, concern_categories, narrative, consent_sought, consent_given,
                             status, rag, decision_due_at, received_at, decision_outcome, decision_authorised_at, updated_at)
       VALUES ($1, 'referrer-x', 'Fictional Referrer', 'education', '{NEGLECT}', 'Fictional narrative', true, true,
               $2, $3, $4::timestamptz + interval '1 day', $4, $5, $6, coalesce($6, $4))
       RETURNING id`,
      [ref, status, rag, received, authorised ? 'NO_FURTHER_ACTION' : null, authorised],
    )) as Array<{ id: string }>;
    return row!.id;
  }
  let version = 0;
  async function step(id: string, transition: string, from: string | null, to: string, at: string) {
    await hub.db.query(
      `INSERT INTO referral_transition (referral_id, transition, from_status, to_status, version, actor_sub, actor_name, actor_agency, occurred_at)
       VALUES ($1, $2, $3, $4, $5, 'worker-x', 'Fictional Worker', 'social-care', $6)`,
      [id, transition, from, to, ++version, at],
    );
  }
  async function rating(id: string, rag: string, at: string) {
    await hub.db.query(
      `INSERT INTO referral_rating (referral_id, rag, rationale, rated_by_sub, rated_by_name, rated_at, decision_due_at)
       VALUES ($1, $2, 'Fictional rationale', 'worker-x', 'Fictional Worker', $3, $3::timestamptz + interval '1 day')`,
      [id, rag, at],
    );
  }

  beforeAll(async () => {
    hub = await startTestHub({ DATABASE_URL: await dedicatedDatabaseUrl('asat') });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    const a = await referral('AS-AT-A', '2026-10-05T09:00:00Z', 'CLOSED', 'RED', '2026-11-10T12:00:00Z');
    await step(a, 'SUBMIT', null, 'RECEIVED', '2026-10-05T09:00:00Z');
    await step(a, 'RATE', 'RECEIVED', 'SCREENED', '2026-10-05T11:00:00Z');
    await rating(a, 'GREEN', '2026-10-05T11:00:00Z');
    await step(a, 'RERATE', 'SCREENED', 'SCREENED', '2026-11-03T10:00:00Z');
    await rating(a, 'RED', '2026-11-03T10:00:00Z');
    await step(a, 'PROPOSE_DECISION', 'SCREENED', 'DECISION_PROPOSED', '2026-11-10T11:00:00Z');
    await step(a, 'AUTHORISE_DECISION', 'DECISION_PROPOSED', 'CLOSED', '2026-11-10T12:00:00Z');

    const b = await referral('AS-AT-B', '2026-10-20T09:00:00Z', 'SCREENED', 'AMBER', null);
    await step(b, 'SUBMIT', null, 'RECEIVED', '2026-10-20T09:00:00Z');
    await step(b, 'RATE', 'RECEIVED', 'SCREENED', '2026-11-02T09:00:00Z');
    await rating(b, 'AMBER', '2026-11-02T09:00:00Z');

    const c = await referral('AS-AT-C', '2026-10-10T09:00:00Z', 'WITHDRAWN', 'GREEN', null);
    await step(c, 'SUBMIT', null, 'RECEIVED', '2026-10-10T09:00:00Z');
    await step(c, 'RATE', 'RECEIVED', 'SCREENED', '2026-10-11T09:00:00Z');
    await rating(c, 'GREEN', '2026-10-11T09:00:00Z');
    await step(c, 'WITHDRAW', 'SCREENED', 'WITHDRAWN', '2026-10-25T09:00:00Z');
    await hub.db.query(`UPDATE referral SET updated_at = '2026-10-25T09:00:00Z' WHERE id = $1`, [c]);

    const child = async (ethnicity: string) =>
      (
        (await hub.db.query(
          `INSERT INTO person (kind, given_name, family_name, sex, ethnicity, first_language, religion, disability, created_by_agency)
           VALUES ('CHILD', 'Fictional', 'As-At-Testcase', 'NOT_RECORDED', $1, 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED', 'social-care') RETURNING id`,
          [ethnicity],
        )) as Array<{ id: string }>
      )[0]!.id;
    const subject = (referralId: string, personId: string) =>
      hub.db.query(`INSERT INTO referral_subject (referral_id, person_id) VALUES ($1, $2)`, [referralId, personId]);
    const [k1, k2, k3] = [await child('ASIAN_BANGLADESHI'), await child('NOT_RECORDED'), await child('ASIAN_INDIAN')];
    await subject(a, k1);
    await subject(b, k2);
    // K2's ethnicity recorded on 15 November: the trigger keeps the value it replaced (stamped now; placed on 15 November).
    // Through the hub's own serving role (mash_app), as a live change would be: the trigger writes under the wall.
    await inTestPartnership(() =>
      hub.server.hub.dataSource.query(`UPDATE person SET ethnicity = 'ASIAN_PAKISTANI' WHERE id = $1`, [k2]),
    );
    await hub.db.query(`UPDATE person_equality_history SET valid_until = '2026-11-15T10:00:00Z' WHERE person_id = $1`, [
      k2,
    ]);

    const d = await referral('AS-AT-D', '2026-11-05T09:00:00Z', 'SCREENED', 'RED', null);
    await step(d, 'SUBMIT', null, 'RECEIVED', '2026-11-05T09:00:00Z');
    await step(d, 'RATE', 'RECEIVED', 'SCREENED', '2026-11-05T10:00:00Z');
    await rating(d, 'RED', '2026-11-05T10:00:00Z');
    await subject(d, k3);
  }, 120_000);
  afterAll(() => hub.close());

  it('given October and November, then each month shows the contacts open at its own end by their RAG then, and the children’s equality data as recorded then, not today’s', async () => {
    const r = await hub.gql<{
      metrics: {
        measures: Array<{ key: string; value: number | null; previousValue: number | null }>;
        current: { openReferralsAsAt: string; openReferralsByRag: Array<{ rag: string; count: number }> };
        previous: { openReferralsAsAt: string; openReferralsByRag: Array<{ rag: string; count: number }> };
        previousEquality: { equality: { children: number; ethnicity: number } };
      };
    }>(manager, METRICS);
    expect(r.errors).toBeUndefined();
    const m = r.data!.metrics;
    expect(m.previous.openReferralsAsAt).toBe('2026-11-01T00:00:00.000Z');
    expect(m.previous.openReferralsByRag).toEqual([
      { rag: 'GREEN', count: 1 },
      { rag: 'UNRATED', count: 1 },
    ]);
    expect(m.current.openReferralsAsAt).toBe('2026-12-01T00:00:00.000Z');
    expect(m.current.openReferralsByRag).toEqual([
      { rag: 'AMBER', count: 1 },
      { rag: 'RED', count: 1 },
    ]);
    expect(m.measures.find((x) => x.key === 'openReferralsAtPeriodEnd')).toMatchObject({ value: 2, previousValue: 2 });
    // Equality as recorded at each month's end: October 1 of 2 (K2 recorded only in November), November 1 of 1.
    expect(m.previousEquality.equality).toEqual({ children: 2, ethnicity: 1 });
    expect(m.measures.find((x) => x.key === 'equalityEthnicityRecorded')).toMatchObject({
      value: 1,
      previousValue: 0.5,
    });
    // …though today K2's ethnicity is recorded, and the history kept what it replaced.
    const kept = (await hub.db.query(
      `SELECT p.ethnicity AS now, h.ethnicity AS was FROM person p JOIN person_equality_history h ON h.person_id = p.id
        WHERE p.family_name = 'As-At-Testcase' AND p.ethnicity = 'ASIAN_PAKISTANI'`,
    )) as Array<{ now: string; was: string }>;
    expect(kept).toEqual([{ now: 'ASIAN_PAKISTANI', was: 'NOT_RECORDED' }]);
    // Today's position is different: only B and D are open now, AMBER and RED; October's snapshot is not today's.
    const [{ n }] = (await hub.db.query(
      `SELECT count(*)::int AS n FROM referral WHERE reference LIKE 'AS-AT-%' AND status NOT IN ('CLOSED','WITHDRAWN','MERGED') AND received_at < '2026-11-01T00:00:00Z'`,
    )) as Array<{ n: number }>;
    expect(n).toBe(1);
  });
});
