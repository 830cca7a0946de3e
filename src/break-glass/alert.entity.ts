import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PersonEntity } from '../people/person.entity';
import { BreakGlassEntity } from './break-glass.entity';
import { ReferralEntity } from '../referrals/referral.entity';
import { TenantRow } from '../db/tenant-row';

/**
 * An alert to an agency (or, with `to_agency` NULL, to information governance) that something
 * about a person it holds needs attention: another agency broke the glass on that person, or read
 * its AGENCY_DETAIL outside a strategy discussion (raised by a trigger on audit_event).
 */
@Entity({ name: 'alert' })
@Index('alert_inbox_idx', ['partnershipId', 'toAgency', 'createdAt', 'id'])
@Index('alert_time_idx', ['partnershipId', 'createdAt', 'id'])
// One CROSS_AGENCY_DETAIL_READ per (agency, person, reader, UTC day): expression index, see migration 1763901201000.
@Index('alert_cross_agency_daily_idx', { synchronize: false })
@Check(
  'alert_kind_check',
  `kind IN ('BREAK_GLASS','CROSS_AGENCY_DETAIL_READ','UNUSUAL_READ_VOLUME','SERVING_ROLE_PRIVILEGE','DECISION_OVERDUE','CHECK_OVERDUE','CP_FLAG_LOOKUP')`,
)
@Check(
  'alert_flag_lookup_check',
  `kind <> 'CP_FLAG_LOOKUP' OR (person_id IS NOT NULL AND to_agency IS NOT NULL AND setting IS NOT NULL AND window_start IS NOT NULL)`,
)
/** At most one flag look-up alert per child, team, looking-up agency, setting and London day (migration 1764200001000). */
@Index('alert_flag_lookup_once_idx', { synchronize: false })
@Check(
  'alert_person_check',
  `person_id IS NOT NULL OR kind IN ('UNUSUAL_READ_VOLUME','SERVING_ROLE_PRIVILEGE','DECISION_OVERDUE','CHECK_OVERDUE')`,
)
@Check(
  'alert_breach_referral_check',
  `kind NOT IN ('DECISION_OVERDUE','CHECK_OVERDUE') OR (referral_id IS NOT NULL AND to_agency IS NOT NULL AND window_start IS NOT NULL AND person_id IS NULL)`,
)
/** At most one breach alert per referral, recipient and breached due time (migration 1764000900000). */
@Index('alert_breach_once_idx', { synchronize: false })
/** At most one unusual-read-volume alert per user per hour window, whichever hub process computes it. */
@Index('alert_read_volume_once_idx', ['partnershipId', 'actorSub', 'windowStart'], {
  unique: true,
  where: `kind = 'UNUSUAL_READ_VOLUME'`,
})
/** At most one serving-role alert per database role and hour (migration 1764000401000). */
@Index('alert_serving_role_once_idx', ['partnershipId', 'actorSub', 'windowStart'], {
  unique: true,
  where: `kind = 'SERVING_ROLE_PRIVILEGE'`,
})
export class AlertEntity extends TenantRow('alert') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: string;

  /** Agency code the alert is addressed to; NULL addresses information governance. */
  @Column({ name: 'to_agency', type: 'text', nullable: true })
  toAgency!: string | null;

  /** The person the alert is about; NULL for alerts about a user or role (UNUSUAL_READ_VOLUME, SERVING_ROLE_PRIVILEGE) or a referral (DECISION_OVERDUE, CHECK_OVERDUE). */
  @Column({ name: 'person_id', type: 'uuid', nullable: true })
  personId!: string | null;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'alert_person_fk' })
  person?: PersonEntity;

  /** DECISION_OVERDUE, CHECK_OVERDUE: the referral breached (no person: the recipient reaches the referral). */
  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  referralId!: string | null;

  @ManyToOne(() => ReferralEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'alert_referral_fk' })
  referral?: ReferralEntity;

  @Column({ name: 'break_glass_id', type: 'uuid', nullable: true })
  breakGlassId!: string | null;

  @ManyToOne(() => BreakGlassEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'break_glass_id', foreignKeyConstraintName: 'alert_break_glass_fk' })
  breakGlass?: BreakGlassEntity;

  @Column({ name: 'actor_sub', type: 'text' })
  actorSub!: string;

  @Column({ name: 'actor_name', type: 'text' })
  actorName!: string;

  @Column({ name: 'actor_agency', type: 'text' })
  actorAgency!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** UNUSUAL_READ_VOLUME: the hour window (its start) the count was taken in. */
  @Column({ name: 'window_start', type: 'timestamptz', nullable: true })
  windowStart!: Date | null;

  /** UNUSUAL_READ_VOLUME: distinct children the user read in the hour before the check. */
  @Column({ name: 'distinct_people', type: 'integer', nullable: true })
  distinctPeople!: number | null;

  /** CP_FLAG_LOOKUP: the setting where the child was looked up (an emergency department, out-of-hours GP, maternity unit, the EDT). */
  @Column({ type: 'text', nullable: true })
  setting!: string | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  /** Who acknowledged it, their user id as their token said (GraphQL: `acknowledgedBySub`); the name beside it. */
  @Column({ name: 'acknowledged_by', type: 'text', nullable: true })
  acknowledgedBy!: string | null;

  @Column({ name: 'acknowledged_by_name', type: 'text', nullable: true })
  acknowledgedByName!: string | null;
}
