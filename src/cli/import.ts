/**
 * Bulk import: npm run import -- <file.ndjson> [--json]
 * One person or agency record per line (see src/records/bulk-import.ts for the format). Prints one
 * result per line and a summary; exits 1 when any line was rejected, 2 when it could not run.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { importNdjson, type LineResult } from '../records/bulk-import';
import { createCommandLogger } from '../shared/logger';
import { openCliHub } from './cli-hub';
import { commandPartnership, inCommandPartnership, takePartnershipOption } from './cli-partnership';

function describe(r: LineResult): string {
  if (r.outcome === 'REJECTED') return `line ${r.line}: REJECTED ${r.kind ?? 'line'} — ${r.reason} [${r.code}]`;
  return `line ${r.line}: ${r.outcome} ${r.kind} ${r.id}`;
}

async function main(): Promise<number> {
  const named = takePartnershipOption();
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new Error('usage: npm run import -- <file.ndjson> [--json] [--partnership <id>]');
  const file = positionals[0]!;
  if (!fs.existsSync(file)) throw new Error(`cannot read ${file}`);
  const config = loadConfig();
  const logger = createCommandLogger(config.logLevel);
  const { hub, close } = await openCliHub('import', config, logger);
  const partnership = await commandPartnership(hub.dataSource, named).catch(async (e: unknown) => {
    await close();
    throw e;
  });
  return inCommandPartnership('import', partnership, async () => {
    try {
      const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
      const summary = await importNdjson(hub, lines, (r) => {
        process.stdout.write(`${values.json ? JSON.stringify(r) : describe(r)}\n`);
      });
      const c = summary.counts;
      const text = `${summary.lines} lines: ${c.CREATED} created, ${c.LINKED} linked, ${c.UPDATED} updated, ${c.UNCHANGED} unchanged, ${c.REJECTED} rejected`;
      process.stdout.write(values.json ? `${JSON.stringify({ summary })}\n` : `${text}\n`);
      return c.REJECTED > 0 ? 1 : 0;
    } finally {
      await hub.auditWriter.drain();
      await close();
    }
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).name === 'DataDirBusyError' ? '' : 'import: '}${(e as Error).message}\n`);
    process.exit(2);
  },
);
