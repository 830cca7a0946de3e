import crypto from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import pg, { type PoolClient } from 'pg';
import type { QueryRunner } from 'typeorm';

/**
 * Which partnership the database work of the current request (or job) acts in (ADR 016).
 *
 * Every transaction the hub opens while a scope is current starts, right after BEGIN, with
 * `SELECT set_config('mash.partnership', $1, true), set_config('mash.actor', …), set_config('mash.request_id', …)`:
 * transaction-local, so a pooled connection (or a transaction-mode pooler) never carries one
 * request's partnership into the next. A statement run outside a transaction while a scope is
 * current runs with the settings in one implicit transaction of its own, in one round trip (see
 * `ScopedQuery` below; until issue 21 it took four: BEGIN, the settings, the statement, COMMIT).
 * Without a scope nothing is
 * set, and the row-level security of every tenant table shows no rows and refuses every insert:
 * forgetting the scope fails closed.
 */
export interface PartnershipScope {
  /** The partnership id (`partnership.id`). */
  partnership: string;
  /** Who acts (the token's `sub`, or `system:<job>`), for the database's own logs and triggers. */
  actor: string;
  requestId: string;
}

/** A mutable holder, so a scope chosen after authentication reaches the work already under way. */
interface Holder {
  scope: PartnershipScope | null;
}

const storage = new AsyncLocalStorage<Holder>();

/** Runs `work` (and everything it starts) in the given partnership. Nested calls replace the scope. */
export function inPartnership<T>(scope: PartnershipScope, work: () => Promise<T>): Promise<T> {
  return storage.run({ scope }, work);
}

/**
 * Runs `work` with an empty scope that `setPartnershipScope` fills in later (an HTTP request is
 * admitted before its token, which names the partnership, is verified).
 */
export function withScopeHolder<T>(work: () => T): T {
  return storage.run({ scope: null }, work);
}

/** Sets the scope of the holder opened by `withScopeHolder` (once: a request acts in one partnership). */
export function setPartnershipScope(scope: PartnershipScope): void {
  const holder = storage.getStore();
  if (!holder) throw new Error('no partnership scope holder: the request was not opened with withScopeHolder');
  if (holder.scope && holder.scope.partnership !== scope.partnership)
    throw new Error('a request acts in one partnership only');
  holder.scope = scope;
}

export function currentPartnershipScope(): PartnershipScope | null {
  return storage.getStore()?.scope ?? null;
}

const SET_SCOPE = `SELECT set_config('mash.partnership', $1, true), set_config('mash.actor', $2, true), set_config('mash.request_id', $3, true)`;

type Query = QueryRunner['query'];

/**
 * Makes a TypeORM query runner set the current scope as the first statement of each transaction it
 * starts, and run any statement outside a transaction in one of its own when a scope is current.
 * Installed on every data source (src/db/data-source.ts), so no repository, service or job can
 * reach a tenant table past it.
 */
export function scopeQueryRunner(runner: QueryRunner): QueryRunner {
  const start = runner.startTransaction.bind(runner);
  const query = runner.query.bind(runner) as Query;
  runner.startTransaction = async (isolation) => {
    const outermost = !runner.isTransactionActive;
    await start(isolation);
    const scope = currentPartnershipScope();
    if (outermost && scope)
      await query(SET_SCOPE, [scope.partnership, scope.actor, scope.requestId]).catch((e: unknown) => lost(runner, e));
  };
  runner.query = (async (sql: string, parameters?: unknown[], structured?: boolean) => {
    const scope = currentPartnershipScope();
    if (runner.isTransactionActive || !scope) return query(sql, parameters, structured as true);
    if (!singleStatement(sql, parameters)) return inOwnTransaction(scope, sql, parameters, structured);
    // One round trip: the pooled connection's next query carries the settings (ScopedQuery).
    const client = (await runner.connect()) as ScopableClient;
    await scopable(client);
    // Logged as the statement it still is (a Bind and Execute of the settings' statement), so
    // statement counts and query logs show every lone statement's settings as before.
    runner.connection.logger.logQuery(SET_SCOPE, [scope.partnership, scope.actor, scope.requestId], runner);
    client[NEXT_SCOPE] = scope;
    try {
      return await query(sql, parameters, structured as true);
    } catch (e) {
      return lost(runner, e);
    } finally {
      client[NEXT_SCOPE] = undefined;
    }
  }) as Query;
  /** The longer way, for a text that may hold several statements (the extended protocol takes one). */
  const inOwnTransaction = async (
    scope: PartnershipScope,
    sql: string,
    parameters?: unknown[],
    structured?: boolean,
  ) => {
    await start();
    try {
      await query(SET_SCOPE, [scope.partnership, scope.actor, scope.requestId]);
      const result = await query(sql, parameters, structured as true);
      await runner.commitTransaction();
      return result;
    } catch (e) {
      if (runner.isTransactionActive && !runner.isReleased) await runner.rollbackTransaction().catch(() => undefined);
      return lost(runner, e);
    }
  };
  return runner;
}

/**
 * A statement text the extended protocol accepts: with parameters (or as a named prepared statement)
 * it is one statement already; without, a semicolon before the end may separate several.
 */
function singleStatement(sql: unknown, parameters?: unknown[]): boolean {
  if (typeof sql !== 'string') return true; // { name, text }: a named prepared statement (src/db/prepared.ts)
  if (parameters && parameters.length > 0) return true;
  return !sql.trim().replace(/;$/, '').includes(';');
}

