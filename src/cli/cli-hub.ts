import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Hub } from '../context/context';
import { openDatabase, type OpenDatabase } from '../db/open';
import { createHub } from '../app/server';
import type { Logger } from '../shared/logger';

/** Thrown when the embedded PostgreSQL of the data folder is already run by another process. */
export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
}

/** The pid of a live PostgreSQL using the data folder's embedded server, if any. */
function livePostgresPid(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    // EPERM: it exists but belongs to another user (the postgres user when we run as root).
    return (e as { code?: string }).code === 'EPERM' ? pid : undefined;
  }
}

function busyMessage(command: string, dataDir: string, pid: number | undefined): string {
  return (
    `${command}: the embedded PostgreSQL in ${dataDir} is already running${pid ? ` (pid ${pid})` : ''}, ` +
    `most likely because the hub is running (npm start).\n` +
    `Only one process may run the embedded database on a data folder at a time. Either:\n` +
    `  - stop the hub (Ctrl-C in its terminal) and run this command again, or\n` +
    `  - load the data through the running hub's API (the upsertPerson and upsertAgencyRecord mutations), or\n` +
    `  - run PostgreSQL as a server and point both the hub and this command at it with DATABASE_URL.`
  );
}

/**
 * Opens the database like `npm start` does (DATABASE_URL, or the embedded server in MASH_DATA_DIR,
 * migrated) and builds a hub around it for command-line tools that run the services directly.
 */
export async function openCliHub(
  command: string,
  config: Config,
  logger: Logger,
): Promise<{ hub: Hub; db: OpenDatabase; close: () => Promise<void> }> {
  if (!config.databaseUrl) {
    const pid = livePostgresPid(config.dataDir);
    if (pid !== undefined) throw new DataDirBusyError(busyMessage(command, config.dataDir, pid));
  }
  let db: OpenDatabase;
  try {
    db = await openDatabase(config, logger, { migrate: true });
  } catch (e) {
    if (/already using|lock file .* already exists/i.test((e as Error).message)) {
      throw new DataDirBusyError(busyMessage(command, config.dataDir, undefined), { cause: e });
    }
    throw e;
  }
  await db.dataSource.query(`SELECT mash_audit_ensure_partitions(date_trunc('month', now())::date, 3)`);
  const hub = await createHub(config, logger, db.dataSource);
  // Stop listening and flush the audit before the database goes away.
  const close = async () => {
    await hub.events.stop();
    await hub.auditWriter.drain();
    await db.close();
  };
  return { hub, db, close };
}
