import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context/context';
import { PurposeEnum } from '../access-policy/enums';
import { notFound } from '../shared/errors';
import { PersonInput, PersonSearchInput, UpsertPersonPayload } from './people.inputs';
import { searchPeople } from './people.queries';
import { guardLike, type PersonView } from './people.repository';
import { upsertPerson } from './people.service';
import { Person, PersonMatch, PersonRelationship } from './person.type';
import type { Purpose } from '../access-policy/vocabulary';

@Resolver(() => Person)
export class PeopleResolver {
  @Query(() => [PersonMatch], {
    description: 'Person matching: by identifier, or by name and date of birth with tolerance',
  })
  searchPeople(
    @Arg('input', () => PersonSearchInput) input: PersonSearchInput,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return searchPeople(ctx, input, first);
  }

  @Mutation(() => UpsertPersonPayload, {
    description:
      "Create or update a person from your agency's system (idempotent on the source reference). A strong identifier held by someone you cannot reach never links you to them: you get a person of your own and the MASH is asked to confirm the match",
  })
  async upsertPerson(@Arg('input', () => PersonInput) input: PersonInput, @Ctx() ctx: RequestContext) {
    const { personId, outcome } = await upsertPerson(ctx, input);
    const person = await ctx.data.people.findPerson(personId);
    if (!person) throw notFound('Person');
    return guardLike(ctx.access, { outcome, person }, person);
  }

  @FieldResolver(() => [PersonRelationship], { nullable: true })
  relationships(@Root() person: PersonView, @Ctx() ctx: RequestContext) {
    return ctx.data.people.relationshipsOfPerson(person.id);
  }
}
