import { AgencyKindEnum } from '../access-policy/enums';
import { Field, InputType, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { Filters, NonPersonal, Sensitive } from '../access-policy/decorators';
import {
  DisabilityEnum,
  EthnicityEnum,
  IdentifierTypeEnum,
  PersonKindEnum,
  RelationshipTypeEnum,
  SexEnum,
} from './people.enums';
import { graphqlEnum } from '../shared/enums';
import { Person } from './person.type';

@InputType()
export class RelationshipInput {
  @Field(() => String, { description: 'The related person (must be reachable by you)' }) relatedPersonId!: string;
  @Field(() => RelationshipTypeEnum, { description: 'What the related person is to this person' }) type!: string;
}

@InputType({ description: "A person as held in the contributing agency's own system" })
export class PersonInput {
  @Field() sourceSystem!: string;
  @Field() sourceReference!: string;
  @Field(() => PersonKindEnum) kind!: 'CHILD' | 'UNBORN' | 'ADULT';
  @Field() givenName!: string;
  @Field() familyName!: string;
  @Field(() => String, { nullable: true }) otherNames?: string | null;
  @Field(() => LocalDateResolver, { nullable: true }) dateOfBirth?: string | null;
  @Field(() => LocalDateResolver, { nullable: true }) expectedDateOfDelivery?: string | null;
  @Field(() => SexEnum, { nullable: true }) sex?: 'FEMALE' | 'MALE' | 'INDETERMINATE' | 'NOT_RECORDED' | null;
  @Field(() => String, { nullable: true }) nhsNumber?: string | null;
  @Field(() => String, { nullable: true }) pncId?: string | null;
  @Field(() => String, { nullable: true }) laPersonId?: string | null;
  @Field(() => String, { nullable: true }) upn?: string | null;
  @Field(() => String, { nullable: true }) address?: string | null;
  @Field(() => String, { nullable: true }) postcode?: string | null;
  @Field(() => EthnicityEnum, { nullable: true }) ethnicity?: string | null;
  @Field(() => String, { nullable: true }) firstLanguage?: string | null;
  @Field(() => String, { nullable: true }) religion?: string | null;
  @Field(() => DisabilityEnum, { nullable: true }) disability?: string | null;
  @Field(() => [RelationshipInput], { nullable: true }) relationships?: RelationshipInput[] | null;
}

@InputType()
export class IdentifierInput {
  @Field(() => IdentifierTypeEnum) type!: 'NHS_NUMBER' | 'PNC_ID' | 'LA_PERSON_ID' | 'UPN';
  @Field() value!: string;
}

@InputType({
  description: 'Search by an identifier (exact), or by family name with optional given name and date of birth',
})
export class PersonSearchInput {
  @Filters('IDENTITY', 'Person.nhsNumber, Person.pncId, Person.laPersonId, Person.upn')
  @Field(() => IdentifierInput, { nullable: true })
  identifier?: IdentifierInput | null;
  @Filters('IDENTITY', 'Person.familyName') @Field(() => String, { nullable: true }) familyName?: string | null;
  @Filters('IDENTITY', 'Person.givenName') @Field(() => String, { nullable: true }) givenName?: string | null;
  @Filters('IDENTITY', 'Person.dateOfBirth') @Field(() => LocalDateResolver, { nullable: true }) dateOfBirth?:
    | string
    | null;
}

export const UpsertOutcomeEnum = graphqlEnum(['CREATED', 'UPDATED', 'UNCHANGED', 'LINKED'] as const, 'UpsertOutcome');

@ObjectType()
export class UpsertPersonPayload {
  @Sensitive('CASE_METADATA') @Field(() => UpsertOutcomeEnum, { nullable: true }) outcome!: string;
  @Sensitive('CASE_METADATA') @Field(() => Person, { nullable: true }) person!: Person;
}

@NonPersonal()
@ObjectType({ description: 'An agency of the partnership' })
export class AgencyType {
  @Field() code!: string;
  @Field() name!: string;
  @Field({ deprecationReason: 'Use agencyKind, the AgencyKind enum (ADR 021)' }) kind!: string;
  @Field(() => AgencyKindEnum) agencyKind!: string;
}
