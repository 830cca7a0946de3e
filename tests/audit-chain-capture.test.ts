import { batchHash, GENESIS_HASH, rowsHash } from '../src/audit/audit-event';
import { givenPerson } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

describe('audit batches form a hash chain', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it('given concurrent audited requests, when the batches are recomputed, then ids are contiguous and every hash links', async () => {
    const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const ids = await Promise.all(Array.from({ length: 5 }, () => givenPerson(hub, police)));
    await Promise.all(
      ids.map((id) =>
        hub.gql(police, `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { givenName } }`, { id }),
      ),
    );

    const batches: Array<{ id: string; rows_hash: string; prev_hash: string; hash: string }> = await hub.db.query(
      // One chain per partnership (ADR 016): this story's requests act in the default partnership.
      `SELECT id, rows_hash, prev_hash, hash FROM audit_batch WHERE partnership_id = 'default' ORDER BY id`,
    );
    let prev = GENESIS_HASH;
    for (const [i, b] of batches.entries()) {
      expect(Number(b.id)).toBe(i + 1);
      const events: Array<{ payload: unknown }> = await hub.db.query(
        `SELECT payload FROM audit_event WHERE partnership_id = 'default' AND batch_id = $1 ORDER BY seq`,
        [b.id],
      );
      expect(b.prev_hash).toBe(prev);
      expect(b.rows_hash).toBe(rowsHash(events.map((e) => e.payload)));
      expect(b.hash).toBe(batchHash(b.id, b.prev_hash, b.rows_hash));
      prev = b.hash;
    }
    expect(batches.length).toBeGreaterThan(0);
  });

  it('given reads one after another, when audited, then event ids are time-ordered (UUID version 7) so the primary keys append', async () => {
    const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const id = await givenPerson(hub, police);
    const requestIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await hub.gql(police, `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { givenName } }`, {
        id,
      });
      requestIds.push(r.headers.get('x-request-id')!);
    }

    const events: Array<{ id: string; request_id: string }> = await hub.db.query(
      `SELECT id::text, request_id FROM audit_event WHERE request_id = ANY($1) ORDER BY batch_id, seq`,
      [requestIds],
    );
    expect(events.map((e) => e.request_id)).toEqual(requestIds);
    for (const e of events)
      expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ids = events.map((e) => e.id);
    expect([...ids].sort()).toEqual(ids);
  });

  it('given an audit row, when the application tries to change it, then the database refuses', async () => {
    await expect(hub.db.query(`UPDATE audit_event SET outcome = 'SUCCESS' WHERE batch_id = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(hub.db.query(`DELETE FROM audit_batch WHERE id = 1`)).rejects.toThrow(/append-only/);
  });
});
