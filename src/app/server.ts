import crypto from 'node:crypto';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import express from 'express';
import { AgencyDirectory } from '../auth/agencies';
import { AccessPolicy } from '../access-policy/policy';
import type { RequestAccess } from '../access-policy/request-access';
import type { Viewer } from '../access-policy/viewer';
import { AuditWriter } from '../audit/audit-writer';
import { Authenticator } from '../auth/authenticator';
import type { Config } from '../config';
import type { Hub, RequestContext } from '../context/context';
import { admitToPartnership, createRequestContext } from '../context/context-factory';
import { agenciesOfEveryPartnership, loadPartnershipConfigs, partnershipHubs } from './partnership-config';
import { choosePartnership, PARTNERSHIP_HEADER } from '../auth/partnership-choice';
import { setPartnershipScope, withScopeHolder } from '../db/partnership-scope';
import { assertServingRoleRestricted, servingRoleProblems } from '../db/app-role';
import { databaseIsReachable } from '../db/data-source';
import type { DataSource } from 'typeorm';
import { buildBareSchema, buildSchema } from './schema';
import { createErrorFormatter, releasePlugin } from './plugins';
import { clientAddress, RequestRateLimiter } from './rate-limit';
import { postOnly } from './post-only';
import { corsAllowList } from './cors';
import { BoundedDocumentCache, TrustedDocuments, trustedDocumentsMiddleware } from './persisted-queries';
import { startReadVolumeWatch } from '../break-glass/read-volume-watch';
import { startServingRoleWatch } from '../break-glass/serving-role-watch';
import { startBreachWatch } from '../break-glass/breach-watch';
import { startCheckpointJob } from '../governance/checkpoint-job';
import { createHubMetrics } from '../telemetry/hub-metrics';
import { startTracing } from '../telemetry/tracing';
import { HubEventListener } from '../events/listener';
import { attachSubscriptions } from './subscriptions';
import { networkOf } from '../audit/audit-builder';
import { loadMetricsSettings } from '../metrics/settings';
import { applyPartnershipSettings } from '../referrals/settings';
import { applyMeetingSettings } from '../meetings/settings';
import { serviceUnavailable } from '../shared/errors';
import { mountDesk } from '../desk/desk.routes';
import type { Logger } from '../shared/logger';
import { CHRONOLOGY_SOURCES } from './chronology-sources';

export interface HubServer {
  hub: Hub;
  httpServer: http.Server;
  url: string;
  /** Prometheus metrics on their own listener (METRICS_PORT); null when off. */
  metricsUrl: string | null;
  /** Where OpenTelemetry spans are exported (OTEL_EXPORTER_OTLP_ENDPOINT); null when off. */
  tracesUrl: string | null;
  /** Readiness goes false first, in-flight requests finish, the audit is flushed. */
  stop(): Promise<void>;
}

/** A client's `x-request-id` kept as its correlation id: short, and no spaces, quotes or markup. */
const CORRELATION_ID = /^[A-Za-z0-9._-]{1,64}$/;
const correlationIdOf = (given: string | undefined) => (given && CORRELATION_ID.test(given) ? given : undefined);

