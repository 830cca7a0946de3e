import type { Logger as TypeOrmLogger } from 'typeorm';
import { givenPerson, givenRecord, unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * The nested query (the benchmark's Q5: referrals → subjects → records and
 * relationships → related person) costs at most 4 SQL statements whatever the page size (a ceiling,
 * not a target): now 3 — the queue with its subjects in one statement (ADR 020), their records,
 * their relationships — plus the audit write of the response.
 * Counted at the driver (every statement TypeORM sends) on a database of its own, so the queue
 * holds exactly the referrals made here.
 */
const NESTED = `query($first: Int!) { referrals(first: $first, purpose: TRIAGE) { edges { node { id subjects { id givenName
  records { id recordType summary } relationships { type relatedPerson { id givenName } } } } } } }`;

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;

type Nested = {
  referrals: {
    edges: Array<{
      node: {
        id: string;
        subjects: Array<{ id: string; records: unknown[]; relationships: Array<{ relatedPerson: { id: string } }> }>;
      };
    }>;
  };
};

describe('the nested referral query: SQL statements per request do not grow with the page', () => {
  let hub: TestHub;
  let worker: string;
  const statements: string[] = [];

  beforeAll(async () => {
    hub = await startTestHub({}, { databaseUrl: await dedicatedDatabaseUrl('nested') });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    // Twelve referrals; each child has a mother and two records, every other referral a second child.
    for (let i = 0; i < 12; i++) {
      const mother = await givenPerson(hub, worker, {
        kind: 'ADULT',
        givenName: 'Fictionalmum',
        dateOfBirth: '1990-01-01',
      });
      const children = [
        await givenPerson(hub, worker, { relationships: [{ relatedPersonId: mother, type: 'MOTHER' }] }),
      ];
      if (i % 2 === 0)
        children.push(await givenPerson(hub, worker, { relationships: [{ relatedPersonId: mother, type: 'MOTHER' }] }));
      for (const child of children) {
        await givenRecord(hub, worker, child, {
          recordType: 'SOCIAL_CARE_CASE_NOTE',
          caseNotes: 'Fictional case note',
        });
        await givenRecord(hub, worker, child, {
          recordType: 'SOCIAL_CARE_CASE_NOTE',
          caseNotes: 'Fictional second case note',
        });
      }
      const r = await hub.gql(worker, SUBMIT, {
        key: unique('k'),
        input: {
          subjects: children.map((personId) => ({ personId })),
          concernCategories: ['NEGLECT'],
          narrative: 'Fictional narrative',
          consentSought: true,
          consentGiven: true,
        },
      });
      if (r.errors) throw new Error(JSON.stringify(r.errors));
    }
    const counting: TypeOrmLogger = {
      logQuery: (query) => void statements.push(typeof query === 'string' ? query : (query as { text: string }).text),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    // Every statement the hub sends goes through its serving DataSource's logger (hub.db is the owner's).
    (hub.server.hub.dataSource as unknown as { logger: TypeOrmLogger }).logger = counting;
  });
  afterAll(() => hub.close());

  async function countFor(first: number) {
    statements.length = 0;
    const r = await hub.gql<Nested>(worker, NESTED, { first });
    expect(r.errors).toBeUndefined();
    // Each transaction opens with the partnership setting (ADR 016): counted apart from the data statements.
    const control = statements.filter((s) => /^(START TRANSACTION|COMMIT|ROLLBACK)$/.test(s));
    const scopes = statements.filter((s) => s.startsWith(`SELECT set_config('mash.partnership'`));
    const audit = statements.filter((s) => /audit/i.test(s));
    const reads = statements.length - audit.length - control.length - scopes.length;
    return { edges: r.data!.referrals.edges, reads, audit: audit.length, scopes: scopes.length };
  }

  it('given twelve referrals with subjects, records and relationships, when read nested 2, 5 and 12 at a time, then each read costs the same 3 statements (at most 4) and one audit write', async () => {
    const small = await countFor(2);
    const medium = await countFor(5);
    const all = await countFor(12);

    expect(small.edges).toHaveLength(2);
    expect(all.edges).toHaveLength(12);
    const subjects = all.edges.flatMap((e) => e.node.subjects);
    expect(subjects).toHaveLength(18);
    expect(subjects.every((s) => s.records.length === 2 && s.relationships.length === 1)).toBe(true);

    expect([small.reads, medium.reads, all.reads]).toEqual([3, 3, 3]);
    expect([small.audit, medium.audit, all.audit]).toEqual([1, 1, 1]);
    // Every statement ran in its partnership: one setting per transaction (each read and the audit's).
    expect([small.scopes, medium.scopes, all.scopes]).toEqual([4, 4, 4]);
  });

  /** The statements of the last request that read data: not the audit's, not transaction control, not the scope's settings. */
  const readStatements = () =>
    statements.filter(
      (s) =>
        !/audit/i.test(s) &&
        !/^(START TRANSACTION|COMMIT|ROLLBACK)$/.test(s) &&
        !s.startsWith(`SELECT set_config('mash.partnership'`),
    );

  const PERSON_VIEW = `query($id: ID!) { person(id: $id, purpose: TRIAGE) { id givenName
    records { id recordType summary occurredAt ... on SocialCareRecord { caseNotes } } } }`;
  type PersonRead = { person: { id: string; records: Array<{ id: string; occurredAt: string }> } | null };

  it('given a child with records, when the person view asks for them, then the person and the records are one statement, and the records are those (and in the order) the nested page reads through the loader (issue 21)', async () => {
    const page = await countFor(12);
    const child = page.edges[0]!.node.subjects[0]!;
    const nestedRead = await hub.gql<{
      referrals: { edges: Array<{ node: { subjects: Array<{ id: string; records: unknown[] }> } }> };
    }>(
      worker,
      `query { referrals(first: 12, purpose: TRIAGE) { edges { node { subjects { id
        records { id recordType summary occurredAt ... on SocialCareRecord { caseNotes } } } } } } }`,
    );
    const throughLoader = nestedRead
      .data!.referrals.edges.flatMap((e) => e.node.subjects)
      .find((s) => s.id === child.id)!;

    statements.length = 0;
    const r = await hub.gql<PersonRead>(worker, PERSON_VIEW, { id: child.id });

    expect(r.errors).toBeUndefined();
    expect(r.data!.person!.records).toHaveLength(2);
    expect(r.data!.person!.records).toEqual(throughLoader.records);
    const reads = readStatements();
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/json_agg/);
  });

  it("given a person outside the viewer's scope, when the person view asks for their records, then it is not found, in the one statement, and nothing of theirs is released", async () => {
    const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const stranger = await givenPerson(hub, police, { givenName: 'Fictionalstranger' });
    await givenRecord(hub, police, stranger, { recordType: 'POLICE_INCIDENT', detail: 'Fictional incident' });
    // A health visitor of another agency, with no relationship to the person: not found, as before.
    const outsider = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });

    statements.length = 0;
    const r = await hub.gql<PersonRead>(outsider, PERSON_VIEW, { id: stranger });

    expect(r.data?.person ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const reads = readStatements();
    expect(reads).toHaveLength(1);
    // The audit keeps the attempt against the person (the IG's access history) and releases nothing.
    const rows = await hub.db.query(
      `SELECT outcome, record_ids, released FROM audit_disclosure WHERE person_id = $1 AND actor_agency = 'health'`,
      [stranger],
    );
    expect(rows).toEqual([{ outcome: 'NOT_FOUND', record_ids: [], released: [] }]);
  });
});
