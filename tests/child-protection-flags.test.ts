import { buildSchema, isObjectType } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import fs from 'node:fs';
import path from 'node:path';
import { PURPOSES, type Purpose } from '../src/access-policy/vocabulary';
import { childProtectionSteps } from './support/child-protection';
import { auditFor, fakeNhsNumber, givenPerson, givenRecord, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * The CP-IS-style flag view (issue 24, ADR 017): the emergency duty team and unscheduled care look a
 * child up by NHS number and get flags only, under DIRECT_CARE, audited; a flagged child's
 * responsible team is alerted once per setting per day.
 */

const FLAGS = `query($nhs: String!, $setting: String!, $purpose: Purpose!) {
  childProtectionFlags(nhsNumber: $nhs, setting: $setting, purpose: $purpose) { onPlan onPlanSince lookedAfter unbornWithPrebirthPlan openToMash responsibleTeam outOfHoursContact }
}`;
const ALERTS = `query { alerts(first: 50) { edges { node { kind personId setting actorAgency toAgency createdAt } } } }`;
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;

const NOT_FLAGGED = {
  onPlan: false,
  onPlanSince: null,
  lookedAfter: false,
  unbornWithPrebirthPlan: false,
  openToMash: false,
  responsibleTeam: null,
  outOfHoursContact: null,
};
const CONTACT = 'Exampleshire Emergency Duty Team, 01632 960 000 (fictional)';

/** Every entry point that reads person data with a declared purpose, and a valid call of it (ids point at nothing). */
const PERSON_READS: Record<string, string> = {
  person: `query($p: Purpose!) { person(id: "00000000-0000-4000-8000-000000000000", purpose: $p) { id } }`,
  searchPeople: `query($p: Purpose!) { searchPeople(input: { familyName: "Fictional" }, purpose: $p) { score } }`,
  chronology: `query($p: Purpose!) { chronology(personId: "00000000-0000-4000-8000-000000000000", purpose: $p) { __typename } }`,
  referral: `query($p: Purpose!) { referral(id: "00000000-0000-4000-8000-000000000000", purpose: $p) { id } }`,
  referrals: `query($p: Purpose!) { referrals(purpose: $p) { edges { cursor } } }`,
  meeting: `query($p: Purpose!) { meeting(id: "00000000-0000-4000-8000-000000000000", purpose: $p) { id } }`,
  meetings: `query($p: Purpose!) { meetings(purpose: $p) { edges { cursor } } }`,
  section47Enquiry: `query($p: Purpose!) { section47Enquiry(id: "00000000-0000-4000-8000-000000000000", purpose: $p) { id } }`,
  childProtectionPlan: `query($p: Purpose!) { childProtectionPlan(id: "00000000-0000-4000-8000-000000000000", purpose: $p) { id } }`,
};

describe('the child protection flag view for out-of-hours and unscheduled care', () => {
  let hub: TestHub;
  let worker: string;
  let edt: string;
  let clinician: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    edt = await hub.token({ agency: 'social-care', roles: ['EDT_SOCIAL_WORKER'] });
    clinician = await hub.token({ agency: 'health', roles: ['UNSCHEDULED_CARE_CLINICIAN'] });
  });
  afterAll(() => hub.close());

  const flags = (
    token: string,
    nhs: string,
    setting = 'Fictional General Hospital ED',
    purpose: Purpose = 'DIRECT_CARE',
  ) => hub.gql<{ childProtectionFlags: typeof NOT_FLAGGED }>(token, FLAGS, { nhs, setting, purpose });

  async function flagAlerts(personId: string) {
    const r = await hub.gql<{
      alerts: {
        edges: Array<{
          node: { kind: string; personId: string; setting: string; actorAgency: string; toAgency: string };
        }>;
      };
    }>(worker, ALERTS);
    expect(r.errors).toBeUndefined();
    return r
      .data!.alerts.edges.map((e) => e.node)
      .filter((a) => a.kind === 'CP_FLAG_LOOKUP' && a.personId === personId);
  }

  it('given a child on a plan, when a clinician looks the child up, then only the flags and the out-of-hours contact come back (category withheld), the look-up is audited, and the team is alerted once per setting per day', async () => {
    const nhs = fakeNhsNumber();
    const child = await givenPerson(hub, worker, { nhsNumber: nhs, dateOfBirth: '2019-05-01' });
    await childProtectionSteps(hub, worker).givenPlan(child, '2026-10-01', '2026-10-20', 'SEXUAL_ABUSE');

    const r = await flags(clinician, nhs);
    expect(r.errors).toBeUndefined();
    expect(r.data!.childProtectionFlags).toEqual({
      ...NOT_FLAGGED,
      onPlan: true,
      onPlanSince: '2026-10-20',
      responsibleTeam: 'Exampleshire Children’s Social Care',
      outOfHoursContact: CONTACT,
    });
    expect(JSON.stringify(r)).not.toContain('SEXUAL');
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    expect(audit).toEqual([
      expect.objectContaining({
        purpose: 'DIRECT_CARE',
        person_id: child,
        released: expect.arrayContaining(['ChildProtectionFlags.onPlan']),
      }),
    ]);

    expect(await flagAlerts(child)).toEqual([
      expect.objectContaining({
        setting: 'Fictional General Hospital ED',
        actorAgency: 'health',
        toAgency: 'social-care',
      }),
    ]);
    await flags(clinician, nhs);
    expect(await flagAlerts(child)).toHaveLength(1);
    await flags(clinician, nhs, 'Fictional Out-of-hours GP');
    expect((await flagAlerts(child)).map((a) => a.setting).sort()).toEqual([
      'Fictional General Hospital ED',
      'Fictional Out-of-hours GP',
    ]);
  });

  it('given the responsible team listening on alertRaised, when a clinician looks up a flagged child, then the team hears of it as it happens (where and when), and police do not', async () => {
    const nhs = fakeNhsNumber();
    const child = await givenPerson(hub, worker, { nhsNumber: nhs });
    await childProtectionSteps(hub, worker).givenPlan(child, '2026-10-01', '2026-10-20');
    const listen = (token: string) => {
      const received: unknown[] = [];
      const client = createClient({
        url: hub.server.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      client.subscribe(
        { query: 'subscription { alertRaised { kind toAgency personId setting } }' },
        { next: (v) => received.push(v), error: () => undefined, complete: () => undefined },
      );
      return { received, client };
    };
    const team = listen(worker);
    const police = listen(await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] }));
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect((await flags(clinician, nhs, 'Fictional Urgent Treatment Centre')).errors).toBeUndefined();
      const deadline = Date.now() + 4000;
      while (!team.received.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(team.received).toEqual([
        expect.objectContaining({
          data: {
            alertRaised: {
              kind: 'CP_FLAG_LOOKUP',
              toAgency: 'social-care',
              personId: child,
              setting: 'Fictional Urgent Treatment Centre',
            },
          },
        }),
      ]);
      await new Promise((r) => setTimeout(r, 300));
      expect(police.received).toEqual([]);
    } finally {
      await Promise.all([team.client.dispose(), police.client.dispose()]);
    }
  });

  it('given a looked-after child, a child open to the MASH, and an expectant mother whose unborn child has a pre-birth plan, then each flag is raised for its child', async () => {
    const lookedAfterNhs = fakeNhsNumber();
    const lookedAfter = await givenPerson(hub, worker, { nhsNumber: lookedAfterNhs });
    await givenRecord(hub, worker, lookedAfter, { recordType: 'SOCIAL_CARE_INVOLVEMENT', legalStatus: 'LOOKED_AFTER' });
    expect((await flags(edt, lookedAfterNhs, 'Exampleshire EDT')).data!.childProtectionFlags).toMatchObject({
      lookedAfter: true,
      onPlan: false,
      outOfHoursContact: CONTACT,
    });

    const referredNhs = fakeNhsNumber();
    const referred = await givenPerson(hub, worker, { nhsNumber: referredNhs });
    const s = await hub.gql(worker, SUBMIT, {
      input: {
        subjects: [{ personId: referred }],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative.',
        consentSought: true,
        consentGiven: true,
      },
      key: unique('k'),
    });
    expect(s.errors).toBeUndefined();
    expect((await flags(edt, referredNhs, 'Exampleshire EDT')).data!.childProtectionFlags).toMatchObject({
      openToMash: true,
      onPlan: false,
    });

    const motherNhs = fakeNhsNumber();
    const mother = await givenPerson(hub, worker, {
      kind: 'ADULT',
      nhsNumber: motherNhs,
      dateOfBirth: '1998-02-03',
      sex: 'FEMALE',
    });
    const unborn = await givenPerson(hub, worker, {
      kind: 'UNBORN',
      dateOfBirth: null,
      nhsNumber: null,
      expectedDateOfDelivery: '2027-03-01',
      relationships: [{ relatedPersonId: mother, type: 'MOTHER' }],
    });
    await childProtectionSteps(hub, worker).givenPlan(unborn, '2026-10-01', '2026-10-20');
    const r = await flags(clinician, motherNhs, 'Fictional Maternity Unit');
    expect(r.data!.childProtectionFlags).toMatchObject({
      unbornWithPrebirthPlan: true,
      onPlan: false,
      outOfHoursContact: CONTACT,
    });
    expect(await flagAlerts(unborn)).toEqual([expect.objectContaining({ setting: 'Fictional Maternity Unit' })]);
  });

  it('given an NHS number the hub does not know and a known child with no flag, then both answers are the same (no "known to the hub" oracle), both are audited, and nobody is alerted', async () => {
    const knownNhs = fakeNhsNumber();
    const known = await givenPerson(hub, worker, { nhsNumber: knownNhs });
    const a = await flags(clinician, knownNhs);
    const b = await flags(clinician, fakeNhsNumber());
    expect(a.data).toEqual({ childProtectionFlags: NOT_FLAGGED });
    expect(b.data).toEqual(a.data);
    expect(await auditFor(hub, a.headers.get('x-request-id')!)).toEqual([
      expect.objectContaining({ purpose: 'DIRECT_CARE', person_id: known }),
    ]);
    expect((await auditFor(hub, b.headers.get('x-request-id')!)).map((e) => e.purpose)).toEqual(['DIRECT_CARE']);
    expect(await flagAlerts(known)).toEqual([]);
  });

  it('given bad input, then the look-up is refused naming the field and no alert is raised', async () => {
    const nhs = fakeNhsNumber();
    const child = await givenPerson(hub, worker, { nhsNumber: nhs });
    await childProtectionSteps(hub, worker).givenPlan(child, '2026-10-01', '2026-10-20');
    const wrongCheckDigit = nhs.slice(0, 9) + String((Number(nhs[9]) + 1) % 10);
    for (const [vars, field] of [
      [{ nhs: wrongCheckDigit, setting: 'Fictional ED' }, 'nhsNumber'],
      [{ nhs: '1'.repeat(30), setting: 'Fictional ED' }, 'nhsNumber'],
      [{ nhs, setting: '   ' }, 'setting'],
      [{ nhs, setting: 'x'.repeat(201) }, 'setting'],
      [{ nhs, setting: 'Fictional\u0000ED' }, 'setting'],
    ] as const) {
      const r = await hub.gql(clinician, FLAGS, { ...vars, purpose: 'DIRECT_CARE' });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await flagAlerts(child)).toEqual([]);
  });

  describe('minimum disclosure: the access matrix of the two roles under every purpose', () => {
    const roles = () => ({ EDT_SOCIAL_WORKER: edt, UNSCHEDULED_CARE_CLINICIAN: clinician });

    it('the flag type carries the flags and the contact, nothing else (no category, no name, no identifier, no record)', () => {
      const schema = buildSchema(fs.readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8'));
      const type = schema.getType('ChildProtectionFlags');
      // Another partnership holding the child: its name and contact only (ADR 028).
      const holder = schema.getType('FlagHolder');
      expect(isObjectType(holder) && Object.keys(holder.getFields()).sort()).toEqual([
        'outOfHoursContact',
        'partnership',
      ]);
      expect(isObjectType(type) && Object.keys(type.getFields()).sort()).toEqual(
        [
          'heldElsewhere',
          'lookedAfter',
          'onPlan',
          'onPlanSince',
          'openToMash',
          'outOfHoursContact',
          'responsibleTeam',
          'unbornWithPrebirthPlan',
        ].sort(),
      );
    });

    it.each(
      PURPOSES.flatMap((purpose) =>
        (['EDT_SOCIAL_WORKER', 'UNSCHEDULED_CARE_CLINICIAN'] as const).map((role) => [role, purpose] as const),
      ),
    )(
      '%s under %s: the flag view only under DIRECT_CARE (allow), every other read of person data refused (deny)',
      async (role, purpose) => {
        const token = roles()[role];
        const f = await flags(token, fakeNhsNumber(), 'Fictional ED', purpose);
        if (purpose === 'DIRECT_CARE') {
          expect(f.errors).toBeUndefined();
          expect(f.data!.childProtectionFlags).toEqual(NOT_FLAGGED);
        } else {
          expect(f.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
          expect(f.data?.childProtectionFlags ?? null).toBeNull();
        }
        for (const [entry, query] of Object.entries(PERSON_READS)) {
          const r = await hub.gql(token, query, { p: purpose });
          expect({ entry, code: r.errors?.[0]?.extensions?.code }).toEqual({ entry, code: 'FORBIDDEN' });
        }
      },
    );

    it('deny: the MASH roles and IG do not get the flag view (it is not a short cut round need to know)', async () => {
      for (const token of [
        worker,
        await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] }),
        await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] }),
      ]) {
        const r = await flags(token, fakeNhsNumber());
        expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });
  });
});
