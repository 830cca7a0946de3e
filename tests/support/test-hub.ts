import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { signDevToken, type TokenClaims } from '../../src/auth/authenticator';
import { loadConfig, type Config } from '../../src/config';
import { appRoleUrl } from '../../src/db/app-role';
import { createDataSource } from '../../src/db/data-source';
import { ensureDatabase } from '../../src/db/admin';
import { createHub, startServer, type HubServer } from '../../src/app/server';
import { createLogger } from '../../src/shared/logger';
import { currentPartnershipScope, inPartnership } from '../../src/db/partnership-scope';
import { DEFAULT_PARTNERSHIP } from '../../src/shared/partnership';

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }> | undefined;
  extensions: { redactions?: Array<{ path: string; reason: string }> } | undefined;
  headers: Headers;
}

export interface TestHub {
  server: HubServer;
  /**
   * The OWNER's connection (a superuser on the test server), for the tests' own set-up and
   * tampering. The hub itself serves as mash_app: `server.hub.dataSource`.
   */
  db: DataSource;
  config: Config;
  token(claims: Partial<TokenClaims> & { agency: string; roles: string[] }): Promise<string>;
  gql<T = Record<string, unknown>>(
    token: string | null,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

let migrated: Promise<string> | undefined;

/**
 * The tests' own set-up and tampering on the owner's connection act in the default partnership
 * unless a story sets another (ADR 016): a superuser passes the wall anyway, but rows it inserts take
 * the transaction's partnership. The hub under test gets no such default.
 */
export function ownerActingInDefaultPartnership(db: DataSource): DataSource {
  const make = db.driver.createQueryRunner.bind(db.driver);
  const scope = { partnership: DEFAULT_PARTNERSHIP, actor: 'system:test-setup', requestId: 'test-setup' };
  const inDefault = <T>(work: () => Promise<T>): Promise<T> =>
    currentPartnershipScope() ? work() : inPartnership(scope, work);
  db.driver.createQueryRunner = (mode) => {
    const runner = make(mode);
    const query = runner.query.bind(runner);
    const start = runner.startTransaction.bind(runner);
    runner.query = ((...args: Parameters<typeof query>) => inDefault(() => query(...args))) as typeof query;
    runner.startTransaction = (isolation) => inDefault(() => start(isolation));
    return runner;
  };
  return db;
}

/** This worker's database on the test server, migrated once per worker process. */
async function workerDatabaseUrl(): Promise<string> {
  const serverUrl = process.env.MASH_TEST_SERVER_URL;
  if (!serverUrl) throw new Error('MASH_TEST_SERVER_URL is not set: run the tests with `npm test`');
  migrated ??= (async () => {
    const url = await ensureDatabase(serverUrl, `mash_test_${process.env.JEST_WORKER_ID ?? '0'}`);
    const ds = createDataSource(url, createLogger('silent'), 2);
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    return url;
  })();
  return migrated;
}

/**
 * A fresh, migrated database of its own, for tests that tamper with shared state (e.g. the audit
 * chain) and must not disturb the other tests of the worker.
 */
export async function dedicatedDatabaseUrl(name: string): Promise<string> {
  const serverUrl = process.env.MASH_TEST_SERVER_URL;
  if (!serverUrl) throw new Error('MASH_TEST_SERVER_URL is not set: run the tests with `npm test`');
  const url = await ensureDatabase(serverUrl, `mash_test_${name}_${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}`);
  const ds = createDataSource(url, createLogger('silent'), 2);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  return url;
}

/** The same database reached as the application role mash_app (LOGIN given by the global set-up). */
export function appUrlOf(ownerUrl: string): string {
  const password = process.env.MASH_TEST_APP_PASSWORD;
  if (!password) throw new Error('MASH_TEST_APP_PASSWORD is not set: run the tests with `npm test`');
  return appRoleUrl(ownerUrl, password);
}

/**
 * A hub served on a free port against this worker's database (or `options.databaseUrl`, or
 * env.DATABASE_URL: the owner's URL of a migrated database), with development auth. The hub serves
 * as mash_app (or `options.servingUrl`), like a production deployment; `db` is the owner's.
 */
export async function startTestHub(
  env: Record<string, string> = {},
  options: {
    databaseUrl?: string;
    servingUrl?: string;
    /** Collects the hub's log lines (parsed JSON), at LOG_LEVEL or info. */ logLines?: Array<Record<string, unknown>>;
  } = {},
): Promise<TestHub> {
  const url = options.databaseUrl ?? env.DATABASE_URL ?? (await workerDatabaseUrl());
  const servingUrl = options.servingUrl ?? appUrlOf(url);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-test-hub-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    MASH_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? (options.logLines ? 'info' : 'silent'),
    ...env,
    DATABASE_URL: servingUrl,
    MIGRATION_DATABASE_URL: url,
  });
  const lines = options.logLines;
  const logger = createLogger(
    config.logLevel,
    lines &&
      new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const line of chunk.toString().split('\n'))
            if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      }),
  );
  const db = ownerActingInDefaultPartnership(createDataSource(url, logger, 3));
  await db.initialize();
  const serving = createDataSource(servingUrl, logger, 5);
  await serving.initialize();
  const hub = await createHub(config, logger, serving);
  const server = await startServer(hub, { port: 0, host: '127.0.0.1' });
  let n = 0;
  return {
    server,
    db,
    config,
    token: (claims) =>
      signDevToken(config.auth, {
        sub: claims.sub ?? `user-${process.pid}-${++n}-${Date.now()}`,
        name: claims.name ?? 'Test User',
        agency: claims.agency,
        roles: claims.roles,
        ...(claims.partnerships ? { partnerships: claims.partnerships } : {}),
      }),
    async gql(token, query, variables, headers = {}) {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: never; errors?: never; extensions?: never };
      return {
        status: res.status,
        data: body.data,
        errors: body.errors,
        extensions: body.extensions,
        headers: res.headers,
      };
    },
    async close() {
      await server.stop();
      await serving.destroy();
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
