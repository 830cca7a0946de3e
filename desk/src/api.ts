/** The desk's only door to the hub: POST /graphql and graphql-ws on /graphql (ADR 009). */
import { createClient, type Client } from 'graphql-ws';
import type { TypedOperation } from './generated/operations.js';
import { currentToken } from './session.js';

export interface Redaction {
  path: string;
  reason: string;
}

export interface Answer<R> {
  data: R;
  redactions: Redaction[];
}

/** A GraphQL error with the hub's stable code (never personal data: the hub guarantees it). */
export class HubRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export async function request<R, V>(op: TypedOperation<R, V>, variables: V): Promise<Answer<R>> {
  const token = currentToken();
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // Apollo's CSRF prevention: a header a simple cross-site request cannot carry.
      'apollo-require-preflight': 'true',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: op.text, operationName: op.name, variables }),
  });
  let body: {
    data?: R | null;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
    extensions?: { redactions?: Redaction[] };
  };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new HubRequestError(`The hub answered ${res.status}`, 'INTERNAL_SERVER_ERROR');
  }
  const first = body.errors?.[0];
  if (first || !body.data) {
    throw new HubRequestError(
      first?.message ?? `The hub answered ${res.status}`,
      first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
    );
  }
  return { data: body.data, redactions: body.extensions?.redactions ?? [] };
}

let ws: Client | null = null;

/**
 * The variables of the live subscriptions that resume (ADR 022, ADR 026). graphql-ws sends a
 * subscription's payload again, as it then stands, each time it reconnects; setting `since` on
 * these objects when a connection drops makes the hub replay what changed meanwhile.
 */
const resumable = new Set<{ since?: string }>();
/** When the hub acknowledged the open connection (null while there is none). */
let connectedAt: number | null = null;
/**
 * A resumed connection that drops within this long may not have finished its replay: the next
 * one resumes from the same point again (at least once; the screens keep the higher version).
 */
const REPLAY_GRACE_MS = 30_000;

function wsClient(): Client {
  if (!ws) {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
    ws = createClient({
      url,
      lazy: true,
      connectionParams: () => ({ authorization: `Bearer ${currentToken() ?? ''}` }),
      retryAttempts: 5,
      on: {
        connected: () => {
          connectedAt = Date.now();
        },
        // Only a connection that was up moves the resume point; failed attempts to reconnect do not.
        closed: () => {
          if (connectedAt === null) return;
          const droppedAt = Date.now();
          for (const variables of resumable)
            if (!variables.since || droppedAt - connectedAt >= REPLAY_GRACE_MS)
              variables.since = new Date(droppedAt).toISOString();
          connectedAt = null;
        },
      },
    });
  }
  return ws;
}

/**
 * Subscribes; returns the unsubscribe function. With `resume`, the subscription takes `since`
 * (referralChanged, meetingChanged, alertRaised): after a dropped connection it resumes from the drop, so nothing is missed.
 */
export function subscribe<R, V>(
  op: TypedOperation<R, V>,
  variables: V,
  onData: (data: R) => void,
  onError: (message: string) => void,
  options: { resume?: boolean } = {},
): () => void {
  // A copy of its own: graphql-ws reads it again on every reconnect.
  const live = { ...(variables as Record<string, unknown>) } as Record<string, unknown> & { since?: string };
  if (options.resume) resumable.add(live);
  const unsubscribe = wsClient().subscribe<R>(
    { query: op.text, operationName: op.name, variables: live },
    {
      next: (result) => {
        if (result.data) onData(result.data as R);
        else if (result.errors?.length) onError(result.errors[0]!.message);
      },
      // The hub's refusal (e.g. a resume point too far back) says what to do; a lost socket does not.
      error: (err) =>
        onError(
          Array.isArray(err) && typeof err[0]?.message === 'string'
            ? `Live updates stopped: ${err[0].message as string}`
            : 'Live updates stopped: the connection to the hub was lost',
        ),
      complete: () => undefined,
    },
  );
  return () => {
    resumable.delete(live);
    unsubscribe();
  };
}

/** Closes the live connection (on sign-out: the next one authenticates afresh). */
export function closeLive(): void {
  void ws?.dispose();
  ws = null;
  connectedAt = null;
  resumable.clear();
}

/** Development sign-in: only answered while the hub runs with development authentication. */
export async function demoUsers(): Promise<Array<{ id: string; name: string; agency: string; role: string }> | null> {
  const res = await fetch('/desk/dev/users');
  if (!res.ok) return null;
  return ((await res.json()) as { users: Array<{ id: string; name: string; agency: string; role: string }> }).users;
}

export async function demoSignIn(user: string): Promise<string> {
  const res = await fetch('/desk/dev/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  if (!res.ok) throw new HubRequestError('Development sign-in was refused', 'UNAUTHENTICATED');
  return ((await res.json()) as { token: string }).token;
}
