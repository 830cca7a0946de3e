/**
 * How a relationship look-up by id is planned (issue 21 §1, ADR 020): an unnamed statement (planned
 * on every call), a named prepared statement in PostgreSQL's default plan cache mode, and with
 * `plan_cache_mode = force_generic_plan`, for the array form (`= ANY($1::uuid[])`, a DataLoader
 * batch) and the scalar form (`= $1`, a batch of one). Not a benchmark: a small measurement of one
 * statement through `pg`, on a generated partnership (`npm run bench -- --generate-only --scale=0.05`).
 *
 *   npx ts-node --transpile-only bench/plan-cache.ts [--scale=0.05] [--n=300]
 */
import path from 'node:path';
import { Client } from 'pg';
import { Params, relationshipKindsSql } from '../src/access-policy/relationships';
import type { Viewer } from '../src/access-policy/viewer';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { Q1_PERSON, USERS } from './operations';

const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const scale = opt('scale') ?? '0.05';
const N = Number(opt('n') ?? 300);

const sw = USERS.socialWorker;
const viewer: Viewer = {
  sub: sw.sub,
  name: sw.name,
  agency: sw.agency,
  agencyKind: 'SOCIAL_CARE',
  roles: [...sw.roles],
};

type Form = 'scalar' | 'array of 1' | 'array of 20' | 'unnest of 20';
const FORMS: Form[] = ['scalar', 'array of 1', 'array of 20', 'unnest of 20'];

function personSql(form: Form, batch: string[]): { text: string; values: unknown[] } {
  const p = new Params([form === 'scalar' ? Q1_PERSON : form === 'array of 1' ? [Q1_PERSON] : batch]);
  const from = form === 'unnest of 20' ? 'unnest($1::uuid[]) AS ids(id) JOIN person p ON p.id = ids.id' : 'person p';
  const where = form === 'scalar' ? 'p.id = $1::uuid' : form === 'unnest of 20' ? 'TRUE' : 'p.id = ANY($1::uuid[])';
  const text = `SELECT p.id, p.given_name, rel.kinds FROM ${from}
      CROSS JOIN LATERAL (SELECT ${relationshipKindsSql(viewer, 'p.id', p)} AS kinds) rel
     WHERE ${where} AND cardinality(rel.kinds) > 0`;
  return { text, values: p.values };
}

async function time(label: string, run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await run(); // past the five custom plans of the default mode
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / N;
  console.log(`${label.padEnd(58)} ${ms.toFixed(3)} ms per round trip`);
}

async function main(): Promise<void> {
  const db = await startEmbeddedPostgres({ dataDir: path.join(__dirname, '.data') });
  const client = new Client({ connectionString: db.url.replace(/\/[^/]*$/, `/mash_bench_${scale.replace('.', '_')}`) });
  await client.connect();
  try {
    console.log((await client.query('SHOW server_version')).rows[0].server_version);
    // Twenty subjects of referrals, as the triage page's `subjects` batch would load them.
    const batch = (
      await client.query('SELECT DISTINCT person_id::text AS id FROM referral_subject ORDER BY 1 LIMIT 20')
    ).rows.map((r) => r.id as string);
    for (const [n, form] of FORMS.entries()) {
      const { text, values } = personSql(form, batch);
      // Literal values: planned for them, as an unnamed statement is.
      const literal = (v: unknown) =>
        Array.isArray(v) ? `ARRAY[${v.map((x) => `'${String(x)}'`).join(',')}]` : `'${String(v)}'`;
      const inlined = text.replace(/\$(\d+)/g, (_m, i: string) => literal(values[Number(i) - 1]));
      const plan = await client.query(`EXPLAIN (ANALYZE, SUMMARY) ${inlined}`);
      const summary = plan.rows
        .map((r) => r['QUERY PLAN'] as string)
        .filter((l) => /Planning Time|Execution Time/.test(l));
      console.log(`${form}: ${summary.join(', ')}`);
      await time(`${form}: unnamed (planned every call)`, () => client.query(text, values));
      await time(`${form}: named, plan_cache_mode auto`, () => client.query({ name: `pc_auto_${n}`, text, values }));
      await client.query('SET plan_cache_mode = force_generic_plan');
      await time(`${form}: named, plan_cache_mode force_generic_plan`, () =>
        client.query({ name: `pc_generic_${n}`, text, values }),
      );
      await client.query('RESET plan_cache_mode');
      const chosen = await client.query(
        `SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'pc_%${n}'`,
      );
      for (const r of chosen.rows)
        console.log(`  ${r.name}: generic plans ${r.generic_plans}, custom plans ${r.custom_plans}`);
    }
  } finally {
    await client.end();
    await db.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
