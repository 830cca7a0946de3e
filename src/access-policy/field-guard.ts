import {
  defaultFieldResolver,
  isObjectType,
  responsePathAsArray,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { GUARD, type GuardInfo, type RequestAccess } from './request-access';
import { SENSITIVITY_CLASSES, type SensitivityClass } from './vocabulary';

/**
 * Field-level release, decided once per object and class per request and applied synchronously
 * (see docs/adr/001-field-permissions.md for why not one graphql-shield promise per field).
 *
 * Every field of every non-root object type must declare either a sensitivity class
 * (`@Extensions({ sensitivity })`) or sit on a type declared `@Extensions({ access: 'NON_PERSONAL' })`.
 * A field with neither makes the schema build fail: deny by default, at start-up.
 */

export const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

export interface AccessDeclaration {
  coordinate: string;
  kind: 'sensitivity' | 'non-personal';
  sensitivity?: SensitivityClass;
}

export function fieldAccessDeclarations(schema: GraphQLSchema): AccessDeclaration[] {
  const out: AccessDeclaration[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || ROOT_TYPES.has(type.name)) continue;
    const typeNonPersonal = (type.extensions as { access?: string }).access === 'NON_PERSONAL';
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const sensitivity = (field.extensions as { sensitivity?: SensitivityClass }).sensitivity;
      if (sensitivity !== undefined) {
        if (!SENSITIVITY_CLASSES.includes(sensitivity))
          throw new Error(`${coordinate}: unknown sensitivity ${sensitivity}`);
        out.push({ coordinate, kind: 'sensitivity', sensitivity });
      } else if (typeNonPersonal) {
        out.push({ coordinate, kind: 'non-personal' });
      } else {
        throw new Error(`${coordinate} declares no sensitivity class and its type is not NON_PERSONAL`);
      }
    }
  }
  return out;
}

interface GuardedContext {
  access: RequestAccess;
}

export function installFieldGuards(schema: GraphQLSchema): GraphQLSchema {
  const declarations = new Map(fieldAccessDeclarations(schema).map((d) => [d.coordinate, d]));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || ROOT_TYPES.has(type.name)) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const decl = declarations.get(coordinate)!;
      if (decl.kind !== 'sensitivity') continue;
      const cls = decl.sensitivity!;
      const inner: GraphQLFieldResolver<unknown, GuardedContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx, info) => {
        const guard = (source as { [GUARD]?: GuardInfo } | null)?.[GUARD];
        // A guarded type reached without a guard is a programming error: fail closed.
        if (guard === undefined) throw new Error(`${coordinate} resolved on an unguarded object`);
        const decision = ctx.access.decide(guard, cls);
        if (!decision.release) {
          ctx.access.redacted(guard, coordinate, responsePathAsArray(info.path).join('.'), decision.reason);
          return null;
        }
        ctx.access.released(guard, coordinate, cls);
        return inner(source, args, ctx, info);
      };
    }
  }
  return schema;
}
