import { auditFor, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * A workflow that never blocks (issue 19 §2): checks closed with a reason, decisions authorised over
 * outstanding checks, "no information held" as an answer, returned and amended proposals, the
 * referrer's acknowledgement, and the status history as a field. Stories through the API.
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) {
  submitReferral(input: $input, idempotencyKey: $key) { id reference status receivedAt expectedDecisionBy decidedAt outcome }
}`;
const READ = `query($id: ID!, $purpose: Purpose!) {
  referral(id: $id, purpose: $purpose) {
    id status version decisionOutcome decisionRationale thresholdLevel decidedOverChecksReason decisionReturnComment decisionReturnedAt
    decisionAmendmentReason acknowledgedDecisionBy waitingOn overdueChecks
    checks { id agency status closedReason closedNote closedAt findingsSummary declinedReason }
    statusHistory { transition fromStatus toStatus version at byName byAgency detail reason checkAgency }
  }
}`;
const RATE = `mutation($id: ID!, $rag: Rag!, $v: Int!) { rateReferral(id: $id, rag: $rag, rationale: "Fictional rationale", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $agencies: [String!]!, $v: Int!) {
  requestAgencyChecks(referralId: $id, agencies: $agencies, expectedVersion: $v) { version checks { id agency } }
}`;
const RESPOND = `mutation($id: ID!, $input: AgencyCheckResponseInput!) { respondToAgencyCheck(checkId: $id, input: $input) { status version } }`;
const CLOSE = `mutation($id: ID!, $reason: AgencyCheckClosureReason!, $note: String, $v: Int!) {
  closeAgencyCheck(checkId: $id, reason: $reason, note: $note, expectedVersion: $v) { status version waitingOn }
}`;
const PROPOSE = `mutation($id: ID!, $input: DecisionInput!, $v: Int!) { proposeDecision(id: $id, input: $input, expectedVersion: $v) { status version } }`;
const AUTHORISE = `mutation($id: ID!, $v: Int!, $over: String) {
  authoriseDecision(id: $id, expectedVersion: $v, overOutstandingChecksReason: $over) { status version decisionOutcome }
}`;
const AMEND = `mutation($id: ID!, $input: DecisionInput!, $reason: String!, $v: Int!, $over: String) {
  amendAndAuthoriseDecision(id: $id, input: $input, reason: $reason, expectedVersion: $v, overOutstandingChecksReason: $over) {
    status version decisionOutcome thresholdLevel
  }
}`;
const RETURN = `mutation($id: ID!, $comment: String!, $v: Int!) { returnDecision(id: $id, comment: $comment, expectedVersion: $v) { status version } }`;
const WITHDRAW = `mutation($id: ID!, $v: Int!) { withdrawReferral(id: $id, reason: "Fictional: sent to the wrong MASH", expectedVersion: $v) { status } }`;
const MINE = `query($id: ID!) { myReferral(id: $id) { reference status receivedAt expectedDecisionBy outcome decidedAt feedbackMessage feedbackSentAt } }`;

type Check = {
  id: string;
  agency: string;
  status: string;
  closedReason: string | null;
  closedNote: string | null;
  closedAt: string | null;
};
type Step = {
  transition: string;
  fromStatus: string | null;
  toStatus: string;
  version: number;
  byName: string;
  byAgency: string;
  detail: string | null;
  reason: string | null;
  checkAgency: string | null;
};
type ReferralRead = {
  id: string;
  status: string;
  version: number;
  decisionOutcome: string | null;
  decisionRationale: string | null;
  thresholdLevel: string | null;
  decidedOverChecksReason: string | null;
  decisionReturnComment: string | null;
  decisionReturnedAt: string | null;
  decisionAmendmentReason: string | null;
  acknowledgedDecisionBy: string | null;
  waitingOn: string[];
  overdueChecks: number;
  checks: Check[];
  statusHistory: Step[];
};

const DECISION = {
  outcome: 'CHILD_IN_NEED_ASSESSMENT',
  rationale: 'Fictional: needs an assessment',
  thresholdLevel: 'LEVEL_3_TARGETED',
};

describe('a workflow that never blocks', () => {
  let hub: TestHub;
  let referrer: string;
  let otherReferrer: string;
  let worker: string;
  let manager: string;
  let police: string;
  let health: string;
  let education: string;
  let ig: string;

  beforeAll(async () => {
    hub = await startTestHub();
    referrer = await hub.token({
      agency: 'education',
      roles: ['PARTNER_REFERRER'],
      sub: unique('teacher'),
      name: 'Fictional Teacher',
    });
    otherReferrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], name: 'Fictional Worker' });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'], name: 'Fictional Manager' });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], name: 'Fictional Officer' });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    education = await hub.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] });
    ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
  });
  afterAll(() => hub.close());

  const input = () => ({
    subjects: [
      {
        newPerson: {
          kind: 'CHILD',
          givenName: 'Testy',
          familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
          dateOfBirth: '2016-04-05',
        },
      },
    ],
    concernCategories: ['NEGLECT'],
    narrative: 'Fictional narrative: the child is often hungry at school.',
    consentSought: true,
    consentGiven: true,
  });

  async function submitted(token = worker) {
    const r = await hub.gql<{
      submitReferral: { id: string; reference: string; receivedAt: string; expectedDecisionBy: string };
    }>(token, SUBMIT, {
      input: input(),
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    return r.data!.submitReferral;
  }

  async function read(id: string, token = worker, purpose = 'TRIAGE'): Promise<ReferralRead> {
    const r = await hub.gql<{ referral: ReferralRead }>(token, READ, { id, purpose });
    expect(r.errors).toBeUndefined();
    return r.data!.referral;
  }

  /** A referral rated and awaiting checks from the given agencies. */
  async function awaiting(agencies: string[], token = worker) {
    const { id } = await submitted(token);
    expect((await hub.gql(worker, RATE, { id, rag: 'AMBER', v: 1 })).errors).toBeUndefined();
    const r = await hub.gql<{
      requestAgencyChecks: { version: number; checks: Array<{ id: string; agency: string }> };
    }>(worker, CHECKS, {
      id,
      agencies,
      v: 2,
    });
    expect(r.errors).toBeUndefined();
    const checkOf = (a: string) => r.data!.requestAgencyChecks.checks.find((c) => c.agency === a)!.id;
    return { id, checkOf };
  }

  async function row(id: string) {
    const [r] = (await hub.db.query(`SELECT version, status FROM referral WHERE id = $1`, [id])) as Array<{
      version: number;
      status: string;
    }>;
    return r!;
  }

  async function checkRow(id: string) {
    const [r] = (await hub.db.query(`SELECT status, closed_reason FROM agency_check WHERE id = $1`, [id])) as Array<{
      status: string;
      closed_reason: string | null;
    }>;
    return r!;
  }

  it('given a police check past its due time, when the worker proposes and the manager authorises over it with a reason, then the case is decided, the check closed as decided-without, and every step recorded', async () => {
    const { id, checkOf } = await awaiting(['police', 'health']);
    // Health holds nothing: a real answer. Police stay silent past the due time.
    const h = await hub.gql<{ respondToAgencyCheck: { status: string } }>(health, RESPOND, {
      id: checkOf('health'),
      input: { noInformationHeld: true, findingsSummary: 'Fictional: searched the child health record and GP system' },
    });
    expect(h.errors).toBeUndefined();
    expect(h.data!.respondToAgencyCheck.status).toBe('AWAITING_CHECKS');
    await hub.db.query(`UPDATE agency_check SET due_at = now() - interval '3 hours' WHERE id = $1`, [
      checkOf('police'),
    ]);
    const waiting = await read(id);
    expect(waiting).toMatchObject({ status: 'AWAITING_CHECKS', waitingOn: ['police'], overdueChecks: 1 });
    expect(waiting.checks.find((c) => c.agency === 'police')!.status).toBe('OVERDUE');
    expect(waiting.checks.find((c) => c.agency === 'health')!.status).toBe('NO_INFORMATION');

    // The worker moves to a decision without waiting.
    const proposed = await hub.gql<{ proposeDecision: { status: string; version: number } }>(worker, PROPOSE, {
      id,
      input: DECISION,
      v: waiting.version,
    });
    expect(proposed.errors).toBeUndefined();
    expect(proposed.data!.proposeDecision.status).toBe('DECISION_PROPOSED');
    const v = proposed.data!.proposeDecision.version;

    // Authorising over an outstanding check needs the manager's reason: nothing changes without it.
    const noReason = await hub.gql(manager, AUTHORISE, { id, v });
    expect(noReason.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'overOutstandingChecksReason',
    });
    expect(noReason.errors?.[0]?.message).toContain('police');
    const blank = await hub.gql(manager, AUTHORISE, { id, v, over: '   ' });
    expect(blank.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'overOutstandingChecksReason',
    });
    expect(await row(id)).toEqual({ version: v, status: 'DECISION_PROPOSED' });
    expect((await checkRow(checkOf('police'))).status).toBe('REQUESTED');
    // Only a manager authorises.
    const byWorker = await hub.gql(worker, AUTHORISE, { id, v, over: 'Fictional' });
    expect(byWorker.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byPolice = await hub.gql(police, AUTHORISE, { id, v, over: 'Fictional' });
    expect(byPolice.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await row(id)).toEqual({ version: v, status: 'DECISION_PROPOSED' });

    const reason = 'Fictional: police check 3 hours overdue, escalated by phone; the child cannot wait';
    const authorised = await hub.gql<{ authoriseDecision: { status: string; decisionOutcome: string } }>(
      manager,
      AUTHORISE,
      { id, v, over: reason },
    );
    expect(authorised.errors).toBeUndefined();
    expect(authorised.data!.authoriseDecision).toMatchObject({
      status: 'CLOSED',
      decisionOutcome: 'CHILD_IN_NEED_ASSESSMENT',
    });

    const after = await read(id);
    expect(after.decidedOverChecksReason).toBe(reason);
    expect(after.waitingOn).toEqual([]);
    expect(after.overdueChecks).toBe(0);
    expect(after.checks.find((c) => c.agency === 'police')).toMatchObject({
      status: 'CLOSED',
      closedReason: 'DECIDED_WITHOUT',
      closedNote: reason,
    });
    // The police can no longer answer it.
    const late = await hub.gql(police, RESPOND, {
      id: checkOf('police'),
      input: { findingsSummary: 'Fictional late answer' },
    });
    expect(late.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    // The status history, readable as a field: every step, who, and why.
    expect(after.statusHistory.map((s) => [s.transition, s.fromStatus, s.toStatus])).toEqual([
      ['SUBMIT', null, 'RECEIVED'],
      ['RATE', 'RECEIVED', 'SCREENED'],
      ['REQUEST_CHECKS', 'SCREENED', 'AWAITING_CHECKS'],
      ['RESPOND_TO_CHECK', 'AWAITING_CHECKS', 'AWAITING_CHECKS'],
      ['PROPOSE_DECISION', 'AWAITING_CHECKS', 'DECISION_PROPOSED'],
      ['AUTHORISE_DECISION', 'DECISION_PROPOSED', 'CLOSED'],
    ]);
    expect(after.statusHistory[3]).toMatchObject({
      detail: 'NO_INFORMATION',
      checkAgency: 'health',
      byAgency: 'health',
    });
    expect(after.statusHistory[4]).toMatchObject({
      byName: 'Fictional Worker',
      byAgency: 'social-care',
      detail: 'CHILD_IN_NEED_ASSESSMENT',
    });
    expect(after.statusHistory[5]).toMatchObject({ byName: 'Fictional Manager', reason, version: after.version });

    // The closure is audited in the same event as the authorisation.
    const [audit] = (await hub.db.query(
      `SELECT e.payload->'changes' AS changes FROM audit_event e
        WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(e.payload->'changes') c WHERE c->>'id' = $1 AND c->'after'->>'transition' = 'AUTHORISE_DECISION')`,
      [id],
    )) as Array<{ changes: Array<{ entity: string; id: string; after: Record<string, unknown> }> }>;
    expect(audit!.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          entity: 'agency_check',
          id: checkOf('police'),
          after: expect.objectContaining({ status: 'CLOSED', closedReason: 'DECIDED_WITHOUT' }),
        }),
      ]),
    );
  });

  it('given an outstanding check, when a worker closes it with a reason, then the case moves on; officers may not close checks, and bad reasons, stale versions and repeats change nothing', async () => {
    const { id, checkOf } = await awaiting(['police', 'education']);
    const r = await hub.gql<{ respondToAgencyCheck: { status: string } }>(education, RESPOND, {
      id: checkOf('education'),
      input: { findingsSummary: 'Fictional: attendance 71% this term' },
    });
    expect(r.data!.respondToAgencyCheck.status).toBe('AWAITING_CHECKS');
    const { version } = await row(id);

    const byPolice = await hub.gql(police, CLOSE, { id: checkOf('police'), reason: 'TIMED_OUT', v: version });
    expect(byPolice.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byReferrer = await hub.gql(referrer, CLOSE, { id: checkOf('police'), reason: 'TIMED_OUT', v: version });
    expect(byReferrer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknownCode = await hub.gql(worker, CLOSE, { id: checkOf('police'), reason: 'BORED', v: version });
    expect(unknownCode.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const reserved = await hub.gql(worker, CLOSE, { id: checkOf('police'), reason: 'DECIDED_WITHOUT', v: version });
    expect(reserved.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const stale = await hub.gql(worker, CLOSE, { id: checkOf('police'), reason: 'TIMED_OUT', v: version - 1 });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: version });
    const noSuchCheck = await hub.gql(worker, CLOSE, {
      id: '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b',
      reason: 'TIMED_OUT',
      v: version,
    });
    expect(noSuchCheck.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await row(id)).toEqual({ version, status: 'AWAITING_CHECKS' });
    expect(await checkRow(checkOf('police'))).toEqual({ status: 'REQUESTED', closed_reason: null });

    const closed = await hub.gql<{ closeAgencyCheck: { status: string; version: number; waitingOn: string[] } }>(
      worker,
      CLOSE,
      {
        id: checkOf('police'),
        reason: 'ESCALATED',
        note: 'Fictional: escalated to the police MASH supervisor',
        v: version,
      },
    );
    expect(closed.errors).toBeUndefined();
    expect(closed.data!.closeAgencyCheck).toEqual({
      status: 'READY_FOR_DECISION',
      version: version + 1,
      waitingOn: [],
    });
    const again = await hub.gql(worker, CLOSE, { id: checkOf('police'), reason: 'TIMED_OUT', v: version + 1 });
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const answered = await hub.gql(worker, CLOSE, { id: checkOf('education'), reason: 'TIMED_OUT', v: version + 1 });
    expect(answered.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const lateAnswer = await hub.gql(police, RESPOND, {
      id: checkOf('police'),
      input: { findingsSummary: 'Fictional' },
    });
    expect(lateAnswer.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    const after = await read(id);
    expect(after.checks.find((c) => c.agency === 'police')).toMatchObject({
      status: 'CLOSED',
      closedReason: 'ESCALATED',
      closedNote: 'Fictional: escalated to the police MASH supervisor',
    });
    expect(after.statusHistory.at(-1)).toMatchObject({
      transition: 'CLOSE_CHECK',
      fromStatus: 'AWAITING_CHECKS',
      toStatus: 'READY_FOR_DECISION',
      detail: 'ESCALATED',
      checkAgency: 'police',
      byName: 'Fictional Worker',
    });
    // The police officer still sees their own (closed) check and its steps, not education's.
    const asPolice = await read(id, police, 'AGENCY_CHECK');
    expect(asPolice.checks.map((c) => [c.agency, c.status])).toEqual([['police', 'CLOSED']]);
    expect(asPolice.statusHistory.map((s) => s.checkAgency).filter(Boolean)).toEqual(['police']);
  });

  it('given a check addressed to an agency, then no information held, declined with a reason and findings are different answers; contradictory answers are refused and store nothing', async () => {
    const { id, checkOf } = await awaiting(['police', 'health', 'education']);
    for (const [token, agency, answer] of [
      [police, 'police', { noInformationHeld: true, recordsShared: ['0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b'] }],
      [police, 'police', { noInformationHeld: true, declinedReason: 'Fictional' }],
      [police, 'police', { noInformationHeld: true, findingsSummary: 'Fictional', declinedReason: 'Fictional' }],
      [police, 'police', { noInformationHeld: false }],
      [police, 'police', {}],
    ] as const) {
      const bad = await hub.gql(token, RESPOND, { id: checkOf(agency), input: answer });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect((await checkRow(checkOf('police'))).status).toBe('REQUESTED');
    expect(
      (await hub.gql(police, RESPOND, { id: checkOf('police'), input: { noInformationHeld: true } })).errors,
    ).toBeUndefined();
    expect(
      (
        await hub.gql(health, RESPOND, {
          id: checkOf('health'),
          input: { declinedReason: 'Fictional: needs a court order' },
        })
      ).errors,
    ).toBeUndefined();
    const last = await hub.gql<{ respondToAgencyCheck: { status: string } }>(education, RESPOND, {
      id: checkOf('education'),
      input: { findingsSummary: 'Fictional: known to the school nurse' },
    });
    expect(last.data!.respondToAgencyCheck.status).toBe('READY_FOR_DECISION');
    const after = await read(id);
    expect(Object.fromEntries(after.checks.map((c) => [c.agency, c.status]))).toEqual({
      police: 'NO_INFORMATION',
      health: 'DECLINED',
      education: 'RETURNED',
    });
  });

  it('given a proposal, when the manager returns it with a comment, then the worker sees why and proposes again; only a manager may return, a comment is required, and a returned proposal cannot be authorised', async () => {
    const { id } = await submitted();
    await hub.gql(worker, RATE, { id, rag: 'GREEN', v: 1 });
    const p = await hub.gql<{ proposeDecision: { version: number } }>(worker, PROPOSE, {
      id,
      input: {
        outcome: 'NO_FURTHER_ACTION',
        rationale: 'Fictional: nothing of concern',
        thresholdLevel: 'LEVEL_1_UNIVERSAL',
      },
      v: 2,
    });
    const v = p.data!.proposeDecision.version;

    const byWorker = await hub.gql(worker, RETURN, { id, comment: 'Fictional', v });
    expect(byWorker.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byPolice = await hub.gql(police, RETURN, { id, comment: 'Fictional', v });
    expect(byPolice.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const noComment = await hub.gql(manager, RETURN, { id, comment: '  ', v });
    expect(noComment.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'comment' });
    expect(await row(id)).toEqual({ version: v, status: 'DECISION_PROPOSED' });

    const comment = 'Fictional: ask the school about the attendance pattern before closing';
    const returned = await hub.gql<{ returnDecision: { status: string; version: number } }>(manager, RETURN, {
      id,
      comment,
      v,
    });
    expect(returned.errors).toBeUndefined();
    expect(returned.data!.returnDecision).toEqual({ status: 'READY_FOR_DECISION', version: v + 1 });
    const authoriseReturned = await hub.gql(manager, AUTHORISE, { id, v: v + 1 });
    expect(authoriseReturned.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const returnAgain = await hub.gql(manager, RETURN, { id, comment, v: v + 1 });
    expect(returnAgain.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    const seen = await read(id);
    expect(seen).toMatchObject({ decisionReturnComment: comment, decisionOutcome: 'NO_FURTHER_ACTION' });
    expect(seen.statusHistory.at(-1)).toMatchObject({
      transition: 'RETURN_DECISION',
      fromStatus: 'DECISION_PROPOSED',
      toStatus: 'READY_FOR_DECISION',
      byName: 'Fictional Manager',
      reason: comment,
    });

    const again = await hub.gql<{ proposeDecision: { status: string; version: number } }>(worker, PROPOSE, {
      id,
      input: {
        outcome: 'EARLY_HELP',
        rationale: 'Fictional: school confirms a pattern',
        thresholdLevel: 'LEVEL_2_EARLY_HELP',
      },
      v: v + 1,
    });
    expect(again.data!.proposeDecision.status).toBe('DECISION_PROPOSED');
    expect((await read(id)).decisionReturnComment).toBeNull();
    const ok = await hub.gql<{ authoriseDecision: { status: string; decisionOutcome: string } }>(manager, AUTHORISE, {
      id,
      v: v + 2,
    });
    expect(ok.data!.authoriseDecision).toMatchObject({ status: 'CLOSED', decisionOutcome: 'EARLY_HELP' });
    // A reason to decide over checks when none are outstanding is refused, not dropped.
    const { id: other } = await submitted();
    await hub.gql(worker, RATE, { id: other, rag: 'GREEN', v: 1 });
    await hub.gql(worker, PROPOSE, { id: other, input: DECISION, v: 2 });
    const needless = await hub.gql(manager, AUTHORISE, { id: other, v: 3, over: 'Fictional' });
    expect(needless.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'overOutstandingChecksReason',
    });
  });

  it('given a proposal with a check outstanding, when returned, then it waits on the check again', async () => {
    const { id } = await awaiting(['police']);
    const p = await hub.gql<{ proposeDecision: { version: number } }>(worker, PROPOSE, { id, input: DECISION, v: 3 });
    const returned = await hub.gql<{ returnDecision: { status: string } }>(manager, RETURN, {
      id,
      comment: 'Fictional: wait for the police',
      v: p.data!.proposeDecision.version,
    });
    expect(returned.data!.returnDecision.status).toBe('AWAITING_CHECKS');
  });

  it('given a proposal made over an outstanding check, when the agency answers before authorisation, then the proposal stands and needs no reason to decide', async () => {
    const { id, checkOf } = await awaiting(['police']);
    await hub.gql(worker, PROPOSE, { id, input: DECISION, v: 3 });
    const answer = await hub.gql<{ respondToAgencyCheck: { status: string; version: number } }>(police, RESPOND, {
      id: checkOf('police'),
      input: { findingsSummary: 'Fictional: one domestic incident last year' },
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.respondToAgencyCheck).toEqual({ status: 'DECISION_PROPOSED', version: 5 });
    const ok = await hub.gql<{ authoriseDecision: { status: string } }>(manager, AUTHORISE, { id, v: 5 });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.authoriseDecision.status).toBe('CLOSED');
    expect((await read(id)).decidedOverChecksReason).toBeNull();
  });

  it('given a proposal, when the manager amends and authorises it, then the amended decision stands with the reason, and the proposal stays in the history and the audit', async () => {
    const { id } = await submitted();
    await hub.gql(worker, RATE, { id, rag: 'AMBER', v: 1 });
    await hub.gql(worker, PROPOSE, {
      id,
      input: { outcome: 'EARLY_HELP', rationale: 'Fictional: early help', thresholdLevel: 'LEVEL_2_EARLY_HELP' },
      v: 2,
    });
    const amended = {
      outcome: 'STRATEGY_DISCUSSION',
      rationale: 'Fictional: disclosure of harm',
      thresholdLevel: 'LEVEL_4_SPECIALIST',
    };

    const byWorker = await hub.gql(worker, AMEND, { id, input: amended, reason: 'Fictional', v: 3 });
    expect(byWorker.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const noReason = await hub.gql(manager, AMEND, { id, input: amended, reason: '', v: 3 });
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const badOutcome = await hub.gql(manager, AMEND, {
      id,
      input: { ...amended, outcome: 'LOCK_THEM_UP' },
      reason: 'Fictional',
      v: 3,
    });
    expect(badOutcome.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const noRationale = await hub.gql(manager, AMEND, {
      id,
      input: { ...amended, rationale: ' ' },
      reason: 'Fictional',
      v: 3,
    });
    expect(noRationale.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.rationale' });
    const stale = await hub.gql(manager, AMEND, { id, input: amended, reason: 'Fictional', v: 2 });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await row(id)).toEqual({ version: 3, status: 'DECISION_PROPOSED' });

    const reason = 'Fictional: the disclosure meets the threshold for a strategy discussion';
    const ok = await hub.gql<{ amendAndAuthoriseDecision: Record<string, unknown> }>(manager, AMEND, {
      id,
      input: amended,
      reason,
      v: 3,
    });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.amendAndAuthoriseDecision).toEqual({
      status: 'CLOSED',
      version: 4,
      decisionOutcome: 'STRATEGY_DISCUSSION',
      thresholdLevel: 'LEVEL_4_SPECIALIST',
    });
    const seen = await read(id);
    expect(seen).toMatchObject({ decisionAmendmentReason: reason, decisionRationale: 'Fictional: disclosure of harm' });
    expect(seen.statusHistory.slice(-2).map((s) => [s.transition, s.detail, s.byName])).toEqual([
      ['PROPOSE_DECISION', 'EARLY_HELP', 'Fictional Worker'],
      ['AMEND_AND_AUTHORISE', 'STRATEGY_DISCUSSION', 'Fictional Manager'],
    ]);
    expect(seen.statusHistory.at(-1)!.reason).toBe(reason);
    const [change] = (await hub.db.query(
      `SELECT c->'before'->>'decision_outcome' AS before, c->'after'->>'decision_outcome' AS after FROM audit_event e, jsonb_array_elements(e.payload->'changes') c
        WHERE c->>'id' = $1 AND c->'after'->>'transition' = 'AMEND_AND_AUTHORISE'`,
      [id],
    )) as Array<{ before: string; after: string }>;
    expect(change).toEqual({ before: 'EARLY_HELP', after: 'STRATEGY_DISCUSSION' });
  });

  it('given two managers acting on one proposal at once, then one wins and the other gets CONFLICT', async () => {
    const { id } = await submitted();
    await hub.gql(worker, RATE, { id, rag: 'AMBER', v: 1 });
    await hub.gql(worker, PROPOSE, { id, input: DECISION, v: 2 });
    const [a, b] = await Promise.all([
      hub.gql(manager, RETURN, { id, comment: 'Fictional', v: 3 }),
      hub.gql(manager, AUTHORISE, { id, v: 3 }),
    ]);
    const errors = [a, b].filter((r) => r.errors);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 4 });
    const [{ n }] = (await hub.db.query(
      `SELECT count(*)::int AS n FROM referral_transition WHERE referral_id = $1 AND version = 4`,
      [id],
    )) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('given a partner referrer, when they submit, then the acknowledgement gives the reference and the decision time, and later their view shows the outcome; nobody else sees it', async () => {
    const ack = await submitted(referrer);
    expect(ack.reference).toMatch(/^MASH-\d{4}-\d{6}$/);
    const received = Date.parse(ack.receivedAt);
    const expected = Date.parse(ack.expectedDecisionBy);
    // One working day: at least a day later in elapsed time, at most four (a bank-holiday weekend).
    expect(expected - received).toBeGreaterThanOrEqual(8 * 3600_000);
    expect(expected - received).toBeLessThanOrEqual(5 * 24 * 3600_000);

    const before = await hub.gql<{ myReferral: Record<string, unknown> }>(referrer, MINE, { id: ack.id });
    expect(before.data!.myReferral).toMatchObject({
      status: 'RECEIVED',
      expectedDecisionBy: ack.expectedDecisionBy,
      outcome: null,
      decidedAt: null,
    });
    // Rating RED changes the MASH's own due time, not the referrer's acknowledgement.
    await hub.gql(worker, RATE, { id: ack.id, rag: 'RED', v: 1 });
    await hub.gql(worker, PROPOSE, { id: ack.id, input: DECISION, v: 2 });
    await hub.gql(manager, AUTHORISE, { id: ack.id, v: 3 });
    const after = await hub.gql<{ myReferral: Record<string, unknown> }>(referrer, MINE, { id: ack.id });
    expect(after.data!.myReferral).toMatchObject({
      status: 'CLOSED',
      outcome: 'CHILD_IN_NEED_ASSESSMENT',
      expectedDecisionBy: ack.expectedDecisionBy,
    });
    expect(after.data!.myReferral.decidedAt).toEqual(expect.any(String));
    expect((await read(ack.id)).acknowledgedDecisionBy).toBe(ack.expectedDecisionBy);

    const theirs = await hub.gql(otherReferrer, MINE, { id: ack.id });
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('given a referral, then its status history is a field for MASH roles, audited as released; the referrer and IG use their own views', async () => {
    const { id } = await awaiting(['police']);
    const r = await hub.gql<{ referral: ReferralRead }>(worker, READ, { id, purpose: 'TRIAGE' });
    expect(r.data!.referral.statusHistory.map((s) => s.transition)).toEqual(['SUBMIT', 'RATE', 'REQUEST_CHECKS']);
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    expect(audit.flatMap((a) => a.released ?? [])).toEqual(
      expect.arrayContaining(['ReferralTransition.byName', 'ReferralTransition.reason']),
    );
    for (const token of [referrer, ig]) {
      const denied = await hub.gql(
        token,
        `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { statusHistory { transition } } }`,
        { id },
      );
      expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it("given checks asked of two agencies and one answered, when an agency officer reads the status history, then it sees its own check's steps but not which agencies were asked; the MASH worker sees every step", async () => {
    const { id, checkOf } = await awaiting(['police', 'health']);
    const answered = await hub.gql(health, RESPOND, {
      id: checkOf('health'),
      input: { findingsSummary: 'Fictional health answer' },
    });
    expect(answered.errors).toBeUndefined();

    const mash = await read(id);
    const officer = await hub.gql<{ referral: { statusHistory: Step[] } }>(
      health,
      `query($id: ID!) { referral(id: $id, purpose: AGENCY_CHECK) { statusHistory { transition at byName byAgency detail checkAgency } } }`,
      { id },
    );
    const policeView = await hub.gql<{ referral: { statusHistory: Step[] } }>(
      police,
      `query($id: ID!) { referral(id: $id, purpose: AGENCY_CHECK) { statusHistory { transition detail checkAgency } } }`,
      { id },
    );

    const request = (steps: Step[]) => steps.find((s) => s.transition === 'REQUEST_CHECKS')!;
    expect(request(mash.statusHistory).detail).toBe('police,health');
    expect(mash.statusHistory.map((s) => s.transition)).toEqual([
      'SUBMIT',
      'RATE',
      'REQUEST_CHECKS',
      'RESPOND_TO_CHECK',
    ]);
    expect(officer.errors).toBeUndefined();
    expect(officer.data!.referral.statusHistory.map((s) => s.transition)).toEqual([
      'SUBMIT',
      'RATE',
      'REQUEST_CHECKS',
      'RESPOND_TO_CHECK',
    ]);
    expect(request(officer.data!.referral.statusHistory).detail).toBeNull();
    expect(officer.data!.referral.statusHistory[3]).toMatchObject({
      checkAgency: 'health',
      byAgency: 'health',
      at: expect.any(String),
    });
    // Another agency's answer is not a step of the police officer's history.
    expect(policeView.errors).toBeUndefined();
    expect(policeView.data!.referral.statusHistory.map((s) => s.transition)).toEqual([
      'SUBMIT',
      'RATE',
      'REQUEST_CHECKS',
    ]);
    expect(request(policeView.data!.referral.statusHistory).detail).toBeNull();
  });

  it('given checks answered with no information, declined, and closed, then the governance metrics count "no trace" as an answer and only a decline as a refusal', async () => {
    const METRICS = `query($period: MetricsPeriodInput!) { metrics(period: $period) {
      current { checkOutcomesByAgency { agency informationShared noInformationHeld declined closedWithoutAnswer } checkTurnaroundByAgency { key count } }
    } }`;
    const month = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
    }).format(new Date());
    type Outcome = {
      agency: string;
      informationShared: number;
      noInformationHeld: number;
      declined: number;
      closedWithoutAnswer: number;
    };
    const measure = async () => {
      const r = await hub.gql<{
        metrics: {
          current: {
            checkOutcomesByAgency: Outcome[];
            checkTurnaroundByAgency: Array<{ key: string | null; count: number }>;
          };
        };
      }>(manager, METRICS, { period: { month } });
      expect(r.errors).toBeUndefined();
      const byAgency = (a: string) =>
        r.data!.metrics.current.checkOutcomesByAgency.find((o) => o.agency === a) ?? {
          informationShared: 0,
          noInformationHeld: 0,
          declined: 0,
          closedWithoutAnswer: 0,
        };
      const answered = r.data!.metrics.current.checkTurnaroundByAgency.find((o) => o.key === 'police')?.count ?? 0;
      return { police: byAgency('police'), health: byAgency('health'), policeAnswered: answered };
    };
    const before = await measure();
    const first = await awaiting(['police', 'health']);
    await hub.gql(police, RESPOND, { id: first.checkOf('police'), input: { noInformationHeld: true } });
    await hub.gql(health, RESPOND, {
      id: first.checkOf('health'),
      input: { declinedReason: 'Fictional: needs a court order' },
    });
    const second = await awaiting(['police']);
    await hub.gql(worker, CLOSE, { id: second.checkOf('police'), reason: 'TIMED_OUT', v: 3 });
    const after = await measure();
    expect({
      police: {
        noInformationHeld: after.police.noInformationHeld - before.police.noInformationHeld,
        declined: after.police.declined - before.police.declined,
        closedWithoutAnswer: after.police.closedWithoutAnswer - before.police.closedWithoutAnswer,
      },
      healthDeclined: after.health.declined - before.health.declined,
      // A closed check was never answered: it does not count towards the turnaround of answers.
      policeAnswered: after.policeAnswered - before.policeAnswered,
    }).toEqual({
      police: { noInformationHeld: 1, declined: 0, closedWithoutAnswer: 1 },
      healthDeclined: 1,
      policeAnswered: 1,
    });
    // Measures are for managers and IG only.
    expect((await hub.gql(worker, METRICS, { period: { month } })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('given outstanding checks, when the referral is withdrawn, then the checks are closed as no longer needed and no agency is left waiting', async () => {
    const { id, checkOf } = await awaiting(['police', 'health']);
    const w = await hub.gql(worker, WITHDRAW, { id, v: 3 });
    expect(w.errors).toBeUndefined();
    expect(await checkRow(checkOf('police'))).toEqual({ status: 'CLOSED', closed_reason: 'NO_LONGER_NEEDED' });
    expect(await checkRow(checkOf('health'))).toEqual({ status: 'CLOSED', closed_reason: 'NO_LONGER_NEEDED' });
  });
});
