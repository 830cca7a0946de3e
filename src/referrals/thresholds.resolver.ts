import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { NonPersonal } from '../access-policy/decorators';
import type { RequestContext } from '../context/context';
import { ThresholdLevelEnum } from './referral.type';
import { loadPartnershipSettings } from './settings';
import { THRESHOLD_LEVELS } from './vocabulary';

@NonPersonal()
@ObjectType({
  description: 'A threshold level of the local continuum of need: the stable code and the partnership’s name for it',
})
export class ThresholdLevelName {
  @Field(() => ThresholdLevelEnum) level!: string;
  @Field({ description: 'e.g. "Complex" (London Continuum) or "Tier 3" (MASH_PARTNERSHIP_FILE)' }) name!: string;
}

/** Thin adapter; who may call it is in access-policy/shield.ts (MASH roles, who record threshold decisions). */
@Resolver()
export class ThresholdsResolver {
  @Query(() => [ThresholdLevelName], {
    description: 'The threshold levels with the names this partnership gives them, lowest first',
  })
  thresholdLevels(@Ctx() ctx: RequestContext): ThresholdLevelName[] {
    const names = loadPartnershipSettings(ctx.hub.config.partnershipFile).thresholdLevelNames;
    return THRESHOLD_LEVELS.map((level) => ({ level, name: names[level] }));
  }
}
