import type { Hub } from '../context/context';
import { isProductionDatabase } from '../db/production-mark';

/**
 * The demo partnership is fictional data made to look real (names, NHS numbers, casework): loaded
 * into a live MASH it would mix with real children's records and alerts. It is refused when either
 * the process runs with NODE_ENV=production or the database is marked as production's (a
 * production hub has served from it: src/db/production-mark.ts), so neither a production shell nor
 * a developer's shell pointed at the production database can load it.
 */
export class DemoRefusedError extends Error {
  override name = 'DemoRefusedError';
}

export function refuseDemoInProductionEnv(env: string): void {
  if (env === 'production') {
    throw new DemoRefusedError(
      'refusing to load the demo partnership with NODE_ENV=production: the demo is fictional data and never belongs in a live hub',
    );
  }
}

export async function refuseDemoOnProduction(hub: Hub): Promise<void> {
  refuseDemoInProductionEnv(hub.config.env);
  if (await isProductionDatabase(hub.dataSource)) {
    throw new DemoRefusedError(
      'refusing to load the demo partnership: this database is marked as production (a production hub has served from it; see docs/operations.md)',
    );
  }
}
