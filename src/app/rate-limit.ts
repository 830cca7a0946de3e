import type http from 'node:http';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import type { Viewer } from '../access-policy/viewer';
import type { Config } from '../config';
import { authFailureReason } from '../auth/authenticator';
import { rateLimited } from '../shared/errors';
import type { Logger } from '../shared/logger';

/**
 * Request rate limits (docs/security.md; ADR 004), with rate-limiter-flexible:
 * - per authenticated user (`sub`), every GraphQL request counts one point;
 * - per client IP, failed authentications only; once an IP is over, it gets 429 before its token
 *   is even verified (no signature work for a guessing client).
 * Over a limit → HTTP 429, `RATE_LIMITED`, `Retry-After` in whole seconds; no data, nothing about
 * the limit's state. The store is memory (per process, the default) or PostgreSQL (shared by every
 * hub process, an UNLOGGED table created by migration 1763901400000). A store that fails lets the
 * request through on a per-process memory count (the insurance limiter): the limiter must never be
 * what takes the hub down.
 */
export class RequestRateLimiter {
  /** Refusals since start, for /metrics: over the per-user limit, over the failed-authentication limit per IP. */
  readonly refusals = { user: 0, failedAuth: 0 };
  /** IPs over the failed-authentication limit, until when (epoch ms). Bounded. */
  private readonly blockedIps = new Map<string, number>();
  /** Users whose rate-limit refusal was logged, until when (epoch ms). Bounded. */
  private readonly loggedUsers = new Map<string, number>();

  private constructor(
    private readonly perUser: RateLimiterAbstract,
    private readonly failedAuth: RateLimiterAbstract,
    private readonly logger: Logger,
  ) {}

  static create(config: Config['rateLimit'], dataSource: DataSource, logger: Logger): RequestRateLimiter {
    const user = { keyPrefix: 'user', points: config.userPerMinute, duration: 60 };
    const ip = { keyPrefix: 'auth_fail', points: config.failedAuthPerMinute, duration: 60 };
    if (config.store === 'memory') {
      return new RequestRateLimiter(new RateLimiterMemory(user), new RateLimiterMemory(ip), logger);
    }
    const pool = (dataSource.driver as unknown as { master: unknown }).master;
    const store = (o: typeof user) =>
      new RateLimiterPostgres({
        ...o,
        storeClient: pool,
        storeType: 'pool',
        tableName: 'rate_limit',
        tableCreated: true,
        // Expired rows are overwritten by the next consume; a sweep per process per hour is enough.
        clearExpiredByTimeout: true,
        // Once a key is over, stop asking the database until its window ends.
        inMemoryBlockOnConsumed: o.points + 1,
        insuranceLimiter: new RateLimiterMemory(o),
      });
    return new RequestRateLimiter(store(user), store(ip), logger);
  }

  /** Ends the PostgreSQL store's periodic sweep of expired keys (a timer per limiter). */
  stop(): void {
    for (const l of [this.perUser, this.failedAuth]) {
      const timer = (l as unknown as { _clearExpiredTimeoutId?: NodeJS.Timeout })._clearExpiredTimeoutId;
      if (timer) clearTimeout(timer);
    }
  }

  /**
   * Authenticates through `authenticate`, counting failures by IP and successes by user.
   * Throws RATE_LIMITED (429) or the authentication error. Failures and refusals are logged at warn
   * (ADR 007): a reason code and the client's address, never the token or its claims; `fields` (the
   * request id, the transport) are added to the line.
   */
  async admit(ip: string, authenticate: () => Promise<Viewer>, fields: Record<string, unknown> = {}): Promise<Viewer> {
    const ipKey = ip || 'unknown';
    // Blocked IPs are remembered in this process: no store round trip on the way in. Another process
    // learns of the block at that IP's next failure there (the counter itself is shared).
    // Not logged again: the block was logged when it began (a blocked client cannot flood the log).
    const until = this.blockedIps.get(ipKey);
    if (until !== undefined) {
      const ms = until - Date.now();
      if (ms > 0) {
        this.refusals.failedAuth += 1;
        throw rateLimited(Math.max(1, Math.ceil(ms / 1000)));
      }
      this.blockedIps.delete(ipKey);
    }
    let viewer: Viewer;
    try {
      viewer = await authenticate();
    } catch (e) {
      const wait = await this.consume(this.failedAuth, ipKey);
      if (wait) {
        this.block(ipKey, wait);
        this.refusals.failedAuth += 1;
        this.logger.warn(
          { ...fields, event: 'rate_limited', limit: 'failed_auth', ip: ipKey, retryAfterSeconds: wait },
          'refused: too many failed authentications from this address',
        );
        throw rateLimited(wait);
      }
      this.logger.warn(
        { ...fields, event: 'auth_failed', reason: authFailureReason(e), ip: ipKey },
        'authentication failed',
      );
      throw e;
    }
    const wait = await this.consume(this.perUser, viewer.sub);
    if (wait) {
      this.refusals.user += 1;
      this.logUserLimit(viewer.sub, wait, fields);
      throw rateLimited(wait);
    }
    return viewer;
  }

  /**
   * One more request of an already authenticated user (a subscribe over an open WebSocket).
   * Throws RATE_LIMITED (429) when over.
   */
  async admitUser(sub: string, fields: Record<string, unknown> = {}): Promise<void> {
    const wait = await this.consume(this.perUser, sub);
    if (wait) {
      this.refusals.user += 1;
      this.logUserLimit(sub, wait, fields);
      throw rateLimited(wait);
    }
  }

  /** One warn line per user per window (the user's `sub`, as in the audit; never their name). */
  private logUserLimit(sub: string, seconds: number, fields: Record<string, unknown>) {
    const now = Date.now();
    if ((this.loggedUsers.get(sub) ?? 0) > now) return;
    if (this.loggedUsers.size >= 10_000)
      for (const [k, t] of this.loggedUsers) if (t <= now) this.loggedUsers.delete(k);
    if (this.loggedUsers.size < 10_000) this.loggedUsers.set(sub, now + seconds * 1000);
    this.logger.warn(
      { ...fields, event: 'rate_limited', limit: 'user', sub, retryAfterSeconds: seconds },
      'refused: user over the request rate limit',
    );
  }

  private block(ip: string, seconds: number) {
    if (this.blockedIps.size >= 10_000) {
      const now = Date.now();
      for (const [k, t] of this.blockedIps) if (t <= now) this.blockedIps.delete(k);
    }
    if (this.blockedIps.size < 10_000) this.blockedIps.set(ip, Date.now() + seconds * 1000);
  }

  /** Seconds to wait if `key` is over its limit now; undefined otherwise (and if the store fails). */
  private async consume(limiter: RateLimiterAbstract, key: string): Promise<number | undefined> {
    try {
      await limiter.consume(key, 1);
      return undefined;
    } catch (e) {
      if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      this.logger.warn({ err: { message: (e as Error).message } }, 'rate limiter store failed; request let through');
      return undefined;
    }
  }
}

/**
 * The client's address of a request that did not go through express (the WebSocket upgrade), with
 * the same rule as express's `req.ip`: walk from the socket's peer back through X-Forwarded-For
 * while the hop is trusted by `trust` (express's compiled `trust proxy fn`). With no proxy trusted,
 * the socket's address: a forged X-Forwarded-For changes nothing.
 */
export function clientAddress(req: http.IncomingMessage, trust: (addr: string, hop: number) => boolean): string {
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .reverse();
  const chain = [req.socket.remoteAddress ?? '', ...forwarded];
  let i = 0;
  while (i < chain.length - 1 && trust(chain[i]!, i)) i++;
  return chain[i]!;
}
