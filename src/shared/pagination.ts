import { badInput } from './errors';
import { UUID_PATTERN } from './validation';

/** Opaque keyset cursors: base64url of a JSON tuple. Callers validate the tuple's shape. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number | readonly number[]): unknown[] | null {
  if (cursor == null) return null;
  const arities: readonly number[] = typeof arity === 'number' ? [arity] : arity;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && arities.includes(parsed.length)) return parsed;
  } catch {
    // fall through to the error below
  }
  throw badInput('after', 'is not a valid cursor');
}

/** Page sizes are rejected, not clamped, so a client never silently receives less than it asked for. */
export function checkPageSize(first: number | null | undefined, max: number, dflt = 20): number {
  const n = first ?? dflt;
  if (!Number.isInteger(n) || n < 1) throw badInput('first', 'must be a positive whole number');
  if (n > max) throw badInput('first', `must be at most ${max}`);
  return n;
}

/**
 * A connection's `first`: as `checkPageSize`, but 0 is allowed and answers an empty page (Relay:
 * `hasNextPage` still tells whether rows exist, callers fetch `first + 1` rows as for any page).
 */
export function checkConnectionFirst(first: number | null | undefined, max: number, dflt = 20): number {
  const n = first ?? dflt;
  if (!Number.isInteger(n) || n < 0) throw badInput('first', 'must be zero or a positive whole number');
  if (n > max) throw badInput('first', `must be at most ${max}`);
  return n;
}

/**
 * A keyset page of row keys under a row scope (see `referralScopeSql`): `SELECT <keys> FROM <from>
 * WHERE <scope predicate> AND <where> ORDER BY <keys> LIMIT <limit>`, once per scope predicate,
 * merged (UNION removes a row reached through two relationships) and cut to the page again. `scope`
 * null: every row; empty: none. The key columns come out under their own names (`r.id` as `id`),
 * for the caller to join the page back to its table and compute the rest for those rows only.
 */
export function scopedKeysetSql(opts: {
  from: string;
  keys: readonly string[];
  scope: readonly string[] | null;
  where: readonly string[];
  limit: string;
}): string {
  const { from, keys, scope, where, limit } = opts;
  const order = keys.join(', ');
  const branch = (predicate: string | null) => {
    const conditions = [...(predicate ? [predicate] : []), ...where];
    return `SELECT ${order} FROM ${from}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${limit}`;
  };
  if (scope === null) return branch(null);
  if (scope.length === 0) return branch('FALSE');
  if (scope.length === 1) return branch(scope[0]!);
  const bare = keys.map((k) => k.replace(/^.*\./, ''));
  return `SELECT ${bare.join(', ')} FROM (${scope.map((s) => `(${branch(s)})`).join(' UNION ')}) scoped ORDER BY ${bare.join(', ')} LIMIT ${limit}`;
}

/**
 * The cursor of a list ordered by (time, id): `[ISO time, uuid]`, or null for the first page. Anything
 * else is BAD_USER_INPUT naming `after` (a cursor is opaque to clients but decodable, so it is checked).
 */
export function timeKeysetCursor(after: string | null | undefined): [string, string] | null {
  const cursor = decodeCursor(after, 2);
  if (!cursor) return null;
  if (typeof cursor[0] !== 'string' || Number.isNaN(Date.parse(cursor[0])) || typeof cursor[1] !== 'string')
    throw badInput('after', 'is not a valid cursor');
  if (!UUID_PATTERN.test(cursor[1])) throw badInput('after', 'is not a valid id');
  return cursor as [string, string];
}
