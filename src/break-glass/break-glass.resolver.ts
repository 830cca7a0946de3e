import {
  Arg,
  Ctx,
  GraphQLISODateTime,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import type { RequestContext } from '../context/context';
import {
  acknowledgeAlert,
  alertsFor,
  breakGlassReviews,
  openBreakGlass,
  reviewBreakGlass,
} from './break-glass.service';
import { alertsRaised, type AlertRaised } from './alert-changes';
import {
  Alert,
  AlertConnection,
  BreakGlass,
  BreakGlassConnection,
  BreakGlassReviewOutcomeEnum,
  BreakGlassReviewStatusEnum,
} from './break-glass.type';

@Resolver()
export class BreakGlassResolver {
  @Mutation(() => BreakGlass, {
    description:
      "Emergency, time-boxed access to one person's agency detail (never sealed fields); alerts the holding agencies and IG",
  })
  openBreakGlass(
    @Arg('personId', () => ID) personId: string,
    @Arg('reason') reason: string,
    @Ctx() ctx: RequestContext,
  ) {
    return openBreakGlass(ctx, personId, reason);
  }

  @Mutation(() => BreakGlass, { description: 'Record the outcome of an IG review of a break-glass (final)' })
  reviewBreakGlass(
    @Arg('id', () => ID) id: string,
    @Arg('outcome', () => BreakGlassReviewOutcomeEnum) outcome: string,
    @Arg('note') note: string,
    @Ctx() ctx: RequestContext,
  ) {
    return reviewBreakGlass(ctx, id, outcome, note);
  }

  @Mutation(() => Alert, {
    description:
      'Acknowledge an alert addressed to your agency (IG auditors: those addressed to information governance): who and when are recorded, once',
  })
  acknowledgeAlert(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return acknowledgeAlert(ctx, id);
  }

  @Query(() => BreakGlassConnection, { description: 'The IG break-glass review queue' })
  breakGlassReviews(
    @Arg('status', () => BreakGlassReviewStatusEnum) status: string,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return breakGlassReviews(ctx, status, first, after);
  }

  @Query(() => AlertConnection, {
    description: 'Alerts addressed to your agency (IG auditors: every alert), newest first',
  })
  alerts(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return alertsFor(ctx, first, after);
  }

  @Subscription(() => Alert, {
    description: 'Alerts as they are raised for your agency (IG auditors: every alert), across hub processes',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { since?: Date | null }, RequestContext>) =>
      alertsRaised(context, args.since ?? null),
  })
  alertRaised(
    @Root() raised: AlertRaised,
    @Arg('since', () => GraphQLISODateTime, {
      nullable: true,
      description:
        'Resuming after a lost connection: first replay the alerts raised for you since this time (when you were last connected; at most 24 hours ago and 500 alerts). ' +
        'Replayed from a minute earlier, so an alert may arrive twice: keep one per id',
    })
    _since: Date | null,
  ) {
    return raised.alert;
  }
}
