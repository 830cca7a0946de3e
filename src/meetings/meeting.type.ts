import { LocalDateResolver } from 'graphql-scalars';
import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Filters, NonPersonal, Sensitive } from '../access-policy/decorators';
import { graphqlEnum } from '../shared/enums';
import {
  ACTION_STATUSES,
  ATTENDANCE_STATUSES,
  MEETING_OUTCOMES,
  MEETING_STATUSES,
  MEETING_TYPES,
  PARTICIPANT_ATTENDANCE,
  PARTICIPANT_ROLES,
} from './vocabulary';
import { PageInfo } from '../shared/page-info.type';

export const MeetingTypeEnum = graphqlEnum(MEETING_TYPES, 'MeetingType');
export const MeetingStatusEnum = graphqlEnum(MEETING_STATUSES, 'MeetingStatus');
export const AttendanceStatusEnum = graphqlEnum(ATTENDANCE_STATUSES, 'AttendanceStatus');
export const MeetingOutcomeEnum = graphqlEnum(MEETING_OUTCOMES, 'MeetingOutcome', 'Outcome of a strategy discussion');
export const MeetingActionStatusEnum = graphqlEnum(ACTION_STATUSES, 'MeetingActionStatus');
export const ParticipantRoleEnum = graphqlEnum(
  PARTICIPANT_ROLES,
  'MeetingParticipantRole',
  'A person invited who is not an agency: PARENT (or carer with parental responsibility), CHILD (the child or young person), ADVOCATE, CHAIR (or independent reviewing officer), EMPLOYER (at an allegations meeting)',
);
export const ParticipantAttendanceEnum = graphqlEnum(
  PARTICIPANT_ATTENDANCE,
  'MeetingParticipantAttendance',
  'SENT_VIEWS: did not attend but contributed their views; DID_NOT_ATTEND and DECLINED need the reason',
);

@ObjectType({
  description:
    'A person invited to a meeting who is not an agency (a parent, the child, an advocate, the chair, the employer)',
})
export class MeetingParticipant {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => ParticipantRoleEnum, { nullable: true }) role!: string;
  @Sensitive('IDENTITY')
  @Field(() => String, { nullable: true, description: 'What the MASH calls them (a name, or "Mother"): personal data' })
  displayLabel!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, {
    nullable: true,
    description: 'The child, for a CHILD participant (one of the meeting’s subjects)',
  })
  personId!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => ParticipantAttendanceEnum, { nullable: true }) attendance!: string;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => String, { nullable: true, description: 'Why they did not attend or declined' })
  reason!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the report was shared with them (the family only)',
  })
  reportSharedAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) recordedAt!: Date | null;
}

@InputType()
export class MeetingParticipantInput {
  @Field(() => ParticipantRoleEnum) role!: string;
  @Field(() => String, { description: 'What the MASH calls them (a name, or "Mother"); no contact details' })
  displayLabel!: string;
  @Field(() => ID, { nullable: true, description: 'Required for CHILD: one of the children the meeting is about' })
  personId?: string | null;
}

@InputType()
export class ParticipantAttendanceInput {
  @Field(() => ID) participantId!: string;
  @Field(() => ParticipantAttendanceEnum) status!: string;
  @Field(() => String, { nullable: true, description: 'Required for DID_NOT_ATTEND and DECLINED' }) reason?:
    | string
    | null;
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the report was shared with this family member (a parent or the child); left out keeps',
  })
  reportSharedAt?: Date | null;
}

@ObjectType({ description: 'An agency (optionally a named person) invited to a meeting, and its attendance' })
export class MeetingInvitee {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'Agency code' }) agency!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'The named professional, if any' })
  personName!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'Counts towards quorum' })
  required!: boolean;
  @Sensitive('CASE_METADATA') @Field(() => AttendanceStatusEnum, { nullable: true }) attendance!: string;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => String, { nullable: true, description: 'Why the agency did not attend' })
  reason!: string | null;
  @Sensitive('AGENCY_DETAIL')
  @Field(() => String, { nullable: true, description: "The agency's contribution (agency detail)" })
  contribution!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Who recorded the attendance (sub)' })
  recordedBy!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) recordedAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the agency’s report was recorded as submitted',
  })
  reportSubmittedAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When its report was recorded as shared with the family',
  })
  reportSharedWithFamilyAt!: Date | null;
}

