import { DataSource } from 'typeorm';
import { createDataSource } from '../src/db/data-source';
import { createLogger } from '../src/shared/logger';
import { fakeNhsNumber, givenPerson, givenRecord, unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * Fail closed: with INSERT on the audit tables revoked from the hub's database role, no response
 * carries data. Runs in its own database with its own (non-superuser) role, so revoking privileges
 * cannot disturb tests sharing the worker's database.
 */
describe('audit fail-closed', () => {
  const ROLE = 'mash_fail_closed_app';
  const PASSWORD = 'fictional-test-only';
  let admin: DataSource;
  let hub: TestHub;
  let worker: string;
  let personId: string;
  let nhsNumber: string;

  beforeAll(async () => {
    const superUrl = await dedicatedDatabaseUrl('mash_fail_closed');
    admin = createDataSource(superUrl, createLogger('silent'), 1);
    await admin.initialize();
    const dbName = new URL(superUrl).pathname.slice(1);
    await admin.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}') THEN CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'; END IF; END $$`);
    await admin.query(`GRANT CONNECT ON DATABASE ${dbName} TO ${ROLE}`);
    await admin.query(`GRANT USAGE ON SCHEMA public TO ${ROLE}`);
    await admin.query(`GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO ${ROLE}`);
    await admin.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ROLE}`);
    const appUrl = new URL(superUrl);
    appUrl.username = ROLE;
    appUrl.password = PASSWORD;
    hub = await startTestHub({}, { databaseUrl: superUrl, servingUrl: appUrl.toString() });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    nhsNumber = fakeNhsNumber();
    personId = await givenPerson(hub, worker, { nhsNumber, givenName: 'Auditia' });
    await givenRecord(hub, worker, personId, { recordType: 'SOCIAL_CARE_CASE_NOTE', caseNotes: 'Fictional case note' });
  });
  afterAll(async () => {
    await admin.query(`GRANT INSERT ON audit_batch, audit_event, audit_disclosure TO ${ROLE}`);
    await hub.close();
    await admin.destroy();
  });

  const revoke = () => admin.query(`REVOKE INSERT ON audit_batch, audit_event, audit_disclosure FROM ${ROLE}`);
  const restore = () => admin.query(`GRANT INSERT ON audit_batch, audit_event, audit_disclosure TO ${ROLE}`);
  const READ = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName nhsNumber records { summary ... on SocialCareRecord { caseNotes } } } }`;

  it('given audit inserts revoked, when a person is read, then HTTP 503 AUDIT_UNAVAILABLE and no data; once restored, the read succeeds and is audited', async () => {
    await revoke();
    try {
      const r = await hub.gql(worker, READ, { id: personId });

      expect(r.status).toBe(503);
      expect(r.errors).toEqual([expect.objectContaining({ extensions: { code: 'AUDIT_UNAVAILABLE' } })]);
      expect(r.data).toBeUndefined();
      const body = JSON.stringify(r);
      for (const leaked of ['Auditia', nhsNumber, 'Fictional case note', personId]) expect(body).not.toContain(leaked);
    } finally {
      await restore();
    }
    const ok = await hub.gql<{ person: { givenName: string } }>(worker, READ, { id: personId });
    expect(ok.status).toBe(200);
    expect(ok.data!.person.givenName).toBe('Auditia');
    expect(
      await admin.query('SELECT 1 FROM audit_event WHERE request_id = $1', [ok.headers.get('x-request-id')]),
    ).toHaveLength(1);
  });

  it('given audit inserts revoked, when people are searched, then 503 and no data', async () => {
    await revoke();
    try {
      const r = await hub.gql(
        worker,
        `query($n: String!) { searchPeople(input: { identifier: { type: NHS_NUMBER, value: $n } }, purpose: TRIAGE) { person { id givenName } } }`,
        { n: nhsNumber },
      );
      expect(r.status).toBe(503);
      expect(r.data).toBeUndefined();
      expect(JSON.stringify(r)).not.toContain('Auditia');
    } finally {
      await restore();
    }
  });

  it('given audit inserts revoked, when a person is upserted, then 503 and the change is rolled back with its audit', async () => {
    const sourceReference = unique('p');
    await revoke();
    try {
      const r = await hub.gql(
        worker,
        `mutation($input: PersonInput!) { upsertPerson(input: $input) { outcome person { id } } }`,
        {
          input: {
            sourceSystem: 'TEST',
            sourceReference,
            kind: 'CHILD',
            givenName: 'Rolled',
            familyName: 'Back',
            dateOfBirth: '2017-05-06',
          },
        },
      );
      expect(r.status).toBe(503);
      expect(r.errors![0]!.extensions!.code).toBe('AUDIT_UNAVAILABLE');
      expect(r.data).toBeUndefined();
    } finally {
      await restore();
    }
    expect(await admin.query('SELECT 1 FROM person_source WHERE source_ref = $1', [sourceReference])).toHaveLength(0);
  });

  it('given audit inserts revoked, when the glass is broken, then 503 and no break-glass or alert is stored', async () => {
    const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('police') });
    await revoke();
    try {
      const r = await hub.gql(
        police,
        `mutation($p: ID!) { openBreakGlass(personId: $p, reason: "Fictional: urgent concern reported out of hours") { id } }`,
        { p: personId },
      );
      expect(r.status).toBe(503);
      expect(r.data).toBeUndefined();
    } finally {
      await restore();
    }
    expect(await admin.query('SELECT 1 FROM break_glass WHERE person_id = $1', [personId])).toHaveLength(0);
    expect(await admin.query('SELECT 1 FROM alert WHERE person_id = $1', [personId])).toHaveLength(0);
  });
});
