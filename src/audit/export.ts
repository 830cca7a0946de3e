import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { AgencyDirectory } from '../agencies/agencies';
import { csvCell } from '../shared/csv';
import { decodeCursor } from '../shared/pagination';
import { queryAccessLog, type AccessLogEntry, type AccessLogFilter, type Cursor } from './access-log';

/**
 * Exports of the access log (C5): CSV for a subject access request, and FHIR R4 `AuditEvent`
 * NDJSON following IHE BALP (Basic Audit Log Patterns). Both are one line per (event, person):
 * BALP's PatientQuery pattern records one AuditEvent per patient of a search, and a SAR lists
 * each disclosure. An event that touched nobody (e.g. a verification) gives one line without a
 * person. Both formats are produced from the same pages, so they always contain the same events.
 */

export type ExportFormat = 'CSV' | 'FHIR_NDJSON';

/** Streams the access log in pages (oldest rows are never all held in memory). */
export async function* accessLogEntries(
  db: DataSource | EntityManager,
  agencies: AgencyDirectory,
  filter: AccessLogFilter,
  pageSize = 500,
): AsyncGenerator<AccessLogEntry> {
  let after: Cursor | null = null;
  for (;;) {
    const page = await queryAccessLog(db, agencies, filter, pageSize, after, { relationships: !!filter.withoutRelationship });
    for (const e of page.entries) yield e;
    if (!page.hasNextPage || !page.endCursor) return;
    after = decodeCursor(page.endCursor, 2) as Cursor;
  }
}

// ---------------------------------------------------------------- CSV

export const CSV_COLUMNS = [
  'event_id',
  'occurred_at',
  'request_id',
  'actor_sub',
  'actor_name',
  'actor_agency',
  'actor_roles',
  'purpose',
  'operation',
  'action',
  'outcome',
  'break_glass_reason',
  'person_id',
  'person_outcome',
  'record_ids',
  'fields_released',
  'fields_redacted',
  'relationships_at_access',
] as const;

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRows(e: AccessLogEntry): string {
  const base = [
    e.eventId,
    e.occurredAt,
    e.requestId,
    e.actor.sub,
    e.actor.name,
    e.actor.agency,
    e.actor.roles.join(' '),
    e.purpose,
    e.operationName ?? e.operationType,
    e.action,
    e.outcome,
    e.breakGlass?.reason ?? null,
  ];
  const people = e.subjects.length ? e.subjects : [null];
  return people
    .map((s) =>
      [
        ...base,
        s?.personId,
        s?.outcome,
        s?.recordIds.join(' '),
        s?.released.join(' '),
        s?.redacted.join(' '),
        s?.relationships.join(' '),
      ]
        .map(csvCell)
        .join(','),
    )
    .map((l) => `${l}\r\n`)
    .join('');
}

// ---------------------------------------------------------------- FHIR R4 AuditEvent (IHE BALP)

const HUB = 'urn:mash-hub';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const V3_ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const PURPOSE_V3: Record<string, { code: string; display: string }> = {
  DIRECT_CARE: { code: 'TREAT', display: 'treatment' },
  BREAK_GLASS: { code: 'BTG', display: 'break the glass' },
  IG_AUDIT: { code: 'HCOMPL', display: 'health compliance' },
};

function interaction(e: AccessLogEntry): { subtype: string; action: 'C' | 'R' | 'U' | 'D' | 'E' } {
  switch (e.action) {
    case 'READ':
      return { subtype: 'read', action: 'R' };
    case 'QUERY':
      return { subtype: 'search-type', action: 'E' };
    case 'CREATE':
      return { subtype: 'create', action: 'C' };
    case 'UPDATE':
      return { subtype: 'update', action: 'U' };
    default:
      return { subtype: 'operation', action: 'E' };
  }
}

const OUTCOME: Record<string, string> = { SUCCESS: '0', PARTIAL: '4', NOT_FOUND: '4', DENIED: '4', ERROR: '8' };

function purposeOfUse(e: AccessLogEntry) {
  if (!e.purpose) return undefined;
  const coding: Array<Record<string, string>> = [{ system: `${HUB}:purpose-of-use`, code: e.purpose }];
  const v3 = PURPOSE_V3[e.purpose];
  if (v3) coding.push({ system: V3_ACT_REASON, ...v3 });
  if (e.breakGlass && e.purpose !== 'BREAK_GLASS') coding.push({ system: V3_ACT_REASON, code: 'BTG', display: 'break the glass' });
  return [{ coding, text: e.purpose }];
}

