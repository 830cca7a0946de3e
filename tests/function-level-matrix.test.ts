import crypto from 'node:crypto';
import {
  getNamedType,
  isInputObjectType,
  isLeafType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { ROLES, type Role } from '../src/access-policy/vocabulary';
import { crossPartnershipCells, EXPECTED_ENTRY_POINTS } from './support/entry-point-matrix';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { printedSchema, sampleInput } from './support/schema-samples';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * Function level (docs/security.md): for EVERY query and mutation of the served schema and
 * EVERY role, a request through the API is refused by the entry-point rules (shield's FORBIDDEN)
 * exactly when the matrix (tests/support/entry-point-matrix.ts) says so. The matrix is written out
 * independently of src/access-policy/shield.ts: removing or loosening a rule there, or adding an
 * entry point without declaring who may call it in the matrix, fails this test.
 *
 * Arguments are generated from the schema (required ones only, valid for GraphQL's type checks,
 * pointing at nothing): an allowed role gets past the rule and then NOT_FOUND, BAD_USER_INPUT or
 * the like from the resolver — never the entry-point FORBIDDEN.
 */

const EXPECTED = EXPECTED_ENTRY_POINTS;

/** The agency a user of each role works for in the demo partnership. */
const AGENCY_OF: Record<Role, string> = {
  MASH_SOCIAL_WORKER: 'social-care',
  MASH_MANAGER: 'social-care',
  POLICE_MASH_OFFICER: 'police',
  HEALTH_MASH_PRACTITIONER: 'health',
  PROBATION_MASH_OFFICER: 'probation',
  EDUCATION_MASH_OFFICER: 'education',
  PARTNER_REFERRER: 'education',
  IG_AUDITOR: 'social-care',
  HUB_ADMIN: 'social-care',
  EDT_SOCIAL_WORKER: 'social-care',
  UNSCHEDULED_CARE_CLINICIAN: 'health',
  LADO: 'social-care',
  EMPLOYER_DESIGNATED_OFFICER: 'education',
};

const SHIELD_MESSAGE = 'You are not allowed to do this';
const schema = printedSchema;

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const decl = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const query = `${kind}${decl ? `(${decl})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`;
  return { query, variables: Object.fromEntries(args.map((a) => [a.name, sampleInput(a.type)])) };
}

describe('function level: every role × every query and mutation, through the API, exactly as declared', () => {
  let hub: TestHub;
  const tokens = new Map<Role, string>();
  beforeAll(async () => {
    // Its own database: allowed calls with generated arguments may store fictional rows.
    hub = await startTestHub({}, { databaseUrl: await dedicatedDatabaseUrl('fnmatrix') });
    for (const role of ROLES) tokens.set(role, await hub.token({ agency: AGENCY_OF[role], roles: [role] }));
  });
  afterAll(() => hub?.close());

  for (const [root, kind] of [
    ['Query', 'query'],
    ['Mutation', 'mutation'],
  ] as const) {
    const type = (root === 'Query' ? schema.getQueryType() : schema.getMutationType()) as GraphQLObjectType;

    it(`every ${root} field of the schema is declared in the matrix, and nothing else`, () => {
      expect(Object.keys(type.getFields()).sort()).toEqual(Object.keys(EXPECTED[root]).sort());
    });

    it(`each role gets the entry-point FORBIDDEN on a ${root} field exactly when the matrix denies it`, async () => {
      const mismatches: string[] = [];
      let attempts = 0;
      let refused = 0;
      for (const field of Object.values(type.getFields())) {
        const allowed = new Set(EXPECTED[root][field.name] ?? []);
        const { query, variables } = operationFor(kind, field);
        for (const role of ROLES) {
          attempts++;
          const r = await hub.gql(tokens.get(role)!, query, variables);
          const shieldDenied = (r.errors ?? []).some(
            (e) => e.extensions?.code === 'FORBIDDEN' && e.message === SHIELD_MESSAGE,
          );
          if (shieldDenied) refused++;
          if (allowed.has(role)) {
            // Past the rule: whatever the resolver says, never the entry-point refusal nor a request error.
            if (shieldDenied || r.status >= 400)
              mismatches.push(`${field.name} × ${role}: expected allowed, got ${r.status} ${JSON.stringify(r.errors)}`);
          } else if (!shieldDenied || (r.data != null && (r.data as Record<string, unknown>)[field.name] != null)) {
            mismatches.push(`${field.name} × ${role}: expected FORBIDDEN, got ${r.status} ${JSON.stringify(r.errors)}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
      const expectedRefused = Object.values(type.getFields()).reduce(
        (n, f) => n + ROLES.length - (EXPECTED[root][f.name]?.length ?? 0),
        0,
      );
      expect(refused).toBe(expectedRefused);
      // The figures quoted in docs/security.md.
      console.log(`function-level matrix, ${root}: ${attempts} attempts, ${refused} refused by the entry-point rules`);
    }, 180_000); // every role × every entry point through the API: slow on a shared machine
  }
});

