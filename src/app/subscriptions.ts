import crypto from 'node:crypto';
import type http from 'node:http';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AccessPolicy } from '../access-policy/policy';
import type { RequestAccess } from '../access-policy/request-access';
import type { Viewer } from '../access-policy/viewer';
import { networkOf } from '../audit/audit-builder';
import { releaseAudit } from '../audit/release';
import { sha256 } from '../audit/audit-event';
import type { Hub, RequestContext } from '../context/context';
import { admitToPartnership, createRequestContext, inContext } from '../context/context-factory';
import { choosePartnership, PARTNERSHIP_HEADER } from '../auth/partnership-choice';
import { eventContextOf, filterMapAsync } from '../context/event-context';
import { auditErrorJson, createErrorFormatter } from './plugins';
import type { RequestRateLimiter } from './rate-limit';
import { clientNameOf, NOT_IN_LIST, type TrustedDocuments } from './persisted-queries';
import { HubError } from '../shared/errors';

/**
 * Subscriptions over graphql-ws on the same path as the HTTP API (`/graphql`). Only subscription
 * operations are served here: queries and mutations go through Apollo and its release plugin.
 *
 * - The connection authenticates from `connectionParams.authorization` ("Bearer …"; the key in any
 *   letter case), with the HTTP Authenticator; a missing or bad token closes the socket with 4403
 *   (graphql-ws's Forbidden, which its client retries — with a fresh token if connectionParams is a
 *   function). The token's expiry is checked again at every subscribe and before every push, and
 *   the socket is closed 4403 "Token expired" when it passes (ADR 007).
 * - Each pushed event runs in its own RequestContext (see context/event-context.ts), and before it
 *   is sent (`onNext`) its audit event is written and awaited, exactly as the release plugin does
 *   for HTTP; if the audit cannot be written the subscriber gets AUDIT_UNAVAILABLE, not the data.
 */

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  /** As on HTTP: how each request's access state is made (the bench's bare twin only), and audit before release. */
  makeAccess?: (viewer: Viewer, policy: AccessPolicy) => RequestAccess;
  audit: boolean;
  validationRules: readonly ValidationRule[];
  production: boolean;
  /** The same limits as HTTP: failed authentication per IP at connection_init, per user at each subscribe. */
  rateLimiter: RequestRateLimiter | null;
  /** The client's address of the upgrade request (honours TRUST_PROXY like express's req.ip). */
  clientIp: (req: http.IncomingMessage) => string;
  /** graphql-js parser token limit, as on the HTTP path; undefined = none. */
  maxTokens: number | undefined;
  /** Trusted-documents mode (ADR 007): only registered subscriptions run. */
  trustedDocuments: TrustedDocuments | undefined;
}

/**
 * The Close code for a connection without a valid token, or whose token has expired: graphql-ws's
 * Forbidden (what it sends when onConnect refuses; 4401 is its "subscribe before connection_ack").
 */
export const CLOSE_FORBIDDEN = 4403;

const TOKEN_EXPIRED = 'Token expired';

/** What a graphql-ws connection carries besides its socket and upgrade request. */
type ConnectionState = {
  viewer: Viewer;
  /** The one partnership the connection acts in (ADR 016). */
  partnership: string;
  /** Epoch ms after which the token is no longer accepted (its exp plus the clock tolerance). */
  usableUntil: number;
};
type Connection = Extra & Partial<ConnectionState>;

/** Closed for a client over the failed-authentication limit (graphql-ws's "too many" range). */
export const CLOSE_RATE_LIMITED = 4429;

/** The context each result was executed in, so onNext can audit what that event disclosed. */
const resultContexts = new WeakMap<ExecutionResult, RequestContext>();

/**
 * Like graphql's `subscribe`, except that each source event that carries its own context (a fresh
 * RequestContext per event) is executed in it.
 */
