import crypto from 'node:crypto';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
} from 'graphql';
import { printedSchema } from './support/schema-samples';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Schema hygiene (issue 22, ADR 021), over the checked-in schema: one naming rule, Relay's letter
 * for every connection, and every deprecation pointing at a replacement that exists. Then stories for
 * the typed replacements (LocalDate inputs beside the deprecated String dates, enums beside strings).
 */

const schema = printedSchema;
const named = Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__'));

/** Filters are inputs by another name; these three predate the rule. Only shrinks. */
const INPUTS_NOT_ENDING_IN_INPUT = ['MeetingChangeFilter', 'ReferralChangeFilter', 'ReferralFilter'];
/** MeasureKey's values are the metric definitions' own keys (camelCase, in docs and exports); renaming them is a break. Only shrinks. */
const ENUMS_WITH_LEGACY_VALUES = ['MeasureKey'];

describe('one naming rule', () => {
  it('given every type, then names are PascalCase, fields and arguments camelCase, enum values SCREAMING_SNAKE', () => {
    const bad: string[] = [];
    for (const t of named) {
      if (!/^[A-Z][A-Za-z0-9]*$/.test(t.name)) bad.push(t.name);
      if (isEnumType(t) && !ENUMS_WITH_LEGACY_VALUES.includes(t.name))
        for (const v of t.getValues())
          if (!/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(v.name)) bad.push(`${t.name}.${v.name}`);
      if (isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)) {
        for (const f of Object.values(t.getFields())) {
          if (!/^[a-z][A-Za-z0-9]*$/.test(f.name)) bad.push(`${t.name}.${f.name}`);
          for (const a of 'args' in f ? (f as GraphQLField<unknown, unknown>).args : [])
            if (!/^[a-z][A-Za-z0-9]*$/.test(a.name)) bad.push(`${t.name}.${f.name}(${a.name})`);
        }
      }
    }
    expect(bad).toEqual([]);
    // The exception list is honest: each listed enum still breaks the rule.
    for (const e of ENUMS_WITH_LEGACY_VALUES) {
      const t = schema.getType(e);
      expect(isEnumType(t) && t.getValues().some((v) => !/^[A-Z][A-Z0-9_]*$/.test(v.name))).toBe(true);
    }
  });

  it('given every input type, then its name ends in Input (the listed filters excepted, and the list is honest)', () => {
    const inputs = named.filter(isInputObjectType).map((t) => t.name);
    expect(inputs.filter((n) => !n.endsWith('Input')).sort()).toEqual(INPUTS_NOT_ENDING_IN_INPUT);
  });

  it('given every object type named …Payload, then a mutation returns it', () => {
    const returned = new Set(
      Object.values(schema.getMutationType()!.getFields()).map((f) => getNamedType(f.type).name),
    );
    const payloads = named.filter((t) => isObjectType(t) && t.name.endsWith('Payload')).map((t) => t.name);
    expect(payloads.length).toBeGreaterThan(0);
    expect(payloads.filter((p) => !returned.has(p))).toEqual([]);
  });
});

describe('Relay cursor connections, to the letter', () => {
  const connections = named.filter((t) => isObjectType(t) && t.name.endsWith('Connection'));

  it('given the one PageInfo, then it has non-null hasNextPage and hasPreviousPage, and nullable string cursors', () => {
    const pageInfo = schema.getType('PageInfo');
    expect(isObjectType(pageInfo)).toBe(true);
    const fields = isObjectType(pageInfo) ? pageInfo.getFields() : {};
    expect(Object.fromEntries(Object.entries(fields).map(([n, f]) => [n, String(f.type)]))).toEqual({
      hasNextPage: 'Boolean!',
      hasPreviousPage: 'Boolean!',
      startCursor: 'String',
      endCursor: 'String',
    });
  });

  it('given every …Connection type, then it has pageInfo: PageInfo! and edges of non-null edges with cursor: String! and a node; the fields returning it take first and after', () => {
    expect(connections.length).toBeGreaterThanOrEqual(6);
    for (const c of connections) {
      if (!isObjectType(c)) continue;
      const fields = c.getFields();
      expect([c.name, String(fields.pageInfo?.type)]).toEqual([c.name, 'PageInfo!']);
      const edgeList = fields.edges?.type;
      expect([c.name, String(edgeList)]).toEqual([c.name, expect.stringMatching(/^\[[A-Za-z]+Edge!\]!$/)]);
      const edge = getNamedType(edgeList!);
      expect(isObjectType(edge) && String(edge.getFields().cursor?.type)).toBe('String!');
      expect(isObjectType(edge) && edge.getFields().node !== undefined).toBe(true);
    }
    const returning = Object.values(schema.getQueryType()!.getFields()).filter((f) =>
      getNamedType(f.type).name.endsWith('Connection'),
    );
    for (const f of returning) {
      expect(isNonNullType(f.type)).toBe(true);
      expect([f.name, f.args.map((a) => `${a.name}: ${String(a.type)}`)]).toEqual([
        f.name,
        expect.arrayContaining(['first: Int', 'after: String']),
      ]);
    }
  });
});

