/**
 * Restores a backup made by `npm run backup` into a fresh data folder:
 * `npm run restore -- --from <file> [--data-dir <dir>]` (default MASH_DATA_DIR, which must hold no
 * cluster yet). Replays the backup's WAL once; then `npm start` with that MASH_DATA_DIR serves it.
 * Copy the audit anchor key (audit-anchor-key.pem), kept apart from backups, into the folder to
 * verify the chain against an exported anchor (docs/operations.md, "Backups").
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { restoreEmbedded } from '../db/backup';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, 'data-dir': { type: 'string' } } });
  if (!values.from) throw new Error('usage: npm run restore -- --from <file> [--data-dir <dir>]');
  const config = loadConfig();
  if (config.databaseUrl) {
    throw new Error(
      'DATABASE_URL is set: this command restores the embedded database; restore a PostgreSQL server with its own tools (docs/operations.md, "Backups")',
    );
  }
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : config.dataDir;
  const { manifest } = await restoreEmbedded(values.from, dataDir);
  process.stdout.write(
    `restore: ${dataDir} now holds the backup of ${manifest.finishedAt} (consistent at WAL ${manifest.stopLsn}); ` +
      `start the hub with MASH_DATA_DIR=${dataDir}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`restore: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
