import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { NonPersonal, Sensitive } from '../access-policy/decorators';
import { CpCategoryEnum } from '../records/agency-record.type';
import { graphqlEnum } from '../shared/enums';
import {
  INITIAL_CONFERENCE_DECISIONS,
  PLAN_END_REASONS,
  PLAN_STATUSES,
  REVIEW_CONFERENCE_DECISIONS,
  S47_CONCLUSIONS,
  S47_LEADS,
  S47_STATUSES,
} from './vocabulary';

export const S47LeadEnum = graphqlEnum(S47_LEADS, 'Section47Lead', 'Social care alone, or jointly with the police');
export const S47StatusEnum = graphqlEnum(S47_STATUSES, 'Section47Status');
export const S47ConclusionEnum = graphqlEnum(S47_CONCLUSIONS, 'Section47Conclusion');
export const PlanStatusEnum = graphqlEnum(PLAN_STATUSES, 'ChildProtectionPlanStatus');
export const PlanEndReasonEnum = graphqlEnum(PLAN_END_REASONS, 'ChildProtectionPlanEndReason');
export const InitialDecisionEnum = graphqlEnum(INITIAL_CONFERENCE_DECISIONS, 'InitialConferenceDecision');
export const ReviewDecisionEnum = graphqlEnum(REVIEW_CONFERENCE_DECISIONS, 'ReviewConferenceDecision');

@NonPersonal()
@ObjectType({
  description: 'A timeliness clock: due, held (if it was) and late (held after the due date, or not held and past it)',
})
export class TimelinessClock {
  @Field(() => String, { description: 'YYYY-MM-DD' }) dueOn!: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) heldOn!: string | null;
  @Field(() => Boolean) late!: boolean;
}

@ObjectType({ description: 'A strategy discussion that started or continued a section 47 enquiry' })
export class Section47StrategyDiscussion {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) meetingId!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) heldOn!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) outcome!: string;
}

@ObjectType({ description: "A child protection conference's outcome for one child" })
export class ChildProtectionConference {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'INITIAL or REVIEW' }) kind!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: 'The meeting record (attendance, quorum), if linked' })
  meetingId!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) dueOn!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) heldOn!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'Held after its due date' })
  late!: boolean;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => String, { nullable: true, description: 'PLAN / NO_PLAN (initial); CONTINUE_PLAN / END_PLAN (review)' })
  decision!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => CpCategoryEnum, { nullable: true }) category!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) leadSocialWorker!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) recordedByName!: string;
}

@ObjectType({ description: "A child's section 47 enquiry, as far as you may see it" })
export class Section47Enquiry {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) personId!: string;
  @Sensitive('CASE_METADATA') @Field(() => S47LeadEnum, { nullable: true }) lead!: string;
  @Sensitive('CASE_METADATA') @Field(() => S47StatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) startedAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) startedByName!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'The last strategy discussion that started it (YYYY-MM-DD)' })
  lastStrategyOn!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => [Section47StrategyDiscussion], { nullable: true })
  strategyDiscussions!: unknown[];
  @Sensitive('SHARED_SUMMARY') @Field(() => S47ConclusionEnum, { nullable: true }) conclusion!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) concludedOn!:
    | string
    | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) concludedByName!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => TimelinessClock, {
    nullable: true,
    description:
      'Initial conference: 15 working days after the last strategy discussion; null when the enquiry closed without one',
  })
  initialConferenceClock!: unknown;
  @Sensitive('CASE_METADATA') @Field(() => ChildProtectionConference, { nullable: true }) initialConference!: unknown;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: 'The plan the initial conference started, if any' })
  planId!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: 'Send it back with every change' })
  version!: number;
}

@ObjectType({ description: 'A period of a plan under one category' })
export class ChildProtectionCategoryPeriod {
  @Sensitive('SHARED_SUMMARY') @Field(() => CpCategoryEnum, { nullable: true }) category!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) fromOn!: string;
}

@ObjectType({ description: 'A core group meeting held under a plan' })
export class CoreGroupMeeting {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) meetingId!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) heldOn!: string;
}

