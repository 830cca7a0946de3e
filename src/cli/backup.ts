/**
 * Backs up the embedded database: `npm run backup -- --out <file>`. An online base backup of the
 * cluster in MASH_DATA_DIR (the hub may keep running) with the WAL it needs, as one gzipped tar
 * (src/db/backup.ts, ADR 014). Prints what was backed up and the file's SHA-256.
 * A PostgreSQL server (DATABASE_URL) is backed up with its own tools: docs/operations.md, "Backups".
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { backupEmbedded } from '../db/backup';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  if (!values.out) throw new Error('usage: npm run backup -- --out <file>');
  const config = loadConfig();
  if (config.databaseUrl) {
    throw new Error(
      'DATABASE_URL is set: back up that PostgreSQL server with base backups and WAL archiving (docs/operations.md, "Backups")',
    );
  }
  const { manifest, sha256 } = await backupEmbedded(config.dataDir, values.out);
  process.stdout.write(
    `backup: ${values.out} — PostgreSQL ${manifest.pgMajor}, ${manifest.files} files (${manifest.walSegments} WAL segments), ` +
      `consistent at WAL ${manifest.stopLsn} (${manifest.finishedAt})\nsha256 ${sha256}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`backup: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
