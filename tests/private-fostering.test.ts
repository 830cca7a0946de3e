import { londonDate } from '../src/meetings/clocks';
import { initialVisitDueOn, nextVisitDueOn } from '../src/private-fostering/clocks';
import { auditFor, givenPerson, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Private fostering (issue 25, cohort 5; ADR 018), told through the API: social care MASH staff record
 * a notification, the statutory visits on the regulations' clocks (the initial visit within 7 working
 * days of the notification, then at most 6 weeks apart in the first year) and the closure. The
 * arrangement scope is the need-to-know: social care MASH staff, and agencies with a check on or
 * invited to a strategy discussion about the child; nobody else, never a referrer.
 */

const FIELDS = `id personId recordingAgency recordedByName notifiedBy notifierName notifiedAt arrangementStartedOn initialVisitDueOn initialVisitOn
  initialVisitWithinTimescale visits { dueOn heldOn late } nextVisit { dueOn heldOn late } closedOn closureReason status version`;
const NOTIFY = `mutation($input: NotifyPrivateFosteringInput!) { notifyPrivateFostering(input: $input) { ${FIELDS} } }`;
const VISIT = `mutation($id: ID!, $on: LocalDate!, $v: Int!) { recordPrivateFosteringVisit(id: $id, heldOn: $on, expectedVersion: $v) { ${FIELDS} } }`;
const CLOSE = `mutation($id: ID!, $input: ClosePrivateFosteringInput!, $v: Int!) { closePrivateFostering(id: $id, input: $input, expectedVersion: $v) { ${FIELDS} } }`;
const READ = `query($id: ID!, $purpose: Purpose!) { privateFosteringArrangement(id: $id, purpose: $purpose) { ${FIELDS} person { id givenName } } }`;
const LIST = `query($purpose: Purpose!, $first: Int, $after: String) {
  privateFosteringArrangements(purpose: $purpose, first: $first, after: $after) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } }
}`;
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: AMBER, rationale: "Fictional: living with an aunt", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $agencies: [String!]!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: $agencies, expectedVersion: $v) { version } }`;

type Clock = { dueOn: string; heldOn: string | null; late: boolean };
type Arrangement = {
  id: string;
  personId: string;
  recordingAgency: string;
  notifiedBy: string;
  notifierName: string | null;
  notifiedAt: string;
  arrangementStartedOn: string;
  initialVisitDueOn: string;
  initialVisitOn: string | null;
  initialVisitWithinTimescale: boolean | null;
  visits: Clock[];
  nextVisit: Clock | null;
  closedOn: string | null;
  closureReason: string | null;
  status: string;
  version: number;
  person?: { id: string; givenName: string | null } | null;
};

const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY);
const dateDaysAgo = (d: number) => londonDate(daysAgo(d));

describe('private fostering', () => {
  let hub: TestHub;
  let worker: string;
  let manager: string;
  let police: string;
  let referrer: string;
  let auditor: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'] });
    auditor = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
  });
  afterAll(() => hub.close());

  const arrangementsOf = async (personId: string) =>
    Number(
      (
        (await hub.db.query(`SELECT count(*)::int AS n FROM private_fostering_arrangement WHERE person_id = $1`, [
          personId,
        ])) as Array<{ n: number }>
      )[0]!.n,
    );

  /** Given: social care hold a child and a school tells them the child has lived with a family friend for a month. */
  async function givenNotified(
    notifiedDaysAgo = 14,
    extra: Record<string, unknown> = {},
  ): Promise<{ personId: string; arrangement: Arrangement }> {
    const personId = await givenPerson(hub, worker);
    const r = await hub.gql<{ notifyPrivateFostering: Arrangement }>(worker, NOTIFY, {
      input: {
        personId,
        notifiedBy: 'PROFESSIONAL',
        notifierName: 'Fictional Head of Year',
        notifiedAt: daysAgo(notifiedDaysAgo).toISOString(),
        arrangementStartedOn: dateDaysAgo(notifiedDaysAgo + 30),
        ...extra,
      },
    });
    expect(r.errors).toBeUndefined();
    return { personId, arrangement: r.data!.notifyPrivateFostering };
  }

  describe('the story of one arrangement', () => {
    it('given a notification, then the initial visit is due 7 working days after the day of notification, and the creation is audited about the child without the notifier', async () => {
      const { personId, arrangement } = await givenNotified(3);
      const due = initialVisitDueOn(dateDaysAgo(3));
      expect(arrangement).toMatchObject({
        personId,
        recordingAgency: 'social-care',
        notifiedBy: 'PROFESSIONAL',
        status: 'NOTIFIED',
        initialVisitDueOn: due,
        visits: [],
        version: 1,
      });
      expect(arrangement.nextVisit).toEqual({ dueOn: due, heldOn: null, late: false });
      expect(arrangement.notifierName).toBe('Fictional Head of Year');
      const [event] = (await hub.db.query(
        `SELECT e.payload::text AS payload FROM audit_event e JOIN audit_disclosure d ON d.event_id = e.id AND d.occurred_at = e.occurred_at
          WHERE e.action = 'CREATE' AND d.person_id = $1 AND e.payload->'changes' @> '[{"entity": "private_fostering_arrangement"}]'`,
        [personId],
      )) as Array<{ payload: string }>;
      expect(event!.payload).toContain(arrangement.id);
      expect(event!.payload).not.toContain('Fictional Head of Year');
    });

    it('when the initial visit is held in time and the next within 6 weeks, then each visit shows due, held and not late, and closing ends the clock', async () => {
      const { arrangement } = await givenNotified(14);
      const first = await hub.gql<{ recordPrivateFosteringVisit: Arrangement }>(worker, VISIT, {
        id: arrangement.id,
        on: dateDaysAgo(13),
        v: 1,
      });
      expect(first.errors).toBeUndefined();
      expect(first.data!.recordPrivateFosteringVisit).toMatchObject({
        status: 'VISITING',
        initialVisitOn: dateDaysAgo(13),
        initialVisitWithinTimescale: true,
        version: 2,
      });
      expect(first.data!.recordPrivateFosteringVisit.nextVisit).toMatchObject({
        dueOn: nextVisitDueOn(arrangement.arrangementStartedOn, dateDaysAgo(13)),
        late: false,
      });

      const second = await hub.gql<{ recordPrivateFosteringVisit: Arrangement }>(manager, VISIT, {
        id: arrangement.id,
        on: dateDaysAgo(0),
        v: 2,
      });
      expect(second.errors).toBeUndefined();
      expect(second.data!.recordPrivateFosteringVisit.visits).toEqual([
        { dueOn: arrangement.initialVisitDueOn, heldOn: dateDaysAgo(13), late: false },
        {
          dueOn: nextVisitDueOn(arrangement.arrangementStartedOn, dateDaysAgo(13)),
          heldOn: dateDaysAgo(0),
          late: false,
        },
      ]);

      const closed = await hub.gql<{ closePrivateFostering: Arrangement }>(worker, CLOSE, {
        id: arrangement.id,
        input: { closedOn: dateDaysAgo(0), reason: 'RETURNED_TO_PARENT' },
        v: 3,
      });
      expect(closed.errors).toBeUndefined();
      expect(closed.data!.closePrivateFostering).toMatchObject({
        status: 'CLOSED',
        closedOn: dateDaysAgo(0),
        closureReason: 'RETURNED_TO_PARENT',
        nextVisit: null,
        version: 4,
      });
      const transitions = (await hub.db.query(
        `SELECT c->'after'->>'transition' AS transition FROM audit_event e, jsonb_array_elements(e.payload->'changes') c
          WHERE c->>'entity' = 'private_fostering_arrangement' AND c->>'id' = $1 ORDER BY e.occurred_at, e.id`,
        [arrangement.id],
      )) as Array<{ transition: string | null }>;
      expect(transitions.map((t) => t.transition)).toEqual([null, 'RECORD_VISIT', 'RECORD_VISIT', 'CLOSE']);
    });

    it('given no visit 30 days after the notification, then the next visit is late; a visit held then is recorded as late and the initial visit out of timescale', async () => {
      const { arrangement } = await givenNotified(30);
      expect(arrangement.nextVisit).toMatchObject({ dueOn: arrangement.initialVisitDueOn, late: true });
      const r = await hub.gql<{ recordPrivateFosteringVisit: Arrangement }>(worker, VISIT, {
        id: arrangement.id,
        on: dateDaysAgo(0),
        v: 1,
      });
      expect(r.data!.recordPrivateFosteringVisit).toMatchObject({
        initialVisitWithinTimescale: false,
        visits: [{ dueOn: arrangement.initialVisitDueOn, heldOn: dateDaysAgo(0), late: true }],
      });
    });

    it('given a closed arrangement, then another visit is INVALID_TRANSITION and nothing changes', async () => {
      const { arrangement } = await givenNotified(5);
      await hub.gql(worker, CLOSE, {
        id: arrangement.id,
        input: { closedOn: dateDaysAgo(0), reason: 'NOT_PRIVATE_FOSTERING' },
        v: 1,
      });
      const r = await hub.gql(worker, VISIT, { id: arrangement.id, on: dateDaysAgo(0), v: 2 });
      expect(r.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
      const visits = (await hub.db.query(
        `SELECT count(*)::int AS n FROM private_fostering_visit WHERE arrangement_id = $1`,
        [arrangement.id],
      )) as Array<{ n: number }>;
      expect(visits[0]!.n).toBe(0);
    });
  });

  describe('who reaches an arrangement (allow and deny)', () => {
    it("social care MASH staff reach every arrangement with the child's identity and the notifier, and the read is audited", async () => {
      const { personId, arrangement } = await givenNotified();
      const r = await hub.gql<{ privateFosteringArrangement: Arrangement }>(manager, READ, {
        id: arrangement.id,
        purpose: 'TRIAGE',
      });
      expect(r.errors).toBeUndefined();
      expect(r.data!.privateFosteringArrangement).toMatchObject({
        id: arrangement.id,
        notifierName: 'Fictional Head of Year',
      });
      expect(r.data!.privateFosteringArrangement.person).toMatchObject({ id: personId, givenName: 'Testy' });
      const audit = await auditFor(hub, r.headers.get('x-request-id')!);
      expect(audit.find((a) => a.person_id === personId)!.released).toEqual(
        expect.arrayContaining(['PrivateFosteringArrangement.initialVisitDueOn']),
      );
      const list = await hub.gql<{ privateFosteringArrangements: { edges: Array<{ node: { id: string } }> } }>(
        worker,
        LIST,
        { purpose: 'TRIAGE', first: 100 },
      );
      expect(list.data!.privateFosteringArrangements.edges.map((e) => e.node.id)).toContain(arrangement.id);
    });

    it('another MASH agency with no relationship gets NOT_FOUND (as for an id that does not exist) and does not see it in the list', async () => {
      const { arrangement } = await givenNotified();
      const r = await hub.gql(police, READ, { id: arrangement.id, purpose: 'DIRECT_CARE' });
      expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const none = await hub.gql(police, READ, { id: '00000000-0000-4000-8000-000000000000', purpose: 'DIRECT_CARE' });
      expect(none.errors?.[0]?.message).toBe(r.errors?.[0]?.message);
      const list = await hub.gql<{ privateFosteringArrangements: { edges: Array<{ node: { id: string } }> } }>(
        police,
        LIST,
        { purpose: 'DIRECT_CARE', first: 100 },
      );
      expect(list.data!.privateFosteringArrangements.edges.map((e) => e.node.id)).not.toContain(arrangement.id);
    });

    it("an agency with a check on a referral about the child reaches the arrangement's facts and clocks, but not the notifier", async () => {
      const { personId, arrangement } = await givenNotified();
      const sub = await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
        input: {
          subjects: [{ personId }],
          concernCategories: ['NEGLECT'],
          narrative: 'Fictional narrative: privately fostered.',
          consentSought: true,
          consentGiven: true,
        },
        key: unique('k'),
      });
      expect(sub.errors).toBeUndefined();
      const id = sub.data!.submitReferral.id;
      await hub.gql(worker, RATE, { id, v: 1 });
      const c = await hub.gql(worker, CHECKS, { id, agencies: ['police'], v: 2 });
      expect(c.errors).toBeUndefined();
      const r = await hub.gql<{ privateFosteringArrangement: Arrangement }>(police, READ, {
        id: arrangement.id,
        purpose: 'AGENCY_CHECK',
      });
      expect(r.errors).toBeUndefined();
      expect(r.data!.privateFosteringArrangement).toMatchObject({
        id: arrangement.id,
        status: 'NOTIFIED',
        initialVisitDueOn: arrangement.initialVisitDueOn,
        notifierName: null,
      });
      expect(r.extensions?.redactions).toEqual(
        expect.arrayContaining([{ path: 'privateFosteringArrangement.notifierName', reason: 'NEED_TO_KNOW' }]),
      );
      // Reading is not recording: the visit is social care's.
      const visit = await hub.gql(police, VISIT, { id: arrangement.id, on: dateDaysAgo(0), v: 1 });
      expect(visit.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('a partner referrer and an IG auditor may not call the private fostering entry points at all', async () => {
      const { arrangement } = await givenNotified();
      for (const token of [referrer, auditor]) {
        const list = await hub.gql(token, LIST, { purpose: 'DIRECT_CARE' });
        expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const read = await hub.gql(token, READ, { id: arrangement.id, purpose: 'DIRECT_CARE' });
        expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });

    it('only social care records: police notifying about a child they hold get FORBIDDEN and nothing is stored', async () => {
      const personId = await givenPerson(hub, police);
      const r = await hub.gql(police, NOTIFY, {
        input: {
          personId,
          notifiedBy: 'PARENT',
          notifierName: 'Fictional Parent',
          notifiedAt: daysAgo(1).toISOString(),
          arrangementStartedOn: dateDaysAgo(10),
        },
      });
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await arrangementsOf(personId)).toBe(0);
    });

    it('social care may not record a notification about a child it does not reach: NOT_FOUND, nothing stored', async () => {
      const personId = await givenPerson(hub, police);
      const r = await hub.gql(worker, NOTIFY, {
        input: {
          personId,
          notifiedBy: 'PARENT',
          notifierName: 'Fictional Parent',
          notifiedAt: daysAgo(1).toISOString(),
          arrangementStartedOn: dateDaysAgo(10),
        },
      });
      expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await arrangementsOf(personId)).toBe(0);
    });
  });

  describe('bad input is refused naming the field, and nothing is stored', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        'a notification in the future',
        { notifiedAt: new Date(Date.now() + 5 * DAY).toISOString() },
        'input.notifiedAt',
      ],
      ['a notifier with no name', { notifierName: '   ' }, 'input.notifierName'],
      ['a control character in the notifier', { notifierName: 'Fictional\u0000' }, 'input.notifierName'],
      ['an id that is not an id', { personId: 'not-an-id' }, 'input.personId'],
    ];
    for (const [what, input, field] of cases) {
      it(`given ${what}, then BAD_USER_INPUT naming ${field}`, async () => {
        const personId = await givenPerson(hub, worker);
        const r = await hub.gql(worker, NOTIFY, {
          input: {
            personId,
            notifiedBy: 'PARENT',
            notifierName: 'Fictional Parent',
            notifiedAt: daysAgo(1).toISOString(),
            arrangementStartedOn: dateDaysAgo(10),
            ...input,
          },
        });
        expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(r.errors?.[0]?.extensions?.field).toBe(field);
        expect(await arrangementsOf(personId)).toBe(0);
      });
    }

    it('given a visit before the notification or in the future, or a closure before the notification, then the field is named and the arrangement is unchanged', async () => {
      const { arrangement } = await givenNotified(10);
      const early = await hub.gql(worker, VISIT, { id: arrangement.id, on: dateDaysAgo(11), v: 1 });
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'heldOn' });
      const future = await hub.gql(worker, VISIT, {
        id: arrangement.id,
        on: londonDate(new Date(Date.now() + 3 * DAY)),
        v: 1,
      });
      expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'heldOn' });
      const close = await hub.gql(worker, CLOSE, {
        id: arrangement.id,
        input: { closedOn: dateDaysAgo(11), reason: 'MOVED_AWAY' },
        v: 1,
      });
      expect(close.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.closedOn' });
      const [row] = (await hub.db.query(`SELECT status, version FROM private_fostering_arrangement WHERE id = $1`, [
        arrangement.id,
      ])) as Array<Record<string, unknown>>;
      expect(row).toMatchObject({ status: 'NOTIFIED', version: 1 });
      const visits = (await hub.db.query(
        `SELECT count(*)::int AS n FROM private_fostering_visit WHERE arrangement_id = $1`,
        [arrangement.id],
      )) as Array<{ n: number }>;
      expect(visits[0]!.n).toBe(0);
    });
  });
});
