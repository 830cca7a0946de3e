import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Sensitive } from '../access-policy/decorators';
import type { RequestContext } from '../context/context';
import type { PersonView } from '../people/people.repository';
import { Person } from '../people/person.type';
import { Referral } from './referral.type';

/**
 * `Person.referrals` lives with the referrals domain: referrals know people, people do not know
 * referrals (tests/layers.test.ts keeps domains from importing each other).
 */
@Resolver(() => Person)
export class PersonReferralsResolver {
  @Sensitive('CASE_METADATA')
  @FieldResolver(() => [Referral], {
    nullable: true,
    description:
      'Has this child been referred before? The referrals (contacts) about this person that you may reach, newest first (at most 100): reference, received, status, outcome. One you have no relationship with is not listed',
  })
  referrals(@Root() person: PersonView, @Ctx() ctx: RequestContext) {
    return ctx.data.referrals.referralsOfPerson(person.id);
  }
}
