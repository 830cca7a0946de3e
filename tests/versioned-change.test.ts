import { unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * The versioned change (ADR 011) checks what it changes under the lock, not only before it: a
 * referral merged into another that was withdrawn meanwhile is refused, and nothing is merged.
 */
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const MERGE = `mutation($id: ID!, $into: ID!) { mergeReferral(id: $id, intoId: $into, expectedVersion: 1) { status } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawReferral(id: $id, reason: "Fictional: withdrawn meanwhile", expectedVersion: 1) { status } }`;

describe('versioned change: checked again under the lock', () => {
  let hub: TestHub;
  let worker: string;
  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: unique('sw') });
  });
  afterAll(() => hub.close());

  async function submitted(): Promise<string> {
    const r = await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
      input: {
        subjects: [
          {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Testy',
              familyName: unique('Fictional'),
              dateOfBirth: '2015-02-03',
            },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative.',
        consentSought: true,
        consentGiven: true,
      },
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    return r.data!.submitReferral.id;
  }

  it('given a merge waiting on the duplicate’s lock, when the surviving referral is withdrawn meanwhile, then the merge is refused and nothing moves', async () => {
    const survivor = await submitted();
    const duplicate = await submitted();
    // Given another transaction holding the duplicate's row
    const holder = hub.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT id FROM referral WHERE id = $1 FOR UPDATE`, [duplicate]);
    try {
      // When the merge has passed its first check and waits for the lock …
      const merging = hub.gql(worker, MERGE, { id: duplicate, into: survivor });
      for (let i = 0; i < 100; i++) {
        const [{ n }] = (await hub.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT * FROM referral WHERE id = $1 FOR UPDATE%'`,
        )) as [{ n: number }];
        if (n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // … and the surviving referral is withdrawn
      const withdrawn = await hub.gql(worker, WITHDRAW, { id: survivor });
      expect(withdrawn.errors).toBeUndefined();
      await holder.commitTransaction();
      const merged = await merging;
      // Then the merge is refused, naming intoId, and the duplicate and its subjects stay where they were
      expect(merged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'intoId' });
      const [dup] = (await hub.db.query(`SELECT status, version FROM referral WHERE id = $1`, [duplicate])) as Array<{
        status: string;
        version: number;
      }>;
      expect(dup).toEqual({ status: 'RECEIVED', version: 1 });
      const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM referral_subject WHERE referral_id = $1`, [
        survivor,
      ])) as [{ n: number }];
      expect(n).toBe(1);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });
});
