import { graphql, GraphQLObjectType, GraphQLSchema, GraphQLString, GraphQLList } from 'graphql';
import { fieldAccessDeclarations, installFieldGuards } from './field-guard';
import { AccessPolicy, DEFAULT_POLICY } from './policy';
import { RequestAccess } from './request-access';
import type { Viewer } from './viewer';
import type { RelationshipKind } from './vocabulary';
import { assertMayRecordAttendanceFor, assertMayWriteRecordType } from './write-policy';
import { visibleAlertAgency, visibleCheckAgency } from './row-scopes';

/**
 * The field guard on a schema of its own: deny by default when the schema is built, release or
 * redact per class when a field resolves, and fail closed on an object that carries no guard.
 */

const police: Viewer = {
  sub: 'pc',
  name: 'PC',
  agency: 'police',
  agencyKind: 'POLICE',
  roles: ['POLICE_MASH_OFFICER'],
};
const socialWorker: Viewer = {
  sub: 'sw',
  name: 'SW',
  agency: 'social-care',
  agencyKind: 'SOCIAL_CARE',
  roles: ['MASH_SOCIAL_WORKER'],
};
const manager: Viewer = { ...socialWorker, roles: ['MASH_MANAGER'] };
const ig: Viewer = { ...socialWorker, roles: ['IG_AUDITOR'] };

function schemaWith(
  recordFields: Record<string, { extensions?: Record<string, unknown> }>,
  typeExtensions: Record<string, unknown> = {},
) {
  const Record = new GraphQLObjectType({
    name: 'Record',
    extensions: typeExtensions,
    fields: Object.fromEntries(
      Object.entries(recordFields).map(([name, f]) => [name, { type: GraphQLString, extensions: f.extensions }]),
    ),
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: { records: { type: new GraphQLList(Record), resolve: (_s, _a, ctx: { rows: unknown[] }) => ctx.rows } },
    }),
  });
}

describe('fieldAccessDeclarations: every field declares a class, or its type is NON_PERSONAL', () => {
  it('given a field with neither, then building the declarations fails naming the coordinate', () => {
    const schema = schemaWith({ summary: { extensions: { sensitivity: 'SHARED_SUMMARY' } }, notes: {} });
    expect(() => fieldAccessDeclarations(schema)).toThrow(
      'Record.notes declares no sensitivity class and its type is not NON_PERSONAL',
    );
  });

  it('given an unknown class, then it fails naming it', () => {
    const schema = schemaWith({ notes: { extensions: { sensitivity: 'SECRETISH' } } });
    expect(() => fieldAccessDeclarations(schema)).toThrow('Record.notes: unknown sensitivity SECRETISH');
  });

  it('given a NON_PERSONAL type, then its undeclared fields are non-personal and a declared one keeps its class', () => {
    const schema = schemaWith(
      { label: {}, notes: { extensions: { sensitivity: 'AGENCY_DETAIL' } } },
      { access: 'NON_PERSONAL' },
    );
    expect(fieldAccessDeclarations(schema)).toEqual([
      { coordinate: 'Record.label', kind: 'non-personal' },
      { coordinate: 'Record.notes', kind: 'sensitivity', sensitivity: 'AGENCY_DETAIL' },
    ]);
  });
});

