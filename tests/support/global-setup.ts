import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { enableAppLogin } from '../../src/db/app-role';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';

/**
 * Starts one throw-away embedded PostgreSQL for the whole run, unless TEST_DATABASE_URL points at a
 * server to use instead (as a superuser, or a role with CREATEDB and CREATEROLE). Each jest worker
 * then creates its own database on it. The hubs under test serve as `mash_app` (cluster-wide role):
 * it gets LOGIN with a password of this run, once here so workers never race on ALTER ROLE.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    process.env.MASH_TEST_SERVER_URL = process.env.TEST_DATABASE_URL;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-test-pg-'));
    const db: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: dir, persistent: false });
    process.env.MASH_TEST_SERVER_URL = db.url;
    (globalThis as { __MASH_TEST_DB__?: { db: EmbeddedDatabase; dir: string } }).__MASH_TEST_DB__ = { db, dir };
  }
  const password = crypto.randomBytes(24).toString('base64url');
  const client = new Client({ connectionString: process.env.MASH_TEST_SERVER_URL });
  await client.connect();
  try {
    await enableAppLogin(client, password);
  } finally {
    await client.end();
  }
  process.env.MASH_TEST_APP_PASSWORD = password;
}
