import http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import {
  Kind,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Hub, RequestContext } from '../context/context';
import type { RequestRateLimiter } from '../app/rate-limit';
import { RAG_LABELS, readLiveGauges, type LiveGauges } from '../metrics/live-gauges';
import { ERROR_CODES } from '../shared/errors';

/**
 * Prometheus metrics (issue 22; ADR 008), served on a port of their own (METRICS_PORT, off unless
 * set) so that /metrics never sits on the public listener behind the TLS proxy.
 *
 * Every label has a bounded set of values, fixed by the code or the schema, never by a client:
 * - `operation`: the root field an operation selects (Query/Mutation/Subscription fields of the
 *   served schema, aliases resolved); `multiple` for several, `none` when the document did not
 *   resolve to an operation (parse or validation error). Client-chosen operation names are not
 *   used: they are unbounded and may contain anything.
 * - `code`: the hub's fixed error codes plus Apollo's own; anything else is `OTHER`.
 * - `route`: /graphql, /healthz, /readyz, or `other`; `status`: the HTTP status code.
 * - `agency`: the configured agencies (zero-filled), anything else `other`; `rag`: RED, AMBER,
 *   GREEN, UNRATED; `topic`: the hub's event topics.
 * No label or value carries a person, a user, a request id or an argument.
 */

const APOLLO_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
] as const;
const KNOWN_CODES = new Set<string>([...ERROR_CODES, ...APOLLO_CODES]);
const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);
const ROUTES = new Set(['/graphql', '/healthz', '/readyz']);
const EVENT_TOPICS = ['referral', 'meeting', 'alert'] as const;
/** The MASH gauges are read from the database at most this often, however often Prometheus scrapes. */
const LIVE_GAUGES_MIN_INTERVAL_MS = 10_000;

export interface HubMetrics {
  registry: Registry;
  apolloPlugin: ApolloServerPlugin<RequestContext>;
  httpMiddleware: express.RequestHandler;
  /** Starts the /metrics listener when METRICS_PORT is set; resolves its URL (null when off). */
  listen(): Promise<string | null>;
  stop(): Promise<void>;
}

/** The root fields an operation selects, through inline fragments and fragment spreads. */
function rootFields(
  selectionSet: SelectionSetNode,
  document: DocumentNode,
  into: Set<string>,
  seen = new Set<string>(),
): Set<string> {
  for (const s of selectionSet.selections) {
    if (s.kind === Kind.FIELD) into.add(s.name.value);
    else if (s.kind === Kind.INLINE_FRAGMENT) rootFields(s.selectionSet, document, into, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value,
      );
      if (fragment && fragment.kind === Kind.FRAGMENT_DEFINITION)
        rootFields(fragment.selectionSet, document, into, seen);
    }
  }
  return into;
}

/** The bounded `operation` label: one root field of the schema, `multiple`, or `none`. */
export function operationLabel(
  schema: GraphQLSchema,
  document: DocumentNode | undefined,
  operation: OperationDefinitionNode | undefined,
): string {
  if (!document || !operation) return 'none';
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  const known = root?.getFields() ?? {};
  const fields = [...rootFields(operation.selectionSet, document, new Set())].filter(
    (f) => Object.hasOwn(known, f) || f === '__schema' || f === '__type',
  );
  if (fields.length === 0) return 'none';
  if (fields.length > 1) return 'multiple';
  return fields[0]!;
}

/** A counter fed from a monotonic number kept elsewhere (AuditWriter.stats, RequestRateLimiter.refusals). */
function counterFrom(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => Array<[Record<string, string>, number]>,
) {
  const last = new Map<string, number>();
  return new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      for (const [labels, value] of read()) {
        const key = JSON.stringify(labels);
        const delta = value - (last.get(key) ?? 0);
        last.set(key, value);
        this.inc(labels, Math.max(0, delta));
      }
    },
  });
}

