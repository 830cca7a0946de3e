import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PersonEntity } from '../people/person.entity';
import { ReferralEntity } from '../referrals/referral.entity';
import { TenantRow } from '../db/tenant-row';
import type {
  ActionStatus,
  AttendanceStatus,
  MeetingStatus,
  MeetingType,
  ParticipantAttendance,
  ParticipantRole,
} from './vocabulary';

/**
 * A strategy discussion, conference or other multi-agency meeting (docs/reference/product.md C4). Status changes go
 * through `meeting-state-machine.ts` with an explicit version check; `quorate` is derived, never stored.
 */
@Entity({ name: 'meeting' })
@Index('meeting_schedule_idx', ['partnershipId', 'scheduledAt', 'id'])
@Index('meeting_referral_idx', ['partnershipId', 'referralId'])
// What a resubscribing `meetingChanged` replays (`since`, migrations/1765240100000-meeting-updated-index.ts)
@Index('meeting_updated_idx', ['partnershipId', 'updatedAt', 'id'])
@Check(
  'meeting_type_check',
  `type IN ('STRATEGY_DISCUSSION','STRATEGY_MEETING','INITIAL_CHILD_PROTECTION_CONFERENCE','REVIEW_CHILD_PROTECTION_CONFERENCE','CORE_GROUP','ALLEGATIONS_AGAINST_STAFF','MASE_MEETING')`,
)
@Check('meeting_status_check', `status IN ('SCHEDULED','HELD','COMPLETED','CANCELLED')`)
@Check(
  'meeting_outcome_check',
  `outcome IS NULL OR outcome IN ('SECTION_47_SINGLE_AGENCY','SECTION_47_JOINT','CHILD_IN_NEED','NO_FURTHER_ACTION','EMERGENCY_PROTECTION')`,
)
@Check('meeting_non_quorate_check', `quorate IS NOT FALSE OR non_quorate_reason IS NOT NULL`)
@Index('meeting_icpc_due_idx', ['partnershipId', 'icpcDueAt'])
export class MeetingEntity extends TenantRow('meeting') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  type!: MeetingType;

  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  referralId!: string | null;

  @ManyToOne(() => ReferralEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'meeting_referral_fk' })
  referral?: ReferralEntity;

  @Column({ name: 'scheduled_at', type: 'timestamptz' })
  scheduledAt!: Date;

  /** The agency that organises the meeting and owns its minutes. */
  @Column({ name: 'organising_agency', type: 'text' })
  organisingAgency!: string;

  @Column({ name: 'chair_sub', type: 'text' })
  chairSub!: string;

  @Column({ name: 'chair_name', type: 'text' })
  chairName!: string;

  @Column({ type: 'text' })
  status!: MeetingStatus;

  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  @Column({ name: 'outcome_recorded_by', type: 'text', nullable: true })
  outcomeRecordedBy!: string | null;

  @Column({ name: 'outcome_recorded_at', type: 'timestamptz', nullable: true })
  outcomeRecordedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  minutes!: string | null;

  /** Set on completion: whether every required agency attended (then frozen). */
  @Column({ type: 'boolean', nullable: true })
  quorate!: boolean | null;

  @Column({ name: 'non_quorate_reason', type: 'text', nullable: true })
  nonQuorateReason!: string | null;

  /** Initial child protection conference due date: 15 working days after a strategy discussion starting s47. */
  @Column({ name: 'icpc_due_at', type: 'date', nullable: true })
  icpcDueAt!: string | null;

  @Column({ name: 'held_at', type: 'timestamptz', nullable: true })
  heldAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ name: 'cancelled_reason', type: 'text', nullable: true })
  cancelledReason!: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** A child (or adult) a meeting is about. */
@Entity({ name: 'meeting_subject' })
@Index('meeting_subject_key', ['partnershipId', 'meetingId', 'personId'], { unique: true })
@Index('meeting_subject_person_idx', ['partnershipId', 'personId'])
export class MeetingSubjectEntity extends TenantRow('meeting_subject') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'meeting_id', type: 'uuid' })
  meetingId!: string;

  @ManyToOne(() => MeetingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'meeting_subject_meeting_fk' })
  meeting?: MeetingEntity;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'meeting_subject_person_fk' })
  person?: PersonEntity;
}

/** An agency (optionally a named person of it) invited to a meeting, with its attendance. */
@Entity({ name: 'meeting_invitee' })
@Index('meeting_invitee_meeting_idx', ['partnershipId', 'meetingId', 'agency'])
@Index('meeting_invitee_agency_idx', ['partnershipId', 'agency', 'meetingId'])
@Check(
  'meeting_invitee_attendance_check',
  `attendance IN ('INVITED','ATTENDED','SENT_APOLOGIES','SENT_INFORMATION_ONLY','DID_NOT_ATTEND')`,
)
@Check(
  'meeting_invitee_reason_check',
  `attendance NOT IN ('SENT_APOLOGIES','SENT_INFORMATION_ONLY','DID_NOT_ATTEND') OR reason IS NOT NULL`,
)
export class MeetingInviteeEntity extends TenantRow('meeting_invitee') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'meeting_id', type: 'uuid' })
  meetingId!: string;

  @ManyToOne(() => MeetingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'meeting_invitee_meeting_fk' })
  meeting?: MeetingEntity;

  @Column({ type: 'text' })
  agency!: string;

  @Column({ name: 'person_sub', type: 'text', nullable: true })
  personSub!: string | null;

  @Column({ name: 'person_name', type: 'text', nullable: true })
  personName!: string | null;

  @Column({ type: 'boolean' })
  required!: boolean;

  @Column({ type: 'text', default: () => `'INVITED'` })
  attendance!: AttendanceStatus;

  /** Why the agency was not in the room (required for every non-attendance). */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** What the agency brought or sent: agency detail. */
  @Column({ type: 'text', nullable: true })
  contribution!: string | null;

  @Column({ name: 'recorded_by', type: 'text', nullable: true })
  recordedBy!: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true })
  recordedAt!: Date | null;

  /** When the agency's report to the meeting was recorded as submitted (issue 19 §5). */
  @Column({ name: 'report_submitted_at', type: 'timestamptz', nullable: true })
  reportSubmittedAt!: Date | null;

  /** When its report was recorded as shared with the family. */
  @Column({ name: 'report_shared_with_family_at', type: 'timestamptz', nullable: true })
  reportSharedWithFamilyAt!: Date | null;
}

