import {
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLResolveInfo,
} from 'graphql';
import { declaredFilters, installFilterGuards, mayOrderBy, orderWithoutOracle, UNORDERED_KEY } from './filter-policy';
import { AccessPolicy, DEFAULT_POLICY, type AccessPolicyData, type PolicyRule, type Subject } from './policy';
import { RequestAccess, type Guarded } from './request-access';
import type { Viewer } from './viewer';
import { ROLES, type SensitivityClass } from './vocabulary';

/**
 * Filters, sorts and orders are oracles (filter-policy.ts): on a schema of its own, which filters
 * are found, how a declaration that disagrees with its fields stops the build, and that a used
 * filter on a class the viewer may not read is refused before the resolver runs.
 */

const police: Viewer = {
  sub: 'pc',
  name: 'PC',
  agency: 'police',
  agencyKind: 'POLICE',
  roles: ['POLICE_MASH_OFFICER'],
};
const ig: Viewer = { sub: 'ig', name: 'IG', agency: 'social-care', agencyKind: 'SOCIAL_CARE', roles: ['IG_AUDITOR'] };
const shipped = new AccessPolicy(DEFAULT_POLICY);
const NO_PURPOSES = Object.fromEntries(ROLES.map((r) => [r, []])) as unknown as AccessPolicyData['purposesByRole'];
const policyOf = (...rules: PolicyRule[]) => new AccessPolicy({ purposesByRole: NO_PURPOSES, rules });

const filters = (cls: string, on: string) => ({ extensions: { filters: { cls, on } } });
const sensitive = (cls: SensitivityClass) => ({ type: GraphQLString, extensions: { sensitivity: cls } });

const Named = new GraphQLInterfaceType({ name: 'Named', fields: { familyName: sensitive('IDENTITY') } });
const Person = new GraphQLObjectType({
  name: 'Person',
  interfaces: [Named],
  fields: {
    familyName: sensitive('IDENTITY'),
    givenName: sensitive('IDENTITY'),
    rag: sensitive('SHARED_SUMMARY'),
    note: { type: GraphQLString },
  },
});

/** A schema whose Query.people takes the given arguments; `Query.other` has none. */
function schemaWith(args: () => GraphQLFieldConfigArgumentMap) {
  return new GraphQLSchema({
    types: [Named],
    query: new GraphQLObjectType({
      name: 'Query',
      fields: () => ({
        people: { type: new GraphQLList(Person), args: args(), resolve: (_s, a) => [{ args: a }] },
        other: { type: GraphQLString, args: { q: { type: GraphQLString } }, resolve: () => 'other' },
      }),
    }),
  });
}

function inputOf(name: string, fields: () => GraphQLInputFieldConfigMap) {
  return new GraphQLInputObjectType({ name, fields });
}

const Tree: GraphQLInputObjectType = inputOf('Tree', () => ({
  familyName: { type: GraphQLString, ...filters('IDENTITY', 'Person.familyName') },
  or: { type: new GraphQLList(Tree) },
}));
const PeopleFilter = inputOf('PeopleFilter', () => ({
  familyName: { type: GraphQLString, ...filters('IDENTITY', 'Named.familyName') },
  names: { type: GraphQLString, ...filters('IDENTITY', 'Person.familyName, Person.givenName') },
  rag: { type: new GraphQLList(GraphQLString), ...filters('SHARED_SUMMARY', 'Person.rag') },
  tree: { type: Tree },
  label: { type: GraphQLString },
}));
const peopleArgs = () => ({
  filter: { type: PeopleFilter },
  purpose: { type: GraphQLString },
  sortByName: { type: GraphQLString, ...filters('IDENTITY', 'Person.familyName') },
});

