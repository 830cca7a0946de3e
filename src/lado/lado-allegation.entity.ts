import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TenantRow } from '../db/tenant-row';
import { PersonEntity } from '../people/person.entity';
import type { AllegationCategory, AllegationOutcome, AllegationStatus, LadoSector } from './vocabulary';

/**
 * An allegation against someone who works with children, managed by the LADO (issue 25, ADR 018). The
 * adult's details (name, job, date of birth) are SEALED to everyone but the LADO and the employer's
 * designated officer. Changes go through `changeVersioned`.
 */
@Entity({ name: 'lado_allegation' })
@Index('lado_allegation_received_idx', ['partnershipId', 'receivedAt', 'id'])
@Index('lado_allegation_outcome_idx', ['partnershipId', 'outcomeAt'])
@Index('lado_allegation_employer_idx', ['partnershipId', 'employerAgency'])
@Check(
  'lado_allegation_sector_check',
  `sector IN ('EDUCATION','EARLY_YEARS','HEALTH','SOCIAL_CARE','POLICE','FAITH','SPORT_AND_LEISURE','TRANSPORT','VOLUNTARY','OTHER')`,
)
@Check('lado_allegation_category_check', `category IN ('PHYSICAL','SEXUAL','EMOTIONAL','NEGLECT','SUITABILITY')`)
@Check('lado_allegation_status_check', `status IN ('OPEN','MEETING_SCHEDULED','CLOSED')`)
@Check(
  'lado_allegation_outcome_check',
  `outcome IS NULL OR outcome IN ('SUBSTANTIATED','UNSUBSTANTIATED','UNFOUNDED','FALSE','MALICIOUS')`,
)
@Check(
  'lado_allegation_closed_check',
  `(status = 'CLOSED') = (outcome IS NOT NULL) AND (outcome IS NULL) = (outcome_at IS NULL) AND (outcome_at IS NULL OR outcome_at >= received_at)`,
)
@Check('lado_allegation_dbs_check', `(dbs_referred_at IS NULL) OR outcome IS NOT NULL`)
export class LadoAllegationEntity extends TenantRow('lado_allegation') {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The child concerned, when known to the hub. */
  @Column({ name: 'child_person_id', type: 'uuid', nullable: true })
  childPersonId!: string | null;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'child_person_id', foreignKeyConstraintName: 'lado_allegation_child_fk' })
  child?: PersonEntity;

  /** The LADO's agency (the local authority). */
  @Column({ name: 'lado_agency', type: 'text' })
  ladoAgency!: string;

  @Column({ name: 'recorded_by_sub', type: 'text' })
  recordedBySub!: string;

  @Column({ name: 'recorded_by_name', type: 'text' })
  recordedByName!: string;

  /** The partnership agency whose designated officer sees it (e.g. the schools' education service). */
  @Column({ name: 'employer_agency', type: 'text' })
  employerAgency!: string;

  @Column({ name: 'employer_name', type: 'text' })
  employerName!: string;

  @Column({ type: 'text' })
  sector!: LadoSector;

  @Column({ type: 'text' })
  category!: AllegationCategory;

  @Column({ name: 'adult_name', type: 'text' })
  adultName!: string;

  @Column({ name: 'adult_role', type: 'text' })
  adultRole!: string;

  @Column({ name: 'adult_date_of_birth', type: 'date', nullable: true })
  adultDateOfBirth!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  /** The allegations-against-staff meeting, with the employer invited (or not, and why). */
  @Column({ name: 'meeting_at', type: 'timestamptz', nullable: true })
  meetingAt!: Date | null;

  @Column({ name: 'employer_invited', type: 'boolean', nullable: true })
  employerInvited!: boolean | null;

  @Column({ type: 'text' })
  status!: AllegationStatus;

  @Column({ type: 'text', nullable: true })
  outcome!: AllegationOutcome | null;

  @Column({ name: 'outcome_at', type: 'timestamptz', nullable: true })
  outcomeAt!: Date | null;

  @Column({ name: 'dbs_referred_at', type: 'timestamptz', nullable: true })
  dbsReferredAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}
