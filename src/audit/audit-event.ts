import crypto from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** One audit event per operation (README › The audit). Stored as canonical JSON and hash-chained. */
export interface AuditSubject {
  personId: string;
  outcome: 'DISCLOSED' | 'NOT_FOUND' | 'DENIED' | 'CHANGED';
  recordIds: string[];
  /** Schema coordinates released, e.g. `HealthRecord.clinicalNotes`. */
  released: string[];
  /** `coordinate:REASON` for each redacted field. */
  redacted: string[];
  relationships: string[];
  /**
   * Agencies owning the AGENCY_DETAIL released about the person; absent when none. A trigger on
   * audit_event raises CROSS_AGENCY_DETAIL_READ alerts from it (migration 1763901201000).
   */
  detailOwners?: string[];
}

export interface AuditChange {
  entity: string;
  id: string;
  before: unknown;
  after: unknown;
}

export interface AuditNetwork {
  client: string;
  server: string;
}

export type AuditAction = 'READ' | 'QUERY' | 'CREATE' | 'UPDATE' | 'EXECUTE' | 'BREAK_GLASS' | 'SYSTEM';
export type AuditOutcome = 'SUCCESS' | 'PARTIAL' | 'DENIED' | 'NOT_FOUND' | 'ERROR';

export interface AuditEvent {
  id: string;
  /**
   * The partnership whose chain holds the event (ADR 016); hashed with the event, so an event cannot
   * be moved to another partnership's chain unnoticed. Absent on events recorded before.
   */
  partnership?: string;
  occurredAt: string;
  requestId: string;
  /** The client's `x-request-id` (validated, ADR 007); absent when it sent none. */
  correlationId?: string;
  /**
   * The network addresses of the connection (ADR 014): the client's as the hub saw it (after
   * TRUST_PROXY) and the hub's own end. For IG (the FHIR export's BALP agents); never in a CSV for a
   * subject access request. Absent on events recorded before, and on commands and system events.
   */
  network?: AuditNetwork;
  actor: { sub: string; name: string; agency: string | null; roles: string[] };
  purpose: string | null;
  breakGlass: { id: string; reason: string } | null;
  operation: { type: string; name: string | null; documentHash: string | null };
  action: AuditAction;
  outcome: AuditOutcome;
  errorCodes: string[];
  subjects: AuditSubject[];
  changes: AuditChange[];
}

/**
 * A new audit event id: a time-ordered UUID (version 7, RFC 9562), not a random one. The event and
 * disclosure tables' primary keys lead with it, so time-ordered ids append at the right-hand edge of
 * those B-trees instead of landing on a random leaf page each: on the 1M-row benchmark database an
 * IG auditor's read naming 85 people wrote its disclosure rows in about half the time, with a third
 * less WAL (ADR 002). The id's time prefix is only an ordering aid: `occurredAt` is the event's time.
 */
export function newAuditEventId(): string {
  return uuidv7();
}

/**
 * JSON with object keys sorted at every level, so the same event always hashes the same. Stored
 * hashes (the audit chain, idempotency keys, record content) depend on this exact text: it must
 * never change. The native serialiser does the work, a replacer handing it each object rebuilt
 * with sorted keys (about 4× faster than building the text here); an object with an integer-like
 * key cannot be rebuilt that way (JavaScript enumerates such keys first, in numeric order), so a
 * value holding one is serialised by `canonicalJsonRecursive`, the reference definition.
 */
export function canonicalJson(value: unknown): string {
  const state = { integerKey: false };
  const text = JSON.stringify(value, function (this: unknown, _key: string, v: unknown) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    const sorted: Record<string, unknown> = {};
    for (const k of keys) {
      if (INTEGER_KEY.test(k)) state.integerKey = true;
      sorted[k] = obj[k];
    }
    return sorted;
  });
  if (state.integerKey) return canonicalJsonRecursive(value);
  return text ?? 'null';
}

/** Keys JavaScript orders before all others (array indices): a conservative test. */
const INTEGER_KEY = /^(0|[1-9][0-9]*)$/;

/** The reference definition of canonical JSON (and the path for values with integer-like keys). */
export function canonicalJsonRecursive(value: unknown): string {
  // Follow JSON.stringify (Dates and other toJSON objects), so the hash matches the stored jsonb.
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJsonRecursive((value as { toJSON(): unknown }).toJSON());
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJsonRecursive).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJsonRecursive(obj[k])}`).join(',')}}`;
}

export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

export const GENESIS_HASH = sha256('mash-hub audit chain genesis');

/** The hash of a batch's rows: the events in batch order, one canonical JSON per line. */
export function rowsHash(payloads: readonly unknown[]): string {
  return rowsHashOfCanonical(payloads.map(canonicalJson));
}

/** `rowsHash` of payloads already in canonical JSON. */
export function rowsHashOfCanonical(canonical: readonly string[]): string {
  return sha256(canonical.join('\n'));
}

export function batchHash(batchId: number | string, prevHash: string, rows: string): string {
  return sha256(`${batchId}\n${prevHash}\n${rows}`);
}
