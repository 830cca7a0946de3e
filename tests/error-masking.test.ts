import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { signDevToken } from '../src/auth/authenticator';
import { loadConfig, type Config } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { createHub, startServer, type HubServer } from '../src/app/server';
import { givenPerson } from './support/factories';
import { dedicatedDatabaseUrl, type TestHub } from './support/test-hub';

/**
 * Errors (docs/security.md): an unexpected failure — here a database object broken on purpose
 * in a database of this file's own — reaches the client as INTERNAL_SERVER_ERROR with a fixed
 * message: no stack, no SQL, no table or column names, no personal data. It is logged, with the
 * request id, for the operator.
 */

const PERSON = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName familyName nhsNumber } }`;
const UPSERT = `mutation($input: PersonInput!) { upsertPerson(input: $input) { outcome person { id } } }`;

describe('unexpected errors are masked and logged with the request id', () => {
  let server: HubServer;
  let db: DataSource;
  let config: Config;
  let dataDir: string;
  const logLines: Array<Record<string, unknown>> = [];
  let hub: Pick<TestHub, 'gql' | 'db'> & { token(): Promise<string> };

  beforeAll(async () => {
    const url = await dedicatedDatabaseUrl('errors');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-errors-'));
    config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, MASH_DATA_DIR: dataDir });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n'))
          if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level: 'info', base: { service: 'mash-hub' } }, sink);
    db = createDataSource(url, logger, 5);
    await db.initialize();
    server = await startServer(await createHub(config, logger, db), { port: 0, host: '127.0.0.1' });
    hub = {
      db,
      token: () =>
        signDevToken(config.auth, {
          sub: `err-${Date.now()}`,
          name: 'Fictional Officer',
          agency: 'police',
          roles: ['POLICE_MASH_OFFICER'],
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
        const text = await res.text();
        const body = JSON.parse(text) as { data?: never; errors?: never; extensions?: never };
        return {
          status: res.status,
          data: body.data,
          errors: body.errors,
          extensions: body.extensions,
          headers: res.headers,
          text,
        } as never;
      },
    };
  });
  afterAll(async () => {
    await server?.stop();
    await db?.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function expectMasked(r: {
    status: number;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    text: string;
  }) {
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.message).toBe('Internal server error');
    expect(r.errors![0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    for (const leak of [
      /SELECT|INSERT|UPDATE|FROM\s/i,
      /family_name|given_name|nhs_number|person\b.*column|relation/i,
      /Zebedee|Quillfeather/,
      /\bat .*\.(ts|js)/,
      /stack|QueryFailedError|node_modules/i,
    ]) {
      expect(r.text).not.toMatch(leak);
    }
  }

  it('given a column broken underneath a person read, then INTERNAL_SERVER_ERROR with nothing of the cause, and a log line with the request id', async () => {
    const token = await hub.token();
    const personId = await givenPerson(hub as never, token, { givenName: 'Zebedee', familyName: 'Quillfeather' });
    await db.query(`ALTER TABLE person RENAME COLUMN family_name TO family_name_broken_by_test`);
    try {
      const r = (await hub.gql(token, PERSON, { id: personId })) as never as Parameters<typeof expectMasked>[0] & {
        data: unknown;
        headers: Headers;
      };
      const requestId = r.headers.get('x-request-id');
      expectMasked(r);
      expect((r.data as { person: unknown } | null)?.person ?? null).toBeNull();
      const logged = logLines.filter((l) => l.msg === 'unexpected error' && l.requestId === requestId);
      expect(logged).toHaveLength(1);
      expect(JSON.stringify(logged[0])).toMatch(/family_name/); // the operator gets the cause
    } finally {
      await db.query(`ALTER TABLE person RENAME COLUMN family_name_broken_by_test TO family_name`);
    }
  });

  it('given a database trigger that fails with SQL and a (fictional) name in its message, when a person is pushed, then the response is masked, nothing is stored and the log has the request id', async () => {
    await db.query(`CREATE FUNCTION test_refuse_person() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'INSERT INTO person refused for % %', NEW.given_name, NEW.family_name; END $$`);
    await db.query(
      `CREATE TRIGGER test_refuse_person BEFORE INSERT ON person FOR EACH ROW EXECUTE FUNCTION test_refuse_person()`,
    );
    try {
      const token = await hub.token();
      const sourceReference = `err-${Date.now()}`;
      const r = (await hub.gql(token, UPSERT, {
        input: {
          sourceSystem: 'TEST',
          sourceReference,
          kind: 'CHILD',
          givenName: 'Zebedee',
          familyName: 'Quillfeather',
          dateOfBirth: '2016-04-03',
        },
      })) as never as Parameters<typeof expectMasked>[0] & { headers: Headers };
      const requestId = r.headers.get('x-request-id');
      expectMasked(r);
      expect(await db.query(`SELECT 1 FROM person_source WHERE source_ref = $1`, [sourceReference])).toEqual([]);
      expect(logLines.filter((l) => l.msg === 'unexpected error' && l.requestId === requestId)).toHaveLength(1);
      // The failed change is itself audited, with the masked code only.
      const audit: Array<{ outcome: string; payload: { errorCodes: string[] } }> = await db.query(
        `SELECT outcome, payload FROM audit_event WHERE request_id = $1`,
        [requestId],
      );
      expect(audit.map((a) => a.payload.errorCodes)).toEqual([['INTERNAL_SERVER_ERROR']]);
      expect(JSON.stringify(audit)).not.toMatch(/Zebedee|Quillfeather|INSERT/);
    } finally {
      await db.query(`DROP TRIGGER test_refuse_person ON person`);
      await db.query(`DROP FUNCTION test_refuse_person()`);
    }
  });

  it('given the same read after the repair, then it is served (the failure above was the broken object, not the query)', async () => {
    const token = await hub.token();
    const personId = await givenPerson(hub as never, token, { givenName: 'Zebedee', familyName: 'Quillfeather' });
    const r = (await hub.gql(token, PERSON, { id: personId })) as never as {
      status: number;
      errors?: unknown;
      data: { person: { familyName: string } };
    };
    expect(r.errors).toBeUndefined();
    expect(r.data.person.familyName).toBe('Quillfeather');
  });
});