describe('deprecations point at a replacement', () => {
  it('given every deprecated field, argument or input field, then its reason says "Use <name>" and that name exists beside it', () => {
    const problems: string[] = [];
    const check = (where: string, reason: string | null | undefined, siblings: Set<string>) => {
      if (reason == null) return;
      const to = /^Use (\w+)/.exec(reason)?.[1];
      if (!to || !siblings.has(to)) problems.push(`${where}: ${reason}`);
    };
    for (const t of named) {
      if (isObjectType(t) || isInputObjectType(t)) {
        const fields = Object.values(t.getFields());
        const siblings = new Set(fields.map((f) => f.name));
        for (const f of fields) check(`${t.name}.${f.name}`, f.deprecationReason, siblings);
      }
    }
    expect(problems).toEqual([]);
    // Not vacuous: this wave's deprecations are there.
    expect(schema.getQueryType()!.getFields().accessLog!.deprecationReason).toMatch(/^Use accessLogEntries/);
  });
});

describe('typed replacements for strings', () => {
  let hub: TestHub;
  let worker: string;
  const workerSub = `hygiene-worker-${crypto.randomUUID()}`;
  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: workerSub });
  });
  afterAll(() => hub.close());

  const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
  const SUBJECT = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { subjects { dateOfBirth } } }`;
  const submit = (newPerson: Record<string, unknown>) =>
    hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
      key: `hygiene-${crypto.randomUUID()}`,
      input: {
        subjects: [
          {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Testy',
              familyName: `Fictional${crypto.randomInt(1e6)}`,
              ...newPerson,
            },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative',
        consentSought: true,
        consentGiven: true,
      },
    });
  const referralsNamed = async (familyName: string) =>
    (await hub.db.query(`SELECT 1 FROM person WHERE family_name = $1`, [familyName])).length;

  it('given a new subject with bornOn (LocalDate), when a referral is submitted, then the date is stored as with the deprecated dateOfBirth', async () => {
    const r = await submit({ bornOn: '2016-04-03' });
    expect(r.errors).toBeUndefined();
    const read = await hub.gql<{ referral: { subjects: Array<{ dateOfBirth: string }> } }>(worker, SUBJECT, {
      id: r.data!.submitReferral.id,
    });
    expect(read.data!.referral.subjects).toEqual([{ dateOfBirth: '2016-04-03' }]);
  });

  it('given bornOn and a different deprecated dateOfBirth, then BAD_USER_INPUT names bornOn and nothing is stored', async () => {
    const familyName = `Fictional${crypto.randomInt(1e6)}x`;
    const r = await hub.gql(worker, SUBMIT, {
      key: `hygiene-${crypto.randomUUID()}`,
      input: {
        subjects: [
          {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Testy',
              familyName,
              bornOn: '2016-04-03',
              dateOfBirth: '2016-04-04',
            },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative',
        consentSought: true,
        consentGiven: true,
      },
    });
    expect(r.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.subjects.0.newPerson.bornOn',
    });
    expect(await referralsNamed(familyName)).toBe(0);
  });

  it('given bornOn that is not a calendar date, then BAD_USER_INPUT before anything runs', async () => {
    const r = await submit({ bornOn: '2016-02-30' });
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.data ?? null).toBeNull();
  });

  it('given the agencies, then agencyKind (an enum) says what the deprecated kind says', async () => {
    const r = await hub.gql<{ agencies: Array<{ kind: string; agencyKind: string }> }>(
      worker,
      `{ agencies { kind agencyKind } }`,
    );
    expect(r.data!.agencies.length).toBeGreaterThan(0);
    for (const a of r.data!.agencies) expect(a.agencyKind).toBe(a.kind);
  });

  it('given an audited read with a purpose, when IG lists it, then purposeOfUse (the Purpose enum) says what the deprecated purpose says', async () => {
    const ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
    const submitted = await submit({ bornOn: '2015-05-05' });
    await hub.gql(worker, SUBJECT, { id: submitted.data!.submitReferral.id });
    const r = await hub.gql<{
      accessLogEntries: { edges: Array<{ node: { purpose: string | null; purposeOfUse: string | null } }> };
    }>(
      ig,
      `query($sub: String) { accessLogEntries(filter: { actorSub: $sub }, first: 20) { edges { node { purpose purposeOfUse } } } }`,
      { sub: workerSub },
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.accessLogEntries.edges.map((e) => e.node);
    expect(nodes.some((n) => n.purposeOfUse === 'TRIAGE')).toBe(true);
    for (const n of nodes) expect(n.purposeOfUse).toBe(n.purpose);
  });
});
