import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Filters, NonPersonal, Sensitive } from '../access-policy/decorators';
import { graphqlEnum } from '../shared/enums';
import { MISSING_EPISODE_STATUSES, MISSING_FROM, RETURN_INTERVIEW_OUTCOMES } from './vocabulary';
import { PageInfo } from '../shared/page-info.type';

export const MissingFromEnum = graphqlEnum(MISSING_FROM, 'MissingFrom', 'Where the child went missing from');
export const MissingEpisodeStatusEnum = graphqlEnum(MISSING_EPISODE_STATUSES, 'MissingEpisodeStatus');
export const ReturnInterviewOutcomeEnum = graphqlEnum(RETURN_INTERVIEW_OUTCOMES, 'ReturnInterviewOutcome');

/**
 * A missing episode and its return home interview (ADR 018). The row scope is the need-to-know (social
 * care MASH staff, the recording agency, agencies with a check on or invited to a strategy discussion
 * about the child); within it the facts and times are case metadata, and the circumstances are the
 * recording agency's detail.
 */
@ObjectType({
  description: 'A missing episode of a child and its return home interview (offered within 72 hours of the return)',
})
export class MissingEpisode {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) personId!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Agency code of the agency that recorded it' })
  recordingAgency!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) recordedByName!: string;
  @Sensitive('CASE_METADATA') @Field(() => MissingFromEnum, { nullable: true }) missingFrom!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) startedAt!: Date;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Found or returned; null while missing' })
  returnedAt!: Date | null;
  @Sensitive('AGENCY_DETAIL')
  @Field(() => String, { nullable: true, description: "The recording agency's account (agency detail)" })
  circumstances!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => MissingEpisodeStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'The return plus 72 hours (clock time): the interview is offered by then',
  })
  interviewDueAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) interviewOfferedAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Who offered it (social care MASH)' })
  interviewOfferedByName!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'Offered by the due time (null until offered)' })
  interviewOfferedWithinTimescale!: boolean | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'Returned, not offered, and past the due time' })
  interviewOverdue!: boolean;
  @Sensitive('CASE_METADATA') @Field(() => ReturnInterviewOutcomeEnum, { nullable: true }) interviewOutcome!:
    | string
    | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was held or declined' })
  interviewOutcomeAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, {
    nullable: true,
    description: 'Who conducted it (or whose offer was declined): a name or service',
  })
  interviewConductedBy!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: 'The exploitation flag this episode is linked to, if any' })
  exploitationFlagId!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: 'Send it back with every change' })
  version!: number;
}

@NonPersonal()
@ObjectType()
export class MissingEpisodeEdge {
  @Field(() => String) cursor!: string;
  @Field(() => MissingEpisode) node!: MissingEpisode;
}

@NonPersonal()
@ObjectType({ description: 'Missing episodes in your scope, oldest start first' })
export class MissingEpisodeConnection {
  @Field(() => [MissingEpisodeEdge]) edges!: MissingEpisodeEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@InputType()
export class RecordMissingEpisodeInput {
  @Field(() => ID) personId!: string;
  @Field(() => MissingFromEnum) missingFrom!: string;
  @Field(() => GraphQLISODateTime) startedAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'If already found or returned' })
  returnedAt?: Date | null;
  @Field(() => String, { nullable: true, description: "Your agency's account (agency detail)" }) circumstances?:
    | string
    | null;
  @Field(() => ID, {
    nullable: true,
    description: 'An exploitation flag on the same child that this episode is linked to',
  })
  exploitationFlagId?: string | null;
}

@InputType()
export class ReturnInterviewInput {
  @Field(() => ReturnInterviewOutcomeEnum) outcome!: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was held or declined' }) at!: Date;
  @Field(() => String, { description: 'Who conducted it (or whose offer was declined): a name or service' })
  conductedBy!: string;
}

@InputType()
export class MissingEpisodeFilterInput {
  @Filters('CASE_METADATA', 'MissingEpisode.personId') @Field(() => ID, { nullable: true }) personId?: string | null;
  @Filters('CASE_METADATA', 'MissingEpisode.status')
  @Field(() => [MissingEpisodeStatusEnum], { nullable: true })
  status?: string[] | null;
  @Filters('CASE_METADATA', 'MissingEpisode.interviewOverdue')
  @Field(() => Boolean, { nullable: true, description: 'Returned, no interview offered, past the 72 hours' })
  interviewOverdue?: boolean | null;
}
