import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { PurposeEnum } from '../access-policy/enums';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { Person } from '../people/person.type';
import {
  ChildProtectionCase,
  ChildProtectionCaseConnection,
  ChildProtectionCaseFilterInput,
  ChildProtectionCounts,
} from './child-protection-cases.type';
import { countChildProtectionCases, listChildProtectionCases } from './child-protection-cases.service';

/** Thin adapters: rules live in child-protection-cases.service.ts and the access policy. */
@Resolver(() => ChildProtectionCase)
export class ChildProtectionCasesResolver {
  @Query(() => ChildProtectionCaseConnection, {
    description:
      'The child protection list: one stage of the pathway for the children whose case you work, soonest due first; only the rows listed are read and audited',
  })
  childProtectionCases(
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Arg('filter', () => ChildProtectionCaseFilterInput) filter: ChildProtectionCaseFilterInput,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return listChildProtectionCases(ctx, filter, first, after);
  }

  @Query(() => ChildProtectionCounts, {
    description: 'The child protection list in your scope counted by stage (no rows, no names)',
  })
  childProtectionCounts(@Arg('purpose', () => PurposeEnum) purpose: Purpose, @Ctx() ctx: RequestContext) {
    ctx.access.declarePurpose(purpose);
    return countChildProtectionCases(ctx);
  }

  @FieldResolver(() => Person, { nullable: true })
  child(@Root() row: { personId: string }, @Ctx() ctx: RequestContext) {
    return ctx.data.people.findPerson(row.personId);
  }
}
