import type { ApolloServerPlugin } from '@apollo/server';
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type AttributeValue,
  type SpanContext,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import type express from 'express';
import type { GraphQLSchema } from 'graphql';
import { Client, Pool } from 'pg';
import type { AuditWriter } from '../audit/audit-writer';
import type { Config } from '../config';
import type { RequestContext } from '../context/context';
import { ERROR_CODES } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { operationLabel } from './hub-metrics';

/**
 * OpenTelemetry traces (issue 22; ADR 015), exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise nothing is instrumented and no request pays for it.
 *
 * Spans: one per GraphQL request over HTTP (named by operation type and root field, the bounded
 * vocabulary of the Prometheus `operation` label, never the client's operation name), carrying the
 * hub's request id; one per SQL statement issued under it (node-postgres instrumentation, statement
 * parameters never recorded); one per audit batch append.
 *
 * Nothing a person, a user or a client chose may reach the collector. Beyond not recording it, every
 * span passes an allow-list on its way out (redactSpan): attributes not listed are dropped, SQL text
 * keeps its shape with every literal masked, status messages and exception messages are dropped
 * (PostgreSQL's messages can quote a value), link and event attributes are dropped.
 */

const SERVICE_NAME = 'mash-hub';
const ATTR_REQUEST_ID = 'mash.request_id';
const ATTR_OPERATION = 'mash.graphql.operation';
const ATTR_OPERATION_TYPE = 'graphql.operation.type';
const ATTR_ERROR_CODES = 'mash.graphql.error_codes';
const ATTR_BATCH_EVENTS = 'mash.audit.batch_events';
const ATTR_BATCH_REQUESTS = 'mash.audit.batch_requests';
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const KNOWN_CODES = new Set<string>(ERROR_CODES);
/** Longest SQL text kept on a span; the rest is cut (after masking, so no literal is ever cut open). */
const MAX_SQL_TEXT = 4096;

/** What may leave the process, by attribute key: a check or a rewrite of the value, or drop it. */
const isCode = (v: AttributeValue) => (typeof v === 'string' && /^[A-Za-z0-9_.]{1,64}$/.test(v) ? v : undefined);
const isNumber = (v: AttributeValue) => (typeof v === 'number' ? v : undefined);
const isUuid = (v: AttributeValue) => (typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v) ? v : undefined);
const isCodeList = (v: AttributeValue) =>
  Array.isArray(v) && v.every((c) => typeof c === 'string' && /^[A-Z_]{1,64}$/.test(c)) ? v : undefined;
const ALLOWED_ATTRIBUTES: Record<string, (v: AttributeValue) => AttributeValue | undefined> = {
  // the request span (set here)
  [ATTR_HTTP_REQUEST_METHOD]: isCode,
  [ATTR_HTTP_ROUTE]: (v) => (v === '/graphql' ? v : undefined),
  [ATTR_HTTP_RESPONSE_STATUS_CODE]: isNumber,
  [ATTR_REQUEST_ID]: isUuid,
  [ATTR_OPERATION_TYPE]: isCode,
  [ATTR_OPERATION]: isCode,
  [ATTR_ERROR_CODES]: isCodeList,
  // the audit span (set here)
  [ATTR_BATCH_EVENTS]: isNumber,
  [ATTR_BATCH_REQUESTS]: isNumber,
  // SQL spans (set by @opentelemetry/instrumentation-pg, stable database conventions)
  'db.system.name': isCode,
  'db.namespace': isCode,
  'db.operation.name': isCode,
  'db.query.text': (v) => (typeof v === 'string' ? maskSqlLiterals(v).slice(0, MAX_SQL_TEXT) : undefined),
  'db.postgresql.plan': isCode,
  'server.address': (v) => (typeof v === 'string' && /^[A-Za-z0-9.:_-]{1,253}$/.test(v) ? v : undefined),
  'server.port': isNumber,
  'error.type': isCode,
};
const SPAN_NAME = /^[A-Za-z0-9_.:/ -]{1,120}$/;

