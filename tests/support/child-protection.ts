import type { TestHub } from './test-hub';

/** Given-steps of the child protection pathway (issue 24), through the API as a social care worker. */

const SCHEDULE = `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id version } }`;
const HELD = `mutation($id: ID!, $v: Int!) { markMeetingHeld(id: $id, expectedVersion: $v) { version } }`;
const OUTCOME = `mutation($id: ID!, $input: MeetingOutcomeInput!, $v: Int!) { recordMeetingOutcome(id: $id, input: $input, expectedVersion: $v) { version } }`;

export const CLOCK = `{ dueOn heldOn late }`;
export const ENQUIRY_FIELDS = `id personId lead status lastStrategyOn strategyDiscussions { meetingId heldOn outcome } conclusion concludedOn concludedByName
  initialConferenceClock ${CLOCK} initialConference { kind dueOn heldOn late decision category leadSocialWorker } planId version`;
export const PLAN_FIELDS = `id status startedOn category categoryHistory { category fromOn } leadSocialWorker sequence secondOrSubsequent previousPlanEndedOn
  withinTwoYearsOfPrevious endedOn endReason reviewConferences { dueOn heldOn late decision } coreGroups { heldOn }
  firstCoreGroupClock ${CLOCK} nextReviewClock ${CLOCK} version`;

export const START = `mutation($input: StartSection47EnquiryInput!) { startSection47Enquiry(input: $input) { ${ENQUIRY_FIELDS} } }`;
export const CONCLUDE = `mutation($id: ID!, $input: ConcludeSection47EnquiryInput!, $v: Int!) { concludeSection47Enquiry(enquiryId: $id, input: $input, expectedVersion: $v) { ${ENQUIRY_FIELDS} } }`;
export const ICPC = `mutation($id: ID!, $input: InitialConferenceInput!, $v: Int!) { recordInitialConference(enquiryId: $id, input: $input, expectedVersion: $v) { ${ENQUIRY_FIELDS} } }`;
export const READ_PLAN = `query($id: ID!, $purpose: Purpose!) { childProtectionPlan(id: $id, purpose: $purpose) { ${PLAN_FIELDS} } }`;

export type Clock = { dueOn: string; heldOn: string | null; late: boolean };
export type Enquiry = {
  id: string;
  lead: string;
  status: string;
  lastStrategyOn: string;
  strategyDiscussions: Array<{ meetingId: string; heldOn: string; outcome: string }>;
  conclusion: string | null;
  concludedOn: string | null;
  concludedByName: string | null;
  initialConferenceClock: Clock | null;
  initialConference: Record<string, unknown> | null;
  planId: string | null;
  version: number;
};
export type Plan = {
  id: string;
  status: string;
  startedOn: string;
  category: string;
  categoryHistory: Array<{ category: string; fromOn: string }>;
  sequence: number;
  secondOrSubsequent: boolean;
  previousPlanEndedOn: string | null;
  withinTwoYearsOfPrevious: boolean;
  endedOn: string | null;
  endReason: string | null;
  reviewConferences: Array<Clock & { decision: string }>;
  coreGroups: Array<{ heldOn: string }>;
  firstCoreGroupClock: Clock;
  nextReviewClock: Clock | null;
  version: number;
};

function ok<T>(r: { errors?: unknown; data?: T | null }, what: string): T {
  if (r.errors) throw new Error(`${what} failed: ${JSON.stringify(r.errors)}`);
  return r.data!;
}

export function childProtectionSteps(hub: TestHub, worker: string) {
  /** Given: a strategy discussion about the child, held on `on` (London date) with this outcome. */
  async function givenStrategyDiscussion(childId: string, on: string, outcome = 'SECTION_47_JOINT'): Promise<string> {
    const s = ok(
      await hub.gql<{ scheduleMeeting: { id: string; version: number } }>(worker, SCHEDULE, {
        input: {
          type: 'STRATEGY_DISCUSSION',
          subjectPersonIds: [childId],
          scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
        },
      }),
      'scheduleMeeting',
    ).scheduleMeeting;
    // Time passes (tests cannot wait for the clock): the discussion took place, then its date is set.
    await hub.db.query(`UPDATE meeting SET scheduled_at = now() - interval '1 day' WHERE id = $1`, [s.id]);
    const h = ok(
      await hub.gql<{ markMeetingHeld: { version: number } }>(worker, HELD, { id: s.id, v: s.version }),
      'markMeetingHeld',
    );
    ok(
      await hub.gql(worker, OUTCOME, { id: s.id, input: { outcome }, v: h.markMeetingHeld.version }),
      'recordMeetingOutcome',
    );
    await hub.db.query(`UPDATE meeting SET scheduled_at = $2 WHERE id = $1`, [s.id, `${on}T10:00:00Z`]);
    return s.id;
  }

  async function start(childId: string, meetingId: string, lead?: string): Promise<Enquiry> {
    const r = await hub.gql<{ startSection47Enquiry: Enquiry }>(worker, START, {
      input: { strategyMeetingId: meetingId, personId: childId, ...(lead ? { lead } : {}) },
    });
    return ok(r, 'startSection47Enquiry').startSection47Enquiry;
  }

  async function toConference(e: Enquiry, concludedOn: string): Promise<Enquiry> {
    const r = await hub.gql<{ concludeSection47Enquiry: Enquiry }>(worker, CONCLUDE, {
      id: e.id,
      input: { conclusion: 'SUBSTANTIATED_CONFERENCE', concludedOn },
      v: e.version,
    });
    return ok(r, 'concludeSection47Enquiry').concludeSection47Enquiry;
  }

  async function onPlan(e: Enquiry, heldOn: string, category = 'NEGLECT'): Promise<{ enquiry: Enquiry; plan: Plan }> {
    const r = await hub.gql<{ recordInitialConference: Enquiry }>(worker, ICPC, {
      id: e.id,
      input: { heldOn, decision: 'PLAN', category, leadSocialWorker: 'Fictional Lead' },
      v: e.version,
    });
    const enquiry = ok(r, 'recordInitialConference').recordInitialConference;
    const p = await hub.gql<{ childProtectionPlan: Plan }>(worker, READ_PLAN, {
      id: enquiry.planId,
      purpose: 'SECTION_47',
    });
    return { enquiry, plan: ok(p, 'childProtectionPlan').childProtectionPlan };
  }

  /** Given: the child on a plan, from a strategy discussion on `discussedOn` to an initial conference on `heldOn`. */
  async function givenPlan(childId: string, discussedOn: string, heldOn: string, category = 'NEGLECT') {
    const enquiry = await toConference(
      await start(childId, await givenStrategyDiscussion(childId, discussedOn)),
      discussedOn,
    );
    return onPlan(enquiry, heldOn, category);
  }

  return { givenStrategyDiscussion, start, toConference, onPlan, givenPlan };
}
