import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * WebSocket subscriptions get the HTTP path's limits: every subscribe counts against the user's
 * rate limit, a connection_init with a bad token counts as a failed authentication of the client's
 * address (TRUST_PROXY honoured, as for HTTP), and subscription documents meet the parser's token
 * limit. Through a real graphql-ws client.
 */

const ALERTS = 'subscription { alertRaised { kind } }';

interface Outcome {
  errors: Array<{ message: string; extensions?: { code?: string } }> | undefined;
  closeCode: number | undefined;
  closeReason?: string;
}

const TIMEOUT_MS = 4000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A ws WebSocket whose upgrade request carries X-Forwarded-For (as if through a proxy). */
function forwardedFor(client: string): unknown {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { 'x-forwarded-for': client } });
    }
  };
}

describe('subscriptions over WebSocket: rate limits and the token limit', () => {
  const clients: Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
  });

  /**
   * Opens a connection and one subscription; resolves with the subscribe's errors, or the close
   * code if the connection was refused, or neither if the subscription is open after a short wait.
   */
  async function attempt(
    hub: TestHub,
    token: string | null,
    query = ALERTS,
    impl: unknown = WebSocket,
  ): Promise<Outcome> {
    let closeCode: number | undefined;
    let closeReason: string | undefined;
    let errors: Outcome['errors'];
    let connected = false;
    const client = createClient({
      url: hub.server.url.replace(/^http/, 'ws'),
      webSocketImpl: impl,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: {
        closed: (event) => {
          closeCode = (event as { code?: number }).code;
          closeReason = (event as { reason?: string }).reason;
        },
        connected: () => (connected = true),
      },
    });
    clients.push(client);
    client.subscribe(
      { query },
      {
        next: () => undefined,
        error: (e) => (errors = Array.isArray(e) ? (e as Outcome['errors']) : undefined),
        complete: () => undefined,
      },
    );
    const deadline = Date.now() + TIMEOUT_MS;
    while (!errors && closeCode === undefined && Date.now() < deadline) {
      // Open and quiet for a while: the subscription was accepted.
      if (connected && Date.now() > deadline - TIMEOUT_MS + 400) break;
      await sleep(20);
    }
    return closeCode === undefined ? { errors, closeCode } : { errors, closeCode, closeReason };
  }

  describe('per-user limit', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub({ RATE_LIMIT_USER_PER_MINUTE: '4' });
    });
    afterAll(() => hub.close());

    it('given a limit of 4 a minute, when a user connects and subscribes repeatedly, then the connection over the limit is closed RATE_LIMITED (4429) and another user is served', async () => {
      const a = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('ws-a') });
      const b = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('ws-b') });
      // Each attempt: connection_init (1 point) + subscribe (1 point).
      const first = await attempt(hub, a);
      expect(first).toEqual({ errors: undefined, closeCode: undefined });
      const second = await attempt(hub, a);
      expect(second).toEqual({ errors: undefined, closeCode: undefined });
      // 4 points used: the next connection_init is refused as over the limit.
      const third = await attempt(hub, a);
      expect(third.closeCode).toBe(4429);
      // No headers on a close frame: the wait is in the reason.
      const wait = Number(/^Too many requests; retry after (\d+) s$/.exec(third.closeReason ?? '')?.[1]);
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
      const other = await attempt(hub, b);
      expect(other).toEqual({ errors: undefined, closeCode: undefined });
    });

    it('given a user with points left for the connection only, when subscribing, then the subscribe gets RATE_LIMITED and no data', async () => {
      const c = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('ws-c') });
      // 3 points over HTTP, then the connection_init takes the 4th: the subscribe is the 5th.
      for (let i = 0; i < 3; i++) expect((await hub.gql(c, '{ me { sub } }')).status).toBe(200);
      const over = await attempt(hub, c);
      expect(over.closeCode).toBeUndefined();
      expect(over.errors).toEqual([
        {
          message: 'Too many requests; retry later',
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
        },
      ]);
      const wait = (over.errors![0]!.extensions as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
    });
  });

  describe('failed authentication per client address', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub({ RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '2', TRUST_PROXY: 'loopback' });
    });
    afterAll(() => hub.close());

    it('given a limit of 2 failures a minute, when a client sends bad tokens in connection_init, then the 3rd is refused as RATE_LIMITED (4429), even with a valid token, also over HTTP; another client is served', async () => {
      const valid = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
      const guesser = forwardedFor('203.0.113.66');
      // 4403: graphql-ws's Forbidden for a refused connection_init (4401 before issue 17).
      expect((await attempt(hub, 'not.a.token', ALERTS, guesser)).closeCode).toBe(4403);
      expect((await attempt(hub, null, ALERTS, guesser)).closeCode).toBe(4403);
      expect((await attempt(hub, 'not.a.token', ALERTS, guesser)).closeCode).toBe(4429);
      expect((await attempt(hub, valid, ALERTS, guesser)).closeCode).toBe(4429);
      const http = await hub.gql(valid, '{ me { sub } }', undefined, { 'x-forwarded-for': '203.0.113.66' });
      expect(http.status).toBe(429);
      // Another client behind the same proxy has its own count.
      expect(await attempt(hub, valid, ALERTS, forwardedFor('203.0.113.77'))).toEqual({
        errors: undefined,
        closeCode: undefined,
      });
    });
  });

  describe('token limit', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub();
    });
    afterAll(() => hub.close());

    // A long list value: each `RED` is one token (commas are not tokens); the rest is ~20 tokens.
    const withTokens = (n: number) =>
      `subscription { referralChanged(purpose: TRIAGE, filter: { rag: [${' RED'.repeat(n)}] }) { id } }`;

    it('given a subscription document of about 3 100 tokens, then it is refused before validation with a clear error; one of about 2 900 is served', async () => {
      const t = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
      const over = await attempt(hub, t, withTokens(3100));
      expect(over.closeCode).toBeUndefined();
      expect(over.errors).toHaveLength(1);
      expect(over.errors![0]!.message).toMatch(/Document contains more tha[nt] 3000 tokens/);
      expect(over.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await attempt(hub, t, withTokens(2900))).toEqual({ errors: undefined, closeCode: undefined });
    });
  });
});
