import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Ctx,
  FieldResolver,
  GraphQLISODateTime,
  ID,
  Info,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { Sensitive } from '../access-policy/decorators';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { PurposeEnum } from '../access-policy/enums';
import { Person } from '../people/person.type';
import { notFound } from '../shared/errors';
import { connectionNodeFields } from '../shared/selection';
import {
  AgencyCheck,
  AgencyCheckClosureReasonEnum,
  AgencyCheckResponseInput,
  AssigneeInput,
  DecisionInput,
  RagEnum,
  Referral,
  ReferralConnection,
  ReferralCounts,
  ReferralOrderEnum,
  ReferralFilter,
  ReferralRating,
  ReferralReceipt,
  ReferralTransition,
  SubmitReferralInput,
} from './referral.type';
import { ReferralChangeFilter, referralChanges, type ReferralChange } from './referral-changes';
import { findReferral, referrerView, triageQueue } from './referrals.queries';
import { type QueueCounts, type QueueOrder, type ReferralView } from './referrals.repository';
import * as service from './referrals.service';

/** Thin adapters: rules live in referrals.service.ts and the access policy. */
@Resolver(() => Referral)
export class ReferralsResolver {
  @Query(() => Referral, { nullable: true, description: 'A referral you have a legitimate relationship with' })
  referral(
    @Arg('id', () => ID) id: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return findReferral(ctx, id);
  }

  @Query(() => ReferralConnection, { description: 'The triage queue, ordered by decision due time' })
  referrals(
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Arg('filter', () => ReferralFilter, { nullable: true }) filter: ReferralFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
    @Arg('orderBy', () => ReferralOrderEnum, {
      nullable: true,
      description: 'Default DUE. A cursor belongs to its order',
    })
    orderBy: QueueOrder | null,
    @Info() info: GraphQLResolveInfo,
  ) {
    ctx.access.declarePurpose(purpose);
    return triageQueue(ctx, filter, first, after, orderBy ?? 'DUE', connectionNodeFields(info));
  }

  @Query(() => ReferralReceipt, {
    nullable: true,
    description: 'Your own referral as its referrer: status, outcome and feedback',
  })
  myReferral(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    ctx.access.declarePurpose('DIRECT_CARE');
    return referrerView(ctx, id);
  }

  @Subscription(() => Referral, {
    nullable: true,
    description: 'Each change to a referral you may see, read through your own scope when it happens (over graphql-ws)',
    subscribe: ({
      args,
      context,
    }: SubscribeResolverData<
      unknown,
      { filter?: ReferralChangeFilter | null; purpose: Purpose; since?: Date | null },
      RequestContext
    >) => {
      context.access.declarePurpose(args.purpose);
      return referralChanges(context, args.filter ?? null, args.purpose, args.since ?? null);
    },
  })
  referralChanged(
    @Root() change: ReferralChange,
    @Arg('purpose', () => PurposeEnum) _purpose: Purpose,
    @Arg('filter', () => ReferralChangeFilter, { nullable: true }) _filter: ReferralChangeFilter | null,
    @Arg('since', () => GraphQLISODateTime, {
      nullable: true,
      description:
        'Resuming after a lost connection: first replay the changes since this time (when you were last connected; at most 24 hours ago and 500 changes). ' +
        'Replayed from a minute earlier, so a change may arrive twice: keep the higher version',
    })
    _since: Date | null,
  ) {
    return change.referral;
  }

  @Mutation(() => ReferralReceipt, {
    description: 'Submit a referral; the same idempotency key never creates a second one',
  })
  async submitReferral(
    @Arg('input', () => SubmitReferralInput) input: SubmitReferralInput,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
    @Ctx() ctx: RequestContext,
  ) {
    const { referralId, replayed } = await service.submitReferral(ctx, input, idempotencyKey);
    return referrerView(ctx, referralId, replayed).catch(() => {
      throw notFound('Referral');
    });
  }

