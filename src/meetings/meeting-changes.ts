import { Field, ID, InputType } from 'type-graphql';
import type { Guarded } from '../access-policy/request-access';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { filterMapAsync, forkForEvent, withEventContext } from '../context/event-context';
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
 */
export function meetingChanges(ctx: RequestContext, filter: MeetingChangeFilter | null, purpose: Purpose): AsyncIterableIterator<MeetingChange> {
  if (filter?.meetingId) assertUuid('filter.meetingId', filter.meetingId);
  if (filter?.referralId) assertUuid('filter.referralId', filter.referralId);
  const source = ctx.hub.events.stream('meeting');
  return filterMapAsync(source, async (event) => {
    const meetingId = event.payload.meetingId;
    if (typeof meetingId !== 'string') return undefined;
    if (filter?.meetingId && filter.meetingId !== meetingId) return undefined;
    const eventCtx = forkForEvent(ctx);
    eventCtx.access.declarePurpose(purpose);
    let meeting: Guarded<MeetingView> | null;
    try {
      meeting = await eventCtx.data.meetings.findMeeting(meetingId);
    } catch (e) {
      eventCtx.logger.warn({ err: { message: (e as Error).message } }, 'meeting change could not be read');
      return undefined;
    }
    if (!meeting) return undefined;
    if (filter?.referralId && meeting.referralId !== filter.referralId) return undefined;
    return withEventContext<MeetingChange>({ meeting }, eventCtx);
  });
}
