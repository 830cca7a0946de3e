import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../shared/page-info.type';
import { GraphQLISODateTime } from 'type-graphql';
import { Filters, NonPersonal, Sensitive } from '../access-policy/decorators';
import { graphqlEnum } from '../shared/enums';
import { PersonKindEnum, SexEnum } from '../people/people.enums';
import { Person } from '../people/person.type';
import { TRANSITION_NAMES } from './referral-state-machine';
import {
  AGENCY_CHECK_VIEW_STATUSES,
  CHECK_CLOSURE_REASONS,
  CONCERN_CATEGORIES,
  DECISION_OUTCOMES,
  ARTICLE_6_BASES,
  LAWFUL_BASES,
  RAGS,
  SPECIAL_CATEGORY_CONDITIONS,
  REFERRAL_SOURCE_CODES,
  REFERRAL_SOURCES,
  REFERRAL_STATUSES,
  THRESHOLD_LEVELS,
} from './vocabulary';

export const ReferralSourceEnum = graphqlEnum(
  REFERRAL_SOURCES,
  'ReferralSource',
  `Who made the contact, as the DfE children-in-need census codes referral sources: ${REFERRAL_SOURCES.map((s) => `${s} ${REFERRAL_SOURCE_CODES[s].censusCode}`).join(', ')}`,
);
export const ReferralStatusEnum = graphqlEnum(REFERRAL_STATUSES, 'ReferralStatus');
export const RagEnum = graphqlEnum(RAGS, 'Rag');
export const ConcernCategoryEnum = graphqlEnum(CONCERN_CATEGORIES, 'ConcernCategory');
export const LawfulBasisEnum = graphqlEnum(
  LAWFUL_BASES,
  'LawfulBasis',
  'Why information is shared without consent (deprecated: one value mixed the Article 6 basis and the Article 9 condition; see Article6Basis and SpecialCategoryCondition, ADR 025)',
);
export const Article6BasisEnum = graphqlEnum(
  ARTICLE_6_BASES,
  'Article6Basis',
  'UK GDPR Article 6(1) lawful basis of a share: PUBLIC_TASK (e), LEGAL_OBLIGATION (c), VITAL_INTERESTS (d), LEGITIMATE_INTERESTS (f, not for a public authority’s tasks), CONSENT (a)',
);
export const SpecialCategoryConditionEnum = graphqlEnum(
  SPECIAL_CATEGORY_CONDITIONS,
  'SpecialCategoryCondition',
  'For special-category data, the UK GDPR Article 9(2) / DPA 2018 Schedule 1 condition: SAFEGUARDING_CHILDREN_AT_RISK (Sch. 1 para 18), STATUTORY_PURPOSES (Sch. 1 para 6), HEALTH_OR_SOCIAL_CARE (art. 9(2)(h), Sch. 1 para 2), VITAL_INTERESTS (art. 9(2)(c)), EXPLICIT_CONSENT (art. 9(2)(a))',
);
export const DecisionOutcomeEnum = graphqlEnum(DECISION_OUTCOMES, 'DecisionOutcome');
export const ThresholdLevelEnum = graphqlEnum(THRESHOLD_LEVELS, 'ThresholdLevel');
export const AgencyCheckStatusEnum = graphqlEnum(
  AGENCY_CHECK_VIEW_STATUSES,
  'AgencyCheckStatus',
  'RETURNED: information shared; NO_INFORMATION: the agency holds nothing (an answer, not a refusal); DECLINED: will not share, with a reason; CLOSED: the MASH stopped waiting, with a closure reason; OVERDUE is derived from the due time',
);
export const AgencyCheckClosureReasonEnum = graphqlEnum(
  CHECK_CLOSURE_REASONS,
  'AgencyCheckClosureReason',
  'Why the MASH stopped waiting for a check; DECIDED_WITHOUT is set only by authorising a decision over outstanding checks',
);
export const ReferralTransitionKindEnum = graphqlEnum(
  ['SUBMIT', ...TRANSITION_NAMES],
  'ReferralTransitionKind',
  'A step of the referral workflow',
);

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
  @Sensitive('CASE_METADATA')
  @Field(() => [ID], { nullable: true, description: 'Records the agency shared with its findings' })
  recordsShared!: string[];
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) declinedReason!: string | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => Article6BasisEnum, { nullable: true, description: 'UK GDPR Article 6 basis of the answer (ADR 025)' })
  article6Basis!: string | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => SpecialCategoryConditionEnum, {
    nullable: true,
    description: 'For special-category data: the Article 9 / DPA 2018 Schedule 1 condition',
  })
  specialCategoryCondition!: string | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => Boolean, { nullable: true }) consentSought!: boolean | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => Boolean, { nullable: true }) consentGiven!: boolean | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => String, { nullable: true, description: 'Why consent was not sought or not given' })
  consentReason!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => AgencyCheckClosureReasonEnum, { nullable: true }) closedReason!:
    | string
    | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) closedNote!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) closedAt!: Date | null;
}

