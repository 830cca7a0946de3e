import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { NonPersonal, Sensitive } from '../access-policy/decorators';
import { PurposeEnum } from '../access-policy/enums';
import { PageInfo } from '../shared/page-info.type';

@NonPersonal()
@ObjectType({ description: 'The result of recomputing the audit hash chain' })
export class AuditChainVerification {
  @Field({ description: 'True when every batch verified (and the exported head, if given, matched)' }) intact!: boolean;
  @Field({ description: '"intact up to batch N" or "broken at batch N: what is wrong"' }) message!: string;
  @Field(() => Int, { nullable: true }) verifiedThroughBatch!: number | null;
  @Field(() => Int, { nullable: true }) firstBrokenBatch!: number | null;
  @Field(() => [String]) problems!: string[];
  @Field(() => Int) batchesChecked!: number;
  @Field(() => Int) eventsChecked!: number;
  @Field(() => Int, { nullable: true }) headBatchId!: number | null;
  @Field(() => String, { nullable: true }) headHash!: string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Batches up to this one were archived; only their links are checked here',
  })
  archivedThroughBatch!: number | null;
  @Field(() => Int, { nullable: true }) anchorBatchId!: number | null;
  @Field(() => Boolean, { nullable: true }) anchorMatched!: boolean | null;
}

@NonPersonal()
@ObjectType({ description: 'The user an audit event is attributed to, as their token said at the time' })
export class AuditActor {
  @Field() sub!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) agency!: string | null;
  @Field(() => [String]) roles!: string[];
}

@ObjectType({ description: 'What one audit event recorded about one person: released and redacted fields, records' })
export class AccessLogSubject {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) personId!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'DISCLOSED, NOT_FOUND, DENIED or CHANGED' })
  outcome!: string;
  @Sensitive('CASE_METADATA') @Field(() => [ID], { nullable: true }) recordIds!: string[];
  @Sensitive('CASE_METADATA')
  @Field(() => [String], {
    nullable: true,
    description: 'Schema coordinates released, e.g. HealthRecord.clinicalNotes',
  })
  released!: string[];
  @Sensitive('CASE_METADATA')
  @Field(() => [String], { nullable: true, description: 'coordinate:REASON for each redacted field' })
  redacted!: string[];
  @Sensitive('CASE_METADATA')
  @Field(() => [String], { nullable: true, description: 'Relationships the actor had with the person at the time' })
  relationships!: string[];
  @Sensitive('CASE_METADATA')
  @Field(() => [String], {
    nullable: true,
    description: 'Relationships the actor has with the person now; empty: no current legitimate relationship',
  })
  relationshipsNow!: string[] | null;
}

@NonPersonal()
@ObjectType({ description: 'One audited operation' })
export class AccessLogEntry {
  @Field(() => ID) eventId!: string;
  @Field(() => GraphQLISODateTime) occurredAt!: Date;
  @Field() requestId!: string;
  @Field(() => AuditActor) actor!: AuditActor;
  @Field(() => String, { nullable: true, deprecationReason: 'Use purposeOfUse, the Purpose enum (ADR 021)' }) purpose!:
    | string
    | null;
  @Field(() => PurposeEnum, {
    nullable: true,
    description: 'The purpose of use declared (null: none, or one this hub no longer knows)',
  })
  purposeOfUse!: string | null;
  @Field() operationType!: string;
  @Field(() => String, { nullable: true }) operationName!: string | null;
  @Field({ description: 'READ, QUERY, CREATE, UPDATE, EXECUTE, BREAK_GLASS or SYSTEM' }) action!: string;
  @Field({ description: 'SUCCESS, PARTIAL, DENIED, NOT_FOUND or ERROR' }) outcome!: string;
  @Field(() => [String]) errorCodes!: string[];
  @Field(() => String, { nullable: true }) breakGlassReason!: string | null;
  @Field(() => [AccessLogSubject], {
    description: 'Per person touched (only the filtered person when filtering by person)',
  })
  subjects!: AccessLogSubject[];
}

@NonPersonal()
@ObjectType({ description: 'Deprecated with Query.accessLog: use Query.accessLogEntries, a Relay connection' })
export class AccessLogPageType {
  @Field(() => [AccessLogEntry]) entries!: AccessLogEntry[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' }) endCursor!: string | null;
  @Field() hasNextPage!: boolean;
}

@NonPersonal()
@ObjectType()
export class AccessLogEdge {
  @Field(() => String) cursor!: string;
  @Field(() => AccessLogEntry) node!: AccessLogEntry;
}

@NonPersonal()
@ObjectType({ description: 'Who saw what, newest first: a Relay connection of audited operations' })
export class AccessLogConnection {
  @Field(() => [AccessLogEdge]) edges!: AccessLogEdge[];
  @Field(() => PageInfo, {
    description:
      'With filter.withoutRelationship a page may stop short of `first` and endCursor may lie past the last edge (events scanned and left out): keep paging while hasNextPage',
  })
  pageInfo!: PageInfo;
}

@InputType()
export class AccessLogFilterInput {
  @Field(() => ID, { nullable: true }) personId?: string | null;
  @Field(() => String, { nullable: true }) actorSub?: string | null;
  @Field(() => String, { nullable: true, description: "The actor's agency code" }) agency?: string | null;
  @Field(() => PurposeEnum, { nullable: true }) purpose?: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Inclusive' }) from?: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Exclusive' }) to?: Date | null;
  @Field(() => Boolean, { nullable: true }) breakGlass?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Only disclosures to actors with no legitimate relationship with the person now',
  })
  withoutRelationship?: boolean | null;
}
