import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantRow } from '../db/tenant-row';

/** A person the partnership knows about: a child (or unborn child) or an adult in a household. */
@Entity({ name: 'person' })
@Check('person_kind_check', `kind IN ('CHILD','UNBORN','ADULT')`)
@Index('person_family_name_trgm_idx', { synchronize: false })
@Index('person_given_name_trgm_idx', { synchronize: false })
@Index('person_dob_idx', ['partnershipId', 'dateOfBirth'])
@Index('person_nhs_number_idx', ['partnershipId', 'nhsNumber'])
@Index('person_pnc_id_idx', ['partnershipId', 'pncId'])
@Index('person_la_person_id_idx', ['partnershipId', 'laPersonId'])
@Index('person_upn_idx', ['partnershipId', 'upn'])
@Index('person_nhs_number_key', ['partnershipId', 'nhsNumber'], {
  unique: true,
  where: 'nhs_number IS NOT NULL AND NOT provisional',
})
@Index('person_pnc_id_key', ['partnershipId', 'pncId'], {
  unique: true,
  where: 'pnc_id IS NOT NULL AND NOT provisional',
})
@Index('person_la_person_id_key', ['partnershipId', 'laPersonId'], {
  unique: true,
  where: 'la_person_id IS NOT NULL AND NOT provisional',
})
@Index('person_upn_key', ['partnershipId', 'upn'], { unique: true, where: 'upn IS NOT NULL AND NOT provisional' })
export class PersonEntity extends TenantRow('person') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'given_name', type: 'text' })
  givenName!: string;

  @Column({ name: 'family_name', type: 'text' })
  familyName!: string;

  @Column({ name: 'other_names', type: 'text', nullable: true })
  otherNames!: string | null;

  @Column({ name: 'date_of_birth', type: 'date', nullable: true })
  dateOfBirth!: string | null;

  @Column({ name: 'expected_date_of_delivery', type: 'date', nullable: true })
  expectedDateOfDelivery!: string | null;

  @Column({ type: 'text' })
  sex!: string;

  @Column({ name: 'nhs_number', type: 'text', nullable: true })
  nhsNumber!: string | null;

  @Column({ name: 'pnc_id', type: 'text', nullable: true })
  pncId!: string | null;

  @Column({ name: 'la_person_id', type: 'text', nullable: true })
  laPersonId!: string | null;

  @Column({ type: 'text', nullable: true })
  upn!: string | null;

  @Column({ type: 'text', nullable: true })
  address!: string | null;

  @Column({ type: 'text', nullable: true })
  postcode!: string | null;

  @Column({ type: 'text' })
  ethnicity!: string;

  @Column({ name: 'first_language', type: 'text' })
  firstLanguage!: string;

  @Column({ type: 'text' })
  religion!: string;

  @Column({ type: 'text' })
  disability!: string;

  @Column({ name: 'created_by_agency', type: 'text' })
  createdByAgency!: string;

  /**
   * Created because its strong identifiers matched a settled person (ADR 005): its identifiers are
   * outside the unique indexes until the MASH confirms (merge) or rejects the match.
   */
  @Column({ type: 'boolean', default: false })
  provisional!: boolean;

  /** Set when the MASH confirmed this is the same person as another; nothing points here any more. */
  @Column({ name: 'merged_into', type: 'uuid', nullable: true })
  mergedInto!: string | null;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'merged_into', foreignKeyConstraintName: 'person_merged_into_fk' })
  mergedIntoPerson?: PersonEntity;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** Where an agency's own system knows this person from; makes upsertPerson idempotent. */
