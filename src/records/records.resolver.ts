import {
  Arg,
  Ctx,
  Field,
  Float,
  GraphQLISODateTime,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Resolver,
} from 'type-graphql';
import { Sensitive } from '../access-policy/decorators';
import type { RequestContext } from '../context/context';
import { graphqlEnum } from '../shared/enums';
import { guardLike } from '../people/people.repository';
import { notFound } from '../shared/errors';
import {
  AgencyRecord,
  CpCategoryEnum,
  DaRiskLevelEnum,
  IncidentRoleEnum,
  LegalStatusEnum,
  MappaLevelEnum,
  RecordTypeEnum,
  RoshLevelEnum,
  SenStatusEnum,
} from './agency-record.type';
import { upsertAgencyRecord } from './records.service';

@InputType({ description: "A record from your agency's own system; only your agency kind's typed fields may be set" })
export class AgencyRecordInput {
  @Field(() => ID) personId!: string;
  @Field(() => RecordTypeEnum) recordType!: string;
  @Field(() => GraphQLISODateTime) occurredAt!: Date;
  @Field() summary!: string;
  @Field() sourceSystem!: string;
  @Field() sourceReference!: string;
  @Field() recordedBy!: string;
  @Field(() => GraphQLISODateTime) recordedAt!: Date;
  // police
  @Field(() => IncidentRoleEnum, { nullable: true }) personRole?: string;
  @Field(() => String, { nullable: true }) incidentType?: string;
  @Field(() => DaRiskLevelEnum, { nullable: true }) riskLevel?: string;
  @Field(() => [String], { nullable: true }) warningMarkers?: string[];
  @Field(() => String, { nullable: true }) intelligenceGrading?: string;
  @Field(() => String, { nullable: true }) detail?: string;
  @Field(() => String, { nullable: true }) informantIdentity?: string;
  // health
  @Field(() => String, { nullable: true }) registeredGp?: string;
  @Field(() => String, { nullable: true }) practitioner?: string;
  @Field(() => Boolean, { nullable: true }) mentalHealthInvolvement?: boolean;
  @Field(() => Boolean, { nullable: true }) substanceMisuseInvolvement?: boolean;
  @Field(() => String, { nullable: true }) clinicalNotes?: string;
  // probation
  @Field(() => Boolean, { nullable: true }) underSupervision?: boolean;
  @Field(() => MappaLevelEnum, { nullable: true }) mappaLevel?: string;
  @Field(() => RoshLevelEnum, { nullable: true }) riskOfSeriousHarmToChildren?: string;
  @Field(() => String, { nullable: true }) offenceSummary?: string;
  @Field(() => [String], { nullable: true }) licenceConditions?: string[];
  // social care
  @Field(() => LegalStatusEnum, { nullable: true }) legalStatus?: string;
  @Field(() => [CpCategoryEnum], { nullable: true }) cpCategories?: string[];
  @Field(() => String, { nullable: true }) allocatedWorker?: string;
  @Field(() => Int, { nullable: true }) previousReferrals?: number;
  @Field(() => String, { nullable: true }) caseNotes?: string;
  @Field(() => String, { nullable: true }) protectedAddress?: string;
  // education
  @Field(() => String, { nullable: true }) school?: string;
  @Field(() => Float, { nullable: true }) attendancePercent?: number;
  @Field(() => Int, { nullable: true }) exclusions?: number;
  @Field(() => SenStatusEnum, { nullable: true }) senStatus?: string;
  @Field(() => String, { nullable: true }) dslNotes?: string;
}

const COMMON_FIELDS = new Set([
  'personId',
  'recordType',
  'occurredAt',
  'summary',
  'sourceSystem',
  'sourceReference',
  'recordedBy',
  'recordedAt',
]);

/** Splits the flat GraphQL input into the common columns and the typed `data`. */
export function toRecordCommand(input: AgencyRecordInput): Record<string, unknown> {
  const common: Record<string, unknown> = {};
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined || v === null) continue;
    (COMMON_FIELDS.has(k) ? common : data)[k] = v;
  }
  return { ...common, data };
}

export const RecordUpsertOutcomeEnum = graphqlEnum(['CREATED', 'UPDATED', 'UNCHANGED'] as const, 'RecordUpsertOutcome');

@ObjectType()
export class UpsertAgencyRecordPayload {
  @Sensitive('CASE_METADATA') @Field(() => RecordUpsertOutcomeEnum, { nullable: true }) outcome!: string;
  @Sensitive('CASE_METADATA') @Field(() => AgencyRecord, { nullable: true }) record!: AgencyRecord;
}

@Resolver()
export class RecordsResolver {
  @Mutation(() => UpsertAgencyRecordPayload, {
    description: 'Create or update a record your agency owns (idempotent on the source reference)',
  })
  async upsertAgencyRecord(
    @Arg('input', () => AgencyRecordInput) input: AgencyRecordInput,
    @Ctx() ctx: RequestContext,
  ) {
    const { recordId, personId, outcome } = await upsertAgencyRecord(ctx, toRecordCommand(input));
    const person = await ctx.data.people.findPerson(personId);
    const record = person && (await ctx.data.records.recordsOf(personId)).find((r) => r.id === recordId);
    if (!record) throw notFound('Record');
    return guardLike(ctx.access, { outcome, record }, record);
  }
}
