import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PersonEntity } from '../people/person.entity';
import {
  ARTICLE_6_BASES,
  REFERRAL_SOURCES,
  SPECIAL_CATEGORY_CONDITIONS,
  type AgencyCheckStatus,
  type ReferralStatus,
} from './vocabulary';
import { TenantRow } from '../db/tenant-row';

const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');

/**
 * A referral to the MASH (docs/reference/product.md C3). `reference` comes from `referral_reference_seq` (created by
 * the migration; TypeORM does not manage sequences). Status changes go through the state machine in
 * `referral-state-machine.ts` with an explicit version check.
 */
@Entity({ name: 'referral' })
@Index('referral_queue_idx', ['partnershipId', 'decisionDueAt', 'id'])
@Index('referral_status_idx', ['partnershipId', 'status'])
@Index('referral_referrer_idx', ['partnershipId', 'referrerAgency', 'referrerSub'])
// What a resubscribing `referralChanged` replays (`since`, migrations/1764700000000-referral-updated-index.ts)
@Index('referral_updated_idx', ['partnershipId', 'updatedAt', 'id'])
// Governance metrics (migrations/1763900500000-metrics-indexes.ts)
@Index('referral_received_idx', { synchronize: false })
@Index('referral_decided_idx', { synchronize: false })
@Index('referral_feedback_idx', { synchronize: false })
@Check(
  'referral_status_check',
  `status IN ('RECEIVED','SCREENED','AWAITING_CHECKS','READY_FOR_DECISION','DECISION_PROPOSED','CLOSED','WITHDRAWN','MERGED')`,
)
@Check('referral_rag_check', `rag IS NULL OR rag IN ('RED','AMBER','GREEN')`)
// Lawful basis as two fields (migrations/1765220000000-lawful-basis-split.ts, ADR 025).
@Check('referral_consent_check', `consent_given IS TRUE OR article6_basis IS NOT NULL`)
@Check('referral_article6_basis_check', `article6_basis IS NULL OR article6_basis IN (${sqlList(ARTICLE_6_BASES)})`)
@Check(
  'referral_special_category_condition_check',
  `special_category_condition IS NULL OR special_category_condition IN (${sqlList(SPECIAL_CATEGORY_CONDITIONS)})`,
)
@Check('referral_condition_needs_basis_check', `special_category_condition IS NULL OR article6_basis IS NOT NULL`)
@Check('referral_narrative_check', `length(narrative) > 0`)
// The source index is in migrations/1764400000000-referral-source.ts; the CHECK's list is the vocabulary's.
@Index('referral_source_received_idx', { synchronize: false })
@Check('referral_source_check', `source IN (${REFERRAL_SOURCES.map((s) => `'${s}'`).join(',')})`)
@Index('referral_reference_key', ['partnershipId', 'reference'], { unique: true })
export class ReferralEntity extends TenantRow('referral') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  reference!: string;

  @Column({ name: 'referrer_sub', type: 'text' })
  referrerSub!: string;

  @Column({ name: 'referrer_name', type: 'text' })
  referrerName!: string;

  @Column({ name: 'referrer_agency', type: 'text' })
  referrerAgency!: string;

  @Column({ name: 'referrer_contact', type: 'text', nullable: true })
  referrerContact!: string | null;

  /** Who made the contact, a census referral-source code (vocabulary.ts), apart from the submitting user (ADR 019). */
  @Column({ type: 'text', default: 'UNKNOWN' })
  source!: string;

  /** The referrer's organisation and role as told (a school's name, "designated safeguarding lead"). */
  @Column({ name: 'referrer_organisation', type: 'text', nullable: true })
  referrerOrganisation!: string | null;

  @Column({ name: 'referrer_role', type: 'text', nullable: true })
  referrerRole!: string | null;

  /** Recorded by the emergency duty team out of hours (issue 24): set from the submitter's role. */
  @Column({ name: 'out_of_hours', type: 'boolean', default: false })
  outOfHours!: boolean;

  @Column({ name: 'concern_categories', type: 'text', array: true })
  concernCategories!: string[];

  @Column({ type: 'text' })
  narrative!: string;

  @Column({ name: 'consent_sought', type: 'boolean' })
  consentSought!: boolean;

  @Column({ name: 'consent_given', type: 'boolean', nullable: true })
  consentGiven!: boolean | null;

  @Column({ name: 'consent_reason', type: 'text', nullable: true })
  consentReason!: string | null;

  /** The single value from before ADR 025, kept as recorded; new rows hold its equivalent of the two fields below. */
  @Column({ name: 'lawful_basis', type: 'text', nullable: true })
  lawfulBasis!: string | null;

  /** UK GDPR Article 6 basis of the share (ADR 025). */
  @Column({ name: 'article6_basis', type: 'text', nullable: true })
  article6Basis!: string | null;

  /** For special-category data: the Article 9 / DPA 2018 Schedule 1 condition (ADR 025). */
  @Column({ name: 'special_category_condition', type: 'text', nullable: true })
  specialCategoryCondition!: string | null;

  @Column({ type: 'text' })
  status!: ReferralStatus;

  @Column({ type: 'text', nullable: true })
  rag!: string | null;

  /** Unrated referrals are due as AMBER until screened, so nothing falls out of the queue. */
  @Column({ name: 'decision_due_at', type: 'timestamptz' })
  decisionDueAt!: Date;

  @Column({ name: 'assigned_to_sub', type: 'text', nullable: true })
  assignedToSub!: string | null;

  @Column({ name: 'assigned_to_name', type: 'text', nullable: true })
  assignedToName!: string | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'decision_outcome', type: 'text', nullable: true })
  decisionOutcome!: string | null;

  @Column({ name: 'decision_rationale', type: 'text', nullable: true })
  decisionRationale!: string | null;

  @Column({ name: 'threshold_level', type: 'text', nullable: true })
  thresholdLevel!: string | null;

  @Column({ name: 'decision_proposed_by', type: 'text', nullable: true })
  decisionProposedBy!: string | null;

  @Column({ name: 'decision_proposed_at', type: 'timestamptz', nullable: true })
  decisionProposedAt!: Date | null;

  @Column({ name: 'decision_authorised_by', type: 'text', nullable: true })
  decisionAuthorisedBy!: string | null;

  @Column({ name: 'decision_authorised_at', type: 'timestamptz', nullable: true })
  decisionAuthorisedAt!: Date | null;

  /** Set when an authorised STRATEGY_DISCUSSION outcome hands over to meetings (C4). */
  @Column({ name: 'strategy_requested_at', type: 'timestamptz', nullable: true })
  strategyRequestedAt!: Date | null;

  @Column({ name: 'closed_reason', type: 'text', nullable: true })
  closedReason!: string | null;

  @Column({ name: 'merged_into_id', type: 'uuid', nullable: true })
  mergedIntoId!: string | null;

  @ManyToOne(() => ReferralEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'merged_into_id', foreignKeyConstraintName: 'referral_merged_into_fk' })
  mergedInto?: ReferralEntity;

  @Column({ name: 'feedback_message', type: 'text', nullable: true })
  feedbackMessage!: string | null;

  @Column({ name: 'feedback_sent_at', type: 'timestamptz', nullable: true })
  feedbackSentAt!: Date | null;

  @Column({ name: 'feedback_sent_by', type: 'text', nullable: true })
  feedbackSentBy!: string | null;

  /** The acknowledgement's promise to the referrer: the statutory decision time at receipt (issue 19). */
  @Column({ name: 'acknowledged_decision_by', type: 'timestamptz', nullable: true })
  acknowledgedDecisionBy!: Date | null;

  /** The last time a manager sent the proposal back; cleared when the worker proposes again. */
  @Column({ name: 'decision_returned_at', type: 'timestamptz', nullable: true })
  decisionReturnedAt!: Date | null;

  @Column({ name: 'decision_returned_by', type: 'text', nullable: true })
  decisionReturnedBy!: string | null;

  @Column({ name: 'decision_return_comment', type: 'text', nullable: true })
  decisionReturnComment!: string | null;

  /** Why the manager amended the proposal when authorising it (AMEND_AND_AUTHORISE). */
  @Column({ name: 'decision_amendment_reason', type: 'text', nullable: true })
  decisionAmendmentReason!: string | null;

  /** Why the decision was authorised while checks were outstanding. */
  @Column({ name: 'decided_over_checks_reason', type: 'text', nullable: true })
  decidedOverChecksReason!: string | null;
}

