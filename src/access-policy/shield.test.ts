import { buildSchema, execute, GraphQLError, parse, subscribe, type ExecutionResult } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { EXPECTED_ENTRY_POINTS } from '../../tests/support/entry-point-matrix';
import { allow, deny, ENTRY_POINT_RULES, entryPointShield } from './shield';
import type { Viewer } from './viewer';
import { ROLES, type Role } from './vocabulary';

/**
 * The entry-point rules on a schema of their own (no database): every role × every declared query,
 * mutation and subscription is allowed exactly when the matrix says so, anything undeclared is
 * denied, and object fields are left to the field guard.
 */

type Root = keyof typeof EXPECTED_ENTRY_POINTS;
const ROOTS: Root[] = ['Query', 'Mutation', 'Subscription'];

const fieldsOf = (root: Root) => Object.keys(EXPECTED_ENTRY_POINTS[root]);
async function* once() {
  yield true;
}
const bare = buildSchema(`
  type Thing { secret: String }
  type Query { ${[...fieldsOf('Query'), 'undeclared'].map((f) => `${f}: Boolean`).join(' ')} thing: Thing }
  type Mutation { ${[...fieldsOf('Mutation'), 'undeclaredChange'].map((f) => `${f}: Boolean`).join(' ')} }
  type Subscription { ${fieldsOf('Subscription')
    .map((f) => `${f}: Boolean`)
    .join(' ')} }
`);
for (const field of Object.values(bare.getSubscriptionType()!.getFields())) {
  field.subscribe = once;
  field.resolve = (v: unknown) => v;
}
const schema = applyMiddleware(bare, entryPointShield(ENTRY_POINT_RULES as never));
const rootValue = {
  ...Object.fromEntries(
    [...fieldsOf('Query'), ...fieldsOf('Mutation'), 'undeclared', 'undeclaredChange'].map((f) => [f, () => true]),
  ),
  thing: () => ({ secret: 'kept by the field guard, not by shield' }),
};

const viewerWith = (roles: Role[]): Viewer => ({ sub: 's', name: 'n', agency: 'a', agencyKind: 'SOCIAL_CARE', roles });

async function call(root: Root, field: string, roles: Role[]): Promise<ExecutionResult> {
  const document = parse(`${root.toLowerCase()} { ${field} }`);
  const contextValue = { viewer: viewerWith(roles) };
  if (root !== 'Subscription') return execute({ schema, document, rootValue, contextValue });
  const stream = await subscribe({ schema, document, contextValue });
  if (!(Symbol.asyncIterator in stream)) return stream;
  const first = await stream.next();
  await stream.return?.();
  return first.value as ExecutionResult;
}

const refusedByShield = (r: ExecutionResult) =>
  (r.errors ?? []).some((e) => e.message === 'You are not allowed to do this' && e.extensions.code === 'FORBIDDEN');

describe('entry-point rules: every role × every entry point, exactly as the matrix declares', () => {
  it.each(ROOTS)('every %s field with a rule is in the matrix, and every field of the matrix has a rule', (root) => {
    expect(Object.keys(ENTRY_POINT_RULES[root]).sort()).toEqual(fieldsOf(root).sort());
  });

  const cases = ROOTS.flatMap((root) =>
    fieldsOf(root).flatMap((field) => ROLES.map((role) => [root, field, role] as const)),
  );
  it.each(cases)('%s.%s called by %s', async (root, field, role) => {
    const allowed = EXPECTED_ENTRY_POINTS[root][field]!.includes(role);
    const r = await call(root, field, [role]);
    if (allowed) {
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ [field]: true });
    } else {
      expect(refusedByShield(r)).toBe(true);
      expect(r.data?.[field] ?? null).toBeNull();
    }
  });
});

describe('entry-point rules: deny by default', () => {
  it.each([
    ['Query', 'undeclared'],
    ['Mutation', 'undeclaredChange'],
  ] as const)('given a %s field no rule declares, then even a holder of every role is refused', async (root, field) => {
    expect(refusedByShield(await call(root, field, [...ROLES]))).toBe(true);
  });

  it('given a viewer with no roles, then even `me` is refused', async () => {
    expect(refusedByShield(await call('Query', 'me', []))).toBe(true);
  });

  it('given a token holding a role a rule names among others, then the rule allows it (any of the roles)', async () => {
    const r = await call('Mutation', 'authoriseDecision', ['PARTNER_REFERRER', 'MASH_MANAGER']);
    expect(r.errors).toBeUndefined();
  });

  it('given rules for an object type too, then only the root types are shielded: object fields are left to the field guard (ADR 001)', async () => {
    const withObjectRule = applyMiddleware(
      bare,
      entryPointShield({ Query: { thing: allow }, Thing: { secret: deny } } as never),
    );
    const r = await execute({
      schema: withObjectRule,
      document: parse('{ thing { secret } }'),
      rootValue,
      contextValue: { viewer: viewerWith([]) },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ thing: { secret: 'kept by the field guard, not by shield' } });
  });

  it('given an allowed call whose resolver raises a typed error, then the caller gets that error, not the entry-point refusal', async () => {
    const notFound = () => {
      throw new GraphQLError('Not found', { extensions: { code: 'NOT_FOUND' } });
    };
    const r = await execute({
      schema,
      document: parse('{ person }'),
      rootValue: { person: notFound },
      contextValue: { viewer: viewerWith(['MASH_SOCIAL_WORKER']) },
    });
    expect(r.errors?.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
  });

  it('given a schema with a query type only and rules for it only, then the rules apply to it', async () => {
    const queryOnly = applyMiddleware(
      buildSchema('type Query { me: Boolean undeclared: Boolean }'),
      entryPointShield({ Query: { me: ENTRY_POINT_RULES.Query.me } } as never),
    );
    const run = (q: string, roles: Role[]) =>
      execute({ schema: queryOnly, document: parse(q), rootValue, contextValue: { viewer: viewerWith(roles) } });
    expect((await run('{ me }', ['HUB_ADMIN'])).data).toEqual({ me: true });
    expect(refusedByShield(await run('{ undeclared }', ['HUB_ADMIN']))).toBe(true);
  });
});
