import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { sha256 } from '../audit/audit-event';
import { AuditUnavailableError } from '../audit/audit-store';
import { releaseAudit } from '../audit/release';
import type { RequestContext } from '../context/context';
import { isDatabaseUnavailable } from '../db/unavailable';
import {
  auditUnavailable,
  ERROR_CODES,
  HubError,
  PERSISTED_QUERY_CODES,
  serviceUnavailable,
  type ErrorCode,
} from '../shared/errors';
import type { Logger } from '../shared/logger';

/** Unexpected errors already logged with their request id (by `releasePlugin`). */
const loggedWithRequest = new WeakSet<Error>();

/** Whether an error is one of ours or GraphQL's own (shown to the client) rather than unexpected (masked). */
function isExpected(error: GraphQLError): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof AuditUnavailableError || original instanceof HubError || isDatabaseUnavailable(original))
    return true;
  const code = error.extensions?.code as string | undefined;
  if (isApolloClientError(error)) return true;
  return (
    !!code &&
    code !== 'INTERNAL_SERVER_ERROR' &&
    (code.startsWith('GRAPHQL_') ||
      (ERROR_CODES as readonly string[]).includes(code) ||
      (PERSISTED_QUERY_CODES as readonly string[]).includes(code) ||
      ['BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE'].includes(code))
  );
}

/**
 * Apollo's own answers to a malformed persisted-query request ("provided sha does not match query",
 * "Unsupported persisted query version"): a GraphQLError with HTTP 400 and no code.
 */
function isApolloClientError(error: unknown): boolean {
  const e = error as { extensions?: { code?: unknown; http?: { status?: unknown } } } | null;
  return !!e && e.extensions?.code === undefined && e.extensions?.http?.status === 400;
}

/** graphql-armor's resource-limit messages: they name a limit and a count, never the schema. */
const LIMIT_MESSAGE =
  /^(Syntax Error: )?(Aliases|Directives|Query Cost|Query depth|Token) limit of \d+ exceeded(, found \d+)?\.$/;

/**
 * In production, a client error never names the schema (issue 17: validation messages and
 * suggestions let a tool rebuild hidden types and fields): validation and variable errors answer
 * a fixed message; only syntax errors (the client's own text) and resource-limit messages stay.
 */
function productionMessage(code: string, message: string): string {
  if (code === 'GRAPHQL_PARSE_FAILED' || LIMIT_MESSAGE.test(message)) return message;
  if (code === 'BAD_USER_INPUT') return 'Invalid variables';
  if (code === 'GRAPHQL_VALIDATION_FAILED') return 'Invalid query';
  return message.replace(/ ?Did you mean .*$/, '');
}

