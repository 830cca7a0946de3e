import crypto from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { QueryRunner } from 'typeorm';

/**
 * Which partnership the database work of the current request (or job) acts in (ADR 016).
 *
 * Every transaction the hub opens while a scope is current starts, right after BEGIN, with
 * `SELECT set_config('mash.partnership', $1, true), set_config('mash.actor', …), set_config('mash.request_id', …)`:
 * transaction-local, so a pooled connection (or a transaction-mode pooler) never carries one
 * request's partnership into the next. A statement run outside a transaction while a scope is
 * current is wrapped in one (BEGIN, the settings, the statement, COMMIT). Without a scope nothing is
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
  }) as Query;
  return runner;
}

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
