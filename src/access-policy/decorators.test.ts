import { Arg, buildSchemaSync, Field, InputType, ObjectType, Query, Resolver } from 'type-graphql';
import { Filters, NonPersonal, Sensitive } from './decorators';
import { fieldAccessDeclarations } from './field-guard';
import { declaredFilters } from './filter-policy';

/** The decorators put on the schema exactly what the field guard and the filter guard read. */

@ObjectType()
class Child {
  @Sensitive('SEALED')
  @Field(() => String)
  refugeAddress!: string;

  @Sensitive('IDENTITY')
  @Field(() => String)
  familyName!: string;
}

@NonPersonal()
@ObjectType()
class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@InputType()
class ChildFilter {
  @Filters('IDENTITY', 'Child.familyName')
  @Field(() => String, { nullable: true })
  familyName?: string;
}

@Resolver()
class ChildResolver {
  @Query(() => Child)
  child(@Arg('filter', () => ChildFilter, { nullable: true }) _filter?: ChildFilter): Child {
    return { refugeAddress: '', familyName: '' };
  }

  @Query(() => PageInfo)
  page(): PageInfo {
    return { hasNextPage: false };
  }
}

describe('decorators: sensitivity, non-personal types and filter declarations reach the schema', () => {
  const schema = buildSchemaSync({ resolvers: [ChildResolver], validate: false });

  it("given @Sensitive fields and a @NonPersonal type, then the field guard reads each class and the type's fields as non-personal", () => {
    expect(fieldAccessDeclarations(schema).sort((a, b) => a.coordinate.localeCompare(b.coordinate))).toEqual([
      { coordinate: 'Child.familyName', kind: 'sensitivity', sensitivity: 'IDENTITY' },
      { coordinate: 'Child.refugeAddress', kind: 'sensitivity', sensitivity: 'SEALED' },
      { coordinate: 'PageInfo.hasNextPage', kind: 'non-personal' },
    ]);
  });

  it('given @Filters on an input field, then the filter guard finds its class and the fields it compares with', () => {
    expect(declaredFilters(schema)).toEqual([
      {
        coordinate: 'Query.child.filter.familyName',
        path: ['filter', 'familyName'],
        cls: 'IDENTITY',
        on: 'Child.familyName',
      },
    ]);
  });
});

@InputType()
class ReferralLikeFilter {
  @Filters('SHARED_SUMMARY', 'Referral.concernCategories', 'referral')
  @Field(() => String, { nullable: true })
  concern?: string;
}

@Resolver()
class ReferralLikeResolver {
  @Query(() => Boolean)
  referralLike(@Arg('filter', () => ReferralLikeFilter, { nullable: true }) _filter?: ReferralLikeFilter): boolean {
    return true;
  }
}

describe('decorators: a filter naming the scoped list whose rows it narrows', () => {
  it('given @Filters with a list, then the filter guard reads the list too (its every-row relationships may count)', () => {
    const schema = buildSchemaSync({ resolvers: [ReferralLikeResolver], validate: false });
    expect(declaredFilters(schema)).toEqual([
      {
        coordinate: 'Query.referralLike.filter.concern',
        path: ['filter', 'concern'],
        cls: 'SHARED_SUMMARY',
        on: 'Referral.concernCategories',
        rows: 'referral',
      },
    ]);
  });
});
