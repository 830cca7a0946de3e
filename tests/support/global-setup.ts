import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';

/**
 * Starts one throw-away embedded PostgreSQL for the whole run, unless TEST_DATABASE_URL points at a
 * server to use instead. Each jest worker then creates its own database on it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    process.env.MASH_TEST_SERVER_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-test-pg-'));
  const db: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: dir, persistent: false });
  process.env.MASH_TEST_SERVER_URL = db.url;
  (globalThis as { __MASH_TEST_DB__?: { db: EmbeddedDatabase; dir: string } }).__MASH_TEST_DB__ = { db, dir };
}
