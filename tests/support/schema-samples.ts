import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
} from 'graphql';

/** The printed schema (schema/schema.graphql), for tests generated over every field or argument. */
export const printedSchema = buildSchema(
  fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8'),
);

const SCALARS: Record<string, () => unknown> = {
  ID: () => crypto.randomUUID(),
  String: () => 'Fictional value for a generated request',
  Int: () => 1,
  Float: () => 1,
  Boolean: () => false,
  LocalDate: () => '2020-01-02',
  DateTimeISO: () => '2026-01-01T10:00:00.000Z',
};

/** A value GraphQL's type checks accept for `type`: required input fields only, first enum value. */
export function sampleInput(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sampleInput(type.ofType);
  if (isListType(type)) return [sampleInput(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields()))
      if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = sampleInput(f.type);
    return out;
  }
  const name = getNamedType(type).name;
  const make = SCALARS[name];
  if (!make) throw new Error(`no sample value for scalar ${name}: add one in tests/support/schema-samples.ts`);
  return make();
}
