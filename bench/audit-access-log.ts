/**
 * Benchmark (issue 4): IG access-log queries at ~1M audit events against the raw SQL of the same
 * query. `npx ts-node --transpile-only bench/audit-access-log.ts [--events 1000000]`. Uses a
 * throw-away embedded PostgreSQL unless BENCH_DATABASE_URL (a server) or BENCH_PG_DIR (a kept data dir) is set. Synthetic rows come from
 * generate_series (not hash-chained: the access log does not read the chain).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AgencyDirectory } from '../src/auth/agencies';
import { accessLogSql, queryAccessLog, type AccessLogFilter } from '../src/governance/access-log';
import { ensureDatabase } from '../src/db/admin';
import { createDataSource } from '../src/db/data-source';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { createLogger } from '../src/shared/logger';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { events: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '20' } },
  });
  const n = Number(values.events);
  const runs = Number(values.runs);
  let stop = async () => undefined as unknown;
  let serverUrl = process.env.BENCH_DATABASE_URL;
  if (!serverUrl) {
    // BENCH_PG_DIR keeps the generated rows between runs; otherwise a throw-away server.
    const keep = process.env.BENCH_PG_DIR;
    const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mash-bench-pg-'));
    const pg = await startEmbeddedPostgres({ dataDir: dir, persistent: !!keep });
    serverUrl = pg.url;
    stop = async () => {
      await pg.stop();
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  const url = await ensureDatabase(serverUrl, 'mash_bench_audit');
  const db = createDataSource(url, createLogger('warn'), 4);
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  const have = Number((await db.query('SELECT count(*) AS n FROM audit_event'))[0].n);
  if (have < n) {
    const t0 = Date.now();
    // 50,000 people, 500 actors, events spread over 2026; one disclosure per event.
    await db.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
    await db.query(`
      INSERT INTO audit_event (id, occurred_at, batch_id, seq, request_id, actor_sub, actor_agency, purpose, break_glass,
                               operation_name, action, outcome, payload)
      SELECT id, at, g / 1000 + 1, g % 1000, 'bench-' || g, 'actor-' || (g % 500), agency, 'DIRECT_CARE', g % 997 = 0,
             'Lookup', 'READ', 'SUCCESS',
             jsonb_build_object('id', id, 'occurredAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'requestId', 'bench-' || g, 'actor', jsonb_build_object('sub', 'actor-' || (g % 500), 'name', 'Bench Actor', 'agency', agency, 'roles', jsonb_build_array('POLICE_MASH_OFFICER')),
               'purpose', 'DIRECT_CARE', 'breakGlass', null, 'operation', jsonb_build_object('type', 'query', 'name', 'Lookup', 'documentHash', null),
               'action', 'READ', 'outcome', 'SUCCESS', 'errorCodes', '[]'::jsonb, 'changes', '[]'::jsonb,
               'subjects', jsonb_build_array(jsonb_build_object('personId', person, 'outcome', 'DISCLOSED', 'recordIds', '[]'::jsonb,
                 'released', jsonb_build_array('Person.id', 'Person.givenName'), 'redacted', '[]'::jsonb, 'relationships', jsonb_build_array('OWN_AGENCY_RECORD'))))
        FROM (SELECT g, gen_random_uuid() AS id,
                     timestamptz '2026-01-01' + (g::float8 / ${n}) * interval '300 days' AS at,
                     ('00000000-0000-4000-8000-' || lpad(to_hex(g % 50000), 12, '0'))::uuid AS person,
                     (ARRAY['police','health','education','probation','social-care'])[g % 5 + 1] AS agency
                FROM generate_series(${have}, ${n - 1}) g) s`);
    await db.query(`
      INSERT INTO audit_disclosure (event_id, occurred_at, person_id, actor_sub, actor_agency, purpose, outcome, released, relationships)
      SELECT e.id, e.occurred_at, (e.payload->'subjects'->0->>'personId')::uuid, e.actor_sub, e.actor_agency, e.purpose, 'DISCLOSED',
             ARRAY['Person.id','Person.givenName'], ARRAY['OWN_AGENCY_RECORD']
        FROM audit_event e WHERE e.request_id LIKE 'bench-%'
          AND NOT EXISTS (SELECT 1 FROM audit_disclosure d WHERE d.event_id = e.id AND d.occurred_at = e.occurred_at)`);
    await db.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
    await db.query('VACUUM ANALYZE audit_event');
    await db.query('VACUUM ANALYZE audit_disclosure');
    process.stdout.write(`generated ${n - have} events in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const agencies = AgencyDirectory.load(undefined);
  const cases: Array<[string, AccessLogFilter]> = [
    ['by person', { personId: '00000000-0000-4000-8000-000000000abc' }],
    ['by actor', { actorSub: 'actor-123' }],
    ['by actor and period', { actorSub: 'actor-123', from: new Date('2026-06-01'), to: new Date('2026-07-01') }],
    ['by agency and break-glass', { agency: 'police', breakGlass: true }],
    ['everything, newest first', {}],
  ];
  const first = 50;
  for (const [name, filter] of cases) {
    const { sql, params } = accessLogSql(filter, null, first + 1);
    const plan: Array<{ 'QUERY PLAN': string }> = await db.query(
      `EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF, SUMMARY ON) ${sql}`,
      params,
    );
    // Interleaved samples, so both sides see the same cache and machine load.
    const rawSamples: number[] = [];
    const fullSamples: number[] = [];
    const sample = async (fn: () => Promise<unknown>, into: number[]) => {
      const t = process.hrtime.bigint();
      await fn();
      into.push(Number(process.hrtime.bigint() - t) / 1e6);
    };
    await db.query(sql, params);
    await queryAccessLog(db, agencies, filter, first, null);
    for (let i = 0; i < runs; i++) {
      await sample(() => db.query(sql, params), rawSamples);
      await sample(() => queryAccessLog(db, agencies, filter, first, null), fullSamples);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const raw = median(rawSamples);
    const full = median(fullSamples);
    process.stdout.write(
      `\n## ${name}: raw SQL median ${raw.toFixed(2)} ms, accessLog (incl. current relationships) ${full.toFixed(2)} ms, ratio ${(full / raw).toFixed(2)}\n`,
    );
    process.stdout.write(
      plan
        .map((r) => `    ${r['QUERY PLAN']}`)
        .filter((l) => !/Subplans Removed|never executed/.test(l))
        .slice(0, 14)
        .join('\n') + '\n',
    );
  }
  await db.destroy();
  await stop();
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
