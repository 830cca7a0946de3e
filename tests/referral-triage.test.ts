import { auditFor, fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) {
  submitReferral(input: $input, idempotencyKey: $key) { id reference status replayed }
}`;
const READ = `query($id: ID!, $purpose: Purpose!) {
  referral(id: $id, purpose: $purpose) {
    id reference status rag version narrative concernCategories waitingOn breached decisionDueAt decisionOutcome strategyRequestedAt
    ratings { rag rationale }
    checks { id agency status findingsSummary }
    subjects { id }
  }
}`;
const RATE = `mutation($id: ID!, $rag: Rag!, $rationale: String!, $v: Int!) { rateReferral(id: $id, rag: $rag, rationale: $rationale, expectedVersion: $v) { status rag version decisionDueAt } }`;
const CHECKS = `mutation($id: ID!, $agencies: [String!]!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: $agencies, expectedVersion: $v) { status version waitingOn checks { id agency } } }`;
const RESPOND = `mutation($id: ID!, $input: AgencyCheckResponseInput!) { respondToAgencyCheck(checkId: $id, input: $input) { status version } }`;
const PROPOSE = `mutation($id: ID!, $input: DecisionInput!, $v: Int!) { proposeDecision(id: $id, input: $input, expectedVersion: $v) { status version } }`;
const AUTHORISE = `mutation($id: ID!, $v: Int!) { authoriseDecision(id: $id, expectedVersion: $v) { status version decisionOutcome strategyRequestedAt } }`;
const FEEDBACK = `mutation($id: ID!, $m: String!, $v: Int!) { sendReferrerFeedback(id: $id, message: $m, expectedVersion: $v) { status version } }`;
const MINE = `query($id: ID!) { myReferral(id: $id) { reference status outcome feedbackMessage } }`;
const QUEUE = `query($filter: ReferralFilter, $first: Int, $after: String) {
  referrals(purpose: TRIAGE, filter: $filter, first: $first, after: $after) { edges { cursor node { id decisionDueAt } } pageInfo { hasNextPage endCursor } }
}`;

describe('referral triage: intake to an authorised decision', () => {
  let hub: TestHub;
  let referrer: string;
  let worker: string;
  let manager: string;
  let police: string;
  let health: string;
  let educationOfficer: string;
  let otherReferrer: string;

  beforeAll(async () => {
    hub = await startTestHub();
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
    otherReferrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    educationOfficer = await hub.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  const input = (overrides: Record<string, unknown> = {}) => ({
    subjects: [
      {
        newPerson: {
          kind: 'CHILD',
          givenName: 'Testy',
          familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
          dateOfBirth: '2015-02-03',
        },
      },
    ],
    referrerContact: 'Fictional School office',
    concernCategories: ['NEGLECT', 'MISSING'],
    narrative: 'Fictional narrative: the child has missed school repeatedly.',
    consentSought: true,
    consentGiven: true,
    ...overrides,
  });

  async function submitted(token = referrer, overrides: Record<string, unknown> = {}) {
    const r = await hub.gql<{ submitReferral: { id: string; reference: string } }>(token, SUBMIT, {
      input: input(overrides),
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    return r.data!.submitReferral;
  }

  async function version(id: string): Promise<number> {
    const [row] = (await hub.db.query(`SELECT version FROM referral WHERE id = $1`, [id])) as Array<{
      version: number;
    }>;
    return row!.version;
  }

  it('given a partner referrer, when they submit a referral, then it is RECEIVED with a readable reference and audited', async () => {
    const r = await hub.gql<{ submitReferral: { id: string; reference: string; status: string; replayed: boolean } }>(
      referrer,
      SUBMIT,
      {
        input: input(),
        key: unique('k'),
      },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.submitReferral).toMatchObject({ status: 'RECEIVED', replayed: false });
    expect(r.data!.submitReferral.reference).toMatch(/^MASH-\d{4}-\d{6}$/);
    const audit = (await hub.db.query(`SELECT action FROM audit_event WHERE request_id = $1 ORDER BY action`, [
      r.headers.get('x-request-id'),
    ])) as Array<{
      action: string;
    }>;
    expect(audit.map((a) => a.action)).toContain('CREATE');
  });

  it('given one idempotency key, when the same payload is replayed, then the same referral comes back; a different payload is a CONFLICT', async () => {
    const key = unique('k');
    const body = input();
    const first = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, { input: body, key });
    const again = await hub.gql<{ submitReferral: { id: string; replayed: boolean } }>(referrer, SUBMIT, {
      input: body,
      key,
    });
    expect(again.data!.submitReferral).toMatchObject({ id: first.data!.submitReferral.id, replayed: true });
    const changed = await hub.gql(referrer, SUBMIT, {
      input: { ...body, narrative: 'Fictional different narrative' },
      key,
    });
    expect(changed.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM referral_idempotency WHERE key = $1`, [
      key,
    ])) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('given 50 concurrent submissions with one key, then exactly one referral is created', async () => {
    const key = unique('k');
    const body = input();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, { input: body, key }),
      ),
    );
    expect(results.map((r) => r.errors)).toEqual(Array(50).fill(undefined));
    const ids = new Set(results.map((r) => r.data!.submitReferral.id));
    expect(ids.size).toBe(1);
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM referral WHERE id = $1`, [[...ids][0]])) as [
      { n: number },
    ];
    expect(n).toBe(1);
    const [{ people }] = (await hub.db.query(
      `SELECT count(*)::int AS people FROM referral_subject WHERE referral_id = $1`,
      [[...ids][0]],
    )) as [{ people: number }];
    expect(people).toBe(1);
  });

  it.each([
    [
      'an unknown person id',
      { subjects: [{ personId: '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b' }] },
      'input.subjects.0.personId',
    ],
    ['an empty narrative', { narrative: '   ' }, 'input.narrative'],
    ['no concern category', { concernCategories: [] }, 'input.concernCategories'],
    [
      'sharing without consent and no lawful basis',
      { consentGiven: false, consentReason: 'Fictional: risk of harm' },
      'input.article6Basis',
    ],
    ['a subject that is neither existing nor new', { subjects: [{}] }, 'input.subjects.0'],
  ])(
    'given %s, when submitted, then BAD_USER_INPUT names the field and nothing is stored',
    async (_what, overrides, field) => {
      const key = unique('k');
      const r = await hub.gql(referrer, SUBMIT, { input: input(overrides), key });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM referral_idempotency WHERE key = $1`, [
        key,
      ])) as [{ n: number }];
      expect(n).toBe(0);
    },
  );

  it('given an unknown concern category, then the request is rejected as BAD_USER_INPUT', async () => {
    const r = await hub.gql(referrer, SUBMIT, {
      input: input({ concernCategories: ['NOT_A_CATEGORY'] }),
      key: unique('k'),
    });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('given an idempotency key over 255 characters, then BAD_USER_INPUT and nothing stored', async () => {
    const key = 'k'.repeat(256);
    const r = await hub.gql(referrer, SUBMIT, { input: input(), key });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM referral_idempotency WHERE key = $1`, [
      key,
    ])) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('given a person the referrer cannot reach, when named as a subject, then BAD_USER_INPUT (not a disclosure)', async () => {
    const personId = await givenPerson(hub, police);
    const r = await hub.gql(referrer, SUBMIT, { input: input({ subjects: [{ personId }] }), key: unique('k') });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.subjects.0.personId' });
  });

  it('given a referral, when taken through rating, police and health checks, proposal and authorisation, then each step is audited and the referrer sees only status, outcome and feedback', async () => {
    // A child known to social care and to police (matched on the NHS number).
    const nhsNumber = fakeNhsNumber();
    const personId = await givenPerson(hub, worker, { nhsNumber });
    expect(await givenImportedPerson(hub, 'police', { nhsNumber, sourceSystem: 'POLICE-RMS' })).toBe(personId);
    const policeRecord = await givenRecord(hub, police, personId, {
      recordType: 'POLICE_INCIDENT',
      personRole: 'VICTIM',
      detail: 'Fictional',
    });
    const { id } = await submitted(worker, { subjects: [{ personId }] });
    // The referral made by a social worker: the partner referrer flow is covered by the next part.
    const rated = await hub.gql<{ rateReferral: { status: string; rag: string; version: number } }>(worker, RATE, {
      id,
      rag: 'AMBER',
      rationale: 'Fictional: repeated absence with injuries',
      v: 1,
    });
    expect(rated.errors).toBeUndefined();
    expect(rated.data!.rateReferral).toMatchObject({ status: 'SCREENED', rag: 'AMBER', version: 2 });

    // Police cannot see the referral until a check is addressed to police.
    const before = await hub.gql(police, READ, { id, purpose: 'AGENCY_CHECK' });
    expect(before.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const checks = await hub.gql<{
      requestAgencyChecks: {
        status: string;
        version: number;
        waitingOn: string[];
        checks: Array<{ id: string; agency: string }>;
      };
    }>(worker, CHECKS, { id, agencies: ['police', 'health'], v: 2 });
    expect(checks.errors).toBeUndefined();
    expect(checks.data!.requestAgencyChecks).toMatchObject({ status: 'AWAITING_CHECKS', version: 3 });
    expect([...checks.data!.requestAgencyChecks.waitingOn].sort()).toEqual(['health', 'police']);
    const checkOf = (a: string) => checks.data!.requestAgencyChecks.checks.find((c) => c.agency === a)!.id;

    // The police officer reads the referral's summary under AGENCY_CHECK and sees only the police check.
    const asPolice = await hub.gql<{ referral: { narrative: string; checks: Array<{ agency: string }> } }>(
      police,
      READ,
      { id, purpose: 'AGENCY_CHECK' },
    );
    expect(asPolice.errors).toBeUndefined();
    expect(asPolice.data!.referral.narrative).toContain('Fictional');
    expect(asPolice.data!.referral.checks.map((c) => c.agency)).toEqual(['police']);
    // Education's officer has no check: not found.
    const asEducation = await hub.gql(educationOfficer, READ, { id, purpose: 'AGENCY_CHECK' });
    expect(asEducation.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Police cannot answer health's check.
    const wrongAgency = await hub.gql(police, RESPOND, {
      id: checkOf('health'),
      input: { findingsSummary: 'Fictional' },
    });
    expect(wrongAgency.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const p1 = await hub.gql<{ respondToAgencyCheck: { status: string } }>(police, RESPOND, {
      id: checkOf('police'),
      input: { findingsSummary: 'Fictional: one incident on record', recordsShared: [policeRecord] },
    });
    expect(p1.errors).toBeUndefined();
    expect(p1.data!.respondToAgencyCheck.status).toBe('AWAITING_CHECKS');
    const again = await hub.gql(police, RESPOND, {
      id: checkOf('police'),
      input: { findingsSummary: 'Fictional again' },
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const h1 = await hub.gql<{ respondToAgencyCheck: { status: string; version: number } }>(health, RESPOND, {
      id: checkOf('health'),
      input: { noInformationHeld: true },
    });
    expect(h1.data!.respondToAgencyCheck.status).toBe('READY_FOR_DECISION');

    const decision = {
      outcome: 'STRATEGY_DISCUSSION',
      rationale: 'Fictional: significant harm suspected',
      thresholdLevel: 'LEVEL_4_SPECIALIST',
    };
    const v = await version(id);
    const proposed = await hub.gql<{ proposeDecision: { status: string; version: number } }>(worker, PROPOSE, {
      id,
      input: decision,
      v,
    });
    expect(proposed.data!.proposeDecision.status).toBe('DECISION_PROPOSED');
    // A social worker may not authorise.
    const denied = await hub.gql(worker, AUTHORISE, { id, v: v + 1 });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const authorised = await hub.gql<{
      authoriseDecision: { status: string; decisionOutcome: string; strategyRequestedAt: string };
    }>(manager, AUTHORISE, {
      id,
      v: v + 1,
    });
    expect(authorised.errors).toBeUndefined();
    expect(authorised.data!.authoriseDecision).toMatchObject({
      status: 'CLOSED',
      decisionOutcome: 'STRATEGY_DISCUSSION',
    });
    expect(authorised.data!.authoriseDecision.strategyRequestedAt).not.toBeNull();

    const changes = (await hub.db.query(
      `SELECT c->'after'->>'transition' AS transition FROM audit_event e, jsonb_array_elements(e.payload->'changes') c
        WHERE c->>'entity' = 'referral' AND c->>'id' = $1 AND c->'after' ? 'transition' ORDER BY e.occurred_at`,
      [id],
    )) as Array<{ transition: string }>;
    expect(changes.map((c) => c.transition)).toEqual([
      'RATE',
      'REQUEST_CHECKS',
      'RESPOND_TO_CHECK',
      'RESPOND_TO_CHECK',
      'PROPOSE_DECISION',
      'AUTHORISE_DECISION',
    ]);
  });

  it('given a referrer, when their referral is closed with feedback, then their view shows status, outcome and message only; another referrer gets NOT_FOUND', async () => {
    const { id } = await submitted();
    await hub.gql(worker, RATE, { id, rag: 'GREEN', rationale: 'Fictional: low level concern', v: 1 });
    await hub.gql(worker, PROPOSE, {
      id,
      input: { outcome: 'EARLY_HELP', rationale: 'Fictional', thresholdLevel: 'LEVEL_2_EARLY_HELP' },
      v: 2,
    });
    await hub.gql(manager, AUTHORISE, { id, v: 3 });
    const fb = await hub.gql(worker, FEEDBACK, { id, m: 'Fictional: early help offered to the family', v: 4 });
    expect(fb.errors).toBeUndefined();

    const mine = await hub.gql<{ myReferral: Record<string, unknown> }>(referrer, MINE, { id });
    expect(mine.data!.myReferral).toEqual({
      reference: expect.stringMatching(/^MASH-/),
      status: 'CLOSED',
      outcome: 'EARLY_HELP',
      feedbackMessage: 'Fictional: early help offered to the family',
    });
    const theirs = await hub.gql(otherReferrer, MINE, { id });
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The referrer cannot use the triage view at all.
    const triageView = await hub.gql(referrer, READ, { id, purpose: 'DIRECT_CARE' });
    expect(triageView.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [{ feedback_sent_at }] = (await hub.db.query(`SELECT feedback_sent_at FROM referral WHERE id = $1`, [
      id,
    ])) as Array<{ feedback_sent_at: Date }>;
    expect(feedback_sent_at).toBeInstanceOf(Date);
  });

  it('given illegal transitions and a missing rationale, then INVALID_TRANSITION / BAD_USER_INPUT and nothing changes', async () => {
    const { id } = await submitted();
    const propose = await hub.gql(worker, PROPOSE, {
      id,
      input: { outcome: 'EARLY_HELP', rationale: 'Fictional', thresholdLevel: 'LEVEL_2_EARLY_HELP' },
      v: 1,
    });
    expect(propose.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const checks = await hub.gql(worker, CHECKS, { id, agencies: ['police'], v: 1 });
    expect(checks.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const noRationale = await hub.gql(worker, RATE, { id, rag: 'RED', rationale: ' ', v: 1 });
    expect(noRationale.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.rationale' });
    const unknownAgency = await hub.gql(worker, RATE, { id, rag: 'RED', rationale: 'Fictional', v: 1 });
    expect(unknownAgency.errors).toBeUndefined();
    const badAgency = await hub.gql(worker, CHECKS, { id, agencies: ['nowhere'], v: 2 });
    expect(badAgency.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'agencies.0' });
    expect(await version(id)).toBe(2);
  });

  it('given a re-rating, then the history is kept and the decision due time is recomputed', async () => {
    const { id } = await submitted();
    const a = await hub.gql<{ rateReferral: { decisionDueAt: string } }>(worker, RATE, {
      id,
      rag: 'GREEN',
      rationale: 'Fictional first view',
      v: 1,
    });
    const b = await hub.gql<{ rateReferral: { decisionDueAt: string; rag: string } }>(worker, RATE, {
      id,
      rag: 'RED',
      rationale: 'Fictional new information',
      v: 2,
    });
    expect(b.data!.rateReferral.rag).toBe('RED');
    expect(Date.parse(b.data!.rateReferral.decisionDueAt)).toBeLessThan(Date.parse(a.data!.rateReferral.decisionDueAt));
    const r = await hub.gql<{ referral: { ratings: Array<{ rag: string }> } }>(worker, READ, { id, purpose: 'TRIAGE' });
    expect(r.data!.referral.ratings.map((x) => x.rag)).toEqual(['GREEN', 'RED']);
  });

  it('given two concurrent writers with the same version, many times over, then exactly one wins and the other gets CONFLICT with the current version', async () => {
    const { id } = await submitted();
    await hub.gql(worker, RATE, { id, rag: 'AMBER', rationale: 'Fictional', v: 1 });
    for (let i = 0; i < 10; i++) {
      const v = await version(id);
      const [x, y] = await Promise.all([
        hub.gql(worker, RATE, { id, rag: 'RED', rationale: `Fictional ${i}a`, v }),
        hub.gql(manager, RATE, { id, rag: 'GREEN', rationale: `Fictional ${i}b`, v }),
      ]);
      const errors = [x, y].filter((r) => r.errors);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: v + 1 });
    }
    expect(await version(id)).toBe(12);
  });

  it('given referrals, when the queue is paged, then it is ordered by due time, keyset-paginated, filterable, and a large first is rejected', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submitted()).id);
    await hub.gql(worker, RATE, { id: ids[0], rag: 'RED', rationale: 'Fictional', v: 1 });
    const all: string[] = [];
    let after: string | null = null;
    const filter = { status: ['RECEIVED', 'SCREENED'], receivedFrom: new Date(Date.now() - 60_000).toISOString() };
    for (;;) {
      const page: Awaited<
        ReturnType<
          typeof hub.gql<{
            referrals: {
              edges: Array<{ node: { id: string; decisionDueAt: string } }>;
              pageInfo: { hasNextPage: boolean; endCursor: string };
            };
          }>
        >
      > = await hub.gql(worker, QUEUE, { filter, first: 2, after });
      expect(page.errors).toBeUndefined();
      all.push(...page.data!.referrals.edges.map((e) => e.node.id));
      if (!page.data!.referrals.pageInfo.hasNextPage) break;
      after = page.data!.referrals.pageInfo.endCursor;
    }
    expect(all).toEqual(expect.arrayContaining(ids));
    expect(new Set(all).size).toBe(all.length);
    expect(all.indexOf(ids[0]!)).toBeLessThan(all.indexOf(ids[1]!));
    const red = await hub.gql<{ referrals: { edges: Array<{ node: { id: string } }> } }>(worker, QUEUE, {
      filter: { rag: ['RED'], status: ['SCREENED'] },
      first: 100,
    });
    expect(red.data!.referrals.edges.map((e) => e.node.id)).toContain(ids[0]);
    expect(red.data!.referrals.edges.map((e) => e.node.id)).not.toContain(ids[1]);
    const tooMany = await hub.gql(worker, QUEUE, { first: 101 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    // Police see none of these referrals: no check addressed to them.
    const asPolice = await hub.gql<{ referrals: { edges: Array<{ node: { id: string } }> } }>(police, QUEUE, {
      first: 100,
    });
    expect(asPolice.data!.referrals.edges.map((e) => e.node.id)).not.toEqual(expect.arrayContaining([ids[0]]));
  });

  it('given a duplicate, when merged, then it is MERGED and its subjects join the surviving referral; withdrawing a closed one is INVALID_TRANSITION', async () => {
    const a = await submitted();
    const b = await submitted();
    const merged = await hub.gql<{ mergeReferral: { status: string } }>(
      worker,
      `mutation($id: ID!, $into: ID!) { mergeReferral(id: $id, intoId: $into, expectedVersion: 1) { status } }`,
      {
        id: b.id,
        into: a.id,
      },
    );
    expect(merged.errors).toBeUndefined();
    expect(merged.data!.mergeReferral.status).toBe('MERGED');
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM referral_subject WHERE referral_id = $1`, [
      a.id,
    ])) as [{ n: number }];
    expect(n).toBe(2);
    const withdraw = await hub.gql(
      worker,
      `mutation($id: ID!) { withdrawReferral(id: $id, reason: "Fictional", expectedVersion: 2) { status } }`,
      { id: b.id },
    );
    expect(withdraw.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  });

  it('given a duplicate, when a worker merges it saying why, then the reason is in its status history; a reason too long is refused with nothing changed, and a police officer may not merge', async () => {
    const kept = await submitted();
    const duplicate = await submitted();
    const MERGE_WITH_REASON = `mutation($id: ID!, $into: ID!, $reason: String) { mergeReferral(id: $id, intoId: $into, expectedVersion: 1, reason: $reason) { status mergedIntoId } }`;

    const tooLong = await hub.gql(worker, MERGE_WITH_REASON, {
      id: duplicate.id,
      into: kept.id,
      reason: 'x'.repeat(2001),
    });
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooLong.errors?.[0]?.message).toMatch(/reason/);
    expect(await version(duplicate.id)).toBe(1);

    const byPolice = await hub.gql(police, MERGE_WITH_REASON, { id: duplicate.id, into: kept.id, reason: 'Fictional' });
    expect(byPolice.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await version(duplicate.id)).toBe(1);

    const merged = await hub.gql<{ mergeReferral: { status: string; mergedIntoId: string } }>(
      worker,
      MERGE_WITH_REASON,
      {
        id: duplicate.id,
        into: kept.id,
        reason: 'Fictional: the same call logged twice by the front door',
      },
    );
    expect(merged.errors).toBeUndefined();
    expect(merged.data!.mergeReferral).toEqual({ status: 'MERGED', mergedIntoId: kept.id });
    const history = await hub.gql<{
      referral: { statusHistory: Array<{ transition: string; detail: string; reason: string }> };
    }>(
      worker,
      `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { statusHistory { transition detail reason } } }`,
      { id: duplicate.id },
    );
    expect(history.data!.referral.statusHistory.at(-1)).toEqual({
      transition: 'MERGE',
      detail: 'DUPLICATE',
      reason: 'Fictional: the same call logged twice by the front door',
    });
  });

  it('given a referral read by a social worker, then the audit records the released fields for its subject', async () => {
    const personId = await givenPerson(hub, worker);
    const { id } = await submitted(worker, { subjects: [{ personId }] });
    const r = await hub.gql(worker, READ, { id, purpose: 'TRIAGE' });
    expect(r.errors).toBeUndefined();
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    const mine = audit.find((a) => a.person_id === personId)!;
    expect(mine.released).toEqual(expect.arrayContaining(['Referral.narrative', 'Referral.reference']));
  });
});
