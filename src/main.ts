import 'reflect-metadata';
import { loadConfig } from './config';
import { openDatabase } from './db/open';
import { createHub, startServer } from './server';
import { createLogger } from './shared/logger';

/** Entry point: config, (embedded) database, migrations, serve; drain on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, logger, { migrate: true });
  await db.dataSource.query(`SELECT mash_audit_ensure_partitions(date_trunc('month', now())::date, 3)`);
  const hub = await createHub(config, logger, db.dataSource);
  const server = await startServer(hub);
  logger.info({ url: server.url }, 'MASH Hub listening');
  if (config.auth.mode === 'development') {
    process.stdout.write(
      `\nMASH Hub is running at ${server.url.replace('127.0.0.1', 'localhost')}\n` +
        `Get a development token:  npm run token -- --sub sw1 --name "Sam Worker" --agency social-care --role MASH_SOCIAL_WORKER\n` +
        `Load demo data:           npm run seed -- --demo\n\n`,
    );
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests and flushing the audit');
    try {
      await server.stop();
      await db.close();
      process.exit(0);
    } catch (e) {
      logger.error({ err: { message: (e as Error).message } }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`MASH Hub failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