@ObjectType({
  description: 'One step of a referral’s status history: what, from and to which status, who, when and why',
})
export class ReferralTransition {
  @Sensitive('CASE_METADATA') @Field(() => ReferralTransitionKindEnum, { nullable: true }) transition!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => ReferralStatusEnum, { nullable: true, description: 'Null for the receipt' })
  fromStatus!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => ReferralStatusEnum, { nullable: true }) toStatus!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: 'The referral’s version after the step' })
  version!: number;
  // The properties are the entity's (ADR 031); the schema keeps its names.
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { name: 'at', nullable: true }) occurredAt!: Date;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { name: 'byName', nullable: true, description: 'The professional who made the step' })
  actorName!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { name: 'byAgency', nullable: true }) actorAgency!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, {
    nullable: true,
    description: 'RAG given, outcome proposed or authorised, check answer or closure reason, assignee',
  })
  detail!: string | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => String, {
    nullable: true,
    description: 'Why: rationale, return comment, amendment or closure reason, reason for deciding over checks',
  })
  reason!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Whose check was answered or closed' })
  checkAgency!: string | null;
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
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'e.g. MASH-2026-000123' })
  reference!: string;
  @Sensitive('CASE_METADATA') @Field(() => ReferralStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA') @Field(() => RagEnum, { nullable: true }) rag!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the MASH decision is due' })
  decisionDueAt!: Date;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'Open and past its decision due time' })
  breached!: boolean;
  @Sensitive('CASE_METADATA')
  @Field(() => [String], { nullable: true, description: 'Agencies whose checks are outstanding' })
  waitingOn!: string[];
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: 'Outstanding checks past their due time' })
  overdueChecks!: number;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) receivedAt!: Date;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: 'Send it back with every change' })
  version!: number;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) assignedToSub!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) assignedToName!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) referrerName!: string;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) referrerAgency!: string;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) referrerContact!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => ReferralSourceEnum, {
    nullable: true,
    description: 'Who made the contact (census code), apart from the hub user who typed it in',
  })
  source!: string;
  @Sensitive('IDENTITY')
  @Field(() => String, { nullable: true, description: 'The referrer’s organisation, as told' })
  referrerOrganisation!: string | null;
  @Sensitive('IDENTITY')
  @Field(() => String, { nullable: true, description: 'The referrer’s role, as told' })
  referrerRole!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, {
    nullable: true,
    description: 'Recorded by the emergency duty team out of hours, for the morning’s triage',
  })
  outOfHours!: boolean;
  @Sensitive('SHARED_SUMMARY') @Field(() => [ConcernCategoryEnum], { nullable: true }) concernCategories!: string[];
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) narrative!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => Boolean, { nullable: true }) consentSought!: boolean;
  @Sensitive('SHARED_SUMMARY') @Field(() => Boolean, { nullable: true }) consentGiven!: boolean | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) consentReason!: string | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => LawfulBasisEnum, {
    nullable: true,
    deprecationReason: 'Use article6Basis and specialCategoryCondition (ADR 025)',
  })
  lawfulBasis!: string | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => Article6BasisEnum, { nullable: true, description: 'UK GDPR Article 6 basis of the share (ADR 025)' })
  article6Basis!: string | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => SpecialCategoryConditionEnum, {
    nullable: true,
    description: 'For special-category data: the Article 9 / DPA 2018 Schedule 1 condition (ADR 025)',
  })
  specialCategoryCondition!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => DecisionOutcomeEnum, { nullable: true }) decisionOutcome!: string | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) decisionRationale!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => ThresholdLevelEnum, { nullable: true }) thresholdLevel!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) decisionProposedAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) decisionAuthorisedAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Hand-over to a strategy discussion (C4)' })
  strategyRequestedAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) mergedIntoId!: string | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) feedbackMessage!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) feedbackSentAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'The decision time promised in the referrer’s acknowledgement',
  })
  acknowledgedDecisionBy!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When a manager last returned the proposal' })
  decisionReturnedAt!: Date | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) decisionReturnComment!: string | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => String, { nullable: true, description: 'Why the manager amended the proposal' })
  decisionAmendmentReason!: string | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => String, { nullable: true, description: 'Why the decision was authorised while checks were outstanding' })
  decidedOverChecksReason!: string | null;
}

