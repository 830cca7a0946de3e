import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { NonPersonal } from '../access-policy/decorators';
import type { RequestContext } from '../context/context';
import { AgencyKindEnum, PurposeEnum, RoleEnum } from '../access-policy/enums';
import { AgencyType } from '../people/people.inputs';

@NonPersonal()
@ObjectType({ description: 'The signed-in user, as the hub understands their token' })
export class Me {
  @Field() sub!: string;
  @Field() name!: string;
  @Field() agency!: string;
  @Field(() => AgencyKindEnum) agencyKind!: string;
  @Field(() => [RoleEnum]) roles!: string[];
  @Field(() => [PurposeEnum], { description: 'Purposes of use you may declare' }) purposes!: string[];
}

@Resolver()
export class MeResolver {
  @Query(() => Me)
  me(@Ctx() ctx: RequestContext): Me {
    const v = ctx.viewer;
    return {
      sub: v.sub,
      name: v.name,
      agency: v.agency,
      agencyKind: v.agencyKind,
      roles: [...v.roles],
      purposes: [...ctx.hub.policy.purposesFor(v)],
    };
  }

  @Query(() => [AgencyType], { description: 'The agencies of this partnership' })
  agencies(@Ctx() ctx: RequestContext): AgencyType[] {
    return ctx.hub.agencies.list().map((a) => ({ ...a, agencyKind: a.kind }));
  }
}
