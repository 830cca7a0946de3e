import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TenantRow } from '../db/tenant-row';
import { ExploitationFlagEntity } from '../exploitation/exploitation.entity';
import { PersonEntity } from '../people/person.entity';
import type { MissingEpisodeStatus, MissingFrom, ReturnInterviewOutcome } from './vocabulary';

/**
 * A child's missing episode and its return home interview (issue 25). Status changes go through
 * `missing-state-machine.ts` and `changeVersioned`. `known_to_social_care` is decided when the episode
 * is recorded (a referral about the child, or a social care agency holding them) and only counted
 * (the board's "not known to the local authority"); it is never released as a field.
 */
@Entity({ name: 'missing_episode' })
@Index('missing_episode_person_idx', ['partnershipId', 'personId', 'startedAt'])
@Index('missing_episode_started_idx', ['partnershipId', 'startedAt', 'id'])
@Index('missing_episode_returned_idx', ['partnershipId', 'returnedAt'])
@Check('missing_episode_from_check', `missing_from IN ('HOME','CARE','EDUCATION','HEALTH')`)
@Check('missing_episode_status_check', `status IN ('MISSING','RETURNED','INTERVIEW_OFFERED','CLOSED')`)
@Check('missing_episode_outcome_check', `interview_outcome IS NULL OR interview_outcome IN ('HELD','DECLINED')`)
@Check('missing_episode_return_check', `returned_at IS NULL OR returned_at >= started_at`)
@Check(
  'missing_episode_offer_check',
  `interview_offered_at IS NULL OR (returned_at IS NOT NULL AND interview_offered_at >= returned_at)`,
)
@Check(
  'missing_episode_status_fields_check',
  `(status = 'MISSING') = (returned_at IS NULL) AND (status IN ('INTERVIEW_OFFERED','CLOSED')) = (interview_offered_at IS NOT NULL) AND (status = 'CLOSED') = (interview_outcome IS NOT NULL)`,
)
export class MissingEpisodeEntity extends TenantRow('missing_episode') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'missing_episode_person_fk' })
  person?: PersonEntity;

  /** The agency that recorded the episode (usually police) and owns its circumstances. */
  @Column({ name: 'recording_agency', type: 'text' })
  recordingAgency!: string;

  @Column({ name: 'recorded_by_sub', type: 'text' })
  recordedBySub!: string;

  @Column({ name: 'recorded_by_name', type: 'text' })
  recordedByName!: string;

  @Column({ name: 'missing_from', type: 'text' })
  missingFrom!: MissingFrom;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'returned_at', type: 'timestamptz', nullable: true })
  returnedAt!: Date | null;

  @Column({ name: 'known_to_social_care', type: 'boolean' })
  knownToSocialCare!: boolean;

  @Column({ type: 'text', nullable: true })
  circumstances!: string | null;

  @Column({ name: 'interview_offered_at', type: 'timestamptz', nullable: true })
  interviewOfferedAt!: Date | null;

  @Column({ name: 'interview_offered_by_sub', type: 'text', nullable: true })
  interviewOfferedBySub!: string | null;

  @Column({ name: 'interview_offered_by_name', type: 'text', nullable: true })
  interviewOfferedByName!: string | null;

  @Column({ name: 'interview_outcome', type: 'text', nullable: true })
  interviewOutcome!: ReturnInterviewOutcome | null;

  /** When it was held, or when the child (or parent) declined it. */
  @Column({ name: 'interview_outcome_at', type: 'timestamptz', nullable: true })
  interviewOutcomeAt!: Date | null;

  /** Who conducted (or offered and was declined): a name or service, as recorded. */
  @Column({ name: 'interview_conducted_by', type: 'text', nullable: true })
  interviewConductedBy!: string | null;

  @Column({ type: 'text' })
  status!: MissingEpisodeStatus;

  /** The exploitation flag this episode is linked to, if any (ADR 027). */
  @Column({ name: 'exploitation_flag_id', type: 'uuid', nullable: true })
  exploitationFlagId!: string | null;

  @ManyToOne(() => ExploitationFlagEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'exploitation_flag_id', foreignKeyConstraintName: 'missing_episode_exploitation_flag_fk' })
  exploitationFlag?: ExploitationFlagEntity;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
