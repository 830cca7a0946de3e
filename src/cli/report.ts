/**
 * Prints the monthly governance report as Markdown, for a partnership board paper:
 *   npm run report -- --period 2026-10 [--team pod-a]
 *   npm run report -- --from 2026-10-01 --to 2026-12-31
 * Reads DATABASE_URL (or the embedded database in MASH_DATA_DIR), MASH_METRICS_FILE and MASH_PARTNERSHIP_FILE.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { AgencyDirectory } from '../auth/agencies';
import { loadConfig } from '../config';
import { openDatabase } from '../db/open';
import { computeMetrics, computeTrend } from '../metrics/metrics.service';
import { renderReport } from '../metrics/report';
import { loadMetricsSettings } from '../metrics/settings';
import { applyPartnershipSettings } from '../referrals/settings';
import { createCommandLogger } from '../shared/logger';
import { commandPartnership, inCommandPartnership, takePartnershipOption } from './cli-partnership';

async function main(): Promise<void> {
  const named = takePartnershipOption();
  const { values } = parseArgs({
    options: { period: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, team: { type: 'string' } },
  });
  if (!values.period && !(values.from && values.to))
    throw new Error('give --period YYYY-MM, or --from YYYY-MM-DD --to YYYY-MM-DD');
  const config = loadConfig();
  const logger = createCommandLogger(config.logLevel);
  const settings = loadMetricsSettings(config.metricsFile);
  applyPartnershipSettings(config.partnershipFile); // the statutory clock and time in MASH run on the partnership's calendar
  const agencies = AgencyDirectory.load(config.agenciesFile);
  let db;
  try {
    db = await openDatabase(config, logger, { migrate: false });
  } catch (e) {
    throw new Error(
      `cannot open the database (${(e as Error).message}); if the hub is running on its embedded database, set DATABASE_URL to reach it`,
      { cause: e },
    );
  }
  try {
    const partnership = await commandPartnership(db.dataSource, named);
    const result = await inCommandPartnership('report', partnership, () =>
      computeMetrics(db.dataSource, agencies, settings, {
        period: values.period ? { month: values.period } : { from: values.from, to: values.to },
        team: values.team ?? null,
      }),
    );
    // A month's report shows each measure's last 12 months (issue 20); a date range has no trend.
    const trend = values.period
      ? await inCommandPartnership('report', partnership, () =>
          computeTrend(db.dataSource, agencies, settings, { month: values.period!, team: values.team ?? null }),
        )
      : [];
    process.stdout.write(renderReport(result, settings, trend));
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`report: ${(e as Error).message}\n`);
  process.exit(1);
});
