import { givenPerson } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 17 (ADR 007): queries by GET put search terms (a child's name, NHS number) in URLs that
 * proxies log. Every GraphQL operation by GET is refused with 405 and `Allow: POST`, before
 * authentication; nothing is read or audited. POST keeps Apollo's CSRF protection (a "simple"
 * cross-site POST is refused).
 */
describe('GraphQL by POST only', () => {
  let hub: TestHub;
  let token: string;
  beforeAll(async () => {
    hub = await startTestHub();
    token = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  it('given a search by GET with the CSRF-safe header, then 405 with Allow: POST, no data and no audit event', async () => {
    await givenPerson(hub, token, { familyName: 'Getwood' });
    const query =
      '{ searchPeople(input: { familyName: "Getwood" }, purpose: DIRECT_CARE) { person { id givenName } } }';
    const res = await fetch(`${hub.server.url}?query=${encodeURIComponent(query)}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true', accept: 'application/json' },
    });
    const body = (await res.json()) as { data?: unknown; errors: Array<{ extensions: { code: string } }> };
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(body.data).toBeUndefined();
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(
      await hub.db.query('SELECT 1 FROM audit_event WHERE request_id = $1', [res.headers.get('x-request-id')]),
    ).toEqual([]);
  });

  it('given an APQ hash by GET, or a GET asking for HTML with a query, then 405 too', async () => {
    const ext = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } }));
    for (const [url, accept] of [
      [`${hub.server.url}?extensions=${ext}`, 'application/json'],
      [`${hub.server.url}?query=${encodeURIComponent('{ me { sub } }')}`, 'text/html'],
    ]) {
      const res = await fetch(url!, {
        headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true', accept: accept! },
      });
      expect(res.status).toBe(405);
    }
  });

  it('given the same search by POST, then it is answered (the control); a cross-site "simple" POST is refused by the CSRF check', async () => {
    const r = await hub.gql(token, '{ me { agency } }');
    expect(r.data).toEqual({ me: { agency: 'police' } });
    const simple = await fetch(hub.server.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { agency } }' }),
    });
    expect(simple.status).toBe(400);
    expect(JSON.stringify(await simple.json())).not.toContain('police');
  });
});
