import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig, ConfigError } from '../src/config';
import {
  assertServingRoleRestricted,
  servingRoleLacks,
  servingRoleProblems,
  ServingRoleError,
} from '../src/db/app-role';
import { ensureDatabase } from '../src/db/admin';
import { openDatabase, PendingMigrationsError } from '../src/db/open';
import { createHub } from '../src/app/server';
import { createLogger } from '../src/shared/logger';
import { auditFor, givenPerson, givenRecord } from './support/factories';
import { createDataSource } from '../src/db/data-source';
import { appUrlOf, dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 4 item 1: the running hub connects as a role that may INSERT and SELECT audit rows but not
 * UPDATE, DELETE or TRUNCATE them, and owns nothing; migrations and owner commands run as the owner.
 * Every other test file serves as mash_app too; this one proves the role is what the hub really has.
 */
describe('the hub serves as the restricted application role', () => {
  let hub: TestHub;
  let serving: DataSource;
  beforeAll(async () => {
    hub = await startTestHub();
    serving = hub.server.hub.dataSource;
  });
  afterAll(() => hub.close());

  /** A statement on the hub's own pool, in a transaction that is always rolled back. */
  async function onHubConnection(sql: string): Promise<{ code?: string; message: string } | null> {
    const qr = serving.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      await qr.query(sql);
      return null;
    } catch (e) {
      return e as { code?: string; message: string };
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  }

  it('given the running hub, then its connection role is mash_app, not a superuser and not the owner of any audit table', async () => {
    const [me] = await serving.query(
      `SELECT current_user AS role, r.rolsuper AS superuser,
              (SELECT count(*)::int FROM pg_class c WHERE pg_has_role(current_user, c.relowner, 'USAGE')
                  AND c.relnamespace = 'public'::regnamespace) AS owned
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(me).toEqual({ role: 'mash_app', superuser: false, owned: 0 });
    expect(await servingRoleProblems(serving)).toEqual([]);
    // …whereas the owner's connection (migrations, audit:archive) would be refused for serving.
    expect(await servingRoleProblems(hub.db)).toEqual(
      expect.arrayContaining([
        'owns audit_event',
        'owns audit_batch',
        'owns audit_disclosure',
        'owns audit_checkpoint',
      ]),
    );
  });

  it.each([
    ['UPDATE audit_event', `UPDATE audit_event SET outcome = 'DENIED'`],
    ['DELETE audit_event', `DELETE FROM audit_event`],
    ['TRUNCATE audit_event', `TRUNCATE audit_event`],
    ['UPDATE audit_batch', `UPDATE audit_batch SET hash = 'x'`],
    ['DELETE audit_batch', `DELETE FROM audit_batch`],
    ['TRUNCATE audit_batch', `TRUNCATE audit_batch`],
    ['UPDATE audit_disclosure', `UPDATE audit_disclosure SET outcome = 'DENIED'`],
    ['DELETE audit_disclosure', `DELETE FROM audit_disclosure`],
    ['TRUNCATE audit_disclosure', `TRUNCATE audit_disclosure`],
    ['UPDATE audit_checkpoint', `UPDATE audit_checkpoint SET hash = 'x'`],
    ['DELETE audit_checkpoint', `DELETE FROM audit_checkpoint`],
    ['TRUNCATE audit_checkpoint', `TRUNCATE audit_checkpoint`],
  ])('given the running hub, when its own connection tries %s, then permission is denied', async (_what, sql) => {
    const error = await onHubConnection(sql);
    expect(error?.code).toBe('42501');
    expect(error?.message).toMatch(/^permission denied for table audit_/);
  });

  it('given the running hub, when its own connection tries to write the migration bookkeeping or create a table, then permission is denied', async () => {
    expect((await onHubConnection(`DELETE FROM schema_migrations`))?.code).toBe('42501');
    expect((await onHubConnection(`CREATE TABLE mash_app_owned (id int)`))?.code).toBe('42501');
  });

  it('given the schema of every migration, then mash_app may read and write every case table (later migrations included) and only read or append the audit', async () => {
    const rows: Array<{ table: string; missing: string[] }> = await hub.db.query(
      `SELECT c.relname AS table,
              array_remove(ARRAY[
                CASE WHEN NOT has_table_privilege('mash_app', c.oid, 'SELECT') THEN 'SELECT' END,
                CASE WHEN NOT has_table_privilege('mash_app', c.oid, 'INSERT') THEN 'INSERT' END,
                CASE WHEN NOT has_table_privilege('mash_app', c.oid, 'UPDATE') THEN 'UPDATE' END,
                CASE WHEN NOT has_table_privilege('mash_app', c.oid, 'DELETE') THEN 'DELETE' END], NULL) AS missing
         FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND c.relname NOT LIKE 'audit\\_%' AND c.relname <> 'schema_migrations'
        ORDER BY 1`,
    );
    expect(rows.map((r) => r.table)).toEqual(
      expect.arrayContaining([
        'agency_record',
        'alert',
        'break_glass',
        'meeting',
        'meeting_invitee',
        'person',
        'referral',
      ]),
    );
    // The production mark (migration 1764000402000) is insert-only on purpose: the serving role may mark, never unmark.
    expect(rows.filter((r) => r.missing.length)).toEqual([
      { table: 'database_environment', missing: ['UPDATE', 'DELETE'] },
    ]);
    const [fns] = await hub.db.query(
      `SELECT bool_and(has_function_privilege('mash_app', p.oid, 'EXECUTE')) AS all_executable, count(*)::int AS n
         FROM pg_proc p WHERE p.proname IN ('mash_audit_append', 'mash_audit_append_events', 'mash_audit_ensure_partitions')`,
    );
    expect(fns).toEqual({ all_executable: true, n: 3 });
  });

  it('given the hub serving as mash_app, when an officer creates a person and a record and reads them back through the API, then it works and is audited', async () => {
    const health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    const personId = await givenPerson(hub, health);
    await givenRecord(hub, health, personId, { recordType: 'HEALTH_VISITING', clinicalNotes: 'Fictional note' });

    const r = await hub.gql<{ person: { id: string; records: Array<{ clinicalNotes: string }> } }>(
      health,
      `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id records { ... on HealthRecord { clinicalNotes } } } }`,
      { id: personId },
    );

    expect(r.errors).toBeUndefined();
    expect(r.data!.person.records).toEqual([{ clinicalNotes: 'Fictional note' }]);
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'READ',
        person_id: personId,
        released: expect.arrayContaining(['HealthRecord.clinicalNotes']),
      }),
    ]);
  });

  it('given production, when the hub is created on a connection that owns the audit, then it refuses to start with a clear message and no secret', async () => {
    const ownerUrl = (hub.db.options as { url: string }).url;
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: ownerUrl,
      MASH_DATA_DIR: hub.config.dataDir,
      AUTH_JWKS_URL: 'https://login.example.invalid/.well-known/jwks.json',
      AUTH_ISSUER: 'https://login.example.invalid/',
      AUTH_AUDIENCE: 'mash-hub',
      LOG_LEVEL: 'silent',
    });

    const error = await createHub(config, createLogger('silent'), hub.db).then(
      () => null,
      (e: Error) => e,
    );

    expect(error).toBeInstanceOf(ServingRoleError);
    expect(error!.message).toMatch(
      /^refusing to serve in production: the database role of DATABASE_URL could alter the audit \(owns audit_/,
    );
    expect(error!.message).not.toContain(new URL(ownerUrl).password);
    // The restricted role passes the same check.
    await expect(assertServingRoleRestricted(serving)).resolves.toBeUndefined();
  });
});

describe('an external PostgreSQL: DATABASE_URL serves, MIGRATION_DATABASE_URL migrates', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-serving-role-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('given MIGRATION_DATABASE_URL without DATABASE_URL, then the configuration is refused naming the variable', () => {
    expect(() =>
      loadConfig({ MIGRATION_DATABASE_URL: 'postgres://owner@localhost/mash', MASH_DATA_DIR: dataDir }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ MIGRATION_DATABASE_URL: 'postgres://owner@localhost/mash', MASH_DATA_DIR: dataDir }),
    ).toThrow(/MIGRATION_DATABASE_URL/);
  });

  it('given an empty database, when the hub opens it with only the serving login, then it refuses (pending migrations); with the owner login it migrates and then serves as mash_app', async () => {
    const ownerUrl = await ensureDatabase(
      process.env.MASH_TEST_SERVER_URL!,
      `mash_test_roles_${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}`,
    );
    const logger = createLogger('silent');
    const base = { NODE_ENV: 'test', MASH_DATA_DIR: dataDir, LOG_LEVEL: 'silent', DB_POOL_SIZE: '2' };

    const servingOnly = loadConfig({ ...base, DATABASE_URL: appUrlOf(ownerUrl) });
    const refused = await openDatabase(servingOnly, logger, { migrate: true }).then(
      () => null,
      (e: Error) => e,
    );
    expect(refused).toBeInstanceOf(PendingMigrationsError);
    expect(refused!.message).toMatch(/pending migration.*set MIGRATION_DATABASE_URL/);

    const both = loadConfig({ ...base, DATABASE_URL: appUrlOf(ownerUrl), MIGRATION_DATABASE_URL: ownerUrl });
    const db = await openDatabase(both, logger, { migrate: true });
    try {
      const [{ role }] = await db.dataSource.query('SELECT current_user AS role');
      const [{ n }] = await db.dataSource.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(role).toBe('mash_app');
      expect(n).toBe(db.dataSource.migrations.length);
      expect(db.dataSource.options.migrationsRun).toBeFalsy();
    } finally {
      await db.close();
    }
    // Owner commands (audit:archive) get the owner's login.
    const owner = await openDatabase(both, logger, { migrate: false, role: 'owner' });
    try {
      const [{ role }] = await owner.dataSource.query('SELECT current_user AS role');
      expect(role).toBe(new URL(ownerUrl).username);
    } finally {
      await owner.close();
    }
  }, 60_000);
});

/**
 * Issue 21 (ADR 037): under load the audit's commit is made durable by a flush barrier,
 * pg_logical_emit_message, which PostgreSQL grants to PUBLIC. A role without it would serve at rest
 * and refuse every audited read once busy, so the hub refuses to start instead.
 */
describe('the serving role must be able to flush the audit under load', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-flush-role-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("given the function granted (PostgreSQL's default), then the hub opens; given it revoked, then it refuses to start in every mode, naming the grant, and opens again once granted", async () => {
    const ownerUrl = await dedicatedDatabaseUrl('flush_role');
    const owner = createDataSource(ownerUrl, createLogger('silent'), 1);
    await owner.initialize();
    const logger = createLogger('silent');
    // Its signature as this PostgreSQL has it (17 added a defaulted fourth argument).
    const [{ barrier }] = await owner.query(
      `SELECT p.oid::regprocedure::text AS barrier FROM pg_proc p
        WHERE p.proname = 'pg_logical_emit_message' AND p.proargtypes[2] = 'text'::regtype`,
    );
    const open = (env: string) =>
      openDatabase(
        loadConfig({
          NODE_ENV: env,
          MASH_DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
          DB_POOL_SIZE: '1',
          DATABASE_URL: appUrlOf(ownerUrl),
          ...(env === 'production'
            ? {
                AUTH_JWKS_URL: 'https://login.example.invalid/.well-known/jwks.json',
                AUTH_ISSUER: 'https://login.example.invalid/',
                AUTH_AUDIENCE: 'mash-hub',
              }
            : {}),
        }),
        logger,
        { migrate: false },
      ).then(
        async (db) => {
          await db.close();
          return null;
        },
        (e: Error) => e,
      );
    try {
      // Given the default grant, the hub opens.
      expect(await open('test')).toBeNull();

      // When a DBA revokes it (in this database only: function privileges are per database)…
      await owner.query(`REVOKE EXECUTE ON FUNCTION ${barrier} FROM PUBLIC`);
      const app = createDataSource(appUrlOf(ownerUrl), logger, 1);
      await app.initialize();
      try {
        expect(await servingRoleLacks(app)).toEqual([`EXECUTE on pg_catalog.${barrier}`]);
        // …the barrier itself is refused to the role, which is what the check foresees.
        await expect(app.query(`SELECT pg_logical_emit_message(true, 'mash-audit-flush', '')`)).rejects.toMatchObject({
          code: '42501',
        });
      } finally {
        await app.destroy();
      }
      // Then the hub refuses to start, in development as in production, with the fix in the message.
      for (const env of ['test', 'production']) {
        const refused = await open(env);
        expect(refused).toBeInstanceOf(ServingRoleError);
        expect(refused!.message).toMatch(
          /^refusing to serve: the database role of DATABASE_URL lacks EXECUTE on pg_catalog\.pg_logical_emit_message/,
        );
        expect(refused!.message).toContain('Grant EXECUTE on it to mash_app');
        expect(refused!.message).not.toContain(new URL(ownerUrl).password);
      }

      // Given the grant to the serving role alone, it opens again.
      await owner.query(`GRANT EXECUTE ON FUNCTION ${barrier} TO mash_app`);
      expect(await open('test')).toBeNull();
    } finally {
      await owner.destroy();
    }
  }, 60_000);
});
