import crypto from 'node:crypto';
import { importLine } from '../../src/records/bulk-import';
import { inPartnership } from '../../src/db/partnership-scope';
import { DEFAULT_PARTNERSHIP } from '../../src/shared/partnership';
import type { DataSource } from 'typeorm';
import type { AuditEvent } from '../../src/audit/audit-event';
import { appendAuditBatch } from '../../src/audit/audit-store';
import type { TestHub } from './test-hub';

/** A random NHS number with a valid check digit (fictional: test data only). */
export function fakeNhsNumber(): string {
  for (;;) {
    const digits = Array.from({ length: 9 }, () => crypto.randomInt(10));
    const sum = digits.reduce((acc, d, i) => acc + d * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return [...digits, check === 11 ? 0 : check].join('');
  }
}

export const unique = (prefix = 'ref') => `${prefix}-${crypto.randomUUID()}`;

const UPSERT_PERSON = `mutation($input: PersonInput!) { upsertPerson(input: $input) { outcome person { id } } }`;
const UPSERT_RECORD = `mutation($input: AgencyRecordInput!) { upsertAgencyRecord(input: $input) { outcome record { id } } }`;

/** Given: a person pushed in by an agency's officer. Returns the person's id. */
export async function givenPerson(
  hub: TestHub,
  token: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const input = {
    sourceSystem: 'TEST',
    sourceReference: unique('p'),
    kind: 'CHILD',
    givenName: 'Testy',
    familyName: `Fictional${crypto.randomInt(1e6)}`,
    dateOfBirth: '2016-04-03',
    nhsNumber: fakeNhsNumber(),
    ...overrides,
  };
  const r = await hub.gql<{ upsertPerson: { person: { id: string } } }>(token, UPSERT_PERSON, { input });
  if (r.errors) throw new Error(`givenPerson failed: ${JSON.stringify(r.errors)}`);
  return r.data!.upsertPerson.person.id;
}

/**
 * Given: an agency's trusted integration (the bulk import from its own system) sends a person. This is
 * how a second agency comes to hold a child another agency already holds: a strong-identifier match
 * links its source to the existing person (ADR 005); an interactive officer's upsert never does.
 * Returns the person's id.
 */
export async function givenImportedPerson(
  hub: TestHub,
  agency: string,
  overrides: Record<string, unknown> = {},
  partnership = DEFAULT_PARTNERSHIP,
): Promise<string> {
  const data = {
    sourceSystem: 'TEST-FEED',
    sourceReference: unique('p'),
    kind: 'CHILD',
    givenName: 'Testy',
    familyName: `Fictional${crypto.randomInt(1e6)}`,
    dateOfBirth: '2016-04-03',
    nhsNumber: fakeNhsNumber(),
    ...overrides,
  };
  const line = JSON.stringify({ agency, actor: 'test-feed', kind: 'person', data });
  const r = await inPartnership({ partnership, actor: 'system:test-feed', requestId: unique('import') }, () =>
    importLine(hub.server.hub, line, 1),
  );
  if (r.outcome === 'REJECTED' || !r.id) throw new Error(`givenImportedPerson failed: ${JSON.stringify(r)}`);
  return r.id;
}

/** Given: a record owned by the token's agency about a person. Returns the record id. */
export async function givenRecord(
  hub: TestHub,
  token: string,
  personId: string,
  fields: Record<string, unknown>,
): Promise<string> {
  const input = {
    personId,
    occurredAt: '2026-06-01T10:00:00.000Z',
    summary: 'Fictional summary for tests',
    sourceSystem: 'TEST',
    sourceReference: unique('r'),
    recordedBy: 'Officer Example',
    recordedAt: '2026-06-01T11:00:00.000Z',
    ...fields,
  };
  const r = await hub.gql<{ upsertAgencyRecord: { record: { id: string } } }>(token, UPSERT_RECORD, { input });
  if (r.errors) throw new Error(`givenRecord failed: ${JSON.stringify(r.errors)}`);
  return r.data!.upsertAgencyRecord.record.id;
}

/** The audit disclosures of one request, by request id. */
export async function auditFor(hub: TestHub, requestId: string) {
  return hub.db.query(
    `SELECT e.action, e.outcome, e.purpose, d.person_id, d.outcome AS disclosure_outcome, d.released, d.redacted, d.record_ids
       FROM audit_event e LEFT JOIN audit_disclosure d ON d.event_id = e.id AND d.occurred_at = e.occurred_at
      WHERE e.request_id = $1`,
    [requestId],
  ) as Promise<
    Array<{
      action: string;
      outcome: string;
      purpose: string | null;
      person_id: string | null;
      disclosure_outcome: string | null;
      released: string[] | null;
      redacted: string[] | null;
      record_ids: string[] | null;
    }>
  >;
}

/** Runs `work` with the database in a partnership (the default one unless named), as the tests' own actor. */
export function inTestPartnership<T>(work: () => Promise<T>, partnership = DEFAULT_PARTNERSHIP): Promise<T> {
  return inPartnership({ partnership, actor: 'system:test', requestId: unique('test') }, work);
}

/** Given: audit events written straight through the audit store into a partnership's chain (with past times, forged actors, …). */
export function givenAuditBatch(
  db: DataSource,
  events: AuditEvent[],
  partnership = DEFAULT_PARTNERSHIP,
): Promise<number> {
  return inTestPartnership(
    () =>
      db.transaction((m) =>
        appendAuditBatch(
          m,
          events.map((e) => ({ ...e, partnership })),
        ),
      ),
    partnership,
  );
}
