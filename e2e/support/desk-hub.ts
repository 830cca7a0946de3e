import { randomUUID } from 'node:crypto';
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { signDevToken, type TokenClaims } from '../../src/auth/authenticator';
import { loadConfig } from '../../src/config';
import { ensureDatabase } from '../../src/db/admin';
import { createDataSource } from '../../src/db/data-source';
import { seedDemoCases } from '../../src/demo/demo-cases';
import { loadDemo } from '../../src/demo/load-demo';
import { createHub, startServer, type HubServer } from '../../src/app/server';
import { createLogger } from '../../src/shared/logger';
import { appUrlOf } from '../../tests/support/test-hub';
import { inPartnership } from '../../src/db/partnership-scope';
import { DEFAULT_PARTNERSHIP } from '../../src/shared/partnership';

/** Where Debian's chromium lives (`apt-get install -y chromium`); CHROMIUM overrides it. */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export interface DeskHub {
  server: HubServer;
  /** The owner's connection, for the stories' own look-ups. */
  db: DataSource;
  origin: string;
  gql<T>(claims: TokenClaims, query: string, variables?: Record<string, unknown>): Promise<T>;
  /**
   * Another hub process on the same database, configured with `env` on top of this one's (for
   * example an identity provider instead of development authentication). Stopped by `close`.
   */
  startAnotherHub(env: Record<string, string>): Promise<{ origin: string }>;
  close(): Promise<void>;
}

/**
 * A hub on a free port with a small demo partnership in a database of its own, serving as
 * mash_app like a deployment, with development authentication (the desk's demo sign-in).
 */
export async function startDeskHub(): Promise<DeskHub> {
  const serverUrl = process.env.MASH_TEST_SERVER_URL!;
  // One database per hub: the story files run one after another in the same worker process (Jest
  // gives each file fresh modules, so a counter here would restart), and a second file must not
  // seed the demo again into the first file's database.
  const url = await ensureDatabase(serverUrl, `mash_e2e_${process.pid}_${randomUUID().slice(0, 8)}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-e2e-'));
  const logger = createLogger('silent');
  const db = createDataSource(url, logger, 3);
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  await db.query(`SELECT mash_audit_ensure_partitions(date_trunc('month', now())::date, 3)`);
  const baseEnv = {
    NODE_ENV: 'test',
    MASH_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DATABASE_URL: appUrlOf(url),
    MIGRATION_DATABASE_URL: url,
  };
  const config = loadConfig(baseEnv);
  const others: HubServer[] = [];
  const serving = createDataSource(appUrlOf(url), logger, 5);
  await serving.initialize();
  const server = await startServer(await createHub(config, logger, serving), { port: 0, host: '127.0.0.1' });
  // The seed writes as the owner (it back-dates the demo's domain rows), like `npm run seed`.
  const seeding = await createHub(config, logger, db);
  // In the default partnership: the desk's development sign-in gives tokens for it (ADR 016).
  await inPartnership({ partnership: DEFAULT_PARTNERSHIP, actor: 'system:seed', requestId: 'e2e-seed' }, async () => {
    await loadDemo(seeding, { households: 8 });
    await seedDemoCases(seeding, { referrals: 30, asOf: new Date().toISOString().slice(0, 10) });
  });
  await seeding.auditWriter.drain();
  await seeding.events.stop();
  const origin = server.url.replace(/\/graphql$/, '');
  return {
    server,
    db,
    origin,
    async gql<T>(claims: TokenClaims, query: string, variables: Record<string, unknown> = {}) {
      const token = await signDevToken(config.auth, claims);
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
      if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${body.errors?.[0]?.message ?? res.status}`);
      return body.data;
    },
    async startAnotherHub(env: Record<string, string>) {
      const other = await startServer(await createHub(loadConfig({ ...baseEnv, ...env }), logger, serving), {
        port: 0,
        host: '127.0.0.1',
      });
      others.push(other);
      return { origin: other.url.replace(/\/graphql$/, '') };
    },
    async close() {
      for (const other of others) await other.stop();
      await server.stop();
      await serving.destroy();
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Debian's chromium, headless, nothing reaching outside. The profile is fresh: playwright-core
 * launches with a new temporary --user-data-dir of its own (and refuses one passed in args).
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** Signs in on the desk's development page as the demo user with this label. */
export async function signInAs(page: Page, origin: string, label: RegExp): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByLabel(label).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** axe-core's WCAG 2.x A/AA rules on the page as it stands; returns the violations. */
export async function axeViolations(page: Page): Promise<Array<{ id: string; help: string; nodes: number }>> {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Injected through the DevTools protocol, so the page's CSP (no inline script) stays as served.
  await page.evaluate(source);
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })`,
  )) as {
    violations: Array<{ id: string; help: string; nodes: unknown[] }>;
    passes: unknown[];
  };
  if (!result.passes.length) throw new Error('axe-core checked nothing');
  return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.length }));
}

/** With DESK_SCREENSHOTS=<folder>, saves the screen as <folder>/desk-<name>.png (for the README). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.DESK_SCREENSHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `desk-${name}.png`) });
}