describe('declaredFilters: every declared filter under the Query arguments, with its path', () => {
  it('given declarations on arguments and nested input fields, including a recursive input, then each is found once, with its coordinate and path', () => {
    expect(declaredFilters(schemaWith(peopleArgs))).toEqual([
      {
        coordinate: 'Query.people.filter.familyName',
        path: ['filter', 'familyName'],
        cls: 'IDENTITY',
        on: 'Named.familyName',
      },
      {
        coordinate: 'Query.people.filter.names',
        path: ['filter', 'names'],
        cls: 'IDENTITY',
        on: 'Person.familyName, Person.givenName',
      },
      { coordinate: 'Query.people.filter.rag', path: ['filter', 'rag'], cls: 'SHARED_SUMMARY', on: 'Person.rag' },
      {
        coordinate: 'Query.people.filter.tree.familyName',
        path: ['filter', 'tree', 'familyName'],
        cls: 'IDENTITY',
        on: 'Person.familyName',
      },
      { coordinate: 'Query.people.sortByName', path: ['sortByName'], cls: 'IDENTITY', on: 'Person.familyName' },
    ]);
  });

  it('given a declaration on an input-object field, then it covers everything beneath it (nothing inside is listed apart)', () => {
    const s = schemaWith(() => ({ where: { type: Tree, ...filters('IDENTITY', 'Person.familyName') } }));
    expect(declaredFilters(s).map((d) => d.coordinate)).toEqual(['Query.people.where']);
  });

  it('given a schema without a query type, then there is nothing to guard', () => {
    expect(declaredFilters(new GraphQLSchema({ types: [PeopleFilter] }))).toEqual([]);
  });

  it('given an unknown class, then it fails naming the coordinate', () => {
    const s = schemaWith(() => ({ q: { type: GraphQLString, ...filters('SECRET', 'Person.familyName') } }));
    expect(() => declaredFilters(s)).toThrow('Query.people.q: unknown filter class SECRET');
  });
});

describe('installFilterGuards: a declaration must agree with the fields it compares with', () => {
  it.each([
    [
      "a class other than the field's",
      filters('IDENTITY', 'Person.rag'),
      'Query.people.q is declared IDENTITY but filters on Person.rag, which is SHARED_SUMMARY',
    ],
    [
      'a field with no class',
      filters('IDENTITY', 'Person.note'),
      'Query.people.q is declared IDENTITY but filters on Person.note, which is undefined',
    ],
    [
      'the second of two fields disagreeing',
      filters('IDENTITY', 'Person.familyName,Person.rag'),
      'Query.people.q is declared IDENTITY but filters on Person.rag, which is SHARED_SUMMARY',
    ],
    [
      'a field that does not exist',
      filters('IDENTITY', 'Person.shoeSize'),
      'Query.people.q filters on Person.shoeSize, which is not a field of the schema',
    ],
    [
      'a type that does not exist',
      filters('IDENTITY', 'Pet.name'),
      'Query.people.q filters on Pet.name, which is not a field of the schema',
    ],
    [
      'an input type',
      filters('IDENTITY', 'PeopleFilter.label'),
      'Query.people.q filters on PeopleFilter.label, which is not a field of the schema',
    ],
  ])('given %s, then the schema build fails saying so', (_label, decl, message) => {
    const s = new GraphQLSchema({
      types: [PeopleFilter],
      query: schemaWith(() => ({ q: { type: GraphQLString, ...decl } })).getQueryType()!,
    });
    expect(() => installFilterGuards(s)).toThrow(message);
  });
});

