/**
 * Field-guard benchmark (ADR 001): the hub's permission layer against a bare twin of the same schema
 * on a 20-row page. `npx ts-node --transpile-only bench/field-guard.ts [--seconds 5] [--rounds 3]`
 *
 * A child process serves, on separate ports, from one hub and one embedded PostgreSQL:
 *   B0 bare:     buildBareSchema() + the same resolvers; no shield, no field guard, no audit
 *   B2 guarded:  graphql-shield on root fields + the per-object synchronous field guard + in-memory
 *                collection of released/redacted fields (audit subjects); audit write off
 *   B4 audited:  B2 + the durable audit write before the response (informational)
 * Resource limits (graphql-armor) are off in all three so only the permission layer differs.
 * `--exec-only` instead measures graphql execution in-process (rows in memory, no HTTP or database).
 * The parent runs autocannon (closed loop, 10 connections) interleaved B0 B2 B4, B2 B4 B0, … over the
 * rounds, and prints the median requests/s and p50/p99 latency per variant, the ratio of medians to
 * B0, and the median of the per-round (paired) ratios.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

type Variant = 'B0_bare' | 'B2_guarded' | 'B4_audited';
const VARIANTS: Variant[] = ['B0_bare', 'B2_guarded', 'B4_audited'];

interface Ready {
  urls: Record<Variant, string>;
  token: string;
  personId: string;
}

const PERSON_RECORDS = `query Records($id: ID!) { person(id: $id, purpose: DIRECT_CARE) {
  id givenName familyName dateOfBirth nhsNumber
  records { __typename id owningAgency recordType occurredAt summary sourceSystem recordedAt recordedBy
    ... on PoliceRecord { personRole incidentType riskLevel warningMarkers detail informantIdentity }
    ... on HealthRecord { registeredGp practitioner mentalHealthInvolvement clinicalNotes } } } }`;
const SEARCH = `query Search { searchPeople(input: { familyName: "Benchmarkova" }, purpose: DIRECT_CARE, first: 20) {
  score reasons person { id givenName familyName dateOfBirth nhsNumber postcode sex } } }`;

async function serve(): Promise<void> {
  const { loadConfig } = await import('../src/config');
  const { createLogger } = await import('../src/shared/logger');
  const { openDatabase } = await import('../src/db/open');
  const { createHub, startServer } = await import('../src/app/server');
  const { signDevToken } = await import('../src/auth/authenticator');
  const { bareAccess } = await import('./bare-twin');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-bench-'));
  const config = loadConfig({
    NODE_ENV: 'development',
    MASH_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '20',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
  });
  const logger = createLogger('silent');
  const db = await openDatabase(config, logger, { migrate: true });
  const ds = db.dataSource;

  // One child with 10 police and 10 health records (a police officer reads: half redacted), and 20
  // people sharing a fictional family name for the search page. Synthetic data only.
  const [{ id: personId }] = await ds.query(
    `INSERT INTO person (kind, given_name, family_name, date_of_birth, sex, ethnicity, first_language, religion, disability, created_by_agency)
     VALUES ('CHILD', 'Benchy', 'Benchmarkova', '2016-01-02', 'FEMALE', 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED', 'police') RETURNING id`,
  );
  await ds.query(
    `INSERT INTO person_source (person_id, agency_code, source_system, source_ref, content_hash) VALUES ($1, 'police', 'BENCH', 'p0', 'x')`,
    [personId],
  );
  for (let i = 0; i < 20; i++) {
    const police = i % 2 === 0;
    await ds.query(
      `INSERT INTO agency_record (person_id, owning_agency, record_type, occurred_at, summary, data, source_system, source_ref, recorded_by, recorded_at, content_hash)
       VALUES ($1, $2, $3, now() - ($4 || ' days')::interval, 'Fictional summary', $5, 'BENCH', $6, 'Fictional Officer', now(), 'x')`,
      [
        personId,
        police ? 'police' : 'health',
        police ? 'POLICE_INCIDENT' : 'HEALTH_GP_REGISTRATION',
        String(i),
        JSON.stringify(
          police
            ? {
                personRole: 'WITNESS',
                incidentType: 'Fictional',
                riskLevel: 'STANDARD',
                warningMarkers: ['FICTIONAL'],
                detail: 'Fictional detail',
                informantIdentity: 'Fictional',
              }
            : {
                registeredGp: 'Fictional Surgery',
                practitioner: 'Dr Fictional',
                mentalHealthInvolvement: false,
                clinicalNotes: 'Fictional note',
              },
        ),
        `r${i}`,
      ],
    );
  }
  for (let i = 1; i < 20; i++) {
    const [{ id }] = await ds.query(
      `INSERT INTO person (kind, given_name, family_name, date_of_birth, sex, ethnicity, first_language, religion, disability, created_by_agency)
       VALUES ('CHILD', $1, 'Benchmarkova', '2015-03-04', 'MALE', 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED', 'NOT_RECORDED', 'police') RETURNING id`,
      [`Benchy${i}`],
    );
    await ds.query(
      `INSERT INTO person_source (person_id, agency_code, source_system, source_ref, content_hash) VALUES ($1, 'police', 'BENCH', $2, 'x')`,
      [id, `p${i}`],
    );
  }

  const hub = await createHub(config, logger, ds);
  const features: Record<Variant, { fieldPermissions: boolean; audit: boolean; limits: boolean }> = {
    B0_bare: { fieldPermissions: false, audit: false, limits: false },
    B2_guarded: { fieldPermissions: true, audit: false, limits: false },
    B4_audited: { fieldPermissions: true, audit: true, limits: false },
  };
  const servers = await Promise.all(
    VARIANTS.map((v) =>
      startServer(hub, {
        port: 0,
        host: '127.0.0.1',
        features: features[v],
        ...(v === 'B0_bare' ? { makeAccess: bareAccess } : {}),
      }),
    ),
  );
  const token = await signDevToken(config.auth, {
    sub: `bench-${crypto.randomUUID()}`,
    name: 'Bench Officer',
    agency: 'police',
    roles: ['POLICE_MASH_OFFICER'],
  });
  const ready: Ready = {
    urls: Object.fromEntries(VARIANTS.map((v, i) => [v, servers[i]!.url])) as Record<Variant, string>,
    token,
    personId,
  };
  process.send!(ready);
  process.on('message', async () => {
    for (const s of servers) await s.stop();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

function load(url: string, token: string, body: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    connections: 10,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const seconds = arg('seconds', 5);
  const rounds = arg('rounds', 3);
  const child: ChildProcess = fork(__filename, ['--serve'], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: 'inherit',
  });
  const ready = await new Promise<Ready>((resolve) => child.once('message', (m) => resolve(m as Ready)));
  try {
    const scenarios = {
      'person.records (20 records, half redacted for the viewer)': JSON.stringify({
        query: PERSON_RECORDS,
        variables: { id: ready.personId },
      }),
      'searchPeople (20 people)': JSON.stringify({ query: SEARCH }),
    };
    for (const [name, body] of Object.entries(scenarios)) {
      // Sanity: every variant answers the same data without errors.
      for (const v of VARIANTS) {
        const res = await fetch(ready.urls[v], {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ready.token}` },
          body,
        });
        const json = (await res.json()) as { errors?: unknown };
        if (json.errors) throw new Error(`${v} ${name}: ${JSON.stringify(json.errors)}`);
      }
      for (const v of VARIANTS) await load(ready.urls[v], ready.token, body, 2); // warm-up
      const results: Record<Variant, { rps: number[]; p50: number[]; p99: number[]; errors: number }> =
        Object.fromEntries(VARIANTS.map((v) => [v, { rps: [], p50: [], p99: [], errors: 0 }])) as never;
      for (let round = 0; round < rounds; round++) {
        // Rotate the order each round so no variant always runs first (or last) on a warming machine.
        const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
        for (const v of order) {
          const r = await load(ready.urls[v], ready.token, body, seconds);
          results[v].rps.push(r.requests.average);
          results[v].p50.push(r.latency.p50);
          results[v].p99.push(r.latency.p99);
          results[v].errors += r.errors + r.non2xx;
        }
      }
      const b0 = median(results.B0_bare.rps);
      // Paired ratios (same round, adjacent in time) are less exposed to a noisy neighbour than a ratio of medians.
      const paired = (v: Variant) => median(results[v].rps.map((x, i) => x / results.B0_bare.rps[i]!));
      process.stdout.write(`\n${name} — ${rounds} rounds × ${seconds}s, 10 connections, medians\n`);
      process.stdout.write(`variant      req/s    p50 ms  p99 ms  ratio/B0  paired  errors  (per-round req/s)\n`);
      for (const v of VARIANTS) {
        const rps = median(results[v].rps);
        process.stdout.write(
          `${v.padEnd(11)} ${rps.toFixed(0).padStart(6)}  ${median(results[v].p50).toFixed(1).padStart(6)}  ${median(results[v].p99).toFixed(1).padStart(6)}  ${(rps / b0).toFixed(3).padStart(8)}  ${paired(v).toFixed(3).padStart(6)}  ${String(results[v].errors).padStart(6)}  (${results[v].rps.map((x) => x.toFixed(0)).join(', ')})\n`,
        );
      }
    }
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/**
 * Execution only: the same query executed in-process against the bare and the guarded schema with
 * the rows already in memory (no HTTP, no PostgreSQL), so the permission layer's own CPU cost is
 * measured without the database and load generator competing for the same two cores.
 */
