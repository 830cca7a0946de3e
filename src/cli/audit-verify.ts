/**
 * Recomputes the audit hash chain: `npm run audit:verify [-- --anchor '<exported head JSON>' | --anchor-file f]`;
 * `npm run audit:verify -- --archive <file>` checks an archive file against its checkpoint.
 * Prints "intact up to batch N" (exit 0) or the first broken batch and what is wrong (exit 1).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { checkAnchor, loadAnchorKey, type SignedAnchor } from '../governance/anchor';
import { verifyAuditChain } from '../governance/chain-verify';
import { verifyArchiveFile } from '../governance/archive';
import { withDatabase } from './cli-db';

void withDatabase('audit:verify', async (db, config) => {
  const { values } = parseArgs({
    options: {
      anchor: { type: 'string' },
      'anchor-file': { type: 'string' },
      json: { type: 'boolean' },
      archive: { type: 'string' },
    },
  });
  if (values.archive) {
    const r = await verifyArchiveFile(db.dataSource, values.archive);
    process.stdout.write(`${r.message}\n`);
    return r.intact ? 0 : 1;
  }
  let anchor: SignedAnchor | null = null;
  const text =
    values.anchor ?? (values['anchor-file'] ? fs.readFileSync(values['anchor-file'], 'utf8').trim() : undefined);
  if (text !== undefined) {
    const checked = checkAnchor(text, loadAnchorKey(config.dataDir, false));
    if ('error' in checked) {
      process.stderr.write(`audit:verify: ${checked.error}\n`);
      return 1;
    }
    anchor = checked.anchor;
  }
  const result = await verifyAuditChain(db.dataSource, { anchor });
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${result.message}\n`);
  return result.intact ? 0 : 1;
});
