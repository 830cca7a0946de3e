import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Filters, NonPersonal, Sensitive } from '../access-policy/decorators';
import { graphqlEnum } from '../shared/enums';
import { EARLY_HELP_OUTCOMES, EARLY_HELP_SOURCES, EARLY_HELP_STATUSES, STEP_DIRECTIONS } from './vocabulary';
import { PageInfo } from '../shared/page-info.type';

export const EarlyHelpStatusEnum = graphqlEnum(EARLY_HELP_STATUSES, 'EarlyHelpStatus');
export const EarlyHelpSourceEnum = graphqlEnum(EARLY_HELP_SOURCES, 'EarlyHelpSource', 'How the episode began');
export const EarlyHelpOutcomeEnum = graphqlEnum(EARLY_HELP_OUTCOMES, 'EarlyHelpOutcome');
export const StepDirectionEnum = graphqlEnum(
  STEP_DIRECTIONS,
  'StepDirection',
  'STEP_UP: early help to social care; STEP_DOWN: social care to early help',
);

@ObjectType({ description: 'A step-up or step-down, with who agreed it and why' })
export class StepTransition {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => StepDirectionEnum, { nullable: true }) direction!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) occurredAt!: Date;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'The MASH manager who agreed it' })
  agreedByName!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Who it was agreed with on the other side' })
  agreedWith!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) reason!: string;
}

/**
 * An early-help episode (ADR 018): visible at triage to social care MASH staff and to agencies working
 * the child's referral; the lead professional's agency sees its case metadata. The reasons of step
 * transitions are shared summaries.
 */
@ObjectType({
  description:
    "A child's early-help episode: lead professional, assessment, team around the family, outcome or step-up",
})
export class EarlyHelpEpisode {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) personId!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: 'The referral whose EARLY_HELP decision opened it' })
  referralId!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => EarlyHelpSourceEnum, { nullable: true }) source!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) owningAgency!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) openedAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) openedByName!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) leadProfessionalName!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Agency code' })
  leadProfessionalAgency!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) assessmentCompletedAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Team around the family since' })
  teamAroundFamilyFrom!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => EarlyHelpStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA') @Field(() => EarlyHelpOutcomeEnum, { nullable: true }) outcome!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Closed or stepped up' })
  closedAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: 'Send it back with every change' })
  version!: number;
}

@NonPersonal()
@ObjectType()
export class EarlyHelpEdge {
  @Field(() => String) cursor!: string;
  @Field(() => EarlyHelpEpisode) node!: EarlyHelpEpisode;
}

@NonPersonal()
@ObjectType({ description: 'Early-help episodes in your scope, oldest opened first' })
export class EarlyHelpConnection {
  @Field(() => [EarlyHelpEdge]) edges!: EarlyHelpEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@InputType()
export class StepDownInput {
  @Field(() => ID) personId!: string;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field(() => String, { description: 'Who it was agreed with (the early help team manager)' }) agreedWith!: string;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) leadProfessionalName?: string | null;
  @Field(() => String, { nullable: true, description: 'Agency code' }) leadProfessionalAgency?: string | null;
}

@InputType()
export class StepUpInput {
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field(() => String, { description: 'Who it was agreed with (the early help lead or team manager)' })
  agreedWith!: string;
  @Field(() => String) reason!: string;
}

@InputType()
export class EarlyHelpUpdateInput {
  @Field(() => String, { nullable: true }) leadProfessionalName?: string | null;
  @Field(() => String, { nullable: true, description: 'Agency code' }) leadProfessionalAgency?: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) assessmentCompletedAt?: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) teamAroundFamilyFrom?: Date | null;
}

@InputType()
export class EarlyHelpFilterInput {
  @Filters('CASE_METADATA', 'EarlyHelpEpisode.personId') @Field(() => ID, { nullable: true }) personId?: string | null;
  @Filters('CASE_METADATA', 'EarlyHelpEpisode.status') @Field(() => [EarlyHelpStatusEnum], { nullable: true }) status?:
    | string[]
    | null;
}
