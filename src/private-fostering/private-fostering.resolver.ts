import { LocalDateResolver } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Sensitive } from '../access-policy/decorators';
import { PurposeEnum } from '../access-policy/enums';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { Person } from '../people/person.type';
import {
  ClosePrivateFosteringInput,
  NotifyPrivateFosteringInput,
  PrivateFosteringArrangement,
  PrivateFosteringArrangementConnection,
} from './private-fostering.type';
import type { PrivateFosteringView } from './private-fostering.repository';
import * as service from './private-fostering.service';

/** Thin adapters: rules live in private-fostering.service.ts, the state machine and the access policy. */
@Resolver(() => PrivateFosteringArrangement)
export class PrivateFosteringResolver {
  @Query(() => PrivateFosteringArrangement, {
    nullable: true,
    description: 'A private fostering arrangement in your scope',
  })
  privateFosteringArrangement(
    @Arg('id', () => ID) id: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return service.findPrivateFostering(ctx, id);
  }

  @Query(() => PrivateFosteringArrangementConnection, {
    description: 'Private fostering arrangements in your scope, oldest notification first',
  })
  privateFosteringArrangements(
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return service.listPrivateFostering(ctx, first, after);
  }

  @Mutation(() => PrivateFosteringArrangement, {
    description: 'Record a private fostering notification about a child you reach (social care MASH staff)',
  })
  async notifyPrivateFostering(
    @Arg('input', () => NotifyPrivateFosteringInput) input: NotifyPrivateFosteringInput,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadPrivateFostering(ctx, await service.notifyPrivateFostering(ctx, input));
  }

  @Mutation(() => PrivateFosteringArrangement, {
    description: 'A statutory visit was held (the first is the initial visit)',
  })
  async recordPrivateFosteringVisit(
    @Arg('id', () => ID) id: string,
    @Arg('heldOn', () => LocalDateResolver) heldOn: string,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadPrivateFostering(
      ctx,
      await service.recordPrivateFosteringVisit(ctx, id, heldOn, expectedVersion),
    );
  }

  @Mutation(() => PrivateFosteringArrangement, {
    description: 'The arrangement ended, or was found not to be private fostering',
  })
  async closePrivateFostering(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ClosePrivateFosteringInput) input: ClosePrivateFosteringInput,
    @Arg('expectedVersion', () => Int) expectedVersion: number,
    @Ctx() ctx: RequestContext,
  ) {
    return service.rereadPrivateFostering(ctx, await service.closePrivateFostering(ctx, id, input, expectedVersion));
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => Person, { nullable: true, description: 'The child, as far as you may reach them' })
  person(@Root() arrangement: PrivateFosteringView, @Ctx() ctx: RequestContext) {
    return ctx.data.people.findPerson(arrangement.personId);
  }
}
