import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { Guarded } from '../access-policy/request-access';
import { Sensitive } from '../access-policy/decorators';
import { PurposeEnum } from '../access-policy/enums';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { chronologyOf } from '../people/people.queries';
import type { PersonView } from '../people/people.repository';
import { Person } from '../people/person.type';
import { notFound } from '../shared/errors';
import { selectedFields } from '../shared/selection';
import { assertUuid } from '../shared/validation';
import { AgencyRecord, ChronologyEntry } from './agency-record.type';

/**
 * The `person` query, `Person.records` and the `chronology` query live with the records domain:
 * records know people, people do not know records (tests/layers.test.ts keeps domains from
 * importing each other).
 */
@Resolver(() => Person)
export class PersonRecordsResolver {
  @Query(() => Person, { nullable: true, description: 'A person you have a legitimate relationship with' })
  async person(
    @Arg('id', () => ID) id: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Guarded<PersonView>> {
    ctx.access.declarePurpose(purpose);
    assertUuid('id', id);
    // A view that asks for the records reads the person and their records in one statement (issue 21).
    const person = selectedFields(info)?.has('records')
      ? await ctx.data.records.findPersonWithRecords(id)
      : await ctx.data.people.findPerson(id);
    if (!person) {
      ctx.access.attempted(id, 'NOT_FOUND');
      throw notFound('Person');
    }
    return person;
  }

  @Query(() => [ChronologyEntry], {
    description: 'Significant events about a person from every agency, oldest first, as far as you may see them',
  })
  async chronology(
    @Arg('personId', () => ID) personId: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    assertUuid('personId', personId);
    const entries = await chronologyOf(ctx, personId);
    if (!entries) {
      ctx.access.attempted(personId, 'NOT_FOUND');
      throw notFound('Person');
    }
    return entries;
  }

  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [AgencyRecord], {
    nullable: true,
    description: 'Agency records about this person, newest first',
  })
  records(@Root() person: PersonView, @Ctx() ctx: RequestContext) {
    return ctx.data.records.recordsOf(person.id);
  }
}