describe('installFieldGuards: each guarded field is released or redacted by the policy', () => {
  const schema = installFieldGuards(
    schemaWith({
      id: { extensions: { sensitivity: 'CASE_METADATA' } },
      summary: { extensions: { sensitivity: 'SHARED_SUMMARY' } },
      notes: { extensions: { sensitivity: 'AGENCY_DETAIL' } },
    }),
  );
  const run = (access: RequestAccess, rows: unknown[]) =>
    graphql({ schema, source: '{ records { id summary notes } }', contextValue: { access, rows } });
  const guardedRow = (access: RequestAccess, owner: string, ...kinds: RelationshipKind[]) =>
    access.guard({ id: 'r1', summary: 'S', notes: 'N' }, { owner, relationships: new Set(kinds) }, ['p1'], 'r1');

  it('given a police officer on a health record reached by an agency check, then the summary is released and the detail redacted with its reason, both recorded', async () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    access.declarePurpose('AGENCY_CHECK');
    const r = await run(access, [guardedRow(access, 'health', 'AGENCY_CHECK')]);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ records: [{ id: 'r1', summary: 'S', notes: null }] });
    expect(access.redactions).toEqual([{ path: 'records.0.notes', reason: 'NEED_TO_KNOW' }]);
    const d = access.disclosures.get('p1')!;
    expect([...d.released].sort()).toEqual(['Record.id', 'Record.summary']);
    expect([...d.redacted]).toEqual(['Record.notes:NEED_TO_KNOW']);
  });

  it('given the owning agency, then every field is released', async () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    const r = await run(access, [guardedRow(access, 'police', 'OWN_AGENCY_RECORD')]);
    expect(r.data).toEqual({ records: [{ id: 'r1', summary: 'S', notes: 'N' }] });
    expect(access.redactions).toEqual([]);
  });

  it('given an object that reached a guarded type without a guard, then the field fails closed and no value leaves', async () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    const r = await run(access, [{ id: 'r1', summary: 'S', notes: 'N' }]);
    expect(r.errors?.map((e) => e.message)).toEqual(
      expect.arrayContaining(['Record.notes resolved on an unguarded object']),
    );
    expect(JSON.stringify(r.data)).not.toMatch(/"S"|"N"/);
  });
});

describe('write rules and "all rows or my agency\'s" scopes', () => {
  it('given police contributing a police record, then allowed; a health record, then FORBIDDEN naming the field', () => {
    expect(() => assertMayWriteRecordType(police, 'POLICE_INCIDENT')).not.toThrow();
    expect(() => assertMayWriteRecordType(police, 'HEALTH_VISITING')).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'input.recordType' }),
      }),
    );
  });

  it("given attendance, then social care MASH staff record any agency's, an officer only their own", () => {
    expect(() => assertMayRecordAttendanceFor(socialWorker, 'health')).not.toThrow();
    expect(() => assertMayRecordAttendanceFor(manager, 'police')).not.toThrow();
    expect(() => assertMayRecordAttendanceFor(police, 'police')).not.toThrow();
    expect(() => assertMayRecordAttendanceFor(police, 'health')).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'attendance.inviteeId' }),
      }),
    );
  });

  it("given agency checks, then social care MASH staff see every agency's, officers (and IG) their own", () => {
    expect(visibleCheckAgency(socialWorker)).toBeNull();
    expect(visibleCheckAgency(manager)).toBeNull();
    expect(visibleCheckAgency(police)).toBe('police');
    expect(visibleCheckAgency(ig)).toBe('social-care');
  });

  it("given alerts, then IG sees every alert, others their agency's", () => {
    expect(visibleAlertAgency(ig)).toBeNull();
    expect(visibleAlertAgency(police)).toBe('police');
    expect(visibleAlertAgency(manager)).toBe('social-care');
  });
});

describe('the field guard and root or non-personal types', () => {
  it("given root types with undeclared fields, then they need no class (entry points are the shield's), whatever the root", () => {
    const Thing = new GraphQLObjectType({
      name: 'Thing',
      fields: { id: { type: GraphQLString, extensions: { sensitivity: 'CASE_METADATA' } } },
    });
    const root = (name: string) => new GraphQLObjectType({ name, fields: { thing: { type: Thing } } });
    const schema = new GraphQLSchema({
      query: root('Query'),
      mutation: root('Mutation'),
      subscription: root('Subscription'),
    });
    expect(fieldAccessDeclarations(schema)).toEqual([
      { coordinate: 'Thing.id', kind: 'sensitivity', sensitivity: 'CASE_METADATA' },
    ]);
  });

  it('given a NON_PERSONAL type, then its fields resolve on any object, guarded or not, and nothing is recorded', async () => {
    const schema = installFieldGuards(schemaWith({ label: {} }, { access: 'NON_PERSONAL' }));
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    const r = await graphql({
      schema,
      source: '{ records { label } }',
      contextValue: { access, rows: [{ label: 'page 1' }] },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ records: [{ label: 'page 1' }] });
    expect(access.disclosures.size).toBe(0);
    expect(access.redactions).toEqual([]);
  });
});
