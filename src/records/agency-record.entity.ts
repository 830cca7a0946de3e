import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { PersonEntity } from '../people/person.entity';
import { TenantRow } from '../db/tenant-row';
import type { RecordType } from './record-types';

/**
 * A record about a person contributed by (and owned by) one agency. The typed content of each
 * record type lives in `data`, validated by `record-types.ts` on the way in.
 */
@Entity({ name: 'agency_record' })
@Index('agency_record_source_key', ['partnershipId', 'owningAgency', 'sourceSystem', 'sourceReference'], {
  unique: true,
})
@Index('agency_record_person_time_idx', ['partnershipId', 'personId', 'occurredAt'])
@Index('agency_record_owner_idx', ['partnershipId', 'owningAgency'])
export class AgencyRecordEntity extends TenantRow('agency_record') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'agency_record_person_fk' })
  person?: PersonEntity;

  @Column({ name: 'owning_agency', type: 'text' })
  owningAgency!: string;

  @Column({ name: 'record_type', type: 'text' })
  recordType!: RecordType;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem!: string;

  /** The agency's own reference for the record (the API's `sourceReference`). */
  @Column({ name: 'source_ref', type: 'text' })
  sourceReference!: string;

  @Column({ name: 'recorded_by', type: 'text' })
  recordedBy!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ name: 'content_hash', type: 'text' })
  contentHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
