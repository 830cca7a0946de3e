import { registerEnumType } from 'type-graphql';
import { AGENCY_KINDS, PURPOSES, REDACTION_REASONS, ROLES } from '../access-policy/vocabulary';
import {
  DISABILITY_STATUSES,
  ETHNICITIES,
  IDENTIFIER_TYPES,
  PERSON_KINDS,
  RELATIONSHIP_TYPES,
  SEXES,
} from '../people/vocabulary';

/** Builds a GraphQL enum from a const tuple so the vocabulary is written once. */
export function graphqlEnum<T extends string>(values: readonly T[], name: string, description?: string): Record<T, T> {
  const obj = Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
  registerEnumType(obj, { name, description });
  return obj;
}

export const RoleEnum = graphqlEnum(ROLES, 'Role');
export const AgencyKindEnum = graphqlEnum(AGENCY_KINDS, 'AgencyKind');
export const PurposeEnum = graphqlEnum(PURPOSES, 'Purpose', 'Purpose of use, declared on every read of person data');
export const RedactionReasonEnum = graphqlEnum(REDACTION_REASONS, 'RedactionReason');
export const PersonKindEnum = graphqlEnum(PERSON_KINDS, 'PersonKind');
export const SexEnum = graphqlEnum(SEXES, 'Sex');
export const EthnicityEnum = graphqlEnum(ETHNICITIES, 'Ethnicity', 'ONS 2021 ethnic groups, plus not recorded / not provided');
export const DisabilityEnum = graphqlEnum(DISABILITY_STATUSES, 'DisabilityStatus');
export const RelationshipTypeEnum = graphqlEnum(RELATIONSHIP_TYPES, 'RelationshipType');
export const IdentifierTypeEnum = graphqlEnum(IDENTIFIER_TYPES, 'IdentifierType');
