import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { verifyAuditChain } from '../src/governance/chain-verify';
import { createDataSource } from '../src/db/data-source';
import { inPartnership } from '../src/db/partnership-scope';
import { createLogger } from '../src/shared/logger';
import { fakeNhsNumber } from './support/factories';
import { appUrlOf, dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Partnerships as tenants (issue 26, ADR 016): the row-level security wall, the partnership each
 * request acts in, and one audit chain per partnership.
 */

/** Tables without the wall, and why (the same list as migration 1764100000000). */
const NOT_WALLED: Record<string, string> = {
  schema_migrations: 'migration bookkeeping',
  partnership: 'the tenants themselves',
  database_environment: 'the production mark',
  periodic_job: 'job leases: names and times',
  rate_limit: 'request counters per user, who may act for several partnerships',
  audit_checkpoint:
    "signed checkpoints of every partnership's chain head: ids and hashes only, spanning partnerships by design (migration 1765100000000)",
};

const UPSERT = `mutation($input: PersonInput!) { upsertPerson(input: $input) { person { id } } }`;
const PERSON = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id familyName } }`;
const ME = `{ me { sub } }`;

const newId = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;

describe('partnerships walled by row-level security', () => {
  let hub: TestHub;
  let app: DataSource;
  const a = newId('wa');
  const b = newId('wb');
  let both: string;
  let onlyA: string;
  let personA: string;
  let personB: string;

  const as = (partnership: string) => ({ 'x-mash-partnership': partnership });

  async function upsert(token: string, partnership: string): Promise<string> {
    const input = {
      sourceSystem: 'TEST',
      sourceReference: newId('p'),
      kind: 'CHILD',
      givenName: 'Testy',
      familyName: `Fictional${crypto.randomInt(1e6)}`,
      dateOfBirth: '2016-04-03',
      nhsNumber: fakeNhsNumber(),
    };
    const r = await hub.gql<{ upsertPerson: { person: { id: string } } }>(token, UPSERT, { input }, as(partnership));
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.upsertPerson.person.id;
  }

  beforeAll(async () => {
    // A database of its own: the partnerships it adds must not reach the shared database's commands (which refuse to guess among several).
    hub = await startTestHub({}, { databaseUrl: await dedicatedDatabaseUrl('partnership_wall') });
    await hub.db.query(
      `INSERT INTO partnership (id, display_name) VALUES ($1, 'Wall test A (fictional)'), ($2, 'Wall test B (fictional)')`,
      [a, b],
    );
    both = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], partnerships: [a, b] });
    onlyA = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], partnerships: [a] });
    personA = await upsert(both, a);
    personB = await upsert(both, b);
    app = createDataSource(appUrlOf(hub.config.migrationDatabaseUrl!), createLogger('silent'), 1);
    await app.initialize();
  });
  afterAll(async () => {
    await app?.destroy();
    await hub?.close();
  });

  describe('the catalogue', () => {
    it('every table and partition has row-level security enabled and forced, with the restrictive wall read once per statement, except the allow-list', async () => {
      const rows: Array<{
        name: string;
        rls: boolean;
        forced: boolean;
        wall: string | null;
        permissive: string | null;
        dflt: string | null;
      }> = await hub.db.query(
        `SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
                (SELECT pg_get_expr(p.polqual, p.polrelid) FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'partnership_wall' AND NOT p.polpermissive) AS wall,
                (SELECT pg_get_expr(p.polqual, p.polrelid) FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'partnership_rows' AND p.polpermissive) AS permissive,
                (SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute at ON at.attrelid = d.adrelid AND at.attnum = d.adnum
                  WHERE d.adrelid = c.oid AND at.attname = 'partnership_id') AS dflt
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          ORDER BY c.relname`,
      );
      const walled = rows.filter((r) => !(r.name in NOT_WALLED));
      expect(walled.length).toBeGreaterThan(40); // the tables and every audit partition
      const unwalled = walled.filter((r) => !r.rls || !r.forced || !r.wall || !r.permissive).map((r) => r.name);
      expect(unwalled).toEqual([]);
      for (const r of walled) {
        // The sub-select makes the setting an init plan: read once per statement, not once per row.
        expect(r.wall).toMatch(
          /^\(partnership_id = \( SELECT NULLIF\(current_setting\('mash\.partnership'::text, true\), ''::text\) AS "nullif"\)\)$/,
        );
        expect(r.dflt).toBe('mash_current_partnership()');
      }
      const allowed = rows
        .filter((r) => r.name in NOT_WALLED)
        .map((r) => r.name)
        .sort();
      expect(allowed).toEqual(Object.keys(NOT_WALLED).sort());
    });

    it('the serving role cannot bypass row-level security', async () => {
      const [role] = await app.query(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`);
      expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    });
  });

  describe('the serving role, directly', () => {
    it('given a partnership set for the transaction, then rows of another partnership are invisible, in a table and in an audit partition', async () => {
      const read = (partnership: string | null, sql: string, params: unknown[]) =>
        app.transaction(async (m) => {
          if (partnership) await m.query(`SELECT set_config('mash.partnership', $1, true)`, [partnership]);
          return (await m.query(sql, params)) as unknown[];
        });
      expect(await read(a, 'SELECT id FROM person WHERE id = $1', [personA])).toHaveLength(1);
      expect(await read(b, 'SELECT id FROM person WHERE id = $1', [personA])).toHaveLength(0);
      expect(await read(null, 'SELECT id FROM person WHERE id = $1', [personA])).toHaveLength(0);

      const [{ partition }] = await hub.db.query(
        `SELECT tableoid::regclass::text AS partition FROM audit_disclosure WHERE person_id = $1 LIMIT 1`,
        [personA],
      );
      expect(partition).toMatch(/^audit_disclosure_\d{4}_\d{2}$/);
      // The serving role reaches the audit only through the partitioned table: a partition itself is
      // refused outright (and walled too, as the catalogue shows).
      await expect(read(b, `SELECT event_id FROM ${partition} WHERE person_id = $1`, [personA])).rejects.toThrow(
        /permission denied/,
      );
      expect(await read(a, `SELECT event_id FROM audit_disclosure WHERE person_id = $1`, [personA])).not.toHaveLength(
        0,
      );
      expect(await read(b, `SELECT event_id FROM audit_disclosure WHERE person_id = $1`, [personA])).toHaveLength(0);
    });

    it('given no partnership set, an insert is refused; given one, a row claiming another partnership is refused', async () => {
      await expect(
        app.query(`INSERT INTO person (kind, given_name, family_name) VALUES ('CHILD', 'Testy', 'Fictional')`),
      ).rejects.toThrow(/no partnership is set for this transaction/);
      await expect(
        app.transaction(async (m) => {
          await m.query(`SELECT set_config('mash.partnership', $1, true)`, [b]);
          await m.query(
            `INSERT INTO person (partnership_id, kind, given_name, family_name) VALUES ($1, 'CHILD', 'Testy', 'Fictional')`,
            [a],
          );
        }),
      ).rejects.toThrow(/row-level security/);
      await expect(
        app.transaction(async (m) => {
          await m.query(`SELECT set_config('mash.partnership', $1, true)`, [b]);
          return m.query(`UPDATE person SET family_name = 'Changed' WHERE id = $1 RETURNING id`, [personA]);
        }),
      ).resolves.toEqual([[], 0]);
    });

    it('given one pooled connection alternating two partnerships over 2,000 requests, then none sees a row of the other', async () => {
      const seen = { [a]: 0, [b]: 0 };
      let leaked = 0;
      for (let i = 0; i < 2000; i++) {
        const mine = i % 2 === 0 ? a : b;
        const rows: Array<{ partnership_id: string }> = await inPartnership(
          { partnership: mine, actor: 'test', requestId: `alt-${i}` },
          () =>
            i % 3 === 0
              ? app.transaction((m) =>
                  m.query(`SELECT partnership_id FROM person WHERE id = ANY($1)`, [[personA, personB]]),
                )
              : app.query(`SELECT partnership_id FROM person WHERE id = ANY($1)`, [[personA, personB]]),
        );
        seen[mine] += rows.length;
        leaked += rows.filter((r) => r.partnership_id !== mine).length;
        // A failed transaction in between must leave nothing behind either.
        if (i % 250 === 0) {
          await inPartnership({ partnership: mine, actor: 'test', requestId: `fail-${i}` }, () =>
            app.query('SELECT 1/0'),
          ).catch(() => undefined);
        }
      }
      expect(leaked).toBe(0);
      expect(seen).toEqual({ [a]: 1000, [b]: 1000 });
      // With no scope at all, the same connection sees nothing.
      expect(await app.query(`SELECT id FROM person WHERE id = ANY($1)`, [[personA, personB]])).toEqual([]);
    });
  });

  describe('the partnership a request acts in', () => {
    it('given a token for one partnership, when the request names it or names none, then it is served', async () => {
      expect((await hub.gql(onlyA, ME, undefined, as(a))).errors).toBeUndefined();
      expect((await hub.gql(onlyA, ME)).errors).toBeUndefined();
    });

    it('given a token for one partnership, when the request names another, then it is refused (403 FORBIDDEN) and nothing is read', async () => {
      const r = await hub.gql(onlyA, PERSON, { id: personB }, as(b));
      expect(r.status).toBe(403);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(r.errors?.[0]?.message).toMatch(/may not act for the partnership named in x-mash-partnership/);
      expect(r.data ?? null).toBeNull();
    });

    it('given a token for two partnerships, when the request names none, then it is refused and asked to choose', async () => {
      const r = await hub.gql(both, ME);
      expect(r.status).toBe(403);
      expect(r.errors?.[0]?.message).toMatch(/several partnerships: name one in x-mash-partnership/);
    });

    it('given two x-mash-partnership values, then the request is refused', async () => {
      const r = await hub.gql(both, ME, undefined, { 'x-mash-partnership': `${a}, ${b}` });
      expect(r.status).toBe(403);
    });

    it('given a person of partnership B, when read through the API acting in A, then NOT_FOUND; acting in B, then found', async () => {
      const inA = await hub.gql<{ person: { id: string } | null }>(both, PERSON, { id: personB }, as(a));
      expect(inA.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(inA.data?.person ?? null).toBeNull();
      const inB = await hub.gql<{ person: { id: string } }>(both, PERSON, { id: personB }, as(b));
      expect(inB.errors).toBeUndefined();
      expect(inB.data!.person.id).toBe(personB);
    });

    it('given the same NHS number in two partnerships, then each holds its own child (keys are unique per partnership)', async () => {
      const nhsNumber = fakeNhsNumber();
      const input = (ref: string) => ({
        sourceSystem: 'TEST',
        sourceReference: ref,
        kind: 'CHILD',
        givenName: 'Testy',
        familyName: 'Fictional',
        dateOfBirth: '2016-04-03',
        nhsNumber,
      });
      const inA = await hub.gql<{ upsertPerson: { person: { id: string } } }>(
        both,
        UPSERT,
        { input: input(newId('r')) },
        as(a),
      );
      const inB = await hub.gql<{ upsertPerson: { person: { id: string } } }>(
        both,
        UPSERT,
        { input: input(newId('r')) },
        as(b),
      );
      expect(inA.errors).toBeUndefined();
      expect(inB.errors).toBeUndefined();
      expect(inA.data!.upsertPerson.person.id).not.toBe(inB.data!.upsertPerson.person.id);
    });
  });

  describe('live changes (graphql-ws)', () => {
    const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
    const CHANGED = `subscription { referralChanged(purpose: TRIAGE) { id } }`;
    const submit = async (token: string, partnership: string) => {
      const r = await hub.gql<{ submitReferral: { id: string } }>(
        token,
        SUBMIT,
        {
          key: newId('k'),
          input: {
            subjects: [
              { newPerson: { kind: 'CHILD', givenName: 'Testy', familyName: 'Fictional', dateOfBirth: '2016-04-05' } },
            ],
            concernCategories: ['NEGLECT'],
            narrative: 'Fictional narrative for a wall test.',
            consentSought: true,
            consentGiven: true,
          },
        },
        as(partnership),
      );
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data!.submitReferral.id;
    };

    it("given a subscriber acting in A (the connection parameter), when referrals change in B then in A, then only A's is pushed", async () => {
      const worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], partnerships: [a, b] });
      const referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], partnerships: [a, b] });
      const received: string[] = [];
      const before = hub.server.hub.events.subscriberCount('referral');
      const client = createClient({
        url: hub.server.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${worker}`, 'x-mash-partnership': a },
        retryAttempts: 0,
      });
      const stop = client.subscribe<{ referralChanged: { id: string } | null }>(
        { query: CHANGED },
        {
          next: (v) => void (v.data?.referralChanged && received.push(v.data.referralChanged.id)),
          error: () => undefined,
          complete: () => undefined,
        },
      );
      try {
        for (let i = 0; i < 200 && hub.server.hub.events.subscriberCount('referral') <= before; i++)
          await new Promise((r) => setTimeout(r, 20));
        const inB = await submit(referrer, b);
        const inA = await submit(referrer, a);
        for (let i = 0; i < 200 && !received.includes(inA); i++) await new Promise((r) => setTimeout(r, 20));
        expect(received).toContain(inA);
        expect(received).not.toContain(inB);
      } finally {
        stop();
        await client.dispose();
      }
    });
  });

  describe('the audit, one chain per partnership', () => {
    it('given reads in both partnerships, then each partnership has its own chain from batch 1, and each verifies', async () => {
      const chains: Array<{ partnership_id: string; first: string; n: number }> = await hub.db.query(
        `SELECT partnership_id, min(id)::text AS first, count(*)::int AS n FROM audit_batch WHERE partnership_id = ANY($1) GROUP BY 1 ORDER BY 1`,
        [[a, b]],
      );
      expect(chains.map((c) => [c.partnership_id, c.first])).toEqual([
        [a, '1'],
        [b, '1'],
      ]);
      for (const p of [a, b]) {
        const v = await inPartnership({ partnership: p, actor: 'test', requestId: newId('verify') }, () =>
          verifyAuditChain(app),
        );
        expect(v.message).toMatch(/^intact/);
        expect(v.batchesChecked).toBe(chains.find((c) => c.partnership_id === p)!.n);
      }
    });

    it("given partnership A's chain locked, when B's request is audited, then it completes without waiting; A's waits for the lock", async () => {
      const holder = createDataSource(hub.config.migrationDatabaseUrl!, createLogger('silent'), 1);
      await holder.initialize();
      const runner = holder.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await runner.query(`SELECT pg_advisory_xact_lock(7243001, hashtext($1))`, [a]);
        let aDone = false;
        const aRead = hub.gql(both, PERSON, { id: personA }, as(a)).then((r) => {
          aDone = true;
          return r;
        });
        const bRead = await hub.gql<{ person: { id: string } }>(both, PERSON, { id: personB }, as(b));
        expect(bRead.errors).toBeUndefined();
        expect(aDone).toBe(false);
        await runner.commitTransaction();
        expect((await aRead).errors).toBeUndefined();
      } finally {
        await runner.release();
        await holder.destroy();
      }
    });
  });

  describe('query plans stay index-driven behind the wall', () => {
    it('given the main look-ups under the policy, then each can be served by an index, with the partnership read once (an init plan)', async () => {
      const plans: Record<string, string> = {};
      const queries: Record<string, string> = {
        personById: `SELECT * FROM person WHERE id = '${personA}'`,
        referralQueue: `SELECT id FROM referral WHERE status IN ('RECEIVED', 'IN_TRIAGE') ORDER BY decision_due_at LIMIT 20`,
        recordsOfPerson: `SELECT id FROM agency_record WHERE person_id = '${personA}'`,
        accessLogOfPerson: `SELECT event_id FROM audit_disclosure WHERE person_id = '${personA}' AND occurred_at > now() - interval '90 days'`,
        auditChainHead: `SELECT id, hash FROM audit_batch WHERE partnership_id = '${a}' ORDER BY id DESC LIMIT 1`,
      };
      await app.transaction(async (m) => {
        await m.query(`SELECT set_config('mash.partnership', $1, true)`, [a]);
        // The tables of a test database are tiny: forbid sequential scans to ask whether an index path exists at all.
        await m.query(`SET LOCAL enable_seqscan = off`);
        for (const [name, sql] of Object.entries(queries)) {
          const rows: Array<{ 'QUERY PLAN': string }> = await m.query(`EXPLAIN ${sql}`);
          plans[name] = rows.map((r) => r['QUERY PLAN']).join('\n');
        }
      });
      for (const [name, plan] of Object.entries(plans)) {
        expect({ name, seqScan: /Seq Scan/.test(plan) }).toEqual({ name, seqScan: false });
        expect({ name, initPlan: /InitPlan/.test(plan) }).toEqual({ name, initPlan: true });
      }
    });
  });
});