describe('installFilterGuards: a used filter on a class the viewer may not read is refused before the resolver runs', () => {
  const schema = installFilterGuards(schemaWith(peopleArgs));
  const people = schema.getQueryType()!.getFields().people!;
  const call = (access: RequestAccess, args: Record<string, unknown>) =>
    (people.resolve as (s: unknown, a: unknown, c: unknown, i: GraphQLResolveInfo) => unknown)(
      null,
      args,
      { access },
      {} as GraphQLResolveInfo,
    );
  const refusal = (name: string) =>
    expect.objectContaining({
      message: `${name}: you may not filter, sort, search or count on a field you may not read`,
      extensions: expect.objectContaining({ code: 'FORBIDDEN', field: name }),
    });

  it('given a police officer filtering on identity, then the resolver runs with the arguments', () => {
    const args = { filter: { familyName: 'Testwood' }, purpose: 'AGENCY_CHECK' };
    expect(call(new RequestAccess(police, shipped), args)).toEqual([{ args }]);
  });

  it.each([
    ['a filter on a summary', { filter: { rag: ['RED'] } }, 'filter.rag'],
    ['a summary filter inside a list of values with one given', { filter: { rag: [null, 'RED'] } }, 'filter.rag'],
  ])('given a police officer using %s, then FORBIDDEN naming the argument', (_label, args, name) => {
    expect(() => call(new RequestAccess(police, shipped), args)).toThrow(refusal(name));
  });

  it.each([
    ['a filter on identity', { filter: { familyName: 'Testwood' } }, 'filter.familyName'],
    ['a filter on two identity fields', { filter: { names: 'Test' } }, 'filter.names'],
    [
      'a nested filter inside a recursive input',
      { filter: { tree: { or: [{ familyName: 'x' }], familyName: 'y' } } },
      'filter.tree.familyName',
    ],
    ['a sort on identity (a sort is a filter)', { sortByName: 'ASC' }, 'sortByName'],
  ])('given an IG auditor using %s, then FORBIDDEN naming it', (_label, args, name) => {
    expect(() => call(new RequestAccess(ig, shipped), args)).toThrow(refusal(name));
  });

  it.each([
    ['absent', {}],
    ['null', { filter: null }],
    ['a filter object without the field', { filter: { label: 'x' } }],
    ['the field null', { filter: { familyName: null } }],
    ['an empty list', { filter: { rag: [] } }],
    ['a list of nulls', { filter: { rag: [null] } }],
    ['a scalar where the path goes deeper', { filter: 'familyName' }],
  ])('given a filter that is %s, then it filters nothing and the IG auditor is let through', (_label, args) => {
    expect(call(new RequestAccess(ig, shipped), args)).toEqual([{ args }]);
  });

  it('given a field without declared filters, then it is not wrapped: anyone past the entry rules gets its answer', () => {
    const other = schema.getQueryType()!.getFields().other!;
    expect(
      (other.resolve as (...a: unknown[]) => unknown)(null, { q: 'x' }, { access: new RequestAccess(ig, shipped) }, {}),
    ).toBe('other');
  });

  describe('under the purpose the request declares', () => {
    const p = policyOf({
      description: 'names for triage',
      effect: 'allow',
      classes: ['IDENTITY'],
      purposes: ['TRIAGE'],
    });
    it.each([
      ['TRIAGE', true],
      ['STRATEGY', false],
      ['NOT_A_PURPOSE', false],
      [undefined, false],
    ])('given purpose %s, then a name filter is allowed: %s', (purpose, allowed) => {
      const args = { filter: { familyName: 'x' }, purpose };
      if (allowed) expect(call(new RequestAccess(police, p), args)).toEqual([{ args }]);
      else expect(() => call(new RequestAccess(police, p), args)).toThrow(refusal('filter.familyName'));
    });
  });
});

describe('orderWithoutOracle: rows whose key the viewer may not read are taken out of the order', () => {
  const subject = (owner: string): Subject => ({ owner, relationships: new Set(['AGENCY_CHECK']) });

  it('given rows of two owners ordered by agency detail, then the readable keep their order and the hidden follow in the neutral order', () => {
    const access = new RequestAccess(police, shipped);
    const rows = [
      { id: 'h-2', owner: 'health' },
      { id: 'p-2', owner: 'police' },
      { id: 'h-1', owner: 'health' },
      { id: 'p-1', owner: 'police' },
    ].map((r) => access.guard(r, subject(r.owner), ['p'])) as Guarded<{ id: string; owner: string }>[];
    const ordered = orderWithoutOracle(access, rows, 'AGENCY_DETAIL', (a, b) => a.id.localeCompare(b.id));
    expect(ordered.map((r) => r.id)).toEqual(['p-2', 'p-1', 'h-1', 'h-2']);
  });

  it('given rows all readable, then the list is returned as it came', () => {
    const access = new RequestAccess(police, shipped);
    const rows = [
      access.guard({ id: 'b' }, subject('police'), ['p']),
      access.guard({ id: 'a' }, subject('police'), ['p']),
    ];
    expect(orderWithoutOracle(access, rows, 'AGENCY_DETAIL', () => 0)).toBe(rows);
  });
});

describe("mayOrderBy: a sort is a filter, under the request's declared purpose", () => {
  it('given a purpose-bound allow, then ordering by the class follows the declared purpose', () => {
    const policy = new AccessPolicy({
      purposesByRole: { ...NO_PURPOSES, POLICE_MASH_OFFICER: ['TRIAGE'] },
      rules: [{ description: 'names for triage', effect: 'allow', classes: ['IDENTITY'], purposes: ['TRIAGE'] }],
    });
    const access = new RequestAccess(police, policy);
    expect(mayOrderBy(access, 'IDENTITY')).toBe(false);
    access.declarePurpose('TRIAGE');
    expect(mayOrderBy(access, 'IDENTITY')).toBe(true);
    expect(mayOrderBy(access, 'SHARED_SUMMARY')).toBe(false);
  });

  it('the key a cursor carries in place of one the viewer may not read is the epoch', () => {
    expect(UNORDERED_KEY).toBe(new Date(0).toISOString());
  });
});
