import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Sensitive } from '../access-policy/decorators';
import { PurposeEnum } from '../access-policy/enums';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import type { PersonView } from '../people/people.repository';
import { Person } from '../people/person.type';
import { notFound } from '../shared/errors';
import { assertUuid } from '../shared/validation';
import {
  ChildProtectionFlags,
  ChildProtectionPlan,
  ConcludeSection47EnquiryInput,
  CoreGroupInput,
  EndPlanInput,
  InitialConferenceInput,
  PlanCategoryInput,
  ReviewConferenceInput,
  Section47Enquiry,
  StartSection47EnquiryInput,
} from './child-protection.type';
import * as service from './child-protection.service';
import { lookUpChildFlags } from './child-flags.service';

/** Thin adapters: rules live in child-protection.service.ts and the access policy. */
@Resolver()
export class ChildProtectionResolver {
  @Query(() => Section47Enquiry, {
    nullable: true,
    description: "A child's section 47 enquiry, if you work the child's case",
  })
  async section47Enquiry(
    @Arg('id', () => ID) id: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    assertUuid('id', id);
    const e = await ctx.data.childProtection.findEnquiry(id);
    if (!e) throw notFound('Section 47 enquiry');
    return e;
  }

  @Query(() => ChildProtectionPlan, {
    nullable: true,
    description: "A child's child protection plan, if you work the child's case",
  })
  async childProtectionPlan(
    @Arg('id', () => ID) id: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    assertUuid('id', id);
    const p = await ctx.data.childProtection.findPlan(id);
    if (!p) throw notFound('Child protection plan');
    return p;
  }

  @Query(() => ChildProtectionFlags, {
    nullable: true,
    description:
      'Out-of-hours and unscheduled care: is this child on a plan, looked after, unborn with a pre-birth plan, open to the MASH? Flags only, purpose DIRECT_CARE, audited; a flagged child’s responsible team is alerted once per setting per day',
  })
  childProtectionFlags(
    @Arg('nhsNumber', () => String) nhsNumber: string,
    @Arg('setting', () => String, {
      description: 'Where the child is being seen (an emergency department, out-of-hours GP, maternity unit, the EDT)',
    })
    setting: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return lookUpChildFlags(ctx, { nhsNumber, setting });
  }

  @Mutation(() => Section47Enquiry, {
    description: "Start a child's section 47 enquiry from a strategy discussion that decided on one",
  })
  async startSection47Enquiry(
    @Arg('input', () => StartSection47EnquiryInput) input: StartSection47EnquiryInput,
    @Ctx() ctx: RequestContext,
  ) {
    return rereadEnquiry(ctx, await service.startSection47Enquiry(ctx, input));
  }

  @Mutation(() => Section47Enquiry, {
    description: 'A further strategy discussion: the initial conference is due 15 working days after the last one',
  })
  async addStrategyDiscussionToEnquiry(
    @Arg('enquiryId', () => ID) enquiryId: string,
    @Arg('strategyMeetingId', () => ID) strategyMeetingId: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return rereadEnquiry(
      ctx,
      await service.addStrategyDiscussionToEnquiry(ctx, enquiryId, strategyMeetingId, expectedVersion),
    );
  }

  @Mutation(() => Section47Enquiry, { description: 'The conclusion of the enquiry, with who and when' })
  async concludeSection47Enquiry(
    @Arg('enquiryId', () => ID) enquiryId: string,
    @Arg('input', () => ConcludeSection47EnquiryInput) input: ConcludeSection47EnquiryInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return rereadEnquiry(ctx, await service.concludeSection47Enquiry(ctx, enquiryId, input, expectedVersion));
  }

  @Mutation(() => Section47Enquiry, {
    description: "The initial conference's outcome for this child: a plan (category, lead social worker) or none",
  })
  async recordInitialConference(
    @Arg('enquiryId', () => ID) enquiryId: string,
    @Arg('input', () => InitialConferenceInput) input: InitialConferenceInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return rereadEnquiry(ctx, await service.recordInitialConference(ctx, enquiryId, input, expectedVersion));
  }

  @Mutation(() => ChildProtectionPlan, { description: "A change of the plan's category (kept as history)" })
  async changeChildProtectionPlanCategory(
    @Arg('planId', () => ID) planId: string,
    @Arg('input', () => PlanCategoryInput) input: PlanCategoryInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return rereadPlan(ctx, await service.changePlanCategory(ctx, planId, input, expectedVersion));
  }

  @Mutation(() => ChildProtectionPlan, { description: 'A core group meeting held under the plan' })
  async recordCoreGroup(
    @Arg('planId', () => ID) planId: string,
    @Arg('input', () => CoreGroupInput) input: CoreGroupInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return rereadPlan(ctx, await service.recordCoreGroup(ctx, planId, input, expectedVersion));
  }

  @Mutation(() => ChildProtectionPlan, { description: 'A review conference: the plan continues or ends' })
  async recordReviewConference(
    @Arg('planId', () => ID) planId: string,
    @Arg('input', () => ReviewConferenceInput) input: ReviewConferenceInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return rereadPlan(ctx, await service.recordReviewConference(ctx, planId, input, expectedVersion));
  }

  @Mutation(() => ChildProtectionPlan, { description: 'The plan ends outside a review conference, with the reason' })
  async endChildProtectionPlan(
    @Arg('planId', () => ID) planId: string,
    @Arg('input', () => EndPlanInput) input: EndPlanInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return rereadPlan(ctx, await service.endPlan(ctx, planId, input, expectedVersion));
  }
}

/**
 * `Person.section47Enquiries` and `Person.childProtectionPlans` live here: child protection knows
 * people, people do not know child protection (tests/layers.test.ts).
 */
@Resolver(() => Person)
export class PersonChildProtectionResolver {
  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [Section47Enquiry], {
    nullable: true,
    description: "The child's section 47 enquiries, if you work the child's case",
  })
  section47Enquiries(@Root() person: PersonView, @Ctx() ctx: RequestContext) {
    return ctx.data.childProtection.enquiriesOf(person.id);
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [ChildProtectionPlan], {
    nullable: true,
    description: "The child's child protection plans (current and past), if you work the child's case",
  })
  childProtectionPlans(@Root() person: PersonView, @Ctx() ctx: RequestContext) {
    return ctx.data.childProtection.plansOf(person.id);
  }
}

async function rereadEnquiry(ctx: RequestContext, id: string) {
  const e = await ctx.data.childProtection.reloadEnquiry(id);
  if (!e) throw notFound('Section 47 enquiry');
  return e;
}

async function rereadPlan(ctx: RequestContext, id: string) {
  const p = await ctx.data.childProtection.reloadPlan(id);
  if (!p) throw notFound('Child protection plan');
  return p;
}
