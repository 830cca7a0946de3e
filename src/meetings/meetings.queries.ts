import { z } from 'zod';
import { UNORDERED_KEY } from '../access-policy/filter-policy';
import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { badInput, notFound } from '../shared/errors';
import { checkConnectionFirst, decodeCursor, encodeCursor } from '../shared/pagination';
import { pageInfoOf } from '../shared/page-info.type';
import { assertUuid, parseInput, UUID_PATTERN } from '../shared/validation';
import { type MeetingFilter, type MeetingView } from './meetings.repository';
export { attendanceByAgency, type AgencyAttendance, type Queryable } from './meetings.repository';
import { MEETING_TYPES, type MeetingType } from './vocabulary';

const filterSchema = z.object({
  upcoming: z.boolean().nullish(),
  referralId: z.string().regex(UUID_PATTERN, 'is not a valid id').nullish(),
  personId: z.string().regex(UUID_PATTERN, 'is not a valid id').nullish(),
  agency: z.string().max(40).nullish(),
  overdueConferences: z.boolean().nullish(),
  type: z.array(z.enum(MEETING_TYPES)).max(MEETING_TYPES.length).nullish(),
});

export async function findMeeting(ctx: RequestContext, id: string): Promise<Guarded<MeetingView>> {
  assertUuid('id', id);
  const meeting = await ctx.data.meetings.findMeeting(id);
  if (!meeting) throw notFound('Meeting');
  return meeting;
}

/** A page of meetings in the viewer's scope: keyset on (scheduled time, id); `first` above the maximum is rejected. */
export async function listMeetings(ctx: RequestContext, raw: unknown, first: number | null, after: string | null) {
  const filter = parseInput(filterSchema, raw ?? {}, 'filter') as MeetingFilter;
  if (filter.agency && !ctx.hub.agencies.has(filter.agency))
    throw badInput('filter.agency', 'is not an agency of this partnership');
  const limit = checkConnectionFirst(first, ctx.hub.config.maxPageSize, 20);
  const cursor = decodeCursor(after, 2);
  if (
    cursor &&
    (typeof cursor[0] !== 'string' || Number.isNaN(Date.parse(cursor[0])) || typeof cursor[1] !== 'string')
  ) {
    throw badInput('after', 'is not a valid cursor');
  }
  if (cursor) assertUuid('after', cursor[1] as string);
  const { rows, hasNext, orderedByTime } = await ctx.data.meetings.list(
    filter,
    limit,
    cursor as [string, string] | null,
  );
  const edges = rows.map((node) => ({
    cursor: encodeCursor([orderedByTime ? node.scheduledAt.toISOString() : UNORDERED_KEY, node.id]),
    node,
  }));
  return { edges, pageInfo: pageInfoOf(edges, hasNext) };
}

const statsSchema = z
  .object({ from: z.date(), to: z.date(), meetingType: z.enum(MEETING_TYPES).nullish() })
  .refine((v) => v.from < v.to, { path: ['from'], message: 'must be before to' })
  .refine((v) => v.to.getTime() - v.from.getTime() <= 5 * 366 * 86_400_000, {
    path: ['to'],
    message: 'the period may be at most five years',
  });

/** Attendance by agency at meetings held (or completed) in a period: see `attendanceByAgency`. */
export async function attendanceStatistics(ctx: RequestContext, from: unknown, to: unknown, meetingType: unknown) {
  const input = parseInput(statsSchema, { from, to, meetingType }, 'input');
  const type = (input.meetingType ?? null) as MeetingType | null;
  return {
    from: input.from,
    to: input.to,
    meetingType: type,
    ...(await ctx.data.meetings.attendance(input.from, input.to, type)),
  };
}
