import { Field, Int, ObjectType } from 'type-graphql';
import { NonPersonal } from '../access-policy/decorators';

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
  @Field(() => Int, { nullable: true, description: 'Batches up to this one were archived; only their links are checked here' })
  archivedThroughBatch!: number | null;
  @Field(() => Int, { nullable: true }) anchorBatchId!: number | null;
  @Field(() => Boolean, { nullable: true }) anchorMatched!: boolean | null;
}
