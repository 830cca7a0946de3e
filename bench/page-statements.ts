/**
 * The triage page at the repository level (issue 21 §2–3, ADR 020): every column vs the selected
 * ones (Q2), and Q3's subjects as a second statement (the person look-up) vs in the page's own
 * statement. A fresh request's repositories per iteration, through TypeORM as the hub runs them;
 * no GraphQL, no HTTP. Not the benchmark: needs a generated partnership (`--generate-only`).
 *
 *   npx ts-node --transpile-only bench/page-statements.ts [--scale=0.05] [--n=200]
 */
import 'reflect-metadata';
import path from 'node:path';
import { AccessPolicy } from '../src/access-policy/policy';
import { RequestAccess } from '../src/access-policy/request-access';
import type { Viewer } from '../src/access-policy/viewer';
import { DataSet } from '../src/context/data-set';
import { createDataSource } from '../src/db/data-source';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { referralWidth } from '../src/referrals/referrals.repository';
import { createLogger } from '../src/shared/logger';
import { USERS } from './operations';

const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const scale = opt('scale') ?? '0.05';
const N = Number(opt('n') ?? 200);
const sw = USERS.socialWorker;
const viewer: Viewer = {
  sub: sw.sub,
  name: sw.name,
  agency: sw.agency,
  agencyKind: 'SOCIAL_CARE',
  roles: [...sw.roles],
};
const Q2 = new Set(['id', 'reference', 'status', 'rag', 'decisionDueAt', 'breached', 'waitingOn']);
const Q3 = new Set([...Q2, 'narrative', 'concernCategories', 'referrerName', 'subjects']);

async function main(): Promise<void> {
  const db = await startEmbeddedPostgres({ dataDir: path.join(__dirname, '.data') });
  const ds = createDataSource(
    db.url.replace(/\/[^/]*$/, `/mash_bench_${scale.replace('.', '_')}`),
    createLogger('silent'),
    2,
  );
  await ds.initialize();
  const policy = AccessPolicy.load(undefined);
  const request = () => {
    const access = new RequestAccess(viewer, policy);
    access.declarePurpose('TRIAGE');
    return new DataSet(ds, access);
  };
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['Q2 every column (r.*)', () => request().referrals.queue({}, 20, null, 'DUE')],
    ['Q2 selected columns', () => request().referrals.queue({}, 20, null, 'DUE', referralWidth(Q2))],
    [
      'Q3 selected columns, subjects by the person look-up (2 statements)',
      async () => {
        const data = request();
        const page = await data.referrals.queue({}, 20, null, 'DUE', referralWidth(Q3));
        return Promise.all(page.rows.flatMap((r) => r.subjectPersonIds.map((id) => data.people.findPerson(id))));
      },
    ],
    [
      'Q3 selected columns, subjects in the page statement (1 statement)',
      async () => {
        const data = request();
        const page = await data.referrals.queue({}, 20, null, 'DUE', referralWidth(Q3), true);
        await data.people.adoptPeople(page.subjects!.ids, page.subjects!.rows);
        return Promise.all(page.rows.flatMap((r) => r.subjectPersonIds.map((id) => data.people.findPerson(id))));
      },
    ],
  ];
  if (process.argv.includes('--explain')) {
    const captured: Array<{ q: string; p: unknown[] }> = [];
    const orig = ds.query.bind(ds);
    (ds as unknown as { query: (q: unknown, p?: unknown[]) => Promise<unknown> }).query = (
      q: unknown,
      p?: unknown[],
    ) => {
      captured.push({ q: typeof q === 'string' ? q : (q as { text: string }).text, p: p ?? [] });
      return orig(q as string, p);
    };
    for (const [label, run] of cases) {
      captured.length = 0;
      await run();
      for (const c of captured) {
        const plan = (await orig(`EXPLAIN (ANALYZE, SUMMARY) ${c.q}`, c.p)) as Array<{ 'QUERY PLAN': string }>;
        console.log(`== ${label}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
    }
  }
  try {
    // Interleaved rounds, so that a busy moment of the shared machine falls on every case.
    const totals = cases.map(() => 0);
    for (const [, run] of cases) for (let i = 0; i < 20; i++) await run();
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      for (const [i, [, run]] of cases.entries()) {
        const t0 = process.hrtime.bigint();
        for (let k = 0; k < N / rounds; k++) await run();
        totals[i]! += Number(process.hrtime.bigint() - t0) / 1e6;
      }
    }
    for (const [i, [label]] of cases.entries())
      console.log(`${label.padEnd(70)} ${(totals[i]! / N).toFixed(2)} ms per page`);
  } finally {
    await ds.destroy();
    await db.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