async function subscribePerEvent(args: ExecutionArgs) {
  const subscription = args.contextValue as RequestContext;
  const source = await inContext(subscription, () => createSourceEventStream(args));
  if (!(Symbol.asyncIterator in source)) return codeRequestErrors(source as ExecutionResult);
  return filterMapAsync<unknown, ExecutionResult>(source[Symbol.asyncIterator](), async (event) => {
    const contextValue = eventContextOf(event) ?? subscription;
    const result = await inContext(contextValue, async () => execute({ ...args, rootValue: event, contextValue }));
    resultContexts.set(result, contextValue);
    return result;
  });
}

/**
 * Variables that do not coerce (a bad date, an unknown enum value) are request errors without a
 * path or code; over HTTP Apollo calls them BAD_USER_INPUT, and so do we here (not a masked 500).
 */
function codeRequestErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) =>
    e.path === undefined && e.extensions?.code === undefined
      ? new GraphQLError(e.message, {
          nodes: e.nodes,
          source: e.source,
          positions: e.positions,
          extensions: { code: 'BAD_USER_INPUT' },
        })
      : e,
  );
  return { ...result, errors };
}

export function attachSubscriptions(
  hub: Hub,
  httpServer: http.Server,
  options: SubscriptionServerOptions,
): { dispose(): Promise<void> } {
  const { schema } = options;
  const formatError = createErrorFormatter(hub.logger, options.production);
  const rules = [...specifiedRules, ...options.validationRules];
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 100 * 1024 });

  const release = async (ctx: RequestContext, result: ExecutionResult): Promise<FormattedExecutionResult> => {
    const errors = result.errors?.map((e) => formatError(e.toJSON(), e));
    const release = await releaseAudit(ctx, { data: result.data, ...(errors ? { errors } : {}) }, options);
    if (release.withheld && release.reason === 'inResult') return { errors: [auditErrorJson()] };
    if (release.withheld) {
      ctx.logger.error('subscription event withheld: audit unavailable');
      return { errors: [auditErrorJson()], extensions: { requestId: ctx.requestId } };
    }
    const extensions: Record<string, unknown> = { ...result.extensions, requestId: ctx.requestId };
    if (release.redactions.length) extensions.redactions = release.redactions;
    return { ...(result.data !== undefined ? { data: result.data } : {}), ...(errors ? { errors } : {}), extensions };
  };

  // The same codes as Apollo's on HTTP, so the formatter treats them alike (ADR 007: production hides schema names).
  const badRequest = (e: GraphQLError, code = 'GRAPHQL_VALIDATION_FAILED') =>
    new GraphQLError(e.message, { source: e.source, positions: e.positions, extensions: { code } });

  /** Whether the connection's token has expired; if so the socket is closed (4403, "Token expired"). */
  const closedForExpiry = (extra: Connection): boolean => {
    if (extra.usableUntil === undefined || Date.now() < extra.usableUntil) return false;
    extra.socket.close(CLOSE_FORBIDDEN, TOKEN_EXPIRED);
    return true;
  };

  const server = useServer<Record<string, unknown>, ConnectionState>(
    {
      isProd: options.production,
      async onConnect(c) {
        // Header names are case-insensitive over HTTP; clients send `Authorization` here too.
        const params = c.connectionParams ?? {};
        const values = Object.keys(params)
          .filter((k) => k.toLowerCase() === 'authorization')
          .map((k) => params[k]);
        const authorization = values.every((v) => typeof v === 'string') ? (values as string[]) : [];
        let usableUntil = 0;
        const authenticate = async () => {
          const verified = await hub.authenticator.verify(authorization);
          usableUntil = verified.usableUntil;
          return verified.viewer;
        };
        const limiter = options.rateLimiter;
        try {
          c.extra.viewer = limiter
            ? await limiter.admit(options.clientIp(c.extra.request), authenticate, { transport: 'websocket' })
            : await authenticate();
          // The connection acts in one partnership, named like the header (ADR 016); refused: 4403.
          const named = Object.keys(params)
            .filter((k) => k.toLowerCase() === PARTNERSHIP_HEADER)
            .map((k) => params[k]);
          if (!named.every((v) => typeof v === 'string')) return false;
          c.extra.partnership = choosePartnership(c.extra.viewer, named as string[]);
          admitToPartnership(hub, c.extra.viewer, c.extra.partnership);
          c.extra.usableUntil = usableUntil;
          // Closed when the token expires, even with nothing to push (the client reconnects with a fresh one).
          const timer = setTimeout(() => closedForExpiry(c.extra), Math.max(0, usableUntil - Date.now()) + 10);
          timer.unref();
          c.extra.socket.once('close', () => clearTimeout(timer));
          return true;
        } catch (e) {
          if (e instanceof HubError && e.extensions.code === 'RATE_LIMITED') {
            // No headers on a close frame: the wait goes in the reason.
            c.extra.socket.close(
              CLOSE_RATE_LIMITED,
              `Too many requests; retry after ${Number(e.extensions.retryAfterSeconds)} s`,
            );
          }
          // graphql-ws closes the socket 4403 Forbidden.
          return false;
        }
      },
      async onSubscribe(c, _id, payload) {
        const viewer = c.extra.viewer;
        if (!viewer) return [new GraphQLError('Not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        if (closedForExpiry(c.extra))
          return [new GraphQLError(TOKEN_EXPIRED, { extensions: { code: 'UNAUTHENTICATED' } })];
        if (options.rateLimiter) {
          try {
            await options.rateLimiter.admitUser(viewer.sub, { transport: 'websocket' });
          } catch (e) {
            // RATE_LIMITED, formatted by onError like every other error (the wait in `retryAfterSeconds`).
            if (e instanceof GraphQLError) return [e];
            throw e;
          }
        }
        if (options.trustedDocuments) {
          // The app is named by the upgrade's header or, for browsers (no headers on an upgrade), in connectionParams.
          const named = c.connectionParams?.clientName;
          const app =
            clientNameOf(c.extra.request) ?? (typeof named === 'string' && named.length <= 100 ? named : undefined);
          const resolved = options.trustedDocuments.resolve(app, payload);
          if ('refused' in resolved) return [new GraphQLError(resolved.refused, { extensions: { code: NOT_IN_LIST } })];
          payload = { ...payload, query: resolved.query };
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens });
        } catch (e) {
          return [badRequest(e as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length) return invalid.map((e) => badRequest(e));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation)
          return [badRequest(new GraphQLError('Unable to identify operation'), 'OPERATION_RESOLUTION_FAILURE')];
        if (operation.operation !== 'subscription') {
          return [
            badRequest(
              new GraphQLError(
                'Only subscriptions are served over WebSocket; send queries and mutations with POST /graphql',
              ),
              'BAD_REQUEST',
            ),
          ];
        }
        const requestId = crypto.randomUUID();
        const partnership = c.extra.partnership;
        if (!partnership) return [new GraphQLError('Not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        const contextValue = createRequestContext(hub, {
          ...networkOf(options.clientIp(c.extra.request), c.extra.request.socket.localAddress),
          viewer,
          partnership,
          requestId,
          operation: { type: 'subscription', name: payload.operationName ?? null, documentHash: sha256(payload.query) },
          ...(options.makeAccess ? { access: options.makeAccess(viewer, hub.policy) } : {}),
        });
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      subscribe: subscribePerEvent,
      onNext(c, _id, _payload, args, result) {
        // Never pushed after the token expired: closed instead, and the event is neither released nor audited.
        if (closedForExpiry(c.extra))
          return { errors: [{ message: TOKEN_EXPIRED, extensions: { code: 'UNAUTHENTICATED' } }] };
        return release(resultContexts.get(result) ?? (args.contextValue as RequestContext), result);
      },
      onError(_c, _id, _payload, errors): GraphQLFormattedError[] {
        return errors.map((e) => formatError(e.toJSON(), e));
      },
    },
    wsServer,
  );
  return {
    async dispose() {
      await server.dispose();
    },
  };
}