/** A person a referral is about. */
@Entity({ name: 'referral_subject' })
@Index('referral_subject_key', ['partnershipId', 'referralId', 'personId'], { unique: true })
@Index('referral_subject_person_idx', ['partnershipId', 'personId'])
export class ReferralSubjectEntity extends TenantRow('referral_subject') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'referral_id', type: 'uuid' })
  referralId!: string;

  @ManyToOne(() => ReferralEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'referral_subject_referral_fk' })
  referral?: ReferralEntity;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'referral_subject_person_fk' })
  person?: PersonEntity;
}

/** Every RAG rating of a referral, kept: re-rating adds a row, never overwrites. */
@Entity({ name: 'referral_rating' })
@Index('referral_rating_referral_idx', ['partnershipId', 'referralId', 'ratedAt'])
@Index('referral_rating_xact_idx', ['partnershipId', 'xactId'])
@Check('referral_rating_rag_check', `rag IN ('RED','AMBER','GREEN')`)
export class ReferralRatingEntity extends TenantRow('referral_rating') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'referral_id', type: 'uuid' })
  referralId!: string;

  @ManyToOne(() => ReferralEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'referral_rating_referral_fk' })
  referral?: ReferralEntity;

  @Column({ type: 'text' })
  rag!: string;

  @Column({ type: 'text' })
  rationale!: string;

  @Column({ name: 'rated_by_sub', type: 'text' })
  ratedBySub!: string;

  @Column({ name: 'rated_by_name', type: 'text' })
  ratedByName!: string;

  @Column({ name: 'rated_at', type: 'timestamptz', default: () => 'now()' })
  ratedAt!: Date;

  @Column({ name: 'decision_due_at', type: 'timestamptz' })
  decisionDueAt!: Date;

  /** The queue's sort keys this rating replaced, and the transaction that wrote it (ADR 021: stable queue cursors). */
  @Column({ name: 'previous_rag', type: 'text', nullable: true })
  previousRag!: string | null;

  @Column({ name: 'previous_decision_due_at', type: 'timestamptz', nullable: true })
  previousDecisionDueAt!: Date | null;

  @Column({ name: 'xact_id', type: 'bigint', nullable: true })
  xactId!: string | null;
}

