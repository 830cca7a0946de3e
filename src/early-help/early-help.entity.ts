import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TenantRow } from '../db/tenant-row';
import { PersonEntity } from '../people/person.entity';
import { ReferralEntity } from '../referrals/referral.entity';
import type { EarlyHelpOutcome, EarlyHelpSource, EarlyHelpStatus, StepDirection } from './vocabulary';

/**
 * A child's early-help episode (issue 25): opened by the MASH's EARLY_HELP decision or by a step-down
 * from social care; the lead professional, the assessment and the team around the family; closed with
 * an outcome (needs met or not) or stepped up to social care. Changes go through `changeVersioned`.
 */
@Entity({ name: 'early_help_episode' })
@Index('early_help_person_idx', ['partnershipId', 'personId', 'openedAt'])
@Index('early_help_opened_idx', ['partnershipId', 'openedAt', 'id'])
@Index('early_help_closed_idx', ['partnershipId', 'closedAt'])
@Index('early_help_referral_idx', ['partnershipId', 'referralId'])
@Check('early_help_status_check', `status IN ('OPEN','CLOSED','STEPPED_UP')`)
@Check('early_help_source_check', `source IN ('MASH_DECISION','STEP_DOWN')`)
@Check('early_help_outcome_check', `outcome IS NULL OR outcome IN ('NEEDS_MET','NEEDS_NOT_MET')`)
@Check('early_help_referral_check', `(source = 'MASH_DECISION') = (referral_id IS NOT NULL)`)
@Check(
  'early_help_closed_check',
  `(status = 'OPEN') = (closed_at IS NULL) AND (status = 'CLOSED') = (outcome IS NOT NULL) AND (closed_at IS NULL OR closed_at >= opened_at)`,
)
export class EarlyHelpEpisodeEntity extends TenantRow('early_help_episode') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'early_help_person_fk' })
  person?: PersonEntity;

  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  referralId!: string | null;

  @ManyToOne(() => ReferralEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'early_help_referral_fk' })
  referral?: ReferralEntity;

  @Column({ type: 'text' })
  source!: EarlyHelpSource;

  /** The social care agency that opened it and owns its record. */
  @Column({ name: 'owning_agency', type: 'text' })
  owningAgency!: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'opened_by_sub', type: 'text' })
  openedBySub!: string;

  @Column({ name: 'opened_by_name', type: 'text' })
  openedByName!: string;

  @Column({ name: 'lead_professional_name', type: 'text', nullable: true })
  leadProfessionalName!: string | null;

  @Column({ name: 'lead_professional_agency', type: 'text', nullable: true })
  leadProfessionalAgency!: string | null;

  @Column({ name: 'assessment_completed_at', type: 'timestamptz', nullable: true })
  assessmentCompletedAt!: Date | null;

  @Column({ name: 'team_around_family_from', type: 'timestamptz', nullable: true })
  teamAroundFamilyFrom!: Date | null;

  @Column({ type: 'text' })
  status!: EarlyHelpStatus;

  @Column({ type: 'text', nullable: true })
  outcome!: EarlyHelpOutcome | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** A step-up (early help → social care) or step-down (social care → early help), with who agreed it. */
@Entity({ name: 'step_transition' })
@Index('step_transition_person_idx', ['partnershipId', 'personId', 'occurredAt'])
@Index('step_transition_time_idx', ['partnershipId', 'occurredAt'])
@Index('step_transition_episode_idx', ['partnershipId', 'earlyHelpEpisodeId'])
@Check('step_transition_direction_check', `direction IN ('STEP_UP','STEP_DOWN')`)
export class StepTransitionEntity extends TenantRow('step_transition') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'step_transition_person_fk' })
  person?: PersonEntity;

  @Column({ type: 'text' })
  direction!: StepDirection;

  /** Step-up: the episode stepped up from; step-down: the episode it opened. */
  @Column({ name: 'early_help_episode_id', type: 'uuid' })
  earlyHelpEpisodeId!: string;

  @ManyToOne(() => EarlyHelpEpisodeEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'early_help_episode_id', foreignKeyConstraintName: 'step_transition_episode_fk' })
  episode?: EarlyHelpEpisodeEntity;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** The MASH manager who agreed it (the viewer). */
  @Column({ name: 'agreed_by_sub', type: 'text' })
  agreedBySub!: string;

  @Column({ name: 'agreed_by_name', type: 'text' })
  agreedByName!: string;

  /** Who it was agreed with on the other side (an early help or social care team manager), as recorded. */
  @Column({ name: 'agreed_with', type: 'text' })
  agreedWith!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}

export const EARLY_HELP_ENTITIES = [EarlyHelpEpisodeEntity, StepTransitionEntity];