@ObjectType({
  description: "The referrer's own view of a referral they made: status, outcome and feedback, nothing else",
})
export class ReferralReceipt {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) reference!: string;
  @Sensitive('CASE_METADATA') @Field(() => ReferralStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => DecisionOutcomeEnum, { nullable: true, description: 'Once authorised' })
  outcome!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) feedbackMessage!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the contact was received (the acknowledgement)',
  })
  receivedAt!: Date;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'The acknowledgement: the decision on the type of response is due by then (one working day)',
  })
  expectedDecisionBy!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the outcome was authorised' })
  decidedAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) feedbackSentAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'True when an earlier submission with this key is returned' })
  replayed!: boolean;
}

@NonPersonal()
@ObjectType()
export class ReferralEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Referral) node!: Referral;
}

@NonPersonal()
@ObjectType({ description: 'A count of referrals with one value (a RAG, UNRATED, a status or an agency code)' })
export class ReferralKeyCount {
  @Field(() => String) key!: string;
  @Field(() => Int) count!: number;
}

@NonPersonal()
@ObjectType({
  description: 'Counts of the whole filtered queue under your row scope, for a dashboard header: numbers only, no row',
})
export class ReferralCounts {
  @Field(() => Int) total!: number;
  @Field(() => Int, { description: 'Open and past their decision due time' }) breached!: number;
  @Field(() => Int, { description: 'Open and assigned to nobody' }) unassigned!: number;
  @Field(() => [ReferralKeyCount], { description: 'By RAG; unrated as UNRATED' }) byRag!: ReferralKeyCount[];
  @Field(() => [ReferralKeyCount]) byStatus!: ReferralKeyCount[];
  @Field(() => [ReferralKeyCount], { description: 'Open referrals by the agency whose check is outstanding' })
  waitingOn!: ReferralKeyCount[];
}

export const ReferralOrderEnum = graphqlEnum(
  ['DUE', 'RAG'] as const,
  'ReferralOrder',
  'DUE: by decision due time; RAG: red first, unrated last, then by due time',
);

@NonPersonal()
@ObjectType({ description: 'The triage queue: ordered by decision due time, or by RAG' })
export class ReferralConnection {
  @Field(() => [ReferralEdge]) edges!: ReferralEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@InputType()
export class NewPersonInput {
  @Field(() => PersonKindEnum) kind!: string;
  @Field() givenName!: string;
  @Field() familyName!: string;
  @Field(() => String, { nullable: true }) otherNames?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'YYYY-MM-DD',
    deprecationReason: 'Use bornOn, a LocalDate (ADR 021)',
  })
  dateOfBirth?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'YYYY-MM-DD',
    deprecationReason: 'Use expectedDeliveryOn, a LocalDate (ADR 021)',
  })
  expectedDateOfDelivery?: string | null;
  @Field(() => LocalDateResolver, { nullable: true, description: 'Date of birth' }) bornOn?: string | null;
  @Field(() => LocalDateResolver, { nullable: true, description: 'Expected date of delivery (an unborn child)' })
  expectedDeliveryOn?: string | null;
  @Field(() => SexEnum, { nullable: true }) sex?: string | null;
  @Field(() => String, { nullable: true }) nhsNumber?: string | null;
  @Field(() => String, { nullable: true }) address?: string | null;
  @Field(() => String, { nullable: true }) postcode?: string | null;
}

@InputType({
  description:
    'Either a person you can already reach, or a new person (never matched by the submission: the MASH matches it at screening)',
})
export class ReferralSubjectInput {
  @Field(() => ID, { nullable: true }) personId?: string | null;
  @Field(() => NewPersonInput, { nullable: true }) newPerson?: NewPersonInput | null;
}