export async function createHub(config: Config, logger: Logger, dataSource: DataSource): Promise<Hub> {
  // Append-only by privilege (C5): production never serves as a role that could rewrite the audit.
  // (main.ts connects in the background and checks in connectWithRetry before it reports ready.)
  const roleProblems = dataSource.isInitialized ? await servingRoleProblems(dataSource) : [];
  if (roleProblems.length) {
    if (config.env === 'production') await assertServingRoleRestricted(dataSource);
    logger.warn(
      { problems: roleProblems },
      'the serving database role could alter the audit (refused in production): serve as mash_app',
    );
  }
  const agencies = AgencyDirectory.load(config.agenciesFile);
  const policy = AccessPolicy.load(config.policyFile);
  const partnerships = loadPartnershipConfigs(config); // each partnership's own files (ADR 028); a bad one stops the hub
  const authenticator = await Authenticator.create(
    config.auth,
    agenciesOfEveryPartnership(agencies, partnerships),
    policy,
  );
  loadMetricsSettings(config.metricsFile); // fail fast on a bad MASH_METRICS_FILE
  applyPartnershipSettings(config.partnershipFile); // the local timescales; a bad file stops the hub naming the field
  applyMeetingSettings(config.meetingsFile); // required agencies and the local quorum rule
  const auditWriter = new AuditWriter(dataSource, logger, config.auditBatchMaxRows);
  // Its own connection, outside the pool: LISTEN holds a session for the life of the process.
  const url = (dataSource.options as { url?: string }).url;
  if (!url) throw new Error('the data source has no connection URL for the event listener');
  const events = new HubEventListener(url, logger);
  await events.start();
  const hub: Hub = {
    config,
    logger,
    dataSource,
    agencies,
    policy,
    authenticator,
    auditWriter,
    events,
    chronologySources: CHRONOLOGY_SOURCES,
  };
  hub.partnershipHubs = partnershipHubs(hub, partnerships);
  return hub;
}

