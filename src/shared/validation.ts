import { z } from 'zod';
import { badInput } from './errors';

/** Text from clients: no NUL or other control characters (bar tab/newline), bounded length. */
export const safeText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), 'must not contain control characters');

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertUuid(field: string, value: string): void {
  if (!UUID_PATTERN.test(value)) throw badInput(field, 'is not a valid id');
}

/** Parses with zod and turns the first problem into BAD_USER_INPUT naming the field (never the value). */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, prefix = 'input'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].join('.');
  throw badInput(field, issue.message);
}

/** Whether a 'YYYY-MM-DD' date lies after today in London (dates of birth may not). */
export function isFutureDate(iso: string, now = new Date()): boolean {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
  return iso > today;
}

/**
 * A typed input field that replaces a deprecated one (ADR 021: a `LocalDate` beside a `String`
 * date): folds the new field into the old name so the rules and the idempotency hash see one
 * value; both given and different is BAD_USER_INPUT naming the new field.
 */
export function foldDeprecatedAlias<T extends object>(input: T, typed: string, deprecated: string, path: string): T {
  if (!input || typeof input !== 'object') return input;
  const record = input as Record<string, unknown>;
  if (record[typed] == null) {
    if (typed in record) {
      const { [typed]: _dropped, ...rest } = record;
      return rest as T;
    }
    return input;
  }
  if (record[deprecated] != null && record[deprecated] !== record[typed])
    throw badInput(`${path}.${typed}`, `give ${typed} or the deprecated ${deprecated}, not both`);
  const { [typed]: value, ...rest } = record;
  return { ...rest, [deprecated]: value } as T;
}
