import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { NonPersonal, Sensitive } from '../access-policy/decorators';
import { graphqlEnum } from '../shared/enums';
import { ALERT_KINDS, BREAK_GLASS_REVIEW_OUTCOMES, BREAK_GLASS_REVIEW_STATUSES } from './vocabulary';
import { PageInfo } from '../shared/page-info.type';

export const BreakGlassReviewOutcomeEnum = graphqlEnum(BREAK_GLASS_REVIEW_OUTCOMES, 'BreakGlassReviewOutcome');
export const BreakGlassReviewStatusEnum = graphqlEnum(BREAK_GLASS_REVIEW_STATUSES, 'BreakGlassReviewStatus');
export const AlertKindEnum = graphqlEnum(ALERT_KINDS, 'AlertKind');

/**
 * One break-glass opening. Guarded as case metadata about the person it opened (so every read of it,
 * by its actor or an IG auditor, is in the audit); it carries no record content.
 */
@ObjectType({ description: "Time-boxed emergency access to one person's agency detail, and its IG review" })
export class BreakGlass {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) personId!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) actorSub!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) actorName!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) actorAgency!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Why the glass was broken, as given' })
  reason!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) openedAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) expiresAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) reviewedAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) reviewedBy!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => BreakGlassReviewOutcomeEnum, { nullable: true }) reviewOutcome!:
    | string
    | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) reviewNote!: string | null;
}

@NonPersonal()
@ObjectType()
export class BreakGlassEdge {
  @Field(() => String) cursor!: string;
  @Field(() => BreakGlass) node!: BreakGlass;
}

@NonPersonal()
@ObjectType({ description: 'The IG break-glass review queue: open reviews oldest first, reviewed newest first' })
export class BreakGlassConnection {
  @Field(() => [BreakGlassEdge]) edges!: BreakGlassEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

/** An alert: ids, kinds, agencies and times only (guarded as case metadata of the person it names). */
@ObjectType({ description: 'Something an agency (or IG) should know about a person it holds' })
export class Alert {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => AlertKindEnum, { nullable: true }) kind!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Agency code; null when addressed to information governance' })
  toAgency!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: "Null for alerts about a user's behaviour" })
  personId!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) breakGlassId!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: 'DECISION_OVERDUE, CHECK_OVERDUE: the referral breached' })
  referralId!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) actorAgency!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, {
    nullable: true,
    description:
      'UNUSUAL_READ_VOLUME: the user whose reads raised it; SERVING_ROLE_PRIVILEGE: the database role (null for other kinds)',
  })
  actorSub!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description:
      'UNUSUAL_READ_VOLUME, SERVING_ROLE_PRIVILEGE: the hour window it was raised for; DECISION_OVERDUE, CHECK_OVERDUE: the due time breached',
  })
  windowStart!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, {
    nullable: true,
    description: 'UNUSUAL_READ_VOLUME: distinct children read in the hour before the check',
  })
  distinctPeople!: number | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, {
    nullable: true,
    description: 'CP_FLAG_LOOKUP: where the child was looked up (when: createdAt)',
  })
  setting!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) acknowledgedAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Who acknowledged it (their name as their token said)' })
  acknowledgedByName!: string | null;
  @Sensitive('CASE_METADATA')
  // The column's property (ADR 031's read shape) under the schema's name.
  @Field(() => String, {
    name: 'acknowledgedBySub',
    nullable: true,
    description: 'Who acknowledged it (their user id)',
  })
  acknowledgedBy!: string | null;
}

@NonPersonal()
@ObjectType()
export class AlertEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Alert) node!: Alert;
}

@NonPersonal()
@ObjectType({ description: 'Alerts addressed to your agency (IG auditors: every alert), newest first' })
export class AlertConnection {
  @Field(() => [AlertEdge]) edges!: AlertEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
