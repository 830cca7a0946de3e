import { getNamedType, isLeafType, isNonNullType } from 'graphql';
import { printedSchema, sampleInput } from './support/schema-samples';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Resource limits the hand-written stories in limits.test.ts do not cover: page size on EVERY
 * connection of the schema (generated: a connection added later is covered without a new test),
 * directive count, and token count.
 */

const schema = printedSchema;

/** Every root field taking `first` (the connections and the search). */
const PAGED = Object.values(schema.getQueryType()!.getFields()).filter((f) => f.args.some((a) => a.name === 'first'));
/** Relay connections answer `first: 0` with an empty page (ADR 021); the plain lists refuse it. */
const isConnection = (f: (typeof PAGED)[number]) => getNamedType(f.type).name.endsWith('Connection');

describe('resource limits, generated over the schema', () => {
  let hub: TestHub;
  let tokens: string[];
  beforeAll(async () => {
    hub = await startTestHub();
    tokens = [
      await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] }),
      await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] }),
    ];
  });
  afterAll(() => hub.close());

  it('the schema has paged fields to test (the generated test below is not vacuous)', () => {
    expect(PAGED.map((f) => f.name).sort()).toEqual(
      expect.arrayContaining([
        'accessLog',
        'accessLogEntries',
        'alerts',
        'breakGlassReviews',
        'meetings',
        'referrals',
        'searchPeople',
      ]),
    );
    expect(
      PAGED.filter(isConnection)
        .map((f) => f.name)
        .sort(),
    ).toEqual([
      'accessLogEntries',
      'alerts',
      'breakGlassReviews',
      'childProtectionCases',
      'dataQualityIssues',
      'earlyHelpEpisodes',
      'exploitationCohort',
      'ladoAllegations',
      'meetings',
      'missingEpisodes',
      'privateFosteringArrangements',
      'referrals',
    ]);
  });

  it.each(PAGED.map((f) => [f.name, f] as const))(
    'given %s with first above the maximum, negative, or zero outside a connection, then BAD_USER_INPUT naming `first` and no page; a connection answers zero with an empty page',
    async (_name, field) => {
      const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
      const decl = ['$first: Int', ...required.map((a) => `$${a.name}: ${String(a.type)}`)].join(', ');
      const call = ['first: $first', ...required.map((a) => `${a.name}: $${a.name}`)].join(', ');
      const selection = isConnection(field)
        ? ' { edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }'
        : isLeafType(getNamedType(field.type))
          ? ''
          : ' { __typename }';
      const query = `query(${decl}) { ${field.name}(${call})${selection} }`;
      const base: Record<string, unknown> = Object.fromEntries(required.map((a) => [a.name, sampleInput(a.type)]));
      // The search refuses an empty query (BAD_USER_INPUT on `input`): give it a family name.
      if (field.name === 'searchPeople') base.input = { familyName: 'Fictional' };
      // A purpose both probing roles may declare.
      if ('purpose' in base) base.purpose = 'TRIAGE';

      // A role the entry-point rules let through (the limit is what is tested, not the rule).
      let token: string | undefined;
      const probes: unknown[] = [];
      for (const t of tokens) {
        const probe = await hub.gql(t, query, { ...base, first: 1 });
        probes.push(probe.errors);
        // The control: a page of one is served.
        if (!probe.errors) {
          token = t;
          break;
        }
      }
      expect({ token: token ? 'found' : 'none', probes }).toMatchObject({ token: 'found' });
      if (isConnection(field)) {
        const empty = await hub.gql(token!, query, { ...base, first: 0 });
        expect(empty.errors).toBeUndefined();
        expect(empty.data![field.name]).toMatchObject({
          edges: [],
          pageInfo: { hasPreviousPage: false, startCursor: null },
        });
      }
      for (const first of [hub.config.maxPageSize + 1, 100_000, ...(isConnection(field) ? [] : [0]), -1]) {
        const r = await hub.gql(token!, query, { ...base, first });
        expect(r.errors).toHaveLength(1);
        expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
        expect(r.data).toBeNull();
      }
    },
  );

  it('given more than 10 directives, then rejected before execution; 10 are accepted', async () => {
    // One directive per aliased field: each is valid on its own, only the count is over.
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `s${i}: sub @include(if: true)`).join(' ');
    const over = await hub.gql(tokens[0]!, `{ me { ${fields(11)} } }`);
    expect(over.status).toBe(400);
    expect(over.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(over.errors![0]!.message).toMatch(/directive/i);
    expect(over.data).toBeUndefined();
    const at = await hub.gql(tokens[0]!, `{ me { ${fields(10)} } }`);
    expect(at.errors).toBeUndefined();
  });

  it('given more than 3000 tokens in a small body, then rejected before execution', async () => {
    const q = `{ me { ${'sub '.repeat(3100)} } }`;
    expect(q.length).toBeLessThan(100_000);
    const r = await hub.gql(tokens[0]!, q);
    expect(r.status).toBe(400);
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.data).toBeUndefined();
  });
});