async function executionOnly(seconds: number, rounds: number): Promise<void> {
  const { execute, parse } = await import('graphql');
  const { buildBareSchema, buildSchema } = await import('../src/app/schema');
  const { AccessPolicy } = await import('../src/access-policy/policy');
  const { RequestAccess } = await import('../src/access-policy/request-access');
  const { BareAccess } = await import('./bare-twin');
  const policy = AccessPolicy.load(undefined);
  const viewer = {
    sub: 'bench',
    name: 'Bench Officer',
    agency: 'police',
    agencyKind: 'POLICE' as const,
    roles: ['POLICE_MASH_OFFICER' as const],
  };
  const personId = crypto.randomUUID();
  const person = {
    id: personId,
    kind: 'CHILD',
    givenName: 'Benchy',
    familyName: 'Benchmarkova',
    otherNames: null,
    dateOfBirth: '2016-01-02',
    expectedDateOfDelivery: null,
    sex: 'FEMALE',
    nhsNumber: '9434765919',
    pncId: null,
    laPersonId: null,
    upn: null,
    address: null,
    postcode: null,
    ethnicity: 'NOT_RECORDED',
    firstLanguage: 'NOT_RECORDED',
    religion: 'NOT_RECORDED',
    disability: 'NOT_RECORDED',
    updatedAt: new Date(),
    version: 1,
  };
  const records = Array.from({ length: 20 }, (_, i) => {
    const police = i % 2 === 0;
    return {
      ...(police
        ? {
            personRole: 'WITNESS',
            incidentType: 'Fictional',
            riskLevel: 'STANDARD',
            warningMarkers: ['FICTIONAL'],
            detail: 'Fictional detail',
            informantIdentity: 'Fictional',
          }
        : {
            registeredGp: 'Fictional Surgery',
            practitioner: 'Dr Fictional',
            mentalHealthInvolvement: false,
            clinicalNotes: 'Fictional note',
          }),
      id: crypto.randomUUID(),
      personId,
      owningAgency: police ? 'police' : 'health',
      recordType: police ? 'POLICE_INCIDENT' : 'HEALTH_GP_REGISTRATION',
      occurredAt: new Date(),
      summary: 'Fictional summary',
      sourceSystem: 'BENCH',
      sourceReference: `r${i}`,
      recordedBy: 'Fictional Officer',
      recordedAt: new Date(),
      version: 1,
    };
  });
  const relationships = new Set(['OWN_AGENCY_RECORD' as const]);
  const schemas = { B0_bare: buildBareSchema(), B2_guarded: buildSchema() };
  const document = parse(PERSON_RECORDS);
  const contextFor = (enforce: boolean) => {
    const access = enforce ? new RequestAccess(viewer, policy) : new BareAccess(viewer, policy);
    return {
      viewer,
      access,
      data: {
        people: {
          findPerson: async () => access.guard({ ...person }, { owner: null, relationships }, [personId]),
        },
        records: {
          recordsOf: async () =>
            records.map((r) => access.guard({ ...r }, { owner: r.owningAgency, relationships }, [personId], r.id)),
        },
      },
    };
  };
  const runFor = async (v: keyof typeof schemas): Promise<number> => {
    const end = Date.now() + seconds * 1000;
    let n = 0;
    while (Date.now() < end) {
      const result = await execute({
        schema: schemas[v],
        document,
        contextValue: contextFor(v === 'B2_guarded'),
        variableValues: { id: personId },
      });
      if (result.errors) throw new Error(`${v}: ${JSON.stringify(result.errors)}`);
      n++;
    }
    return n / seconds;
  };
  for (const v of ['B0_bare', 'B2_guarded'] as const) await runFor(v); // warm-up (JIT)
  const ops: Record<'B0_bare' | 'B2_guarded', number[]> = { B0_bare: [], B2_guarded: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['B0_bare', 'B2_guarded'] as const) : (['B2_guarded', 'B0_bare'] as const);
    for (const v of order) ops[v].push(await runFor(v));
  }
  const paired = median(ops.B2_guarded.map((x, i) => x / ops.B0_bare[i]!));
  process.stdout.write(
    `\nexecution only: person.records (20 records) — ${rounds} rounds × ${seconds}s, in-process graphql execute, medians\n`,
  );
  process.stdout.write(
    `B0_bare    ${median(ops.B0_bare).toFixed(0).padStart(7)} ops/s  (${ops.B0_bare.map((x) => x.toFixed(0)).join(', ')})\n`,
  );
  process.stdout.write(
    `B2_guarded ${median(ops.B2_guarded).toFixed(0).padStart(7)} ops/s  (${ops.B2_guarded.map((x) => x.toFixed(0)).join(', ')})  ratio ${(median(ops.B2_guarded) / median(ops.B0_bare)).toFixed(3)}, paired ${paired.toFixed(3)}\n`,
  );
}

if (process.argv.includes('--exec-only')) {
  const i = process.argv.indexOf('--seconds');
  const r = process.argv.indexOf('--rounds');
  executionOnly(i > 0 ? Number(process.argv[i + 1]) : 3, r > 0 ? Number(process.argv[r + 1]) : 3).catch(
    (e: unknown) => {
      process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
      process.exit(1);
    },
  );
} else if (process.argv.includes('--serve')) {
  serve().catch((e: unknown) => {
    process.stderr.write(`bench server failed: ${(e as Error).stack}\n`);
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
    process.exit(1);
  });
}