/** A stable FHIR id for the (event, person) line: the event id itself when it touched one person or none. */
function lineId(e: AccessLogEntry, personId: string | null): string {
  if (e.subjects.length <= 1 || !personId) return e.eventId;
  const h = crypto.createHash('sha256').update(`${e.eventId}|${personId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function fhirAuditEvents(e: AccessLogEntry): Array<Record<string, unknown>> {
  const { subtype, action } = interaction(e);
  const subtypes: Array<Record<string, string>> = [{ system: 'http://hl7.org/fhir/restful-interaction', code: subtype, display: subtype }];
  if (e.breakGlass || e.action === 'BREAK_GLASS') subtypes.push({ system: DCM, code: '110127', display: 'Emergency Override Started' });
  const pou = purposeOfUse(e);
  const people = e.subjects.length ? e.subjects : [null];
  return people.map((s) => {
    const entity: Array<Record<string, unknown>> = [
      {
        // BALP: the X-Request-Id of the transaction.
        what: { identifier: { value: e.requestId } },
        type: { system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType', code: 'XrequestId' },
      },
    ];
    if (s) {
      entity.push({
        what: { reference: `Patient/${s.personId}` },
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
        role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
        detail: [
          { type: 'outcome', valueString: s.outcome },
          ...(s.released.length ? [{ type: 'fieldsReleased', valueString: s.released.join(' ') }] : []),
          ...(s.redacted.length ? [{ type: 'fieldsRedacted', valueString: s.redacted.join(' ') }] : []),
          ...(s.relationships.length ? [{ type: 'relationships', valueString: s.relationships.join(' ') }] : []),
        ],
      });
      for (const recordId of s.recordIds) {
        entity.push({
          what: { identifier: { system: `${HUB}:agency-record`, value: recordId } },
          type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
          role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '4', display: 'Domain Resource' },
        });
      }
    }
    if (e.action === 'QUERY' || e.operationName) {
      entity.push({
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
        role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' },
        name: e.operationName ?? e.operationType,
        description: `GraphQL ${e.operationType}`,
      });
    }
    return {
      resourceType: 'AuditEvent',
      id: lineId(e, s?.personId ?? null),
      meta: { profile: [`https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.${s ? 'PatientRead' : 'Read'}`] },
      extension: [{ url: `${HUB}:fhir:audit-event-id`, valueString: e.eventId }],
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
      subtype: subtypes,
      action,
      period: { start: e.occurredAt, end: e.occurredAt },
      recorded: e.occurredAt,
      outcome: OUTCOME[e.outcome] ?? '8',
      outcomeDesc: e.errorCodes.length ? `${e.outcome}: ${e.errorCodes.join(', ')}` : e.outcome,
      ...(pou ? { purposeOfEvent: pou } : {}),
      agent: [
        {
          type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] },
          who: { identifier: { system: `${HUB}:user`, value: e.actor.sub }, display: e.actor.name },
          role: [
            ...e.actor.roles.map((r) => ({ coding: [{ system: `${HUB}:role`, code: r }] })),
            ...(e.actor.agency ? [{ coding: [{ system: `${HUB}:agency`, code: e.actor.agency }] }] : []),
          ],
          requestor: true,
          ...(pou ? { purposeOfUse: pou } : {}),
        },
        {
          type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] },
          who: { identifier: { system: `${HUB}:system`, value: 'mash-hub' }, display: 'MASH Hub' },
          requestor: false,
        },
      ],
      source: {
        observer: { identifier: { system: `${HUB}:system`, value: 'mash-hub' }, display: 'MASH Hub' },
        type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
      },
      entity,
    };
  });
}

export function fhirLines(e: AccessLogEntry): string {
  return fhirAuditEvents(e)
    .map((r) => `${JSON.stringify(r)}\n`)
    .join('');
}

/** The whole export as one string, refusing more than `maxEvents` events (narrow the filter instead). */
export async function exportAccessLog(
  db: DataSource | EntityManager,
  agencies: AgencyDirectory,
  filter: AccessLogFilter,
  format: ExportFormat,
  maxEvents = Number.POSITIVE_INFINITY,
  onEntry: (e: AccessLogEntry) => void = () => undefined,
): Promise<{ text: string; events: number } | { tooMany: true }> {
  const parts: string[] = format === 'CSV' ? [csvHeader()] : [];
  let events = 0;
  for await (const e of accessLogEntries(db, agencies, filter)) {
    if (++events > maxEvents) return { tooMany: true };
    onEntry(e);
    parts.push(format === 'CSV' ? csvRows(e) : fhirLines(e));
  }
  return { text: parts.join(''), events };
}