const NEXT_SCOPE = Symbol('mash.nextScope');

interface PgConnection {
  bind(msg: { portal: string; statement: string; values: unknown[]; valueMapper: unknown }): void;
  execute(msg: { portal: string; rows?: number }): void;
}

type ScopableClient = PoolClient & { [NEXT_SCOPE]?: PartnershipScope; mashScopable?: true };

interface QueryInternals {
  name?: string;
  queryMode?: string;
  prepare(connection: PgConnection): void;
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: PgConnection): void;
}

const PgQuery = pg.Query as unknown as new (config: unknown, values?: unknown, callback?: unknown) => QueryInternals;

/**
 * One statement and the scope's settings in one round trip and one transaction. node-postgres writes
 * a statement as Parse, Bind, Describe, Execute, Sync; this query writes the settings' Bind and
 * Execute (an unnamed statement) before them, under the same Sync. PostgreSQL runs everything up
 * to a Sync as one implicit transaction (the protocol's pipelining rules), so the settings are
 * transaction-local exactly as after BEGIN, end with the statement's commit, and are never seen by
 * the connection's next user: safe behind a transaction-mode pooler, no plain SET. If the settings
 * fail, PostgreSQL skips the statement until the Sync: it fails, closed. The settings' row and
 * command tag are not the caller's result and are dropped.
 */
class ScopedQuery extends PgQuery {
  private settingsAnswered = false;

  constructor(
    config: unknown,
    values: unknown,
    callback: (err: Error | null, result?: unknown) => void,
    private readonly scope: PartnershipScope,
  ) {
    super(config, values, callback);
    this.queryMode = 'extended';
  }

  override prepare(connection: PgConnection): void {
    connection.bind({
      portal: '',
      statement: SCOPE_STATEMENT,
      values: [this.scope.partnership, this.scope.actor, this.scope.requestId],
      valueMapper: (pg as unknown as { utils: { prepareValue: unknown } }).utils.prepareValue,
    });
    connection.execute({ portal: '' });
    super.prepare(connection);
  }

  override handleDataRow(msg: unknown): void {
    if (this.settingsAnswered) super.handleDataRow(msg);
  }

  override handleCommandComplete(msg: unknown, connection: PgConnection): void {
    if (this.settingsAnswered) super.handleCommandComplete(msg, connection);
    else this.settingsAnswered = true;
  }
}

/**
 * Readies a pooled connection for ScopedQuery (once per connection): the settings' statement is
 * prepared under its own name in a round trip of its own (run with empty settings, in an implicit
 * transaction that ends at once), so a ScopedQuery sends only its Bind and Execute: no ParseComplete
 * of the settings can be taken by node-postgres for the statement's own. Then the client's queries
 * become ScopedQuery while `client[NEXT_SCOPE]` is set, which the first one clears.
 */
async function scopable(client: ScopableClient): Promise<void> {
  if (client.mashScopable) return;
  const plain = client.query.bind(client) as (...args: unknown[]) => unknown;
  await plain({ name: SCOPE_STATEMENT, text: SET_SCOPE }, ['', '', '']);
  client.query = ((config: unknown, values?: unknown, callback?: unknown) => {
    const next = client[NEXT_SCOPE];
    const submittable = typeof (config as { submit?: unknown } | null)?.submit === 'function';
    if (!next || submittable || typeof values === 'function' || callback) return plain(config, values, callback);
    client[NEXT_SCOPE] = undefined;
    return new Promise((resolve, reject) => {
      plain(new ScopedQuery(config, values, (err, result) => (err ? reject(err) : resolve(result)), next));
    });
  }) as typeof client.query;
  client.mashScopable = true;
}

const SCOPE_STATEMENT = 'mash_partnership_scope';

/**
 * TypeORM marks a runner released when its connection fails (PostgreSQL stopping), so a connection
 * lost between two of these statements surfaces as "query runner already released": that is the
 * database going away, and is reported as such (SERVICE_UNAVAILABLE, src/db/unavailable.ts).
 */
function lost(runner: QueryRunner, e: unknown): never {
  if (runner.isReleased && (e as Error | undefined)?.name === 'QueryRunnerAlreadyReleasedError') {
    throw new Error('Connection terminated between the statements of a transaction', { cause: e });
  }
  throw e;
}

export class NoPartnershipError extends Error {
  override name = 'NoPartnershipError';
}

/**
 * The partnership of the current scope, for commands and jobs that make request contexts of their
 * own (bulk import, the demo): refused when none is set, never a default.
 */
export function requirePartnership(): string {
  const scope = currentPartnershipScope();
  if (!scope) throw new NoPartnershipError('no partnership is set: run the command inside inPartnership (ADR 016)');
  return scope.partnership;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * A system job over every partnership (breach checks, read-volume and serving-role alerts): `work`
 * runs once per partnership, in it, as `system:<job>`; the results are concatenated. The
 * `partnership` table itself is not walled, so the list needs no scope.
 */
export async function forEachPartnership<T>(
  db: Queryable,
  job: string,
  work: (partnership: string) => Promise<T[]>,
): Promise<T[]> {
  const rows = (await db.query('SELECT id FROM partnership ORDER BY id')) as Array<{ id: string }>;
  const results: T[] = [];
  for (const { id } of rows) {
    const scope = { partnership: id, actor: `system:${job}`, requestId: `${job}-${crypto.randomUUID()}` };
    results.push(...(await inPartnership(scope, () => work(id))));
  }
  return results;
}
