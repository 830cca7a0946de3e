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

const FIELDS = `id status version quorate missingAgencies invitees { id agency required attendance }`;
const SCHEDULE = `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { ${FIELDS} } }`;
const ATTEND = `mutation($id: ID!, $a: AttendanceInput!, $v: Int!) { recordAttendance(meetingId: $id, attendance: $a, expectedVersion: $v) { ${FIELDS} } }`;
const HELD = `mutation($id: ID!, $v: Int!) { markMeetingHeld(id: $id, expectedVersion: $v) { version } }`;
const OUTCOME = `mutation($id: ID!, $v: Int!) { recordMeetingOutcome(id: $id, input: { outcome: NO_FURTHER_ACTION, minutes: "Fictional minutes" }, expectedVersion: $v) { version } }`;
const COMPLETE = `mutation($id: ID!, $v: Int!) { completeMeeting(id: $id, expectedVersion: $v) { status quorate nonQuorateReason } }`;

type MeetingData = { id: string; version: number; quorate: boolean; missingAgencies: string[]; invitees: Array<{ id: string; agency: string; required: boolean }> };

describe('a partnership whose quorum counts information sent', () => {
  let hub: TestHub;
  let worker: string;
  let police: string;

  beforeAll(async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mash-meetings-')), 'meetings.json');
    fs.writeFileSync(file, JSON.stringify({ quorum: { informationOnlyCounts: true } }));
    hub = await startTestHub({ MASH_MEETINGS_FILE: file });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  it('given police sent information only and social care and health attended, then the discussion is quorate and completes without a reason', async () => {
    const child = await givenPerson(hub, worker, { dateOfBirth: '2024-01-01' });
    const scheduled = await hub.gql<{ scheduleMeeting: MeetingData }>(worker, SCHEDULE, {
      input: { type: 'STRATEGY_DISCUSSION', subjectPersonIds: [child], scheduledAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(scheduled.errors).toBeUndefined();
    const m = scheduled.data!.scheduleMeeting;
    const invitee = (agency: string) => m.invitees.find((i) => i.agency === agency)!.id;
    expect(m.missingAgencies).toEqual(['health', 'police', 'social-care']);

    const info = await hub.gql<{ recordAttendance: MeetingData }>(police, ATTEND, {
      id: m.id,
      a: { inviteeId: invitee('police'), status: 'SENT_INFORMATION_ONLY', note: 'Fictional: officer at court', contribution: 'Fictional: two call-outs' },
      v: m.version,
    });
    expect(info.errors).toBeUndefined();
    expect(info.data!.recordAttendance.missingAgencies).toEqual(['health', 'social-care']);

    await hub.db.query(`UPDATE meeting SET scheduled_at = now() - interval '1 hour' WHERE id = $1`, [m.id]);
    const held = await hub.gql<{ markMeetingHeld: { version: number } }>(worker, HELD, { id: m.id, v: info.data!.recordAttendance.version });
    expect(held.errors).toBeUndefined();
    let v = held.data!.markMeetingHeld.version;
    let last: MeetingData | undefined;
    for (const agency of ['social-care', 'health']) {
      const r = await hub.gql<{ recordAttendance: MeetingData }>(worker, ATTEND, { id: m.id, a: { inviteeId: invitee(agency), status: 'ATTENDED' }, v });
      expect(r.errors).toBeUndefined();
      last = r.data!.recordAttendance;
      v = last.version;
    }
    expect(last).toMatchObject({ quorate: true, missingAgencies: [] });
    const outcome = await hub.gql<{ recordMeetingOutcome: { version: number } }>(worker, OUTCOME, { id: m.id, v });
    expect(outcome.errors).toBeUndefined();
    v = outcome.data!.recordMeetingOutcome.version;
    const done = await hub.gql<{ completeMeeting: { status: string; quorate: boolean; nonQuorateReason: string | null } }>(worker, COMPLETE, { id: m.id, v });
    expect(done.errors).toBeUndefined();
    expect(done.data!.completeMeeting).toEqual({ status: 'COMPLETED', quorate: true, nonQuorateReason: null });
  });
});
