import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_POLICY } from '../src/access-policy/policy';
import { auditFor, fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type GqlResult, type TestHub } from './support/test-hub';

/**
 * The access matrix (docs/security.md), driven through the real API: role × record owner ×
 * relationship × purpose × sensitivity class → RELEASED / REDACTED(reason) / NOT_FOUND / FORBIDDEN.
 * Every RELEASED case also checks the audit recorded that coordinate as released for the person;
 * every REDACTED case that it was not released and was recorded as redacted with its reason.
 */

type Viewer = 'police' | 'policeBreakGlass' | 'health' | 'socialWorker' | 'igAuditor' | 'admin' | 'referrer';
/** A: held by police, health and social care, on a referral. B: held by health and social care, on a referral with a police check. C: held by health and social care, no referral. */
type Child = 'A' | 'B' | 'C';
type Expected = 'RELEASED' | `REDACTED:${string}` | 'NOT_FOUND' | 'FORBIDDEN';

/** [viewer, child (and so relationship), purpose, coordinate, expected] */
const MATRIX: Array<[Viewer, Child, string, string, Expected]> = [
  // police: own records in full (sealed included), others' nothing beyond identity without a case relationship
  ['police', 'A', 'DIRECT_CARE', 'PoliceRecord.detail', 'RELEASED'],
  ['police', 'A', 'DIRECT_CARE', 'PoliceRecord.informantIdentity', 'RELEASED'],
  ['police', 'A', 'DIRECT_CARE', 'Person.givenName', 'RELEASED'],
  ['police', 'A', 'DIRECT_CARE', 'HealthRecord.summary', 'REDACTED:NEED_TO_KNOW'],
  ['police', 'A', 'DIRECT_CARE', 'HealthRecord.clinicalNotes', 'REDACTED:NEED_TO_KNOW'],
  ['police', 'A', 'STRATEGY', 'HealthRecord.clinicalNotes', 'REDACTED:NEED_TO_KNOW'],
  ['police', 'A', 'DIRECT_CARE', 'SocialCareRecord.protectedAddress', 'REDACTED:SEALED'],
  // police with an agency check: summaries under AGENCY_CHECK, never health detail
  ['police', 'B', 'AGENCY_CHECK', 'HealthRecord.summary', 'RELEASED'],
  ['police', 'B', 'AGENCY_CHECK', 'HealthRecord.registeredGp', 'RELEASED'],
  ['police', 'B', 'AGENCY_CHECK', 'HealthRecord.clinicalNotes', 'REDACTED:NEED_TO_KNOW'],
  ['police', 'B', 'SECTION_47', 'HealthRecord.clinicalNotes', 'REDACTED:NEED_TO_KNOW'],
  ['police', 'B', 'DIRECT_CARE', 'HealthRecord.summary', 'REDACTED:PURPOSE_INSUFFICIENT'],
  ['police', 'B', 'AGENCY_CHECK', 'SocialCareRecord.protectedAddress', 'REDACTED:SEALED'],
  // police without any relationship: not found; with break-glass: detail, never sealed
  ['police', 'C', 'DIRECT_CARE', 'Person.givenName', 'NOT_FOUND'],
  ['policeBreakGlass', 'C', 'BREAK_GLASS', 'HealthRecord.clinicalNotes', 'RELEASED'],
  ['policeBreakGlass', 'C', 'BREAK_GLASS', 'SocialCareRecord.caseNotes', 'RELEASED'],
  ['policeBreakGlass', 'C', 'BREAK_GLASS', 'SocialCareRecord.protectedAddress', 'REDACTED:SEALED'],
  ['policeBreakGlass', 'C', 'TRIAGE', 'HealthRecord.clinicalNotes', 'REDACTED:PURPOSE_INSUFFICIENT'],
  // health: own detail; others' sealed never
  ['health', 'A', 'DIRECT_CARE', 'HealthRecord.clinicalNotes', 'RELEASED'],
  ['health', 'A', 'DIRECT_CARE', 'PoliceRecord.detail', 'REDACTED:NEED_TO_KNOW'],
  ['health', 'A', 'DIRECT_CARE', 'PoliceRecord.informantIdentity', 'REDACTED:SEALED'],
  // MASH social worker on a referral: every agency's summary under TRIAGE, no detail unless invited to strategy
  ['socialWorker', 'A', 'TRIAGE', 'HealthRecord.summary', 'RELEASED'],
  ['socialWorker', 'A', 'TRIAGE', 'PoliceRecord.personRole', 'RELEASED'],
  ['socialWorker', 'A', 'TRIAGE', 'HealthRecord.clinicalNotes', 'REDACTED:NEED_TO_KNOW'],
  ['socialWorker', 'A', 'STRATEGY', 'HealthRecord.clinicalNotes', 'REDACTED:NEED_TO_KNOW'],
  ['socialWorker', 'A', 'DIRECT_CARE', 'HealthRecord.summary', 'REDACTED:PURPOSE_INSUFFICIENT'],
  ['socialWorker', 'A', 'TRIAGE', 'PoliceRecord.informantIdentity', 'REDACTED:SEALED'],
  ['socialWorker', 'A', 'TRIAGE', 'SocialCareRecord.protectedAddress', 'RELEASED'],
  ['socialWorker', 'A', 'TRIAGE', 'SocialCareRecord.caseNotes', 'RELEASED'],
  // IG and administrators read no content; purposes a role may not declare are refused
  ['igAuditor', 'A', 'IG_AUDIT', 'Person.givenName', 'FORBIDDEN'],
  ['admin', 'A', 'DIRECT_CARE', 'Person.givenName', 'FORBIDDEN'],
  ['socialWorker', 'A', 'AGENCY_CHECK', 'Person.givenName', 'FORBIDDEN'],
  ['police', 'A', 'IG_AUDIT', 'Person.givenName', 'FORBIDDEN'],
  ['referrer', 'A', 'TRIAGE', 'Person.givenName', 'FORBIDDEN'],
  // a partner referrer reads its referrals' receipts only, never a person (issue 17)
  ['referrer', 'A', 'DIRECT_CARE', 'Person.givenName', 'FORBIDDEN'],
];

