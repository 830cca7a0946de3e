import { givenPerson } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Issue 19 §5: whether "sent information only" counts towards quorum is a stated local rule
 * (MASH_MEETINGS_FILE `quorum.informationOnlyCounts`; shipped default false, which tests/meetings.test.ts
 * holds: education's information only leaves it missing). Here a partnership that counts it.
 */

const FIELDS = `id status version quorate missingAgencies invitees { id agency required attendance reportSubmittedAt reportSharedWithFamilyAt }`;
const STATS = `query($from: DateTimeISO!, $to: DateTimeISO!) { attendanceStatistics(from: $from, to: $to, meetingType: STRATEGY_DISCUSSION) {
  meetings nonQuorateMeetings byAgency { agency informationOnly missedWhenRequired reportsSubmitted reportsSharedWithFamily } } }`;
const SCHEDULE = `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { ${FIELDS} } }`;
const ATTEND = `mutation($id: ID!, $a: AttendanceInput!, $v: Int!) { recordAttendance(meetingId: $id, attendance: $a, expectedVersion: $v) { ${FIELDS} } }`;
const HELD = `mutation($id: ID!, $v: Int!) { markMeetingHeld(id: $id, expectedVersion: $v) { version } }`;
const OUTCOME = `mutation($id: ID!, $v: Int!) { recordMeetingOutcome(id: $id, input: { outcome: NO_FURTHER_ACTION, minutes: "Fictional minutes" }, expectedVersion: $v) { version } }`;
const COMPLETE = `mutation($id: ID!, $v: Int!) { completeMeeting(id: $id, expectedVersion: $v) { status quorate nonQuorateReason } }`;

type MeetingData = {
  id: string;
  version: number;
  quorate: boolean;
  missingAgencies: string[];
  invitees: Array<{
    id: string;
    agency: string;
    required: boolean;
    reportSubmittedAt: string | null;
    reportSharedWithFamilyAt: string | null;
  }>;
};

describe('a partnership whose quorum counts information sent', () => {
  let hub: TestHub;
  let worker: string;
  let police: string;
  let manager: string;

  beforeAll(async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mash-meetings-')), 'meetings.json');
    fs.writeFileSync(file, JSON.stringify({ quorum: { informationOnlyCounts: true } }));
    hub = await startTestHub({ MASH_MEETINGS_FILE: file });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
  });
  afterAll(() => hub.close());

  it('given police sent information only and social care and health attended, then the discussion is quorate and completes without a reason', async () => {
    const child = await givenPerson(hub, worker, { dateOfBirth: '2024-01-01' });
    const scheduled = await hub.gql<{ scheduleMeeting: MeetingData }>(worker, SCHEDULE, {
      input: {
        type: 'STRATEGY_DISCUSSION',
        subjectPersonIds: [child],
        scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(scheduled.errors).toBeUndefined();
    const m = scheduled.data!.scheduleMeeting;
    const invitee = (agency: string) => m.invitees.find((i) => i.agency === agency)!.id;
    expect(m.missingAgencies).toEqual(['health', 'police', 'social-care']);

    // A report shared but not submitted is refused, naming the field, and nothing changes.
    const contradictory = await hub.gql(police, ATTEND, {
      id: m.id,
      a: {
        inviteeId: invitee('police'),
        status: 'SENT_INFORMATION_ONLY',
        note: 'Fictional: officer at court',
        reportSubmitted: false,
        reportSharedWithFamily: true,
      },
      v: m.version,
    });
    expect(contradictory.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(contradictory.errors?.[0]?.message).toContain('reportSharedWithFamily');

    const info = await hub.gql<{ recordAttendance: MeetingData }>(police, ATTEND, {
      id: m.id,
      a: {
        inviteeId: invitee('police'),
        status: 'SENT_INFORMATION_ONLY',
        note: 'Fictional: officer at court',
        contribution: 'Fictional: two call-outs',
        reportSubmitted: true,
        reportSharedWithFamily: true,
      },
      v: m.version,
    });
    expect(info.errors).toBeUndefined();
    expect(info.data!.recordAttendance.version).toBe(m.version + 1);
    expect(info.data!.recordAttendance.missingAgencies).toEqual(['health', 'social-care']);
    const policeInvitee = info.data!.recordAttendance.invitees.find((i) => i.agency === 'police')!;
    expect(policeInvitee).toMatchObject({
      reportSubmittedAt: expect.any(String),
      reportSharedWithFamilyAt: expect.any(String),
    });

    const at = '2019-07-03T10:17:23.000Z';
    await hub.db.query(`UPDATE meeting SET scheduled_at = $2 WHERE id = $1`, [m.id, at]);
    const held = await hub.gql<{ markMeetingHeld: { version: number } }>(worker, HELD, {
      id: m.id,
      v: info.data!.recordAttendance.version,
    });
    expect(held.errors).toBeUndefined();
    let v = held.data!.markMeetingHeld.version;
    let last: MeetingData | undefined;
    for (const agency of ['social-care', 'health']) {
      const r = await hub.gql<{ recordAttendance: MeetingData }>(worker, ATTEND, {
        id: m.id,
        a: { inviteeId: invitee(agency), status: 'ATTENDED' },
        v,
      });
      expect(r.errors).toBeUndefined();
      last = r.data!.recordAttendance;
      v = last.version;
    }
    expect(last).toMatchObject({ quorate: true, missingAgencies: [] });
    const outcome = await hub.gql<{ recordMeetingOutcome: { version: number } }>(worker, OUTCOME, { id: m.id, v });
    expect(outcome.errors).toBeUndefined();
    v = outcome.data!.recordMeetingOutcome.version;
    const done = await hub.gql<{
      completeMeeting: { status: string; quorate: boolean; nonQuorateReason: string | null };
    }>(worker, COMPLETE, { id: m.id, v });
    expect(done.errors).toBeUndefined();
    expect(done.data!.completeMeeting).toEqual({ status: 'COMPLETED', quorate: true, nonQuorateReason: null });

    // The statistics count the report per invitation, and police's information only is not a miss here.
    const stats = await hub.gql<{
      attendanceStatistics: { meetings: number; nonQuorateMeetings: number; byAgency: Array<Record<string, unknown>> };
    }>(manager, STATS, {
      from: at,
      to: '2019-07-03T10:17:24.000Z',
    });
    expect(stats.errors).toBeUndefined();
    expect(stats.data!.attendanceStatistics).toMatchObject({ meetings: 1, nonQuorateMeetings: 0 });
    expect(stats.data!.attendanceStatistics.byAgency.find((a) => a.agency === 'police')).toEqual({
      agency: 'police',
      informationOnly: 1,
      missedWhenRequired: 0,
      reportsSubmitted: 1,
      reportsSharedWithFamily: 1,
    });
  });
});