  @Mutation(() => Referral, { description: 'Rate RED, AMBER or GREEN with a rationale (re-rating keeps the history)' })
  async rateReferral(
    @Arg('id', () => ID) id: string,
    @Arg('rag', () => RagEnum) rag: string,
    @Arg('rationale', () => String) rationale: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.rateReferral(ctx, id, rag, rationale, expectedVersion));
  }

  @Mutation(() => Referral)
  async assignReferral(
    @Arg('id', () => ID) id: string,
    @Arg('assignee', () => AssigneeInput) assignee: AssigneeInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.assignReferral(ctx, id, assignee, expectedVersion));
  }

  @Mutation(() => Referral)
  async requestAgencyChecks(
    @Arg('referralId', () => ID) referralId: string,
    @Arg('agencies', () => [String]) agencies: string[],
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.requestAgencyChecks(ctx, referralId, agencies, expectedVersion));
  }

  @Mutation(() => Referral, { description: 'Answer a check addressed to your agency' })
  async respondToAgencyCheck(
    @Arg('checkId', () => ID) checkId: string,
    @Arg('input', () => AgencyCheckResponseInput) input: AgencyCheckResponseInput,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.respondToAgencyCheck(ctx, checkId, input));
  }

  @Mutation(() => Referral)
  async proposeDecision(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => DecisionInput) input: DecisionInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.proposeDecision(ctx, id, input, expectedVersion));
  }

  @Mutation(() => Referral, {
    description: 'Close a check the MASH no longer waits for (no longer needed, timed out, escalated)',
  })
  async closeAgencyCheck(
    @Arg('checkId', () => ID) checkId: string,
    @Arg('reason', () => AgencyCheckClosureReasonEnum) reason: string,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Arg('expectedVersion', () => Int, { description: 'The referral’s version' }) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.closeAgencyCheck(ctx, checkId, reason, note, expectedVersion));
  }

  @Mutation(() => Referral, {
    description: 'Authorise the proposed decision; with checks outstanding, say why it cannot wait for them',
  })
  async authoriseDecision(
    @Arg('id', () => ID) id: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Arg('overOutstandingChecksReason', () => String, { nullable: true }) overOutstandingChecksReason: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.authoriseDecision(ctx, id, expectedVersion, overOutstandingChecksReason));
  }

  @Mutation(() => Referral, { description: 'Amend the proposed decision and authorise it, saying why it was amended' })
  async amendAndAuthoriseDecision(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => DecisionInput) input: DecisionInput,
    @Arg('reason', () => String) reason: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Arg('overOutstandingChecksReason', () => String, { nullable: true }) overOutstandingChecksReason: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(
      ctx,
      await service.amendAndAuthoriseDecision(ctx, id, input, reason, expectedVersion, overOutstandingChecksReason),
    );
  }

  @Mutation(() => Referral, { description: 'Send the proposed decision back to the worker with a comment' })
  async returnDecision(
    @Arg('id', () => ID) id: string,
    @Arg('comment', () => String) comment: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.returnDecision(ctx, id, comment, expectedVersion));
  }

  @Mutation(() => Referral)
  async withdrawReferral(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String) reason: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.withdrawReferral(ctx, id, reason, expectedVersion));
  }

  @Mutation(() => Referral, { description: 'Merge a duplicate into another open referral' })
  async mergeReferral(
    @Arg('id', () => ID) id: string,
    @Arg('intoId', () => ID) intoId: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
    @Arg('reason', () => String, {
      nullable: true,
      description: 'Why it is a duplicate, kept in the status history',
    })
    reason?: string | null,
  ) {
    return reread(ctx, await service.mergeReferral(ctx, id, intoId, expectedVersion, reason ?? null));
  }

  @Mutation(() => Referral)
  async sendReferrerFeedback(
    @Arg('id', () => ID) id: string,
    @Arg('message', () => String) message: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return reread(ctx, await service.sendReferrerFeedback(ctx, id, message, expectedVersion));
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [Person], {
    nullable: true,
    description: 'The people the referral is about, as far as you may reach them',
  })
  async subjects(@Root() referral: ReferralView, @Ctx() ctx: RequestContext) {
    const people = await Promise.all(referral.subjectPersonIds.map((id) => ctx.data.people.findPerson(id)));
    return people.filter((p) => p !== null);
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [Referral], {
    nullable: true,
    description:
      'Has this child been referred before? Earlier referrals about any subject of this one that you may reach, newest first: one you have no relationship with is not listed',
  })
  async previousReferrals(@Root() referral: ReferralView, @Ctx() ctx: RequestContext) {
    const lists = await Promise.all(referral.subjectPersonIds.map((id) => ctx.data.referrals.referralsOfPerson(id)));
    const earlier = new Map<string, ReferralView>();
    for (const r of lists.flat()) if (r.id !== referral.id && r.receivedAt < referral.receivedAt) earlier.set(r.id, r);
    return [...earlier.values()].sort(
      (a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || a.id.localeCompare(b.id),
    );
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [AgencyCheck], {
    nullable: true,
    description: 'Checks requested (agency officers see their own agency’s only)',
  })
  checks(@Root() referral: ReferralView, @Ctx() ctx: RequestContext) {
    return ctx.data.referrals.checksOf(referral.id);
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [ReferralRating], { nullable: true, description: 'RAG history, oldest first' })
  ratings(@Root() referral: ReferralView, @Ctx() ctx: RequestContext) {
    return ctx.data.referrals.ratingsOf(referral.id);
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [ReferralTransition], {
    nullable: true,
    description:
      'Every step of the workflow, oldest first: who, when, from and to which status, and why (agency officers see their own agency’s check steps only)',
  })
  statusHistory(@Root() referral: ReferralView, @Ctx() ctx: RequestContext) {
    return ctx.data.referrals.historyOf(referral.id);
  }
}

/** After a change, the referral as the viewer may now see it (an agency officer keeps seeing it through the check). */
async function reread(ctx: RequestContext, id: string) {
  const r = await ctx.data.referrals.reload(id);
  if (!r) throw notFound('Referral');
  return r;
}

/** The queue's counts: only when asked for, under the queue's scope and filter (referrals.queries.ts). */
@Resolver(() => ReferralConnection)
export class ReferralQueueResolver {
  @FieldResolver(() => ReferralCounts, {
    description:
      'Counts of the whole filtered queue (not the page) by RAG, status, breached, unassigned and agency waited on',
  })
  counts(@Root() connection: { countsOf: () => Promise<QueueCounts> }) {
    return connection.countsOf();
  }
}
