import type { DataSource } from 'typeorm';
import { signDevToken } from '../src/auth/authenticator';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { ensureDatabase } from '../src/db/admin';
import { loadDemo, type DemoLoadReport } from '../src/demo/load-demo';
import { createHub, startServer, type HubServer } from '../src/server';
import { createLogger } from '../src/shared/logger';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HOUSEHOLDS = 6;

const PERSON = `query($id: ID!) {
  person(id: $id, purpose: DIRECT_CARE) {
    id familyName nhsNumber
    relationships { type }
    records { __typename owningAgency summary ... on PoliceRecord { detail } }
  }
}`;

describe('demo seed: npm run seed -- --demo', () => {
  let serverUrl: string;
  let dbName: string;
  let db: DataSource;
  let server: HubServer;
  let dataDir: string;
  let first: DemoLoadReport;

  /** The demo loads into its own fresh database, so nothing else the tests store can mask it. */
  beforeAll(async () => {
    serverUrl = process.env.MASH_TEST_SERVER_URL!;
    dbName = `mash_demo_seed_${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}`;
    const url = await ensureDatabase(serverUrl, dbName);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-demo-seed-'));
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, MASH_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const logger = createLogger('silent');
    db = createDataSource(url, logger, 5);
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
    await db.query(`SELECT mash_audit_ensure_partitions(date_trunc('month', now())::date, 3)`);
    server = await startServer(await createHub(config, logger, db), { port: 0, host: '127.0.0.1' });
    first = await loadDemo(server.hub, { households: HOUSEHOLDS });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await db?.destroy();
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function gql(agency: string, role: string, query: string, variables: Record<string, unknown>) {
    const token = await signDevToken(server.hub.config.auth, { sub: `demo-${agency}`, name: 'Demo Tester', agency, roles: [role] });
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: { person: { records: Array<Record<string, unknown>>; relationships: unknown[] } | null }; errors?: unknown };
  }

  it('given a fresh database, when the demo is seeded, then every line is accepted and records of every agency kind are stored', async () => {
    expect(first.rejected).toEqual([]);
    expect(first.summary.counts.REJECTED).toBe(0);
    expect(first.summary.counts.CREATED).toBeGreaterThan(0);
    const kinds: Array<{ owning_agency: string; n: number }> = await db.query(
      `SELECT owning_agency, count(*)::int AS n FROM agency_record GROUP BY owning_agency ORDER BY owning_agency`,
    );
    expect(kinds.map((k) => k.owning_agency)).toEqual(['education', 'health', 'police', 'probation', 'social-care']);
    const [people] = await db.query(`SELECT count(*) FILTER (WHERE kind = 'CHILD')::int AS children, count(*)::int AS total FROM person`);
    expect(people.children).toBe(first.people.children);
    expect(people.total).toBe(first.people.children + first.people.unborn + first.people.adults);
    // Sealed fields (police informants) and protected-address style data are part of the demo.
    const [sealed] = await db.query(`SELECT count(*)::int AS n FROM agency_record WHERE data ? 'informantIdentity'`);
    expect(sealed.n).toBeGreaterThan(0);
  });

  it('given the seeded demo, when the example child is read through the API, then police see their own records and other agencies\' detail redacted', async () => {
    expect(first.example.personId).toEqual(expect.any(String));

    const r = await gql('police', 'POLICE_MASH_OFFICER', PERSON, { id: first.example.personId });

    expect(r.errors).toBeUndefined();
    const records = r.data!.person!.records;
    const agencies = new Set(records.map((x) => x.owningAgency));
    expect(agencies.size).toBeGreaterThanOrEqual(3);
    expect(records.filter((x) => x.owningAgency === 'police').every((x) => typeof x.summary === 'string')).toBe(true);
    expect(records.filter((x) => x.owningAgency !== 'police').every((x) => x.summary === null)).toBe(true);
    expect(r.data!.person!.relationships.length).toBeGreaterThan(0);
  });

  it('given an agency that holds no record about a demo child, when it asks for the child, then the child is not found', async () => {
    const r = await gql('probation', 'PROBATION_MASH_OFFICER', PERSON, { id: first.example.personId });

    expect(r.data?.person ?? null).toBeNull();
  });

  it('given the seeded demo, when it is seeded again, then every line is unchanged and nothing is added', async () => {
    const count = async () =>
      (await db.query(
        `SELECT (SELECT count(*) FROM person)::int AS people, (SELECT count(*) FROM agency_record)::int AS records,
                (SELECT count(*) FROM person_relationship)::int AS relationships, (SELECT count(*) FROM audit_event)::int AS audit`,
      ))[0] as Record<string, number>;
    const before = await count();

    const second = await loadDemo(server.hub, { households: HOUSEHOLDS });

    expect(second.summary.counts).toEqual({ CREATED: 0, UPDATED: 0, LINKED: 0, REJECTED: 0, UNCHANGED: first.summary.lines });
    expect(await count()).toEqual(before);
    expect(second.example.personId).toBe(first.example.personId);
  }, 60_000);
});
