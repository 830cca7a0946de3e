import { z } from 'zod';
import { UNORDERED_KEY } from '../access-policy/filter-policy';
import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { badInput, notFound } from '../shared/errors';
import { checkPageSize, decodeCursor, encodeCursor } from '../shared/pagination';
import { assertUuid, parseInput, UUID_PATTERN } from '../shared/validation';
import { type MeetingFilter, type MeetingView } from './meetings.repository';
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
  if (filter.agency && !ctx.hub.agencies.has(filter.agency)) throw badInput('filter.agency', 'is not an agency of this partnership');
  const limit = checkPageSize(first, ctx.hub.config.maxPageSize, 20);
  const cursor = decodeCursor(after, 2);
  if (cursor && (typeof cursor[0] !== 'string' || Number.isNaN(Date.parse(cursor[0])) || typeof cursor[1] !== 'string')) {
    throw badInput('after', 'is not a valid cursor');
  }
  if (cursor) assertUuid('after', cursor[1] as string);
  const { rows, hasNext, orderedByTime } = await ctx.data.meetings.list(filter, limit, cursor as [string, string] | null);
  const edges = rows.map((node) => ({ cursor: encodeCursor([orderedByTime ? node.scheduledAt.toISOString() : UNORDERED_KEY, node.id]), node }));
  return { edges, pageInfo: { hasNextPage: hasNext, endCursor: edges.at(-1)?.cursor ?? null } };
}

const statsSchema = z
  .object({ from: z.date(), to: z.date(), meetingType: z.enum(MEETING_TYPES).nullish() })
  .refine((v) => v.from < v.to, { path: ['from'], message: 'must be before to' })
  .refine((v) => v.to.getTime() - v.from.getTime() <= 5 * 366 * 86_400_000, { path: ['to'], message: 'the period may be at most five years' });

/** Anything that runs SQL: the data source, or an entity manager inside a transaction (governance metrics). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface AgencyAttendance {
  agency: string;
  invited: number;
  attended: number;
  apologies: number;
  informationOnly: number;
  didNotAttend: number;
  notRecorded: number;
  attendanceRate: number | null;
  missedWhenRequired: number;
}

/**
 * The definition of attendance, written once for `attendanceStatistics` and the governance metrics
 * (src/metrics): meetings HELD or COMPLETED whose scheduled time is in [from, to), optionally of one
 * type; invitees by agency and their recorded attendance. A meeting counts as not quorate when some
 * required agency did not attend. Counts only, never case content.
 */
export async function attendanceByAgency(
  db: Queryable,
  from: Date,
  to: Date,
  type: MeetingType | null,
): Promise<{ meetings: number; nonQuorateMeetings: number; byAgency: AgencyAttendance[] }> {
  const params = [from, to, type];
  const scope = `m.status IN ('HELD','COMPLETED') AND m.scheduled_at >= $1 AND m.scheduled_at < $2 AND ($3::text IS NULL OR m.type = $3)`;
  const missed = `(i.required AND NOT EXISTS (SELECT 1 FROM meeting_invitee a WHERE a.meeting_id = m.id AND a.agency = i.agency AND a.attendance = 'ATTENDED'))`;
  const byAgency = (await db.query(
    `SELECT i.agency,
            count(*)::int AS invited,
            count(*) FILTER (WHERE i.attendance = 'ATTENDED')::int AS attended,
            count(*) FILTER (WHERE i.attendance = 'SENT_APOLOGIES')::int AS apologies,
            count(*) FILTER (WHERE i.attendance = 'SENT_INFORMATION_ONLY')::int AS information_only,
            count(*) FILTER (WHERE i.attendance = 'DID_NOT_ATTEND')::int AS did_not_attend,
            count(*) FILTER (WHERE i.attendance = 'INVITED')::int AS not_recorded,
            count(DISTINCT m.id) FILTER (WHERE ${missed})::int AS missed_when_required
       FROM meeting m JOIN meeting_invitee i ON i.meeting_id = m.id
      WHERE ${scope}
      GROUP BY i.agency ORDER BY i.agency`,
    params,
  )) as Array<Record<string, number> & { agency: string }>;
  const [totals] = (await db.query(
    `SELECT count(*)::int AS meetings,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM meeting_invitee i WHERE i.meeting_id = m.id AND ${missed}))::int AS non_quorate
       FROM meeting m WHERE ${scope}`,
    params,
  )) as Array<{ meetings: number; non_quorate: number }>;
  return {
    meetings: totals!.meetings,
    nonQuorateMeetings: totals!.non_quorate,
    byAgency: byAgency.map((r) => ({
      agency: r.agency,
      invited: r.invited,
      attended: r.attended,
      apologies: r.apologies,
      informationOnly: r.information_only,
      didNotAttend: r.did_not_attend,
      notRecorded: r.not_recorded,
      attendanceRate: r.invited > 0 ? Math.round((r.attended / r.invited) * 1000) / 1000 : null,
      missedWhenRequired: r.missed_when_required,
    })),
  };
}

/** Attendance by agency at meetings held (or completed) in a period: see `attendanceByAgency`. */
export async function attendanceStatistics(ctx: RequestContext, from: unknown, to: unknown, meetingType: unknown) {
  const input = parseInput(statsSchema, { from, to, meetingType }, 'input');
  const type = (input.meetingType ?? null) as MeetingType | null;
  return { from: input.from, to: input.to, meetingType: type, ...(await attendanceByAgency(ctx.hub.dataSource, input.from, input.to, type)) };
}
