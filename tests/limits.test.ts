import { startTestHub, type TestHub } from './support/test-hub';

describe('resource limits', () => {
  let hub: TestHub;
  let token: string;
  beforeAll(async () => {
    hub = await startTestHub();
    token = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  it('given a query nested deeper than allowed, then it is rejected before execution', async () => {
    const deep = `{ searchPeople(input: {familyName: "Xx"}, purpose: DIRECT_CARE) { person { relationships { relatedPerson { relationships { relatedPerson { relationships { relatedPerson { relationships { relatedPerson { relationships { relatedPerson { id } } } } } } } } } } } } }`;
    const r = await hub.gql(token, deep);
    expect(r.status).toBe(400);
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.data).toBeUndefined();
  });

  it('given more aliases than allowed, counting __typename aliases, then it is rejected', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `t${i}: __typename`).join(' ');
    const r = await hub.gql(token, `{ ${aliases} }`);
    expect(r.status).toBe(400);
    expect(r.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('given a modest query, then it is accepted', async () => {
    const r = await hub.gql(token, `{ a: __typename b: __typename me { sub } }`);
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
  });

  it('given a body over 100 kB, then 413 with a stable code and no stack', async () => {
    const res = await fetch(hub.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ me { sub } }`, variables: { pad: 'x'.repeat(120_000) } }),
    });
    expect(res.status).toBe(413);
    const text = await res.text();
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(text).not.toMatch(/at .*\.js/);
  });

  it('given malformed JSON, then 400 and no stack', async () => {
    const res = await fetch(hub.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/node_modules|at .*\.js/);
  });

  it('given a JSON array batch, then it is refused', async () => {
    const res = await fetch(hub.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ me { sub } }' }, { query: '{ me { sub } }' }]),
    });
    expect(res.status).toBe(400);
  });

  it('given a GET without a CSRF-safe header, then it is refused', async () => {
    const res = await fetch(`${hub.server.url}?query=${encodeURIComponent('{ me { sub } }')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    // 405 since issue 17: every GET operation is refused (tests/post-only.test.ts); 400 (CSRF) before.
    expect(res.status).toBe(405);
  });

  it('given page size over the maximum, then BAD_USER_INPUT rather than a clamped page', async () => {
    const r = await hub.gql(
      token,
      `{ searchPeople(input: {familyName: "Xx"}, purpose: DIRECT_CARE, first: 51) { score } }`,
    );
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
