import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { Sensitive } from '../access-policy/decorators';
import { PurposeEnum } from '../access-policy/enums';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { Person } from '../people/person.type';
import {
  EarlyHelpConnection,
  EarlyHelpEpisode,
  EarlyHelpFilterInput,
  EarlyHelpOutcomeEnum,
  EarlyHelpUpdateInput,
  StepDownInput,
  StepTransition,
  StepUpInput,
} from './early-help.type';
import type { EarlyHelpEpisodeView } from './early-help.repository';
import * as service from './early-help.service';

/** Thin adapters: rules live in early-help.service.ts, the state machine and the access policy. */
@Resolver(() => EarlyHelpEpisode)
export class EarlyHelpResolver {
  @Query(() => EarlyHelpEpisode, { nullable: true, description: 'An early-help episode in your scope' })
  earlyHelpEpisode(
    @Arg('id', () => ID) id: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return service.findEarlyHelpEpisode(ctx, id);
  }

  @Query(() => EarlyHelpConnection, { description: 'Early-help episodes in your scope, oldest opened first' })
  earlyHelpEpisodes(
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Arg('filter', () => EarlyHelpFilterInput, { nullable: true }) filter: EarlyHelpFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return service.listEarlyHelpEpisodes(ctx, filter, first, after);
  }

  @Mutation(() => EarlyHelpEpisode, {
    description: 'A MASH manager steps a child down from social care into early help',
  })
  async stepDownToEarlyHelp(@Arg('input', () => StepDownInput) input: StepDownInput, @Ctx() ctx: RequestContext) {
    return service.rereadEarlyHelpEpisode(ctx, await service.stepDownToEarlyHelp(ctx, input));
  }

  @Mutation(() => EarlyHelpEpisode, { description: 'A MASH manager steps an open episode up to social care' })
  async stepUpEarlyHelpEpisode(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => StepUpInput) input: StepUpInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadEarlyHelpEpisode(ctx, await service.stepUpEarlyHelpEpisode(ctx, id, input, expectedVersion));
  }

  @Mutation(() => EarlyHelpEpisode, {
    description: 'The lead professional, the assessment and the team around the family',
  })
  async updateEarlyHelpEpisode(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => EarlyHelpUpdateInput) input: EarlyHelpUpdateInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadEarlyHelpEpisode(ctx, await service.updateEarlyHelpEpisode(ctx, id, input, expectedVersion));
  }

  @Mutation(() => EarlyHelpEpisode, { description: 'Close an open episode: needs met, or not' })
  async closeEarlyHelpEpisode(
    @Arg('id', () => ID) id: string,
    @Arg('outcome', () => EarlyHelpOutcomeEnum) outcome: string,
    @Arg('closedAt', () => GraphQLISODateTime) closedAt: Date,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadEarlyHelpEpisode(
      ctx,
      await service.closeEarlyHelpEpisode(ctx, id, outcome, closedAt, expectedVersion),
    );
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [StepTransition], {
    nullable: true,
    description: 'Its step-down (how it began) and step-up (how it ended), if any',
  })
  transitions(@Root() episode: EarlyHelpEpisodeView, @Ctx() ctx: RequestContext) {
    return ctx.data.earlyHelp.transitionsOf(episode.id);
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => Person, { nullable: true, description: 'The child, as far as you may reach them' })
  person(@Root() episode: EarlyHelpEpisodeView, @Ctx() ctx: RequestContext) {
    return ctx.data.people.findPerson(episode.personId);
  }
}
