import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/open';
import { isProductionDatabase } from '../src/db/production-mark';
import { seedDemoCases } from '../src/demo/demo-cases';
import { loadDemo } from '../src/demo/load-demo';
import { DemoRefusedError } from '../src/demo/production-guard';
import { createLogger } from '../src/shared/logger';
import { appUrlOf, dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';
import { inTestPartnership } from './support/factories';

/**
 * Issue 17: the demo seed ran against a production database. It is refused when the command runs
 * with NODE_ENV=production, and when the database is marked as production's (a production hub
 * marks the database it serves from when it connects), whatever NODE_ENV the command has.
 */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const tsNode = path.join(ROOT, 'node_modules', '.bin', 'ts-node');
const PRODUCTION_AUTH = {
  AUTH_JWKS_URL: 'https://login.example.invalid/.well-known/jwks.json',
  AUTH_ISSUER: 'https://login.example.invalid/',
  AUTH_AUDIENCE: 'mash-hub',
};

async function seedCommand(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return run(tsNode, ['--transpile-only', 'src/cli/seed.ts', '--demo', '--households', '1', '--referrals', '1'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    timeout: 120_000,
  }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
}

const peopleIn = async (hub: TestHub) =>
  ((await hub.db.query('SELECT count(*)::int AS n FROM person')) as Array<{ n: number }>)[0]!.n;

describe('the demo seed refuses production', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-demo-prod-'));
  let productionUrl: string;
  let hub: TestHub;

  beforeAll(async () => {
    // A database a production hub has connected to (and so marked), with nothing else in it.
    productionUrl = await dedicatedDatabaseUrl('demoprod');
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: appUrlOf(productionUrl),
      MIGRATION_DATABASE_URL: productionUrl,
      MASH_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      DB_POOL_SIZE: '2',
      ...PRODUCTION_AUTH,
    });
    const db = await openDatabase(config, createLogger('silent'), { migrate: true });
    await db.close();
    hub = await startTestHub({ MASH_DATA_DIR: dataDir }, { databaseUrl: productionUrl });
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('given a production hub connected to a database, then the database is marked production and the serving role cannot unmark it', async () => {
    expect(await isProductionDatabase(hub.db)).toBe(true);
    const error = await hub.server.hub.dataSource.query('DELETE FROM database_environment').then(
      () => null,
      (e: { code?: string }) => e,
    );
    expect(error?.code).toBe('42501');
    expect(await isProductionDatabase(hub.db)).toBe(true);
  });

  it('given the marked database, when the demo loader runs in a development or test process, then it is refused and nothing is stored', async () => {
    expect(hub.config.env).toBe('test');

    await expect(loadDemo(hub.server.hub, { households: 1 })).rejects.toThrow(DemoRefusedError);
    await expect(loadDemo(hub.server.hub, { households: 1 })).rejects.toThrow(/database is marked as production/);
    await expect(seedDemoCases(hub.server.hub, { referrals: 1 })).rejects.toThrow(DemoRefusedError);
    expect(await peopleIn(hub)).toBe(0);
  });

  it('given the marked database, when `npm run seed -- --demo` runs with NODE_ENV=development, then it exits 2 saying why and stores nothing', async () => {
    const r = await seedCommand({
      NODE_ENV: 'development',
      DATABASE_URL: appUrlOf(productionUrl),
      MASH_DATA_DIR: dataDir,
    });

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to load the demo partnership: this database is marked as production/);
    expect(await peopleIn(hub)).toBe(0);
  }, 120_000);

  it('given NODE_ENV=production and a complete production configuration, when `npm run seed -- --demo` runs against an unmarked database, then it exits 2 before connecting and stores nothing', async () => {
    const fresh = await dedicatedDatabaseUrl('demoprodenv');
    const r = await seedCommand({
      NODE_ENV: 'production',
      DATABASE_URL: appUrlOf(fresh),
      MIGRATION_DATABASE_URL: fresh,
      MASH_DATA_DIR: dataDir,
      ...PRODUCTION_AUTH,
    });

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to load the demo partnership with NODE_ENV=production/);
    const other = await startTestHub({ MASH_DATA_DIR: dataDir }, { databaseUrl: fresh });
    try {
      expect(await peopleIn(other)).toBe(0);
      // Refused before connecting: not even marked.
      expect(await isProductionDatabase(other.db)).toBe(false);
    } finally {
      await other.close();
    }
  }, 120_000);

  it('given an unmarked database in a test process, then the guard lets the demo through (control)', async () => {
    const other = await startTestHub(
      { MASH_DATA_DIR: dataDir },
      { databaseUrl: await dedicatedDatabaseUrl('demoprodctl') },
    );
    try {
      expect(await isProductionDatabase(other.db)).toBe(false);
      const report = await inTestPartnership(() => loadDemo(other.server.hub, { households: 1 }));
      expect(report.summary.counts.CREATED).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  }, 60_000);
});
