import { givenPerson } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * People invited to a meeting who are not agencies (issue 19 §5, ADR 024): the parents, the child, an
 * advocate, the chair, the employer. Social care, who organise meetings, invite them and record their
 * attendance and when a report was shared with the family; every change is versioned and audited, and
 * the label (a family member's name) is personal data: IDENTITY, never in the audit's change record.
 */

const FIELDS = `id status version participants { id role displayLabel personId attendance reason reportSharedAt recordedAt }`;
const SCHEDULE = `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { ${FIELDS} } }`;
const INVITE = `mutation($id: ID!, $input: MeetingParticipantInput!, $v: Int!) { inviteMeetingParticipant(meetingId: $id, input: $input, expectedVersion: $v) { ${FIELDS} } }`;
const RECORD = `mutation($id: ID!, $input: ParticipantAttendanceInput!, $v: Int!) { recordParticipantAttendance(meetingId: $id, input: $input, expectedVersion: $v) { ${FIELDS} } }`;
const HELD = `mutation($id: ID!, $v: Int!) { markMeetingHeld(id: $id, expectedVersion: $v) { version } }`;
const READ = `query($id: ID!, $purpose: Purpose!) { meeting(id: $id, purpose: $purpose) { ${FIELDS} } }`;

type Participant = {
  id: string;
  role: string;
  displayLabel: string | null;
  personId: string | null;
  attendance: string;
  reason: string | null;
  reportSharedAt: string | null;
  recordedAt: string | null;
};
type MeetingData = { id: string; status: string; version: number; participants: Participant[] };

const MOTHER = 'Fictional Mother Alpha';

describe('meeting participants who are not agencies', () => {
  let hub: TestHub;
  let worker: string;
  let manager: string;
  let police: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  const participantRows = async (meetingId: string) =>
    (await hub.db.query(`SELECT role, attendance FROM meeting_participant WHERE meeting_id = $1 ORDER BY invited_at`, [
      meetingId,
    ])) as Array<{ role: string; attendance: string }>;

  /** Given: an initial child protection conference about a 13-year-old, scheduled in an hour. */
  async function givenConference(): Promise<{ meeting: MeetingData; childId: string }> {
    const childId = await givenPerson(hub, worker, { dateOfBirth: '2013-01-15' });
    const r = await hub.gql<{ scheduleMeeting: MeetingData }>(worker, SCHEDULE, {
      input: {
        type: 'INITIAL_CHILD_PROTECTION_CONFERENCE',
        subjectPersonIds: [childId],
        scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(r.errors).toBeUndefined();
    return { meeting: r.data!.scheduleMeeting, childId };
  }

  async function invite(token: string, m: MeetingData, input: Record<string, unknown>) {
    return hub.gql<{ inviteMeetingParticipant: MeetingData }>(token, INVITE, { id: m.id, input, v: m.version });
  }

  it('social care invites a parent, the child and an advocate: each by role and label, the version moves on, and the audit records the invitation without the label', async () => {
    const { meeting, childId } = await givenConference();
    const a = await invite(worker, meeting, { role: 'PARENT', displayLabel: MOTHER });
    expect(a.errors).toBeUndefined();
    const b = await invite(manager, a.data!.inviteMeetingParticipant, {
      role: 'CHILD',
      displayLabel: 'The young person',
      personId: childId,
    });
    expect(b.errors).toBeUndefined();
    const c = await invite(worker, b.data!.inviteMeetingParticipant, { role: 'ADVOCATE', displayLabel: 'Advocate' });
    expect(c.errors).toBeUndefined();
    const m = c.data!.inviteMeetingParticipant;
    expect(m.version).toBe(meeting.version + 3);
    expect(m.participants.map((p) => [p.role, p.displayLabel, p.personId, p.attendance])).toEqual([
      ['PARENT', MOTHER, null, 'INVITED'],
      ['CHILD', 'The young person', childId, 'INVITED'],
      ['ADVOCATE', 'Advocate', null, 'INVITED'],
    ]);
    const changes = (await hub.db.query(
      `SELECT c->'after' AS after FROM audit_event e, jsonb_array_elements(e.payload->'changes') c
        WHERE c->>'entity' = 'meeting_participant' AND c->>'id' = $1`,
      [m.participants[0]!.id],
    )) as Array<{ after: Record<string, unknown> }>;
    expect(changes).toEqual([{ after: { role: 'PARENT', personId: null, displayLabelRecorded: true } }]);
    const leaked = (await hub.db.query(`SELECT count(*)::int AS n FROM audit_event WHERE payload::text LIKE $1`, [
      `%${MOTHER}%`,
    ])) as Array<{ n: number }>;
    expect(leaked[0]!.n).toBe(0);
  });

  it('an invited police officer reads the participants (MASH roles see identity) but may not invite or record for them: FORBIDDEN, nothing stored', async () => {
    const { meeting } = await givenConference();
    const a = await invite(worker, meeting, { role: 'PARENT', displayLabel: MOTHER });
    const m = a.data!.inviteMeetingParticipant;
    const read = await hub.gql<{ meeting: MeetingData }>(police, READ, { id: m.id, purpose: 'STRATEGY' });
    expect(read.errors).toBeUndefined();
    expect(read.data!.meeting.participants[0]).toMatchObject({ role: 'PARENT', displayLabel: MOTHER });

    const denied = await invite(police, m, { role: 'ADVOCATE', displayLabel: 'Advocate' });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const record = await hub.gql(police, RECORD, {
      id: m.id,
      input: { participantId: m.participants[0]!.id, status: 'DECLINED', reason: 'Fictional' },
      v: m.version,
    });
    expect(record.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await participantRows(m.id)).toEqual([{ role: 'PARENT', attendance: 'INVITED' }]);
  });

  it.each([
    ['a child with no person named', () => ({ role: 'CHILD', displayLabel: 'The child' }), 'input.personId'],
    [
      'a parent naming a person record',
      (childId: string) => ({ role: 'PARENT', displayLabel: 'Father', personId: childId }),
      'input.personId',
    ],
    ['an empty label', () => ({ role: 'PARENT', displayLabel: '   ' }), 'input.displayLabel'],
    ['an unknown role', () => ({ role: 'NEIGHBOUR', displayLabel: 'Neighbour' }), null],
  ])('bad input is refused naming the field, nothing stored: %s', async (_story, input, field) => {
    const { meeting, childId } = await givenConference();
    const r = await invite(worker, meeting, input(childId));
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    if (field) expect(r.errors![0]!.extensions!.field).toBe(field);
    expect(await participantRows(meeting.id)).toEqual([]);
  });

  it('a child who is not one of the meeting’s children is refused (input.personId), and a stale version is a CONFLICT; nothing stored', async () => {
    const { meeting } = await givenConference();
    const other = await givenPerson(hub, worker);
    const r = await invite(worker, meeting, { role: 'CHILD', displayLabel: 'A child', personId: other });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.personId' });
    const stale = await hub.gql(worker, INVITE, {
      id: meeting.id,
      input: { role: 'PARENT', displayLabel: MOTHER },
      v: meeting.version + 1,
    });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await participantRows(meeting.id)).toEqual([]);
  });

  it('attendance: the child sends views and the report is shared with the mother before the conference; once held the mother attends and the father declined, with the reason; an advocate is not family', async () => {
    const { meeting, childId } = await givenConference();
    let m = (await invite(worker, meeting, { role: 'PARENT', displayLabel: MOTHER })).data!.inviteMeetingParticipant;
    m = (await invite(worker, m, { role: 'PARENT', displayLabel: 'Fictional Father' })).data!.inviteMeetingParticipant;
    m = (await invite(worker, m, { role: 'CHILD', displayLabel: 'The young person', personId: childId })).data!
      .inviteMeetingParticipant;
    m = (await invite(worker, m, { role: 'ADVOCATE', displayLabel: 'Advocate' })).data!.inviteMeetingParticipant;
    const [mother, father, child, advocate] = m.participants;

    const record = (input: Record<string, unknown>, v = m.version) =>
      hub.gql<{ recordParticipantAttendance: MeetingData }>(worker, RECORD, { id: m.id, input, v });

    // Before the meeting: attended cannot be recorded yet.
    const early = await record({ participantId: mother!.id, status: 'ATTENDED' });
    expect(early.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');

    const sharedAt = new Date(Date.now() - 86_400_000).toISOString();
    const views = await record({ participantId: child!.id, status: 'SENT_VIEWS', reportSharedAt: sharedAt });
    expect(views.errors).toBeUndefined();
    m = views.data!.recordParticipantAttendance;
    const shared = await record({ participantId: mother!.id, status: 'INVITED', reportSharedAt: sharedAt });
    expect(shared.errors).toBeUndefined();
    m = shared.data!.recordParticipantAttendance;

    // Bad input, nothing changed: a decline needs the reason; a report is shared with the family only; no future dates.
    const noReason = await record({ participantId: father!.id, status: 'DECLINED' });
    expect(noReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
    const notFamily = await record({ participantId: advocate!.id, status: 'INVITED', reportSharedAt: sharedAt });
    expect(notFamily.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reportSharedAt' });
    const future = await record({
      participantId: mother!.id,
      status: 'INVITED',
      reportSharedAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reportSharedAt' });
    const unknown = await record({ participantId: '00000000-0000-4000-8000-000000000000', status: 'ATTENDED' });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.participantId' });

    // The conference is held.
    await hub.db.query(`UPDATE meeting SET scheduled_at = now() - interval '1 hour' WHERE id = $1`, [m.id]);
    const held = await hub.gql<{ markMeetingHeld: { version: number } }>(worker, HELD, { id: m.id, v: m.version });
    expect(held.errors).toBeUndefined();
    const attended = await record(
      { participantId: mother!.id, status: 'ATTENDED' },
      held.data!.markMeetingHeld.version,
    );
    expect(attended.errors).toBeUndefined();
    m = attended.data!.recordParticipantAttendance;
    const declined = await record({ participantId: father!.id, status: 'DECLINED', reason: 'Fictional: at work' });
    expect(declined.errors).toBeUndefined();
    m = declined.data!.recordParticipantAttendance;

    const byRole = Object.fromEntries(m.participants.map((p) => [p.displayLabel, p]));
    expect(byRole[MOTHER]).toMatchObject({ attendance: 'ATTENDED', reportSharedAt: sharedAt });
    expect(byRole['Fictional Father']).toMatchObject({ attendance: 'DECLINED', reason: 'Fictional: at work' });
    expect(byRole['The young person']).toMatchObject({ attendance: 'SENT_VIEWS', reportSharedAt: sharedAt });
    expect(byRole['Advocate']).toMatchObject({ attendance: 'INVITED', reportSharedAt: null });
  });
});
