/**
 * "As at" helpers for the measures (issue 20 "Snapshots", ADR 025): a past period's report uses what
 * was recorded then, never today's values.
 */

export const EQUALITY_COLUMNS = ['sex', 'ethnicity', 'first_language', 'religion', 'disability'] as const;
export type EqualityColumn = (typeof EQUALITY_COLUMNS)[number];

/**
 * SQL for a person's equality value as at the instant `asAt` (an SQL expression): the value the first
 * change after `asAt` replaced (person_equality_history, kept by a trigger), else the current value.
 */
export function equalityAsAt(person: string, column: EqualityColumn, asAt: string): string {
  return `coalesce((SELECT h.${column} FROM person_equality_history h WHERE h.person_id = ${person}.id AND h.valid_until > ${asAt}
                     ORDER BY h.valid_until, h.id LIMIT 1), ${person}.${column})`;
}
