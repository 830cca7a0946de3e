import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** The fields selected on a connection's nodes, and which of them only under `@include`/`@skip`. */
export interface NodeSelection {
  fields: ReadonlySet<string>;
  /** Selected only under a directive somewhere on the way (they may not be resolved at all). */
  conditional: ReadonlySet<string>;
}

/**
 * The field names (not aliases) the query selects on the nodes of a connection field: under
 * `edges { node { … } }` and `nodes { … }`, through fragments and inline fragments. A field under
 * `@include`/`@skip` counts in `fields` (reading a column too many is safe) and is also listed in
 * `conditional`. A repository uses it to read only what a page needs (ADR 020); null without `info`.
 */
export function connectionNodeFields(info: GraphQLResolveInfo | undefined): NodeSelection | null {
  if (!info) return null;
  const fields = new Set<string>();
  const conditional = new Set<string>();
  for (const field of info.fieldNodes) {
    for (const top of fieldsOf(field.selectionSet, info, hasDirectives(field))) {
      if (top.field.name.value === 'nodes') collect(top.field.selectionSet, info, top.conditional, fields, conditional);
      if (top.field.name.value === 'edges') {
        for (const edge of fieldsOf(top.field.selectionSet, info, top.conditional)) {
          if (edge.field.name.value === 'node')
            collect(edge.field.selectionSet, info, edge.conditional, fields, conditional);
        }
      }
    }
  }
  return { fields, conditional };
}

/**
 * The field names (not aliases) the query selects directly on the object this field returns, through
 * fragments and inline fragments, whether or not under a directive (reading ahead too much is safe).
 * Null without `info`.
 */
export function selectedFields(info: GraphQLResolveInfo | undefined): ReadonlySet<string> | null {
  if (!info) return null;
  const fields = new Set<string>();
  for (const field of info.fieldNodes) collect(field.selectionSet, info, false, fields, new Set());
  return fields;
}

function collect(
  set: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  underDirective: boolean,
  fields: Set<string>,
  conditional: Set<string>,
): void {
  for (const f of fieldsOf(set, info, underDirective)) {
    fields.add(f.field.name.value);
    if (f.conditional) conditional.add(f.field.name.value);
  }
}

const hasDirectives = (node: { directives?: readonly unknown[] }) => (node.directives?.length ?? 0) > 0;

/** The fields of a selection set with its fragments spread in, each with whether a directive is on its way. */
function fieldsOf(
  set: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  underDirective: boolean,
  ancestors: ReadonlySet<string> = new Set(),
): Array<{ field: FieldNode; conditional: boolean }> {
  if (!set) return [];
  const out: Array<{ field: FieldNode; conditional: boolean }> = [];
  for (const s of set.selections) {
    const conditional = underDirective || hasDirectives(s);
    if (s.kind === Kind.FIELD) out.push({ field: s, conditional });
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet, info, conditional, ancestors));
    else if (s.kind === Kind.FRAGMENT_SPREAD && !ancestors.has(s.name.value)) {
      // A fragment spread in several places counts in each; `ancestors` only stops a cycle (which validation refuses anyway).
      const fragment = info.fragments[s.name.value];
      if (fragment)
        out.push(
          ...fieldsOf(
            fragment.selectionSet,
            info,
            conditional || hasDirectives(fragment),
            new Set([...ancestors, s.name.value]),
          ),
        );
    }
  }
  return out;
}
