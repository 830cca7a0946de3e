import crypto from 'node:crypto';
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { encodeCursor } from '../src/shared/pagination';
import { givenPerson, unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * Relay cursor connections to the letter (issue 22, ADR 021): one PageInfo, `first: 0`, the access
 * log as a connection, and a triage queue whose pages a client merges without seeing a re-rated
 * referral twice — checked with Apollo Client's own `relayStylePagination`, over HTTP, against a
 * real hub on a database of its own (so the queue holds exactly this story's referrals).
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $rag: Rag!, $v: Int!) { rateReferral(id: $id, rag: $rag, rationale: "Fictional rationale", expectedVersion: $v) { version } }`;
const VERSION = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { version } }`;
const QUEUE = gql`
  query Queue($first: Int, $after: String) {
    referrals(purpose: TRIAGE, orderBy: RAG, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          rag
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;
const RAW_QUEUE = `query($first: Int, $after: String) {
  referrals(purpose: TRIAGE, orderBy: RAG, first: $first, after: $after) { edges { cursor node { id rag } } pageInfo { hasNextPage endCursor } }
}`;
const LOG = `query($filter: AccessLogFilterInput, $first: Int, $after: String) {
  accessLogEntries(filter: $filter, first: $first, after: $after) {
    edges { cursor node { eventId operationName subjects { personId outcome } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const OLD_LOG = `query($filter: AccessLogFilterInput, $first: Int) { accessLog(filter: $filter, first: $first) { entries { eventId } hasNextPage endCursor } }`;
const PERSON = `query($id: ID!) { person(id: $id, purpose: TRIAGE) { id } }`;

type QueuePage = {
  referrals: {
    edges: Array<{ cursor: string; node: { id: string; rag: string | null } }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
};
type LogPage = {
  accessLogEntries: {
    edges: Array<{
      cursor: string;
      node: { eventId: string; operationName: string | null; subjects: Array<{ personId: string; outcome: string }> };
    }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
};

describe('Relay connections', () => {
  let hub: TestHub;
  let worker: string;
  let ig: string;

  beforeAll(async () => {
    hub = await startTestHub({}, { databaseUrl: await dedicatedDatabaseUrl('relay_connections') });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
  });
  afterAll(() => hub?.close());

  async function ok<T>(token: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const r = await hub.gql<T>(token, query, variables);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!;
  }
  async function submitted(rag: string | null): Promise<string> {
    const subject = {
      newPerson: {
        kind: 'CHILD',
        givenName: 'Testy',
        familyName: `Fictional${crypto.randomInt(1e6)}`,
        dateOfBirth: '2016-01-02',
      },
    };
    const input = {
      subjects: [subject],
      concernCategories: ['NEGLECT'],
      narrative: 'Fictional narrative',
      consentSought: true,
      consentGiven: true,
    };
    const { submitReferral } = await ok<{ submitReferral: { id: string } }>(worker, SUBMIT, {
      key: unique('k'),
      input,
    });
    if (rag) await rate(submitReferral.id, rag);
    return submitReferral.id;
  }
  async function rate(id: string, rag: string): Promise<void> {
    const { referral } = await ok<{ referral: { version: number } }>(worker, VERSION, { id });
    await ok(worker, RATE, { id, rag, v: referral.version });
  }
  function apolloFor(token: string) {
    return new ApolloClient({
      link: new HttpLink({
        uri: hub.server.url,
        headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
      }),
      cache: new InMemoryCache({
        typePolicies: { Query: { fields: { referrals: relayStylePagination(['purpose', 'orderBy', 'filter']) } } },
      }),
    });
  }

  describe('the triage queue, merged by Apollo Client while referrals are re-rated', () => {
    it('given red, amber, green and unrated referrals and a first page of two, when the red is re-rated green and the unrated red before the next page, then the merged list holds each referral once, where it stood', async () => {
      // Given: RED, AMBER, GREEN, unrated: the RAG order.
      const red = await submitted('RED');
      const amber = await submitted('AMBER');
      const green = await submitted('GREEN');
      const unrated = await submitted(null);
      const client = apolloFor(worker);
      const first = await client.query<QueuePage>({ query: QUEUE, variables: { first: 2 } });
      expect(first.data!.referrals.edges.map((e) => e.node.id)).toEqual([red, amber]);
      expect(first.data!.referrals.pageInfo).toMatchObject({
        hasNextPage: true,
        hasPreviousPage: false,
        startCursor: first.data!.referrals.edges[0]!.cursor,
      });

      // When: on another desk, the red one is re-rated GREEN (by today's keys it would come again
      // after the cursor) and the unrated one RED (it would jump before the cursor and be missed).
      await rate(red, 'GREEN');
      await rate(unrated, 'RED');
      let page = first.data!.referrals;
      while (page.pageInfo.hasNextPage) {
        // What `fetchMore` does: the next page is written into the same cached field (the key
        // arguments leave `first` and `after` out) and relayStylePagination merges it.
        const more = await client.query<QueuePage>({
          query: QUEUE,
          variables: { first: 2, after: page.pageInfo.endCursor },
          fetchPolicy: 'network-only',
        });
        page = more.data!.referrals;
      }

      // Then: Apollo's merged list has every referral exactly once, in the order of the first page's queue.
      const merged = client.readQuery<QueuePage>({ query: QUEUE, variables: { first: 2 } })!.referrals;
      expect(merged.edges.map((e) => e.node.id)).toEqual([red, amber, green, unrated]);
      // Each row shows what the client last fetched: the moved unrated one came on page two, rated
      // (a live client learns of the red one's change through referralChanged, as the desk does).
      expect(merged.edges.map((e) => e.node.rag)).toEqual(['RED', 'AMBER', 'GREEN', 'RED']);

      // And a fresh first page orders by today's ratings.
      const fresh = await ok<QueuePage>(worker, RAW_QUEUE, { first: 4 });
      expect(fresh.referrals.edges.map((e) => e.node.id).slice(0, 2)).toEqual([unrated, amber]);
      expect(
        fresh.referrals.edges
          .map((e) => e.node.id)
          .slice(2)
          .sort(),
      ).toEqual([red, green].sort());
    });

    it('given a first page read with its subjects, when a referral on a later page is re-rated before the next page, then the moved referral still shows its subject (it is looked up, not taken as out of scope)', async () => {
      // Given: a first page of one, its referrals' subjects asked for in the page's statement.
      const WITH_SUBJECTS = `query($first: Int, $after: String) {
        referrals(purpose: TRIAGE, orderBy: RAG, first: $first, after: $after) { edges { cursor node { id rag subjects { id } } } pageInfo { hasNextPage endCursor } }
      }`;
      type Page = {
        referrals: {
          edges: Array<{ node: { id: string; subjects: Array<{ id: string }> } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
      const moved = await submitted('GREEN');
      let page = (await ok<Page>(worker, WITH_SUBJECTS, { first: 1 })).referrals;
      expect(page.edges[0]!.node.id).not.toBe(moved);

      // When: the green one is re-rated AMBER on another desk (placed at its earlier key by the cursor).
      await rate(moved, 'AMBER');
      const seen: Page['referrals']['edges'] = [...page.edges];
      while (page.pageInfo.hasNextPage) {
        page = (await ok<Page>(worker, WITH_SUBJECTS, { first: 2, after: page.pageInfo.endCursor })).referrals;
        seen.push(...page.edges);
      }

      // Then: it is listed once, with its subject, and so is every other referral on the pages.
      expect(seen.filter((e) => e.node.id === moved)).toHaveLength(1);
      expect(seen.filter((e) => e.node.subjects.length !== 1).map((e) => e.node.id)).toEqual([]);
    });

    it('given the queue, when it is asked for first: 0, then an empty page whose hasNextPage says rows exist', async () => {
      await submitted('AMBER');
      const r = await ok<QueuePage>(
        worker,
        RAW_QUEUE.replace(
          'pageInfo { hasNextPage endCursor }',
          'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }',
        ),
        { first: 0 },
      );
      expect(r.referrals).toEqual({
        edges: [],
        pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
      });
    });

    it.each([
      ['a snapshot that is not one', 'not-a-snapshot'],
      ['a snapshot with a quote in it', "1:2:'"],
      ['a snapshot whose numbers do not hold together', '10:5:'],
      ['a snapshot listing an id outside it', '5:10:12'],
    ])(
      'given a cursor carrying %s, when the next page is asked for, then BAD_USER_INPUT names `after` and no page',
      async (_what, snapshot) => {
        const after = encodeCursor([0, new Date().toISOString(), crypto.randomUUID(), snapshot]);
        const r = await hub.gql(worker, RAW_QUEUE, { first: 2, after });
        expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
        expect(r.data).toBeNull();
      },
    );

    it('given a cursor issued before cursors carried a snapshot, when the next page is asked for, then it still pages by the current keys', async () => {
      const page = await ok<QueuePage>(worker, RAW_QUEUE, { first: 1 });
      const [rank, due, id] = JSON.parse(
        Buffer.from(page.referrals.edges[0]!.cursor, 'base64url').toString('utf8'),
      ) as unknown[];
      const r = await ok<QueuePage>(worker, RAW_QUEUE, { first: 1, after: encodeCursor([rank, due, id]) });
      expect(r.referrals.edges).toHaveLength(1);
      expect(r.referrals.edges[0]!.node.id).not.toBe(id);
    });
  });

  describe('the access log as a connection', () => {
    let childId: string;
    beforeAll(async () => {
      const officer = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
      childId = await givenPerson(hub, officer);
      for (let i = 0; i < 3; i++) await ok(worker, PERSON, { id: childId });
    });

    it('given reads of a child, when the IG auditor pages accessLogEntries one by one, then the edges are the deprecated accessLog entries, with Relay page info', async () => {
      const old = await ok<{ accessLog: { entries: Array<{ eventId: string }> } }>(ig, OLD_LOG, {
        filter: { personId: childId },
        first: 10,
      });
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: LogPage = await ok<LogPage>(ig, LOG, { filter: { personId: childId }, first: 1, after });
        const { edges, pageInfo } = page.accessLogEntries;
        expect(edges).toHaveLength(1);
        expect(pageInfo).toMatchObject({
          hasPreviousPage: false,
          startCursor: edges[0]!.cursor,
          endCursor: edges[0]!.cursor,
        });
        expect(edges[0]!.node.subjects).toEqual([expect.objectContaining({ personId: childId })]);
        seen.push(edges[0]!.node.eventId);
        if (!pageInfo.hasNextPage) break;
        after = pageInfo.endCursor;
      }
      // The newest is the auditor's own accessLog read just before (IG reviews are in a child's history too).
      expect(seen.slice(1)).toEqual(old.accessLog.entries.map((e) => e.eventId));
      expect(seen.length).toBeGreaterThanOrEqual(5); // the upsert, three reads and the IG read
    });

    it('given the access log, when the IG auditor asks for first: 0, then an empty page, and rows are said to follow', async () => {
      const page = await ok<LogPage>(ig, LOG, { filter: { personId: childId }, first: 0 });
      expect(page.accessLogEntries).toEqual({
        edges: [],
        pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
      });
    });

    it('given a social worker, when they ask for accessLogEntries, then FORBIDDEN and no page', async () => {
      const r = await hub.gql(worker, LOG, { filter: { personId: childId }, first: 1 });
      expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(r.data?.accessLogEntries ?? null).toBeNull();
    });
  });
});
