/**
 * Subscriptions over the hub's WebSocket (graphql-ws protocol, ADR 021). The package stays free of
 * dependencies: the app passes a client it created with graphql-ws's `createClient` (anything with
 * the same `subscribe`), using `hubConnectionParams` so the token comes from the same provider as
 * the HTTP requests. Results are typed like `request`'s: errors become `HubError` with the hub's
 * code, and withheld fields are listed beside the data.
 */
import type { TypedOperation } from './generated/operations';
import { HUB_ERROR_CODES } from './generated/operations';
import { HubError, type Redaction, type TokenProvider } from './client';
import { withheldFields, type Withheld } from './withheld';

/** The part of graphql-ws's Client this package uses (structurally: pass `createClient(…)` as is). */
export interface SubscribingClient {
  subscribe<R>(
    payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
    sink: {
      next(value: {
        data?: R | null;
        errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
        extensions?: Record<string, unknown>;
      }): void;
      error(error: unknown): void;
      complete(): void;
    },
  ): () => void;
}

/** graphql-ws `connectionParams`: the hub authenticates a WebSocket by the token sent when it opens. */
export function hubConnectionParams(getToken: TokenProvider): () => Promise<Record<string, string>> {
  return async (): Promise<Record<string, string>> => {
    const token = await getToken({ forceRefresh: false });
    const params: Record<string, string> = {};
    if (token) params.authorization = `Bearer ${token}`;
    return params;
  };
}

export interface SubscriptionHandlers<R> {
  /** One event: the data, and what the hub withheld from it (null fields listed with their reason). */
  next(event: { data: R; withheld: Withheld[] }): void;
  /** A refusal (FORBIDDEN, BAD_USER_INPUT, …) or the connection lost for good: no more events. */
  error(error: HubError): void;
  complete?(): void;
}

/** Subscribes with a generated subscription operation; returns the function that stops it. */
export function subscribe<R, V>(
  client: SubscribingClient,
  operation: TypedOperation<R, V>,
  variables: V,
  handlers: SubscriptionHandlers<R>,
): () => void {
  if (operation.kind !== 'subscription')
    throw new TypeError(`${operation.name} is a ${operation.kind}, not a subscription: use request()`);
  return client.subscribe<R>(
    { query: operation.text, operationName: operation.name, variables: variables as Record<string, unknown> },
    {
      next(value) {
        const first = value.errors?.[0];
        if (first || value.data == null) {
          const code = HUB_ERROR_CODES.find((c) => c === first?.extensions?.code);
          handlers.error(
            new HubError(
              first?.message ?? 'The hub sent an event without data',
              code ?? 'UNEXPECTED_RESPONSE',
              0,
              null,
            ),
          );
          return;
        }
        const redactions = (value.extensions?.redactions as Redaction[] | undefined) ?? [];
        handlers.next({ data: value.data, withheld: withheldFields(redactions) });
      },
      error(error) {
        // graphql-ws reports a refused subscription as an array of GraphQL errors, and a closed
        // socket as its close event: the hub closes 4403 when it does not accept the token (or it
        // expired) and 4429 when rate limited; anything else is a lost connection.
        const list = Array.isArray(error) ? (error as Array<{ message?: string; extensions?: { code?: string } }>) : [];
        const closed = (error as { code?: unknown } | null)?.code;
        const code =
          HUB_ERROR_CODES.find((c) => c === list[0]?.extensions?.code) ??
          (closed === 4403 ? 'UNAUTHENTICATED' : closed === 4429 ? 'RATE_LIMITED' : undefined);
        const reason = (error as { reason?: unknown } | null)?.reason;
        const message =
          list[0]?.message ?? (typeof reason === 'string' && reason ? reason : 'The connection to the hub was lost');
        handlers.error(new HubError(message, code ?? 'UNEXPECTED_RESPONSE', 0, null));
      },
      complete() {
        handlers.complete?.();
      },
    },
  );
}
