/**
 * A small typed client for the MASH Hub's GraphQL API (ADR 013): fetch-based, no dependencies,
 * for browsers (with the app's origin in the hub's CORS_ORIGINS) and Node 20+.
 */
import type { HubErrorCode, RedactionReason, TypedOperation } from './generated/operations';
import { HUB_ERROR_CODES } from './generated/operations';
import { withheldFields, type Withheld } from './withheld';

export interface TokenRequest {
  /** True when the hub refused the last token (401): return a fresh one, not a cached one. */
  forceRefresh: boolean;
}

/**
 * Called before every request: return the bearer token (from the app's OpenID Connect session, a
 * client-credentials grant, …), or null to call without one. After a 401 it is called once more
 * with `forceRefresh: true` and the request is retried once.
 */
export type TokenProvider = (request: TokenRequest) => Promise<string | null>;

export interface HubClientOptions {
  /** The hub's GraphQL endpoint, e.g. https://mash-hub.example.org/graphql */
  url: string;
  getToken: TokenProvider;
  /** Sent as apollographql-client-name: the app's name in the hub's trusted documents (ADR 007). */
  clientName?: string;
  clientVersion?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface Redaction {
  path: string;
  reason: RedactionReason;
}

export interface HubResponse<R> {
  /** Fields the hub withheld are null here and listed in `withheld`. */
  data: R;
  /** What was withheld and why, for showing "Withheld — need to know" instead of a blank. */
  withheld: Withheld[];
  /** The hub's id for this request (x-request-id): quote it to the hub's support. */
  requestId: string | null;
}

/** A refusal or failure with the hub's stable code; messages never carry personal data. */
export class HubError extends Error {
  override name = 'HubError';
  constructor(
    message: string,
    /** The hub's code, or UNEXPECTED_RESPONSE when the answer was not GraphQL over HTTP. */
    readonly code: HubErrorCode | 'UNEXPECTED_RESPONSE',
    readonly status: number,
    readonly requestId: string | null,
    /** Seconds to wait, with RATE_LIMITED. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

interface GraphQLBody<R> {
  data?: R | null;
  errors?: Array<{ message: string; extensions?: { code?: string; retryAfterSeconds?: number } }>;
  extensions?: { redactions?: Redaction[] };
}

export interface HubClient {
  /** Runs a generated operation; throws HubError on any error the hub answers. */
  request<R, V>(operation: TypedOperation<R, V>, variables: V): Promise<HubResponse<R>>;
}

export function createHubClient(options: HubClientOptions): HubClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const send = async (token: string | null, body: string) =>
    fetchImpl(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.clientName ? { 'apollographql-client-name': options.clientName } : {}),
        ...(options.clientVersion ? { 'apollographql-client-version': options.clientVersion } : {}),
      },
      body,
    });

  return {
    async request<R, V>(operation: TypedOperation<R, V>, variables: V): Promise<HubResponse<R>> {
      const body = JSON.stringify({ query: operation.text, operationName: operation.name, variables });
      let res = await send(await options.getToken({ forceRefresh: false }), body);
      if (res.status === 401) res = await send(await options.getToken({ forceRefresh: true }), body);
      const requestId = res.headers.get('x-request-id');
      let answer: GraphQLBody<R>;
      try {
        answer = (await res.json()) as GraphQLBody<R>;
      } catch {
        throw new HubError(
          `The hub answered HTTP ${res.status} without a GraphQL body`,
          'UNEXPECTED_RESPONSE',
          res.status,
          requestId,
        );
      }
      const first = answer.errors?.[0];
      if (first || answer.data == null) {
        const code = first?.extensions?.code;
        const known = HUB_ERROR_CODES.find((c) => c === code);
        throw new HubError(
          first?.message ?? `The hub answered HTTP ${res.status} with no data`,
          known ?? 'UNEXPECTED_RESPONSE',
          res.status,
          requestId,
          first?.extensions?.retryAfterSeconds,
        );
      }
      return { data: answer.data, withheld: withheldFields(answer.extensions?.redactions ?? []), requestId };
    },
  };
}