/** Partner apps get a code from the fixed set; everything unexpected is masked and logged. */
export function createErrorFormatter(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AuditUnavailableError) {
      const e = auditUnavailable();
      return { message: e.message, path: formatted.path, extensions: { code: 'AUDIT_UNAVAILABLE' } };
    }
    if (isDatabaseUnavailable(original)) {
      // Expected while PostgreSQL restarts: a clear, retryable code rather than a masked 500.
      logger.warn({ err: { message: (original as Error).message }, path: formatted.path }, 'database unavailable');
      return {
        message: serviceUnavailable().message,
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      };
    }
    if (original instanceof HubError) {
      const { http: _http, ...extensions } = original.extensions as Record<string, unknown>;
      return { message: original.message, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code as string | undefined;
    if (
      code &&
      [
        'GRAPHQL_VALIDATION_FAILED',
        'GRAPHQL_PARSE_FAILED',
        'BAD_USER_INPUT',
        'BAD_REQUEST',
        'OPERATION_RESOLUTION_FAILURE',
      ].includes(code)
    ) {
      const message = production ? productionMessage(code, formatted.message) : formatted.message;
      return { message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT' } };
    }
    if (code && (PERSISTED_QUERY_CODES as readonly string[]).includes(code)) {
      return { message: formatted.message, extensions: { code } };
    }
    if (isApolloClientError(original)) {
      return { message: formatted.message, extensions: { code: 'BAD_USER_INPUT' } };
    }
    if (code && (ERROR_CODES as readonly string[]).includes(code) && code !== 'INTERNAL_SERVER_ERROR') {
      return { message: formatted.message, path: formatted.path, extensions: { code: code as ErrorCode } };
    }
    // Errors of an operation were logged with the request id by the release plugin; this catches the rest.
    if (!(original instanceof Error && loggedWithRequest.has(original))) {
      logger.error(
        { err: { message: (original as Error)?.message, stack: (original as Error)?.stack }, path: formatted.path },
        'unexpected error',
      );
    }
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

export { outcomeOf } from '../audit/release';

/**
 * Release plugin: before a response leaves, write its audit event and wait for the commit; attach
 * the redactions. If the audit cannot be written the data is withheld (503 AUDIT_UNAVAILABLE).
 */
export function releasePlugin(options: { audit: boolean } = { audit: true }): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        // Unexpected errors are logged here, where the request id is known (the formatter masks them).
        async didEncounterErrors(rc) {
          for (const error of rc.errors) {
            const original = unwrapResolverError(error);
            if (isExpected(error) || !(original instanceof Error) || loggedWithRequest.has(original)) continue;
            loggedWithRequest.add(original);
            const log = rc.contextValue?.logger ?? null;
            log?.error(
              { err: { name: original.name, message: original.message, stack: original.stack }, path: error.path },
              'unexpected error',
            );
            if (!log) loggedWithRequest.delete(original);
          }
        },
        async didResolveOperation(rc) {
          rc.contextValue.operation = {
            type: rc.operation?.operation ?? 'unknown',
            name: rc.operationName ?? null,
            documentHash: rc.source ? sha256(rc.source) : null,
          };
          rc.contextValue.selectsList = rc.operation ? selectsList(rc.schema, rc.operation) : false;
        },
        async willSendResponse(rc: GraphQLRequestContextWillSendResponse<RequestContext>) {
          const ctx = rc.contextValue;
          if (!ctx?.access) return;
          if (rc.response.body.kind !== 'single') {
            // Incremental delivery (@defer, @stream) would send parts no audit event covers: fail closed.
            rc.response.body = { kind: 'single', singleResult: { errors: [INCREMENTAL_REFUSED] } };
            rc.response.http.status = 400;
            return;
          }
          const result = rc.response.body.singleResult;
          const release = await releaseAudit(ctx, result, options);
          if (release.withheld) {
            rc.response.body.singleResult = { errors: [auditErrorJson()] };
            rc.response.http.status = 503;
            return;
          }
          if (release.codes.includes('SERVICE_UNAVAILABLE')) rc.response.http.status = 503;
          if (release.redactions.length) {
            result.extensions = { ...result.extensions, redactions: release.redactions };
          }
        },
      };
    },
  };
}

/**
 * Whether a root field of the operation returns a list or a connection: a search, audited as QUERY
 * (BALP PatientQuery) however many people it found, where a single-person result used to be READ.
 */
function selectsList(schema: GraphQLSchema, operation: OperationDefinitionNode): boolean {
  const root = schema.getRootType(operation.operation);
  if (!root) return false;
  return operation.selectionSet.selections.some((sel) => {
    if (sel.kind !== Kind.FIELD) return false;
    const field = root.getFields()[sel.name.value];
    if (!field) return false;
    const type = getNullableType(field.type);
    const named = getNamedType(type);
    return isListType(type) || (isObjectType(named) && 'edges' in named.getFields());
  });
}

const INCREMENTAL_REFUSED: GraphQLFormattedError = {
  message: 'Incremental delivery (@defer, @stream) is not served: every part of a response is audited before it leaves',
  extensions: { code: 'BAD_USER_INPUT' },
};

export function auditErrorJson(): GraphQLFormattedError {
  const e = auditUnavailable();
  return { message: e.message, extensions: { code: 'AUDIT_UNAVAILABLE' } };
}
