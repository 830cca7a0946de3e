import { registerEnumType } from 'type-graphql';

/**
 * Builds a GraphQL enum from a const tuple so the vocabulary is written once. The enums themselves
 * live beside their vocabularies: `access-policy/enums.ts` (roles, agency kinds, purposes, redaction
 * reasons) and `people/people.enums.ts` (person kinds, sexes, ethnicities, …), so this ground-floor
 * helper imports nothing of the hub.
 */
export function graphqlEnum<T extends string>(values: readonly T[], name: string, description?: string): Record<T, T> {
  const obj = Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
  registerEnumType(obj, { name, description });
  return obj;
}
