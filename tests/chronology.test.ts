import { auditFor, fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord, unique } from './support/factories';
import { childProtectionSteps } from './support/child-protection';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * The child's chronology includes the hub's own events (issue 19 §3): contacts and their source, RAG
 * ratings, threshold decisions, strategy discussions, child protection and the cohorts, merged date-ordered
 * with the agencies' records, each entry saying its kind and source. An entry is listed only when the
 * viewer may read the row it comes from under the existing row scopes and field policy.
 */

const CHRONOLOGY = `query($id: ID!, $purpose: Purpose!) { chronology(personId: $id, purpose: $purpose) { occurredAt kind source sourceId agency recordType summary } }`;
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id reference } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: AMBER, rationale: "Fictional: repeated concerns", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $agencies: [String!]!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: $agencies, expectedVersion: $v) { version } }`;
const PROPOSE = `mutation($id: ID!, $v: Int!) { proposeDecision(id: $id, input: { outcome: CHILD_IN_NEED_ASSESSMENT, rationale: "Fictional: needs an assessment", thresholdLevel: LEVEL_3_TARGETED }, expectedVersion: $v) { version } }`;
const AUTHORISE = `mutation($id: ID!, $v: Int!, $over: String) { authoriseDecision(id: $id, expectedVersion: $v, overOutstandingChecksReason: $over) { status } }`;
const STEP_DOWN = `mutation($input: StepDownInput!) { stepDownToEarlyHelp(input: $input) { id } }`;
const MISSING = `mutation($input: RecordMissingEpisodeInput!) { recordMissingEpisode(input: $input) { id version } }`;
const RETURNED = `mutation($id: ID!, $at: DateTimeISO!, $v: Int!) { recordMissingReturn(id: $id, returnedAt: $at, expectedVersion: $v) { version } }`;
const NOTIFY = `mutation($input: NotifyPrivateFosteringInput!) { notifyPrivateFostering(input: $input) { id } }`;

type Entry = {
  occurredAt: string;
  kind: string;
  source: string;
  sourceId: string;
  agency: string | null;
  recordType: string | null;
  summary: string;
};

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

describe("the child's chronology includes the hub's own events", () => {
  let hub: TestHub;
  let worker: string;
  let manager: string;
  let police: string;
  let health: string;
  let education: string;
  let referrer: string;
  let otherReferrer: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    education = await hub.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] });
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'] });
    otherReferrer = await hub.token({ agency: 'health', roles: ['PARTNER_REFERRER'] });
  });
  afterAll(() => hub.close());

  /** Given: a child social care holds, also held by these agencies (their feeds matched the NHS number). */
  async function givenSharedChild(...agencies: string[]): Promise<string> {
    const nhsNumber = fakeNhsNumber();
    const personId = await givenPerson(hub, worker, { nhsNumber });
    for (const agency of agencies) expect(await givenImportedPerson(hub, agency, { nhsNumber })).toBe(personId);
    return personId;
  }

  const chronology = async (token: string, id: string, purpose = 'TRIAGE') => {
    const r = await hub.gql<{ chronology: Entry[] }>(token, CHRONOLOGY, { id, purpose });
    expect(r.errors).toBeUndefined();
    return r;
  };

  async function submit(
    token: string,
    personId: string,
    source = 'SCHOOLS',
  ): Promise<{ id: string; reference: string }> {
    const r = await hub.gql<{ submitReferral: { id: string; reference: string } }>(token, SUBMIT, {
      input: {
        subjects: [{ personId }],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative: the child is often hungry at school.',
        consentSought: true,
        consentGiven: true,
        source,
      },
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    return r.data!.submitReferral;
  }

  /** Given: a contact rated, checked with these agencies, and decided (CIN assessment) over the open checks. */
  async function givenDecidedReferral(personId: string, agencies: string[]) {
    const ref = await submit(worker, personId);
    expect((await hub.gql(worker, RATE, { id: ref.id, v: 1 })).errors).toBeUndefined();
    expect((await hub.gql(worker, CHECKS, { id: ref.id, agencies, v: 2 })).errors).toBeUndefined();
    expect((await hub.gql(worker, PROPOSE, { id: ref.id, v: 3 })).errors).toBeUndefined();
    const a = await hub.gql(manager, AUTHORISE, { id: ref.id, v: 4, over: 'Fictional: enough is known to decide' });
    expect(a.errors).toBeUndefined();
    return ref;
  }

  it('given a child referred twice, when the MASH social worker opens the chronology at triage, then the first contact, its rating and its authorised decision come before the second contact, each saying its kind and source; the read is audited for the child', async () => {
    const personId = await givenPerson(hub, worker);
    const first = await givenDecidedReferral(personId, ['police']);
    const second = await submit(worker, personId, 'POLICE');
    const r = await chronology(worker, personId);
    const hubEntries = r.data!.chronology.filter((e) => e.source === 'REFERRAL');
    expect(hubEntries.map((e) => [e.kind, e.sourceId])).toEqual([
      ['CONTACT_RECEIVED', first.id],
      ['RAG_RATED', first.id],
      ['DECISION_PROPOSED', first.id],
      ['DECISION_AUTHORISED', first.id],
      ['CONTACT_RECEIVED', second.id],
    ]);
    expect(hubEntries[0]!.summary).toContain(`Contact ${first.reference} received (source SCHOOLS)`);
    expect(hubEntries[1]!.summary).toBe(`${first.reference} rated AMBER`);
    expect(hubEntries[3]).toMatchObject({
      agency: 'social-care',
      summary: `${first.reference} decision authorised: CHILD_IN_NEED_ASSESSMENT (threshold LEVEL_3_TARGETED)`,
    });
    expect(hubEntries[4]!.summary).toContain('(source POLICE)');
    const times = r.data!.chronology.map((e) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    const mine = audit.find((a) => a.person_id === personId)!;
    expect(mine).toMatchObject({ disclosure_outcome: 'DISCLOSED', purpose: 'TRIAGE' });
    expect(mine.released).toEqual(expect.arrayContaining(['ChronologyEntry.summary', 'ChronologyEntry.kind']));
    expect(mine.record_ids).toEqual(expect.arrayContaining([first.id, second.id]));
  });

  it('a police officer sees the events of the contact it was asked to check and its own record, not those of a contact checked by health only', async () => {
    const personId = await givenSharedChild('police');
    const policeChecked = await givenDecidedReferral(personId, ['police']);
    const healthOnly = await givenDecidedReferral(personId, ['health']);
    await givenRecord(hub, police, personId, { recordType: 'POLICE_INCIDENT', summary: 'Fictional: police attended' });

    const seen = (await chronology(police, personId, 'AGENCY_CHECK')).data!.chronology;
    expect(seen.filter((e) => e.source === 'REFERRAL').every((e) => e.sourceId === policeChecked.id)).toBe(true);
    expect(seen.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['CONTACT_RECEIVED', 'RAG_RATED', 'DECISION_AUTHORISED', 'AGENCY_RECORD']),
    );
    expect(seen.some((e) => e.sourceId === healthOnly.id)).toBe(false);

    // Health, the other way round.
    const healthSees = (await chronology(health, personId, 'AGENCY_CHECK')).data!.chronology;
    expect(healthSees.filter((e) => e.source === 'REFERRAL').every((e) => e.sourceId === healthOnly.id)).toBe(true);
    expect(healthSees.some((e) => e.sourceId === policeChecked.id)).toBe(false);

    // The same officer without a purpose that releases summaries (DIRECT_CARE) is listed no hub event at all.
    const direct = (await chronology(police, personId, 'DIRECT_CARE')).data!.chronology;
    expect(direct.filter((e) => e.source === 'REFERRAL')).toEqual([]);
  });

  it("a partner referrer sees none of another referrer's contacts: the chronology is not theirs to ask (FORBIDDEN), and the agency's MASH officer is not listed a contact its own referrer sent", async () => {
    const sent = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
      input: {
        subjects: [
          {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Testy',
              familyName: `Fictional${Date.now()}`,
              dateOfBirth: '2017-02-03',
            },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative: a school contact.',
        consentSought: true,
        consentGiven: true,
      },
      key: unique('k'),
    });
    expect(sent.errors).toBeUndefined();
    const [{ person_id: personId }] = (await hub.db.query(
      `SELECT person_id FROM referral_subject WHERE referral_id = $1`,
      [sent.data!.submitReferral.id],
    )) as Array<{ person_id: string }>;

    for (const token of [otherReferrer, referrer]) {
      const r = await hub.gql(token, CHRONOLOGY, { id: personId, purpose: 'DIRECT_CARE' });
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(r.data?.chronology ?? null).toBeNull();
    }

    // The school's own MASH officer gains no relationship with the child from its referrer's contact.
    const officer = await hub.gql(education, CHRONOLOGY, { id: personId, purpose: 'TRIAGE' });
    expect(officer.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Social care triages every contact: it is there for them.
    const triage = (await chronology(worker, personId)).data!.chronology;
    expect(triage.map((e) => [e.kind, e.sourceId])).toContainEqual(['CONTACT_RECEIVED', sent.data!.submitReferral.id]);
  });

  describe('early help step-down, both ways', () => {
    async function givenSteppedDown(leadProfessionalAgency?: string) {
      const personId = await givenSharedChild('education');
      await givenRecord(hub, education, personId, { recordType: 'EDUCATION_ENROLMENT', summary: 'Fictional: 92%' });
      const r = await hub.gql<{ stepDownToEarlyHelp: { id: string } }>(manager, STEP_DOWN, {
        input: {
          personId,
          at: hoursAgo(3),
          agreedWith: 'Fictional Early Help Manager',
          reason: 'Fictional: CIN plan ended, family wants support',
          ...(leadProfessionalAgency ? { leadProfessionalAgency } : {}),
        },
      });
      expect(r.errors).toBeUndefined();
      return { personId, episodeId: r.data!.stepDownToEarlyHelp.id };
    }

    it('appears for the MASH social worker, with why, and never names who agreed it', async () => {
      const { personId, episodeId } = await givenSteppedDown();
      const entries = (await chronology(worker, personId)).data!.chronology.filter((e) => e.source === 'EARLY_HELP');
      expect(entries).toEqual([
        expect.objectContaining({
          kind: 'STEP_DOWN',
          sourceId: episodeId,
          agency: 'social-care',
          summary: 'Stepped down to early help: Fictional: CIN plan ended, family wants support',
        }),
      ]);
      expect(JSON.stringify(entries)).not.toContain('Fictional Early Help Manager');
    });

    it('does not appear for an education officer without a relationship with the episode, nor for the lead professional’s agency (which sees only its case metadata)', async () => {
      const none = await givenSteppedDown();
      expect((await chronology(education, none.personId)).data!.chronology.map((e) => e.kind)).toEqual([
        'AGENCY_RECORD',
      ]);
      const lead = await givenSteppedDown('education');
      expect((await chronology(education, lead.personId)).data!.chronology.map((e) => e.kind)).toEqual([
        'AGENCY_RECORD',
      ]);
    });

    it('appears for an education officer who works a referral about the child (a check), as the cohort rule says', async () => {
      const { personId, episodeId } = await givenSteppedDown();
      const ref = await submit(worker, personId);
      expect((await hub.gql(worker, RATE, { id: ref.id, v: 1 })).errors).toBeUndefined();
      expect((await hub.gql(worker, CHECKS, { id: ref.id, agencies: ['education'], v: 2 })).errors).toBeUndefined();
      const entries = (await chronology(education, personId, 'AGENCY_CHECK')).data!.chronology;
      expect(entries.map((e) => [e.kind, e.sourceId])).toContainEqual(['STEP_DOWN', episodeId]);
    });
  });

  it("the cohorts' events: a missing episode and its return for the recording agency, a private fostering notification for social care, each as far as the existing rules release its summary", async () => {
    const personId = await givenPerson(hub, police);
    const m = await hub.gql<{ recordMissingEpisode: { id: string; version: number } }>(police, MISSING, {
      input: {
        personId,
        missingFrom: 'CARE',
        startedAt: hoursAgo(30),
        circumstances: 'Fictional: seen near the station',
      },
    });
    expect(m.errors).toBeUndefined();
    const ep = m.data!.recordMissingEpisode;
    expect((await hub.gql(police, RETURNED, { id: ep.id, at: hoursAgo(20), v: ep.version })).errors).toBeUndefined();
    const pf = await hub.gql<{ notifyPrivateFostering: { id: string } }>(worker, NOTIFY, {
      input: {
        personId,
        notifiedBy: 'PROFESSIONAL',
        notifierName: 'Fictional Head of Year',
        notifiedAt: hoursAgo(10),
        arrangementStartedOn: '2026-01-05',
      },
    });
    expect(pf.errors).toBeUndefined();

    // The recording police officer sees its own episode, in date order; social care's private fostering is not theirs.
    const entries = (await chronology(police, personId)).data!.chronology;
    expect(entries.map((e) => e.kind)).toEqual(['MISSING_EPISODE_STARTED', 'MISSING_EPISODE_RETURNED']);
    expect(entries[0]).toMatchObject({ source: 'MISSING_EPISODE', agency: 'police', summary: 'Missing from care' });
    expect(JSON.stringify(entries)).not.toContain('station'); // the circumstances are agency detail, not a summary

    // Social care sees its private fostering notification (never the notifier's name). The police episode is
    // not listed to it: the MISSING_EPISODE relationship releases case metadata only, never another agency's
    // summaries (ADR 018), and the chronology lists only what the viewer may read as a summary (ADR 024).
    const social = (await chronology(worker, personId)).data!.chronology;
    expect(social.map((e) => e.kind)).toEqual(['PRIVATE_FOSTERING_NOTIFIED']);
    expect(social[0]).toMatchObject({ source: 'PRIVATE_FOSTERING', agency: 'social-care' });
    expect(JSON.stringify(social)).not.toContain('Head of Year');
  });

  it('a strategy discussion and its outcome, the section 47 enquiry it started and the initial conference are listed for social care; the invited police see them, a probation officer holding the child but not invited does not', async () => {
    const personId = await givenSharedChild('police', 'probation');
    const { givenPlan } = childProtectionSteps(hub, worker);
    const { enquiry } = await givenPlan(personId, '2026-11-02', '2026-11-16');
    const entries = (await chronology(worker, personId, 'SECTION_47')).data!.chronology;
    // (The story's set-up backdates the discussion and the conference; the enquiry was started today.)
    expect(entries.map((e) => [e.kind, e.source])).toEqual([
      ['STRATEGY_DISCUSSION', 'MEETING'],
      ['SECTION_47_CONCLUDED', 'CHILD_PROTECTION'],
      ['CHILD_PROTECTION_CONFERENCE', 'CHILD_PROTECTION'],
      ['SECTION_47_STARTED', 'CHILD_PROTECTION'],
    ]);
    expect(entries[0]!.summary).toBe('Strategy discussion held; outcome: SECTION_47_JOINT');
    expect(entries[2]).toMatchObject({
      sourceId: enquiry.id,
      summary: 'Initial child protection conference held: PLAN',
    });
    // Police were invited to the discussion (a required agency): they see them under their invitation.
    const invited = (await chronology(police, personId)).data!.chronology;
    expect(invited.map((e) => e.kind)).toContain('CHILD_PROTECTION_CONFERENCE');
    // Probation holds the child but was not invited and has no check: none of it is listed.
    const probationOfficer = await hub.token({ agency: 'probation', roles: ['PROBATION_MASH_OFFICER'] });
    expect((await chronology(probationOfficer, personId)).data!.chronology).toEqual([]);
  });
});
