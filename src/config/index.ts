import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * The only module that reads process.env. Everything else receives a parsed, validated Config.
 * Bad values fail fast with the variable's name and never fall back to something insecure.
 */

const boolFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const positiveInt = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n > 0 && n <= max, `must be between 1 and ${max}`);

/** One trusted proxy: an address, a CIDR, or one of express's names for address ranges. */
function isProxyAddress(s: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(s)) return true;
  const [addr, bits, ...rest] = s.split('/');
  const family = isIP(addr ?? '');
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: unset or "false" → trust no proxy (the socket's address is the client's); a whole
 * number → that many proxy hops in front of the hub; otherwise a comma-separated list of proxy
 * addresses / CIDRs (or loopback, linklocal, uniquelocal). Passed to express's `trust proxy`.
 */
const trustProxy = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z.union([
      z.literal('false').transform(() => false as const),
      z
        .string()
        .regex(/^\d+$/)
        .transform(Number)
        .refine((n) => n <= 10, 'at most 10 hops'),
      z
        .string()
        .transform((s) => s.split(',').map((a) => a.trim()))
        .refine(
          (list) => list.every(isProxyAddress),
          'must be a hop count or a comma-separated list of addresses/CIDRs',
        ),
    ]),
  );

/** CORS_ORIGINS: exact origins as a browser sends them (http(s), host, port; no path, wildcard or default port). */
const exactOrigin = (o: string) => URL.canParse(o) && /^https?:$/.test(new URL(o).protocol) && new URL(o).origin === o;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a port number')
    .transform(Number)
    .refine((n) => n >= 0 && n < 65536, 'must be a port number')
    .default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  MASH_DATA_DIR: z.string().min(1).default('./.mash-data'),
  MASH_AGENCIES_FILE: z.string().min(1).optional(),
  MASH_POLICY_FILE: z.string().min(1).optional(),
  MASH_METRICS_FILE: z.string().min(1).optional(),
  MASH_MEETINGS_FILE: z.string().min(1).optional(),
  MASH_PARTNERSHIP_FILE: z.string().min(1).optional(),
  MASH_PARTNERSHIPS_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DB_POOL_SIZE: positiveInt(200).default(10),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  AUTH_ALGORITHMS: z
    .string()
    .default('RS256,ES256')
    .transform((s) => s.split(',').map((a) => a.trim()))
    .pipe(z.array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'])).min(1)),
  AUTH_CLOCK_TOLERANCE_SECONDS: z.string().regex(/^\d+$/).transform(Number).default(30),
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: positiveInt(7 * 24 * 3600).default(24 * 3600),
  /** Verified tokens kept in memory (ADR 020); 0 verifies every request's signature. */
  AUTH_TOKEN_CACHE_SIZE: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n <= 1_000_000, 'must be at most 1000000')
    .default(10_000),
  BREAK_GLASS_MINUTES: positiveInt(24 * 60).default(60),
  MAX_PAGE_SIZE: positiveInt(500).default(100),
  GRAPHQL_INTROSPECTION: boolFlag.optional(),
  AUDIT_BATCH_MAX_ROWS: positiveInt(100000).default(2000),
  MIGRATE_ON_START: boolFlag.default(true),
  SHUTDOWN_DELAY_MS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n <= 60_000, 'must be at most 60000')
    .default(0),
  RATE_LIMIT_STORE: z.enum(['memory', 'postgres']).default('memory'),
  RATE_LIMIT_USER_PER_MINUTE: positiveInt(1_000_000).default(600),
  RATE_LIMIT_FAILED_AUTH_PER_MINUTE: positiveInt(1_000_000).default(60),
  TRUST_PROXY: trustProxy.default(false),
  ENUMERATION_ALERT_THRESHOLD: positiveInt(1_000_000).default(50),
  ENUMERATION_ALERT_INTERVAL_SECONDS: positiveInt(24 * 3600).default(300),
  SERVING_ROLE_CHECK_SECONDS: positiveInt(3600).default(60),
  /** How often (one process per interval) breached decisions and checks are looked for and alerted (issue 19 §3). */
  BREACH_CHECK_SECONDS: positiveInt(3600).default(60),
  /** How often (one process per interval) a signed checkpoint of every chain head is written; 0 = off (ADR 016). Default 3600, off in tests. */
  AUDIT_CHECKPOINT_SECONDS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n <= 7 * 24 * 3600, 'must be at most 604800')
    .optional(),
  METRICS_PORT: z
    .string()
    .regex(/^\d+$/, 'must be a port number')
    .transform(Number)
    .refine((n) => n >= 0 && n < 65536, 'must be a port number')
    .optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  TRUSTED_DOCUMENTS: z.enum(['off', 'enforce']).default('off'),
  MASH_TRUSTED_DOCUMENTS_FILE: z.string().min(1).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  CORS_ORIGINS: z
    .string()
    .transform((s) => s.split(',').map((o) => o.trim()))
    .refine(
      (l) => l.every(exactOrigin),
      'must be a comma-separated list of exact origins such as https://app.example.org',
    )
    .optional(),
  /** MASH Desk's OpenID Connect sign-in (ADR 026): its client id at the provider named by AUTH_ISSUER. */
  DESK_OIDC_CLIENT_ID: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be printable ASCII without spaces')
    .optional(),
  DESK_OIDC_SCOPE: z
    .string()
    .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'must be space-separated scope tokens')
    .refine((s) => s.split(' ').includes('openid'), 'must include openid')
    .default('openid'),
});

