import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { NonPersonal, Sensitive } from '../access-policy/decorators';
import { graphqlEnum } from '../shared/enums';
import { PersonKindEnum, SexEnum } from './people.enums';
import { PageInfo } from '../shared/page-info.type';

export const DATA_QUALITY_KINDS = ['MATCH_PROPOSAL', 'IDENTITY_CONFLICT'] as const;
export const DATA_QUALITY_STATUSES = ['OPEN', 'CONFIRMED', 'REJECTED', 'RESOLVED', 'WITHDRAWN'] as const;
export const DATA_QUALITY_DECISIONS = ['CONFIRM_MATCH', 'REJECT_MATCH', 'ACCEPT_SOURCE'] as const;
export const ASSERTION_CHANNELS = ['IMPORT', 'OFFICER', 'REFERRAL', 'LEGACY'] as const;

export const DataQualityKindEnum = graphqlEnum(DATA_QUALITY_KINDS, 'DataQualityIssueKind');
export const DataQualityStatusEnum = graphqlEnum(DATA_QUALITY_STATUSES, 'DataQualityIssueStatus');
export const DataQualityDecisionEnum = graphqlEnum(
  DATA_QUALITY_DECISIONS,
  'DataQualityDecision',
  'CONFIRM_MATCH / REJECT_MATCH a proposed match; ACCEPT_SOURCE: the chosen source’s value of the field stands',
);
export const AssertionChannelEnum = graphqlEnum(ASSERTION_CHANNELS, 'IdentityAssertionChannel');

/**
 * What one source said about a person's identity (ADR 005). Shown only in the data-quality queue, to
 * the MASH worker deciding the issue; guarded as the identity of the person it belongs to.
 */
@ObjectType({ description: "One source's identity values for a person, as that source gave them" })
export class IdentityAssertion {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: 'The person this source is about' })
  personId!: string;
  @Sensitive('CASE_METADATA')
  // The column's property (ADR 031's read shape) under the schema's name.
  @Field(() => String, { name: 'agency', nullable: true, description: 'The agency whose source this is' })
  agencyCode!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) sourceSystem!: string;
  @Sensitive('CASE_METADATA') @Field(() => AssertionChannelEnum, { nullable: true }) channel!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: "From the agency's trusted integration" })
  verified!: boolean;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) assertedAt!: Date;
  @Sensitive('IDENTITY') @Field(() => PersonKindEnum, { nullable: true }) kind!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) givenName!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) familyName!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) otherNames!: string | null;
  @Sensitive('IDENTITY') @Field(() => LocalDateResolver, { nullable: true }) dateOfBirth!: string | null;
  @Sensitive('IDENTITY') @Field(() => LocalDateResolver, { nullable: true }) expectedDateOfDelivery!: string | null;
  @Sensitive('IDENTITY') @Field(() => SexEnum, { nullable: true }) sex!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) nhsNumber!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) pncId!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) laPersonId!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) upn!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) address!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) postcode!: string | null;
}

@ObjectType({
  description: 'A proposed match, or sources disagreeing on an identity value, for a MASH worker to resolve',
})
export class DataQualityIssue {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => DataQualityKindEnum, { nullable: true }) kind!: string;
  @Sensitive('CASE_METADATA') @Field(() => DataQualityStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, {
    nullable: true,
    description: 'MATCH_PROPOSAL: the settled person matched; IDENTITY_CONFLICT: the person',
  })
  personId!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: 'MATCH_PROPOSAL: the provisional person whose identifiers matched' })
  proposedPersonId!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: "A referral's new subject: the referral" })
  referralId!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'IDENTITY_CONFLICT: the field the sources disagree on' })
  field!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) raisedByAgency!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) raisedAt!: Date;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: 'ACCEPT_SOURCE: the source chosen' })
  chosenAssertionId!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) resolvedBy!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) resolvedAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) resolutionNote!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => Int, { nullable: true }) version!: number;
  @Sensitive('CASE_METADATA')
  @Field(() => [IdentityAssertion], { nullable: true, description: "Every source's values for the people concerned" })
  assertions!: IdentityAssertion[];
}

@NonPersonal()
@ObjectType()
export class DataQualityEdge {
  @Field(() => String) cursor!: string;
  @Field(() => DataQualityIssue) node!: DataQualityIssue;
}

@NonPersonal()
@ObjectType({ description: 'The data-quality queue, oldest first' })
export class DataQualityConnection {
  @Field(() => [DataQualityEdge]) edges!: DataQualityEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@InputType({ description: 'A MASH worker’s decision on a data-quality issue' })
export class ResolveDataQualityIssueInput {
  @Field(() => ID) issueId!: string;
  @Field(() => DataQualityDecisionEnum) decision!: string;
  @Field(() => ID, { nullable: true, description: 'ACCEPT_SOURCE: the source whose value stands' }) assertionId?:
    | string
    | null;
  @Field(() => String, { description: 'Why (kept with the decision and in the audit)' }) note!: string;
  @Field(() => Int) expectedVersion!: number;
}