describe('function level: the cross-partnership cells — every role × every entry point, acting in a partnership the token does not name', () => {
  let hub: TestHub;
  const other = `other-${crypto.randomBytes(4).toString('hex')}`;
  const tokens = new Map<Role, string>();
  beforeAll(async () => {
    hub = await startTestHub({}, { databaseUrl: await dedicatedDatabaseUrl('xpmatrix') });
    // The other partnership exists: the refusal is about the token, not an unknown name.
    await hub.db.query(`INSERT INTO partnership (id, display_name) VALUES ($1, 'Other partnership (fictional)')`, [
      other,
    ]);
    for (const role of ROLES) tokens.set(role, await hub.token({ agency: AGENCY_OF[role], roles: [role] }));
  });
  afterAll(() => hub?.close());

  it('each Query and Mutation cell is refused (403 FORBIDDEN, no data), and the same request in its own partnership is not', async () => {
    const cells = crossPartnershipCells().filter((c) => c.root !== 'Subscription');
    expect(cells.every((c) => c.expected === 'DENIED')).toBe(true);
    const mismatches: string[] = [];
    for (const cell of cells) {
      const type = (cell.root === 'Query' ? schema.getQueryType() : schema.getMutationType()) as GraphQLObjectType;
      const { query, variables } = operationFor(
        cell.root === 'Query' ? 'query' : 'mutation',
        type.getFields()[cell.field]!,
      );
      const r = await hub.gql(tokens.get(cell.role)!, query, variables, { 'x-mash-partnership': other });
      if (r.status !== 403 || r.errors?.[0]?.extensions?.code !== 'FORBIDDEN' || r.data != null) {
        mismatches.push(
          `${cell.root}.${cell.field} × ${cell.role}: expected DENIED, got ${r.status} ${JSON.stringify(r.errors)}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
    // Allow: the same token naming its own partnership reaches the entry point.
    const own = await hub.gql(tokens.get('POLICE_MASH_OFFICER')!, '{ me { sub } }', undefined, {
      'x-mash-partnership': 'default',
    });
    expect(own.errors).toBeUndefined();
    const audited = await hub.db.query(`SELECT count(*)::int AS n FROM audit_event WHERE partnership_id = $1`, [other]);
    expect(audited[0].n).toBe(0);
  }, 180_000);

  it('each Subscription cell: a connection naming a partnership the token does not name is closed (4403) before any subscription', async () => {
    const cells = crossPartnershipCells().filter((c) => c.root === 'Subscription');
    const codes: string[] = [];
    for (const cell of cells) {
      const code = await new Promise<number | undefined>((resolve) => {
        const client = createClient({
          url: hub.server.url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${tokens.get(cell.role)!}`, 'x-mash-partnership': other },
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => undefined,
          on: { closed: (e) => resolve((e as { code?: number }).code) },
        });
        setTimeout(() => void client.dispose(), 5000).unref();
      });
      if (code !== 4403) codes.push(`${cell.field} × ${cell.role}: closed ${code}`);
    }
    expect(codes).toEqual([]);
  });
});

