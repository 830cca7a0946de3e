import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TenantRow } from '../db/tenant-row';
import { PersonEntity } from './person.entity';

/**
 * The equality values a change to a person replaced, and until when they held (issue 20, ADR 025):
 * written only by the database trigger `person_equality_history_keep`
 * (migrations/1765220200000-person-equality-history.ts), read by the metrics "as at" a period's end.
 */
@Entity({ name: 'person_equality_history' })
@Index('person_equality_history_person_idx', ['partnershipId', 'personId', 'validUntil'])
export class PersonEqualityHistoryEntity extends TenantRow('person_equality_history') {
  // Its partnershipId (TenantRow) is the person's, set by the trigger.

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_person_equality_history' })
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'person_equality_history_person_fk' })
  person?: PersonEntity;

  @Column({ type: 'text' })
  sex!: string;

  @Column({ type: 'text' })
  ethnicity!: string;

  @Column({ name: 'first_language', type: 'text' })
  firstLanguage!: string;

  @Column({ type: 'text' })
  religion!: string;

  @Column({ type: 'text' })
  disability!: string;

  @Column({ name: 'valid_until', type: 'timestamptz', default: () => 'now()' })
  validUntil!: Date;
}
