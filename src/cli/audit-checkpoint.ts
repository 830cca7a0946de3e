/**
 * Signed checkpoints of every partnership's audit chain head (issue 26, ADR 016):
 * `npm run audit:checkpoint` writes the next checkpoint and prints it as one JSON line;
 * `-- --export <file.json>` writes one, then the whole chain of checkpoints with the public key to
 * the file (keep it outside the hub); `-- --verify [--file <file.json>]` checks the chain (the
 * database's, or an exported file's) and every recorded head against the audit (exit 1 if broken);
 * `-- --rotate-key` retires the signing key, keeping its public key to verify what it signed (ADR 028).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadAnchorKey, rotateAnchorKey } from '../governance/anchor';
import {
  exportCheckpoints,
  parseCheckpointExport,
  verifyCheckpoints,
  writeCheckpoint,
  type SignedCheckpoint,
} from '../governance/checkpoint';
import { withDatabase } from './cli-db';

void withDatabase(
  'audit:checkpoint',
  async (db, config) => {
    const { values } = parseArgs({
      options: {
        export: { type: 'string' },
        verify: { type: 'boolean' },
        file: { type: 'string' },
        'rotate-key': { type: 'boolean' },
      },
    });
    const ds = db.dataSource;
    if (values['rotate-key']) {
      // ADR 028: the old key's public key is kept to verify what it signed; the next checkpoint uses the new key.
      const { retiredKeyId, keyId } = rotateAnchorKey(config.dataDir);
      process.stdout.write(`anchor key rotated: ${retiredKeyId} retired (public key kept), ${keyId} signs from now\n`);
      return 0;
    }
    if (values.verify) {
      const key = loadAnchorKey(config.dataDir, false);
      let list: SignedCheckpoint[] | undefined;
      if (values.file) {
        const parsed = parseCheckpointExport(fs.readFileSync(values.file, 'utf8'));
        if ('error' in parsed) {
          process.stderr.write(`audit:checkpoint: ${parsed.error}\n`);
          return 1;
        }
        list = parsed.checkpoints;
      }
      const r = await verifyCheckpoints(ds, key, list);
      process.stdout.write(`${r.message}\n`);
      return r.intact ? 0 : 1;
    }
    const key = loadAnchorKey(config.dataDir);
    const written = await writeCheckpoint(ds, key);
    if (values.export) {
      fs.writeFileSync(values.export, `${JSON.stringify(await exportCheckpoints(ds, key), null, 2)}\n`, {
        mode: 0o600,
      });
      process.stdout.write(
        `checkpoint ${written.sequence} written; the chain of checkpoints exported to ${values.export}\n`,
      );
    } else {
      process.stdout.write(`${JSON.stringify(written)}\n`);
    }
    return 0;
  },
  'app',
  false,
);
