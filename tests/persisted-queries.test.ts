import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../src/config';
import { TrustedDocuments } from '../src/app/persisted-queries';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 17, persisted queries (ADR 007): Apollo's automatic persisted queries answer
 * PERSISTED_QUERY_NOT_FOUND (so Apollo Client's link resends the document), and in trusted-documents
 * mode only the operations registered for the calling partner app run.
 */

const sha = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');
const ME = 'query Me { me { sub agency } }';
const ALERTS = 'subscription Alerts { alertRaised { kind } }';

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

async function post(
  hub: TestHub,
  token: string | null,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(hub.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const byHash = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

describe('automatic persisted queries (APQ)', () => {
  let hub: TestHub;
  const logLines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    hub = await startTestHub({}, { logLines });
  });
  afterAll(() => hub.close());

  it('given a hash the hub has not seen, when a client sends only the hash, then PERSISTED_QUERY_NOT_FOUND (no masked error, no stack logged), and the full document registers it', async () => {
    const token = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const query = `query Apq${crypto.randomUUID().replace(/-/g, '')} { me { agency } }`;
    const hash = sha(query);

    const miss = await post(hub, token, byHash(hash));
    expect(miss.status).toBe(200);
    expect(miss.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(miss.body.data ?? null).toBeNull();
    expect(logLines.filter((l) => l.msg === 'unexpected error')).toEqual([]);

    // What Apollo Client's persisted-query link does next: the document with its hash.
    const register = await post(hub, token, { query, ...byHash(hash) });
    expect(register.body.data).toEqual({ me: { agency: 'police' } });
    // And from then on the hash alone is enough.
    const hit = await post(hub, token, byHash(hash));
    expect(hit.body.data).toEqual({ me: { agency: 'police' } });
  });

  it('given a hash that is not the document’s, then 400 BAD_USER_INPUT and nothing is registered', async () => {
    const token = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const query = `query Wrong${crypto.randomUUID().replace(/-/g, '')} { me { agency } }`;
    const other = sha(`${query} `);
    const r = await post(hub, token, { query, ...byHash(other) });
    expect(r.status).toBe(400);
    expect(r.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect((await post(hub, token, byHash(other))).body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(logLines.filter((l) => l.msg === 'unexpected error')).toEqual([]);
  });
});

describe('trusted documents (TRUSTED_DOCUMENTS=enforce)', () => {
  let hub: TestHub;
  let dir: string;
  const clients: Client[] = [];
  const APP = { 'apollographql-client-name': 'police-case-app' };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-trusted-'));
    const manifest = {
      apps: {
        'police-case-app': {
          operations: [
            { id: sha(ME), body: ME, name: 'Me' },
            { id: sha(ALERTS), body: ALERTS, name: 'Alerts' },
          ],
        },
        'health-app': { operations: [{ id: sha('query H { me { sub } }'), body: 'query H { me { sub } }' }] },
      },
    };
    fs.writeFileSync(path.join(dir, 'trusted.json'), JSON.stringify(manifest));
    hub = await startTestHub({
      TRUSTED_DOCUMENTS: 'enforce',
      MASH_TRUSTED_DOCUMENTS_FILE: path.join(dir, 'trusted.json'),
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('given an operation registered for the app, when it is sent by hash or in full, then it runs', async () => {
    const token = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    expect((await post(hub, token, { ...byHash(sha(ME)), operationName: 'Me' }, APP)).body.data).toEqual({
      me: expect.objectContaining({ agency: 'police' }),
    });
    expect((await post(hub, token, { query: ME }, APP)).body.data).toEqual({
      me: expect.objectContaining({ agency: 'police' }),
    });
  });

  it('given an unregistered document, an unknown hash, another app’s operation or no app name, then 400 PERSISTED_QUERY_NOT_IN_LIST and no data', async () => {
    const token = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const attempts: Array<[unknown, Record<string, string>]> = [
      [{ query: '{ me { sub agency name } }' }, APP],
      [byHash(sha('{ me { sub agency name } }')), APP],
      [byHash(sha('query H { me { sub } }')), APP],
      [{ query: 'query H { me { sub } }' }, APP],
      [{ query: ME }, {}],
      [byHash(sha(ME)), {}],
      [{ query: ME }, { 'apollographql-client-name': 'unknown-app' }],
    ];
    for (const [body, headers] of attempts) {
      const r = await post(hub, token, body, headers);
      expect(r.status).toBe(400);
      expect(r.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(r.body.data ?? null).toBeNull();
    }
  });

  it('given the APQ registration of an unregistered document, then it is refused and its hash stays unknown', async () => {
    const token = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const query = '{ me { name } }';
    expect((await post(hub, token, { query, ...byHash(sha(query)) }, APP)).body.errors![0]!.extensions!.code).toBe(
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
    expect((await post(hub, token, byHash(sha(query)), APP)).body.errors![0]!.extensions!.code).toBe(
      'PERSISTED_QUERY_NOT_IN_LIST',
    );
  });

  it('given a WebSocket, then a registered subscription is served and an unregistered one refused with PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const token = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    const subscribe = (query: string, extensions?: unknown) =>
      new Promise<{ errors?: Array<{ extensions?: { code?: string } }>; open?: boolean }>((resolve) => {
        const client = createClient({
          url: hub.server.url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${token}`, clientName: 'police-case-app' },
          retryAttempts: 0,
        });
        clients.push(client);
        const timer = setTimeout(() => resolve({ open: true }), 700);
        client.subscribe({ query, ...(extensions ? { extensions } : {}) } as { query: string }, {
          next: () => undefined,
          error: (e) => {
            clearTimeout(timer);
            resolve({ errors: e as never });
          },
          complete: () => undefined,
        });
      });
    expect(await subscribe(ALERTS)).toEqual({ open: true });
    expect(await subscribe('', byHash(sha(ALERTS)).extensions)).toEqual({ open: true });
    const refused = await subscribe('subscription { alertRaised { kind id } }');
    expect(refused.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('given enforce without a manifest, or a manifest whose hash is not its body’s, then the hub refuses to start naming the variable', async () => {
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: 'enforce' })).toThrow(/MASH_TRUSTED_DOCUMENTS_FILE/);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({ apps: { a: { operations: [{ id: sha('{ me { sub } }'), body: '{ me { name } }' }] } } }),
    );
    // What startServer loads before it serves anything.
    expect(() => TrustedDocuments.load(bad)).toThrow(/MASH_TRUSTED_DOCUMENTS_FILE.*not the sha256/);
  });
});