describe('function level: mass assignment — server-owned fields cannot be set', () => {
  /** Fields the hub sets itself; no input a mutation accepts may carry them. */
  const SERVER_OWNED = [
    'createdBy',
    'createdAt',
    'updatedAt',
    'owningAgency',
    'version',
    'reviewedBy',
    'actorSub',
    'acknowledgedBy',
    'reference',
  ];

  it('given the schema, then no input type reachable from a mutation has a server-owned field, and referral, record and person inputs carry no status or agency', () => {
    const seen = new Set<string>();
    const visit = (t: GraphQLInputType) => {
      const named = getNamedType(t);
      if (!isInputObjectType(named) || seen.has(named.name)) return;
      seen.add(named.name);
      for (const f of Object.values(named.getFields())) visit(f.type);
    };
    for (const f of Object.values(schema.getMutationType()!.getFields())) for (const a of f.args) visit(a.type);
    expect(seen.size).toBeGreaterThan(5);
    const offending: string[] = [];
    for (const name of seen) {
      const fields = Object.keys(
        (schema.getType(name) as ReturnType<typeof schema.getType> & { getFields(): object }).getFields(),
      );
      for (const f of fields) if (SERVER_OWNED.includes(f)) offending.push(`${name}.${f}`);
      if (
        ['SubmitReferralInput', 'AgencyRecordInput', 'PersonInput', 'NewPersonInput', 'DecisionInput'].includes(name)
      ) {
        for (const f of fields) if (f === 'status' || f === 'agency') offending.push(`${name}.${f}`);
      }
    }
    expect(offending).toEqual([]);
  });

  describe('through the API', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub();
    });
    afterAll(() => hub?.close());

    it.each([
      ['owningAgency', 'health'],
      ['createdBy', 'someone-else'],
      ['version', 7],
      ['status', 'CLOSED'],
    ])(
      'given a police officer sending %s on a record, then BAD_USER_INPUT naming the field and nothing stored',
      async (field, value) => {
        const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
        const person = await hub.gql<{ upsertPerson: { person: { id: string } } }>(
          police,
          `mutation($i: PersonInput!) { upsertPerson(input: $i) { person { id } } }`,
          {
            i: {
              sourceSystem: 'TEST',
              sourceReference: `mass-${crypto.randomUUID()}`,
              kind: 'CHILD',
              givenName: 'Testy',
              familyName: 'Fictional',
              dateOfBirth: '2016-04-03',
            },
          },
        );
        const sourceReference = `mass-${crypto.randomUUID()}`;
        const r = await hub.gql(
          police,
          `mutation($i: AgencyRecordInput!) { upsertAgencyRecord(input: $i) { record { id } } }`,
          {
            i: {
              personId: person.data!.upsertPerson.person.id,
              recordType: 'POLICE_INCIDENT',
              occurredAt: '2026-06-01T10:00:00.000Z',
              summary: 'Fictional summary',
              sourceSystem: 'TEST',
              sourceReference,
              recordedBy: 'Officer Example',
              recordedAt: '2026-06-01T11:00:00.000Z',
              [field]: value,
            },
          },
        );
        expect(r.status).toBe(400);
        expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
        expect(r.errors![0]!.message).toContain(`"${field}"`);
        expect(await hub.db.query('SELECT 1 FROM agency_record WHERE source_ref = $1', [sourceReference])).toEqual([]);
      },
    );

    it('given a referrer sending a status and a reference with a referral, then BAD_USER_INPUT and no referral stored', async () => {
      const referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'] });
      const key = `mass-${crypto.randomUUID()}`;
      for (const [field, value] of [
        ['status', 'CLOSED'],
        ['reference', 'MASH-FAKE-1'],
        ['createdBy', 'someone-else'],
      ] as const) {
        const r = await hub.gql(
          referrer,
          `mutation($i: SubmitReferralInput!, $k: String!) { submitReferral(input: $i, idempotencyKey: $k) { id } }`,
          {
            k: key,
            i: {
              subjects: [
                {
                  newPerson: { kind: 'CHILD', givenName: 'Testy', familyName: 'Fictional', dateOfBirth: '2015-02-03' },
                },
              ],
              referrerContact: 'Fictional School office',
              concernCategories: ['NEGLECT'],
              narrative: 'Fictional narrative for a mass-assignment test.',
              consentSought: true,
              consentGiven: true,
              [field]: value,
            },
          },
        );
        expect(r.status).toBe(400);
        expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      }
      expect(await hub.db.query(`SELECT 1 FROM referral_idempotency WHERE key = $1`, [key])).toEqual([]);
    });
  });
});
