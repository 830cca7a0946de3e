import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importNdjson, type LineResult } from '../src/records/bulk-import';
import { fakeNhsNumber, givenPerson, inTestPartnership, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

const PERSON_WITH_RECORDS = `query($id: ID!) {
  person(id: $id, purpose: DIRECT_CARE) {
    id givenName familyName nhsNumber
    relationships { type relatedPerson { id } }
    records { __typename id owningAgency summary sourceReference ... on PoliceRecord { personRole detail informantIdentity } }
  }
}`;

type Line = { agency: string; actor: string; kind: 'person' | 'record'; data: Record<string, unknown> };

/** A police person line and its source reference. */
function policePerson(overrides: Record<string, unknown> = {}): Line {
  return {
    agency: 'police',
    actor: 'niche-feed',
    kind: 'person',
    data: {
      sourceSystem: 'NICHE',
      sourceReference: unique('P'),
      kind: 'CHILD',
      givenName: 'Importa',
      familyName: 'Testwood',
      dateOfBirth: '2015-02-03',
      nhsNumber: fakeNhsNumber(),
      ...overrides,
    },
  };
}

function policeRecord(
  personRef: { sourceSystem: string; sourceReference: string },
  overrides: Record<string, unknown> = {},
): Line {
  return {
    agency: 'police',
    actor: 'niche-feed',
    kind: 'record',
    data: {
      personRef,
      recordType: 'POLICE_INCIDENT',
      occurredAt: '2026-03-01T20:15:00Z',
      summary: 'Fictional incident at a fictional address',
      sourceSystem: 'NICHE',
      sourceReference: unique('OCC'),
      recordedBy: 'PC Example',
      recordedAt: '2026-03-02T09:00:00Z',
      personRole: 'VICTIM',
      detail: 'Fictional detail',
      ...overrides,
    },
  };
}

const refOf = (line: Line) => ({
  sourceSystem: line.data.sourceSystem as string,
  sourceReference: line.data.sourceReference as string,
});

describe('bulk import: npm run import -- <file.ndjson>', () => {
  let hub: TestHub;
  let police: string;
  beforeAll(async () => {
    hub = await startTestHub();
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  async function run(lines: Array<Line | string>) {
    const results: LineResult[] = [];
    const summary = await inTestPartnership(() =>
      importNdjson(
        hub.server.hub,
        lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))),
        (r) => results.push(r),
      ),
    );
    return { summary, results };
  }

  it('given good person and record lines, when imported, then both are created, visible to the agency through the API and audited as the import actor', async () => {
    const child = policePerson();
    const record = policeRecord(refOf(child));

    const { summary, results } = await run([child, record]);

    expect(results).toEqual([
      expect.objectContaining({ line: 1, kind: 'person', outcome: 'CREATED', id: expect.any(String) }),
      expect.objectContaining({ line: 2, kind: 'record', outcome: 'CREATED', id: expect.any(String) }),
    ]);
    expect(summary.counts).toMatchObject({ CREATED: 2, REJECTED: 0 });
    const personId = results[0]!.id!;
    const r = await hub.gql<{ person: { nhsNumber: string; records: Array<Record<string, unknown>> } }>(
      police,
      PERSON_WITH_RECORDS,
      { id: personId },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.person.nhsNumber).toBe(child.data.nhsNumber);
    expect(r.data!.person.records).toEqual([
      expect.objectContaining({
        id: results[1]!.id,
        owningAgency: 'police',
        personRole: 'VICTIM',
        sourceReference: record.data.sourceReference,
      }),
    ]);
    const audit: Array<{ actor_sub: string; actor_agency: string; action: string }> = await hub.db.query(
      `SELECT e.actor_sub, e.actor_agency, e.action FROM audit_event e JOIN audit_disclosure d ON d.event_id = e.id AND d.occurred_at = e.occurred_at
        WHERE d.person_id = $1 AND e.action = 'CREATE' ORDER BY e.occurred_at`,
      [personId],
    );
    expect(audit).toEqual([
      { actor_sub: 'import:niche-feed', actor_agency: 'police', action: 'CREATE' },
      { actor_sub: 'import:niche-feed', actor_agency: 'police', action: 'CREATE' },
    ]);
  });

  it('given a line with an invalid NHS number among good lines, when imported, then only that line is rejected naming the field (not the value) and nothing of it is stored', async () => {
    const good = policePerson();
    const bad = policePerson({ nhsNumber: '9434765918' }); // check digit wrong
    const alsoGood = policePerson();

    const { summary, results } = await run([good, bad, alsoGood]);

    expect(results.map((r) => r.outcome)).toEqual(['CREATED', 'REJECTED', 'CREATED']);
    expect(results[1]).toMatchObject({
      line: 2,
      kind: 'person',
      code: 'BAD_USER_INPUT',
      reason: expect.stringMatching(/^data\.nhsNumber: /),
    });
    expect(results[1]!.reason).not.toContain('9434765918');
    expect(summary.counts.REJECTED).toBe(1);
    const stored = await hub.db.query(`SELECT 1 FROM person_source WHERE source_ref = $1`, [bad.data.sourceReference]);
    expect(stored).toHaveLength(0);
  });

  it('given a record for a person reference no line of the agency created, when imported, then it is rejected naming personRef and no record is stored', async () => {
    const record = policeRecord({ sourceSystem: 'NICHE', sourceReference: unique('NOBODY') });

    const { results } = await run([record]);

    expect(results).toEqual([
      {
        line: 1,
        kind: 'record',
        outcome: 'REJECTED',
        code: 'BAD_USER_INPUT',
        reason: 'data.personRef: no person of this agency has this source reference',
      },
    ]);
    const stored = await hub.db.query(`SELECT 1 FROM agency_record WHERE source_ref = $1`, [
      record.data.sourceReference,
    ]);
    expect(stored).toHaveLength(0);
  });

  it("given a person that another agency holds, when a record line names it by that agency's reference, then it is rejected: references resolve within the own agency only", async () => {
    const healthLine: Line = { ...policePerson(), agency: 'health' };
    await run([healthLine]);

    const { results } = await run([policeRecord(refOf(healthLine))]);

    expect(results[0]).toMatchObject({
      outcome: 'REJECTED',
      reason: 'data.personRef: no person of this agency has this source reference',
    });
  });

  it('given lines already imported, when the same file is imported again, then every line is unchanged and no audit event is added', async () => {
    const adult = policePerson({ kind: 'ADULT', givenName: 'Parenta', dateOfBirth: '1990-01-01' });
    const child = policePerson({ relationships: [{ relatedPersonRef: refOf(adult), type: 'MOTHER' }] });
    const lines = [adult, child, policeRecord(refOf(child)), policeRecord(refOf(adult), { personRole: 'SUSPECT' })];
    const first = await run(lines);
    expect(first.summary.counts).toMatchObject({ CREATED: 4, REJECTED: 0 });
    const [{ n: auditBefore }] = await hub.db.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE actor_sub = 'import:niche-feed'`,
    );

    const second = await run(lines);

    expect(second.results.map((r) => r.outcome)).toEqual(['UNCHANGED', 'UNCHANGED', 'UNCHANGED', 'UNCHANGED']);
    expect(second.results.map((r) => r.id)).toEqual(first.results.map((r) => r.id));
    const [{ n: auditAfter }] = await hub.db.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE actor_sub = 'import:niche-feed'`,
    );
    expect(auditAfter).toBe(auditBefore);
    const r = await hub.gql<{ person: { relationships: Array<{ type: string; relatedPerson: { id: string } }> } }>(
      police,
      PERSON_WITH_RECORDS,
      {
        id: first.results[1]!.id,
      },
    );
    expect(r.data!.person.relationships).toEqual([{ type: 'MOTHER', relatedPerson: { id: first.results[0]!.id } }]);
  });

  it('given a changed line, when imported again, then that line is updated', async () => {
    const child = policePerson();
    await run([child]);

    const { results } = await run([{ ...child, data: { ...child.data, givenName: 'Renamed' } }]);

    expect(results[0]).toMatchObject({ outcome: 'UPDATED' });
  });

  it('given a person line whose relationship fails inside its transaction, when imported, then the person is not stored either (never half-imported)', async () => {
    const unreachable = await givenPerson(
      hub,
      await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] }),
    );
    const child = policePerson({ relationships: [{ relatedPersonId: unreachable, type: 'MOTHER' }] });

    const { results } = await run([child]);

    expect(results[0]).toMatchObject({
      outcome: 'REJECTED',
      code: 'BAD_USER_INPUT',
      reason: 'data.relationships.0.relatedPersonId: person not found',
    });
    const stored = await hub.db.query(
      `SELECT 1 FROM person_source WHERE source_ref = $1 UNION ALL SELECT 1 FROM person WHERE nhs_number = $2`,
      [child.data.sourceReference, child.data.nhsNumber],
    );
    expect(stored).toHaveLength(0);
  });

  it.each([
    ['not JSON', '{"agency": "police",', 'BAD_USER_INPUT', /^line: is not valid JSON$/],
    ['an unknown agency', { ...policePerson(), agency: 'no-such-agency' }, 'BAD_USER_INPUT', /^agency: /],
    ['an unknown kind', { ...policePerson(), kind: 'household' }, 'BAD_USER_INPUT', /^kind: /],
    ['an actor with spaces', { ...policePerson(), actor: 'two words' }, 'BAD_USER_INPUT', /^actor: /],
    [
      'an unknown field',
      policePerson({ shoeSize: 4 }),
      'BAD_USER_INPUT',
      /^data\.shoeSize: is not a field of PersonInput$/,
    ],
    [
      'a date of birth in the future',
      policePerson({ dateOfBirth: '2999-01-01' }),
      'BAD_USER_INPUT',
      /^data\.dateOfBirth: /,
    ],
    ['a NUL byte', policePerson({ givenName: 'Bad\u0000Name' }), 'BAD_USER_INPUT', /^data\.givenName: /],
    [
      'a bad record date',
      policeRecord({ sourceSystem: 'X', sourceReference: 'Y' }, { occurredAt: 'yesterday' }),
      'BAD_USER_INPUT',
      /^data\.occurredAt: /,
    ],
    [
      'a record naming no person',
      policeRecord({ sourceSystem: 'X', sourceReference: 'Y' }, { personRef: undefined }),
      'BAD_USER_INPUT',
      /^data\.personId: is required/,
    ],
  ])(
    'given a line with %s, when imported, then it is rejected with a clear reason',
    async (_what, line, code, reason) => {
      const { results } = await run([line as Line | string]);
      expect(results[0]).toMatchObject({ outcome: 'REJECTED', code, reason: expect.stringMatching(reason) });
    },
  );

  it("given a record of another agency kind for the agency's own person, when imported, then it is FORBIDDEN naming recordType and not stored", async () => {
    const child = policePerson();
    const record = policeRecord(refOf(child), {
      recordType: 'HEALTH_MATERNITY',
      personRole: undefined,
      detail: undefined,
    });

    const { results } = await run([child, record]);

    expect(results[1]).toMatchObject({
      outcome: 'REJECTED',
      code: 'FORBIDDEN',
      reason: expect.stringMatching(/^data\.recordType: /),
    });
    expect(
      await hub.db.query(`SELECT 1 FROM agency_record WHERE source_ref = $1`, [record.data.sourceReference]),
    ).toHaveLength(0);
  });

  describe('the command line', () => {
    const root = path.join(__dirname, '..');
    function cli(
      args: string[],
      env: Record<string, string>,
    ): Promise<{ code: number; stdout: string; stderr: string }> {
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          ['-r', 'ts-node/register/transpile-only', 'src/cli/import.ts', ...args],
          {
            cwd: root,
            env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
            timeout: 60_000,
          },
          (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    }
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-import-cli-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('given a file with a rejected line, when the command runs, then it prints one result per line and a summary and exits non-zero', async () => {
      const child = policePerson();
      const file = path.join(dir, 'feed.ndjson');
      fs.writeFileSync(
        file,
        [child, policePerson({ nhsNumber: '12' }), '', policeRecord(refOf(child))]
          .map((l) => (typeof l === 'string' ? l : JSON.stringify(l)))
          .join('\n'),
      );

      // The shared test database holds other stories' partnerships too: name the one this feed is for.
      const out = await cli([file, '--partnership', 'default'], {
        DATABASE_URL: hub.config.databaseUrl!,
        MASH_DATA_DIR: dir,
      });

      expect(out.code).toBe(1);
      const lines = out.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^line 1: CREATED person [0-9a-f-]{36}$/);
      expect(lines[1]).toMatch(/^line 2: REJECTED person — data\.nhsNumber: .* \[BAD_USER_INPUT\]$/);
      expect(lines[2]).toMatch(/^line 4: CREATED record [0-9a-f-]{36}$/);
      expect(lines[3]).toBe('3 lines: 2 created, 0 linked, 0 updated, 0 unchanged, 1 rejected');
    }, 60_000);

    it('given a file of good lines, when the command runs twice, then it exits 0 and the second run reports every line unchanged', async () => {
      const child = policePerson();
      const file = path.join(dir, 'good.ndjson');
      fs.writeFileSync(file, [child, policeRecord(refOf(child))].map((l) => JSON.stringify(l)).join('\n') + '\n');
      const env = { DATABASE_URL: hub.config.databaseUrl!, MASH_DATA_DIR: dir };

      const first = await cli([file, '--partnership', 'default'], env);
      const second = await cli([file, '--json', '--partnership', 'default'], env);

      expect(first.code).toBe(0);
      expect(second.code).toBe(0);
      const results = second.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(results.slice(0, 2).map((r) => r.outcome)).toEqual(['UNCHANGED', 'UNCHANGED']);
      expect(results[2]).toEqual({
        summary: { lines: 2, counts: { CREATED: 0, UPDATED: 0, UNCHANGED: 2, LINKED: 0, REJECTED: 0 } },
      });
    }, 60_000);

    it('given the embedded database of the data folder is already running (the hub is up), when the command runs, then it stops with a clear message and imports nothing', async () => {
      const busy = fs.mkdtempSync(path.join(dir, 'busy-'));
      fs.mkdirSync(path.join(busy, 'pg'));
      // A live process holds the data folder: this test process stands in for the running hub's PostgreSQL.
      fs.writeFileSync(path.join(busy, 'pg', 'postmaster.pid'), `${process.pid}\n${busy}\n`);
      const file = path.join(dir, 'busy.ndjson');
      fs.writeFileSync(file, JSON.stringify(policePerson()));

      const out = await cli([file], { MASH_DATA_DIR: busy });

      expect(out.code).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr).toContain(`the embedded PostgreSQL in ${busy} is already running (pid ${process.pid})`);
      expect(out.stderr).toContain('stop the hub');
      expect(out.stderr).toContain('DATABASE_URL');
    }, 60_000);
  });
});
