import crypto from 'node:crypto';
import { isIP } from 'node:net';
import type { DataSource, EntityManager } from 'typeorm';
import type { AgencyDirectory } from '../auth/agencies';
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
    const page = await queryAccessLog(db, agencies, filter, pageSize, after, {
      relationships: !!filter.withoutRelationship,
    });
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
const V3_PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
export const BALP = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.';

/**
 * The hub's purposes of use in HL7 v3 ActReason (ADR 014). Every line also carries the hub's own code
 * (`urn:mash-hub:purpose-of-use`), which is what the hub decided on; the v3 code is the nearest
 * standard meaning for systems that know only v3.
 */
export const PURPOSE_V3: Record<string, { code: string; display: string }> = {
  // Working with the child and family (an agency's own records, direct work).
  DIRECT_CARE: { code: 'TREAT', display: 'treatment' },
  // Screening a referral and asking partners what they hold: deciding and coordinating the response.
  TRIAGE: { code: 'COC', display: 'coordination of care' },
  AGENCY_CHECK: { code: 'COC', display: 'coordination of care' },
  // The child-protection route (reasonable cause to suspect significant harm): sharing to prevent a
  // serious threat to a child's safety, the gateway for sharing without consent.
  STRATEGY: { code: 'THREAT', display: 'threat' },
  SECTION_47: { code: 'THREAT', display: 'threat' },
  IG_AUDIT: { code: 'HCOMPL', display: 'health compliance' },
  BREAK_GLASS: { code: 'BTG', display: 'break the glass' },
};

interface Interaction {
  subtype: string;
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  /** The BALP profile without and with a patient, when one fits the action. */
  profile: { plain: string; patient: string } | null;
  /** v3 ParticipationType of the user: recipient of what was read, author of what was written. */
  userType: { code: string; display: string };
  /** BALP names the client "Destination" on a read (data flows to it) and "Source" on the others. */
  clientIsDestination: boolean;
}

const RECIPIENT = { code: 'IRCP', display: 'information recipient' };
const AUTHOR = { code: 'AUT', display: 'author (originator)' };

/**
 * The hub never deletes (withdrawing, merging or closing is an update; the audit refuses deletes), so
 * no line is PatientDelete. Operations that are not a create, read, update or search (EXECUTE:
 * a mutation that changed nothing or failed; BREAK_GLASS; SYSTEM commands) have no BALP profile:
 * they are FHIR `operation` events and claim none.
 */
function interaction(action: string): Interaction {
  switch (action) {
    case 'READ':
      return {
        subtype: 'read',
        action: 'R',
        profile: { plain: 'Read', patient: 'PatientRead' },
        userType: RECIPIENT,
        clientIsDestination: true,
      };
    case 'QUERY':
      return {
        subtype: 'search-type',
        action: 'E',
        profile: { plain: 'Query', patient: 'PatientQuery' },
        userType: RECIPIENT,
        clientIsDestination: false,
      };
    case 'CREATE':
      return {
        subtype: 'create',
        action: 'C',
        profile: { plain: 'Create', patient: 'PatientCreate' },
        userType: AUTHOR,
        clientIsDestination: false,
      };
    case 'UPDATE':
      return {
        subtype: 'update',
        action: 'U',
        profile: { plain: 'Update', patient: 'PatientUpdate' },
        userType: AUTHOR,
        clientIsDestination: false,
      };
    case 'SYSTEM':
      return { subtype: 'operation', action: 'E', profile: null, userType: RECIPIENT, clientIsDestination: false };
    default:
      return { subtype: 'operation', action: 'E', profile: null, userType: AUTHOR, clientIsDestination: false };
  }
}

const EVENT_OUTCOME: Record<string, string> = { SUCCESS: '0', PARTIAL: '4', NOT_FOUND: '4', DENIED: '4', ERROR: '8' };
const SUBJECT_OUTCOME: Record<string, string> = { DISCLOSED: '0', CHANGED: '0', NOT_FOUND: '4', DENIED: '4' };

function purposeOfUse(e: AccessLogEntry) {
  if (!e.purpose) return undefined;
  const coding: Array<Record<string, string>> = [{ system: `${HUB}:purpose-of-use`, code: e.purpose }];
  const v3 = PURPOSE_V3[e.purpose];
  if (v3) coding.push({ system: V3_ACT_REASON, ...v3 });
  if (e.breakGlass && e.purpose !== 'BREAK_GLASS')
    coding.push({ system: V3_ACT_REASON, code: 'BTG', display: 'break the glass' });
  return [{ coding, text: e.purpose }];
}

