import { forbidden } from '../shared/errors';
import type { Subject } from './policy';
import { GUARD, type Guarded, type RequestAccess } from './request-access';
import type { RelationshipKind, SensitivityClass } from './vocabulary';

/**
 * Filters, sorts, searches and counts are oracles: a filter on a field the viewer may not read
 * answers "does any row have this value?" (Keystone CVE-2025-46720). So a query may use a field
 * only when the viewer could read that field's class on the rows it ranges over — decided before
 * the SQL runs — and SEALED fields are never usable, not even by their owner (product.md C2).
 *
 * `subject` describes the rows the filter ranges over: their owner (null for shared objects such as
 * a person's identity) and the relationships that put them in the viewer's scope.
 *
 * Current uses: `searchPeople` filters on IDENTITY fields (identifiers, names, date of birth) over
 * people the viewer may reach, which every case role may read — allowed; the check still runs so a
 * partnership policy that narrows IDENTITY also closes the search.
 */
export function assertMayFilterOn(access: RequestAccess, subject: Subject, cls: SensitivityClass, fieldName: string): void {
  if (cls === 'SEALED' || !access.mayRead(subject, cls)) {
    throw forbidden(`${fieldName}: you may not filter, sort, search or count on a field you may not read`, { field: fieldName });
  }
}

/** The subject of a search over people: shared identity, reached through any relationship. */
export const PEOPLE_SEARCH_SUBJECT: Subject = Object.freeze({ owner: null, relationships: new Set<RelationshipKind>() });

/**
 * Orders are oracles too: a row placed by a value the viewer may not read sits between rows whose
 * values they can, which bounds the hidden one. `rows` come in their list order (by a key of class
 * `cls`); rows whose `cls` the viewer may not read are taken out of it and put after the others,
 * ordered by `neutral` (values they may read, and random ids). Decided on each row's own guard, so
 * the same decision as the field guard's.
 */
export function orderWithoutOracle<T extends object>(access: RequestAccess, rows: Guarded<T>[], cls: SensitivityClass, neutral: (a: T, b: T) => number): Guarded<T>[] {
  if (!access.enforcing) return rows;
  const readable: Guarded<T>[] = [];
  const hidden: Guarded<T>[] = [];
  for (const row of rows) (access.decide(row[GUARD], cls).release ? readable : hidden).push(row);
  return hidden.length === 0 ? rows : [...readable, ...hidden.sort(neutral)];
}
