import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TenantRow } from '../db/tenant-row';
import { PersonEntity } from '../people/person.entity';
import type { PrivateFosteringClosureReason, PrivateFosteringNotifier, PrivateFosteringStatus } from './vocabulary';

/**
 * A private fostering arrangement notified to the local authority (issue 25, cohort 5; ADR 018).
 * `initial_visit_due_on` is fixed when the notification is recorded (7 working days on the calendar of
 * the day), so the board's count does not move when the calendar's closure days are edited later.
 * Status changes go through `private-fostering-state-machine.ts` and `changeVersioned`.
 */
@Entity({ name: 'private_fostering_arrangement' })
@Index('private_fostering_person_idx', ['partnershipId', 'personId'])
@Index('private_fostering_notified_idx', ['partnershipId', 'notifiedAt', 'id'])
@Check('private_fostering_notifier_check', `notified_by IN ('PARENT','PRIVATE_FOSTER_CARER','PROFESSIONAL','OTHER')`)
@Check('private_fostering_status_check', `status IN ('NOTIFIED','VISITING','CLOSED')`)
@Check(
  'private_fostering_closure_check',
  `closure_reason IS NULL OR closure_reason IN ('RETURNED_TO_PARENT','AGE_LIMIT_REACHED','BECAME_LOOKED_AFTER','MOVED_AWAY','NOT_PRIVATE_FOSTERING','OTHER')`,
)
@Check(
  'private_fostering_status_fields_check',
  `(initial_visit_on IS NULL) = (last_visit_on IS NULL) AND (status = 'CLOSED') = (closed_on IS NOT NULL) AND (closed_on IS NULL) = (closure_reason IS NULL) AND (status <> 'VISITING' OR initial_visit_on IS NOT NULL) AND (status <> 'NOTIFIED' OR initial_visit_on IS NULL)`,
)
export class PrivateFosteringArrangementEntity extends TenantRow('private_fostering_arrangement') {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_private_fostering_arrangement' })
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'private_fostering_person_fk' })
  person?: PersonEntity;

  /** The social care agency that recorded the notification and owns the record. */
  @Column({ name: 'recording_agency', type: 'text' })
  recordingAgency!: string;

  @Column({ name: 'recorded_by_sub', type: 'text' })
  recordedBySub!: string;

  @Column({ name: 'recorded_by_name', type: 'text' })
  recordedByName!: string;

  @Column({ name: 'notified_by', type: 'text' })
  notifiedBy!: PrivateFosteringNotifier;

  /** The notifier's name as given (social care's own detail). */
  @Column({ name: 'notifier_name', type: 'text' })
  notifierName!: string;

  @Column({ name: 'notified_at', type: 'timestamptz' })
  notifiedAt!: Date;

  @Column({ name: 'arrangement_started_on', type: 'date' })
  arrangementStartedOn!: string;

  @Column({ name: 'initial_visit_due_on', type: 'date' })
  initialVisitDueOn!: string;

  @Column({ name: 'initial_visit_on', type: 'date', nullable: true })
  initialVisitOn!: string | null;

  @Column({ name: 'last_visit_on', type: 'date', nullable: true })
  lastVisitOn!: string | null;

  @Column({ name: 'closed_on', type: 'date', nullable: true })
  closedOn!: string | null;

  @Column({ name: 'closure_reason', type: 'text', nullable: true })
  closureReason!: PrivateFosteringClosureReason | null;

  @Column({ type: 'text' })
  status!: PrivateFosteringStatus;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** One statutory visit: when it was due (by the clock at the time), when held, by whom. */
@Entity({ name: 'private_fostering_visit' })
@Index('private_fostering_visit_arrangement_idx', ['partnershipId', 'arrangementId', 'heldOn'])
@Check('private_fostering_visit_check', `held_on IS NOT NULL AND due_on IS NOT NULL`)
export class PrivateFosteringVisitEntity extends TenantRow('private_fostering_visit') {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_private_fostering_visit' })
  id!: string;

  @Column({ name: 'arrangement_id', type: 'uuid' })
  arrangementId!: string;

  @ManyToOne(() => PrivateFosteringArrangementEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'arrangement_id', foreignKeyConstraintName: 'private_fostering_visit_arrangement_fk' })
  arrangement?: PrivateFosteringArrangementEntity;

  @Column({ type: 'boolean' })
  initial!: boolean;

  @Column({ name: 'due_on', type: 'date' })
  dueOn!: string;

  @Column({ name: 'held_on', type: 'date' })
  heldOn!: string;

  @Column({ name: 'recorded_by_sub', type: 'text' })
  recordedBySub!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
