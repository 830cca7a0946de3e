import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { MIGRATIONS } from '../migrations';
import { signDevToken } from '../src/auth/authenticator';
import { loadConfig } from '../src/config';
import { ensureDatabase, freePort } from '../src/db/admin';
import { appUrlOf } from './support/test-hub';

/**
 * Issue 22, a production build: `npm run build` compiles the hub to dist/ and `node dist/src/main.js`
 * (what `npm run start:prod` and the container run) serves from it — no ts-node, no TypeScript.
 * Against an empty database, so the migrations it applies are the compiled ones.
 */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the production build', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-build-'));
  let ownerUrl: string;
  let hub: ChildProcess | undefined;
  let base: string;
  let stderr = '';

  beforeAll(async () => {
    await run('npm', ['run', '-s', 'build'], { cwd: ROOT, timeout: 240_000 });
    // An empty database: the built hub migrates it as the owner and serves as mash_app.
    ownerUrl = await ensureDatabase(
      process.env.MASH_TEST_SERVER_URL!,
      `mash_test_build_${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}`,
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    hub = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: appUrlOf(ownerUrl),
        MIGRATION_DATABASE_URL: ownerUrl,
        MASH_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    hub.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  }, 300_000);

  afterAll(async () => {
    if (hub && hub.exitCode === null) hub.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('given `npm run build`, then dist/ holds the compiled hub, its commands and migrations, and no tests', () => {
    for (const f of ['dist/src/main.js', 'dist/src/cli/seed.js', 'dist/src/cli/token.js', 'dist/migrations/index.js'])
      expect(fs.existsSync(path.join(ROOT, f))).toBe(true);
    const files = fs.readdirSync(path.join(ROOT, 'dist'), { recursive: true }) as string[];
    expect(files.filter((f) => /\.test\.js$/.test(f) || f.startsWith('tests'))).toEqual([]);
  });

  it('given the built hub started with node on an empty database, then it migrates, becomes ready, answers GraphQL, and stops cleanly on SIGTERM', async () => {
    let ready = 0;
    for (let i = 0; i < 120 && ready !== 200; i++) {
      ready = await fetch(`${base}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready !== 200) await sleep(500);
    }
    expect({ ready, stderr: ready === 200 ? '' : stderr }).toEqual({ ready: 200, stderr: '' });

    const owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0].n).toBe(MIGRATIONS.length);
    } finally {
      await owner.end();
    }

    const config = loadConfig({ NODE_ENV: 'development', MASH_DATA_DIR: dataDir });
    const token = await signDevToken(config.auth, {
      sub: 'build-check',
      name: 'Build Check',
      agency: 'police',
      roles: ['POLICE_MASH_OFFICER'],
    });
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { sub agency } }' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { me: { sub: 'build-check', agency: 'police' } } });

    // The desk is found from dist/ as from src/: its page and compiled entry module are served.
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/desk/app/main.js">');
    const entry = await fetch(`${base}/desk/app/main.js`);
    expect(entry.status).toBe(200);
    expect(entry.headers.get('content-type')).toMatch(/javascript/);

    const exited = new Promise<number | null>((resolve) => hub!.once('exit', (code) => resolve(code)));
    hub!.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
