import type { DataSource, QueryRunner } from 'typeorm';
import type { PoolClient } from 'pg';
import { createDataSource } from '../src/db/data-source';
import { queryPrepared } from '../src/db/prepared';
import { inPartnership } from '../src/db/partnership-scope';
import { createLogger } from '../src/shared/logger';
import { DEFAULT_PARTNERSHIP } from '../src/shared/partnership';
import { unique } from './support/factories';
import { appUrlOf, startTestHub, type TestHub } from './support/test-hub';

/**
 * A statement run outside a transaction in a partnership's scope (issue 21, the wall's cost on the
 * hot path, ADR 016): the settings travel with the statement, in one round trip and one implicit
 * transaction, transaction-local, and are gone for the connection's next user.
 */

const SETTINGS = `SELECT current_setting('mash.partnership', true) AS partnership, current_setting('mash.actor', true) AS actor,
  current_setting('mash.request_id', true) AS request_id`;

interface Settings {
  partnership: string | null;
  actor: string | null;
  request_id: string | null;
}

describe('the partnership scope of a statement outside a transaction', () => {
  let hub: TestHub;
  let app: DataSource;
  let runner: QueryRunner;
  let client: PoolClient & { connection: NodeJS.EventEmitter };
  let roundTrips = 0;
  const scope = () => ({ partnership: DEFAULT_PARTNERSHIP, actor: 'system:test', requestId: unique('rt') });

  beforeAll(async () => {
    hub = await startTestHub();
    // The serving role, one pooled connection: every statement below shares it.
    app = createDataSource(appUrlOf(hub.config.migrationDatabaseUrl!), createLogger('silent'), 1);
    await app.initialize();
    runner = app.createQueryRunner();
    client = (await runner.connect()) as typeof client;
    // Every Sync the hub sends is answered by one ReadyForQuery: one per round trip.
    client.connection.on('readyForQuery', () => (roundTrips += 1));
  });
  afterAll(async () => {
    await runner?.release();
    await app?.destroy();
    await hub?.close();
  });
  beforeEach(() => (roundTrips = 0));

  it('given a scope, when a statement runs outside a transaction, then it sees the settings, in one round trip', async () => {
    // The connection's first scoped statement also prepares the settings' statement (once per connection).
    await inPartnership(scope(), () => runner.query('SELECT 1'));
    roundTrips = 0;
    const s = scope();
    const rows = (await inPartnership(s, () => runner.query(SETTINGS))) as Settings[];
    expect(rows).toEqual([{ partnership: s.partnership, actor: s.actor, request_id: s.requestId }]);
    expect(roundTrips).toBe(1);
  });

  it('given a scoped statement, when the same connection then runs one without a scope, then it sees no partnership (transaction-local)', async () => {
    await inPartnership(scope(), () => runner.query(SETTINGS));
    const [after] = (await runner.query(SETTINGS)) as Settings[];
    expect(after!.partnership || null).toBeNull();
    expect(after!.actor || null).toBeNull();
  });

  it('given a named prepared statement with parameters, when run in scope, then it answers its own rows only (not the settings row), in one round trip', async () => {
    const s = scope();
    const text = `SELECT $1::text AS echo, current_setting('mash.request_id', true) AS request_id`;
    const first = await inPartnership(s, () => queryPrepared<{ echo: string }>(runner.manager, text, ['one']));
    const again = await inPartnership(s, () => queryPrepared<{ echo: string }>(runner.manager, text, ['two']));
    expect(first).toEqual([{ echo: 'one', request_id: s.requestId }]);
    expect(again).toEqual([{ echo: 'two', request_id: s.requestId }]);
    expect(roundTrips).toBe(2);
  });

  it('given a scope, when the wall hides rows, then the scoped read sees its partnership and an unscoped read sees nothing (fails closed)', async () => {
    const [scoped] = (await inPartnership(scope(), () =>
      runner.query(
        `SELECT count(*)::int AS n FROM partnership p WHERE p.id = current_setting('mash.partnership', true)`,
      ),
    )) as Array<{ n: number }>;
    expect(scoped!.n).toBe(1);
    const [unscoped] = (await runner.query(`SELECT count(*)::int AS n FROM person`)) as Array<{ n: number }>;
    expect(unscoped!.n).toBe(0);
  });

  it('given a failing statement, when run in scope, then its error is the caller’s, nothing it wrote is kept, and the connection serves the next statement', async () => {
    const id = unique('never');
    await expect(
      inPartnership(scope(), () =>
        runner.query(
          `WITH w AS (INSERT INTO periodic_job (name, last_started_at) VALUES ($1, now()) RETURNING 1) SELECT 1 / 0 FROM w`,
          [id],
        ),
      ),
    ).rejects.toThrow(/division by zero/);
    const kept = (await runner.query(`SELECT 1 FROM periodic_job WHERE name = $1`, [id])) as unknown[];
    expect(kept).toEqual([]);
    const s = scope();
    const [next] = (await inPartnership(s, () => runner.query(SETTINGS))) as Settings[];
    expect(next!.request_id).toBe(s.requestId);
  });

  it('given a failing named prepared statement, when it is run again after the failure, then it is parsed again and answers', async () => {
    const text = `SELECT 10 / $1::int AS q`;
    await expect(inPartnership(scope(), () => queryPrepared(runner.manager, text, [0]))).rejects.toThrow(
      /division by zero/,
    );
    expect(await inPartnership(scope(), () => queryPrepared(runner.manager, text, [5]))).toEqual([{ q: 2 }]);
  });

  it('given a text of several statements, when run in scope, then each sees the settings (the longer way: its own transaction)', async () => {
    const s = scope();
    const name = unique('rt-multi');
    await inPartnership(s, () =>
      runner.query(
        `INSERT INTO periodic_job (name, last_started_at) VALUES ('${name}', now()); UPDATE periodic_job SET name = name || ':' || current_setting('mash.request_id', true) WHERE name = '${name}'`,
      ),
    );
    const rows = (await runner.query(`SELECT name FROM periodic_job WHERE name LIKE $1`, [`${name}%`])) as unknown[];
    expect(rows).toEqual([{ name: `${name}:${s.requestId}` }]);
  });
});
