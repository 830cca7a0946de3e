import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The partnership wall (issue 26, ADR 016) on the tables and indexes that landed beside it: the child
 * protection pathway (issue 24), the cohorts (issue 25), the referral source and queue-cursor
 * indexes (issues 19, 22) and the resume index (issue 26). `mash_make_tenant_table` (migration
 * 1764100000000) adds `partnership_id` (existing rows into `default`, then the fail-closed default),
 * its foreign key, rebuilds every secondary B-tree index to lead with it, and enables and forces
 * row-level security; on an already walled table it only rebuilds the indexes added since.
 */
const NEW_TABLES = [
  's47_enquiry',
  's47_strategy_discussion',
  'cp_conference',
  'cp_plan',
  'cp_plan_category',
  'cp_core_group',
  'missing_episode',
  'early_help_episode',
  'step_transition',
  'lado_allegation',
] as const;
/** Walled already; indexes added to them after the wall are rebuilt to lead with the partnership. */
const REINDEXED = ['referral', 'referral_rating', 'alert'] as const;

export class WallLaterTables1764900000000 implements MigrationInterface {
  name = 'WallLaterTables1764900000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of [...NEW_TABLES, ...REINDEXED]) await q.query(`SELECT mash_make_tenant_table($1)`, [table]);
  }

  async down(): Promise<void> {
    throw new Error('WallLaterTables1764900000000 is not reversible: the wall is not taken down by a migration');
  }
}
