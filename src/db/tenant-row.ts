import { Column, JoinColumn, ManyToOne } from 'typeorm';
import { PartnershipEntity } from './partnership.entity';

/**
 * The partnership column every tenant table carries (ADR 016), written once: a tenant entity
 * extends `TenantRow('<table>')`. `mash_make_tenant_table('<table>')` creates the column, its
 * fail-closed default and the foreign key `<table>_partnership_fk`; the table's indexes lead with
 * `partnershipId` and stay on the entity (each is the table's own). The table name is given again
 * here because TypeORM needs the foreign key's name on the decorator; a name that does not match the
 * migration fails "entities and migrations agree" (tests/schema.test.ts).
 */
export function TenantRow(table: string) {
  abstract class TenantRowOf {
    /** The partnership the row belongs to (ADR 016): the transaction's, set by the database. */
    @Column({ name: 'partnership_id', type: 'text', default: () => 'mash_current_partnership()' })
    partnershipId!: string;

    @ManyToOne(() => PartnershipEntity, { onDelete: 'RESTRICT' })
    @JoinColumn({ name: 'partnership_id', foreignKeyConstraintName: `${table}_partnership_fk` })
    partnership?: PartnershipEntity;
  }
  return TenantRowOf;
}
