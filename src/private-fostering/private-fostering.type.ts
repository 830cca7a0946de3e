import { LocalDateResolver } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { NonPersonal, Sensitive } from '../access-policy/decorators';
import { TimelinessClock } from '../child-protection/child-protection.type';
import { graphqlEnum } from '../shared/enums';
import { PageInfo } from '../shared/page-info.type';
import {
  PRIVATE_FOSTERING_CLOSURE_REASONS,
  PRIVATE_FOSTERING_NOTIFIERS,
  PRIVATE_FOSTERING_STATUSES,
} from './vocabulary';

export const PrivateFosteringNotifierEnum = graphqlEnum(
  PRIVATE_FOSTERING_NOTIFIERS,
  'PrivateFosteringNotifier',
  'Who notified the local authority',
);
export const PrivateFosteringStatusEnum = graphqlEnum(PRIVATE_FOSTERING_STATUSES, 'PrivateFosteringStatus');
export const PrivateFosteringClosureReasonEnum = graphqlEnum(
  PRIVATE_FOSTERING_CLOSURE_REASONS,
  'PrivateFosteringClosureReason',
);

/**
 * A private fostering arrangement notified to the local authority and its statutory visits (ADR 018).
 * The row scope is the need-to-know (social care MASH staff; agencies with a check on, or invited to a
 * strategy discussion about, the child); within it the facts and clocks are case metadata, and the
 * notifier's name is social care's own detail.
 */
@ObjectType({
  description: 'A private fostering arrangement: the notification, the statutory visits and their clocks, the closure',
})
export class PrivateFosteringArrangement {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) personId!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Agency code of the social care agency that recorded it' })
  recordingAgency!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) recordedByName!: string;
  @Sensitive('CASE_METADATA') @Field(() => PrivateFosteringNotifierEnum, { nullable: true }) notifiedBy!: string;
  @Sensitive('AGENCY_DETAIL')
  @Field(() => String, { nullable: true, description: "The notifier's name as given (social care's own detail)" })
  notifierName!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) notifiedAt!: Date;
  @Sensitive('CASE_METADATA')
  @Field(() => LocalDateResolver, { nullable: true, description: 'When the child began living with the carer' })
  arrangementStartedOn!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => LocalDateResolver, { nullable: true, description: '7 working days after the notification' })
  initialVisitDueOn!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => LocalDateResolver, { nullable: true, description: 'When the initial visit was held' })
  initialVisitOn!: string | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Boolean, { nullable: true, description: 'The initial visit held by its due date (null until held)' })
  initialVisitWithinTimescale!: boolean | null;
  @Sensitive('CASE_METADATA')
  @Field(() => [TimelinessClock], {
    nullable: true,
    description: 'Every visit held, oldest first: due (by the clock at the time), held, late',
  })
  visits!: unknown[];
  @Sensitive('CASE_METADATA')
  @Field(() => TimelinessClock, {
    nullable: true,
    description: 'The next visit: 6 weeks after the last in the first year, 12 after; null once closed',
  })
  nextVisit!: unknown;
  @Sensitive('CASE_METADATA')
  @Field(() => LocalDateResolver, { nullable: true, description: 'When the arrangement ended' })
  closedOn!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => PrivateFosteringClosureReasonEnum, { nullable: true }) closureReason!:
    | string
    | null;
  @Sensitive('CASE_METADATA') @Field(() => PrivateFosteringStatusEnum, { nullable: true }) status!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: 'Send it back with every change' })
  version!: number;
}

@NonPersonal()
@ObjectType()
export class PrivateFosteringArrangementEdge {
  @Field(() => String) cursor!: string;
  @Field(() => PrivateFosteringArrangement) node!: PrivateFosteringArrangement;
}

@NonPersonal()
@ObjectType({ description: 'Private fostering arrangements in your scope, oldest notification first' })
export class PrivateFosteringArrangementConnection {
  @Field(() => [PrivateFosteringArrangementEdge]) edges!: PrivateFosteringArrangementEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@InputType()
export class NotifyPrivateFosteringInput {
  @Field(() => ID, { description: 'The child' }) personId!: string;
  @Field(() => PrivateFosteringNotifierEnum) notifiedBy!: string;
  @Field(() => String, { description: "The notifier's name as given" }) notifierName!: string;
  @Field(() => GraphQLISODateTime, {
    description: 'When the local authority was notified: the initial visit clock starts that day',
  })
  notifiedAt!: Date;
  @Field(() => LocalDateResolver, { description: 'When the child began (or will begin) living with the carer' })
  arrangementStartedOn!: string;
}

@InputType()
export class ClosePrivateFosteringInput {
  @Field(() => LocalDateResolver, { description: 'When the arrangement ended' }) closedOn!: string;
  @Field(() => PrivateFosteringClosureReasonEnum) reason!: string;
}
