import { givenPerson } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Meetings and their actions are read through read shapes of their entities (ADR 031), with the
 * columns computed in SQL (kinds, subjects, quorum, the conference clock, an action's lateness)
 * beside them. A property left out of a shape comes back null rather than failing: this story reads
 * every field of a held meeting and its action, so a shape that drops or misnames one is noticed.
 */

const MEETING_FIELDS = `id type referralId scheduledAt organisingAgency chairName status outcome outcomeRecordedAt minutes
  icpcDueAt icpcOverdue heldAt completedAt cancelledReason nonQuorateReason version quorate missingAgencies
  subjects { id } actions { id description ownerAgency ownerName dueDate dueOn status overdue }`;
const SCHEDULE = `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id version } }`;
const ACTION = `mutation($id: ID!, $input: MeetingActionInput!, $v: Int!) { addMeetingAction(meetingId: $id, input: $input, expectedVersion: $v) { version actions { id } } }`;
const HELD = `mutation($id: ID!, $v: Int!) { markMeetingHeld(id: $id, expectedVersion: $v) { version } }`;
const READ = `query($id: ID!, $purpose: Purpose!) { meeting(id: $id, purpose: $purpose) { ${MEETING_FIELDS} } }`;

describe('meetings read through the read shapes of their entities (ADR 031)', () => {
  let hub: TestHub;
  let worker: string;
  let probation: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    probation = await hub.token({ agency: 'probation', roles: ['PROBATION_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  /** Given: a held strategy discussion about a child, with an action now past its due date. */
  async function givenHeldMeetingWithLateAction() {
    const childId = await givenPerson(hub, worker);
    const scheduled = await hub.gql<{ scheduleMeeting: { id: string; version: number } }>(worker, SCHEDULE, {
      input: {
        type: 'STRATEGY_DISCUSSION',
        subjectPersonIds: [childId],
        scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
        chair: { sub: 'chair-example', name: 'Fictional Chair' },
      },
    });
    expect(scheduled.errors).toBeUndefined();
    const { id } = scheduled.data!.scheduleMeeting;
    // Time passes (tests cannot wait for the clock): the meeting is due, then held.
    await hub.db.query(`UPDATE meeting SET scheduled_at = '2025-12-22T10:00:00Z' WHERE id = $1`, [id]);
    const held = await hub.gql<{ markMeetingHeld: { version: number } }>(worker, HELD, {
      id,
      v: scheduled.data!.scheduleMeeting.version,
    });
    expect(held.errors).toBeUndefined();
    const action = await hub.gql<{ addMeetingAction: { version: number; actions: Array<{ id: string }> } }>(
      worker,
      ACTION,
      {
        id,
        input: { description: 'Fictional: arrange a medical', ownerName: 'Dr Example', dueOn: '2099-01-02' },
        v: held.data!.markMeetingHeld.version,
      },
    );
    expect(action.errors).toBeUndefined();
    // The action falls due.
    await hub.db.query(`UPDATE meeting_action SET due_date = '2026-01-05' WHERE meeting_id = $1`, [id]);
    return { id, childId, actionId: action.data!.addMeetingAction.actions[0]!.id };
  }

  it('given a held meeting with a late action, when its organiser reads every field, then each column and each computed field comes back', async () => {
    const { id, childId, actionId } = await givenHeldMeetingWithLateAction();

    const r = await hub.gql<{ meeting: Record<string, unknown> }>(worker, READ, { id, purpose: 'TRIAGE' });

    expect(r.errors).toBeUndefined();
    const { heldAt, missingAgencies, quorate, ...meeting } = r.data!.meeting;
    expect(meeting).toEqual({
      id,
      type: 'STRATEGY_DISCUSSION',
      referralId: null,
      scheduledAt: '2025-12-22T10:00:00.000Z',
      organisingAgency: 'social-care',
      chairName: 'Fictional Chair',
      status: 'HELD',
      outcome: null,
      outcomeRecordedAt: null,
      minutes: null,
      icpcDueAt: null,
      icpcOverdue: false,
      completedAt: null,
      cancelledReason: null,
      nonQuorateReason: null,
      version: 3,
      subjects: [{ id: childId }],
      actions: [
        {
          id: actionId,
          description: 'Fictional: arrange a medical',
          ownerAgency: null,
          ownerName: 'Dr Example',
          dueDate: '2026-01-05',
          dueOn: '2026-01-05',
          status: 'OPEN',
          overdue: true,
        },
      ],
    });
    expect(Number.isNaN(Date.parse(heldAt as string))).toBe(false);
    // Nobody's attendance is recorded: the required agencies are missing, so not quorate.
    expect(missingAgencies).toEqual(expect.arrayContaining(['police']));
    expect(quorate).toBe(false);
  });

  it('given the same meeting, when an agency that is not invited asks, then nothing of it is read: not found', async () => {
    const { id } = await givenHeldMeetingWithLateAction();

    const r = await hub.gql<{ meeting: unknown }>(probation, READ, { id, purpose: 'TRIAGE' });

    expect(r.data?.meeting ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
