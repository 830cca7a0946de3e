import fs from 'node:fs';
import path from 'node:path';
import {
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { AuthConfig } from '../config';
import type { AgencyDirectory } from './agencies';
import type { AccessPolicy } from '../access-policy/policy';
import type { Viewer } from '../access-policy/viewer';
import { ROLES, type Role } from '../access-policy/vocabulary';
import { unauthenticated } from '../shared/errors';
import { VerifiedTokenCache } from './token-cache';
import { DEFAULT_PARTNERSHIP, PARTNERSHIP_ID } from '../shared/partnership';

const MAX_PARTNERSHIPS = 50;

/** Tokens longer than this are refused before any parsing. */
const MAX_TOKEN_LENGTH = 8192;

/** Verified tokens kept (ADR 020): a few thousand users' working tokens, about 2 kB each. */
export const DEFAULT_TOKEN_CACHE_SIZE = 10_000;

type VerifyKey = Parameters<typeof jwtVerify>[1];
type PublicKey = Exclude<VerifyKey, JWTVerifyGetKey>;

/**
 * Verifies bearer JWTs and turns their claims into a Viewer. Algorithms are pinned by
 * configuration; `alg: none` and HMAC algorithms are never accepted.
 */
export class Authenticator {
  /** Verified tokens, to skip the signature check of a token seen before (ADR 020). */
  readonly verifiedTokens: VerifiedTokenCache;

  private constructor(
    private readonly config: AuthConfig,
    private readonly key: VerifyKey,
    private readonly agencies: AgencyDirectory,
    private readonly policy: AccessPolicy,
    tokenCacheSize: number,
  ) {
    this.verifiedTokens = new VerifiedTokenCache(tokenCacheSize);
  }

  static async create(config: AuthConfig, agencies: AgencyDirectory, policy: AccessPolicy): Promise<Authenticator> {
    const cacheSize = config.tokenCacheSize ?? DEFAULT_TOKEN_CACHE_SIZE;
    if (config.mode === 'jwks') {
      const jwks = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      return new Authenticator(config, jwks, agencies, policy, cacheSize);
    }
    const { publicJwk } = await loadOrCreateDevKey(config.keyFile);
    return new Authenticator(config, (await importJWK(publicJwk, 'ES256')) as PublicKey, agencies, policy, cacheSize);
  }

  get mode(): AuthConfig['mode'] {
    return this.config.mode;
  }

  /** `authorization` header values as received (several means the request is refused). */
  async authenticate(authorization: string[]): Promise<Viewer> {
    return (await this.verify(authorization)).viewer;
  }

  /**
   * Like `authenticate`, and says until when the token may be used (epoch ms: its `exp` plus the
   * clock tolerance, the same rule as for the next HTTP request): an open WebSocket is closed then.
   */
  async verify(authorization: string[]): Promise<{ viewer: Viewer; usableUntil: number }> {
    if (authorization.length === 0) throw refused('MISSING_TOKEN');
    if (authorization.length !== 1) throw refused('MULTIPLE_TOKENS', 'Send exactly one Authorization header');
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization[0]!.trim());
    if (!match) throw refused('MALFORMED', 'Authorization must be a Bearer token');
    const token = match[1]!;
    if (token.length > MAX_TOKEN_LENGTH) throw refused('TOO_LARGE', 'Token too large');
    const cacheKey = VerifiedTokenCache.keyOf(token);
    const cached = this.verifiedTokens.get(cacheKey, Date.now());
    if (cached && (await this.stillSignedBy(cached.protectedHeader, cached.key, token))) {
      return { viewer: this.viewerFromClaims(cached.payload), usableUntil: cached.usableUntil };
    }
    // Not cached, expired, or its key is gone from the key set: verify it in full (and refuse it with the reason).
    this.verifiedTokens.delete(cacheKey);
    let payload: JWTPayload;
    let protectedHeader: JWTHeaderParameters;
    let verifiedWith: unknown;
    try {
      const verified = await jwtVerify(token, this.key as PublicKey, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockToleranceSeconds,
        // iat is required: refused in the future (beyond the tolerance) or older than the longest lifetime.
        maxTokenAge: this.config.maxTokenLifetimeSeconds,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      payload = verified.payload;
      protectedHeader = verified.protectedHeader;
      // The key set's key object (JWKS mode); the one configured key otherwise.
      verifiedWith = (verified as { key?: unknown }).key ?? this.key;
    } catch (e) {
      throw refused(joseReason(e), 'Invalid or expired token');
    }
    // A token valid for longer than the partnership allows (a leaked one would be usable for years).
    if (payload.exp! - payload.iat! > this.config.maxTokenLifetimeSeconds)
      throw refused('LIFETIME_TOO_LONG', 'Token lifetime too long');
    const viewer = this.viewerFromClaims(payload);
    const usableUntil = ((payload.exp as number) + this.config.clockToleranceSeconds) * 1000;
    this.verifiedTokens.set(cacheKey, { payload, protectedHeader, key: verifiedWith, usableUntil });
    return { viewer, usableUntil };
  }

  /**
   * Whether the key a cached token was verified with is still the key the key set gives for its
   * header. With a JWKS this asks jose's remote key set, which refetches the set when it is older
   * than its maximum age or names an unknown key: a key removed at the identity provider stops
   * serving its cached tokens as soon as the hub knows of the removal, like a full verification.
   * A refetched set yields new key objects, so its cached tokens are verified once more.
   */
  private async stillSignedBy(header: JWTHeaderParameters, key: unknown, token: string): Promise<boolean> {
    if (typeof this.key !== 'function') return key === this.key;
    const [protectedPart, payloadPart, signature] = token.split('.');
    try {
      const current = await (this.key as JWTVerifyGetKey)(header, {
        protected: protectedPart,
        payload: payloadPart!,
        signature: signature!,
      });
      return current === key;
    } catch {
      return false;
    }
  }

  private viewerFromClaims(p: JWTPayload): Viewer {
    const { sub, name, agency, roles, partnerships } = p as JWTPayload & {
      name?: unknown;
      agency?: unknown;
      roles?: unknown;
      partnerships?: unknown;
    };
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200)
      throw unauthenticated('Token has no valid sub');
    if (typeof name !== 'string' || name.length === 0 || name.length > 200)
      throw unauthenticated('Token has no valid name');
    if (typeof agency !== 'string' || !this.agencies.has(agency))
      throw unauthenticated('Token names an unknown agency');
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ROLES.includes(r as Role))) {
      throw unauthenticated('Token names an unknown role');
    }
    const agencyKind = this.agencies.kindOf(agency)!;
    const viewerRoles = [...new Set(roles as Role[])];
    // Inconsistent claims fail closed: a police role at a health agency is no one's legitimate user.
    if (!this.policy.rolesFitAgencyKind(viewerRoles, agencyKind))
      throw unauthenticated("Token names a role its agency's kind may not hold");
    // The partnerships the user may act for (ADR 016): a token naming none acts for none.
    if (
      !Array.isArray(partnerships) ||
      partnerships.length === 0 ||
      partnerships.length > MAX_PARTNERSHIPS ||
      !partnerships.every((x) => typeof x === 'string' && PARTNERSHIP_ID.test(x))
    ) {
      throw unauthenticated('Token names no valid partnerships');
    }
    return { sub, name, agency, agencyKind, roles: viewerRoles, partnerships: [...new Set(partnerships as string[])] };
  }
}

