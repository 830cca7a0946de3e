import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { TenantRow } from '../db/tenant-row';
import { MeetingEntity } from '../meetings/meeting.entity';
import { PersonEntity } from '../people/person.entity';
import type {
  ConferenceKind,
  CpCategory,
  PlanEndReason,
  PlanStatus,
  S47Conclusion,
  S47Lead,
  S47Status,
} from './vocabulary';

/**
 * The child protection pathway's tables (issue 24), described once (ADR 031). They were created by
 * migrations 1764200000000 (tables), 1764900000000 (the partnership wall, ADR 016: the column, its
 * foreign key, every secondary index rebuilt to lead with it) and 1765220100000 (the history import's
 * provenance); the entities restate them exactly, names included (the foreign keys keep PostgreSQL's
 * `<table>_<column>_fkey` names from the inline REFERENCES), and the drift test keeps them so.
 */

const CATEGORIES = `'NEGLECT','PHYSICAL_ABUSE','EMOTIONAL_ABUSE','SEXUAL_ABUSE','MULTIPLE'`;

/** A section 47 enquiry about one child, started from a strategy discussion. Changes go through `changeVersioned`. */
@Entity({ name: 's47_enquiry' })
@Index('s47_enquiry_one_open_idx', ['partnershipId', 'personId'], {
  unique: true,
  where: `status IN ('OPEN','AWAITING_CONFERENCE')`,
})
@Index('s47_enquiry_person_idx', ['partnershipId', 'personId'])
@Index('s47_enquiry_source_reference_key', ['partnershipId', 'sourceReference'], {
  unique: true,
  where: 'source_reference IS NOT NULL',
})
@Check('s47_enquiry_lead_check', `lead IN ('SINGLE_AGENCY','JOINT')`)
@Check('s47_enquiry_status_check', `status IN ('OPEN','AWAITING_CONFERENCE','CONFERENCE_HELD','CLOSED')`)
@Check(
  's47_enquiry_conclusion_check',
  `conclusion IS NULL OR conclusion IN ('SUBSTANTIATED_CONFERENCE','SUBSTANTIATED_CHILD_IN_NEED','NOT_SUBSTANTIATED_NO_FURTHER_ACTION','NOT_SUBSTANTIATED_OTHER')`,
)
@Check(
  's47_enquiry_concluded_check',
  `(status = 'OPEN') = (conclusion IS NULL) AND (conclusion IS NULL) = (concluded_on IS NULL)`,
)
export class S47EnquiryEntity extends TenantRow('s47_enquiry') {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_s47_enquiry' })
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 's47_enquiry_person_id_fkey' })
  person?: PersonEntity;

  /** The social care agency that owns the enquiry. */
  @Column({ name: 'owning_agency', type: 'text' })
  owningAgency!: string;

  @Column({ type: 'text' })
  lead!: S47Lead;

  @Column({ type: 'text', default: () => `'OPEN'` })
  status!: S47Status;

  @Column({ name: 'started_by_sub', type: 'text' })
  startedBySub!: string;

  @Column({ name: 'started_by_name', type: 'text' })
  startedByName!: string;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  /** The last strategy discussion that started (or continued) the enquiry. */
  @Column({ name: 'last_strategy_on', type: 'date' })
  lastStrategyOn!: string;

  /** The initial conference's due date, computed on the working calendar when the clock started. */
  @Column({ name: 'icpc_due_on', type: 'date' })
  icpcDueOn!: string;

  @Column({ type: 'text', nullable: true })
  conclusion!: S47Conclusion | null;

  @Column({ name: 'concluded_on', type: 'date', nullable: true })
  concludedOn!: string | null;

  @Column({ name: 'concluded_by_sub', type: 'text', nullable: true })
  concludedBySub!: string | null;

  @Column({ name: 'concluded_by_name', type: 'text', nullable: true })
  concludedByName!: string | null;

  @Column({ name: 'concluded_at', type: 'timestamptz', nullable: true })
  concludedAt!: Date | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  /** `MIGRATED:<system>:<reference>` for an enquiry loaded by the history import (ADR 025); null when live. */
  @Column({ name: 'source_reference', type: 'text', nullable: true })
  sourceReference!: string | null;
}