@Entity({ name: 'person_source' })
@Index('person_source_key', ['partnershipId', 'agencyCode', 'sourceSystem', 'sourceRef'], { unique: true })
@Index('person_source_person_idx', ['partnershipId', 'personId'])
export class PersonSourceEntity extends TenantRow('person_source') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'person_source_person_fk' })
  person?: PersonEntity;

  @Column({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem!: string;

  @Column({ name: 'source_ref', type: 'text' })
  sourceRef!: string;

  @Column({ name: 'content_hash', type: 'text' })
  contentHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** `relatedPerson` is the `type` of `person` (e.g. related = mother of person). */
@Entity({ name: 'person_relationship' })
@Check('person_relationship_not_self', `person_id <> related_person_id`)
@Index('person_relationship_key', ['partnershipId', 'personId', 'relatedPersonId', 'type'], { unique: true })
@Index('person_relationship_related_idx', ['partnershipId', 'relatedPersonId'])
export class PersonRelationshipEntity extends TenantRow('person_relationship') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'person_relationship_person_fk' })
  person?: PersonEntity;

  @Column({ name: 'related_person_id', type: 'uuid' })
  relatedPersonId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'related_person_id', foreignKeyConstraintName: 'person_relationship_related_fk' })
  relatedPerson?: PersonEntity;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'recorded_by_agency', type: 'text' })
  recordedByAgency!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * The identity values one source (an agency's system and reference, or a referral) gave for a
 * person (ADR 005). The person's identity columns are derived from these; no source overwrites another.
 */
@Entity({ name: 'identity_assertion' })
@Check('identity_assertion_channel_check', `channel IN ('IMPORT','OFFICER','REFERRAL','LEGACY')`)
@Index('identity_assertion_source_key', ['partnershipId', 'agencyCode', 'sourceSystem', 'sourceRef'], { unique: true })
@Index('identity_assertion_person_idx', ['partnershipId', 'personId'])
export class IdentityAssertionEntity extends TenantRow('identity_assertion') {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_identity_assertion' })
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'identity_assertion_person_fk' })
  person?: PersonEntity;

  @Column({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem!: string;

  @Column({ name: 'source_ref', type: 'text' })
  sourceRef!: string;

  /** IMPORT (the agency's trusted integration), OFFICER (interactive), REFERRAL, LEGACY (before ADR 005). */
  @Column({ type: 'text' })
  channel!: string;

  @Column({ type: 'boolean' })
  verified!: boolean;

  @Column({ type: 'jsonb' })
  asserted!: Record<string, unknown>;

  @Column({ name: 'asserted_at', type: 'timestamptz', default: () => 'now()' })
  assertedAt!: Date;
}

/** A proposed match or a disagreement between sources, for a MASH worker to resolve (ADR 005). */
@Entity({ name: 'data_quality_issue' })
@Check('data_quality_issue_kind_check', `kind IN ('MATCH_PROPOSAL','IDENTITY_CONFLICT')`)
@Check('data_quality_issue_status_check', `status IN ('OPEN','CONFIRMED','REJECTED','RESOLVED','WITHDRAWN')`)
@Index('data_quality_issue_queue_idx', ['partnershipId', 'status', 'raisedAt', 'id'])
@Index('data_quality_issue_open_conflict_key', ['partnershipId', 'personId', 'field'], {
  unique: true,
  where: `status = 'OPEN' AND kind = 'IDENTITY_CONFLICT'`,
})
@Index('data_quality_issue_proposal_key', ['partnershipId', 'proposedPersonId', 'personId'], {
  unique: true,
  where: `kind = 'MATCH_PROPOSAL'`,
})
@Index('data_quality_issue_person_idx', ['partnershipId', 'personId'])
@Index('data_quality_issue_proposed_idx', ['partnershipId', 'proposedPersonId'])
export class DataQualityIssueEntity extends TenantRow('data_quality_issue') {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_data_quality_issue' })
  id!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text', default: 'OPEN' })
  status!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'data_quality_issue_person_fk' })
  person?: PersonEntity;

  @Column({ name: 'proposed_person_id', type: 'uuid', nullable: true })
  proposedPersonId!: string | null;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'proposed_person_id', foreignKeyConstraintName: 'data_quality_issue_proposed_fk' })
  proposedPerson?: PersonEntity;

  @Column({ name: 'referral_id', type: 'uuid', nullable: true })
  referralId!: string | null;

  @Column({ type: 'text', nullable: true })
  field!: string | null;

  @Column({ name: 'values_hash', type: 'text', nullable: true })
  valuesHash!: string | null;

  @Column({ name: 'raised_by_agency', type: 'text' })
  raisedByAgency!: string;

  @Column({ name: 'raised_at', type: 'timestamptz', default: () => 'now()' })
  raisedAt!: Date;

  @Column({ name: 'chosen_assertion_id', type: 'uuid', nullable: true })
  chosenAssertionId!: string | null;

  @Column({ name: 'resolved_by', type: 'text', nullable: true })
  resolvedBy!: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'resolution_note', type: 'text', nullable: true })
  resolutionNote!: string | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
