import { badInput } from './errors';

/** Opaque keyset cursors: base64url of a JSON tuple. Callers validate the tuple's shape. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): unknown[] | null {
  if (cursor == null) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === arity) return parsed;
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
