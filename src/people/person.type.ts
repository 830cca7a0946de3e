import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { Sensitive } from '../access-policy/decorators';
import { DisabilityEnum, EthnicityEnum, PersonKindEnum, RelationshipTypeEnum, SexEnum } from './people.enums';

/** A person as the viewer may see them. Every field is nullable so a redaction never nulls a parent. */
@ObjectType({ description: 'A child (or unborn child) or an adult known to the partnership' })
export class Person {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('IDENTITY') @Field(() => PersonKindEnum, { nullable: true }) kind!: string;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) givenName!: string;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) familyName!: string;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) otherNames!: string | null;
  @Sensitive('IDENTITY') @Field(() => LocalDateResolver, { nullable: true }) dateOfBirth!: string | null;
  @Sensitive('IDENTITY') @Field(() => LocalDateResolver, { nullable: true }) expectedDateOfDelivery!: string | null;
  @Sensitive('IDENTITY') @Field(() => SexEnum, { nullable: true }) sex!: string;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) nhsNumber!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) pncId!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) laPersonId!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) upn!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) address!: string | null;
  @Sensitive('IDENTITY') @Field(() => String, { nullable: true }) postcode!: string | null;
  @Sensitive('IDENTITY') @Field(() => EthnicityEnum, { nullable: true }) ethnicity!: string;
  @Sensitive('IDENTITY')
  @Field(() => String, { nullable: true, description: 'Language code or NOT_RECORDED / NOT_PROVIDED_BY_SOURCE' })
  firstLanguage!: string;
  @Sensitive('IDENTITY')
  @Field(() => String, { nullable: true, description: 'Religion or NOT_RECORDED / NOT_PROVIDED_BY_SOURCE' })
  religion!: string;
  @Sensitive('IDENTITY') @Field(() => DisabilityEnum, { nullable: true }) disability!: string;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => Int, { nullable: true }) version!: number;

  @Sensitive('IDENTITY')
  @Field(() => [PersonRelationship], {
    nullable: true,
    description: 'Relationships to people the viewer may also reach',
  })
  relationships?: PersonRelationship[];
  // `records` (and `referrals`, ...) are added by field resolvers in their own domains: records/person-records.resolver.ts.
}

@ObjectType()
export class PersonRelationship {
  @Sensitive('IDENTITY')
  @Field(() => RelationshipTypeEnum, { nullable: true, description: 'What the related person is to this person' })
  type!: string;
  @Sensitive('IDENTITY') @Field(() => Person, { nullable: true }) relatedPerson!: Person;
}

@ObjectType({ description: 'A candidate from person matching, with the reasons for its score' })
export class PersonMatch {
  @Sensitive('CASE_METADATA') @Field(() => Float, { nullable: true }) score!: number;
  @Sensitive('CASE_METADATA') @Field(() => [String], { nullable: true }) reasons!: string[];
  @Sensitive('CASE_METADATA') @Field(() => Person, { nullable: true }) person!: Person;
}