@InputType()
export class SubmitReferralInput {
  @Field(() => [ReferralSubjectInput]) subjects!: ReferralSubjectInput[];
  @Field(() => String, { nullable: true, description: 'How the MASH can reach you' }) referrerContact?: string | null;
  @Field(() => ReferralSourceEnum, {
    nullable: true,
    description:
      'Who made the contact (a caller’s call you are typing in is theirs, not yours). Left out: POLICE, HOUSING or OTHER_LEGAL_AGENCY when your agency is one; otherwise UNKNOWN',
  })
  source?: string | null;
  @Field(() => String, { nullable: true, description: 'The referrer’s organisation (e.g. the school), as told' })
  referrerOrganisation?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The referrer’s role (e.g. designated safeguarding lead), as told',
  })
  referrerRole?: string | null;
  @Field(() => [ConcernCategoryEnum]) concernCategories!: string[];
  @Field() narrative!: string;
  @Field() consentSought!: boolean;
  @Field(() => Boolean, { nullable: true }) consentGiven?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Why consent was not sought or not given' }) consentReason?:
    | string
    | null;
  @Field(() => LawfulBasisEnum, {
    nullable: true,
    deprecationReason: 'Use article6Basis and specialCategoryCondition (ADR 025)',
  })
  lawfulBasis?: string | null;
  @Field(() => Article6BasisEnum, {
    nullable: true,
    description: 'UK GDPR Article 6 basis; required when sharing without consent',
  })
  article6Basis?: string | null;
  @Field(() => SpecialCategoryConditionEnum, {
    nullable: true,
    description:
      'For special-category data (health, ethnicity, religion, sex life…): the Article 9 / DPA 2018 Schedule 1 condition',
  })
  specialCategoryCondition?: string | null;
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

@InputType({ description: 'Findings (with the records shared), no information held, or a reason for declining' })
export class AgencyCheckResponseInput {
  @Field(() => String, { nullable: true }) findingsSummary?: string | null;
  @Field(() => [ID], { nullable: true }) recordsShared?: string[] | null;
  @Field(() => String, { nullable: true }) declinedReason?: string | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'The agency searched and holds no information (findingsSummary may say what was searched)',
  })
  noInformationHeld?: boolean | null;
  @Field(() => Article6BasisEnum, { nullable: true, description: 'UK GDPR Article 6 basis of the information shared' })
  article6Basis?: string | null;
  @Field(() => SpecialCategoryConditionEnum, {
    nullable: true,
    description: 'For special-category data: the Article 9 / DPA 2018 Schedule 1 condition',
  })
  specialCategoryCondition?: string | null;
  @Field(() => Boolean, { nullable: true }) consentSought?: boolean | null;
  @Field(() => Boolean, { nullable: true }) consentGiven?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Why consent was not sought or not given' }) consentReason?:
    | string
    | null;
}

@InputType()
export class ReferralFilter {
  @Filters('CASE_METADATA', 'Referral.status') @Field(() => [ReferralStatusEnum], { nullable: true }) status?:
    | string[]
    | null;
  @Filters('CASE_METADATA', 'Referral.rag') @Field(() => [RagEnum], { nullable: true }) rag?: string[] | null;
  @Filters('CASE_METADATA', 'Referral.breached') @Field(() => Boolean, { nullable: true }) breached?: boolean | null;
  @Filters('CASE_METADATA', 'Referral.decisionDueAt')
  @Field(() => GraphQLISODateTime, { nullable: true })
  dueBefore?: Date | null;
  @Filters('CASE_METADATA', 'Referral.assignedToSub')
  @Field(() => String, { nullable: true, description: 'Assigned worker (sub)' })
  assignedTo?: string | null;
  @Filters('CASE_METADATA', 'Referral.waitingOn')
  @Field(() => String, { nullable: true, description: 'Agency code with an outstanding check' })
  awaitingAgency?: string | null;
  @Filters('CASE_METADATA', 'Referral.receivedAt')
  @Field(() => GraphQLISODateTime, { nullable: true })
  receivedFrom?: Date | null;
  @Filters('CASE_METADATA', 'Referral.receivedAt')
  @Field(() => GraphQLISODateTime, { nullable: true })
  receivedTo?: Date | null;
  @Filters('SHARED_SUMMARY', 'Referral.concernCategories', 'referral')
  @Field(() => [ConcernCategoryEnum], {
    nullable: true,
    description:
      'Referrals with any of these concern categories. Shared summary: only where your scope gives every referral a relationship that lets you read it (social care MASH staff; an agency officer over its checks)',
  })
  concernCategories?: string[] | null;
  @Filters('CASE_METADATA', 'Referral.subjects')
  @Field(() => ID, { nullable: true, description: 'Referrals about this person' })
  personId?: string | null;
  @Filters('CASE_METADATA', 'Referral.assignedToSub')
  @Field(() => Boolean, { nullable: true, description: 'True: assigned to nobody; false: assigned' })
  unassigned?: boolean | null;
  @Filters('CASE_METADATA', 'Referral.source')
  @Field(() => [ReferralSourceEnum], {
    nullable: true,
    description: 'Referrals whose contact came from any of these sources',
  })
  source?: string[] | null;
  @Filters('IDENTITY', 'Referral.referrerOrganisation')
  @Field(() => String, {
    nullable: true,
    description: 'The referrer’s organisation, as told (whole name, any letter case)',
  })
  referrerOrganisation?: string | null;
}

export { Person };