export function createHubMetrics(
  hub: Hub,
  options: { rateLimiter: () => RequestRateLimiter | null; servingRoleOk: () => boolean; databaseOpen: () => boolean },
): HubMetrics {
  const { config, logger, dataSource, auditWriter, events, agencies } = hub;
  // Off (the default): nothing is measured, no listener, no per-request work.
  if (config.metrics.port === undefined) {
    return {
      registry: new Registry(),
      apolloPlugin: {},
      httpMiddleware: (_req, _res, next) => next(),
      listen: async () => null,
      stop: async () => undefined,
    };
  }
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'mash-hub' });
  collectDefaultMetrics({ register: registry, prefix: 'mash_' });

  // ---- requests
  const httpResponses = new Counter({
    name: 'mash_http_responses_total',
    help: 'HTTP responses by route and status code',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'mash_graphql_operation_duration_seconds',
    help: 'GraphQL operations over HTTP: time from request to response, by operation type and root field (its _count is the request rate)',
    labelNames: ['type', 'operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const graphqlErrors = new Counter({
    name: 'mash_graphql_errors_total',
    help: 'Errors in GraphQL responses over HTTP, by error code (unknown codes as OTHER)',
    labelNames: ['code'],
    registers: [registry],
  });
  for (const code of KNOWN_CODES) graphqlErrors.inc({ code }, 0);

  // ---- audit
  const auditBatchEvents = new Histogram({
    name: 'mash_audit_batch_events',
    help: 'Events per audit batch (group commit)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    registers: [registry],
  });
  const auditAppend = new Histogram({
    name: 'mash_audit_append_duration_seconds',
    help: 'Time to append one audit batch, by outcome',
    labelNames: ['outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  auditWriter.onBatch = ({ events: n, seconds, ok }) => {
    auditBatchEvents.observe(n);
    auditAppend.observe({ outcome: ok ? 'ok' : 'failed' }, seconds);
  };
  new Gauge({
    name: 'mash_audit_queue_depth',
    help: 'Audit events waiting for the next batch',
    registers: [registry],
    collect() {
      this.set(auditWriter.queueDepth);
    },
  });
  counterFrom(registry, 'mash_audit_events_written_total', 'Audit events committed', [], () => [
    [{}, auditWriter.stats.events],
  ]);
  counterFrom(
    registry,
    'mash_audit_append_failures_total',
    'Audit batches that failed to commit (their requests failed closed)',
    [],
    () => [[{}, auditWriter.stats.failures]],
  );

  // ---- database pool, subscriptions, rate limits, serving role
  new Gauge({
    name: 'mash_db_pool_clients',
    help: 'The serving pool: total connections, idle connections, and requests waiting for one',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = dataSource.isInitialized
        ? (dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } })
            .master
        : undefined;
      this.set({ state: 'total' }, pool?.totalCount ?? 0);
      this.set({ state: 'idle' }, pool?.idleCount ?? 0);
      this.set({ state: 'waiting' }, pool?.waitingCount ?? 0);
    },
  });
  new Gauge({
    name: 'mash_db_pool_max',
    help: 'The serving pool size (DB_POOL_SIZE)',
    registers: [registry],
    collect() {
      this.set(config.dbPoolSize);
    },
  });
  new Gauge({
    name: 'mash_subscriptions_open',
    help: 'Open GraphQL subscriptions in this process, by event topic',
    labelNames: ['topic'],
    registers: [registry],
    collect() {
      for (const topic of EVENT_TOPICS) this.set({ topic }, events.subscriberCount(topic));
    },
  });
  counterFrom(
    registry,
    'mash_rate_limit_refusals_total',
    'Requests refused with RATE_LIMITED, by limit (HTTP and WebSocket)',
    ['limit'],
    () => [
      [{ limit: 'user' }, options.rateLimiter()?.refusals.user ?? 0],
      [{ limit: 'failed_auth' }, options.rateLimiter()?.refusals.failedAuth ?? 0],
    ],
  );
  new Gauge({
    name: 'mash_ready',
    help: '1 when this process reports ready: database open and the serving role restricted',
    registers: [registry],
    collect() {
      this.set(options.databaseOpen() && options.servingRoleOk() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mash_serving_role_restricted',
    help: '0 while the serving database role could alter the audit (docs/operations.md, "Database roles")',
    registers: [registry],
    collect() {
      this.set(options.servingRoleOk() ? 1 : 0);
    },
  });

  // ---- the MASH's own gauges, read at scrape time (counts only)
  let live: { at: number; gauges: LiveGauges | null; pending: Promise<void> | null } = {
    at: 0,
    gauges: null,
    pending: null,
  };
  async function refreshLive(): Promise<void> {
    if (Date.now() - live.at < LIVE_GAUGES_MIN_INTERVAL_MS || !options.databaseOpen()) return;
    live.pending ??= readLiveGauges(dataSource)
      .then((gauges) => {
        live = { at: Date.now(), gauges, pending: null };
      })
      .catch((e: unknown) => {
        live.pending = null;
        logger.warn({ err: { message: (e as Error).message } }, 'metrics: MASH gauges could not be read');
      });
    await live.pending;
  }
  const agencyCodes = agencies.list().map((a) => a.code);
  new Gauge({
    name: 'mash_referrals_open',
    help: 'Open referrals (not closed, withdrawn or merged) by current RAG',
    labelNames: ['rag'],
    registers: [registry],
    async collect() {
      await refreshLive();
      for (const rag of RAG_LABELS) this.set({ rag }, live.gauges?.openReferralsByRag[rag] ?? 0);
    },
  });
  new Gauge({
    name: 'mash_referrals_breached',
    help: 'Open referrals past their decision due time, by current RAG',
    labelNames: ['rag'],
    registers: [registry],
    async collect() {
      await refreshLive();
      for (const rag of RAG_LABELS) this.set({ rag }, live.gauges?.breachedReferralsByRag[rag] ?? 0);
    },
  });
  new Gauge({
    name: 'mash_agency_checks_overdue',
    help: 'Agency checks requested or in progress past their due time, by agency',
    labelNames: ['agency'],
    registers: [registry],
    async collect() {
      await refreshLive();
      let other = 0;
      for (const code of agencyCodes) this.set({ agency: code }, 0);
      for (const [code, n] of live.gauges?.overdueChecksByAgency ?? []) {
        if (agencyCodes.includes(code)) this.set({ agency: code }, n);
        else other += n;
      }
      this.set({ agency: 'other' }, other);
    },
  });

  let schema: GraphQLSchema | null = null;
  const countError = (code: unknown) =>
    graphqlErrors.inc({ code: typeof code === 'string' && KNOWN_CODES.has(code) ? code : 'OTHER' });
  const apolloPlugin: ApolloServerPlugin<RequestContext> = {
    async serverWillStart(service) {
      schema = service.schema;
    },
    // Refused before the request pipeline (authentication, rate limits): no requestDidStart.
    async contextCreationDidFail({ error }) {
      countError((error as { extensions?: { code?: unknown } }).extensions?.code);
    },
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let type = 'unknown';
      let operation = 'none';
      return {
        async didResolveOperation(rc) {
          type = rc.operation && OPERATION_TYPES.has(rc.operation.operation) ? rc.operation.operation : 'unknown';
          operation = schema ? operationLabel(schema, rc.document, rc.operation) : 'none';
        },
        async willSendResponse(rc) {
          operationDuration.observe({ type, operation }, Number(process.hrtime.bigint() - started) / 1e9);
          const errors = rc.response.body.kind === 'single' ? rc.response.body.singleResult.errors : undefined;
          for (const e of errors ?? []) countError(e.extensions?.code);
        },
      };
    },
  };

  const httpMiddleware: express.RequestHandler = (req, res, next) => {
    const route = ROUTES.has(req.path) ? req.path : 'other';
    res.on('finish', () => {
      httpResponses.inc({ route, status: String(res.statusCode) });
    });
    next();
  };

  let server: http.Server | null = null;
  return {
    registry,
    apolloPlugin,
    httpMiddleware,
    async listen() {
      server = http.createServer((req, res) => {
        if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
          res.writeHead(404).end();
          return;
        }
        registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
            res.end(text);
          },
          (e: unknown) => {
            logger.warn({ err: { message: (e as Error).message } }, 'metrics: scrape failed');
            res.writeHead(500).end();
          },
        );
      });
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(config.metrics.port, config.metrics.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.metrics.port;
      logger.info({ port, host: config.metrics.host }, 'metrics listening on /metrics');
      return `http://${config.metrics.host === '0.0.0.0' ? '127.0.0.1' : config.metrics.host}:${port}/metrics`;
    },
    async stop() {
      auditWriter.onBatch = null;
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
