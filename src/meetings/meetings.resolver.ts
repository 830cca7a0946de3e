import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { Sensitive } from '../access-policy/decorators';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { PurposeEnum } from '../access-policy/enums';
import { Person } from '../people/person.type';
import { notFound } from '../shared/errors';
import {
  AttendanceInput,
  AttendanceStatistics,
  Meeting,
  MeetingAction,
  MeetingActionInput,
  MeetingConnection,
  MeetingDecision,
  MeetingFilterInput,
  MeetingInvitee,
  MeetingOutcomeInput,
  MeetingParticipant,
  MeetingParticipantInput,
  MeetingTypeEnum,
  ParticipantAttendanceInput,
  ScheduleMeetingInput,
} from './meeting.type';
import { MeetingChangeFilter, meetingChanges, type MeetingChange } from './meeting-changes';
import { attendanceStatistics, findMeeting, listMeetings } from './meetings.queries';
import { type MeetingView } from './meetings.repository';
import * as service from './meetings.service';

/** Thin adapters: rules live in meetings.service.ts and the access policy. */
@Resolver(() => Meeting)
export class MeetingsResolver {
  @Query(() => Meeting, {
    nullable: true,
    description: 'A meeting your agency is invited to or otherwise legitimately related to',
  })
  meeting(
    @Arg('id', () => ID) id: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return findMeeting(ctx, id);
  }

  @Query(() => MeetingConnection, { description: 'Meetings in your scope, ordered by scheduled time' })
  meetings(
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Arg('filter', () => MeetingFilterInput, { nullable: true }) filter: MeetingFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return listMeetings(ctx, filter, first, after);
  }

  @Query(() => AttendanceStatistics, { description: 'Attendance by agency at meetings held in a period (counts only)' })
  attendanceStatistics(
    @Arg('from', () => GraphQLISODateTime) from: Date,
    @Arg('to', () => GraphQLISODateTime) to: Date,
    @Arg('meetingType', () => MeetingTypeEnum, { nullable: true }) meetingType: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return attendanceStatistics(ctx, from, to, meetingType);
  }

  @Subscription(() => Meeting, {
    nullable: true,
    description: 'Each change to a meeting you may see, read through your own scope when it happens (over graphql-ws)',
    subscribe: ({
      args,
      context,
    }: SubscribeResolverData<
      unknown,
      { filter?: MeetingChangeFilter | null; purpose: Purpose; since?: Date | null },
      RequestContext
    >) => {
      context.access.declarePurpose(args.purpose);
      return meetingChanges(context, args.filter ?? null, args.purpose, args.since ?? null);
    },
  })
  meetingChanged(
    @Root() change: MeetingChange,
    @Arg('purpose', () => PurposeEnum) _purpose: Purpose,
    @Arg('filter', () => MeetingChangeFilter, { nullable: true }) _filter: MeetingChangeFilter | null,
    @Arg('since', () => GraphQLISODateTime, {
      nullable: true,
      description:
        'Resuming after a lost connection: first replay the meetings changed since this time (when you were last connected; at most 24 hours ago and 500 changes). ' +
        'Replayed from a minute earlier, so a change may arrive twice: keep the higher version',
    })
    _since: Date | null,
  ) {
    return change.meeting;
  }

  @Mutation(() => Meeting, { description: 'Schedule a meeting; the default required agencies of its type are invited' })
  async scheduleMeeting(
    @Arg('input', () => ScheduleMeetingInput) input: ScheduleMeetingInput,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.scheduleMeeting(ctx, input));
  }

  @Mutation(() => Meeting, { description: "Record an invitee's attendance (a reason is required for non-attendance)" })
  async recordAttendance(
    @Arg('meetingId', () => ID) meetingId: string,
    @Arg('attendance', () => AttendanceInput) attendance: AttendanceInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.recordAttendance(ctx, meetingId, attendance, expectedVersion));
  }

  @Mutation(() => Meeting, {
    description:
      'Invite a person who is not an agency: a parent, the child (one of the meeting’s children), an advocate, the chair, the employer',
  })
  async inviteMeetingParticipant(
    @Arg('meetingId', () => ID) meetingId: string,
    @Arg('input', () => MeetingParticipantInput) input: MeetingParticipantInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.inviteMeetingParticipant(ctx, meetingId, input, expectedVersion));
  }

  @Mutation(() => Meeting, {
    description:
      "A participant's attendance (with the reason when they did not attend or declined) and when the report was shared with a family member",
  })
  async recordParticipantAttendance(
    @Arg('meetingId', () => ID) meetingId: string,
    @Arg('input', () => ParticipantAttendanceInput) input: ParticipantAttendanceInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.recordParticipantAttendance(ctx, meetingId, input, expectedVersion));
  }

  @Mutation(() => Meeting, { description: 'The meeting took place (not before its scheduled time)' })
  async markMeetingHeld(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.markMeetingHeld(ctx, id, expectedVersion));
  }

  @Mutation(() => Meeting, { description: 'Outcome, decisions and minutes of a held meeting' })
  async recordMeetingOutcome(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => MeetingOutcomeInput) input: MeetingOutcomeInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.recordMeetingOutcome(ctx, id, input, expectedVersion));
  }

  @Mutation(() => Meeting, { description: 'An action with an owner (agency or person) and a due date' })
  async addMeetingAction(
    @Arg('meetingId', () => ID) meetingId: string,
    @Arg('input', () => MeetingActionInput) input: MeetingActionInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.addMeetingAction(ctx, meetingId, input, expectedVersion));
  }

  @Mutation(() => Meeting, { description: 'Complete a held meeting; a non-quorate meeting needs a reason' })
  async completeMeeting(
    @Arg('id', () => ID) id: string,
    @Arg('nonQuorateReason', () => String, { nullable: true }) nonQuorateReason: string | null,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.completeMeeting(ctx, id, nonQuorateReason, expectedVersion));
  }

  @Mutation(() => Meeting)
  async cancelMeeting(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.cancelMeeting(ctx, id, reason, expectedVersion));
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [Person], {
    nullable: true,
    description: 'The children (and adults) concerned, as far as you may reach them',
  })
  async subjects(@Root() meeting: MeetingView, @Ctx() ctx: RequestContext) {
    const people = await Promise.all(meeting.subjectPersonIds.map((id) => ctx.data.people.findPerson(id)));
    return people.filter((p) => p !== null);
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [MeetingInvitee], { nullable: true })
  invitees(@Root() meeting: MeetingView, @Ctx() ctx: RequestContext) {
    return ctx.data.meetings.inviteesOf(meeting.id);
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [MeetingParticipant], {
    nullable: true,
    description: 'People invited who are not agencies: the family, an advocate, the chair, the employer',
  })
  participants(@Root() meeting: MeetingView, @Ctx() ctx: RequestContext) {
    return ctx.data.meetings.participantsOf(meeting.id);
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [MeetingDecision], { nullable: true })
  decisions(@Root() meeting: MeetingView, @Ctx() ctx: RequestContext) {
    return ctx.data.meetings.decisionsOf(meeting.id);
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [MeetingAction], { nullable: true })
  actions(@Root() meeting: MeetingView, @Ctx() ctx: RequestContext) {
    return ctx.data.meetings.actionsOf(meeting.id);
  }
}

/** After a change, the meeting as the viewer may now see it. */
async function reread(ctx: RequestContext, id: string) {
  const m = await ctx.data.meetings.reload(id);
  if (!m) throw notFound('Meeting');
  return m;
}