/** A request to one agency for what it knows about a referral's subjects. */
@Entity({ name: 'agency_check' })
@Index('agency_check_key', ['partnershipId', 'referralId', 'agency'], { unique: true })
@Index('agency_check_agency_idx', ['partnershipId', 'agency', 'status'])
@Index('agency_check_returned_idx', { synchronize: false })
@Index('agency_check_outstanding_idx', { synchronize: false })
@Index('agency_check_closed_idx', { synchronize: false })
@Check(
  'agency_check_status_check',
  `status IN ('REQUESTED','IN_PROGRESS','RETURNED','NO_INFORMATION','DECLINED','CLOSED')`,
)
@Check('agency_check_declined_reason', `status <> 'DECLINED' OR declined_reason IS NOT NULL`)
@Check('agency_check_article6_basis_check', `article6_basis IS NULL OR article6_basis IN (${sqlList(ARTICLE_6_BASES)})`)
@Check(
  'agency_check_special_category_condition_check',
  `special_category_condition IS NULL OR special_category_condition IN (${sqlList(SPECIAL_CATEGORY_CONDITIONS)})`,
)
@Check('agency_check_condition_needs_basis_check', `special_category_condition IS NULL OR article6_basis IS NOT NULL`)
@Check('agency_check_closed_reason', `(status = 'CLOSED') = (closed_reason IS NOT NULL)`)
@Check(
  'agency_check_closed_reason_check',
  `closed_reason IS NULL OR closed_reason IN ('NO_LONGER_NEEDED','TIMED_OUT','ESCALATED','DECIDED_WITHOUT')`,
)
export class AgencyCheckEntity extends TenantRow('agency_check') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'referral_id', type: 'uuid' })
  referralId!: string;

  @ManyToOne(() => ReferralEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'agency_check_referral_fk' })
  referral?: ReferralEntity;

  @Column({ type: 'text' })
  agency!: string;

  @Column({ type: 'text' })
  status!: AgencyCheckStatus;

  @Column({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' })
  requestedAt!: Date;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy!: string;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  @Column({ name: 'returned_at', type: 'timestamptz', nullable: true })
  returnedAt!: Date | null;

  @Column({ name: 'responded_by', type: 'text', nullable: true })
  respondedBy!: string | null;

  @Column({ name: 'findings_summary', type: 'text', nullable: true })
  findingsSummary!: string | null;

  @Column({ name: 'records_shared', type: 'uuid', array: true, default: () => `'{}'` })
  recordsShared!: string[];

  @Column({ name: 'declined_reason', type: 'text', nullable: true })
  declinedReason!: string | null;

  /** The answer as a share (ADR 025): Article 6 basis, Article 9 / Schedule 1 condition, consent. */
  @Column({ name: 'article6_basis', type: 'text', nullable: true })
  article6Basis!: string | null;

  @Column({ name: 'special_category_condition', type: 'text', nullable: true })
  specialCategoryCondition!: string | null;

  @Column({ name: 'consent_sought', type: 'boolean', nullable: true })
  consentSought!: boolean | null;

  @Column({ name: 'consent_given', type: 'boolean', nullable: true })
  consentGiven!: boolean | null;

  @Column({ name: 'consent_reason', type: 'text', nullable: true })
  consentReason!: string | null;

  @Column({ name: 'closed_reason', type: 'text', nullable: true })
  closedReason!: string | null;

  @Column({ name: 'closed_note', type: 'text', nullable: true })
  closedNote!: string | null;

  @Column({ name: 'closed_by', type: 'text', nullable: true })
  closedBy!: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}

/**
 * The status history of a referral: one row per transition (and one for its receipt), written in
 * the transaction of the change it records. Only ever appended (the audit stays the tamper-evident
 * record of the same changes).
 */
@Entity({ name: 'referral_transition' })
@Index('referral_transition_referral_idx', ['partnershipId', 'referralId', 'version'])
export class ReferralTransitionEntity extends TenantRow('referral_transition') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'referral_id', type: 'uuid' })
  referralId!: string;

  @ManyToOne(() => ReferralEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'referral_transition_referral_fk' })
  referral?: ReferralEntity;

  /** SUBMIT, or a transition of referral-state-machine.ts. */
  @Column({ type: 'text' })
  transition!: string;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus!: string;

  /** The referral's version after the change. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'actor_sub', type: 'text' })
  actorSub!: string;

  @Column({ name: 'actor_name', type: 'text' })
  actorName!: string;

  @Column({ name: 'actor_agency', type: 'text' })
  actorAgency!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  /** A code for what was done: the RAG given, the outcome, the check's answer or closure reason. */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  /** Why, in the actor's words: rationale, comment, withdrawal or closure reason. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** For a check's answer or closure: whose check. */
  @Column({ name: 'check_agency', type: 'text', nullable: true })
  checkAgency!: string | null;
}

/**
 * One row per idempotency key and submitter. Inserted first in the submitting transaction, so
 * concurrent submissions with one key wait on the unique index and then replay the winner's result.
 */
@Entity({ name: 'referral_idempotency' })
@Index('referral_idempotency_key', ['partnershipId', 'agency', 'sub', 'key'], { unique: true })
export class ReferralIdempotencyEntity extends TenantRow('referral_idempotency') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  agency!: string;

  @Column({ type: 'text' })
  sub!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ name: 'payload_hash', type: 'text' })
  payloadHash!: string;

  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  referralId!: string | null;

  @ManyToOne(() => ReferralEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'referral_idempotency_referral_fk' })
  referral?: ReferralEntity;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

export const REFERRAL_ENTITIES = [
  ReferralEntity,
  ReferralSubjectEntity,
  ReferralRatingEntity,
  AgencyCheckEntity,
  ReferralIdempotencyEntity,
  ReferralTransitionEntity,
];
