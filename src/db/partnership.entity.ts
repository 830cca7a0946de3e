import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A partnership: a tenant of the deployment (ADR 016, migration 1764100000000). Not walled: it names tenants only. */
@Entity({ name: 'partnership' })
@Check('partnership_id_check', `id ~ '^[a-z][a-z0-9-]{1,39}$'`)
@Check('partnership_display_name_check', `length(display_name) BETWEEN 1 AND 200`)
@Check('partnership_out_of_hours_contact_check', `length(out_of_hours_contact) <= 500`)
export class PartnershipEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'partnership_pkey' })
  id!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ name: 'out_of_hours_contact', type: 'text', nullable: true })
  outOfHoursContact!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
