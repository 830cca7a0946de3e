/**
 * Prints the audit chain head signed with the anchor key in MASH_DATA_DIR, as one JSON line to keep
 * outside the hub (ticket, e-mail to the IG lead, write-once storage). `npm run audit:anchor`.
 * Later: `npm run audit:verify -- --anchor '<that line>'` proves no newest batches were deleted.
 */
import { flushAuditWal } from '../audit/audit-store';
import { currentHead, loadAnchorKey, signHead } from '../governance/anchor';
import { withDatabase } from './cli-db';

void withDatabase('audit:anchor', async (db, config) => {
  const head = await currentHead(db.dataSource);
  if (!head) {
    process.stderr.write('audit:anchor: the audit chain is empty\n');
    return 1;
  }
  // The head may be a batch committed without waiting for its flush (ADR 037): it is made durable
  // before it leaves the hub, or a crash could leave an anchor naming a batch that never was.
  await flushAuditWal(db.dataSource.manager);
  process.stdout.write(`${JSON.stringify(signHead(head, loadAnchorKey(config.dataDir)))}\n`);
  return 0;
});