@ObjectType({ description: "A child's child protection plan, as far as you may see it" })
export class ChildProtectionPlan {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) personId!: string;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) enquiryId!: string;
  @Sensitive('CASE_METADATA') @Field(() => PlanStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'The initial conference (YYYY-MM-DD)' })
  startedOn!: string;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => CpCategoryEnum, { nullable: true, description: 'The current category' })
  category!: string;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => [ChildProtectionCategoryPeriod], { nullable: true })
  categoryHistory!: unknown[];
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) leadSocialWorker!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: "1 for the child's first plan, 2 for the second …" })
  sequence!: number;
  @Sensitive('CASE_METADATA') @Field(() => Boolean, { nullable: true }) secondOrSubsequent!: boolean;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) previousPlanEndedOn!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: "Started within two years of the previous plan's end" })
  withinTwoYearsOfPrevious!: boolean;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) endedOn!:
    | string
    | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => PlanEndReasonEnum, { nullable: true }) endReason!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => [ChildProtectionConference], { nullable: true })
  reviewConferences!: unknown[];
  @Sensitive('CASE_METADATA') @Field(() => [CoreGroupMeeting], { nullable: true }) coreGroups!: unknown[];
  @Sensitive('CASE_METADATA')
  @Field(() => TimelinessClock, {
    nullable: true,
    description: 'First core group: 10 working days after the initial conference',
  })
  firstCoreGroupClock!: unknown;
  @Sensitive('CASE_METADATA')
  @Field(() => TimelinessClock, {
    nullable: true,
    description: 'Next review conference: 3 months after the initial, then 6 after the last review; null once ended',
  })
  nextReviewClock!: unknown;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: 'Send it back with every change' })
  version!: number;
}

@InputType()
export class StartSection47EnquiryInput {
  @Field(() => ID, { description: 'The strategy discussion that decided on the enquiry (or on emergency protection)' })
  strategyMeetingId!: string;
  @Field(() => ID) personId!: string;
  @Field(() => S47LeadEnum, { nullable: true, description: 'Follows the outcome; required after emergency protection' })
  lead?: string | null;
}

@InputType()
export class ConcludeSection47EnquiryInput {
  @Field(() => S47ConclusionEnum) conclusion!: string;
  @Field(() => String, { description: 'YYYY-MM-DD' }) concludedOn!: string;
}

@InputType()
export class InitialConferenceInput {
  @Field(() => String, { description: 'YYYY-MM-DD' }) heldOn!: string;
  @Field(() => ID, { nullable: true, description: 'The conference meeting record, for attendance and quorum' })
  meetingId?: string | null;
  @Field(() => InitialDecisionEnum) decision!: string;
  @Field(() => CpCategoryEnum, { nullable: true }) category?: string | null;
  @Field(() => String, { nullable: true }) leadSocialWorker?: string | null;
}

@InputType()
export class ReviewConferenceInput {
  @Field(() => String, { description: 'YYYY-MM-DD' }) heldOn!: string;
  @Field(() => ID, { nullable: true }) meetingId?: string | null;
  @Field(() => ReviewDecisionEnum) decision!: string;
  @Field(() => PlanEndReasonEnum, { nullable: true, description: 'When ending the plan (default NO_LONGER_AT_RISK)' })
  endReason?: string | null;
}

@InputType()
export class PlanCategoryInput {
  @Field(() => CpCategoryEnum) category!: string;
  @Field(() => String, { description: 'YYYY-MM-DD' }) fromOn!: string;
}

@InputType()
export class CoreGroupInput {
  @Field(() => String, { description: 'YYYY-MM-DD' }) heldOn!: string;
  @Field(() => ID, { nullable: true }) meetingId?: string | null;
}

@InputType()
export class EndPlanInput {
  @Field(() => String, { description: 'YYYY-MM-DD' }) endedOn!: string;
  @Field(() => PlanEndReasonEnum) reason!: string;
}

@NonPersonal()
@ObjectType({
  description: 'Another partnership on this hub holding the child flagged: who to call, and nothing more (ADR 028)',
})
export class FlagHolder {
  @Field(() => String, { description: 'The partnership holding the child' }) partnership!: string;
  @Field(() => String, { nullable: true, description: "That partnership's out-of-hours contact" })
  outOfHoursContact!: string | null;
}

@ObjectType({
  description:
    'Child protection flags for out-of-hours and unscheduled care (CP-IS style): flags only, never the category or any record. An unknown child and a child with no flag look alike',
})
export class ChildProtectionFlags {
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'On a child protection plan now' })
  onPlan!: boolean;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Since (YYYY-MM-DD); the category is withheld' })
  onPlanSince!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => Boolean, { nullable: true }) lookedAfter!: boolean;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'An unborn child with a pre-birth child protection plan' })
  unbornWithPrebirthPlan!: boolean;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'A referral about the child is open in the MASH now' })
  openToMash!: boolean;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'The responsible social care team, when flagged' })
  responsibleTeam!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: "The responsible team's out-of-hours contact, when flagged" })
  outOfHoursContact!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => [FlagHolder], {
    nullable: true,
    description:
      'Other partnerships on this hub holding the child flagged ("held by partnership X, contact Y"); empty when none, unknown or unflagged alike',
  })
  heldElsewhere!: FlagHolder[];
}
