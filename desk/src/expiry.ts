/**
 * What happens as a provider's access token nears its expiry (ADR 026, ADR 036): renewed with the
 * refresh token grant where the provider issued a refresh token; otherwise, or when renewal is
 * refused, the user is told the session is ending, and signed out when it has.
 */
import { dateTime } from './format.js';
import { canRenew, renewOidcSignIn } from './oidc.js';

/** Renew this long before expiry (or halfway, for a shorter token). */
const RENEW_LEAD_MS = 60_000;
/** Warn this long before expiry (or halfway, for a shorter token). */
const WARN_LEAD_MS = 5 * 60_000;

export interface ExpiryHandlers {
  /** A renewed access token (kept in memory by the caller). */
  renewed(token: string): void;
  /** The session will end: say so. */
  ending(message: string): void;
  /** The token has expired: sign out with this message. */
  expired(message: string): void;
}

let timer: number | undefined;
/** Moves on at every stop: a renewal answered after a sign-out must not bring a token back. */
let generation = 0;

const before = (expiresAt: number, lead: number) => {
  const left = expiresAt - Date.now();
  return Math.max(0, left - Math.min(lead, left / 2));
};

export function stopWatchingExpiry(): void {
  window.clearTimeout(timer);
  timer = undefined;
  generation += 1;
}

/** Watches a token expiring at `expiresAt` (epoch ms; null: the token does not expire on the desk's watch). */
export function watchExpiry(expiresAt: number | null, on: ExpiryHandlers): void {
  stopWatchingExpiry();
  if (expiresAt === null) return;
  if (canRenew()) {
    timer = window.setTimeout(() => void renew(expiresAt, on), before(expiresAt, RENEW_LEAD_MS));
    return;
  }
  timer = window.setTimeout(
    () => warnThenExpire(expiresAt, on, 'Your session is ending at'),
    before(expiresAt, WARN_LEAD_MS),
  );
}

async function renew(expiresAt: number, on: ExpiryHandlers): Promise<void> {
  const asked = generation;
  try {
    const next = await renewOidcSignIn();
    if (asked !== generation) return; // signed out meanwhile
    on.renewed(next.accessToken);
    watchExpiry(next.expiresAt, on);
  } catch {
    if (asked !== generation) return;
    // The provider refused (its session ended, or the refresh token was revoked).
    warnThenExpire(expiresAt, on, 'Your sign-in could not be renewed; your session is ending at');
  }
}

function warnThenExpire(expiresAt: number, on: ExpiryHandlers, lead: string): void {
  on.ending(`${lead} ${dateTime(new Date(expiresAt).toISOString())}: save your work and sign in again.`);
  timer = window.setTimeout(
    () => on.expired('Your sign-in has expired: sign in again'),
    Math.max(0, expiresAt - Date.now()),
  );
}