/**
 * Why a token was refused, for the operator's log (never sent to the client, never the token or its
 * claims): a fixed code per failure.
 */
export type AuthFailureReason =
  | 'MISSING_TOKEN'
  | 'MULTIPLE_TOKENS'
  | 'MALFORMED'
  | 'TOO_LARGE'
  | 'EXPIRED'
  | 'BAD_SIGNATURE'
  | 'UNKNOWN_KEY'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'CLAIM_CHECK_FAILED'
  | 'LIFETIME_TOO_LONG'
  | 'BAD_CLAIMS'
  | 'INVALID_TOKEN';

const reasons = new WeakMap<object, AuthFailureReason>();

function refused(reason: AuthFailureReason, message?: string) {
  const e = unauthenticated(message);
  reasons.set(e, reason);
  return e;
}

/** The reason code of an authentication failure (BAD_CLAIMS for a refusal of the claims' values). */
export function authFailureReason(e: unknown): AuthFailureReason {
  return (typeof e === 'object' && e !== null && reasons.get(e)) || 'BAD_CLAIMS';
}

function joseReason(e: unknown): AuthFailureReason {
  switch ((e as { code?: string })?.code) {
    case 'ERR_JWT_EXPIRED':
      return 'EXPIRED';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'BAD_SIGNATURE';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'UNKNOWN_KEY';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'ALGORITHM_NOT_ALLOWED';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return 'CLAIM_CHECK_FAILED';
    default:
      return 'INVALID_TOKEN';
  }
}

interface DevKeyFile {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The development signing key, kept in the data folder so tokens survive restarts. */
export async function loadOrCreateDevKey(file: string): Promise<DevKeyFile> {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as DevKeyFile;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const keys: DevKeyFile = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

export interface TokenClaims {
  sub: string;
  name: string;
  agency: string;
  roles: string[];
  /** The partnerships the user may act for; `default` when not given. */
  partnerships?: string[];
}

/** Signs a development token. Refuses unless development authentication is configured. */
export async function signDevToken(config: AuthConfig, claims: TokenClaims, ttl = '8h'): Promise<string> {
  if (config.mode !== 'development') throw new Error('Development tokens are refused: AUTH_JWKS_URL is configured');
  const { privateJwk } = await loadOrCreateDevKey(config.keyFile);
  const key = await importJWK(privateJwk, 'ES256');
  const partnerships = claims.partnerships ?? [DEFAULT_PARTNERSHIP];
  return new SignJWT({ name: claims.name, agency: claims.agency, roles: claims.roles, partnerships })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(claims.sub)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key);
}