/** Raised when the hub cannot take its port: the caller stops the database and exits non-zero. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/** Listens, or rejects with a message naming the address and the cause (EADDRINUSE, EACCES, …). */
function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException) => {
      const cause =
        e.code === 'EADDRINUSE'
          ? 'the address is in use by another process'
          : e.code === 'EACCES'
            ? 'permission denied'
            : e.message;
      reject(new ListenError(`cannot listen on ${host}:${port}: ${cause} (${e.code ?? 'error'})`, { cause: e }));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

/**
 * What the server switches on. Production always runs everything; the benchmark switches layers
 * off to measure each one against the bare twin (same schema, resolvers and data).
 */
export interface ServerFeatures {
  /** graphql-shield entry points and the per-object field guard. */
  fieldPermissions: boolean;
  /** Durable audit written before each response leaves. */
  audit: boolean;
  /** graphql-armor resource limits. */
  limits: boolean;
}
/** Makes a request's access state (the benchmark's bare twin composes its own). */
export type MakeAccess = (viewer: Viewer, policy: AccessPolicy) => RequestAccess;

export const ALL_FEATURES: ServerFeatures = { fieldPermissions: true, audit: true, limits: true };

export async function startServer(
  hub: Hub,
  options: {
    port?: number;
    host?: string;
    features?: ServerFeatures;
    /** False until the database is connected and migrated (main.ts connects in the background). */
    databaseOpen?: () => boolean;
    /** On stop: how long readiness reports false, still serving, before the listener closes. */
    shutdownDelayMs?: number;
    /**
     * How each request's access state is made; by default the policy's RequestAccess. Only the
     * benchmark's bare twin passes another (bench/bare-twin.ts); production refuses it.
     */
    makeAccess?: MakeAccess;
  } = {},
): Promise<HubServer> {
  const features = options.features ?? ALL_FEATURES;
  if (hub.config.env === 'production' && (!features.fieldPermissions || !features.audit || !features.limits)) {
    throw new Error('production always runs with field permissions, audit and limits');
  }
  if (hub.config.env === 'production' && options.makeAccess)
    throw new Error('production always runs with the access policy');
  const makeAccess = options.makeAccess;
  const { config, logger } = hub;
  // Trusted documents (ADR 007): only registered operations run; otherwise APQ with a bounded cache.
  const trustedDocuments = config.trustedDocumentsFile ? TrustedDocuments.load(config.trustedDocumentsFile) : undefined;
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy, the client's address (per-IP limits) comes from X-Forwarded-For.
  if (config.trustProxy !== false) app.set('trust proxy', config.trustProxy);
  // Large enough for an oversized token to reach authentication and get a 401, not a bare 431.
  const httpServer = http.createServer({ maxHeaderSize: 32 * 1024 }, app);
  let draining = false;
  const databaseOpen = options.databaseOpen ?? (() => hub.dataSource.isInitialized);
  const servingRole = startServingRoleWatch(hub);
  const metrics = createHubMetrics(hub, {
    rateLimiter: () => rateLimiter,
    servingRoleOk: servingRole.ok,
    databaseOpen,
  });
  app.use(metrics.httpMiddleware);
  const tracing = startTracing(config, logger, hub.auditWriter);
  app.use('/graphql', tracing.httpMiddleware);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = !draining && databaseOpen() && servingRole.ok() && (await databaseIsReachable(hub.dataSource));
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  });

  // Resource limits from a well-kept library rather than hand-written rules (docs/security.md, resource limits).
  const armor = new ApolloArmor({
    maxDepth: { n: 12 },
    // The default allow-list exempts __typename aliases, which are then free amplification: count them.
    maxAliases: { n: 15, allowList: [] },
    maxDirectives: { n: 10 },
    // Armor's token limit throws from an Apollo hook, which Apollo answers 500 (a client error answered
    // as a server fault). graphql-js's own parser limit (parseOptions below) answers 400.
    maxTokens: { enabled: false },
    costLimit: { maxCost: 20000 },
    blockFieldSuggestion: { enabled: config.env === 'production' },
  }).protect();
  const schema = features.fieldPermissions ? buildSchema() : buildBareSchema();
  const maxTokens = features.limits ? 3000 : undefined;
  const rateLimiter = features.limits ? RequestRateLimiter.create(config.rateLimit, hub.dataSource, logger) : null;
  const subscriptions = attachSubscriptions(hub, httpServer, {
    schema,
    makeAccess,
    audit: features.audit,
    validationRules: features.limits ? armor.validationRules : [],
    production: config.env === 'production',
    rateLimiter,
    clientIp: (req) => clientAddress(req, app.get('trust proxy fn') as (addr: string, hop: number) => boolean),
    maxTokens,
    trustedDocuments,
  });
  const apollo = new ApolloServer<RequestContext>({
    schema,
    validationRules: features.limits ? armor.validationRules : [],
    parseOptions: maxTokens ? { maxTokens } : {},
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // APQ documents expire after a day and the cache is bounded; trusted mode resolves documents itself.
    persistedQueries: trustedDocuments ? false : { cache: new BoundedDocumentCache(), ttl: 24 * 3600 },
    formatError: createErrorFormatter(logger, config.env === 'production'),
    plugins: [
      ...(features.limits ? armor.plugins : []),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Responses carry personal data and are never cacheable (Cache-Control: no-store is set on /graphql):
      // Apollo's cache-control plugin computes a cache policy per field for nothing (~1–2 ms a page).
      ApolloServerPluginCacheControlDisabled(),
      // Open WebSockets would keep the HTTP server from closing: end them when Apollo drains.
      { serverWillStart: async () => ({ drainServer: () => subscriptions.dispose() }) },
      releasePlugin({ audit: features.audit }),
      metrics.apolloPlugin,
      tracing.apolloPlugin,
    ],
  });
  await apollo.start();
  const readVolumeWatch = startReadVolumeWatch(hub);
  const breachWatch = startBreachWatch(hub);
  const checkpointJob = startCheckpointJob(hub);

  // MASH Desk (ADR 009): static pages that talk to the hub only through /graphql.
  mountDesk(app, { config, agencies: hub.agencies, logger });

  app.use(
    '/graphql',
    corsAllowList(config.corsOrigins),
    (req, res, next) => {
      // The request id is always the hub's own: a client-chosen one let two users' events share an id.
      const requestId = crypto.randomUUID();
      res.locals.requestId = requestId;
      res.locals.correlationId = correlationIdOf(req.header('x-request-id'));
      res.setHeader('x-request-id', requestId);
      // Answers carry personal data: no browser, proxy or CDN may keep a copy.
      res.setHeader('cache-control', 'no-store');
      // Before the first connection, answer at once with a retryable code rather than hang; production
      // also stops serving while its database role could alter the audit (as it refuses to start).
      if (!databaseOpen() || (config.env === 'production' && !servingRole.ok())) {
        const e = serviceUnavailable();
        res.status(503).json({ errors: [{ message: e.message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
        return;
      }
      next();
    },
    postOnly(),
    express.json({ limit: '100kb' }),
    ...(trustedDocuments ? [trustedDocumentsMiddleware(trustedDocuments)] : []),
    // The request's database work runs in the partnership its context chooses (ADR 016).
    (_req: express.Request, _res: express.Response, next: express.NextFunction) => withScopeHolder(next),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<RequestContext> => {
        const requestId = res.locals.requestId as string;
        const correlationId = res.locals.correlationId as string | undefined;
        const authorization: string[] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          if (req.rawHeaders[i]!.toLowerCase() === 'authorization') authorization.push(req.rawHeaders[i + 1]!);
        }
        const authenticate = () => hub.authenticator.authenticate(authorization);
        const logFields = { transport: 'http', requestId, ...(correlationId ? { correlationId } : {}) };
        const viewer = rateLimiter
          ? await rateLimiter.admit(req.ip ?? '', authenticate, logFields)
          : await authenticate();
        const requested: string[] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          if (req.rawHeaders[i]!.toLowerCase() === PARTNERSHIP_HEADER) requested.push(req.rawHeaders[i + 1]!);
        }
        const partnership = choosePartnership(viewer, requested);
        admitToPartnership(hub, viewer, partnership);
        setPartnershipScope({ partnership, actor: viewer.sub, requestId });
        return createRequestContext(hub, {
          viewer,
          partnership,
          requestId,
          ...(correlationId ? { correlationId } : {}),
          ...networkOf(req.ip, req.socket.localAddress),
          logger: logger.child(correlationId ? { requestId, correlationId } : { requestId }),
          operation: { type: 'unknown', name: null, documentHash: null },
          ...(makeAccess ? { access: makeAccess(viewer, hub.policy) } : {}),
        });
      },
    }),
  );
  // Malformed JSON and oversized bodies: a 4xx with a stable code, never a stack trace.
  app.use(
    (
      err: { status?: number; type?: string },
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (!err) return next();
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
      res.status(status).json({
        errors: [
          {
            message: status === 413 ? 'Request body too large' : 'Malformed request',
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      });
    },
  );

  try {
    await listen(httpServer, options.port ?? config.port, options.host ?? config.host);
  } catch (e) {
    // Nothing may keep serving (or keep the process alive) behind a port we do not hold.
    readVolumeWatch.stop();
    breachWatch.stop();
    checkpointJob.stop();
    rateLimiter?.stop();
    await subscriptions.dispose().catch(() => undefined);
    await apollo.stop().catch(() => undefined);
    await tracing.stop();
    throw e;
  }
  const addr = httpServer.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const metricsUrl = await metrics.listen();
  return {
    hub,
    httpServer,
    url: `http://127.0.0.1:${port}/graphql`,
    metricsUrl,
    tracesUrl: tracing.url,
    async stop() {
      draining = true;
      // Readiness is false first; the load balancer stops sending before the listener closes.
      if (options.shutdownDelayMs) await new Promise((resolve) => setTimeout(resolve, options.shutdownDelayMs));
      readVolumeWatch.stop();
      breachWatch.stop();
      checkpointJob.stop();
      servingRole.stop();
      rateLimiter?.stop();
      // No new events first: open subscriptions complete, then sockets and requests drain.
      await hub.events.stop();
      await apollo.stop();
      await hub.auditWriter.drain();
      await metrics.stop();
      await tracing.stop();
    },
  };
}
