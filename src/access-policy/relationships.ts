import type { Viewer } from './viewer';
import { hasAnyRole } from './viewer';
import { MASH_ROLES, type RelationshipKind, type Role } from './vocabulary';

/**
 * Legitimate relationships between a viewer and a person, as SQL. Row scoping everywhere is built
 * from this one list, so a person outside every relationship is simply absent from the result:
 * "not found", never "forbidden". Later capabilities add their sources here.
 */

/** Collects positional parameters while SQL is assembled. */
export class Params {
  readonly values: unknown[] = [];
  constructor(initial: unknown[] = []) {
    this.values.push(...initial);
  }
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

interface RelationshipSource {
  kind: RelationshipKind;
  roles: readonly Role[];
  /** An SQL boolean that is true when the viewer has this relationship with the person. */
  exists(personId: string, viewer: Viewer, p: Params): string;
}

const CASE_ROLES: readonly Role[] = [...MASH_ROLES, 'PARTNER_REFERRER'];

export const RELATIONSHIP_SOURCES: RelationshipSource[] = [
  {
    kind: 'OWN_AGENCY_RECORD',
    roles: CASE_ROLES,
    exists: (personId, viewer, p) => {
      const agency = p.add(viewer.agency);
      return `(EXISTS (SELECT 1 FROM agency_record ar WHERE ar.person_id = ${personId} AND ar.owning_agency = ${agency})
        OR EXISTS (SELECT 1 FROM person_source ps WHERE ps.person_id = ${personId} AND ps.agency_code = ${agency}))`;
    },
  },
];

/**
 * A `text[]` SQL expression: the kinds of relationship the viewer has with the person whose id is
 * the SQL expression `personId`. Empty when there is none.
 */
export function relationshipKindsSql(viewer: Viewer, personId: string, p: Params): string {
  const parts = RELATIONSHIP_SOURCES.filter((s) => hasAnyRole(viewer, s.roles)).map(
    (s) => `CASE WHEN ${s.exists(personId, viewer, p)} THEN '${s.kind}' END`,
  );
  if (parts.length === 0) return `ARRAY[]::text[]`;
  return `array_remove(ARRAY[${parts.join(', ')}]::text[], NULL)`;
}
