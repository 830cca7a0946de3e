import { givenPerson, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 17 (ADR 007): the audit's request id is always the hub's own. A client-chosen `x-request-id`
 * became the audit's request id, so two users' events shared one; now the client's value is kept only
 * as a correlation id (validated), beside the hub's id, and the response names the hub's id.
 */

const READ = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { givenName } }`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids and correlation ids', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  const eventsOf = (requestIds: string[]) =>
    hub.db.query(
      `SELECT request_id, actor_sub, payload->>'correlationId' AS correlation_id FROM audit_event WHERE request_id = ANY($1) ORDER BY actor_sub`,
      [requestIds],
    ) as Promise<Array<{ request_id: string; actor_sub: string; correlation_id: string | null }>>;

  it('given two users sending the same x-request-id, then each audit event has the hub’s own id (the one in its response) and the client’s value only as correlation id', async () => {
    const chosen = unique('shared');
    const a = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('a-officer') });
    const b = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('b-officer') });
    const personA = await givenPerson(hub, a);
    const personB = await givenPerson(hub, b);

    const ra = await hub.gql(a, READ, { id: personA }, { 'x-request-id': chosen });
    const rb = await hub.gql(b, READ, { id: personB }, { 'x-request-id': chosen });
    const ids = [ra.headers.get('x-request-id')!, rb.headers.get('x-request-id')!];
    expect(ids[0]).toMatch(UUID);
    expect(ids[1]).toMatch(UUID);
    expect(ids[0]).not.toBe(ids[1]);

    const events = await eventsOf(ids);
    expect(events.map((e) => [e.request_id, e.correlation_id])).toEqual(
      expect.arrayContaining([
        [ids[0], chosen],
        [ids[1], chosen],
      ]),
    );
    expect(events).toHaveLength(2);
    expect(await hub.db.query(`SELECT 1 FROM audit_event WHERE request_id = $1`, [chosen])).toEqual([]);
  });

  it('given a malformed x-request-id (spaces, markup, too long), then it is not kept at all, and the request is served with the hub’s id', async () => {
    const token = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const person = await givenPerson(hub, token);
    const ids: string[] = [];
    for (const bad of ['Jane Example 2016-04-05', '<script>', 'x'.repeat(65)]) {
      const r = await hub.gql(token, READ, { id: person }, { 'x-request-id': bad });
      expect(r.errors).toBeUndefined();
      ids.push(r.headers.get('x-request-id')!);
    }
    const events = await eventsOf(ids);
    expect(events.map((e) => e.correlation_id)).toEqual([null, null, null]);
    expect(events.map((e) => e.request_id).sort()).toEqual([...ids].sort());
  });

  it('given a request without x-request-id, then the response still names the hub’s id and its event carries no correlation id', async () => {
    const token = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const r = await hub.gql(token, READ, { id: await givenPerson(hub, token) });
    const id = r.headers.get('x-request-id')!;
    expect(id).toMatch(UUID);
    expect((await eventsOf([id])).map((e) => e.correlation_id)).toEqual([null]);
  });
});