/**
 * SQL text with every literal replaced by `?`: strings (also E'' and dollar-quoted), numbers and
 * comments. Placeholders ($1) and quoted identifiers stay. The hub's statements are parameterised,
 * so this changes only code-chosen constants; it is there so that a future statement built with a
 * value in its text still cannot carry it out.
 */
export function maskSqlLiterals(sql: string): string {
  return sql.replace(
    /(--[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|("(?:[^"]|"")*")|(\$\d+)|([eE]'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)|'(?:[^']|'')*(?:'|$)|\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?(?:\$\5\$|$)|\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)/g,
    (_m, comment: string | undefined, identifier: string | undefined, placeholder: string | undefined) =>
      comment !== undefined ? ' ' : (identifier ?? placeholder ?? '?'),
  );
}

function redactAttributes(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    const allow = Object.hasOwn(ALLOWED_ATTRIBUTES, key) ? ALLOWED_ATTRIBUTES[key] : undefined;
    const v = allow && value !== undefined ? allow(value) : undefined;
    if (v !== undefined) kept[key] = v;
  }
  return kept;
}

/** The span as it may leave the process (see the module comment). */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: SPAN_NAME.test(span.name) ? span.name : 'span',
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    status: { code: span.status.code },
    attributes: redactAttributes(span.attributes),
    links: span.links.map((l) => ({ context: l.context })),
    // An exception keeps its type (a PostgreSQL error code, an error class), never its message or stack.
    events: span.events.map((e) => ({
      name: e.name === 'exception' ? 'exception' : 'event',
      time: e.time,
      attributes:
        e.name === 'exception' ? redactAttributes({ 'error.type': e.attributes?.['exception.type'] ?? 'error' }) : {},
      droppedAttributesCount: 0,
    })),
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: 0,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Every span passes redactSpan on its way to the exporter; failed exports are logged, rarely. */
class RedactingExporter implements SpanExporter {
  private lastWarning = 0;
  constructor(
    private readonly inner: SpanExporter,
    private readonly logger: Logger,
  ) {}
  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans.map(redactSpan), (result) => {
      if (result.error && Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger.warn(
          { err: { message: result.error.message }, spans: spans.length },
          'traces: export to the OTLP endpoint failed (spans dropped)',
        );
      }
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export interface HubTracing {
  /** The OTLP traces URL spans are exported to; null when tracing is off. */
  url: string | null;
  /** Mounted first on /graphql: the request span, active for everything the request does. */
  httpMiddleware: express.RequestHandler;
  /** Names the request span by operation type and root field; records error codes. */
  apolloPlugin: ApolloServerPlugin<RequestContext>;
  /** Flushes the spans still queued, then removes the instrumentation. */
  stop(): Promise<void>;
}

const TRACING_OFF: HubTracing = {
  url: null,
  httpMiddleware: (_req, _res, next) => next(),
  apolloPlugin: {},
  stop: async () => undefined,
};

export function startTracing(config: Config, logger: Logger, auditWriter: AuditWriter): HubTracing {
  const endpoint = config.tracing.otlpEndpoint;
  if (!endpoint) return TRACING_OFF;
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE_NAME })),
    spanProcessors: [new BatchSpanProcessor(new RedactingExporter(new OTLPTraceExporter({ url }), logger))],
  });
  const tracer = provider.getTracer(SERVICE_NAME);
  // The span of the request (or audit batch) in progress follows its async work: pg's query spans
  // find their parent through it. Registered only while tracing is on.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);

  // node-postgres, patched directly (not by require hooks, which depend on load order): every query
  // and connection of every client and pool in this process. Values are never recorded
  // (enhancedDatabaseReporting off); SQL outside a request or audit span (migrations, periodic
  // checks, LISTEN) is not traced (requireParentSpan).
  const pgInstrumentation = new PgInstrumentation({
    enabled: false,
    enhancedDatabaseReporting: false,
    requireParentSpan: true,
    addSqlCommenterCommentToQueries: false,
  });
  pgInstrumentation.setTracerProvider(provider);
  const definitions = pgInstrumentation.getModuleDefinitions();
  const pgModule = { Client };
  const poolModule = Pool;
  definitions.find((d) => d.name === 'pg')?.patch?.(pgModule);
  definitions.find((d) => d.name === 'pg-pool')?.patch?.(poolModule);

  auditWriter.tracer = {
    capture: () => trace.getSpanContext(context.active()),
    // A batch holding one request's events is a child of that request; a batch shared by several
    // requests (group commit) is a trace of its own, linked to each of them.
    append(batch, run) {
      const callers = new Map<string, SpanContext>();
      for (const c of batch.callers) if (c) callers.set((c as SpanContext).spanId, c as SpanContext);
      const only = callers.size === 1 ? [...callers.values()][0]! : undefined;
      const parent = only ? trace.setSpanContext(ROOT_CONTEXT, only) : ROOT_CONTEXT;
      const links = only ? [] : [...callers.values()].map((c) => ({ context: c }));
      return tracer.startActiveSpan(
        'mash.audit.append',
        {
          kind: SpanKind.INTERNAL,
          links,
          attributes: { [ATTR_BATCH_EVENTS]: batch.events, [ATTR_BATCH_REQUESTS]: callers.size },
        },
        parent,
        async (span) => {
          try {
            await run();
          } catch (e) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw e;
          } finally {
            span.end();
          }
        },
      );
    },
  };

  const httpMiddleware: express.RequestHandler = (req, res, next) => {
    const method = HTTP_METHODS.has(req.method) ? req.method : '_OTHER';
    // Renamed by operation once Apollo resolves it; refusals before that keep the route's name.
    const span = tracer.startSpan(
      `${method} /graphql`,
      {
        kind: SpanKind.SERVER,
        root: true,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_HTTP_ROUTE]: '/graphql' },
      },
      ROOT_CONTEXT,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      // The hub's own id (server.ts), never the client's x-request-id (a correlation id it chose).
      const requestId: unknown = res.locals.requestId;
      if (typeof requestId === 'string') span.setAttribute(ATTR_REQUEST_ID, requestId);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    const active = trace.setSpan(ROOT_CONTEXT, span);
    // The body arrives in 'data' events on the socket's context: bind them so the handlers after
    // express.json() still run inside the request span.
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };

  let schema: GraphQLSchema | null = null;
  const apolloPlugin: ApolloServerPlugin<RequestContext> = {
    async serverWillStart(service) {
      schema = service.schema;
    },
    async requestDidStart() {
      const span = trace.getSpan(context.active());
      if (!span) return;
      return {
        async didResolveOperation(rc) {
          const type = rc.operation?.operation ?? 'unknown';
          const operation = schema ? operationLabel(schema, rc.document, rc.operation) : 'none';
          span.updateName(`${type} ${operation}`);
          span.setAttribute(ATTR_OPERATION_TYPE, type);
          span.setAttribute(ATTR_OPERATION, operation);
        },
        async willSendResponse(rc) {
          const errors = rc.response.body.kind === 'single' ? rc.response.body.singleResult.errors : undefined;
          if (!errors?.length) return;
          const codes = new Set(
            errors.map((e) =>
              typeof e.extensions?.code === 'string' && KNOWN_CODES.has(e.extensions.code)
                ? e.extensions.code
                : 'OTHER',
            ),
          );
          span.setAttribute(ATTR_ERROR_CODES, [...codes].sort());
        },
      };
    },
  };

  logger.info({ url }, 'traces exported over OTLP/HTTP');
  return {
    url,
    httpMiddleware,
    apolloPlugin,
    async stop() {
      auditWriter.tracer = null;
      definitions.find((d) => d.name === 'pg')?.unpatch?.(pgModule);
      definitions.find((d) => d.name === 'pg-pool')?.unpatch?.(poolModule);
      await provider
        .shutdown()
        .catch((e: unknown) => logger.warn({ err: { message: (e as Error).message } }, 'traces: final export failed'));
      context.disable();
    },
  };
}
