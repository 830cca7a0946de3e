import 'reflect-metadata';
import { loadConfig } from './config';
import { connectWithRetry, prepareDatabase } from './db/open';
import { createHub, startServer } from './app/server';
import { createLogger } from './shared/logger';
import { applyPartnershipSettings } from './referrals/settings';
import { loadPartnershipConfigs } from './app/partnership-config';

/**
 * Entry point: config, (embedded) database, serve; drain on SIGTERM/SIGINT.
 * The hub serves before PostgreSQL is reachable: /healthz is live, /readyz and GraphQL answer 503
 * until the background connection (with backoff) succeeds and migrations have run. No restart needed.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  applyPartnershipSettings(config.partnershipFile); // a bad settings file stops the hub before it starts a database
  loadPartnershipConfigs(config); // so does a bad per-partnership file (ADR 028)
  const db = await prepareDatabase(config, logger);
  const hub = await createHub(config, logger, db.dataSource);
  let open = false;
  const stopConnecting = new AbortController();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(hub, { databaseOpen: () => open, shutdownDelayMs: config.shutdownDelayMs });
  } catch (e) {
    // E.g. the port is taken: stop what this process started (its embedded PostgreSQL too) and exit non-zero.
    logger.fatal({ err: { message: (e as Error).message } }, 'cannot serve; stopping');
    await hub.events.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw e;
  }
  logger.info({ url: server.url }, 'MASH Hub listening');
  const connecting = connectWithRetry(db, logger, {
    migrate: config.migrateOnStart,
    signal: stopConnecting.signal,
  }).then(
    (ok) => {
      open = ok;
    },
    async (e: unknown) => {
      // Only a configuration error ends the retries (e.g. production serving as the audit's owner).
      process.stderr.write(`MASH Hub cannot serve: ${(e as Error).message}\n`);
      await server.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
      process.exit(1);
    },
  );
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
      stopConnecting.abort();
      await connecting;
      await server.stop();
      await db.close();
      logger.info('shut down cleanly');
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