export type AuthConfig =
  | {
      mode: 'jwks';
      jwksUrl: string;
      issuer: string;
      audience: string;
      algorithms: string[];
      clockToleranceSeconds: number;
      /** Longest accepted `exp - iat`; `iat` is required and may not be in the future (ADR 007). */
      maxTokenLifetimeSeconds: number;
      /** Verified tokens kept in memory, keyed by the token's hash (ADR 020); 0 disables. */
      tokenCacheSize?: number;
    }
  | {
      mode: 'development';
      keyFile: string;
      issuer: string;
      audience: string;
      algorithms: string[];
      clockToleranceSeconds: number;
      /** Longest accepted `exp - iat`; `iat` is required and may not be in the future (ADR 007). */
      maxTokenLifetimeSeconds: number;
      /** Verified tokens kept in memory, keyed by the token's hash (ADR 020); 0 disables. */
      tokenCacheSize?: number;
    };

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  /**
   * The serving login (mash_app, or a role granted it). Undefined means: run an embedded PostgreSQL
   * in dataDir, migrate it as its superuser and serve as mash_app.
   */
  databaseUrl: string | undefined;
  /**
   * The owner login of an external PostgreSQL: runs migrations at start and owner-only commands
   * (audit:archive). Undefined: the hub runs no migrations and refuses to start if any are pending.
   */
  migrationDatabaseUrl: string | undefined;
  dataDir: string;
  agenciesFile: string | undefined;
  policyFile: string | undefined;
  /** Governance metrics targets, bands and teams (src/metrics/settings.ts); defaults when unset. */
  metricsFile: string | undefined;
  /** JSON overriding the required agencies per meeting type (src/meetings/settings.ts). */
  meetingsFile: string | undefined;
  /** The partnership's local timescales: calendar and closure days, RAG targets, threshold names (src/referrals/settings.ts). */
  partnershipFile: string | undefined;
  /**
   * Per-partnership configuration (ADR 028): partnership id → its own agencies, policy, timescales,
   * meetings and metrics files; a partnership or file not named falls back to the ones above.
   */
  partnershipsFile: string | undefined;
  logLevel: string;
  dbPoolSize: number;
  auth: AuthConfig;
  breakGlassMinutes: number;
  maxPageSize: number;
  introspection: boolean;
  auditBatchMaxRows: number;
  /** Whether this process applies pending migrations when it connects (one per deployment is enough). */
  migrateOnStart: boolean;
  /** On SIGTERM, how long /readyz reports 503 while still serving, before the listener closes. */
  shutdownDelayMs: number;
  /** Per-user and per-IP request limits (src/app/rate-limit.ts, ADR 004). */
  rateLimit: { store: 'memory' | 'postgres'; userPerMinute: number; failedAuthPerMinute: number };
  /**
   * Express's `trust proxy`: false (default: the socket's address is the client), a hop count, or
   * the trusted proxies' addresses/CIDRs. Decides the client address the per-IP limit keys on.
   */
  trustProxy: false | number | string[];
  /** The IG alert on one user reading many distinct children in an hour (src/break-glass/read-volume-watch.ts). */
  enumerationAlert: { threshold: number; intervalSeconds: number };
  /** How often the serving role's privileges on the audit are checked again (src/break-glass/serving-role-watch.ts). */
  servingRoleCheckSeconds: number;
  breachCheckSeconds: number;
  /** Signed checkpoints of every partnership's chain head (src/governance/checkpoint-job.ts); 0 = off. */
  auditCheckpointSeconds: number;
  /** Prometheus /metrics on a listener of its own (src/telemetry/hub-metrics.ts); off when port is undefined. */
  metrics: { port: number | undefined; host: string };
  /**
   * Trusted documents (ADR 007): when set, only the operations registered per partner app in this
   * manifest run (`TRUSTED_DOCUMENTS=enforce`); undefined = any document (APQ still supported).
   */
  trustedDocumentsFile: string | undefined;
  /**
   * OpenTelemetry traces (src/telemetry/tracing.ts, ADR 015): the OTLP/HTTP collector's base URL
   * (`/v1/traces` is appended); undefined = tracing off, nothing instrumented.
   */
  tracing: { otlpEndpoint: string | undefined };
  /** Browser origins allowed to call /graphql across origins (src/app/cors.ts); empty: none. */
  corsOrigins: string[];
  /**
   * MASH Desk's production sign-in (ADR 026): OpenID Connect authorization code with PKCE at the
   * provider that issues the hub's tokens (AUTH_ISSUER); undefined = the desk offers none.
   */
  deskOidc: { issuer: string; clientId: string; scope: string } | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings are treated as unset so `FOO= npm start` behaves like not setting FOO.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration — ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.MASH_DATA_DIR);
  const production = e.NODE_ENV === 'production';
  if (e.MIGRATION_DATABASE_URL && !e.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration — MIGRATION_DATABASE_URL: set it together with DATABASE_URL (the embedded database needs neither)',
    );
  }

  let auth: AuthConfig;
  if (e.AUTH_JWKS_URL) {
    if (!e.AUTH_ISSUER)
      throw new ConfigError('Invalid configuration — AUTH_ISSUER: required when AUTH_JWKS_URL is set');
    if (!e.AUTH_AUDIENCE)
      throw new ConfigError('Invalid configuration — AUTH_AUDIENCE: required when AUTH_JWKS_URL is set');
    if (production && !e.AUTH_JWKS_URL.startsWith('https://')) {
      throw new ConfigError('Invalid configuration — AUTH_JWKS_URL: must be https in production');
    }
    auth = {
      mode: 'jwks',
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      algorithms: e.AUTH_ALGORITHMS,
      clockToleranceSeconds: e.AUTH_CLOCK_TOLERANCE_SECONDS,
      maxTokenLifetimeSeconds: e.AUTH_MAX_TOKEN_LIFETIME_SECONDS,
      tokenCacheSize: e.AUTH_TOKEN_CACHE_SIZE,
    };
  } else {
    if (production) {
      throw new ConfigError(
        'Invalid configuration — AUTH_JWKS_URL: production refuses development authentication; set AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE',
      );
    }
    auth = {
      mode: 'development',
      keyFile: path.join(dataDir, 'dev-signing-key.json'),
      issuer: e.AUTH_ISSUER ?? 'mash-hub-dev',
      audience: e.AUTH_AUDIENCE ?? 'mash-hub',
      algorithms: ['ES256'],
      clockToleranceSeconds: e.AUTH_CLOCK_TOLERANCE_SECONDS,
      maxTokenLifetimeSeconds: e.AUTH_MAX_TOKEN_LIFETIME_SECONDS,
      tokenCacheSize: e.AUTH_TOKEN_CACHE_SIZE,
    };
  }

  // Introspection hands out the whole schema; production never re-enables it by a stray variable.
  if (production && e.GRAPHQL_INTROSPECTION === true) {
    throw new ConfigError(
      'Invalid configuration — GRAPHQL_INTROSPECTION: introspection is refused in production; unset it (or set false)',
    );
  }
  if (e.TRUSTED_DOCUMENTS === 'enforce' && !e.MASH_TRUSTED_DOCUMENTS_FILE) {
    throw new ConfigError(
      'Invalid configuration — MASH_TRUSTED_DOCUMENTS_FILE: required when TRUSTED_DOCUMENTS=enforce',
    );
  }
  if (production && e.CORS_ORIGINS?.some((o) => !o.startsWith('https://'))) {
    throw new ConfigError('Invalid configuration — CORS_ORIGINS: production allows https origins only');
  }
  if (e.TRUSTED_DOCUMENTS === 'off' && e.MASH_TRUSTED_DOCUMENTS_FILE) {
    throw new ConfigError(
      'Invalid configuration — TRUSTED_DOCUMENTS: set it to enforce to use MASH_TRUSTED_DOCUMENTS_FILE',
    );
  }

  let deskOidc: Config['deskOidc'];
  if (e.DESK_OIDC_CLIENT_ID) {
    // The desk signs in at the provider whose tokens the hub accepts: the same issuer, discovered.
    if (auth.mode !== 'jwks')
      throw new ConfigError(
        'Invalid configuration — DESK_OIDC_CLIENT_ID: set AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE too',
      );
    const issuer = URL.canParse(auth.issuer) ? new URL(auth.issuer) : null;
    if (!issuer || !/^https?:$/.test(issuer.protocol) || issuer.search || issuer.hash)
      throw new ConfigError(
        "Invalid configuration — AUTH_ISSUER: must be the provider's http(s) URL for DESK_OIDC_CLIENT_ID",
      );
    if (production && issuer.protocol !== 'https:')
      throw new ConfigError('Invalid configuration — AUTH_ISSUER: must be https in production');
    deskOidc = { issuer: auth.issuer, clientId: e.DESK_OIDC_CLIENT_ID, scope: e.DESK_OIDC_SCOPE };
  }

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.MIGRATION_DATABASE_URL,
    dataDir,
    agenciesFile: e.MASH_AGENCIES_FILE ? path.resolve(e.MASH_AGENCIES_FILE) : undefined,
    policyFile: e.MASH_POLICY_FILE ? path.resolve(e.MASH_POLICY_FILE) : undefined,
    metricsFile: e.MASH_METRICS_FILE ? path.resolve(e.MASH_METRICS_FILE) : undefined,
    meetingsFile: e.MASH_MEETINGS_FILE ? path.resolve(e.MASH_MEETINGS_FILE) : undefined,
    partnershipFile: e.MASH_PARTNERSHIP_FILE ? path.resolve(e.MASH_PARTNERSHIP_FILE) : undefined,
    partnershipsFile: e.MASH_PARTNERSHIPS_FILE ? path.resolve(e.MASH_PARTNERSHIPS_FILE) : undefined,
    logLevel: e.LOG_LEVEL,
    dbPoolSize: e.DB_POOL_SIZE,
    auth,
    breakGlassMinutes: e.BREAK_GLASS_MINUTES,
    maxPageSize: e.MAX_PAGE_SIZE,
    introspection: e.GRAPHQL_INTROSPECTION ?? !production,
    auditBatchMaxRows: e.AUDIT_BATCH_MAX_ROWS,
    migrateOnStart: e.MIGRATE_ON_START,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    rateLimit: {
      store: e.RATE_LIMIT_STORE,
      userPerMinute: e.RATE_LIMIT_USER_PER_MINUTE,
      failedAuthPerMinute: e.RATE_LIMIT_FAILED_AUTH_PER_MINUTE,
    },
    trustProxy: e.TRUST_PROXY,
    enumerationAlert: {
      threshold: e.ENUMERATION_ALERT_THRESHOLD,
      intervalSeconds: e.ENUMERATION_ALERT_INTERVAL_SECONDS,
    },
    servingRoleCheckSeconds: e.SERVING_ROLE_CHECK_SECONDS,
    breachCheckSeconds: e.BREACH_CHECK_SECONDS,
    auditCheckpointSeconds: e.AUDIT_CHECKPOINT_SECONDS ?? (e.NODE_ENV === 'test' ? 0 : 3600),
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST },
    trustedDocumentsFile: e.TRUSTED_DOCUMENTS === 'enforce' ? path.resolve(e.MASH_TRUSTED_DOCUMENTS_FILE!) : undefined,
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT },
    corsOrigins: e.CORS_ORIGINS ?? [],
    deskOidc,
  };
}
