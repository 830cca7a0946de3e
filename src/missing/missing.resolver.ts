import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { Sensitive } from '../access-policy/decorators';
import { PurposeEnum } from '../access-policy/enums';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { Person } from '../people/person.type';
import {
  MissingEpisode,
  MissingEpisodeConnection,
  MissingEpisodeFilterInput,
  RecordMissingEpisodeInput,
  ReturnInterviewInput,
} from './missing-episode.type';
import type { MissingEpisodeView } from './missing.repository';
import * as service from './missing.service';

/** Thin adapters: rules live in missing.service.ts, the state machine and the access policy. */
@Resolver(() => MissingEpisode)
export class MissingEpisodesResolver {
  @Query(() => MissingEpisode, { nullable: true, description: 'A missing episode in your scope' })
  missingEpisode(
    @Arg('id', () => ID) id: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return service.findMissingEpisode(ctx, id);
  }

  @Query(() => MissingEpisodeConnection, {
    description: 'Missing episodes in your scope, oldest start first (the return home interview worklist)',
  })
  missingEpisodes(
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Arg('filter', () => MissingEpisodeFilterInput, { nullable: true }) filter: MissingEpisodeFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return service.listMissingEpisodes(ctx, filter, first, after);
  }

  @Mutation(() => MissingEpisode, {
    description: 'Record that a child you reach went missing (from home, care, education or health)',
  })
  async recordMissingEpisode(
    @Arg('input', () => RecordMissingEpisodeInput) input: RecordMissingEpisodeInput,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadMissingEpisode(ctx, await service.recordMissingEpisode(ctx, input));
  }

  @Mutation(() => MissingEpisode, { description: 'The child was found or came back' })
  async recordMissingReturn(
    @Arg('id', () => ID) id: string,
    @Arg('returnedAt', () => GraphQLISODateTime) returnedAt: Date,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadMissingEpisode(ctx, await service.recordMissingReturn(ctx, id, returnedAt, expectedVersion));
  }

  @Mutation(() => MissingEpisode, {
    description: 'A return home interview was offered (due within 72 hours of the return)',
  })
  async offerReturnInterview(
    @Arg('id', () => ID) id: string,
    @Arg('offeredAt', () => GraphQLISODateTime) offeredAt: Date,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadMissingEpisode(ctx, await service.offerReturnInterview(ctx, id, offeredAt, expectedVersion));
  }

  @Mutation(() => MissingEpisode, { description: 'The return home interview was held or declined, and by whom' })
  async recordReturnInterview(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ReturnInterviewInput) input: ReturnInterviewInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadMissingEpisode(ctx, await service.recordReturnInterview(ctx, id, input, expectedVersion));
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => Person, { nullable: true, description: 'The child, as far as you may reach them' })
  person(@Root() episode: MissingEpisodeView, @Ctx() ctx: RequestContext) {
    return ctx.data.people.findPerson(episode.personId);
  }
}
