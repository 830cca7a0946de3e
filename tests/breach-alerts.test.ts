import { raiseBreachAlerts } from '../src/break-glass/breach-watch';
import { unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * A breach raises an alert once (issue 19 §3): a decision overdue goes to the MASH's social care
 * team, an agency check overdue to the agency holding it. The alert names the referral, never a
 * person, and is read only by its recipient's users (and IG). Stories through the API; the periodic
 * job's check is called directly (as the read-volume alert's tests do).
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $rag: Rag!, $v: Int!) { rateReferral(id: $id, rag: $rag, rationale: "Fictional rationale", expectedVersion: $v) { version decisionDueAt } }`;
const CHECKS = `mutation($id: ID!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: ["police"], expectedVersion: $v) { version } }`;
const ALERTS = `{ alerts(first: 100) { edges { node { id kind toAgency personId referralId windowStart } } } }`;
const REFERRAL = `query($id: ID!) { referral(id: $id, purpose: AGENCY_CHECK) { id reference } }`;

type AlertNode = {
  id: string;
  kind: string;
  toAgency: string | null;
  personId: string | null;
  referralId: string | null;
  windowStart: string | null;
};

describe('a breach raises an alert once', () => {
  let hub: TestHub;
  let worker: string;
  let police: string;
  let health: string;
  let referrer: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
  });
  afterAll(() => hub.close());

  async function overdueWithPoliceCheck(): Promise<string> {
    const s = await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
      key: unique('k'),
      input: {
        subjects: [
          {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Testy',
              familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
              dateOfBirth: '2015-05-06',
            },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative',
        consentSought: true,
        consentGiven: true,
      },
    });
    expect(s.errors).toBeUndefined();
    const id = s.data!.submitReferral.id;
    expect((await hub.gql(worker, RATE, { id, rag: 'AMBER', v: 1 })).errors).toBeUndefined();
    expect((await hub.gql(worker, CHECKS, { id, v: 2 })).errors).toBeUndefined();
    // Both clocks run out.
    await hub.db.query(`UPDATE referral SET decision_due_at = now() - interval '2 hours' WHERE id = $1`, [id]);
    await hub.db.query(`UPDATE agency_check SET due_at = now() - interval '1 hour' WHERE referral_id = $1`, [id]);
    return id;
  }

  const alertsOf = async (token: string, referralId: string) => {
    const r = await hub.gql<{ alerts: { edges: Array<{ node: AlertNode }> } }>(token, ALERTS);
    expect(r.errors).toBeUndefined();
    return r.data!.alerts.edges.map((e) => e.node).filter((a) => a.referralId === referralId);
  };

  it('given a referral past its decision time with a police check past its own, when the breach check runs twice, then social care gets one DECISION_OVERDUE and the police one CHECK_OVERDUE, naming the referral and no person', async () => {
    const id = await overdueWithPoliceCheck();
    const ds = hub.server.hub.dataSource;

    const first = (await raiseBreachAlerts(ds, 'social-care')).filter((a) => a.referralId === id);
    expect(first.map((a) => [a.kind, a.toAgency]).sort()).toEqual([
      ['CHECK_OVERDUE', 'police'],
      ['DECISION_OVERDUE', 'social-care'],
    ]);
    const second = (await raiseBreachAlerts(ds, 'social-care')).filter((a) => a.referralId === id);
    expect(second).toEqual([]);
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM alert WHERE referral_id = $1`, [id])) as [
      { n: number },
    ];
    expect(n).toBe(2);

    // The MASH team sees the decision breach, not the police's check.
    const toSocialCare = await alertsOf(worker, id);
    expect(toSocialCare).toEqual([
      expect.objectContaining({ kind: 'DECISION_OVERDUE', toAgency: 'social-care', personId: null, referralId: id }),
    ]);
    // The police see their check's breach, and can open the referral it names.
    const toPolice = await alertsOf(police, id);
    expect(toPolice).toEqual([
      expect.objectContaining({ kind: 'CHECK_OVERDUE', toAgency: 'police', personId: null, referralId: id }),
    ]);
    const opened = await hub.gql<{ referral: { id: string } }>(police, REFERRAL, { id });
    expect(opened.data?.referral.id).toBe(id);
  });

  it('given the same breach, then an agency without the check sees no alert, and a referrer is refused the alerts', async () => {
    const id = await overdueWithPoliceCheck();
    await raiseBreachAlerts(hub.server.hub.dataSource, 'social-care');
    expect(await alertsOf(health, id)).toEqual([]);
    const r = await hub.gql(referrer, ALERTS);
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('given a breached referral that is re-rated with a new due time which also passes, then that is a new breach and raises one more alert; a closed referral raises none', async () => {
    const id = await overdueWithPoliceCheck();
    const ds = hub.server.hub.dataSource;
    await raiseBreachAlerts(ds, 'social-care');
    await hub.db.query(`UPDATE referral SET decision_due_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    const again = (await raiseBreachAlerts(ds, 'social-care')).filter((a) => a.referralId === id);
    expect(again.map((a) => a.kind)).toEqual(['DECISION_OVERDUE']);

    const closed = await overdueWithPoliceCheck();
    await hub.db.query(`UPDATE referral SET status = 'WITHDRAWN' WHERE id = $1`, [closed]);
    expect((await raiseBreachAlerts(ds, 'social-care')).filter((a) => a.referralId === closed)).toEqual([]);
  });
});
