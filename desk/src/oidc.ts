/**
 * Production sign-in (ADR 026): OpenID Connect, authorization code with PKCE, at the partnership's
 * provider (the issuer whose tokens the hub accepts), through oauth4webapi.
 *
 * What the browser keeps: during the round trip to the provider only, the PKCE verifier, state and
 * nonce in sessionStorage (random values, no personal data; removed when the provider answers).
 * The tokens stay in memory (session.ts, and the refresh and ID tokens here). The provider answers
 * on the desk's own address with `?code&state`, which is taken out of the address bar at once.
 */
import * as oauth from 'oauth4webapi';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  scope: string;
}

export interface OidcSignIn {
  accessToken: string;
  /** Epoch ms after which the hub will refuse the token (from `expires_in`), if the provider said. */
  expiresAt: number | null;
}

/**
 * The provider session, in this module's memory only (ADR 026, ADR 036): the refresh token if the
 * provider issued one (to renew before expiry), the ID token (the hint for signing out at the
 * provider) and the provider's metadata. A reload forgets it, like the access token.
 */
let held: {
  as: oauth.AuthorizationServer;
  settings: OidcSettings;
  refreshToken: string | null;
  idToken: string | null;
} | null = null;

const PENDING = 'mash-desk-oidc-pending';

/**
 * How this hub lets the desk sign in: the provider's settings (null when the hub names none) and
 * whether the development sign-in exists.
 */
export async function signInOptions(): Promise<{ provider: OidcSettings | null; development: boolean }> {
  const res = await fetch('/desk/sign-in.json');
  if (!res.ok) throw new Error(`The hub answered ${res.status}`);
  return (await res.json()) as { provider: OidcSettings | null; development: boolean };
}

/** The desk's own page is the redirect URI: registered as such at the provider. */
function redirectUri(): string {
  return `${location.origin}/`;
}

/** http is allowed only for a local provider outside production (the hub refuses it there). */
function options(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  return issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(settings: OidcSettings): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(settings.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...options(issuer) });
  return oauth.processDiscoveryResponse(issuer, response);
}

/** Sends the browser to the provider's sign-in page. */
export async function startOidcSignIn(settings: OidcSettings): Promise<void> {
  const as = await discover(settings);
  if (!as.authorization_endpoint) throw new Error('The identity provider has no authorization endpoint');
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', settings.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce }));
  location.assign(url.href);
}

/** Whether the page was opened by the provider's answer (a code or an error). */
export function isOidcCallback(): boolean {
  const params = new URLSearchParams(location.search);
  return params.has('state') && (params.has('code') || params.has('error'));
}

/**
 * Completes the sign-in the provider answered: checks state, issuer and nonce, redeems the code
 * with the PKCE verifier, and returns the access token for the hub. The answer leaves the address
 * bar and the verifier leaves sessionStorage whatever happens.
 */
export async function completeOidcSignIn(settings: OidcSettings): Promise<OidcSignIn> {
  const answer = new URL(location.href);
  history.replaceState(null, '', '/');
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (!raw) throw new Error('This sign-in was not started here, or was already used: sign in again');
  const pending = JSON.parse(raw) as { verifier: string; state: string; nonce: string };
  const as = await discover(settings);
  const client: oauth.Client = { client_id: settings.clientId };
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, answer, pending.state);
  } catch (e) {
    if (e instanceof oauth.AuthorizationResponseError)
      throw new Error(`The identity provider refused: ${e.error}`, { cause: e });
    throw new Error('The identity provider’s answer could not be checked: sign in again', { cause: e });
  }
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri(),
    pending.verifier,
    options(new URL(settings.issuer)),
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  held = { as, settings, refreshToken: tokens.refresh_token ?? null, idToken: tokens.id_token ?? null };
  return signInOf(tokens);
}

function signInOf(tokens: oauth.TokenEndpointResponse): OidcSignIn {
  return {
    accessToken: tokens.access_token,
    expiresAt: typeof tokens.expires_in === 'number' ? Date.now() + tokens.expires_in * 1000 : null,
  };
}

/** Whether the provider issued a refresh token, so the desk can renew before the access token expires. */
export function canRenew(): boolean {
  return !!held?.refreshToken;
}

/**
 * Renews the access token with the refresh token grant, keeping a rotated refresh token (in memory).
 * Throws when the provider refuses (the session ended there): the desk then signs out and says so.
 */
export async function renewOidcSignIn(): Promise<OidcSignIn> {
  const session = held;
  if (!session?.refreshToken) throw new Error('The identity provider gave no way to renew this sign-in');
  const client: oauth.Client = { client_id: session.settings.clientId };
  const response = await oauth.refreshTokenGrantRequest(
    session.as,
    client,
    oauth.None(),
    session.refreshToken,
    options(new URL(session.settings.issuer)),
  );
  const tokens = await oauth.processRefreshTokenResponse(session.as, client, response);
  session.refreshToken = tokens.refresh_token ?? session.refreshToken;
  session.idToken = tokens.id_token ?? session.idToken;
  return signInOf(tokens);
}

/**
 * Forgets the provider session. Returns where to send the browser to sign out at the provider too
 * (RP-initiated logout, to its `end_session_endpoint` with the ID token as hint and the desk's
 * page to come back to), or null when the provider advertises none or the sign-in was not there.
 */
export function endOidcSignIn(): string | null {
  const session = held;
  held = null;
  if (!session?.as.end_session_endpoint) return null;
  const url = new URL(session.as.end_session_endpoint);
  url.searchParams.set('client_id', session.settings.clientId);
  url.searchParams.set('post_logout_redirect_uri', redirectUri());
  if (session.idToken) url.searchParams.set('id_token_hint', session.idToken);
  return url.href;
}
