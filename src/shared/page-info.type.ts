import { Extensions, Field, ObjectType } from 'type-graphql';

/**
 * The one `PageInfo` of the Relay cursor connections specification, shared by every connection.
 * Pagination is forward only (`first`/`after`, which the specification allows): `hasPreviousPage`
 * is always false. Marked non-personal like `@NonPersonal()` does (the access policy sits above
 * this folder): it carries cursors and booleans, never a value from a person.
 */
@Extensions({ access: 'NON_PERSONAL' })
@ObjectType({ description: 'Relay page information. Forward pagination only: hasPreviousPage is always false' })
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'Always false: pages are fetched forward (first/after)' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: "The first edge's cursor; null on an empty page" }) startCursor!:
    | string
    | null;
  @Field(() => String, {
    nullable: true,
    description: "The last edge's cursor: pass it as `after` for the next page; null on an empty page",
  })
  endCursor!: string | null;
}

/** A connection's page info from its edges and whether rows follow them. */
export function pageInfoOf(
  edges: ReadonlyArray<{ cursor: string }>,
  hasNextPage: boolean,
  endCursor: string | null = edges.at(-1)?.cursor ?? null,
): PageInfo {
  return { hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor };
}
