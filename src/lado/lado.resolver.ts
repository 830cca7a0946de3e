import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { PurposeEnum } from '../access-policy/enums';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import {
  AllegationMeetingInput,
  AllegationOutcomeInput,
  LadoAllegation,
  LadoAllegationConnection,
  LadoAllegationFilterInput,
  LadoAllegationInput,
} from './lado.type';
import * as service from './lado.service';

/** Thin adapters: rules live in lado.service.ts, the state machine and the access policy. */
@Resolver(() => LadoAllegation)
export class LadoResolver {
  @Query(() => LadoAllegation, { nullable: true, description: 'An allegation in your scope' })
  ladoAllegation(
    @Arg('id', () => ID) id: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return service.findLadoAllegation(ctx, id);
  }

  @Query(() => LadoAllegationConnection, { description: 'Allegations in your scope, oldest received first' })
  ladoAllegations(
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Arg('filter', () => LadoAllegationFilterInput, { nullable: true }) filter: LadoAllegationFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return service.listLadoAllegations(ctx, filter, first, after);
  }

  @Mutation(() => LadoAllegation, {
    description: 'The LADO records an allegation against someone who works with children',
  })
  async recordLadoAllegation(
    @Arg('input', () => LadoAllegationInput) input: LadoAllegationInput,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadLadoAllegation(ctx, await service.recordLadoAllegation(ctx, input));
  }

  @Mutation(() => LadoAllegation, {
    description: 'The allegations-against-staff meeting, and whether the employer is invited',
  })
  async scheduleAllegationMeeting(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => AllegationMeetingInput) input: AllegationMeetingInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadLadoAllegation(ctx, await service.scheduleAllegationMeeting(ctx, id, input, expectedVersion));
  }

  @Mutation(() => LadoAllegation, { description: 'The outcome and any DBS referral' })
  async recordAllegationOutcome(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => AllegationOutcomeInput) input: AllegationOutcomeInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadLadoAllegation(ctx, await service.recordAllegationOutcome(ctx, id, input, expectedVersion));
  }
}
