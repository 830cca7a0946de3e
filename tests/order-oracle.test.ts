import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getNamedType, isInterfaceType, isObjectType } from 'graphql';
import { UNORDERED_KEY } from '../src/access-policy/filter-policy';
import { DEFAULT_POLICY } from '../src/access-policy/policy';
import { buildSchema } from '../src/app/schema';
import { MEETINGS_ORDERED_BY } from '../src/meetings/meetings.repository';
import { RECORDS_ORDERED_BY } from '../src/records/records.repository';
import { QUEUE_ORDERED_BY } from '../src/referrals/referrals.repository';
import { fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type GqlResult, type TestHub } from './support/test-hub';

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
    await givenImportedPerson(hub, 'health', { nhsNumber, sourceSystem: 'EMIS' });
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
});

describe('lists ordered by a key are ordered by it only for viewers who may read it', () => {
  it.each([RECORDS_ORDERED_BY, QUEUE_ORDERED_BY, MEETINGS_ORDERED_BY])(
    'given the served schema, then $coordinate is of the class its list is ordered under ($cls)',
    ({ coordinate, cls }) => {
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      const type = getNamedType(buildSchema().getType(typeName));
      if (!isInterfaceType(type) && !isObjectType(type)) throw new Error(`${typeName} is not an object type`);
      expect((type.getFields()[fieldName]!.extensions as { sensitivity?: string }).sensitivity).toBe(cls);
    },
  );

  describe('under a partnership policy that denies case metadata to police officers', () => {
    let hub: TestHub;
    let narrowed: TestHub;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-order-'));
    beforeAll(async () => {
      const policyFile = path.join(dir, 'policy.json');
      const deny = {
        description: 'Test: police officers see no case metadata',
        effect: 'deny',
        classes: ['CASE_METADATA'],
        roles: ['POLICE_MASH_OFFICER'],
        reason: 'NEED_TO_KNOW',
      };
      fs.writeFileSync(policyFile, JSON.stringify({ ...DEFAULT_POLICY, rules: [deny, ...DEFAULT_POLICY.rules] }));
      hub = await startTestHub();
      narrowed = await startTestHub({ MASH_POLICY_FILE: policyFile });
    });
    afterAll(async () => {
      await Promise.all([hub?.close(), narrowed?.close()]);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const ok = <T>(r: GqlResult<T>): T => {
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data!;
    };
    const decode = (cursor: string) =>
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];

    it('given referrals and meetings police reach, when a police officer lists them, then neither the order nor a cursor carries the due or scheduled time, while the social worker’s list is ordered by it', async () => {
      const worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
      for (const [rag, hoursAhead] of [
        ['RED', 30],
        ['GREEN', 5],
        ['AMBER', 60],
      ] as const) {
        const { submitReferral } = ok(
          await hub.gql<{ submitReferral: { id: string } }>(
            worker,
            `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`,
            {
              key: unique('k'),
              input: {
                subjects: [
                  {
                    newPerson: {
                      kind: 'CHILD',
                      givenName: 'Testy',
                      familyName: `Fictionalorder${hoursAhead}`,
                      dateOfBirth: '2017-02-03',
                    },
                  },
                ],
                concernCategories: ['NEGLECT'],
                narrative: 'Fictional narrative for the order-oracle stories.',
                consentSought: true,
                consentGiven: true,
                referrerContact: 'Fictional',
              },
            },
          ),
        );
        const id = submitReferral.id;
        const v = ok(
          await hub.gql<{ rateReferral: { version: number } }>(
            worker,
            `mutation($id: ID!, $rag: Rag!) { rateReferral(id: $id, rag: $rag, rationale: "Fictional", expectedVersion: 1) { version } }`,
            { id, rag },
          ),
        ).rateReferral.version;
        ok(
          await hub.gql(
            worker,
            `mutation($id: ID!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: ["police"], expectedVersion: $v) { version } }`,
            { id, v },
          ),
        );
        const subjects = ok(
          await hub.gql<{ referral: { subjects: Array<{ id: string }> } }>(
            worker,
            `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { subjects { id } } }`,
            { id },
          ),
        ).referral.subjects;
        ok(
          await hub.gql(worker, `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`, {
            input: {
              type: 'STRATEGY_DISCUSSION',
              referralId: id,
              subjectPersonIds: subjects.map((s) => s.id),
              invitees: [{ agency: 'police', required: true }],
              scheduledAt: new Date(Date.now() + hoursAhead * 3600_000).toISOString(),
            },
          }),
        );
      }
      const police = await narrowed.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
      const LISTS = `query { referrals(purpose: AGENCY_CHECK, first: 100) { edges { cursor } } meetings(purpose: AGENCY_CHECK, first: 100) { edges { cursor } } }`;
      type Lists = { referrals: { edges: Array<{ cursor: string }> }; meetings: { edges: Array<{ cursor: string }> } };

      const asPolice = ok(await narrowed.gql<Lists>(police, LISTS));
      const asWorker = ok(
        await narrowed.gql<Lists>(
          await narrowed.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] }),
          LISTS.replaceAll('AGENCY_CHECK', 'TRIAGE'),
        ),
      );

      for (const list of [asPolice.referrals, asPolice.meetings]) {
        const keys = list.edges.map((e) => decode(e.cursor));
        expect(keys.length).toBeGreaterThanOrEqual(3);
        for (const [key] of keys) expect(key).toBe(UNORDERED_KEY);
        const ids = keys.map(([, id]) => id);
        expect(ids).toEqual([...ids].sort());
      }
      // Control: the social worker may read the times; the lists are ordered by them and the cursors carry them.
      for (const list of [asWorker.referrals, asWorker.meetings]) {
        const times = list.edges.map((e) => decode(e.cursor)[0]);
        expect(times).not.toContain(UNORDERED_KEY);
        expect(times).toEqual([...times].sort());
      }
    });
  });
});
