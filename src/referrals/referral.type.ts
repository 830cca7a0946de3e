import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { Filters, NonPersonal, Sensitive } from '../access-policy/decorators';
import { graphqlEnum, PersonKindEnum, SexEnum } from '../graphql/enums';
import { Person } from '../people/person.type';
import {
  AGENCY_CHECK_VIEW_STATUSES,
  CONCERN_CATEGORIES,
  DECISION_OUTCOMES,
  LAWFUL_BASES,
  RAGS,
  REFERRAL_STATUSES,
  THRESHOLD_LEVELS,
} from './vocabulary';

export const ReferralStatusEnum = graphqlEnum(REFERRAL_STATUSES, 'ReferralStatus');
export const RagEnum = graphqlEnum(RAGS, 'Rag');
export const ConcernCategoryEnum = graphqlEnum(CONCERN_CATEGORIES, 'ConcernCategory');
export const LawfulBasisEnum = graphqlEnum(LAWFUL_BASES, 'LawfulBasis', 'Why information is shared without consent');
export const DecisionOutcomeEnum = graphqlEnum(DECISION_OUTCOMES, 'DecisionOutcome');
export const ThresholdLevelEnum = graphqlEnum(THRESHOLD_LEVELS, 'ThresholdLevel');
export const AgencyCheckStatusEnum = graphqlEnum(AGENCY_CHECK_VIEW_STATUSES, 'AgencyCheckStatus', 'OVERDUE is derived from the due time');

@ObjectType({ description: 'A request to one agency for what it knows about the subjects of a referral' })
export class AgencyCheck {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) agency!: string;
  @Sensitive('CASE_METADATA') @Field(() => AgencyCheckStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) requestedAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) dueAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) returnedAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => Boolean, { nullable: true }) overdue!: boolean;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) findingsSummary!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => [ID], { nullable: true, description: 'Records the agency shared with its findings' })
  recordsShared!: string[];
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) declinedReason!: string | null;
}

@ObjectType({ description: 'One RAG rating of a referral; re-rating adds to the history' })
export class ReferralRating {
  @Sensitive('CASE_METADATA') @Field(() => RagEnum, { nullable: true }) rag!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) rationale!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) ratedByName!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) ratedAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) decisionDueAt!: Date;
}

@ObjectType({ description: 'A referral to the MASH, as far as you may see it' })
export class Referral {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true, description: 'e.g. MASH-2026-000123' }) reference!: string;
  @Sensitive('CASE_METADATA') @Field(() => ReferralStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA') @Field(() => RagEnum, { nullable: true }) rag!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the MASH decision is due' })
  decisionDueAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => Boolean, { nullable: true, description: 'Open and past its decision due time' })
  breached!: boolean;
  @Sensitive('CASE_METADATA') @Field(() => [String], { nullable: true, description: 'Agencies whose checks are outstanding' })
  waitingOn!: string[];
  @Sensitive('CASE_METADATA') @Field(() => Int, { nullable: true, description: 'Outstanding checks past their due time' })
  overdueChecks!: number;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) receivedAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => Int, { nullable: true, description: 'Send it back with every change' }) version!: number;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) assignedToSub!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) assignedToName!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) referrerName!: string;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) referrerAgency!: string;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) referrerContact!: string | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => [ConcernCategoryEnum], { nullable: true }) concernCategories!: string[];
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) narrative!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => Boolean, { nullable: true }) consentSought!: boolean;
  @Sensitive('SHARED_SUMMARY') @Field(() => Boolean, { nullable: true }) consentGiven!: boolean | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) consentReason!: string | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => LawfulBasisEnum, { nullable: true }) lawfulBasis!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => DecisionOutcomeEnum, { nullable: true }) decisionOutcome!: string | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) decisionRationale!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => ThresholdLevelEnum, { nullable: true }) thresholdLevel!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) decisionProposedAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) decisionAuthorisedAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true, description: 'Hand-over to a strategy discussion (C4)' })
  strategyRequestedAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) mergedIntoId!: string | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) feedbackMessage!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) feedbackSentAt!: Date | null;
}