@ObjectType({ description: 'A decision taken at a meeting' })
export class MeetingDecision {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) decision!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) decidedAt!: Date;
}

@ObjectType({ description: 'An action agreed at a meeting' })
export class MeetingAction {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) description!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'Owning agency code' }) ownerAgency!:
    | string
    | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'Named owner' }) ownerName!:
    | string
    | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, {
    nullable: true,
    description: 'YYYY-MM-DD',
    deprecationReason: 'Use dueOn, a LocalDate (ADR 021)',
  })
  dueDate!: string;
  @Sensitive('CASE_METADATA') @Field(() => LocalDateResolver, { nullable: true }) dueOn!: string;
  @Sensitive('CASE_METADATA') @Field(() => MeetingActionStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'Open and past its due date' })
  overdue!: boolean;
}

@ObjectType({
  description: 'A strategy discussion, conference or other multi-agency meeting, as far as you may see it',
})
export class Meeting {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => MeetingTypeEnum, { nullable: true }) type!: string;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) referralId!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) scheduledAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) organisingAgency!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) chairName!: string;
  @Sensitive('CASE_METADATA') @Field(() => MeetingStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA') @Field(() => MeetingOutcomeEnum, { nullable: true }) outcome!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) outcomeRecordedAt!: Date | null;
  @Sensitive('AGENCY_DETAIL')
  @Field(() => String, { nullable: true, description: 'Agency detail to anyone not invited' })
  minutes!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'Derived: every required agency attended' })
  quorate!: boolean;
  @Sensitive('CASE_METADATA')
  @Field(() => [String], { nullable: true, description: 'Required agencies that did not attend' })
  missingAgencies!: string[];
  @Sensitive('SHARED_SUMMARY')
  @Field(() => String, { nullable: true, description: 'Why a non-quorate meeting was completed' })
  nonQuorateReason!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, {
    nullable: true,
    description:
      'Initial child protection conference due (YYYY-MM-DD), 15 working days after an s47 strategy discussion',
  })
  icpcDueAt!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, {
    nullable: true,
    description: 'Conference due date passed without an initial conference held',
  })
  icpcOverdue!: boolean;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) heldAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) completedAt!: Date | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) cancelledReason!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: 'Send it back with every change' })
  version!: number;
}

@NonPersonal()
@ObjectType()
export class MeetingEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Meeting) node!: Meeting;
}

@NonPersonal()
@ObjectType({ description: 'Meetings ordered by scheduled time' })
export class MeetingConnection {
  @Field(() => [MeetingEdge]) edges!: MeetingEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@NonPersonal()
@ObjectType({ description: "One agency's attendance over a period: counts only" })
export class AgencyAttendance {
  @Field() agency!: string;
  @Field(() => Int, { description: 'Invitations to meetings held in the period' }) invited!: number;
  @Field(() => Int) attended!: number;
  @Field(() => Int) apologies!: number;
  @Field(() => Int) informationOnly!: number;
  @Field(() => Int) didNotAttend!: number;
  @Field(() => Int, { description: 'Invitations with no attendance recorded' }) notRecorded!: number;
  @Field(() => Float, { nullable: true, description: 'attended / invited; null when never invited' }) attendanceRate!:
    | number
    | null;
  @Field(() => Int, { description: 'Meetings that were not quorate because this required agency did not attend' })
  missedWhenRequired!: number;
  @Field(() => Int, { description: 'Invitations with a report submitted' }) reportsSubmitted!: number;
  @Field(() => Int, { description: 'Invitations whose report was shared with the family' })
  reportsSharedWithFamily!: number;
}

@NonPersonal()
@ObjectType({ description: 'Attendance at meetings held in a period, by agency (counts only, no case content)' })
export class AttendanceStatistics {
  @Field(() => GraphQLISODateTime) from!: Date;
  @Field(() => GraphQLISODateTime) to!: Date;
  @Field(() => MeetingTypeEnum, { nullable: true }) meetingType!: string | null;
  @Field(() => Int, { description: 'Meetings held (or completed) in the period' }) meetings!: number;
  @Field(() => Int) nonQuorateMeetings!: number;
  @Field(() => [AgencyAttendance]) byAgency!: AgencyAttendance[];
}

@InputType()
export class ChairInput {
  @Field() sub!: string;
  @Field() name!: string;
}

@InputType({ description: 'An agency to invite, optionally a named person; required defaults from the meeting type' })
export class MeetingInviteeInput {
  @Field() agency!: string;
  @Field(() => String, { nullable: true }) personSub?: string | null;
  @Field(() => String, { nullable: true }) personName?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Defaults to whether the agency is required for this meeting type',
  })
  required?: boolean | null;
}

