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

function wsClient(): Client {
  if (!ws) {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
    ws = createClient({
      url,
      lazy: true,
      connectionParams: () => ({ authorization: `Bearer ${currentToken() ?? ''}` }),
      retryAttempts: 5,
    });
  }
  return ws;
}

/** Subscribes; returns the unsubscribe function. */
export function subscribe<R, V>(
  op: TypedOperation<R, V>,
  variables: V,
  onData: (data: R) => void,
  onError: (message: string) => void,
): () => void {
  return wsClient().subscribe<R>(
    { query: op.text, operationName: op.name, variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.data) onData(result.data as R);
        else if (result.errors?.length) onError(result.errors[0]!.message);
      },
      error: () => onError('Live updates stopped: the connection to the hub was lost'),
      complete: () => undefined,
    },
  );
}

/** Closes the live connection (on sign-out: the next one authenticates afresh). */
export function closeLive(): void {
  void ws?.dispose();
  ws = null;
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
