/**
 * Archives audit partitions older than a month: `npm run audit:archive -- --before 2024-01`.
 * Writes MASH_DATA_DIR/archive/audit-before-<month>-<partnership>-<time>.ndjson for each partnership's
 * chain (events, disclosures and the chain segment), records a checkpoint and a SYSTEM audit event, and DETACHes the partitions. Runs as the
 * database owner (MIGRATION_DATABASE_URL, else DATABASE_URL; the embedded superuser). The detached tables remain until you DROP them after storing the file safely.
 */
import { parseArgs } from 'node:util';
import { ArchiveRefused, archiveAuditBefore, parseMonth } from '../governance/archive';
import { withDatabase } from './cli-db';

void withDatabase(
  'audit:archive',
  async (db, config) => {
    const { values } = parseArgs({ options: { before: { type: 'string' } } });
    if (!values.before) throw new Error('give --before YYYY-MM');
    try {
      const run = await archiveAuditBefore(db.dataSource, config.dataDir, parseMonth(values.before));
      // One segment per partnership's chain (ADR 016); the partitions are detached once for all.
      for (const r of run.chains) {
        process.stdout.write(
          `archived ${r.events} events and ${r.disclosures} disclosures of batches ${r.firstBatchId}..${r.lastBatchId} to ${r.file} (partnership ${r.partnership})\n` +
            `sha256 ${r.fileSha256}\nverification of ${r.partnership} now checks rows from batch ${r.lastBatchId + 1}, linked to ${r.lastHash}\n`,
        );
      }
      process.stdout.write(`detached ${run.partitions.length} partitions\n`);
      return 0;
    } catch (e) {
      if (e instanceof ArchiveRefused) {
        process.stderr.write(`audit:archive: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
  'owner',
  false,
);
