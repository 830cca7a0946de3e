import 'reflect-metadata';
import { startEmbeddedPostgres } from './src/db/embedded';
import { ensureDatabase } from './src/db/admin';
import { createDataSource } from './src/db/data-source';
import { createLogger } from './src/shared/logger';
import { inPartnership } from './src/db/partnership-scope';
(async () => {
  const db = await startEmbeddedPostgres({ dataDir: '/tmp/rlsdb/m', persistent: false });
  const url = await ensureDatabase(db.url, 'x');
  const ds = createDataSource(url, createLogger('silent'), 2);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const N = 3000;
  const q = `SELECT id FROM person WHERE id = '00000000-0000-0000-0000-000000000000'`;
  const scope = { partnership: 'default', actor: 'm', requestId: 'm' };
  for (let round = 0; round < 3; round++) {
    let t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await ds.query(q);
    const plain = Number(process.hrtime.bigint() - t) / 1e6 / N;
    t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await inPartnership(scope, () => ds.query(q));
    const wrapped = Number(process.hrtime.bigint() - t) / 1e6 / N;
    t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await inPartnership(scope, () => ds.transaction(async (m) => { await m.query(q); await m.query(q); await m.query(q); }));
    const tx3 = Number(process.hrtime.bigint() - t) / 1e6 / N;
    t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await ds.transaction(async (m) => { await m.query(q); await m.query(q); await m.query(q); });
    const tx3plain = Number(process.hrtime.bigint() - t) / 1e6 / N;
    console.log(JSON.stringify({ round, plainMs: plain.toFixed(3), wrappedMs: wrapped.toFixed(3), tx3PlainMs: tx3plain.toFixed(3), tx3ScopedMs: tx3.toFixed(3) }));
  }
  await ds.destroy(); await db.stop();
})();
