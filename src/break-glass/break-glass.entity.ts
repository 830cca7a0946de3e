import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PersonEntity } from '../people/person.entity';
import { TenantRow } from '../db/tenant-row';

/**
 * Time-boxed emergency access by one viewer to one person's agency detail (never sealed fields).
 * Row access while open comes from the BREAK_GLASS relationship source; every opening stays in the
 * IG review queue until an auditor records an outcome.
 */
@Entity({ name: 'break_glass' })
@Index('break_glass_active_idx', ['partnershipId', 'personId', 'actorSub', 'expiresAt'])
@Index('break_glass_open_review_idx', { synchronize: false })
@Index('break_glass_opened_idx', { synchronize: false }) // governance metrics: openings by time (migration 1763900600000)
@Check('break_glass_reason_check', `char_length(reason) >= 20`)
@Check('break_glass_expiry_check', `expires_at > opened_at`)
@Check(
  'break_glass_review_outcome_check',
  `review_outcome IS NULL OR review_outcome IN ('JUSTIFIED','JUSTIFIED_WITH_ADVICE','NOT_JUSTIFIED_ADVICE_GIVEN','NOT_JUSTIFIED_REFERRED')`,
)
@Check(
  'break_glass_review_complete_check',
  `(reviewed_at IS NULL) = (review_outcome IS NULL) AND (reviewed_at IS NULL) = (reviewed_by IS NULL)`,
)
export class BreakGlassEntity extends TenantRow('break_glass') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'actor_sub', type: 'text' })
  actorSub!: string;

  @Column({ name: 'actor_name', type: 'text' })
  actorName!: string;

  @Column({ name: 'actor_agency', type: 'text' })
  actorAgency!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'break_glass_person_fk' })
  person?: PersonEntity;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt!: Date | null;

  @Column({ name: 'reviewed_by', type: 'text', nullable: true })
  reviewedBy!: string | null;

  @Column({ name: 'review_outcome', type: 'text', nullable: true })
  reviewOutcome!: string | null;

  @Column({ name: 'review_note', type: 'text', nullable: true })
  reviewNote!: string | null;
}