/** A strategy discussion (a meeting) linked to an enquiry: the one that started it and any later one. */
@Entity({ name: 's47_strategy_discussion' })
export class S47StrategyDiscussionEntity extends TenantRow('s47_strategy_discussion') {
  @PrimaryColumn({ name: 'enquiry_id', type: 'uuid', primaryKeyConstraintName: 'PK_s47_strategy_discussion' })
  enquiryId!: string;

  @ManyToOne(() => S47EnquiryEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'enquiry_id', foreignKeyConstraintName: 's47_strategy_discussion_enquiry_id_fkey' })
  enquiry?: S47EnquiryEntity;

  @PrimaryColumn({ name: 'meeting_id', type: 'uuid', primaryKeyConstraintName: 'PK_s47_strategy_discussion' })
  meetingId!: string;

  @ManyToOne(() => MeetingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 's47_strategy_discussion_meeting_id_fkey' })
  meeting?: MeetingEntity;

  @Column({ name: 'held_on', type: 'date' })
  heldOn!: string;

  /** The meeting's outcome as it was when linked. */
  @Column({ type: 'text' })
  outcome!: string;

  @Column({ name: 'linked_by', type: 'text' })
  linkedBy!: string;

  @Column({ name: 'linked_at', type: 'timestamptz', default: () => 'now()' })
  linkedAt!: Date;
}

/** A child protection plan, started by an initial conference. Changes go through `changeVersioned`. */
@Entity({ name: 'cp_plan' })
@Index('cp_plan_one_active_idx', ['partnershipId', 'personId'], { unique: true, where: `status = 'ACTIVE'` })
@Index('cp_plan_person_idx', ['partnershipId', 'personId'])
@Check('cp_plan_status_check', `status IN ('ACTIVE','ENDED')`)
@Check('cp_plan_category_check', `category IN (${CATEGORIES})`)
@Check(
  'cp_plan_end_reason_check',
  `end_reason IS NULL OR end_reason IN ('NO_LONGER_AT_RISK','TRANSFERRED_TO_ANOTHER_AUTHORITY','BECAME_LOOKED_AFTER','REACHED_18','DIED','OTHER')`,
)
@Check(
  'cp_plan_ended_check',
  `(status = 'ENDED') = (ended_on IS NOT NULL) AND (ended_on IS NULL) = (end_reason IS NULL)`,
)
@Check('cp_plan_sequence_check', `sequence >= 1`)
export class CpPlanEntity extends TenantRow('cp_plan') {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_cp_plan' })
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'cp_plan_person_id_fkey' })
  person?: PersonEntity;

  @Column({ name: 'owning_agency', type: 'text' })
  owningAgency!: string;

  @Column({ name: 'enquiry_id', type: 'uuid' })
  enquiryId!: string;

  @ManyToOne(() => S47EnquiryEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'enquiry_id', foreignKeyConstraintName: 'cp_plan_enquiry_id_fkey' })
  enquiry?: S47EnquiryEntity;

  @Column({ type: 'text', default: () => `'ACTIVE'` })
  status!: PlanStatus;

  /** The initial conference's date. */
  @Column({ name: 'started_on', type: 'date' })
  startedOn!: string;

  /** The current category (its history is `cp_plan_category`). */
  @Column({ type: 'text' })
  category!: CpCategory;

  @Column({ name: 'lead_social_worker', type: 'text' })
  leadSocialWorker!: string;

  /** 1 for the child's first plan, 2 for the second … */
  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ name: 'previous_plan_ended_on', type: 'date', nullable: true })
  previousPlanEndedOn!: string | null;

  @Column({ name: 'ended_on', type: 'date', nullable: true })
  endedOn!: string | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason!: PlanEndReason | null;

  @Column({ name: 'ended_by_sub', type: 'text', nullable: true })
  endedBySub!: string | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** One period of a plan's category of abuse, from a date (the first is the plan's start). */
@Entity({ name: 'cp_plan_category' })
@Index('cp_plan_category_plan_idx', ['partnershipId', 'planId', 'fromOn'])
@Check('cp_plan_category_category_check', `category IN (${CATEGORIES})`)
export class CpPlanCategoryEntity extends TenantRow('cp_plan_category') {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_cp_plan_category' })
  id!: string;

  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @ManyToOne(() => CpPlanEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'cp_plan_category_plan_id_fkey' })
  plan?: CpPlanEntity;

  @Column({ type: 'text' })
  category!: CpCategory;

  @Column({ name: 'from_on', type: 'date' })
  fromOn!: string;

  @Column({ name: 'recorded_by_sub', type: 'text' })
  recordedBySub!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}