@InputType()
export class ScheduleMeetingInput {
  @Field(() => MeetingTypeEnum) type!: string;
  @Field(() => ID, { nullable: true, description: "The referral; its subjects become the meeting's" }) referralId?:
    | string
    | null;
  @Field(() => [ID], { nullable: true, description: 'Children (and adults) concerned' }) subjectPersonIds?:
    | string[]
    | null;
  @Field(() => GraphQLISODateTime) scheduledAt!: Date;
  @Field(() => ChairInput, { nullable: true, description: 'Defaults to you' }) chair?: ChairInput | null;
  @Field(() => [MeetingInviteeInput], {
    nullable: true,
    description: 'Default required agencies of the type are added',
  })
  invitees?: MeetingInviteeInput[] | null;
}

@InputType()
export class AttendanceInput {
  @Field(() => ID) inviteeId!: string;
  @Field(() => AttendanceStatusEnum) status!: string;
  @Field(() => String, { nullable: true, description: 'Required for non-attendance: the reason' }) note?: string | null;
  @Field(() => String, { nullable: true, description: "The agency's contribution" }) contribution?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'The agency submitted a report to the meeting (false clears; left out keeps)',
  })
  reportSubmitted?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'The report was shared with the family (false clears; left out keeps)',
  })
  reportSharedWithFamily?: boolean | null;
}

@InputType()
export class MeetingOutcomeInput {
  @Field(() => MeetingOutcomeEnum, { nullable: true, description: 'Required for strategy discussions and meetings' })
  outcome?: string | null;
  @Field(() => [String], { nullable: true }) decisions?: string[] | null;
  @Field(() => String, { nullable: true }) minutes?: string | null;
}

@InputType()
export class MeetingActionInput {
  @Field() description!: string;
  @Field(() => String, { nullable: true, description: 'Owner agency code (or give a named owner)' }) ownerAgency?:
    | string
    | null;
  @Field(() => String, { nullable: true }) ownerSub?: string | null;
  @Field(() => String, { nullable: true }) ownerName?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'YYYY-MM-DD',
    deprecationReason: 'Use dueOn, a LocalDate (ADR 021)',
  })
  dueDate?: string | null;
  @Field(() => LocalDateResolver, {
    nullable: true,
    description: 'The due date (required: this or the deprecated dueDate)',
  })
  dueOn?: string | null;
}

@InputType()
export class MeetingFilterInput {
  @Filters('CASE_METADATA', 'Meeting.status, Meeting.scheduledAt')
  @Field(() => Boolean, { nullable: true, description: 'Scheduled and not yet due' })
  upcoming?: boolean | null;
  @Filters('CASE_METADATA', 'Meeting.referralId') @Field(() => ID, { nullable: true }) referralId?: string | null;
  @Filters('CASE_METADATA', 'Meeting.subjects') @Field(() => ID, { nullable: true }) personId?: string | null;
  @Filters('CASE_METADATA', 'MeetingInvitee.agency')
  @Field(() => String, { nullable: true, description: 'Agency code invited' })
  agency?: string | null;
  @Filters('CASE_METADATA', 'Meeting.icpcOverdue')
  @Field(() => Boolean, { nullable: true, description: 'Strategy discussions whose initial conference is overdue' })
  overdueConferences?: boolean | null;
  @Filters('CASE_METADATA', 'Meeting.type') @Field(() => [MeetingTypeEnum], { nullable: true }) type?: string[] | null;
}
