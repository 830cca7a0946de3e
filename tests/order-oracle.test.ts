import { getNamedType, isInterfaceType } from 'graphql';
import { buildSchema } from '../src/graphql/schema';
import { RECORDS_ORDERED_BY } from '../src/people/people.repository';
import { fakeNhsNumber, givenPerson, givenRecord } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Issue 17, "order as an oracle": a list must not be ordered by a value the viewer may not read.
 * `Person.records` was ordered by `occurredAt` for everyone, so a police officer's own dated records
 * bounded the redacted date of a health record placed between them.
 */

const RECORDS = `query($id: ID!) { person(id: $id, purpose: DIRECT_CARE) { records { owningAgency occurredAt } } }`;
type Records = { person: { records: Array<{ owningAgency: string; occurredAt: string | null }> } };

describe('Person.records is never ordered by a date the viewer may not read', () => {
  let hub: TestHub;
  let police: string;
  let health: string;
  beforeAll(async () => {
    hub = await startTestHub();
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
  });
  afterAll(() => hub.close());

  /** A child police and health both hold: police records in January and May, a health record on `healthDate`. */
  async function childWithHealthRecordOn(healthDate: string): Promise<string> {
    const nhsNumber = fakeNhsNumber();
    const id = await givenPerson(hub, police, { nhsNumber, sourceSystem: 'NICHE' });
    await givenPerson(hub, health, { nhsNumber, sourceSystem: 'EMIS' });
    await givenRecord(hub, police, id, { recordType: 'POLICE_INCIDENT', occurredAt: '2026-01-10T10:00:00.000Z' });
    await givenRecord(hub, police, id, { recordType: 'POLICE_INCIDENT', occurredAt: '2026-05-10T10:00:00.000Z' });
    await givenRecord(hub, health, id, { recordType: 'HEALTH_ED_ATTENDANCE', occurredAt: healthDate });
    return id;
  }

  it('given two children whose health records differ only in date, when a police officer (who may not read health dates) lists their records, then the order is the same for both: their own by date, the others after', async () => {
    const march = await childWithHealthRecordOn('2026-03-10T10:00:00.000Z');
    const july = await childWithHealthRecordOn('2026-07-10T10:00:00.000Z');

    const a = await hub.gql<Records>(police, RECORDS, { id: march });
    const b = await hub.gql<Records>(police, RECORDS, { id: july });

    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    const expected = [
      { owningAgency: 'police', occurredAt: '2026-05-10T10:00:00.000Z' },
      { owningAgency: 'police', occurredAt: '2026-01-10T10:00:00.000Z' },
      { owningAgency: 'health', occurredAt: null },
    ];
    expect(a.data!.person.records).toEqual(expected);
    expect(b.data!.person.records).toEqual(expected);
  });

  it('given the health practitioner, when they list the same kind of child, then their own record comes first by date and the police records, whose dates they may not read, follow', async () => {
    const id = await childWithHealthRecordOn('2026-03-10T10:00:00.000Z');

    const r = await hub.gql<Records>(health, RECORDS, { id });

    expect(r.errors).toBeUndefined();
    expect(r.data!.person.records.map((x) => x.owningAgency)).toEqual(['health', 'police', 'police']);
    expect(r.data!.person.records.map((x) => x.occurredAt)).toEqual(['2026-03-10T10:00:00.000Z', null, null]);
  });

  it('given the served schema, then the class the records are ordered under is the class of the field they are ordered by', () => {
    const [typeName, fieldName] = RECORDS_ORDERED_BY.coordinate.split('.') as [string, string];
    const type = getNamedType(buildSchema().getType(typeName));
    if (!isInterfaceType(type)) throw new Error(`${typeName} is not an interface`);
    expect((type.getFields()[fieldName]!.extensions as { sensitivity?: string }).sensitivity).toBe(RECORDS_ORDERED_BY.cls);
  });
});