/**
 * A child protection conference's outcome for one child: the initial conference (of an enquiry) or a
 * review (of a plan). The due date is stored with it, so a later change of calendar rewrites nothing.
 */
@Entity({ name: 'cp_conference' })
@Index('cp_conference_one_initial_idx', ['partnershipId', 'enquiryId'], { unique: true, where: `kind = 'INITIAL'` })
@Index('cp_conference_plan_idx', ['partnershipId', 'planId', 'heldOn'])
@Index('cp_conference_held_idx', ['partnershipId', 'kind', 'heldOn'])
@Check('cp_conference_kind_check', `kind IN ('INITIAL','REVIEW')`)
@Check(
  'cp_conference_decision_check',
  `(kind = 'INITIAL' AND decision IN ('PLAN','NO_PLAN') AND enquiry_id IS NOT NULL) OR (kind = 'REVIEW' AND decision IN ('CONTINUE_PLAN','END_PLAN') AND plan_id IS NOT NULL)`,
)
@Check('cp_conference_category_check', `category IS NULL OR category IN (${CATEGORIES})`)
@Check(
  'cp_conference_plan_fields_check',
  `decision <> 'PLAN' OR (category IS NOT NULL AND lead_social_worker IS NOT NULL)`,
)
export class CpConferenceEntity extends TenantRow('cp_conference') {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_cp_conference' })
  id!: string;

  @Column({ type: 'text' })
  kind!: ConferenceKind;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'cp_conference_person_id_fkey' })
  person?: PersonEntity;

  /** The enquiry, for an initial conference. */
  @Column({ name: 'enquiry_id', type: 'uuid', nullable: true })
  enquiryId!: string | null;

  @ManyToOne(() => S47EnquiryEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'enquiry_id', foreignKeyConstraintName: 'cp_conference_enquiry_id_fkey' })
  enquiry?: S47EnquiryEntity;

  /** The plan, for a review conference. */
  @Column({ name: 'plan_id', type: 'uuid', nullable: true })
  planId!: string | null;

  @ManyToOne(() => CpPlanEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'cp_conference_plan_id_fkey' })
  plan?: CpPlanEntity;

  /** The conference meeting record (attendance, quorum), if linked. */
  @Column({ name: 'meeting_id', type: 'uuid', nullable: true })
  meetingId!: string | null;

  @ManyToOne(() => MeetingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'cp_conference_meeting_id_fkey' })
  meeting?: MeetingEntity;

  @Column({ name: 'due_on', type: 'date' })
  dueOn!: string;

  @Column({ name: 'held_on', type: 'date' })
  heldOn!: string;

  /** PLAN / NO_PLAN (initial); CONTINUE_PLAN / END_PLAN (review). */
  @Column({ type: 'text' })
  decision!: string;

  @Column({ type: 'text', nullable: true })
  category!: CpCategory | null;

  @Column({ name: 'lead_social_worker', type: 'text', nullable: true })
  leadSocialWorker!: string | null;

  @Column({ name: 'recorded_by_sub', type: 'text' })
  recordedBySub!: string;

  @Column({ name: 'recorded_by_name', type: 'text' })
  recordedByName!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}

/** A core group meeting of a plan (the first is due ten working days after the initial conference). */
@Entity({ name: 'cp_core_group' })
@Index('cp_core_group_plan_idx', ['partnershipId', 'planId', 'heldOn'])
export class CpCoreGroupEntity extends TenantRow('cp_core_group') {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_cp_core_group' })
  id!: string;

  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @ManyToOne(() => CpPlanEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'cp_core_group_plan_id_fkey' })
  plan?: CpPlanEntity;

  @Column({ name: 'meeting_id', type: 'uuid', nullable: true })
  meetingId!: string | null;

  @ManyToOne(() => MeetingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'cp_core_group_meeting_id_fkey' })
  meeting?: MeetingEntity;

  @Column({ name: 'held_on', type: 'date' })
  heldOn!: string;

  @Column({ name: 'recorded_by_sub', type: 'text' })
  recordedBySub!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}

export const CHILD_PROTECTION_ENTITIES = [
  S47EnquiryEntity,
  S47StrategyDiscussionEntity,
  CpPlanEntity,
  CpPlanCategoryEntity,
  CpConferenceEntity,
  CpCoreGroupEntity,
];
