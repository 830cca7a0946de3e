import { Field, Float, GraphQLISODateTime, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import { Sensitive } from '../access-policy/decorators';
import { graphqlEnum } from '../shared/enums';
import { CHRONOLOGY_ENTRY_KINDS, CHRONOLOGY_SOURCES } from '../context/chronology';
import {
  CP_CATEGORIES,
  DA_RISK_LEVELS,
  INCIDENT_ROLES,
  LEGAL_STATUSES,
  MAPPA_LEVELS,
  RECORD_TYPE_NAMES,
  RECORD_TYPES,
  ROSH_LEVELS,
  SEN_STATUSES,
} from './record-types';

export const RecordTypeEnum = graphqlEnum(RECORD_TYPE_NAMES, 'RecordType');
export const IncidentRoleEnum = graphqlEnum(INCIDENT_ROLES, 'IncidentRole');
export const DaRiskLevelEnum = graphqlEnum(DA_RISK_LEVELS, 'DomesticAbuseRiskLevel');
export const MappaLevelEnum = graphqlEnum(MAPPA_LEVELS, 'MappaLevel');
export const RoshLevelEnum = graphqlEnum(ROSH_LEVELS, 'RiskOfSeriousHarmLevel');
export const LegalStatusEnum = graphqlEnum(LEGAL_STATUSES, 'LegalStatus');
export const CpCategoryEnum = graphqlEnum(CP_CATEGORIES, 'ChildProtectionCategory');
export const SenStatusEnum = graphqlEnum(SEN_STATUSES, 'SenStatus');

/** Fields every agency record has: what it is, who owns it, and where it came from. */
@InterfaceType({
  description: 'A record about a person, owned by the contributing agency',
  resolveType: (value: { recordType: keyof typeof RECORD_TYPES }) =>
    AGENCY_KIND_TYPE_NAME[RECORD_TYPES[value.recordType]],
})
export abstract class AgencyRecord {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) personId!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Owning agency code' })
  owningAgency!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => RecordTypeEnum, { nullable: true }) recordType!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => GraphQLISODateTime, { nullable: true }) occurredAt!: Date;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => String, { nullable: true, description: "The agency's triage summary" })
  summary!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) sourceSystem!: string;
  @Sensitive('AGENCY_DETAIL') @Field(() => String, { nullable: true }) sourceReference!: string;
  @Sensitive('AGENCY_DETAIL') @Field(() => String, { nullable: true }) recordedBy!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => GraphQLISODateTime, { nullable: true }) recordedAt!: Date;
  @Sensitive('CASE_METADATA') @Field(() => Int, { nullable: true }) version!: number;
}

@ObjectType({ implements: AgencyRecord })
export class PoliceRecord extends AgencyRecord {
  @Sensitive('SHARED_SUMMARY') @Field(() => IncidentRoleEnum, { nullable: true }) personRole?: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) incidentType?: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => DaRiskLevelEnum, { nullable: true }) riskLevel?: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => [String], { nullable: true }) warningMarkers?: string[];
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) intelligenceGrading?: string;
  @Sensitive('AGENCY_DETAIL') @Field(() => String, { nullable: true }) detail?: string;
  @Sensitive('SEALED') @Field(() => String, { nullable: true }) informantIdentity?: string;
}

@ObjectType({ implements: AgencyRecord })
export class HealthRecord extends AgencyRecord {
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) registeredGp?: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) practitioner?: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => Boolean, { nullable: true }) mentalHealthInvolvement?: boolean;
  @Sensitive('SHARED_SUMMARY') @Field(() => Boolean, { nullable: true }) substanceMisuseInvolvement?: boolean;
  @Sensitive('AGENCY_DETAIL') @Field(() => String, { nullable: true }) clinicalNotes?: string;
}

@ObjectType({ implements: AgencyRecord })
export class ProbationRecord extends AgencyRecord {
  @Sensitive('SHARED_SUMMARY') @Field(() => Boolean, { nullable: true }) underSupervision?: boolean;
  @Sensitive('SHARED_SUMMARY') @Field(() => MappaLevelEnum, { nullable: true }) mappaLevel?: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => RoshLevelEnum, { nullable: true }) riskOfSeriousHarmToChildren?: string;
  @Sensitive('AGENCY_DETAIL') @Field(() => String, { nullable: true }) offenceSummary?: string;
  @Sensitive('AGENCY_DETAIL') @Field(() => [String], { nullable: true }) licenceConditions?: string[];
}

@ObjectType({ implements: AgencyRecord })
export class SocialCareRecord extends AgencyRecord {
  @Sensitive('SHARED_SUMMARY') @Field(() => LegalStatusEnum, { nullable: true }) legalStatus?: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => [CpCategoryEnum], { nullable: true }) cpCategories?: string[];
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) allocatedWorker?: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => Int, { nullable: true }) previousReferrals?: number;
  @Sensitive('AGENCY_DETAIL') @Field(() => String, { nullable: true }) caseNotes?: string;
  @Sensitive('SEALED')
  @Field(() => String, { nullable: true, description: 'A protected (refuge) address' })
  protectedAddress?: string;
}

@ObjectType({ implements: AgencyRecord })
export class EducationRecord extends AgencyRecord {
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) school?: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => Float, { nullable: true }) attendancePercent?: number;
  @Sensitive('SHARED_SUMMARY') @Field(() => Int, { nullable: true }) exclusions?: number;
  @Sensitive('SHARED_SUMMARY') @Field(() => SenStatusEnum, { nullable: true }) senStatus?: string;
  @Sensitive('AGENCY_DETAIL')
  @Field(() => String, { nullable: true, description: 'Designated safeguarding lead notes' })
  dslNotes?: string;
}

const AGENCY_KIND_TYPE_NAME = {
  POLICE: 'PoliceRecord',
  HEALTH: 'HealthRecord',
  PROBATION: 'ProbationRecord',
  SOCIAL_CARE: 'SocialCareRecord',
  EDUCATION: 'EducationRecord',
} as const;

/** Every concrete record type, for schema building (interfaces need their implementations listed). */
export const RECORD_OBJECT_TYPES = [PoliceRecord, HealthRecord, ProbationRecord, SocialCareRecord, EducationRecord];

export const ChronologyEntryKindEnum = graphqlEnum(
  CHRONOLOGY_ENTRY_KINDS,
  'ChronologyEntryKind',
  "What happened: an agency's record, or one of the hub's own events (contacts, ratings, decisions, meetings, child protection, the cohorts)",
);
export const ChronologySourceEnum = graphqlEnum(
  CHRONOLOGY_SOURCES,
  'ChronologySource',
  'The kind of row a chronology entry was read from (its id is `sourceId`)',
);

@ObjectType({ description: "One significant event in a person's merged, date-ordered chronology" })
export class ChronologyEntry {
  @Sensitive('SHARED_SUMMARY') @Field(() => GraphQLISODateTime, { nullable: true }) occurredAt!: Date;
  @Sensitive('SHARED_SUMMARY') @Field(() => ChronologyEntryKindEnum, { nullable: true }) kind!: string;
  @Sensitive('CASE_METADATA') @Field(() => ChronologySourceEnum, { nullable: true }) source!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, {
    nullable: true,
    description: 'The id of the referral, meeting, record, … the entry was read from',
  })
  sourceId!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'The agency that recorded the event or took the step, if known' })
  agency!: string | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => RecordTypeEnum, { nullable: true, description: 'For agency records only' })
  recordType!: string | null;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) summary!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => AgencyRecord, { nullable: true, description: 'For agency records only' })
  record!: AgencyRecord | null;
}
