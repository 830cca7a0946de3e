import { graphqlEnum } from '../shared/enums';
import {
  DISABILITY_STATUSES,
  ETHNICITIES,
  IDENTIFIER_TYPES,
  PERSON_KINDS,
  RELATIONSHIP_TYPES,
  SEXES,
} from './vocabulary';

/** The people vocabulary as GraphQL enums (written once, in vocabulary.ts). */
export const PersonKindEnum = graphqlEnum(PERSON_KINDS, 'PersonKind');
export const SexEnum = graphqlEnum(SEXES, 'Sex');
export const EthnicityEnum = graphqlEnum(
  ETHNICITIES,
  'Ethnicity',
  'ONS 2021 ethnic groups, plus not recorded / not provided',
);
export const DisabilityEnum = graphqlEnum(DISABILITY_STATUSES, 'DisabilityStatus');
export const RelationshipTypeEnum = graphqlEnum(RELATIONSHIP_TYPES, 'RelationshipType');
export const IdentifierTypeEnum = graphqlEnum(IDENTIFIER_TYPES, 'IdentifierType');
