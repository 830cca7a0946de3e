import { graphqlEnum } from '../shared/enums';
import { AGENCY_KINDS, PURPOSES, REDACTION_REASONS, ROLES } from './vocabulary';

/** The access policy's vocabulary as GraphQL enums (written once, in vocabulary.ts). */
export const RoleEnum = graphqlEnum(ROLES, 'Role');
export const AgencyKindEnum = graphqlEnum(AGENCY_KINDS, 'AgencyKind');
export const PurposeEnum = graphqlEnum(PURPOSES, 'Purpose', 'Purpose of use, declared on every read of person data');
export const RedactionReasonEnum = graphqlEnum(REDACTION_REASONS, 'RedactionReason');
