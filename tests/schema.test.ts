import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { isObjectType } from 'graphql';
import { fieldAccessDeclarations, ROOT_TYPES } from '../src/access-policy/field-guard';
import { ENTRY_POINT_RULES } from '../src/access-policy/shield';
import { buildBareSchema, printSortedSchema } from '../src/app/schema';
import { startTestHub, type TestHub } from './support/test-hub';

describe('the schema is a reviewed artifact', () => {
  it('given the code, when the schema is printed, then it equals schema/schema.graphql (run `npm run schema:print`)', () => {
    const checkedIn = fs.readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printSortedSchema()).toBe(checkedIn);
  });
});

describe('deny by default, proven over every schema coordinate', () => {
  const schema = buildBareSchema();

  it('given every root field, then each has an explicit entry-point rule (no reliance on the fallback)', () => {
    const missing: string[] = [];
    for (const root of ROOT_TYPES) {
      const type = schema.getType(root);
      if (!type || !isObjectType(type)) continue;
      const rules = (ENTRY_POINT_RULES as Record<string, Record<string, unknown>>)[root] ?? {};
      for (const f of Object.keys(type.getFields())) if (!rules[f]) missing.push(`${root}.${f}`);
    }
    expect(missing).toEqual([]);
  });

  it('given every field of every object type, then each has a sensitivity class or sits on a NON_PERSONAL type', () => {
    // fieldAccessDeclarations throws on the first undeclared field; it also lists what it found.
    const declarations = fieldAccessDeclarations(schema);
    const objectFields = Object.values(schema.getTypeMap())
      .filter((t) => isObjectType(t) && !t.name.startsWith('__') && !ROOT_TYPES.has(t.name))
      .flatMap((t) => Object.keys((t as never as { getFields(): object }).getFields()).map((f) => `${t.name}.${f}`));
    expect(declarations.map((d) => d.coordinate).sort()).toEqual(objectFields.sort());
  });

  it('given every field with a sensitivity class, then it is nullable so a redaction never nulls its parent', () => {
    const nonNull = fieldAccessDeclarations(schema)
      .filter((d) => d.kind === 'sensitivity')
      .filter((d) => {
        const [t, f] = d.coordinate.split('.');
        const type = schema.getType(t!);
        return isObjectType(type) && type.getFields()[f!]!.type.toString().endsWith('!');
      });
    expect(nonNull).toEqual([]);
  });

  it('given the rule tree, then no root rule names a field that does not exist', () => {
    for (const [root, rules] of Object.entries(ENTRY_POINT_RULES)) {
      const type = schema.getType(root);
      expect(isObjectType(type)).toBe(true);
      for (const f of Object.keys(rules)) expect(isObjectType(type) && type.getFields()[f]).toBeTruthy();
    }
  });
});

describe('entities and migrations agree', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it('given a migrated database, when TypeORM compares it with the entities, then nothing is pending', async () => {
    const sql = await hub.db.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });
});