/** A decision taken at a meeting. */
@Entity({ name: 'meeting_decision' })
@Index('meeting_decision_meeting_idx', ['partnershipId', 'meetingId', 'decidedAt'])
export class MeetingDecisionEntity extends TenantRow('meeting_decision') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'meeting_id', type: 'uuid' })
  meetingId!: string;

  @ManyToOne(() => MeetingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'meeting_decision_meeting_fk' })
  meeting?: MeetingEntity;

  @Column({ type: 'text' })
  decision!: string;

  @Column({ name: 'decided_by', type: 'text' })
  decidedBy!: string;

  @Column({ name: 'decided_at', type: 'timestamptz', default: () => 'now()' })
  decidedAt!: Date;
}

/** An action agreed at a meeting: an owner (agency or named person) and a due date. */
@Entity({ name: 'meeting_action' })
@Index('meeting_action_meeting_idx', ['partnershipId', 'meetingId', 'dueDate'])
@Check('meeting_action_status_check', `status IN ('OPEN','DONE','CANCELLED')`)
@Check('meeting_action_owner_check', `owner_agency IS NOT NULL OR owner_name IS NOT NULL`)
export class MeetingActionEntity extends TenantRow('meeting_action') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'meeting_id', type: 'uuid' })
  meetingId!: string;

  @ManyToOne(() => MeetingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'meeting_action_meeting_fk' })
  meeting?: MeetingEntity;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'owner_agency', type: 'text', nullable: true })
  ownerAgency!: string | null;

  @Column({ name: 'owner_sub', type: 'text', nullable: true })
  ownerSub!: string | null;

  @Column({ name: 'owner_name', type: 'text', nullable: true })
  ownerName!: string | null;

  @Column({ name: 'due_date', type: 'date' })
  dueDate!: string;

  @Column({ type: 'text', default: () => `'OPEN'` })
  status!: ActionStatus;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

export const MEETING_ENTITIES = [
  MeetingEntity,
  MeetingSubjectEntity,
  MeetingInviteeEntity,
  MeetingDecisionEntity,
  MeetingActionEntity,
];

/**
 * A person invited to a meeting who is not an agency (issue 19 §5, ADR 024): a parent, the child, an
 * advocate, the chair, the employer. The label is what the MASH calls them (a name or "Mother"): personal
 * data, released as IDENTITY and never logged or put in the audit. A child participant is one of the
 * meeting's subjects (`person_id`), so the board can count children over 12 who took part.
 */
@Entity({ name: 'meeting_participant' })
@Index('meeting_participant_meeting_idx', ['partnershipId', 'meetingId'])
@Check('meeting_participant_role_check', `role IN ('PARENT','CHILD','ADVOCATE','CHAIR','EMPLOYER')`)
@Check(
  'meeting_participant_attendance_check',
  `attendance IN ('INVITED','ATTENDED','DID_NOT_ATTEND','SENT_VIEWS','DECLINED')`,
)
@Check('meeting_participant_reason_check', `attendance NOT IN ('DID_NOT_ATTEND','DECLINED') OR reason IS NOT NULL`)
@Check('meeting_participant_child_check', `(role = 'CHILD') = (person_id IS NOT NULL)`)
@Check('meeting_participant_report_check', `report_shared_at IS NULL OR role IN ('PARENT','CHILD')`)
export class MeetingParticipantEntity extends TenantRow('meeting_participant') {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_meeting_participant' })
  id!: string;

  @Column({ name: 'meeting_id', type: 'uuid' })
  meetingId!: string;

  @ManyToOne(() => MeetingEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'meeting_id', foreignKeyConstraintName: 'meeting_participant_meeting_fk' })
  meeting?: MeetingEntity;

  @Column({ type: 'text' })
  role!: ParticipantRole;

  @Column({ name: 'display_label', type: 'text' })
  displayLabel!: string;

  @Column({ name: 'person_id', type: 'uuid', nullable: true })
  personId!: string | null;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'meeting_participant_person_fk' })
  person?: PersonEntity;

  @Column({ type: 'text', default: () => `'INVITED'` })
  attendance!: ParticipantAttendance;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** When the report to the meeting was shared with this family member. */
  @Column({ name: 'report_shared_at', type: 'timestamptz', nullable: true })
  reportSharedAt!: Date | null;

  @Column({ name: 'invited_by', type: 'text' })
  invitedBy!: string;

  @Column({ name: 'invited_at', type: 'timestamptz', default: () => 'now()' })
  invitedAt!: Date;

  @Column({ name: 'recorded_by', type: 'text', nullable: true })
  recordedBy!: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true })
  recordedAt!: Date | null;
}
