/**
 * History import: npm run import:history -- <file.csv> --system <source system> [--records contacts|enquiries] [--json] [--partnership <id>]
 * Past decided contacts (the default; src/referrals/history-import.ts for the columns), or past s47
 * enquiries and their initial conferences (`--records enquiries`; src/child-protection/enquiry-history-import.ts)
 * from a partnership's earlier system. All or nothing: with any wrong row, prints every wrong row (column and reason, never a
 * value), stores nothing and exits 1; otherwise prints each row (created, or skipped when imported
 * before) and exits 0. Exits 2 when it could not run.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { importEnquiryHistory } from '../child-protection/enquiry-history-import';
import { importHistory } from '../referrals/history-import';
import { createCommandLogger } from '../shared/logger';
import { openCliHub } from './cli-hub';
import { commandPartnership, inCommandPartnership, takePartnershipOption } from './cli-partnership';

async function main(): Promise<number> {
  const named = takePartnershipOption();
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      system: { type: 'string' },
      records: { type: 'string', default: 'contacts' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1 || !values.system || !['contacts', 'enquiries'].includes(values.records!))
    throw new Error(
      'usage: npm run import:history -- <file.csv> --system <source system> [--records contacts|enquiries] [--json] [--partnership <id>]',
    );
  const file = positionals[0]!;
  if (!fs.existsSync(file)) throw new Error(`cannot read ${file}`);
  const config = loadConfig();
  const logger = createCommandLogger(config.logLevel);
  const { hub, close } = await openCliHub('import', config, logger);
  const partnership = await commandPartnership(hub.dataSource, named).catch(async (e: unknown) => {
    await close();
    throw e;
  });
  return inCommandPartnership('import:history', partnership, async () => {
    try {
      const csv = fs.readFileSync(file, 'utf8');
      const result =
        values.records === 'enquiries'
          ? await importEnquiryHistory(hub, csv, values.system!)
          : await importHistory(hub, csv, values.system!);
      for (const r of result.rows) {
        process.stdout.write(
          values.json
            ? `${JSON.stringify(r)}\n`
            : `row ${r.row}: ${r.outcome}${r.reason ? ` — ${r.reason}` : ''}${r.id ? ` ${r.id}` : ''}\n`,
        );
      }
      const c = result.counts;
      const summary = result.stored
        ? `${c.created} created, ${c.skipped} already imported`
        : `${c.rejected} rows rejected: nothing was stored`;
      process.stdout.write(values.json ? `${JSON.stringify({ stored: result.stored, counts: c })}\n` : `${summary}\n`);
      return result.stored ? 0 : 1;
    } finally {
      await hub.auditWriter.drain();
      await close();
    }
  });
}

main().then(
  // Exit once stdout is flushed: a pipe is written asynchronously, and exiting early cut long reports short.
  (code) => process.stdout.write('', () => process.exit(code)),
  (e: unknown) => {
    process.stderr.write(
      `${(e as Error).name === 'DataDirBusyError' ? '' : 'import:history: '}${(e as Error).message}\n`,
    );
    process.exit(2);
  },
);