@ObjectType({ description: "The referrer's own view of a referral they made: status, outcome and feedback, nothing else" })
export class ReferralReceipt {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) reference!: string;
  @Sensitive('CASE_METADATA') @Field(() => ReferralStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA') @Field(() => DecisionOutcomeEnum, { nullable: true, description: 'Once authorised' }) outcome!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) feedbackMessage!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) receivedAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => Boolean, { nullable: true, description: 'True when an earlier submission with this key is returned' })
  replayed!: boolean;
}

@NonPersonal()
@ObjectType()
export class ReferralPageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@NonPersonal()
@ObjectType()
export class ReferralEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Referral) node!: Referral;
}

@NonPersonal()
@ObjectType({ description: 'The triage queue: ordered by decision due time' })
export class ReferralConnection {
  @Field(() => [ReferralEdge]) edges!: ReferralEdge[];
  @Field(() => ReferralPageInfo) pageInfo!: ReferralPageInfo;
}

@InputType()
export class NewPersonInput {
  @Field(() => PersonKindEnum) kind!: string;
  @Field() givenName!: string;
  @Field() familyName!: string;
  @Field(() => String, { nullable: true }) otherNames?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) dateOfBirth?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) expectedDateOfDelivery?: string | null;
  @Field(() => SexEnum, { nullable: true }) sex?: string | null;
  @Field(() => String, { nullable: true }) nhsNumber?: string | null;
  @Field(() => String, { nullable: true }) address?: string | null;
  @Field(() => String, { nullable: true }) postcode?: string | null;
}

@InputType({ description: 'Either a person you can already reach, or a new person (matched on strong identifiers)' })
export class ReferralSubjectInput {
  @Field(() => ID, { nullable: true }) personId?: string | null;
  @Field(() => NewPersonInput, { nullable: true }) newPerson?: NewPersonInput | null;
}

@InputType()
export class SubmitReferralInput {
  @Field(() => [ReferralSubjectInput]) subjects!: ReferralSubjectInput[];
  @Field(() => String, { nullable: true, description: 'How the MASH can reach you' }) referrerContact?: string | null;
  @Field(() => [ConcernCategoryEnum]) concernCategories!: string[];
  @Field() narrative!: string;
  @Field() consentSought!: boolean;
  @Field(() => Boolean, { nullable: true }) consentGiven?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Why consent was not sought or not given' }) consentReason?: string | null;
  @Field(() => LawfulBasisEnum, { nullable: true, description: 'Required when sharing without consent' }) lawfulBasis?: string | null;
}

@InputType()
export class AssigneeInput {
  @Field() sub!: string;
  @Field() name!: string;
}

@InputType()
export class DecisionInput {
  @Field(() => DecisionOutcomeEnum) outcome!: string;
  @Field() rationale!: string;
  @Field(() => ThresholdLevelEnum) thresholdLevel!: string;
}

@InputType({ description: 'Findings (with the records shared), or a reason for declining' })
export class AgencyCheckResponseInput {
  @Field(() => String, { nullable: true }) findingsSummary?: string | null;
  @Field(() => [ID], { nullable: true }) recordsShared?: string[] | null;
  @Field(() => String, { nullable: true }) declinedReason?: string | null;
}

@InputType()
export class ReferralFilter {
  @Filters('CASE_METADATA', 'Referral.status') @Field(() => [ReferralStatusEnum], { nullable: true }) status?: string[] | null;
  @Filters('CASE_METADATA', 'Referral.rag') @Field(() => [RagEnum], { nullable: true }) rag?: string[] | null;
  @Filters('CASE_METADATA', 'Referral.breached') @Field(() => Boolean, { nullable: true }) breached?: boolean | null;
  @Filters('CASE_METADATA', 'Referral.decisionDueAt') @Field(() => GraphQLISODateTime, { nullable: true }) dueBefore?: Date | null;
  @Filters('CASE_METADATA', 'Referral.assignedToSub')
  @Field(() => String, { nullable: true, description: 'Assigned worker (sub)' })
  assignedTo?: string | null;
  @Filters('CASE_METADATA', 'Referral.waitingOn')
  @Field(() => String, { nullable: true, description: 'Agency code with an outstanding check' })
  awaitingAgency?: string | null;
  @Filters('CASE_METADATA', 'Referral.receivedAt') @Field(() => GraphQLISODateTime, { nullable: true }) receivedFrom?: Date | null;
  @Filters('CASE_METADATA', 'Referral.receivedAt') @Field(() => GraphQLISODateTime, { nullable: true }) receivedTo?: Date | null;
}

export { Person };
