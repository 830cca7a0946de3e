import { Field, ID, InputType } from 'type-graphql';
import type { Guarded } from '../access-policy/request-access';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { resumableChangeStream, type ChangeStreamSpec } from '../context/event-context';
import { assertUuid } from '../shared/validation';
import { type MeetingView } from './meetings.repository';

@InputType({ description: 'Which meeting changes to receive; absent fields match everything' })
export class MeetingChangeFilter {
  @Field(() => ID, { nullable: true }) meetingId?: string | null;
  @Field(() => ID, { nullable: true }) referralId?: string | null;
}

export interface MeetingChange {
  meeting: Guarded<MeetingView>;
}

/**
 * The `meetingChanged` source stream, like `referralChanged`: events carry ids only and each is
 * re-read through the subscriber's own scope in a fresh per-event context, so a subscriber with no
 * relationship to the meeting learns nothing. `referralId` is CASE_METADATA, readable by anyone in scope.
 * With `since`, the meetings in scope changed meanwhile are replayed first (ADR 022).
 */
export function meetingChanges(
  ctx: RequestContext,
  filter: MeetingChangeFilter | null,
  purpose: Purpose,
  since: Date | null = null,
): AsyncIterableIterator<MeetingChange> | Promise<AsyncIterableIterator<MeetingChange>> {
  if (filter?.meetingId) assertUuid('filter.meetingId', filter.meetingId);
  if (filter?.referralId) assertUuid('filter.referralId', filter.referralId);
  const spec: ChangeStreamSpec<Guarded<MeetingView>, MeetingChange> = {
    topic: 'meeting',
    idOf: ({ meetingId }) =>
      typeof meetingId === 'string' && (!filter?.meetingId || filter.meetingId === meetingId) ? meetingId : undefined,
    purpose,
    read: (eventCtx, id) => eventCtx.data.meetings.findMeeting(id),
    keep: (_eventCtx, meeting) => !filter?.referralId || meeting.referralId === filter.referralId,
    wrap: (meeting): MeetingChange => ({ meeting }),
    what: 'meeting change',
  };
  return resumableChangeStream(
    ctx,
    spec,
    since,
    (from, limit) => ctx.data.meetings.changedSince(from, filter?.meetingId ?? null, filter?.referralId ?? null, limit),
    'your meetings',
  );
}
