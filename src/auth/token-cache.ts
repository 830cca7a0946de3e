import crypto from 'node:crypto';
import type { JWTHeaderParameters, JWTPayload } from 'jose';

/** A token whose signature and claims were verified, kept to skip the signature check next time. */
export interface VerifiedToken {
  payload: JWTPayload;
  protectedHeader: JWTHeaderParameters;
  /** The key object it was verified with: a hit is served only while the key set still yields this key. */
  key: unknown;
  /** Epoch ms: its `exp` plus the clock tolerance, the moment verification would start refusing it. */
  usableUntil: number;
}

/**
 * Verified tokens by the SHA-256 of the token (the bearer token itself is never a key in memory),
 * least recently used evicted first. An ES256 verification is 10–26 % of a request's CPU (issue 21);
 * a client sends the same token for hours. The cache never extends what verification allows: an
 * entry is dropped at its `usableUntil`, and the authenticator checks the key before serving it.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(readonly maxEntries: number) {}

  static keyOf(token: string): string {
    return crypto.createHash('sha256').update(token).digest('base64url');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry if it is still usable at `now` (a stale one is removed). */
  get(key: string, now: number): VerifiedToken | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (now >= entry.usableUntil) return undefined;
    this.entries.set(key, entry); // most recently used last
    return entry;
  }

  set(key: string, entry: VerifiedToken): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