const PERSON = `query($id: ID!, $purpose: Purpose!) {
  person(id: $id, purpose: $purpose) {
    id givenName
    records {
      __typename id owningAgency summary
      ... on HealthRecord { registeredGp clinicalNotes }
      ... on PoliceRecord { personRole detail informantIdentity }
      ... on SocialCareRecord { caseNotes protectedAddress }
    }
  }
}`;
type PersonResult = { person: { givenName: string | null; records: Array<Record<string, unknown>> } | null };

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: AMBER, rationale: "Fictional rationale", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: ["police"], expectedVersion: $v) { version } }`;

describe('the access matrix, through the API', () => {
  let hub: TestHub;
  const tokens = {} as Record<Viewer, string>;
  const children = {} as Record<Child, string>;

  beforeAll(async () => {
    hub = await startTestHub();
    tokens.police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    tokens.policeBreakGlass = await hub.token({
      agency: 'police',
      roles: ['POLICE_MASH_OFFICER'],
      sub: unique('police-bg'),
    });
    tokens.health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    tokens.socialWorker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    tokens.igAuditor = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
    tokens.admin = await hub.token({ agency: 'social-care', roles: ['HUB_ADMIN'] });
    tokens.referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'] });

    const heldBy = async (withPolice: boolean) => {
      const nhsNumber = fakeNhsNumber();
      const id = await givenPerson(hub, tokens.health, { nhsNumber });
      await givenImportedPerson(hub, 'social-care', { nhsNumber, sourceSystem: 'LCS' });
      await givenRecord(hub, tokens.health, id, {
        recordType: 'HEALTH_GP_REGISTRATION',
        registeredGp: 'Fictional Surgery',
        clinicalNotes: 'Fictional clinical note',
      });
      await givenRecord(hub, tokens.socialWorker, id, {
        recordType: 'SOCIAL_CARE_CASE_NOTE',
        caseNotes: 'Fictional case note',
        protectedAddress: '1 Fictional Refuge Road',
      });
      if (withPolice) {
        await givenImportedPerson(hub, 'police', { nhsNumber, sourceSystem: 'NICHE' });
        await givenRecord(hub, tokens.police, id, {
          recordType: 'POLICE_INCIDENT',
          personRole: 'VICTIM',
          detail: 'Fictional detail',
          informantIdentity: 'Fictional informant',
        });
      }
      return id;
    };
    const referral = async (personId: string) => {
      const r = await hub.gql<{ submitReferral: { id: string } }>(tokens.socialWorker, SUBMIT, {
        key: unique('k'),
        input: {
          subjects: [{ personId }],
          concernCategories: ['NEGLECT'],
          narrative: 'Fictional narrative',
          consentSought: true,
          consentGiven: true,
          referrerContact: 'Fictional',
        },
      });
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data!.submitReferral.id;
    };
    children.A = await heldBy(true);
    await referral(children.A);
    children.B = await heldBy(false);
    const refB = await referral(children.B);
    const rated = await hub.gql<{ rateReferral: { version: number } }>(tokens.socialWorker, RATE, { id: refB, v: 1 });
    const checked = await hub.gql(tokens.socialWorker, CHECKS, { id: refB, v: rated.data!.rateReferral.version });
    if (checked.errors) throw new Error(JSON.stringify(checked.errors));
    children.C = await heldBy(false);
    const bg = await hub.gql(
      tokens.policeBreakGlass,
      `mutation($p: ID!) { openBreakGlass(personId: $p, reason: "Fictional: urgent safeguarding concern out of hours") { id } }`,
      { p: children.C },
    );
    if (bg.errors) throw new Error(JSON.stringify(bg.errors));
  });
  afterAll(() => hub.close());

  /** The value of a coordinate in the person response, and the response path it would have. */
  function locate(r: GqlResult<PersonResult>, coordinate: string): { value: unknown; path: string } {
    const [type, field] = coordinate.split('.') as [string, string];
    if (type === 'Person') return { value: r.data!.person![field as 'givenName'], path: `person.${field}` };
    const records = r.data!.person!.records;
    const i = records.findIndex((x) => x.__typename === type);
    if (i < 0) throw new Error(`no ${type} in the response`);
    return { value: records[i]![field], path: `person.records.${i}.${field}` };
  }

  it.each(MATRIX)(
    '%s on child %s with purpose %s reads %s → %s',
    async (viewer, child, purpose, coordinate, expected) => {
      const personId = children[child];

      const r = await hub.gql<PersonResult>(tokens[viewer], PERSON, { id: personId, purpose });

      // Whatever the outcome, no cache may keep a copy of an answer about a child.
      expect(r.headers.get('cache-control')).toBe('no-store');
      const audit = await auditFor(hub, r.headers.get('x-request-id')!);
      if (expected === 'NOT_FOUND' || expected === 'FORBIDDEN') {
        expect(r.errors![0]!.extensions!.code).toBe(expected);
        expect(r.data?.person ?? null).toBeNull();
        expect(audit.length).toBeGreaterThan(0);
        expect(audit.flatMap((a) => a.released ?? [])).toEqual([]);
        return;
      }
      expect(r.errors).toBeUndefined();
      const { value, path: responsePath } = locate(r, coordinate);
      const disclosure = audit.find((a) => a.person_id === personId)!;
      if (expected === 'RELEASED') {
        expect(value).not.toBeNull();
        expect(disclosure.released).toContain(coordinate);
      } else {
        const reason = expected.slice('REDACTED:'.length);
        expect(value).toBeNull();
        expect(r.extensions!.redactions).toContainEqual({ path: responsePath, reason });
        expect(disclosure.released).not.toContain(coordinate);
        expect(disclosure.redacted).toContain(`${coordinate}:${reason}`);
      }
    },
  );

  describe('property-level attacks never disclose a redacted field (police reading child A: health detail is NEED_TO_KNOW)', () => {
    const attacks: Array<[string, string]> = [
      [
        'an alias',
        `query($id: ID!) { p: person(id: $id, purpose: DIRECT_CARE) { records { ... on HealthRecord { notes: clinicalNotes again: clinicalNotes } } } }`,
      ],
      [
        'a named fragment',
        `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { records { ...H } } } fragment H on HealthRecord { clinicalNotes }`,
      ],
      [
        'a nested inline fragment',
        `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { records { ... on AgencyRecord { ... on HealthRecord { ... { clinicalNotes } } } } } }`,
      ],
      [
        'the AgencyRecord interface',
        `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { records { owningAgency sourceReference recordedBy } } }`,
      ],
      [
        'a fragment on the interface spread twice',
        `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { records { ...R ...R } } } fragment R on AgencyRecord { recordedBy ... on HealthRecord { clinicalNotes } }`,
      ],
    ];

    it.each(attacks)('through %s', async (_label, query) => {
      const r = await hub.gql<Record<string, { records: Array<Record<string, unknown>> }>>(tokens.police, query, {
        id: children.A,
      });

      expect(r.errors).toBeUndefined();
      const body = JSON.stringify(r.data);
      expect(body).not.toContain('Fictional clinical note');
      const root = Object.values(r.data!)[0]!;
      const healthRecords = root.records.filter(
        (x) => x.owningAgency === 'health' || 'clinicalNotes' in x || 'notes' in x,
      );
      for (const rec of healthRecords)
        for (const [k, v] of Object.entries(rec)) if (k !== 'owningAgency') expect(v).toBeNull();
      expect(r.extensions!.redactions!.every((x) => ['NEED_TO_KNOW', 'SEALED'].includes(x.reason))).toBe(true);
      const audit = await auditFor(hub, r.headers.get('x-request-id')!);
      const released = audit.flatMap((a) => a.released ?? []);
      expect(released.filter((c) => c.startsWith('HealthRecord.') && c !== 'HealthRecord.owningAgency')).toEqual([]);
      expect(released).not.toContain('HealthRecord.clinicalNotes');
    });
  });

  describe('object-level attacks', () => {
    it('given random ids, when a police officer walks them, then every one is NOT_FOUND with the same message and nothing is disclosed', async () => {
      const messages = new Set<string>();
      for (let i = 0; i < 15; i++) {
        const r = await hub.gql(tokens.police, PERSON, { id: crypto.randomUUID(), purpose: 'DIRECT_CARE' });
        expect(r.errors![0]!.extensions!.code).toBe('NOT_FOUND');
        messages.add(r.errors![0]!.message);
        const audit = await auditFor(hub, r.headers.get('x-request-id')!);
        expect(audit).toEqual([expect.objectContaining({ outcome: 'NOT_FOUND', released: [] })]);
      }
      const unreachable = await hub.gql(tokens.police, PERSON, { id: children.C, purpose: 'DIRECT_CARE' });
      messages.add(unreachable.errors![0]!.message);
      expect(messages.size).toBe(1);
    });

    it('given a relationship to a person the viewer cannot reach, when read through Person.relationships, then the related person is not disclosed', async () => {
      const nhsNumber = fakeNhsNumber();
      const parentId = await givenPerson(hub, tokens.health, {
        kind: 'ADULT',
        dateOfBirth: '1990-01-01',
        givenName: 'Parenty',
      });
      const childId = await givenPerson(hub, tokens.health, {
        nhsNumber,
        relationships: [{ relatedPersonId: parentId, type: 'MOTHER' }],
      });
      await givenImportedPerson(hub, 'police', { nhsNumber, sourceSystem: 'NICHE' });

      const r = await hub.gql<{ person: { relationships: unknown[] } }>(
        tokens.police,
        `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) {
        id relationships { type relatedPerson { id givenName } } } }`,
        { id: childId },
      );

      expect(r.errors).toBeUndefined();
      expect(r.data!.person.relationships).toEqual([]);
      expect(JSON.stringify(r.data)).not.toContain(parentId);
      const audit = await auditFor(hub, r.headers.get('x-request-id')!);
      expect(audit.map((a) => a.person_id)).toEqual([childId]);
      const asHealth = await hub.gql<{ person: { relationships: Array<{ relatedPerson: { id: string } }> } }>(
        tokens.health,
        `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) {
        relationships { relatedPerson { id } } } }`,
        { id: childId },
      );
      expect(asHealth.data!.person.relationships.map((x) => x.relatedPerson.id)).toEqual([parentId]);
    });
  });
});

describe('search is a filter: a partnership policy that withholds identity also closes the search', () => {
  let hub: TestHub;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-policy-'));
  beforeAll(async () => {
    // A (fictional) partnership where education officers see only case metadata, not identity.
    const policy = {
      ...DEFAULT_POLICY,
      rules: [
        {
          description: 'Education officers see no identity in this partnership',
          effect: 'deny',
          classes: ['IDENTITY'],
          roles: ['EDUCATION_MASH_OFFICER'],
          reason: 'NEED_TO_KNOW',
        },
        ...DEFAULT_POLICY.rules,
      ],
    };
    const file = path.join(dir, 'policy.json');
    fs.writeFileSync(file, JSON.stringify(policy));
    hub = await startTestHub({ MASH_POLICY_FILE: file });
  });
  afterAll(async () => {
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const SEARCH = `query($input: PersonSearchInput!, $purpose: Purpose!) { searchPeople(input: $input, purpose: $purpose) { score person { id } } }`;

  it('given an education officer under that policy, when they search by family name, then FORBIDDEN names the field', async () => {
    const teacher = await hub.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] });
    const r = await hub.gql(teacher, SEARCH, { input: { familyName: 'Fictional' }, purpose: 'DIRECT_CARE' });
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.familyName' });
    expect(r.data?.searchPeople ?? null).toBeNull();
  });

  it('given a MASH social worker under the same policy, when they search by identifier, then the search runs', async () => {
    const worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    const nhsNumber = fakeNhsNumber();
    const id = await givenPerson(hub, worker, { nhsNumber });
    const r = await hub.gql<{ searchPeople: Array<{ person: { id: string } }> }>(worker, SEARCH, {
      input: { identifier: { type: 'NHS_NUMBER', value: nhsNumber } },
      purpose: 'TRIAGE',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.searchPeople.map((m) => m.person.id)).toEqual([id]);
  });
});
