/**
 * The signed-in session. The token lives in this module's memory only: never in localStorage,
 * sessionStorage, cookies or the URL (ADR 009). Reloading the page signs the user out.
 */
import type { MeResult } from './generated/operations.js';

export type Me = MeResult['me'];

let token: string | null = null;

export function setToken(value: string | null): void {
  token = value;
}

export function currentToken(): string | null {
  return token;
}