/** A stable FHIR id for the (event, person) line: the event id itself when it touched one person or none. */
function lineId(e: AccessLogEntry, personId: string | null): string {
  if (e.subjects.length <= 1 || !personId) return e.eventId;
  const h = crypto.createHash('sha256').update(`${e.eventId}|${personId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `2` (IP address) or `1` (machine name), as FHIR's network-type. */
const networkType = (address: string) => (isIP(address) ? '2' : '1');

/**
 * What the hub keeps of a request, for BALP's base64 `query`: the operation's type and name and the
 * SHA-256 of its document — not its variables, which are the search terms (names, dates of birth,
 * NHS numbers): the audit does not keep them (ADR 014).
 */
function queryText(e: AccessLogEntry): string {
  return JSON.stringify({
    graphql: e.operationType,
    operationName: e.operationName,
    documentSha256: e.documentHash ?? null,
  });
}

/**
 * One FHIR R4 AuditEvent per (event, person), following IHE BALP. A line claims its BALP profile
 * (meta.profile) only when it has every element the profile requires: the action has a profile, the
 * line's outcome is success (BALP records failures differently), and the connection's addresses were
 * recorded (events before ADR 014, commands and system events have none). Other lines are plain
 * AuditEvents of the same shape.
 */
export function fhirAuditEvents(e: AccessLogEntry): Array<Record<string, unknown>> {
  const it = interaction(e.action);
  const subtypes: Array<Record<string, string>> = [
    { system: 'http://hl7.org/fhir/restful-interaction', code: it.subtype, display: it.subtype },
  ];
  if (e.breakGlass || e.action === 'BREAK_GLASS')
    subtypes.push({ system: DCM, code: '110127', display: 'Emergency Override Started' });
  const pou = purposeOfUse(e);
  const people = e.subjects.length ? e.subjects : [null];
  const operation = `${e.operationType}${e.operationName ? ` ${e.operationName}` : ''}`;
  const hubId = { identifier: { system: `${HUB}:system`, value: 'mash-hub' }, display: 'MASH Hub' };
  return people.map((s) => {
    const outcome = s ? (SUBJECT_OUTCOME[s.outcome] ?? '4') : (EVENT_OUTCOME[e.outcome] ?? '8');
    const transaction: Record<string, unknown> = {
      // BALP: the X-Request-Id of the transaction (the hub's, returned in the response header).
      what: { identifier: { value: e.requestId } },
      type: { system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType', code: 'XrequestId' },
      detail: [
        { type: 'graphqlOperation', valueString: operation },
        ...(e.documentHash ? [{ type: 'documentSha256', valueString: e.documentHash }] : []),
        ...(e.correlationId ? [{ type: 'correlationId', valueString: e.correlationId }] : []),
      ],
    };
    const entity: Array<Record<string, unknown>> = [transaction];
    if (s) {
      entity.push({
        what: { reference: `Patient/${s.personId}` },
        type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
        role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
        detail: [
          { type: 'outcome', valueString: s.outcome },
          ...(s.recordIds.length ? [{ type: 'agencyRecordIds', valueString: s.recordIds.join(' ') }] : []),
          ...(s.released.length ? [{ type: 'fieldsReleased', valueString: s.released.join(' ') }] : []),
          ...(s.redacted.length ? [{ type: 'fieldsRedacted', valueString: s.redacted.join(' ') }] : []),
          ...(s.relationships.length ? [{ type: 'relationships', valueString: s.relationships.join(' ') }] : []),
        ],
      });
    }
    if (e.action === 'QUERY') {
      // BALP's query entity: no `what`, no `detail`; the request in `query` (base64).
      entity.push({
        type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
        role: { system: OBJECT_ROLE, code: '24', display: 'Query' },
        description: `GraphQL ${operation}`,
        query: Buffer.from(queryText(e), 'utf8').toString('base64'),
      });
    } else if (s && it.profile) {
      // BALP's data entity: the one resource read, created or updated — the person's record in the
      // hub (the agency records involved are listed on the patient entity).
      entity.push({
        what: { reference: `Patient/${s.personId}` },
        type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
        role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
      });
    }
    const net = e.network ?? null;
    const client = {
      code: it.clientIsDestination ? '110152' : '110153',
      display: it.clientIsDestination ? 'Destination Role ID' : 'Source Role ID',
    };
    const server = {
      code: it.clientIsDestination ? '110153' : '110152',
      display: it.clientIsDestination ? 'Source Role ID' : 'Destination Role ID',
    };
    const agent: Array<Record<string, unknown>> = [
      {
        type: { coding: [{ system: V3_PARTICIPATION, ...it.userType }] },
        who: { identifier: { system: `${HUB}:user`, value: e.actor.sub }, display: e.actor.name },
        name: e.actor.name,
        role: [
          ...e.actor.roles.map((r) => ({ coding: [{ system: `${HUB}:role`, code: r }] })),
          ...(e.actor.agency ? [{ coding: [{ system: `${HUB}:agency`, code: e.actor.agency }] }] : []),
        ],
        requestor: true,
        ...(pou ? { purposeOfUse: pou } : {}),
      },
      ...(net
        ? [
            {
              type: { coding: [{ system: DCM, ...client }] },
              who: { identifier: { system: `${HUB}:client-address`, value: net.client } },
              requestor: false,
              network: { address: net.client, type: networkType(net.client) },
            },
          ]
        : []),
      {
        type: { coding: [{ system: DCM, ...server }] },
        who: hubId,
        requestor: false,
        ...(net ? { network: { address: net.server, type: networkType(net.server) } } : {}),
      },
    ];
    // Without a person, only a search has what its profile requires (a read, create or update needs the resource).
    const profile =
      it.profile && outcome === '0' && net && (s || e.action === 'QUERY')
        ? `${BALP}${s ? it.profile.patient : it.profile.plain}`
        : null;
    return {
      resourceType: 'AuditEvent',
      id: lineId(e, s?.personId ?? null),
      ...(profile ? { meta: { profile: [profile] } } : {}),
      extension: [{ url: `${HUB}:fhir:audit-event-id`, valueString: e.eventId }],
      type: {
        system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
        code: 'rest',
        display: 'RESTful Operation',
      },
      subtype: subtypes,
      action: it.action,
      period: { start: e.occurredAt, end: e.occurredAt },
      recorded: e.occurredAt,
      outcome,
      outcomeDesc: e.errorCodes.length ? `${e.outcome}: ${e.errorCodes.join(', ')}` : e.outcome,
      ...(pou ? { purposeOfEvent: pou } : {}),
      agent,
      source: {
        observer: hubId,
        type: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
            code: '4',
            display: 'Application Server',
          },
        ],
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
