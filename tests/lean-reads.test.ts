import type { Logger as TypeOrmLogger } from 'typeorm';
import { givenPerson, unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * The triage page reads only the columns its query selects (issue 21 §2, ADR 020): the same answer
 * as a full read, fewer bytes. The statements are captured at the hub's serving DataSource.
 */
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const SUMMARY = 'id reference status rag decisionDueAt breached waitingOn';
const EVERY_COLUMN = `${SUMMARY} receivedAt version assignedToSub referrerName referrerAgency concernCategories narrative consentSought consentGiven lawfulBasis decisionOutcome`;

type Page = { referrals: { edges: Array<{ node: Record<string, unknown> }> } };

describe('lean reads: the triage page reads the selected columns only', () => {
  let hub: TestHub;
  let worker: string;
  const statements: string[] = [];

  beforeAll(async () => {
    // A database of its own: the first page is this story's referrals, whatever other stories left in the queue.
    hub = await startTestHub({}, { databaseUrl: await dedicatedDatabaseUrl('lean_reads') });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    for (let i = 0; i < 3; i++) {
      const child = await givenPerson(hub, worker);
      const r = await hub.gql(worker, SUBMIT, {
        key: unique('k'),
        input: {
          subjects: [{ personId: child }],
          concernCategories: ['NEGLECT'],
          narrative: `Fictional lean narrative ${i}`,
          consentSought: true,
          consentGiven: true,
        },
      });
      if (r.errors) throw new Error(JSON.stringify(r.errors));
    }
    const capturing: TypeOrmLogger = {
      // A named prepared statement arrives as its query config.
      logQuery: (query) => void statements.push(typeof query === 'string' ? query : (query as { text: string }).text),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    (hub.server.hub.dataSource as unknown as { logger: TypeOrmLogger }).logger = capturing;
  });
  afterAll(() => hub.close());

  async function page(
    selection: string,
    extra = '',
  ): Promise<{ nodes: Array<Record<string, unknown>>; pageSql: string }> {
    statements.length = 0;
    const r = await hub.gql<Page>(
      worker,
      `query { referrals(first: 20, purpose: TRIAGE) { edges { node { ${selection} } } } } ${extra}`,
    );
    expect(r.errors).toBeUndefined();
    const pageSql = statements.find((s) => /JOIN referral r ON r\.id = page\.id/.test(s));
    expect(pageSql).toBeDefined();
    return { nodes: r.data!.referrals.edges.map((e) => e.node), pageSql: pageSql! };
  }

  it('given summary fields only, then the page reads none of the other columns, and answers as a full read does', async () => {
    const lean = await page(SUMMARY);
    const full = await page(EVERY_COLUMN);

    expect(lean.pageSql).not.toMatch(/r\.\*|narrative|referrer_name|concern_categories|overdue_checks/);
    expect(lean.pageSql).toMatch(/r\.reference/);
    expect(full.pageSql).toMatch(/r\.narrative/);
    const summaryOf = (n: Record<string, unknown>) => Object.fromEntries(SUMMARY.split(' ').map((k) => [k, n[k]]));
    expect(lean.nodes.length).toBeGreaterThanOrEqual(3);
    expect(lean.nodes).toEqual(full.nodes.map(summaryOf));
  });

  it('given summary fields only, then the page reads exactly their referral columns and the cursor keys, and only the derived values asked for', async () => {
    const lean = await page(SUMMARY);

    // The outer select list, up to the guard's columns (kinds, subjects) that every page reads.
    const selectList = lean.pageSql.slice(lean.pageSql.indexOf('SELECT'), lean.pageSql.indexOf('rel.kinds'));
    const columns = [...selectList.matchAll(/\br\.(\w+)/g)].map((m) => m[1]).sort();
    expect(columns).toEqual(['decision_due_at', 'id', 'rag', 'reference', 'status']);
    expect(lean.pageSql).toMatch(/ AS breached\b/);
    expect(lean.pageSql).toMatch(/ AS waiting_on\b/);
    expect(lean.pageSql).toMatch(/ AS subject_ids\b/);
    expect(lean.pageSql).not.toMatch(/overdue_checks/);
  });

  it('given a field asked through a fragment, an inline fragment and an alias, then its column is read and released', async () => {
    const r = await page(
      '...Summary ... on Referral { concerns: concernCategories } story: narrative',
      'fragment Summary on Referral { id reference }',
    );

    expect(r.pageSql).toMatch(/r\.narrative/);
    expect(r.pageSql).toMatch(/r\.concern_categories/);
    const ours = r.nodes.filter((n) => String(n.story).startsWith('Fictional lean narrative'));
    expect(ours.length).toBeGreaterThanOrEqual(1);
    expect(ours[0]).toEqual({
      id: expect.any(String),
      reference: expect.any(String),
      concerns: ['NEGLECT'],
      story: expect.stringMatching(/^Fictional lean narrative/),
    });
  });

  /** The request's data statements: not the audit's, nor the wall's transaction control and partnership setting (ADR 016). */
  const dataStatements = () =>
    statements.filter(
      (s) =>
        !/audit/i.test(s) &&
        !/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)$/i.test(s.trim()) &&
        !s.startsWith(`SELECT set_config('mash.partnership'`),
    );

  it('given subjects asked for, then the page and its people are one statement, answered as the per-person look-up answers them', async () => {
    const people = 'id givenName familyName dateOfBirth nhsNumber updatedAt version';
    const together = await page(`id reference subjects { ${people} }`);
    const together2 = dataStatements().length;
    // Under a directive the subjects are not folded in: the person look-up answers them (the old path).
    const apart = await page(`id reference subjects @include(if: true) { ${people} }`);
    const apart2 = dataStatements().length;

    expect(together2).toBe(1);
    expect(apart2).toBe(2);
    expect(together.nodes.some((n) => (n.subjects as unknown[]).length > 0)).toBe(true);
    expect(together.nodes).toEqual(apart.nodes);
  });

  it('given a field resolved from the row (previous referrals of the subjects), then the column it compares is read', async () => {
    const r = await page('id previousReferrals { id }');

    expect(r.pageSql).toMatch(/r\.received_at/);
    expect(r.nodes.every((n) => Array.isArray(n.previousReferrals))).toBe(true);
  });
});
