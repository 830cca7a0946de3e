import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { CSV_COLUMNS } from '../src/governance/export';
import { balpProblems, fhirSchemaErrors } from './support/balp';
import { auditFor, givenPerson, givenRecord, unique, givenAuditBatch } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const EXPORT = `query($filter: AccessLogFilterInput!, $format: AuditExportFormat!) { exportAccessLog(filter: $filter, format: $format) }`;
const READ_PERSON = `query Lookup($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { id givenName records { id summary } } }`;
const SEARCH = `query Find($familyName: String!) { searchPeople(input: { familyName: $familyName }, purpose: TRIAGE) { person { id familyName } } }`;
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $rag: Rag!, $rationale: String!, $v: Int!) { rateReferral(id: $id, rag: $rag, rationale: $rationale, expectedVersion: $v) { version } }`;
const referralInput = (personId: string) => ({
  subjects: [{ personId }],
  referrerContact: 'Fictional office',
  concernCategories: ['NEGLECT'],
  narrative: 'Fictional narrative for the export test.',
  consentSought: true,
  consentGiven: true,
});

/** A minimal RFC 4180 parser (quoted cells, CRLF rows). */
function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let cellText = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cellText += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cellText += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cellText);
      cellText = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cellText);
      rows.push(row);
      row = [];
      cellText = '';
      i++;
    } else cellText += c;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

describe('access log exports: CSV for a subject access request and FHIR AuditEvent (IHE BALP)', () => {
  let hub: TestHub;
  let ig: string;
  let police: string;
  let childId: string;
  let recordId: string;
  let breakGlassEventId: string;
  let until: string;

  beforeAll(async () => {
    hub = await startTestHub();
    ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], name: 'PC Fictional' });
    const health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    childId = await givenPerson(hub, police);
    recordId = await givenRecord(hub, police, childId, {
      recordType: 'POLICE_INCIDENT',
      personRole: 'VICTIM',
      detail: 'Fictional',
    });
    expect((await hub.gql(police, READ_PERSON, { id: childId })).errors).toBeUndefined();
    expect((await hub.gql(health, READ_PERSON, { id: childId })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // A break-glass access, recorded through the store (the break-glass flow lives on another branch).
    breakGlassEventId = crypto.randomUUID();
    await givenAuditBatch(hub.db, [
      {
        id: breakGlassEventId,
        occurredAt: new Date().toISOString(),
        requestId: unique('req'),
        actor: {
          sub: unique('sw'),
          name: 'Fictional Social Worker',
          agency: 'social-care',
          roles: ['MASH_SOCIAL_WORKER'],
        },
        purpose: 'BREAK_GLASS',
        breakGlass: { id: crypto.randomUUID(), reason: '=Fictional emergency, "quoted"' },
        operation: { type: 'query', name: 'Emergency', documentHash: null },
        action: 'READ',
        outcome: 'SUCCESS',
        errorCodes: [],
        subjects: [
          {
            personId: childId,
            outcome: 'DISCLOSED',
            recordIds: [recordId],
            released: ['PoliceRecord.detail'],
            redacted: [],
            relationships: ['BREAK_GLASS'],
          },
        ],
        changes: [],
      },
    ]);
    await new Promise((r) => setTimeout(r, 5));
    until = new Date().toISOString();
  });
  afterAll(() => hub.close());

  const exportAs = async (format: string) => {
    const r = await hub.gql<{ exportAccessLog: string }>(ig, EXPORT, {
      filter: { personId: childId, to: until },
      format,
    });
    expect(r.errors).toBeUndefined();
    return { text: r.data!.exportAccessLog, requestId: r.headers.get('x-request-id')! };
  };

  it("given a child's access history, when exported as CSV and as FHIR NDJSON, then both contain the same events", async () => {
    const csv = parseCsv((await exportAs('CSV')).text);
    const fhir = (await exportAs('FHIR_NDJSON')).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, never>);

    const csvKeys = csv.map((r) => `${r.event_id}|${r.person_id}`).sort();
    const fhirKeys = fhir
      .map((a) => {
        const eventId = (a.extension as Array<{ valueString: string }>)[0]!.valueString;
        const patient = (a.entity as Array<{ what?: { reference?: string } }>).find((x) =>
          x.what?.reference?.startsWith('Patient/'),
        );
        return `${eventId}|${patient!.what!.reference!.slice('Patient/'.length)}`;
      })
      .sort();
    // Creation of the person and the record, the police read, the health attempt, the break-glass read.
    expect(csvKeys.length).toBeGreaterThanOrEqual(5);
    expect(fhirKeys).toEqual(csvKeys);
    expect(Object.keys(csv[0]!)).toEqual([...CSV_COLUMNS]);
  });

  it('given the CSV, then the police read lists who, when, why and which fields, and a formula-like reason is neutralised', async () => {
    const rows = parseCsv((await exportAs('CSV')).text);

    const read = rows.find((r) => r.operation === 'Lookup' && r.actor_agency === 'police')!;
    expect(read).toMatchObject({
      actor_name: 'PC Fictional',
      purpose: 'DIRECT_CARE',
      action: 'READ',
      outcome: 'SUCCESS',
      person_id: childId,
      record_ids: recordId,
    });
    expect(read.fields_released.split(' ')).toEqual(
      expect.arrayContaining(['Person.givenName', 'PoliceRecord.summary']),
    );
    const bg = rows.find((r) => r.event_id === breakGlassEventId)!;
    expect(bg.break_glass_reason).toBe(`'=Fictional emergency, "quoted"`);
  });

  it.each([
    ['a leading blank before =', ' =HYPERLINK("http://x.example/?leak","Fictional")'],
    ['a leading line feed', '\n=1+1 Fictional'],
    ['a full-width equals sign', '\uFF1DHYPERLINK("http://x.example") Fictional'],
    ['a full-width at sign after a blank', ' \uFF20SUM(1+1) Fictional'],
    ['a full-width minus sign', '\uFF0D1+1 Fictional'],
    ['a full-width plus sign', '\uFF0B1+1 Fictional'],
  ])(
    'given a reader whose name starts with %s, when IG exports the child as CSV, then the name cell is neutralised with a leading quote (issue 17)',
    async (_what, name) => {
      const reader = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], name });
      const child = await givenPerson(hub, reader);
      expect((await hub.gql(reader, READ_PERSON, { id: child })).errors).toBeUndefined();

      const r = await hub.gql<{ exportAccessLog: string }>(ig, EXPORT, { filter: { personId: child }, format: 'CSV' });

      expect(r.errors).toBeUndefined();
      const rows = parseCsv(r.data!.exportAccessLog).filter((row) => row.actor_agency === 'police');
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) expect(row.actor_name).toBe(`'${name}`);
      // The raw cell: quoted, quote first, quotes doubled.
      expect(r.data!.exportAccessLog).toContain(`"'${name.replace(/"/g, '""')}"`);
    },
  );

  it('given the FHIR export, then the police read is a BALP PatientRead: read, R, the officer as recipient with purpose, client 110152 and server 110153 with addresses, patient and data entities; the stored break-glass read has no address and claims no profile', async () => {
    const events = (await exportAs('FHIR_NDJSON')).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, never>);

    const operation = (e: Record<string, never>) =>
      ((e.entity as Array<{ detail?: Array<{ type: string; valueString: string }> }>)[0]!.detail ?? []).find(
        (d) => d.type === 'graphqlOperation',
      )?.valueString;
    const read = events.find(
      (e) =>
        operation(e) === 'query Lookup' &&
        (e.agent as Array<{ who: { display?: string } }>)[0]!.who.display === 'PC Fictional',
    )!;
    expect(read).toMatchObject({
      resourceType: 'AuditEvent',
      meta: { profile: ['https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead'] },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
      action: 'R',
      outcome: '0',
      source: { observer: { display: 'MASH Hub' } },
    });
    expect(read.recorded).toBe((read.period as { start: string }).start);
    const [user, client, server] = read.agent as Array<Record<string, never>>;
    expect(user).toMatchObject({
      type: { coding: [{ code: 'IRCP' }] },
      requestor: true,
      who: { identifier: { system: 'urn:mash-hub:user' }, display: 'PC Fictional' },
    });
    expect(user!.purposeOfUse).toEqual([
      expect.objectContaining({
        coding: expect.arrayContaining([
          { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT', display: 'treatment' },
        ]),
      }),
    ]);
    expect(client).toMatchObject({
      type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110152' }] },
      requestor: false,
      network: { type: '2' },
    });
    expect((client!.network as { address: string }).address).toMatch(/127\.0\.0\.1|::1/);
    expect(server).toMatchObject({
      type: { coding: [{ code: '110153' }] },
      who: { display: 'MASH Hub' },
      network: { type: '2' },
    });
    expect(read.entity).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          what: { reference: `Patient/${childId}` },
          role: expect.objectContaining({ code: '1', display: 'Patient' }),
          detail: expect.arrayContaining([{ type: 'agencyRecordIds', valueString: recordId }]),
        }),
        expect.objectContaining({
          what: { reference: `Patient/${childId}` },
          type: expect.objectContaining({ code: '2' }),
          role: expect.objectContaining({ code: '4' }),
        }),
      ]),
    );
    expect(balpProblems(read)).toEqual([]);
    const bg = events.find(
      (e) => (e.extension as Array<{ valueString: string }>)[0]!.valueString === breakGlassEventId,
    )!;
    expect(bg.subtype).toContainEqual({
      system: 'http://dicom.nema.org/resources/ontology/DCM',
      code: '110127',
      display: 'Emergency Override Started',
    });
    expect(JSON.stringify((bg.agent as Array<Record<string, unknown>>)[0]!.purposeOfUse)).toContain('"code":"BTG"');
    expect(bg.meta).toBeUndefined();
    // The health officer's attempt was refused: a failure is no BALP success profile.
    const refused = events.find((e) =>
      (e.agent as Array<{ role?: Array<{ coding: Array<{ code: string }> }> }>)[0]!.role?.some(
        (r) => r.coding[0]!.code === 'health',
      ),
    );
    expect(refused).toMatchObject({ outcome: '4' });
    expect(refused!.meta).toBeUndefined();
  });

  it('given a child created, updated, referred, rated, read, searched and refused through the API, when IG exports the FHIR NDJSON, then every line is valid FHIR R4 (JSON Schema), each action claims its own BALP profile with every element it requires, searches carry the base64 query, and changes carry their purpose', async () => {
    const worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], name: 'Fictional Worker' });
    const familyName = `Balpwood${crypto.randomInt(1e6)}`;
    const sourceReference = unique('p');
    const child = await givenPerson(hub, worker, { familyName, sourceReference });
    await givenPerson(hub, worker, { familyName, sourceReference, givenName: 'Renamed' });
    const submitted = await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
      input: referralInput(child),
      key: unique('k'),
    });
    expect(submitted.errors).toBeUndefined();
    const rated = await hub.gql(worker, RATE, {
      id: submitted.data!.submitReferral.id,
      rag: 'AMBER',
      rationale: 'Fictional rationale',
      v: 1,
    });
    expect(rated.errors).toBeUndefined();
    expect((await hub.gql(worker, READ_PERSON, { id: child })).errors).toBeUndefined();
    const search = await hub.gql(worker, SEARCH, { familyName });
    expect(search.errors).toBeUndefined();
    expect((await hub.gql(police, READ_PERSON, { id: child })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const r = await hub.gql<{ exportAccessLog: string }>(ig, EXPORT, {
      filter: { personId: child },
      format: 'FHIR_NDJSON',
    });

    expect(r.errors).toBeUndefined();
    const lines = r
      .data!.exportAccessLog.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const line of lines)
      expect({ id: line.id, schemaErrors: fhirSchemaErrors(line), balp: balpProblems(line) }).toEqual({
        id: line.id,
        schemaErrors: [],
        balp: [],
      });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const profileOf = (l: Record<string, any>) =>
      (l.meta?.profile?.[0] as string | undefined)?.replace(/^.*IHE\.BasicAudit\./, '') ?? null;
    const byAction = (a: string) => lines.filter((l) => l.action === a && l.outcome === '0').map(profileOf);
    expect(new Set(byAction('C'))).toEqual(new Set(['PatientCreate']));
    expect(new Set(byAction('U'))).toEqual(new Set(['PatientUpdate']));
    expect(new Set(byAction('R'))).toEqual(new Set(['PatientRead']));
    expect(new Set(lines.filter((l) => l.subtype[0].code === 'search-type').map(profileOf))).toEqual(
      new Set(['PatientQuery']),
    );
    // No line claims a profile its action does not have.
    for (const l of lines) if (profileOf(l) === 'PatientRead') expect(l.action).toBe('R');
    // The search: BALP's query entity with the request in base64 (operation and document hash, not the search terms).
    const query = lines
      .find((l) => profileOf(l) === 'PatientQuery')!
      .entity.find((e: { role?: { code: string } }) => e.role?.code === '24');
    const decoded = JSON.parse(Buffer.from(query.query, 'base64').toString('utf8')) as Record<string, string>;
    expect(decoded).toMatchObject({ graphql: 'query', operationName: 'Find' });
    expect(decoded.documentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(query.query, 'base64').toString('utf8')).not.toContain(familyName);
    // Changes say why: the worker's own record of the child is direct care, the referral and its rating triage.
    const purposes = (a: string) =>
      new Set(
        lines
          .filter((l) => l.action === a)
          .map((l) => l.purposeOfEvent?.[0]?.coding?.map((c: { code: string }) => c.code).join('+')),
      );
    expect(purposes('C')).toEqual(new Set(['DIRECT_CARE+TREAT', 'TRIAGE+COC']));
    expect(purposes('U')).toEqual(new Set(['DIRECT_CARE+TREAT', 'TRIAGE+COC']));
    // The refused read is a failure: outcome 4, no profile, still valid FHIR.
    const refused = lines.filter((l) => l.outcome !== '0');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const l of refused) expect(l.meta).toBeUndefined();
    // The SAR's CSV carries no network address (staff data, not the child's).
    const csv = await hub.gql<{ exportAccessLog: string }>(ig, EXPORT, { filter: { personId: child }, format: 'CSV' });
    const address = lines[0]!.agent.find((a: { network?: { address: string } }) => a.network)!.network
      .address as string;
    expect(csv.data!.exportAccessLog).not.toContain(address);
  }, 60000);

  it('given a BALP line with an element removed, then the profile check names what is missing (the check is not vacuous)', async () => {
    const lines = (await exportAs('FHIR_NDJSON')).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    const read = lines.find((l) => l.meta?.profile)!;
    const noNetwork = structuredClone(read);
    delete noNetwork.agent[1].network;
    const wrongAction = { ...structuredClone(read), action: 'E' };
    const noPatient = {
      ...structuredClone(read),
      entity: read.entity.filter((e: { type: { code: string } }) => e.type.code !== '1'),
    };

    expect(balpProblems(noNetwork)).toEqual(['PatientRead: client agent without network address']);
    expect(balpProblems(wrongAction)).toEqual(['PatientRead: action E is not R']);
    expect(balpProblems(noPatient)).toEqual(['PatientRead: 0 patient entities, not 1']);
    expect(fhirSchemaErrors({ ...read, action: 'X' })).not.toEqual([]);
  });

  it('given an export, then the export itself is audited as an IG read naming the child', async () => {
    const { requestId } = await exportAs('CSV');

    const audit = await auditFor(hub, requestId);
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'QUERY',
        purpose: 'IG_AUDIT',
        person_id: childId,
        released: ['Query.exportAccessLog.CSV'],
      }),
    ]);
  });

  it('given a police officer, when they ask for an export, then it is FORBIDDEN', async () => {
    const r = await hub.gql(police, EXPORT, { filter: { personId: childId }, format: 'CSV' });

    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.data?.exportAccessLog ?? null).toBeNull();
  });

  it('given an unknown format or a bad person id, when asked, then BAD_USER_INPUT and no export', async () => {
    const badFormat = await hub.gql(ig, EXPORT, { filter: { personId: childId }, format: 'XML' });
    const badId = await hub.gql(ig, EXPORT, { filter: { personId: 'x' }, format: 'CSV' });

    expect(badFormat.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.personId' });
    expect(badId.data?.exportAccessLog ?? null).toBeNull();
  });

  it('given the operator command, when it exports the child as CSV, then it matches the GraphQL export and is itself audited', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: hub.config.databaseUrl!,
      MASH_DATA_DIR: hub.config.dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    };
    const tsNode = path.join(ROOT, 'node_modules', '.bin', 'ts-node');

    const out = await run(
      tsNode,
      [
        '--transpile-only',
        'src/cli/audit-export.ts',
        '--partnership',
        'default',
        '--person',
        childId,
        '--format',
        'csv',
        '--to',
        until,
      ],
      { cwd: ROOT, env },
    );

    expect(out.stdout).toBe((await exportAs('CSV')).text);
    const logged = await hub.db.query(
      `SELECT e.action, e.operation_name FROM audit_disclosure d JOIN audit_event e ON e.id = d.event_id AND e.occurred_at = d.occurred_at
        WHERE d.person_id = $1 AND e.action = 'SYSTEM'`,
      [childId],
    );
    expect(logged).toEqual([{ action: 'SYSTEM', operation_name: 'auditExport' }]);
  }, 60000);
});
