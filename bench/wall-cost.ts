/**
 * The partnership wall's cost per statement on the hot path (issue 21 follow-up, issue 26 "Measured";
 * ADR 016): one statement in a partnership's scope, outside a transaction, through the hub's own data
 * source (src/db/data-source.ts), in four ways, interleaved round by round:
 *
 *   before   BEGIN, the settings, the statement, COMMIT: four round trips (what a statement outside a
 *            transaction cost until 2026-12-06; the same round trips as a one-statement transaction)
 *   now      the settings and the statement in one round trip and one implicit transaction (ScopedQuery)
 *   wall off `now` as a role that bypasses row-level security (bench/roles.ts): the policies' own cost
 *   floor    the owner (superuser), no scope, no settings: one round trip, no wall
 *
 * Statements: a person by id (a named prepared look-up) and a 20-row referral page (naming its
 * partnership, as the wall's policy does: the queue's index leads with it). Not the benchmark:
 * a loop of one statement, on the generated partnership (`npm run bench -- --generate-only`).
 *
 *   npx ts-node --transpile-only bench/wall-cost.ts [--scale=1] [--n=400] [--rounds=5]
 */
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/db/data-source';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { inPartnership } from '../src/db/partnership-scope';
import { queryPrepared } from '../src/db/prepared';
import { createLogger } from '../src/shared/logger';
import { benchServingUrls } from './roles';

const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const scale = opt('scale') ?? '1';
const N = Number(opt('n') ?? 400);
const ROUNDS = Number(opt('rounds') ?? 5);

const STATEMENTS = {
  'person by id': `SELECT id, given_name, family_name, date_of_birth FROM person WHERE id = $1::uuid`,
  'referral page (20)': `SELECT id, status, decision_due_at, received_at FROM referral
                          WHERE partnership_id = $2 AND decision_due_at >= $1::timestamptz ORDER BY decision_due_at, id LIMIT 20`,
};
type Mode = 'before' | 'now' | 'wall off' | 'floor';
const MODES: Mode[] = ['before', 'now', 'wall off', 'floor'];

const pct = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
const median = (xs: number[]) => pct(xs, 0.5);

async function main(): Promise<void> {
  const db = await startEmbeddedPostgres({ dataDir: path.join(__dirname, '.data') });
  const url = db.url.replace(/\/[^/]*$/, `/mash_bench_${scale.replace('.', '_')}`);
  const owner = new Client({ connectionString: url });
  await owner.connect();
  const serving = await benchServingUrls(owner, url);
  const silent = createLogger('silent');
  const sources: Record<'on' | 'off' | 'owner', DataSource> = {
    on: createDataSource(serving.wallOn, silent, 10),
    off: createDataSource(serving.wallOff, silent, 10),
    owner: createDataSource(url, silent, 10),
  };
  for (const ds of Object.values(sources)) await ds.initialize();
  try {
    const [{ id: partnership }] = (await owner.query('SELECT id FROM partnership ORDER BY id LIMIT 1')).rows;
    const ids = (await owner.query('SELECT id::text AS id FROM person ORDER BY id LIMIT 1000')).rows.map(
      (r) => r.id as string,
    );
    const [{ t: from }] = (
      await owner.query(
        `SELECT (min(decision_due_at) + (max(decision_due_at) - min(decision_due_at)) / 2)::text AS t FROM referral`,
      )
    ).rows;
    console.log(
      `${(await owner.query('SHOW server_version')).rows[0].server_version}; partnership ${partnership}; ${N} calls × ${ROUNDS} rounds per cell; load ${os
        .loadavg()
        .map((x: number) => x.toFixed(1))
        .join(' ')}`,
    );
    let k = 0;
    const call = async (mode: Mode, text: string, withId: boolean) => {
      const params = withId ? [ids[k++ % ids.length]] : [from, partnership];
      const scope = { partnership, actor: 'system:bench', requestId: `wall-cost-${k}` };
      if (mode === 'floor') return queryPrepared(sources.owner, text, params);
      const ds = mode === 'wall off' ? sources.off : sources.on;
      return inPartnership(scope, () =>
        mode === 'before' ? ds.transaction((m) => queryPrepared(m, text, params)) : queryPrepared(ds, text, params),
      );
    };
    for (const [label, text] of Object.entries(STATEMENTS)) {
      const withId = label === 'person by id';
      // Rows must be the same in every mode but the floor's (it sees every partnership; the bench has one).
      const counts = await Promise.all(MODES.map(async (m) => ((await call(m, text, withId)) as unknown[]).length));
      for (const c of [1, 10]) {
        const lat: Record<Mode, number[]> = { before: [], now: [], 'wall off': [], floor: [] };
        const rate: Record<Mode, number[]> = { before: [], now: [], 'wall off': [], floor: [] };
        for (const m of MODES) for (let i = 0; i < 50; i++) await call(m, text, withId); // warm: plans, pools
        for (let r = 0; r < ROUNDS; r++) {
          for (const m of r % 2 ? [...MODES].reverse() : MODES) {
            const t0 = process.hrtime.bigint();
            await Promise.all(
              Array.from({ length: c }, async () => {
                for (let i = 0; i < N / c; i++) {
                  const s = process.hrtime.bigint();
                  await call(m, text, withId);
                  lat[m].push(Number(process.hrtime.bigint() - s) / 1e6);
                }
              }),
            );
            rate[m].push(N / (Number(process.hrtime.bigint() - t0) / 1e9));
          }
        }
        console.log(`\n${label} (rows per mode: ${counts.join(' / ')}), c = ${c}`);
        console.log('| mode | p50 ms | p95 ms | calls/s (median of rounds) | ÷ floor calls/s |');
        console.log('|---|---|---|---|---|');
        for (const m of MODES)
          console.log(
            `| ${m} | ${median(lat[m]).toFixed(3)} | ${pct(lat[m], 0.95).toFixed(3)} | ${median(rate[m]).toFixed(0)} | ${(median(rate[m]) / median(rate.floor)).toFixed(2)} |`,
          );
      }
    }
  } finally {
    for (const ds of Object.values(sources)) await ds.destroy();
    await owner.end();
    await db.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
