import crypto from 'node:crypto';
import { fakeNhsNumber, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * People, their relationships, matches and agency records are read through read shapes of their
 * entities (ADR 031): a property left out of a shape would come back null, not fail. These stories
 * write every column and read every field back, so a shape that drops or misnames one is noticed.
 */

const PERSON_FIELDS = `id kind givenName familyName otherNames dateOfBirth expectedDateOfDelivery sex nhsNumber pncId
  laPersonId upn address postcode ethnicity firstLanguage religion disability updatedAt version`;

const PERSON = `query($id: ID!) {
  person(id: $id, purpose: DIRECT_CARE) {
    ${PERSON_FIELDS}
    relationships { type relatedPerson { id givenName } }
    records {
      __typename id personId owningAgency recordType occurredAt summary sourceSystem sourceReference recordedBy recordedAt version
      ... on HealthRecord { registeredGp practitioner mentalHealthInvolvement clinicalNotes }
    }
  }
}`;

const SEARCH = `query($input: PersonSearchInput!) {
  searchPeople(input: $input, purpose: DIRECT_CARE) { score reasons person { ${PERSON_FIELDS} } }
}`;

describe('people and records read through the read shapes of their entities (ADR 031)', () => {
  let hub: TestHub;
  let health: string;
  let police: string;
  beforeAll(async () => {
    hub = await startTestHub();
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
  });
  afterAll(() => hub.close());

  const digits = (n: number) => Array.from({ length: n }, () => crypto.randomInt(10)).join('');

  async function givenChildWithEveryField() {
    const motherId = await givenPerson(hub, health, { kind: 'ADULT', givenName: 'Mara', dateOfBirth: '1990-02-01' });
    const written = {
      kind: 'CHILD',
      givenName: 'Testy',
      familyName: `Shapeworth${crypto.randomInt(1e6)}`,
      otherNames: 'Fictional Middle',
      dateOfBirth: '2016-04-03',
      expectedDateOfDelivery: null,
      sex: 'FEMALE',
      nhsNumber: fakeNhsNumber(),
      pncId: `26/${digits(7)}A`,
      laPersonId: unique('la'),
      upn: `A${digits(11)}B`,
      address: '1 Fictional Street, Exampletown',
      postcode: 'ZZ1 1ZZ',
      ethnicity: 'WHITE_OTHER',
      firstLanguage: 'cy',
      religion: 'Fictional faith',
      disability: 'NOT_DISABLED',
    };
    const personId = await givenPerson(hub, health, {
      ...written,
      relationships: [{ relatedPersonId: motherId, type: 'MOTHER' }],
    });
    return { personId, motherId, written };
  }

  it('given a child with every column written, when their agency reads every field, then each comes back as written, with the relationship and the record', async () => {
    const { personId, motherId, written } = await givenChildWithEveryField();
    const recordReference = unique('r');
    const recordId = await givenRecord(hub, health, personId, {
      recordType: 'HEALTH_GP_REGISTRATION',
      sourceReference: recordReference,
      registeredGp: 'Fictional Surgery',
      practitioner: 'Dr Example',
      mentalHealthInvolvement: false,
      clinicalNotes: 'Fictional notes',
    });

    const r = await hub.gql<{ person: Record<string, unknown> }>(health, PERSON, { id: personId });

    expect(r.errors).toBeUndefined();
    expect(r.extensions?.redactions).toBeUndefined();
    const { updatedAt, ...person } = r.data!.person;
    expect(person).toEqual({
      id: personId,
      ...written,
      version: 1,
      relationships: [{ type: 'MOTHER', relatedPerson: { id: motherId, givenName: 'Mara' } }],
      records: [
        {
          __typename: 'HealthRecord',
          id: recordId,
          personId,
          owningAgency: 'health',
          recordType: 'HEALTH_GP_REGISTRATION',
          occurredAt: '2026-06-01T10:00:00.000Z',
          summary: 'Fictional summary for tests',
          sourceSystem: 'TEST',
          sourceReference: recordReference,
          recordedBy: 'Officer Example',
          recordedAt: '2026-06-01T11:00:00.000Z',
          version: 1,
          registeredGp: 'Fictional Surgery',
          practitioner: 'Dr Example',
          mentalHealthInvolvement: false,
          clinicalNotes: 'Fictional notes',
        },
      ],
    });
    expect(Number.isNaN(Date.parse(updatedAt as string))).toBe(false);
  });

  it('given the same child, when found by identifier and by name, then each match carries the person read by the same shape', async () => {
    const { personId, written } = await givenChildWithEveryField();

    const byIdentifier = await hub.gql<{ searchPeople: Array<{ reasons: string[]; person: Record<string, unknown> }> }>(
      health,
      SEARCH,
      { input: { identifier: { type: 'UPN', value: written.upn } } },
    );
    const byName = await hub.gql<{ searchPeople: Array<{ reasons: string[]; person: Record<string, unknown> }> }>(
      health,
      SEARCH,
      { input: { familyName: written.familyName, givenName: 'Testy', dateOfBirth: '2016-04-03' } },
    );

    for (const r of [byIdentifier, byName]) {
      expect(r.errors).toBeUndefined();
      const match = r.data!.searchPeople.find((m) => m.person.id === personId);
      const { updatedAt: _updatedAt, ...person } = match!.person;
      expect(person).toEqual({ id: personId, ...written, version: 1 });
    }
    expect(byIdentifier.data!.searchPeople[0]!.reasons).toEqual(['UPN_EXACT']);
  });

  it('given the same child, when an agency with no relationship to them asks, then nothing of the shape is read: not found', async () => {
    const { personId } = await givenChildWithEveryField();

    const r = await hub.gql<{ person: unknown }>(police, PERSON, { id: personId });

    expect(r.data?.person ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
