import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { signDevToken } from '../src/auth/authenticator';
import { unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 17, WebSocket authentication (ADR 007): the token is accepted under `Authorization` in any
 * letter case, a bad one is refused with 4403 (graphql-ws's Forbidden), and an open socket does not
 * outlive its token: it is closed 4403 "Token expired" and nothing is pushed after the expiry.
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $rag: Rag!, $v: Int!) { rateReferral(id: $id, rag: $rag, rationale: "Fictional rationale", expectedVersion: $v) { version } }`;
const CHANGED = `subscription($filter: ReferralChangeFilter, $purpose: Purpose!) { referralChanged(filter: $filter, purpose: $purpose) { id rag } }`;
const ALERTS = 'subscription { alertRaised { kind } }';

interface Socket {
  received: unknown[];
  errors: unknown[];
  close?: { code: number; reason: string };
  connected: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('WebSocket authentication', () => {
  let hub: TestHub;
  const clients: Client[] = [];
  beforeAll(async () => {
    // No clock tolerance: a token is refused the second it expires, over HTTP and WebSocket alike.
    hub = await startTestHub({ AUTH_CLOCK_TOLERANCE_SECONDS: '0' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await hub.close();
  });

  function open(
    connectionParams: Record<string, unknown>,
    query = ALERTS,
    variables: Record<string, unknown> = {},
  ): Socket {
    const socket: Socket = { received: [], errors: [], connected: false };
    const client = createClient({
      url: hub.server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: {
        connected: () => (socket.connected = true),
        closed: (e) =>
          (socket.close = { code: (e as { code: number }).code, reason: (e as { reason: string }).reason }),
      },
    });
    clients.push(client);
    client.subscribe(
      { query, variables },
      {
        next: (v) => void socket.received.push(v),
        error: (e) => void socket.errors.push(e),
        complete: () => undefined,
      },
    );
    return socket;
  }

  it('given the token under Authorization or AUTHORIZATION, then the connection is accepted like under authorization', async () => {
    const token = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    for (const key of ['authorization', 'Authorization', 'AUTHORIZATION']) {
      const s = open({ [key]: `Bearer ${token}` });
      await waitFor(`a connection with ${key}`, () => s.connected || s.close);
      await sleep(200);
      expect({ key, close: s.close, errors: s.errors }).toEqual({ key, close: undefined, errors: [] });
    }
  });

  it('given no token, a bad token, or two Authorization keys, then the connection is closed with 4403', async () => {
    const token = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    for (const params of [
      {},
      { Authorization: 'Bearer not.a.token' },
      { authorization: `Bearer ${token}`, Authorization: `Bearer ${token}` },
      { Authorization: 42 },
    ]) {
      const s = open(params);
      const close = await waitFor('the refusal', () => s.close);
      expect(close.code).toBe(4403);
      expect(s.received).toEqual([]);
    }
  });

  it('given a subscription on a token that expires, then it is pushed before the expiry, and at the expiry the socket is closed 4403 "Token expired" and pushed nothing more', async () => {
    const referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'] });
    const worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: unique('sw') });
    const r = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
      key: unique('k'),
      input: {
        subjects: [
          {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Testy',
              familyName: `Fictional${Math.floor(Math.random() * 1e6)}`,
              dateOfBirth: '2016-04-05',
            },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative for a token-expiry test.',
        consentSought: true,
        consentGiven: true,
      },
    });
    const id = r.data!.submitReferral.id;
    const rate = async (rag: string) => {
      const [{ version }] = (await hub.db.query(`SELECT version FROM referral WHERE id = $1`, [id])) as [
        { version: number },
      ];
      expect((await hub.gql(worker, RATE, { id, rag, v: version })).errors).toBeUndefined();
    };

    const shortLived = await signDevToken(
      hub.config.auth,
      { sub: unique('sw-short'), name: 'Fictional Worker', agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] },
      '3s',
    );
    const s = open({ Authorization: `Bearer ${shortLived}` }, CHANGED, {
      purpose: 'TRIAGE',
      filter: { referralId: id },
    });
    await waitFor('the subscription', () => hub.server.hub.events.subscriberCount('referral') >= 1);
    await rate('AMBER');
    await waitFor('the push before expiry', () => s.received.length === 1);

    const close = await waitFor('the close at expiry', () => s.close, 6000);
    expect(close).toEqual({ code: 4403, reason: 'Token expired' });
    // Refused over HTTP too, and no later change reaches the closed socket.
    expect((await hub.gql(shortLived, '{ me { sub } }')).status).toBe(401);
    await rate('RED');
    await sleep(300);
    expect(s.received).toHaveLength(1);
  });
});
