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

/** A person the partnership knows about: a child (or unborn child) or an adult in a household. */
@Entity({ name: 'person' })
@Check('person_kind_check', `kind IN ('CHILD','UNBORN','ADULT')`)
@Index('person_family_name_trgm_idx', { synchronize: false })
@Index('person_given_name_trgm_idx', { synchronize: false })
@Index('person_dob_idx', ['dateOfBirth'])
export class PersonEntity {
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

  @Index('person_nhs_number_key', { unique: true, where: 'nhs_number IS NOT NULL' })
  @Column({ name: 'nhs_number', type: 'text', nullable: true })
  nhsNumber!: string | null;

  @Index('person_pnc_id_key', { unique: true, where: 'pnc_id IS NOT NULL' })
  @Column({ name: 'pnc_id', type: 'text', nullable: true })
  pncId!: string | null;

  @Index('person_la_person_id_key', { unique: true, where: 'la_person_id IS NOT NULL' })
  @Column({ name: 'la_person_id', type: 'text', nullable: true })
  laPersonId!: string | null;

  @Index('person_upn_key', { unique: true, where: 'upn IS NOT NULL' })
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

/** Where an agency's own system knows this person from; makes upsertPerson idempotent. */
@Entity({ name: 'person_source' })
@Index('person_source_key', ['agencyCode', 'sourceSystem', 'sourceRef'], { unique: true })
export class PersonSourceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('person_source_person_idx')
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
@Index('person_relationship_key', ['personId', 'relatedPersonId', 'type'], { unique: true })
export class PersonRelationshipEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'person_relationship_person_fk' })
  person?: PersonEntity;

  @Index('person_relationship_related_idx')
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
