import { getMetadataArgsStorage } from 'typeorm';
import { ENTITIES } from './entities';
import { PartnershipEntity } from './partnership.entity';

/** The one table that is not a tenant's among the entities (ADR 016: it names the tenants). */
const NOT_TENANT = new Set<unknown>([PartnershipEntity]);

describe('the partnership column written once (ADR 016, src/db/tenant-row.ts)', () => {
  const storage = getMetadataArgsStorage();
  const tableOf = (entity: unknown) => storage.tables.find((t) => t.target === entity)?.name;

  it('given every tenant entity, then it extends TenantRow of its own table (the foreign key the migration named)', () => {
    const wrong = ENTITIES.filter((e) => !NOT_TENANT.has(e)).flatMap((entity) => {
      const base: unknown = Object.getPrototypeOf(entity);
      const fk = storage.joinColumns.find(
        (j) => j.target === base && j.propertyName === 'partnership',
      )?.foreignKeyConstraintName;
      return fk === `${tableOf(entity)}_partnership_fk` ? [] : [`${entity.name}: ${fk ?? 'no TenantRow'}`];
    });
    expect(wrong).toEqual([]);
  });

  it('given every entity, then none declares the partnership column itself', () => {
    const restated = ENTITIES.filter((entity) =>
      storage.columns.some((c) => c.target === entity && c.options.name === 'partnership_id'),
    ).map((e) => e.name);
    expect(restated).toEqual([]);
  });
});
