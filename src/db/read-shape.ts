import { getMetadataArgsStorage } from 'typeorm';

/**
 * A table described once (issue 18, ADR 031). The TypeORM entity is the description: its columns,
 * their database names and their TypeScript types. A read shape is a chosen set of the entity's
 * properties, from which follow both the SQL select list (each column read under its property name,
 * so PostgreSQL's row *is* the view, with no hand-written mapper) and the view's type
 * (`Pick<Entity, …>`). Adding a column then touches the migration, the entity and the GraphQL type;
 * the drift test ("entities and migrations agree", tests/schema.test.ts) keeps the entity and the migrations in agreement.
 *
 * What does not come from the table (relationship kinds, computed bands) stays beside the shape in
 * the repository, in SQL, where the access policy's sources are composed.
 */

/** The view a shape reads: the entity's chosen properties, with their declared types. */
export type ShapeOf<S> = S extends ReadShape<infer E, infer K> ? Pick<E, K> : never;

export interface ReadShape<E, K extends keyof E & string> {
  /** The select list, `alias.column AS "property"`, comma-separated, in the order given. */
  readonly select: string;
  /** The properties read, in order. */
  readonly properties: readonly K[];
  /** The shape's properties taken from a row (nothing else of the row), each present: a missing one is a programming error, thrown. */
  view(row: Record<string, unknown>): Pick<E, K>;
  /**
   * The view of a row another statement returned as JSON (`json_agg`, `row_to_json`): the same as
   * `view`, with each timestamp column, a string in JSON, made the `Date` node-postgres would give.
   */
  viewOfJson(row: Record<string, unknown>): Pick<E, K>;
  /**
   * A shape of some of these properties, under the same alias, in the order given: a page that reads
   * only the columns its query selects (issue 21). Throws for a property this shape does not read.
   * Its type is the subset's; a subset chosen at run time (typed as the whole shape's properties)
   * gives a view holding only what was chosen, which its reader must read alone.
   */
  pick<P extends K>(properties: readonly P[]): ReadShape<E, P>;
}

/**
 * A read shape of `entity` under the SQL `alias`. Throws at module load for a property that is not a
 * column of the entity (a misspelt or removed column fails every test that imports the repository).
 * A `date` column is read as `text` (`YYYY-MM-DD`): a calendar date has no time zone to convert.
 */
export function readShape<E, K extends keyof E & string>(
  entity: abstract new (...args: never[]) => E,
  alias: string,
  properties: readonly K[],
): ReadShape<E, K> {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`readShape: bad SQL alias ${JSON.stringify(alias)}`);
  const columns = getMetadataArgsStorage().columns.filter((c) => c.target === entity);
  if (columns.length === 0) throw new Error(`readShape: ${entity.name} is not a TypeORM entity`);
  const items = new Map<K, string>();
  const timestamps = new Set<string>();
  for (const property of properties) {
    const column = columns.find((c) => c.propertyName === property);
    if (!column) throw new Error(`readShape: ${entity.name}.${property} is not a column`);
    const name = column.options.name ?? column.propertyName;
    const cast = column.options.type === 'date' ? '::text' : '';
    items.set(property, `${alias}.${name}${cast} AS "${property}"`);
    if (TIMESTAMP_TYPES.has(String(column.options.type))) timestamps.add(property);
  }
  return shapeOf(entity.name, items, properties, timestamps);
}

const TIMESTAMP_TYPES = new Set([
  'timestamptz',
  'timestamp',
  'timestamp with time zone',
  'timestamp without time zone',
]);

/** The shape reading `properties`, each by its select item (already checked to be a column). */
function shapeOf<E, K extends keyof E & string>(
  entityName: string,
  items: ReadonlyMap<string, string>,
  properties: readonly K[],
  timestamps: ReadonlySet<string>,
): ReadShape<E, K> {
  // An empty select list would be malformed SQL (`SELECT , …`), found only when the statement runs.
  if (properties.length === 0) throw new Error(`readShape: a shape of ${entityName} reads no property`);
  return {
    select: properties.map((property) => items.get(property)!).join(', '),
    properties,
    view(row) {
      const view: Record<string, unknown> = {};
      for (const property of properties) {
        if (!(property in row)) throw new Error(`readShape: the row has no ${entityName}.${property}`);
        view[property] = row[property];
      }
      return view as Pick<E, K>;
    },
    viewOfJson(row) {
      const view = this.view(row) as Record<string, unknown>;
      for (const property of properties) {
        const value = view[property];
        if (timestamps.has(property) && typeof value === 'string') view[property] = new Date(value);
      }
      return view as Pick<E, K>;
    },
    pick<P extends K>(subset: readonly P[]): ReadShape<E, P> {
      for (const property of subset)
        if (!properties.includes(property)) throw new Error(`readShape: ${entityName}.${property} is not in the shape`);
      return shapeOf<E, P>(entityName, items, subset, timestamps);
    },
  };
}
