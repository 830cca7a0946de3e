import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The field names (not aliases) the query selects on the nodes of a connection field: under
 * `edges { node { … } }` and `nodes { … }`, through fragments and inline fragments, whatever their
 * directives (a field under `@include(if: false)` still counts: a superset is safe). A repository
 * uses it to read only the columns a page needs (ADR 020); `null` when there is no `info`.
 */
export function connectionNodeFields(info: GraphQLResolveInfo | undefined): ReadonlySet<string> | null {
  if (!info) return null;
  const names = new Set<string>();
  for (const field of info.fieldNodes) {
    for (const top of fieldsOf(field.selectionSet, info)) {
      if (top.name.value === 'nodes') collect(top.selectionSet, info, names);
      if (top.name.value === 'edges') {
        for (const edgeField of fieldsOf(top.selectionSet, info)) if (edgeField.name.value === 'node') collect(edgeField.selectionSet, info, names);
      }
    }
  }
  return names;
}

function collect(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, into: Set<string>): void {
  for (const f of fieldsOf(set, info)) into.add(f.name.value);
}

/** The fields of a selection set with its fragments spread in. */
function fieldsOf(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, seen = new Set<string>()): FieldNode[] {
  if (!set) return [];
  const out: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet, info, seen));
    else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
      seen.add(s.name.value);
      out.push(...fieldsOf(info.fragments[s.name.value]?.selectionSet, info, seen));
    }
  }
  return out;
}
