import {
  defaultFieldResolver,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLFieldResolver,
  type GraphQLInputField,
  type GraphQLSchema,
} from 'graphql';
import { forbidden } from '../shared/errors';
import { GUARD, type Guarded, type RequestAccess } from './request-access';
import { relationshipsOfEveryRow, type ScopedList } from './relationships';
import { PURPOSES, SENSITIVITY_CLASSES, type Purpose, type SensitivityClass } from './vocabulary';

/**
 * Filters, sorts, searches and counts are oracles: a filter on a field the viewer may not read
 * answers "does any row have this value?" (Keystone CVE-2025-46720). So every input field that
 * filters declares the sensitivity class of the fields it compares with, next to the field
 * (`@Filters(cls, on)`, decorators.ts), and ONE guard, installed on every Query root field, refuses
 * a request that uses a filter whose class the viewer may not read (`AccessPolicy.mayFilterOn`) —
 * before any SQL runs. A partnership policy that narrows a class therefore narrows every filter on it.
 * SEALED fields are never usable, not even by their owner.
 */

export interface FilterDeclaration {
  /** The class of the fields the filter compares with. */
  cls: SensitivityClass;
  /** The schema coordinates it compares with (documentation for reviewers and the oracle test). */
  on: string;
  /** The list whose row scope it narrows: a relationship that scope gives every row may allow it. */
  rows?: ScopedList;
}

export interface DeclaredFilter extends FilterDeclaration {
  /** `Query.referrals.filter.rag`: root type, root field, argument, input fields. */
  coordinate: string;
  /** The path of the value inside the root field's arguments: `['filter', 'rag']`. */
  path: readonly string[];
}

const FILTER_ROOTS = ['Query'] as const;

function declarationOf(field: GraphQLArgument | GraphQLInputField, coordinate: string): FilterDeclaration | undefined {
  const d = (field.extensions as { filters?: FilterDeclaration }).filters;
  if (d === undefined) return undefined;
  if (!SENSITIVITY_CLASSES.includes(d.cls)) throw new Error(`${coordinate}: unknown filter class ${String(d.cls)}`);
  return d;
}

/**
 * Every declared filter under the arguments of the Query root fields. A declaration on an input
 * field whose type is itself an input object covers everything beneath it.
 */
export function declaredFilters(schema: GraphQLSchema): DeclaredFilter[] {
  const out: DeclaredFilter[] = [];
  const walk = (
    coordinate: string,
    path: string[],
    field: GraphQLArgument | GraphQLInputField,
    seen: ReadonlySet<string>,
  ) => {
    const d = declarationOf(field, coordinate);
    if (d) {
      out.push({ ...d, coordinate, path });
      return;
    }
    const type = getNamedType(field.type);
    if (!isInputObjectType(type) || seen.has(type.name)) return;
    for (const f of Object.values(type.getFields()))
      walk(`${coordinate}.${f.name}`, [...path, f.name], f, new Set([...seen, type.name]));
  };
  for (const rootName of FILTER_ROOTS) {
    const root = rootName === 'Query' ? schema.getQueryType() : null;
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      for (const a of field.args) walk(`${rootName}.${field.name}.${a.name}`, [a.name], a, new Set());
    }
  }
  return out;
}

/** A filter's class is the class of the fields it compares with: a disagreement stops the schema build. */
function assertDeclarationMatchesFields(schema: GraphQLSchema, d: DeclaredFilter): void {
  for (const coordinate of d.on.split(',').map((c) => c.trim())) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const type = schema.getType(typeName);
    const field = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`${d.coordinate} filters on ${coordinate}, which is not a field of the schema`);
    const cls = (field.extensions as { sensitivity?: SensitivityClass }).sensitivity;
    if (cls !== d.cls)
      throw new Error(`${d.coordinate} is declared ${d.cls} but filters on ${coordinate}, which is ${String(cls)}`);
  }
}

/** Whether a filter value is given: absent, null and empty lists filter nothing. */
function used(value: unknown, path: readonly string[]): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => used(v, path));
  if (path.length === 0) return true;
  if (typeof value !== 'object') return false;
  return used((value as Record<string, unknown>)[path[0]!], path.slice(1));
}

interface FilterGuardContext {
  access: RequestAccess;
}

/**
 * Wraps each Query root field that has declared filters: a used filter whose class the viewer may
 * not read, under the purpose the request declares, is FORBIDDEN naming the argument — with the
 * known value and with any other alike.
 */
export function installFilterGuards(schema: GraphQLSchema): GraphQLSchema {
  const byField = new Map<string, DeclaredFilter[]>();
  for (const d of declaredFilters(schema)) {
    assertDeclarationMatchesFields(schema, d);
    const fieldName = d.coordinate.split('.')[1]!;
    byField.set(fieldName, [...(byField.get(fieldName) ?? []), d]);
  }
  for (const [fieldName, filters] of byField) {
    const field = schema.getQueryType()!.getFields()[fieldName]!;
    const inner: GraphQLFieldResolver<unknown, FilterGuardContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args: Record<string, unknown>, ctx, info) => {
      const purpose = PURPOSES.includes(args.purpose as Purpose) ? (args.purpose as Purpose) : null;
      for (const f of filters) {
        const everyRowHas = f.rows ? relationshipsOfEveryRow(f.rows, ctx.access.viewer) : undefined;
        if (used(args, f.path) && !ctx.access.mayFilterOn(f.cls, purpose, everyRowHas)) {
          throw refusedFilter(f.path.join('.'));
        }
      }
      return inner(source, args, ctx, info);
    };
  }
  return schema;
}

/**
 * Orders are oracles too: a row placed by a value the viewer may not read sits between rows whose
 * values they can, which bounds the hidden one. `rows` come in their list order (by a key of class
 * `cls`); rows whose `cls` the viewer may not read are taken out of it and put after the others,
 * ordered by `neutral` (values they may read, and random ids). Decided on each row's own guard, so
 * the same decision as the field guard's.
 */
export function orderWithoutOracle<T extends object>(
  access: RequestAccess,
  rows: Guarded<T>[],
  cls: SensitivityClass,
  neutral: (a: T, b: T) => number,
): Guarded<T>[] {
  const readable: Guarded<T>[] = [];
  const hidden: Guarded<T>[] = [];
  for (const row of rows) (access.decide(row[GUARD], cls).release ? readable : hidden).push(row);
  return hidden.length === 0 ? rows : [...readable, ...hidden.sort(neutral)];
}

/**
 * Whether a list may be ordered by a key of class `cls` for this request: a sort is a filter (the
 * position of a row, and a keyset cursor, disclose its key), so the same decision. A list that may
 * not be ordered by its key is ordered by id (random) instead, and its cursors carry UNORDERED_KEY.
 */
export function mayOrderBy(access: RequestAccess, cls: SensitivityClass): boolean {
  return access.mayFilterOn(cls, access.purpose);
}

/** A count over a list is an oracle on what it counts: refused, like a filter, when the class may not be filtered. */
export function assertMayCount(access: RequestAccess, cls: SensitivityClass, field: string): void {
  if (!mayOrderBy(access, cls)) throw refusedFilter(field);
}

function refusedFilter(name: string) {
  return forbidden(`${name}: you may not filter, sort, search or count on a field you may not read`, { field: name });
}

/** The key a cursor carries in place of a sort key the viewer may not read. */
export const UNORDERED_KEY = '1970-01-01T00:00:00.000Z';
