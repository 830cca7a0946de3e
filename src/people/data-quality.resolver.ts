import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { PurposeEnum } from '../access-policy/enums';
import { dataQualityIssues, resolveDataQualityIssue } from './data-quality.service';
import {
  DataQualityConnection,
  DataQualityIssue,
  DataQualityStatusEnum,
  ResolveDataQualityIssueInput,
} from './data-quality.type';

@Resolver()
export class DataQualityResolver {
  @Query(() => DataQualityConnection, {
    description:
      'The data-quality queue: proposed matches and sources disagreeing on identity, oldest first (MASH social care)',
  })
  dataQualityIssues(
    @Arg('status', () => DataQualityStatusEnum) status: string,
    @Arg('purpose', () => PurposeEnum) purpose: Purpose,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    ctx.access.declarePurpose(purpose);
    return dataQualityIssues(ctx, status, first, after);
  }

  @Mutation(() => DataQualityIssue, {
    description: 'Decide a data-quality issue: confirm or reject a proposed match, or accept one source’s value',
  })
  resolveDataQualityIssue(
    @Arg('input', () => ResolveDataQualityIssueInput) input: ResolveDataQualityIssueInput,
    @Ctx() ctx: RequestContext,
  ) {
    return resolveDataQualityIssue(ctx, input);
  }
}
