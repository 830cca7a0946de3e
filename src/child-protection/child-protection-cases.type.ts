import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { Filters, NonPersonal } from '../access-policy/decorators';
import { Person } from '../people/person.type';
import { graphqlEnum } from '../shared/enums';
import { PageInfo } from '../shared/page-info.type';
import { ChildProtectionPlan, Section47Enquiry } from './child-protection.type';
import { CASE_STAGES } from './child-protection.repository';

export const ChildProtectionStageEnum = graphqlEnum(
  CASE_STAGES,
  'ChildProtectionStage',
  'Where a case is on the pathway: an enquiry before its initial conference (open, awaiting the conference, due within 7 days, overdue) or a child on an active plan (any, or its review overdue)',
);

@InputType({
  description:
    'Which cases of the child protection list: one stage. No category filter: the category is a shared summary released row by row, so filtering on it across the list would be an oracle (ADR 034)',
})
export class ChildProtectionCaseFilterInput {
  @Filters(
    'CASE_METADATA',
    'Section47Enquiry.status, Section47Enquiry.initialConferenceClock, ChildProtectionPlan.status, ChildProtectionPlan.nextReviewClock',
  )
  @Field(() => ChildProtectionStageEnum)
  stage!: string;
}

@NonPersonal()
@ObjectType({
  description:
    'One row of the child protection list: the child, and the enquiry (enquiry stages) or the plan (plan stages)',
})
export class ChildProtectionCase {
  @Field(() => Person, { nullable: true, description: 'The child (read and audited for the rows listed only)' })
  child!: unknown;
  @Field(() => Section47Enquiry, { nullable: true }) enquiry!: unknown;
  @Field(() => ChildProtectionPlan, { nullable: true }) plan!: unknown;
}

@NonPersonal()
@ObjectType()
export class ChildProtectionCaseEdge {
  @Field(() => String) cursor!: string;
  @Field(() => ChildProtectionCase) node!: ChildProtectionCase;
}

@NonPersonal()
@ObjectType({
  description:
    'The child protection list in your scope: enquiries by initial conference due date, plans by next review due date, soonest first',
})
export class ChildProtectionCaseConnection {
  @Field(() => [ChildProtectionCaseEdge]) edges!: ChildProtectionCaseEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@NonPersonal()
@ObjectType({ description: 'The child protection list in your scope, counted (no rows, no names)' })
export class ChildProtectionCounts {
  @Field(() => Int) openEnquiries!: number;
  @Field(() => Int, { description: 'Enquiries concluded and awaiting the initial conference' })
  awaitingConference!: number;
  @Field(() => Int, { description: 'Enquiries before their initial conference, past its due date' })
  conferenceOverdue!: number;
  @Field(() => Int, { description: 'Children on an active plan' }) childrenOnPlan!: number;
  @Field(() => Int, { description: 'Active plans past their next review date' }) reviewsOverdue!: number;
}
