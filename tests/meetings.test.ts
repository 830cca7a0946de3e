import crypto from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { auditFor, fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: RED, rationale: "Fictional: injuries", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $agencies: [String!]!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: $agencies, expectedVersion: $v) { version } }`;
const PROPOSE = `mutation($id: ID!, $v: Int!) { proposeDecision(id: $id, input: { outcome: STRATEGY_DISCUSSION, rationale: "Fictional: significant harm suspected", thresholdLevel: LEVEL_4_SPECIALIST }, expectedVersion: $v) { version } }`;
const AUTHORISE = `mutation($id: ID!, $v: Int!) { authoriseDecision(id: $id, expectedVersion: $v) { status decisionOutcome strategyRequestedAt } }`;

const MEETING_FIELDS = `id type status outcome version quorate missingAgencies icpcDueAt icpcOverdue minutes nonQuorateReason referralId
  invitees { id agency personName required attendance reason contribution recordedBy recordedAt }
  decisions { decision } actions { description ownerAgency ownerName dueDate status } subjects { id }`;
const SCHEDULE = `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { ${MEETING_FIELDS} } }`;
const ATTEND = `mutation($id: ID!, $a: AttendanceInput!, $v: Int!) { recordAttendance(meetingId: $id, attendance: $a, expectedVersion: $v) { ${MEETING_FIELDS} } }`;
const HELD = `mutation($id: ID!, $v: Int!) { markMeetingHeld(id: $id, expectedVersion: $v) { status version } }`;
const OUTCOME = `mutation($id: ID!, $input: MeetingOutcomeInput!, $v: Int!) { recordMeetingOutcome(id: $id, input: $input, expectedVersion: $v) { ${MEETING_FIELDS} } }`;
const ACTION = `mutation($id: ID!, $input: MeetingActionInput!, $v: Int!) { addMeetingAction(meetingId: $id, input: $input, expectedVersion: $v) { ${MEETING_FIELDS} } }`;
const COMPLETE = `mutation($id: ID!, $reason: String, $v: Int!) { completeMeeting(id: $id, nonQuorateReason: $reason, expectedVersion: $v) { ${MEETING_FIELDS} } }`;
const READ = `query($id: ID!, $purpose: Purpose!) { meeting(id: $id, purpose: $purpose) { ${MEETING_FIELDS} } }`;
const LIST = `query($purpose: Purpose!, $filter: MeetingFilterInput, $first: Int, $after: String) {
  meetings(purpose: $purpose, filter: $filter, first: $first, after: $after) { edges { cursor node { id icpcOverdue } } pageInfo { hasNextPage endCursor } }
}`;
const PERSON = `query($id: ID!, $purpose: Purpose!) { person(id: $id, purpose: $purpose) { id records { __typename ... on HealthRecord { clinicalNotes } } } }`;
const STATS = `query($from: DateTimeISO!, $to: DateTimeISO!, $type: MeetingType) {
  attendanceStatistics(from: $from, to: $to, meetingType: $type) {
    meetings nonQuorateMeetings byAgency { agency invited attended apologies informationOnly didNotAttend notRecorded attendanceRate missedWhenRequired }
  }
}`;

type Invitee = {
  id: string;
  agency: string;
  required: boolean;
  attendance: string;
  reason: string | null;
  contribution: string | null;
  recordedBy: string | null;
};
type MeetingData = {
  id: string;
  status: string;
  outcome: string | null;
  version: number;
  quorate: boolean;
  missingAgencies: string[];
  icpcDueAt: string | null;
  icpcOverdue: boolean;
  minutes: string | null;
  invitees: Invitee[];
  decisions: Array<{ decision: string }>;
  actions: Array<Record<string, unknown>>;
};

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('strategy discussions and meetings', () => {
  let hub: TestHub;
  let worker: string;
  let manager: string;
  let police: string;
  let health: string;
  let probation: string;
  let education: string;
  let auditor: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    probation = await hub.token({ agency: 'probation', roles: ['PROBATION_MASH_OFFICER'] });
    education = await hub.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] });
    auditor = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
  });
  afterAll(() => hub.close());

  /** Given: a referral about a child, screened RED with checks to the named agencies. */
  async function givenReferral(personId: string, checks: string[] = []): Promise<{ id: string; version: number }> {
    const r = await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
      input: {
        subjects: [{ personId }],
        concernCategories: ['PHYSICAL_ABUSE'],
        narrative: 'Fictional narrative: bruising seen at school.',
        consentSought: true,
        consentGiven: true,
      },
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    const id = r.data!.submitReferral.id;
    await hub.gql(worker, RATE, { id, v: 1 });
    if (checks.length === 0) return { id, version: 2 };
    const c = await hub.gql(worker, CHECKS, { id, agencies: checks, v: 2 });
    expect(c.errors).toBeUndefined();
    return { id, version: 3 };
  }

  async function schedule(input: Record<string, unknown>, token = worker): Promise<MeetingData> {
    const r = await hub.gql<{ scheduleMeeting: MeetingData }>(token, SCHEDULE, {
      input: { scheduledAt: inAnHour(), ...input },
    });
    expect(r.errors).toBeUndefined();
    return r.data!.scheduleMeeting;
  }

  /** Time passes: the meeting's scheduled time is moved into the past (tests cannot wait for the clock). */
  async function timePasses(meetingId: string, to: string) {
    await hub.db.query(`UPDATE meeting SET scheduled_at = $2 WHERE id = $1`, [meetingId, to]);
  }

  async function held(meetingId: string, at = '2025-12-22T10:00:00Z'): Promise<number> {
    await timePasses(meetingId, at);
    const v = await version(meetingId);
    const r = await hub.gql<{ markMeetingHeld: { status: string; version: number } }>(worker, HELD, {
      id: meetingId,
      v,
    });
    expect(r.errors).toBeUndefined();
    return r.data!.markMeetingHeld.version;
  }

  async function version(meetingId: string): Promise<number> {
    const [row] = (await hub.db.query(`SELECT version FROM meeting WHERE id = $1`, [meetingId])) as Array<{
      version: number;
    }>;
    return row!.version;
  }

  async function meetingRows(referralId: string): Promise<number> {
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM meeting WHERE referral_id = $1`, [
      referralId,
    ])) as [{ n: number }];
    return n;
  }

  const inviteeOf = (m: MeetingData, agency: string) => m.invitees.find((i) => i.agency === agency)!;

  it('given a triage decision of STRATEGY_DISCUSSION, when the discussion is scheduled, held, attended, decided and completed, then quorum, the ICPC due date across the bank holidays and every step are recorded', async () => {
    const child = await givenPerson(hub, worker, { dateOfBirth: '2016-04-03' });
    const referral = await givenReferral(child);
    await hub.gql(worker, PROPOSE, { id: referral.id, v: referral.version });
    const authorised = await hub.gql<{ authoriseDecision: { decisionOutcome: string; strategyRequestedAt: string } }>(
      manager,
      AUTHORISE,
      {
        id: referral.id,
        v: referral.version + 1,
      },
    );
    expect(authorised.data!.authoriseDecision).toMatchObject({
      decisionOutcome: 'STRATEGY_DISCUSSION',
      strategyRequestedAt: expect.any(String),
    });

    // Scheduled with probation as an optional extra: the school-age child makes education required.
    const scheduled = await schedule({
      type: 'STRATEGY_DISCUSSION',
      referralId: referral.id,
      invitees: [{ agency: 'probation' }, { agency: 'police', personName: 'DC Example' }],
    });
    expect(scheduled).toMatchObject({ status: 'SCHEDULED', version: 1, quorate: false, subjects: [{ id: child }] });
    expect(scheduled.invitees.map((i) => [i.agency, i.required, i.attendance])).toEqual([
      ['education', true, 'INVITED'],
      ['health', true, 'INVITED'],
      ['police', true, 'INVITED'],
      ['probation', false, 'INVITED'],
      ['social-care', true, 'INVITED'],
    ]);
    expect(scheduled.missingAgencies).toEqual(['education', 'health', 'police', 'social-care']);
    const id = scheduled.id;

    // Education sends information only, in advance (its own officer records it); attended cannot be recorded yet.
    const early = await hub.gql(worker, ATTEND, {
      id,
      a: { inviteeId: inviteeOf(scheduled, 'police').id, status: 'ATTENDED' },
      v: 1,
    });
    expect(early.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const info = await hub.gql<{ recordAttendance: MeetingData }>(education, ATTEND, {
      id,
      a: {
        inviteeId: inviteeOf(scheduled, 'education').id,
        status: 'SENT_INFORMATION_ONLY',
        note: 'Fictional: exam invigilation',
        contribution: 'Fictional: attendance 82%',
      },
      v: 1,
    });
    expect(info.errors).toBeUndefined();

    let v = await held(id); // held on Mon 22 Dec 2025
    for (const agency of ['social-care', 'police', 'health']) {
      const r = await hub.gql<{ recordAttendance: MeetingData }>(worker, ATTEND, {
        id,
        a: { inviteeId: inviteeOf(scheduled, agency).id, status: 'ATTENDED' },
        v,
      });
      expect(r.errors).toBeUndefined();
      v = r.data!.recordAttendance.version;
    }
    const dna = await hub.gql<{ recordAttendance: MeetingData }>(worker, ATTEND, {
      id,
      a: {
        inviteeId: inviteeOf(scheduled, 'probation').id,
        status: 'DID_NOT_ATTEND',
        note: 'Fictional: no response to invitation',
      },
      v,
    });
    expect(dna.errors).toBeUndefined();
    // Reasons and contributions are read under a declared purpose.
    const afterAttendance = (await hub.gql<{ meeting: MeetingData }>(worker, READ, { id, purpose: 'STRATEGY' })).data!
      .meeting;
    expect(afterAttendance.missingAgencies).toEqual(['education']);
    expect(afterAttendance.quorate).toBe(false);
    expect(inviteeOf(afterAttendance, 'probation')).toMatchObject({
      attendance: 'DID_NOT_ATTEND',
      reason: 'Fictional: no response to invitation',
      recordedBy: expect.any(String),
    });
    expect(inviteeOf(afterAttendance, 'education')).toMatchObject({
      attendance: 'SENT_INFORMATION_ONLY',
      contribution: 'Fictional: attendance 82%',
    });

    const outcome = await hub.gql<{ recordMeetingOutcome: MeetingData }>(worker, OUTCOME, {
      id,
      input: {
        outcome: 'SECTION_47_JOINT',
        decisions: ['Fictional: joint visit today'],
        minutes: 'Fictional minutes of the discussion',
      },
      v: afterAttendance.version,
    });
    expect(outcome.errors).toBeUndefined();
    // 15 working days from Mon 22 Dec 2025, skipping 25–26 Dec and 1 Jan: Thu 15 Jan 2026.
    expect(outcome.data!.recordMeetingOutcome).toMatchObject({
      outcome: 'SECTION_47_JOINT',
      icpcDueAt: '2026-01-15',
      decisions: [{ decision: 'Fictional: joint visit today' }],
    });
    v = outcome.data!.recordMeetingOutcome.version;
    const twice = await hub.gql(worker, OUTCOME, { id, input: { outcome: 'NO_FURTHER_ACTION' }, v });
    expect(twice.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const action = await hub.gql<{ addMeetingAction: MeetingData }>(worker, ACTION, {
      id,
      input: { description: 'Fictional: arrange a medical', ownerAgency: 'health', dueDate: due },
      v,
    });
    expect(action.data!.addMeetingAction.actions).toEqual([
      {
        description: 'Fictional: arrange a medical',
        ownerAgency: 'health',
        ownerName: null,
        dueDate: due,
        status: 'OPEN',
      },
    ]);
    v = action.data!.addMeetingAction.version;

    // Not quorate: completing needs a reason, and the error names the missing agency.
    const noReason = await hub.gql(worker, COMPLETE, { id, v });
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nonQuorateReason' });
    expect(noReason.errors?.[0]?.message).toContain('education');
    expect(await version(id)).toBe(v);
    const completed = await hub.gql<{ completeMeeting: MeetingData & { nonQuorateReason: string } }>(worker, COMPLETE, {
      id,
      reason: 'Fictional: urgent decision needed; education sent information',
      v,
    });
    expect(completed.errors).toBeUndefined();
    expect(completed.data!.completeMeeting).toMatchObject({
      status: 'COMPLETED',
      quorate: false,
      nonQuorateReason: expect.stringContaining('urgent'),
    });

    // The conference due date has passed without a conference: visible as overdue.
    const overdue = await hub.gql<{ meetings: { edges: Array<{ node: { id: string; icpcOverdue: boolean } }> } }>(
      manager,
      LIST,
      {
        purpose: 'TRIAGE',
        filter: { overdueConferences: true, referralId: referral.id },
      },
    );
    expect(overdue.data!.meetings.edges.map((e) => e.node)).toEqual([{ id, icpcOverdue: true }]);

    // Every change is in the audit, in the order made, in the same transaction as the change.
    const changes = (await hub.db.query(
      `SELECT c->'after'->>'transition' AS transition FROM audit_event e, jsonb_array_elements(e.payload->'changes') c
        WHERE c->>'entity' = 'meeting' AND c->>'id' = $1 ORDER BY e.occurred_at, e.seq`,
      [id],
    )) as Array<{ transition: string | null }>;
    expect(changes.map((c) => c.transition)).toEqual([
      null,
      'RECORD_ATTENDANCE',
      'MARK_HELD',
      'RECORD_ATTENDANCE',
      'RECORD_ATTENDANCE',
      'RECORD_ATTENDANCE',
      'RECORD_ATTENDANCE',
      'RECORD_OUTCOME',
      'ADD_ACTION',
      'COMPLETE',
    ]);
  });

  it('given a quorate meeting, when completed without a reason, then it is COMPLETED and quorate', async () => {
    const child = await givenPerson(hub, worker, { dateOfBirth: '2024-01-10' }); // under school age: education not required
    const m = await schedule({ type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child] });
    expect(m.invitees.map((i) => i.agency)).toEqual(['health', 'police', 'social-care']);
    let v = await held(m.id);
    for (const inv of m.invitees) {
      const r = await hub.gql<{ recordAttendance: MeetingData }>(worker, ATTEND, {
        id: m.id,
        a: { inviteeId: inv.id, status: 'ATTENDED' },
        v,
      });
      v = r.data!.recordAttendance.version;
    }
    const o = await hub.gql<{ recordMeetingOutcome: MeetingData }>(worker, OUTCOME, {
      id: m.id,
      input: { outcome: 'CHILD_IN_NEED' },
      v,
    });
    expect(o.data!.recordMeetingOutcome).toMatchObject({ quorate: true, missingAgencies: [], icpcDueAt: null });
    const reasonNotNeeded = await hub.gql(worker, COMPLETE, { id: m.id, reason: 'Fictional', v: v + 1 });
    expect(reasonNotNeeded.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'nonQuorateReason',
    });
    const done = await hub.gql<{ completeMeeting: MeetingData }>(worker, COMPLETE, { id: m.id, v: v + 1 });
    expect(done.data!.completeMeeting).toMatchObject({ status: 'COMPLETED', quorate: true });
  });

  it('given a police officer invited to a strategy discussion about a child, then they read health AGENCY_DETAIL under STRATEGY (audited); before the invitation the same officer does not', async () => {
    const nhsNumber = fakeNhsNumber();
    const child = await givenPerson(hub, worker, { nhsNumber });
    expect(await givenImportedPerson(hub, 'health', { nhsNumber, sourceSystem: 'HEALTH-PAS' })).toBe(child);
    await givenRecord(hub, health, child, {
      recordType: 'HEALTH_GP_REGISTRATION',
      registeredGp: 'Fictional Surgery',
      clinicalNotes: 'Fictional clinical note',
    });
    await givenReferral(child, ['police']); // police reach the child through the agency check only

    const before = await hub.gql<{ person: { records: Array<{ __typename: string; clinicalNotes: string | null }> } }>(
      police,
      PERSON,
      { id: child, purpose: 'STRATEGY' },
    );
    expect(before.errors).toBeUndefined();
    expect(before.data!.person.records.find((r) => r.__typename === 'HealthRecord')!.clinicalNotes).toBeNull();
    expect(before.extensions?.redactions).toContainEqual({
      path: expect.stringMatching(/clinicalNotes$/),
      reason: 'NEED_TO_KNOW',
    });

    await schedule({ type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child] });
    const after = await hub.gql<{ person: { records: Array<{ __typename: string; clinicalNotes: string | null }> } }>(
      police,
      PERSON,
      { id: child, purpose: 'STRATEGY' },
    );
    expect(after.data!.person.records.find((r) => r.__typename === 'HealthRecord')!.clinicalNotes).toBe(
      'Fictional clinical note',
    );
    const audit = await auditFor(hub, after.headers.get('x-request-id')!);
    const disclosure = audit.find((a) => a.person_id === child)!;
    expect(disclosure).toMatchObject({ purpose: 'STRATEGY', disclosure_outcome: 'DISCLOSED' });
    expect(disclosure.released).toContain('HealthRecord.clinicalNotes');

    // The invitation is a need-to-know for strategy, not for triage.
    const triage = await hub.gql<{ person: { records: Array<{ __typename: string; clinicalNotes: string | null }> } }>(
      police,
      PERSON,
      { id: child, purpose: 'TRIAGE' },
    );
    expect(triage.data!.person.records.find((r) => r.__typename === 'HealthRecord')!.clinicalNotes).toBeNull();
    expect(triage.extensions?.redactions).toContainEqual({
      path: expect.stringMatching(/clinicalNotes$/),
      reason: 'PURPOSE_INSUFFICIENT',
    });
  });

  it('given a meeting, then invitees read minutes and contributions under STRATEGY, an agency with only a check sees that it happened and its outcome, and an unrelated agency gets NOT_FOUND', async () => {
    const child = await givenPerson(hub, worker, { dateOfBirth: '2023-02-02' });
    const referral = await givenReferral(child, ['probation']);
    const m = await schedule({ type: 'STRATEGY_DISCUSSION', referralId: referral.id });
    let v = await held(m.id);
    const r = await hub.gql<{ recordAttendance: MeetingData }>(health, ATTEND, {
      id: m.id,
      a: {
        inviteeId: inviteeOf(m, 'health').id,
        status: 'ATTENDED',
        contribution: 'Fictional: health visitor concerns',
      },
      v,
    });
    expect(r.errors).toBeUndefined();
    v = r.data!.recordAttendance.version;
    await hub.gql(worker, OUTCOME, {
      id: m.id,
      input: { outcome: 'SECTION_47_SINGLE_AGENCY', minutes: 'Fictional minutes' },
      v,
    });

    const invited = await hub.gql<{ meeting: MeetingData }>(police, READ, { id: m.id, purpose: 'STRATEGY' });
    expect(invited.errors).toBeUndefined();
    expect(invited.data!.meeting.minutes).toBe('Fictional minutes');
    expect(inviteeOf(invited.data!.meeting, 'health').contribution).toBe('Fictional: health visitor concerns');
    const audit = await auditFor(hub, invited.headers.get('x-request-id')!);
    expect(audit.find((a) => a.person_id === child)!.released).toEqual(
      expect.arrayContaining(['Meeting.minutes', 'MeetingInvitee.contribution']),
    );

    const invitedTriage = await hub.gql<{ meeting: MeetingData }>(police, READ, { id: m.id, purpose: 'TRIAGE' });
    expect(invitedTriage.data!.meeting.minutes).toBeNull();
    expect(invitedTriage.extensions?.redactions).toContainEqual({
      path: 'meeting.minutes',
      reason: 'PURPOSE_INSUFFICIENT',
    });

    // Probation is not invited (the child is not of school age, probation not required) but has the referral's check.
    expect(m.invitees.map((i) => i.agency)).not.toContain('probation');
    const checkOnly = await hub.gql<{ meeting: MeetingData }>(probation, READ, { id: m.id, purpose: 'STRATEGY' });
    expect(checkOnly.errors).toBeUndefined();
    expect(checkOnly.data!.meeting).toMatchObject({
      status: 'HELD',
      outcome: 'SECTION_47_SINGLE_AGENCY',
      minutes: null,
    });
    expect(inviteeOf(checkOnly.data!.meeting, 'health').contribution).toBeNull();
    expect(checkOnly.extensions?.redactions).toContainEqual({ path: 'meeting.minutes', reason: 'NEED_TO_KNOW' });

    // Education has no relationship at all: not found, by id and in lists.
    const unrelated = await hub.gql<{ meeting: MeetingData | null }>(education, READ, {
      id: m.id,
      purpose: 'STRATEGY',
    });
    expect(unrelated.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const list = await hub.gql<{ meetings: { edges: unknown[] } }>(education, LIST, {
      purpose: 'STRATEGY',
      filter: { referralId: referral.id },
    });
    expect(list.data!.meetings.edges).toEqual([]);
    const write = await hub.gql(education, ATTEND, {
      id: m.id,
      a: { inviteeId: inviteeOf(m, 'health').id, status: 'ATTENDED' },
      v: await version(m.id),
    });
    expect(write.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('given an invited agency officer, then they may record their own agency’s apologies but not another agency’s attendance, and may not schedule', async () => {
    const child = await givenPerson(hub, worker, { dateOfBirth: '2012-09-09' });
    const m = await schedule({ type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child] });
    const own = await hub.gql<{ recordAttendance: MeetingData }>(police, ATTEND, {
      id: m.id,
      a: { inviteeId: inviteeOf(m, 'police').id, status: 'SENT_APOLOGIES', note: 'Fictional: officer on leave' },
      v: 1,
    });
    expect(own.errors).toBeUndefined();
    expect(inviteeOf(own.data!.recordAttendance, 'police')).toMatchObject({
      attendance: 'SENT_APOLOGIES',
      reason: 'Fictional: officer on leave',
    });
    const other = await hub.gql(police, ATTEND, {
      id: m.id,
      a: { inviteeId: inviteeOf(m, 'health').id, status: 'SENT_APOLOGIES', note: 'Fictional' },
      v: 2,
    });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'attendance.inviteeId' });
    const sched = await hub.gql(police, SCHEDULE, {
      input: { type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child], scheduledAt: inAnHour() },
    });
    expect(sched.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stats = await hub.gql(police, STATS, { from: '2020-01-01T00:00:00Z', to: '2021-01-01T00:00:00Z' });
    expect(stats.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const held = await hub.gql(police, HELD, { id: m.id, v: 2 });
    expect(held.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('given an invited police officer subscribed to meeting changes, when attendance is recorded, then the change reaches them; an agency with no relationship, filtering on the meeting’s id or its referral’s id or (as controls) on ids that do not exist, is accepted alike and receives nothing', async () => {
    const child = await givenPerson(hub, worker, { dateOfBirth: '2023-03-03' });
    const referral = await givenReferral(child);
    const m = await schedule({ type: 'STRATEGY_DISCUSSION', referralId: referral.id });
    const probes: Array<[name: string, token: string, filter: Record<string, string>]> = [
      ['police', police, { meetingId: m.id }],
      ['policeByReferral', police, { referralId: referral.id }],
      ['probation', probation, { meetingId: m.id }],
      ['probationControl', probation, { meetingId: crypto.randomUUID() }],
      ['probationByReferral', probation, { referralId: referral.id }],
      ['probationByReferralControl', probation, { referralId: crypto.randomUUID() }],
    ];
    const pushed: Record<
      string,
      Array<{ data?: { meetingChanged: { id: string; version: number } | null } }>
    > = Object.fromEntries(probes.map(([n]) => [n, []]));
    const failed: Record<string, unknown[]> = Object.fromEntries(probes.map(([n]) => [n, []]));
    const clients = probes.map(([name, token, f]) => {
      const client = createClient({
        url: hub.server.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      client.subscribe(
        {
          query: `subscription($f: MeetingChangeFilter) { meetingChanged(purpose: STRATEGY, filter: $f) { id version } }`,
          variables: { f },
        },
        {
          next: (v) => void pushed[name]!.push(v as never),
          error: (e) => void failed[name]!.push(e),
          complete: () => undefined,
        },
      );
      return client;
    });
    try {
      const deadline = Date.now() + 4000;
      // All accepted: whether the filtered meeting or referral exists makes no difference at subscribe.
      while (hub.server.hub.events.subscriberCount('meeting') < probes.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(hub.server.hub.events.subscriberCount('meeting')).toBe(probes.length);
      const r = await hub.gql(worker, ATTEND, {
        id: m.id,
        a: { inviteeId: inviteeOf(m, 'health').id, status: 'SENT_APOLOGIES', note: 'Fictional: clinic' },
        v: 1,
      });
      expect(r.errors).toBeUndefined();
      while ((pushed.police!.length === 0 || pushed.policeByReferral!.length === 0) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(pushed.police![0]!.data!.meetingChanged).toEqual({ id: m.id, version: 2 });
      expect(pushed.policeByReferral![0]!.data!.meetingChanged).toEqual({ id: m.id, version: 2 });
      await new Promise((r) => setTimeout(r, 200));
      for (const name of ['probation', 'probationControl', 'probationByReferral', 'probationByReferralControl'])
        expect([name, pushed[name]]).toEqual([name, []]);
      expect(failed).toEqual(Object.fromEntries(probes.map(([n]) => [n, []])));
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
  });

  it('given a cancelled strategy discussion, then the invitation no longer gives police a need-to-know, and a cancelled meeting cannot be held', async () => {
    const nhsNumber = fakeNhsNumber();
    const child = await givenPerson(hub, worker, { nhsNumber });
    expect(await givenImportedPerson(hub, 'health', { nhsNumber, sourceSystem: 'HEALTH-PAS' })).toBe(child);
    await givenRecord(hub, health, child, {
      recordType: 'HEALTH_GP_REGISTRATION',
      registeredGp: 'Fictional Surgery',
      clinicalNotes: 'Fictional clinical note',
    });
    const m = await schedule({ type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child] });
    const invited = await hub.gql<{ person: { id: string } | null }>(police, PERSON, {
      id: child,
      purpose: 'STRATEGY',
    });
    expect(invited.data!.person).toMatchObject({ id: child });

    const noReason = await hub.gql(
      worker,
      `mutation($id: ID!, $v: Int!) { cancelMeeting(id: $id, reason: " ", expectedVersion: $v) { status } }`,
      { id: m.id, v: 1 },
    );
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const cancelled = await hub.gql<{ cancelMeeting: { status: string } }>(
      worker,
      `mutation($id: ID!, $v: Int!) { cancelMeeting(id: $id, reason: "Fictional: child moved out of area", expectedVersion: $v) { status } }`,
      { id: m.id, v: 1 },
    );
    expect(cancelled.data!.cancelMeeting.status).toBe('CANCELLED');
    // Police reached the child only through the invitation: now not found.
    const after = await hub.gql(police, PERSON, { id: child, purpose: 'STRATEGY' });
    expect(after.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const hold = await hub.gql(worker, HELD, { id: m.id, v: 2 });
    expect(hold.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  });

  describe('bad input: a clear error and nothing changed', () => {
    it('scheduling in the past, an unknown agency, no subject, or a person out of reach', async () => {
      const child = await givenPerson(hub, worker);
      const referral = await givenReferral(child);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ scheduledAt: new Date(Date.now() - 60_000).toISOString() }, 'input.scheduledAt'],
        [{ invitees: [{ agency: 'nowhere' }] }, 'input.invitees.0.agency'],
        [{ invitees: [{ agency: 'police' }, { agency: 'police' }] }, 'input.invitees.1'],
      ];
      for (const [overrides, field] of cases) {
        const r = await hub.gql(worker, SCHEDULE, {
          input: { type: 'STRATEGY_DISCUSSION', referralId: referral.id, scheduledAt: inAnHour(), ...overrides },
        });
        expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      expect(await meetingRows(referral.id)).toBe(0);
      const none = await hub.gql(worker, SCHEDULE, { input: { type: 'CORE_GROUP', scheduledAt: inAnHour() } });
      expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.subjectPersonIds' });
      const outOfReach = await givenPerson(hub, police); // known to police only
      const unreachable = await hub.gql(worker, SCHEDULE, {
        input: { type: 'CORE_GROUP', subjectPersonIds: [outOfReach], scheduledAt: inAnHour() },
      });
      expect(unreachable.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.subjectPersonIds.0',
      });
    });

    it('attendance for someone not invited, non-attendance without a reason, an outcome before the meeting is held, a stale version', async () => {
      const child = await givenPerson(hub, worker);
      const m = await schedule({ type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child] });
      const other = await schedule({ type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child] });
      const notInvited = await hub.gql(worker, ATTEND, {
        id: m.id,
        a: { inviteeId: other.invitees[0]!.id, status: 'SENT_APOLOGIES', note: 'Fictional' },
        v: 1,
      });
      expect(notInvited.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'attendance.inviteeId',
      });
      const noReason = await hub.gql(worker, ATTEND, {
        id: m.id,
        a: { inviteeId: inviteeOf(m, 'health').id, status: 'SENT_APOLOGIES', note: '  ' },
        v: 1,
      });
      expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attendance.note' });
      const notHeld = await hub.gql(worker, OUTCOME, { id: m.id, input: { outcome: 'SECTION_47_JOINT' }, v: 1 });
      expect(notHeld.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
      const tooEarly = await hub.gql(worker, HELD, { id: m.id, v: 1 });
      expect(tooEarly.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
      const stale = await hub.gql(worker, ATTEND, {
        id: m.id,
        a: { inviteeId: inviteeOf(m, 'health').id, status: 'SENT_APOLOGIES', note: 'Fictional' },
        v: 7,
      });
      expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });
      const rows = (await hub.db.query(`SELECT attendance, recorded_at FROM meeting_invitee WHERE meeting_id = $1`, [
        m.id,
      ])) as Array<{ attendance: string; recorded_at: Date | null }>;
      expect(rows.every((r) => r.attendance === 'INVITED' && r.recorded_at === null)).toBe(true);
      expect(await version(m.id)).toBe(1);
      const [{ n }] = (await hub.db.query(
        `SELECT count(*)::int AS n FROM meeting WHERE id = $1 AND status = 'SCHEDULED' AND outcome IS NULL`,
        [m.id],
      )) as [{ n: number }];
      expect(n).toBe(1);
    });

    it('an action without an owner or without a due date', async () => {
      const child = await givenPerson(hub, worker);
      const m = await schedule({ type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child] });
      const v = await held(m.id);
      const noOwner = await hub.gql(worker, ACTION, {
        id: m.id,
        input: { description: 'Fictional', dueDate: '2099-01-01' },
        v,
      });
      expect(noOwner.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.ownerAgency' });
      const noDue = await hub.gql(worker, ACTION, {
        id: m.id,
        input: { description: 'Fictional', ownerName: 'Fictional Worker' },
        v,
      });
      expect(noDue.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.dueDate' });
      const badDate = await hub.gql(worker, ACTION, {
        id: m.id,
        input: { description: 'Fictional', ownerAgency: 'police', dueDate: '2099-02-30' },
        v,
      });
      expect(badDate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.dueDate' });
      const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM meeting_action WHERE meeting_id = $1`, [
        m.id,
      ])) as [{ n: number }];
      expect(n).toBe(0);
      expect(await version(m.id)).toBe(v);
      // A named person may own an action.
      const named = await hub.gql<{ addMeetingAction: MeetingData }>(worker, ACTION, {
        id: m.id,
        input: { description: 'Fictional: visit', ownerName: 'Fictional Worker', dueDate: '2099-01-01' },
        v,
      });
      expect(named.data!.addMeetingAction.actions).toEqual([
        expect.objectContaining({ ownerAgency: null, ownerName: 'Fictional Worker' }),
      ]);
    });

    it('an action due by dueOn (LocalDate, ADR 021) and a different deprecated dueDate; then by dueOn alone it is added', async () => {
      const child = await givenPerson(hub, worker);
      const m = await schedule({ type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child] });
      const v = await held(m.id);
      const both = await hub.gql(worker, ACTION, {
        id: m.id,
        input: { description: 'Fictional', ownerAgency: 'police', dueOn: '2099-01-01', dueDate: '2099-01-02' },
        v,
      });
      expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.dueOn' });
      const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM meeting_action WHERE meeting_id = $1`, [
        m.id,
      ])) as [{ n: number }];
      expect(n).toBe(0);
      const typed = await hub.gql<{ addMeetingAction: MeetingData }>(worker, ACTION, {
        id: m.id,
        input: { description: 'Fictional: visit', ownerAgency: 'police', dueOn: '2099-01-01' },
        v,
      });
      expect(typed.errors).toBeUndefined();
      expect(typed.data!.addMeetingAction.actions).toEqual([
        expect.objectContaining({ ownerAgency: 'police', dueDate: '2099-01-01' }),
      ]);
    });
  });

  it('given meetings about a child, then the list pages by cursor and filters by person, agency and upcoming', async () => {
    const child = await givenPerson(hub, worker, { dateOfBirth: '2024-05-05' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await schedule({
        type: 'CORE_GROUP',
        subjectPersonIds: [child],
        scheduledAt: new Date(Date.now() + (i + 1) * 3_600_000).toISOString(),
      });
      ids.push(m.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        data?: {
          meetings: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
        } | null;
      } = await hub.gql(worker, LIST, {
        purpose: 'TRIAGE',
        filter: { personId: child, upcoming: true },
        first: 2,
        after,
      });
      seen.push(...page.data!.meetings.edges.map((e) => e.node.id));
      if (!page.data!.meetings.pageInfo.hasNextPage) break;
      after = page.data!.meetings.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
    // Core groups invite only social care by default: the police agency filter finds none, and police see none.
    const byPolice = await hub.gql<{ meetings: { edges: unknown[] } }>(worker, LIST, {
      purpose: 'TRIAGE',
      filter: { personId: child, agency: 'police' },
    });
    expect(byPolice.data!.meetings.edges).toEqual([]);
    const asPolice = await hub.gql<{ meetings: { edges: unknown[] } }>(police, LIST, {
      purpose: 'STRATEGY',
      filter: { personId: child },
    });
    expect(asPolice.data!.meetings.edges).toEqual([]);
    const tooMany = await hub.gql(worker, LIST, { purpose: 'TRIAGE', first: 10_000 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('given meetings held in a period, then managers and IG see attendance counts by agency and non-quorate meetings; nothing personal', async () => {
    // A private window far in the past so other tests' meetings do not count.
    const start = Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 3000) * 86_400_000;
    const at = (h: number) => new Date(start + h * 3_600_000).toISOString();
    const child = await givenPerson(hub, worker, { dateOfBirth: '2024-01-01' });
    for (const [h, policeStatus] of [
      [1, 'ATTENDED'],
      [2, 'SENT_APOLOGIES'],
    ] as const) {
      const m = await schedule({ type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child] });
      let v = await held(m.id, at(h));
      for (const inv of m.invitees) {
        const status = inv.agency === 'police' ? policeStatus : 'ATTENDED';
        const r = await hub.gql<{ recordAttendance: MeetingData }>(worker, ATTEND, {
          id: m.id,
          a: { inviteeId: inv.id, status, note: 'Fictional reason' },
          v,
        });
        v = r.data!.recordAttendance.version;
      }
    }
    for (const token of [manager, auditor]) {
      const r = await hub.gql<{
        attendanceStatistics: {
          meetings: number;
          nonQuorateMeetings: number;
          byAgency: Array<Record<string, unknown>>;
        };
      }>(token, STATS, {
        from: at(0),
        to: at(24),
        type: 'STRATEGY_DISCUSSION',
      });
      expect(r.errors).toBeUndefined();
      expect(r.data!.attendanceStatistics).toMatchObject({ meetings: 2, nonQuorateMeetings: 1 });
      expect(r.data!.attendanceStatistics.byAgency.find((a) => a.agency === 'police')).toEqual({
        agency: 'police',
        invited: 2,
        attended: 1,
        apologies: 1,
        informationOnly: 0,
        didNotAttend: 0,
        notRecorded: 0,
        attendanceRate: 0.5,
        missedWhenRequired: 1,
      });
      expect(r.data!.attendanceStatistics.byAgency.find((a) => a.agency === 'health')).toMatchObject({
        invited: 2,
        attended: 2,
        attendanceRate: 1,
      });
    }
    const backwards = await hub.gql(manager, STATS, { from: at(24), to: at(0) });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.from' });
    const worker2 = await hub.gql(worker, STATS, { from: at(0), to: at(24) });
    expect(worker2.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('required agencies are configurable per partnership', () => {
  it('given MASH_MEETINGS_FILE requiring probation at strategy discussions, when one is scheduled, then probation is invited as required', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-meetings-'));
    const file = path.join(dir, 'meetings.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        requiredAgencies: {
          STRATEGY_DISCUSSION: { kinds: ['SOCIAL_CARE', 'POLICE', 'HEALTH', 'PROBATION'], educationIfSchoolAge: false },
        },
      }),
    );
    const hub = await startTestHub({ MASH_MEETINGS_FILE: file });
    try {
      const worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
      const child = await givenPerson(hub, worker, { dateOfBirth: '2015-01-01' });
      const r = await hub.gql<{ scheduleMeeting: { invitees: Array<{ agency: string; required: boolean }> } }>(
        worker,
        SCHEDULE,
        {
          input: { type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child], scheduledAt: inAnHour() },
        },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.scheduleMeeting.invitees.map((i) => [i.agency, i.required])).toEqual([
        ['health', true],
        ['police', true],
        ['probation', true],
        ['social-care', true],
      ]);
    } finally {
      await hub.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
