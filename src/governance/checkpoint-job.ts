import type { Hub } from '../context/context';
import { claimPeriodicRun } from '../db/periodic-job';
import { loadAnchorKey } from './anchor';
import { CHECKPOINT_JOB, writeCheckpoint } from './checkpoint';

/**
 * The checkpoint job (issue 26): every `AUDIT_CHECKPOINT_SECONDS` (3600; 0 = off, the default in
 * tests) one hub process, holding the lease in periodic_job, writes a signed checkpoint of every
 * partnership's chain head. Failures are logged (sequence and counts only), never fatal.
 */
export function startCheckpointJob(hub: Hub): { stop(): void } {
  const seconds = hub.config.auditCheckpointSeconds;
  if (seconds <= 0) return { stop: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    claimPeriodicRun(hub.dataSource, CHECKPOINT_JOB, seconds * 0.9)
      .then((claimed) => (claimed ? writeCheckpoint(hub.dataSource, loadAnchorKey(hub.config.dataDir)) : null))
      .then((c) => {
        if (c) hub.logger.info({ sequence: c.sequence, partnerships: c.heads.length }, 'audit checkpoint written');
      })
      .catch((e: unknown) => hub.logger.warn({ err: { message: (e as Error).message } }, 'audit checkpoint failed'))
      .finally(() => {
        running = false;
      });
  }, seconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
