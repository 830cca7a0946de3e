import { givenPerson, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Early help and step transitions (issue 25, ADR 018), through the API: the MASH's EARLY_HELP decision
 * opens an episode for each child of the referral; social care records the lead professional, the
 * assessment and the team around the family and closes it with an outcome; a MASH manager steps a
 * child down into early help, or an episode up to social care, saying who it was agreed with and why.
 */

const FIELDS = `id personId referralId source owningAgency openedAt leadProfessionalName leadProfessionalAgency assessmentCompletedAt
  teamAroundFamilyFrom status outcome closedAt version transitions { direction occurredAt agreedByName agreedWith reason }`;
const READ = `query($id: ID!, $purpose: Purpose!) { earlyHelpEpisode(id: $id, purpose: $purpose) { ${FIELDS} } }`;
const LIST = `query($purpose: Purpose!, $filter: EarlyHelpFilterInput) { earlyHelpEpisodes(purpose: $purpose, filter: $filter, first: 100) { edges { node { ${FIELDS} } } } }`;
const STEP_DOWN = `mutation($input: StepDownInput!) { stepDownToEarlyHelp(input: $input) { ${FIELDS} } }`;
const STEP_UP = `mutation($id: ID!, $input: StepUpInput!, $v: Int!) { stepUpEarlyHelpEpisode(id: $id, input: $input, expectedVersion: $v) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: EarlyHelpUpdateInput!, $v: Int!) { updateEarlyHelpEpisode(id: $id, input: $input, expectedVersion: $v) { ${FIELDS} } }`;
const CLOSE = `mutation($id: ID!, $outcome: EarlyHelpOutcome!, $at: DateTimeISO!, $v: Int!) { closeEarlyHelpEpisode(id: $id, outcome: $outcome, closedAt: $at, expectedVersion: $v) { ${FIELDS} } }`;
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: GREEN, rationale: "Fictional: low-level needs", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $agencies: [String!]!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: $agencies, expectedVersion: $v) { version } }`;
const PROPOSE = `mutation($id: ID!, $v: Int!) { proposeDecision(id: $id, input: { outcome: EARLY_HELP, rationale: "Fictional: needs met by a family support worker", thresholdLevel: LEVEL_2_EARLY_HELP }, expectedVersion: $v) { version } }`;
const AUTHORISE = `mutation($id: ID!, $v: Int!, $over: String) { authoriseDecision(id: $id, expectedVersion: $v, overOutstandingChecksReason: $over) { status decisionOutcome } }`;

type Episode = {
  id: string;
  personId: string;
  referralId: string | null;
  source: string;
  status: string;
  outcome: string | null;
  closedAt: string | null;
  leadProfessionalName: string | null;
  leadProfessionalAgency: string | null;
  version: number;
  transitions: Array<{ direction: string; agreedByName: string; agreedWith: string; reason: string | null }> | null;
};

const H = 3_600_000;
const hoursAgo = (h: number) => new Date(Date.now() - h * H).toISOString();

describe('early help and step transitions', () => {
  let hub: TestHub;
  let worker: string;
  let manager: string;
  let police: string;
  let health: string;
  let education: string;
  let referrer: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    education = await hub.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] });
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'] });
  });
  afterAll(() => hub.close());

  const episodesOf = async (personId: string) =>
    (await hub.db.query(`SELECT id, status, version FROM early_help_episode WHERE person_id = $1 ORDER BY opened_at`, [
      personId,
    ])) as Array<{ id: string; status: string; version: number }>;

  /** Given: a child referred to the MASH, screened GREEN, with a check to education; the decision is EARLY_HELP, authorised by a manager. */
  async function givenEarlyHelpDecision(): Promise<{ personId: string; referralId: string }> {
    const personId = await givenPerson(hub, worker);
    const sub = await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
      input: {
        subjects: [{ personId }],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional narrative: poor school attendance.',
        consentSought: true,
        consentGiven: true,
      },
      key: unique('k'),
    });
    expect(sub.errors).toBeUndefined();
    const id = sub.data!.submitReferral.id;
    expect((await hub.gql(worker, RATE, { id, v: 1 })).errors).toBeUndefined();
    expect((await hub.gql(worker, CHECKS, { id, agencies: ['education'], v: 2 })).errors).toBeUndefined();
    expect((await hub.gql(worker, PROPOSE, { id, v: 3 })).errors).toBeUndefined();
    const a = await hub.gql<{ authoriseDecision: { status: string } }>(manager, AUTHORISE, {
      id,
      v: 4,
      over: 'Fictional: the school can share at the first team around the family meeting',
    });
    expect(a.errors).toBeUndefined();
    return { personId, referralId: id };
  }

  describe('the MASH decision opens an episode', () => {
    it('given an authorised EARLY_HELP decision, then an open episode exists for the child, tied to the referral, and its creation is audited with the decision', async () => {
      const { personId, referralId } = await givenEarlyHelpDecision();
      const [e] = await episodesOf(personId);
      expect(e).toMatchObject({ status: 'OPEN', version: 1 });
      const r = await hub.gql<{ earlyHelpEpisode: Episode }>(worker, READ, { id: e!.id, purpose: 'TRIAGE' });
      expect(r.errors).toBeUndefined();
      expect(r.data!.earlyHelpEpisode).toMatchObject({
        personId,
        referralId,
        source: 'MASH_DECISION',
        owningAgency: 'social-care',
        transitions: [],
      });
      const audited = (await hub.db.query(
        `SELECT c->'after'->>'source' AS source FROM audit_event e, jsonb_array_elements(e.payload->'changes') c
          WHERE c->>'entity' = 'early_help_episode' AND c->>'id' = $1`,
        [e!.id],
      )) as Array<{ source: string }>;
      expect(audited).toEqual([{ source: 'MASH_DECISION' }]);
    });

    it('then social care records the lead professional and the assessment, and closes it with needs met; each step moves the version on', async () => {
      const { personId } = await givenEarlyHelpDecision();
      const [e] = await episodesOf(personId);
      const u = await hub.gql<{ updateEarlyHelpEpisode: Episode }>(worker, UPDATE, {
        id: e!.id,
        input: {
          leadProfessionalName: 'Fictional Family Support Worker',
          leadProfessionalAgency: 'education',
          assessmentCompletedAt: new Date().toISOString(),
        },
        v: 1,
      });
      expect(u.errors).toBeUndefined();
      expect(u.data!.updateEarlyHelpEpisode).toMatchObject({ leadProfessionalAgency: 'education', version: 2 });
      const c = await hub.gql<{ closeEarlyHelpEpisode: Episode }>(worker, CLOSE, {
        id: e!.id,
        outcome: 'NEEDS_MET',
        at: new Date().toISOString(),
        v: 2,
      });
      expect(c.errors).toBeUndefined();
      expect(c.data!.closeEarlyHelpEpisode).toMatchObject({ status: 'CLOSED', outcome: 'NEEDS_MET', version: 3 });
    });
  });

  describe('step transitions', () => {
    it('a manager steps an episode up to social care, saying who agreed and why; the episode ends and the transition is on it', async () => {
      const { personId } = await givenEarlyHelpDecision();
      const [e] = await episodesOf(personId);
      const r = await hub.gql<{ stepUpEarlyHelpEpisode: Episode }>(manager, STEP_UP, {
        id: e!.id,
        input: {
          at: new Date().toISOString(),
          agreedWith: 'Fictional Early Help Team Manager',
          reason: 'Fictional: disclosure at school of harm at home',
        },
        v: 1,
      });
      expect(r.errors).toBeUndefined();
      expect(r.data!.stepUpEarlyHelpEpisode).toMatchObject({ status: 'STEPPED_UP', outcome: null, version: 2 });
      expect(r.data!.stepUpEarlyHelpEpisode.closedAt).not.toBeNull();
      expect(r.data!.stepUpEarlyHelpEpisode.transitions).toEqual([
        expect.objectContaining({
          direction: 'STEP_UP',
          agreedWith: 'Fictional Early Help Team Manager',
          reason: 'Fictional: disclosure at school of harm at home',
        }),
      ]);
    });

    it('a manager steps a child down into early help: a new episode with the step-down on it; a second step-down while it is open is refused', async () => {
      const personId = await givenPerson(hub, worker);
      const r = await hub.gql<{ stepDownToEarlyHelp: Episode }>(manager, STEP_DOWN, {
        input: {
          personId,
          at: hoursAgo(2),
          agreedWith: 'Fictional Early Help Team Manager',
          reason: 'Fictional: CIN plan ended, family wants support',
          leadProfessionalAgency: 'education',
        },
      });
      expect(r.errors).toBeUndefined();
      expect(r.data!.stepDownToEarlyHelp).toMatchObject({
        source: 'STEP_DOWN',
        status: 'OPEN',
        referralId: null,
        leadProfessionalAgency: 'education',
      });
      expect(r.data!.stepDownToEarlyHelp.transitions).toEqual([
        expect.objectContaining({ direction: 'STEP_DOWN', agreedWith: 'Fictional Early Help Team Manager' }),
      ]);
      const again = await hub.gql(manager, STEP_DOWN, {
        input: { personId, at: hoursAgo(1), agreedWith: 'Fictional', reason: 'Fictional' },
      });
      expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
      expect(await episodesOf(personId)).toHaveLength(1);
    });

    it('a social worker may not step up or down (a manager decides): FORBIDDEN, nothing changes', async () => {
      const { personId } = await givenEarlyHelpDecision();
      const [e] = await episodesOf(personId);
      const up = await hub.gql(worker, STEP_UP, {
        id: e!.id,
        input: { at: new Date().toISOString(), agreedWith: 'Fictional', reason: 'Fictional' },
        v: 1,
      });
      expect(up.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const down = await hub.gql(worker, STEP_DOWN, {
        input: {
          personId: await givenPerson(hub, worker),
          at: hoursAgo(1),
          agreedWith: 'Fictional',
          reason: 'Fictional',
        },
      });
      expect(down.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await episodesOf(personId)).toEqual([expect.objectContaining({ status: 'OPEN', version: 1 })]);
    });
  });

  describe('who reaches an episode (allow and deny)', () => {
    it("an agency with a check on the child's referral reads the episode and the step reasons; the lead professional's agency its case metadata", async () => {
      const { personId } = await givenEarlyHelpDecision();
      const [e] = await episodesOf(personId);
      await hub.gql(manager, STEP_UP, {
        id: e!.id,
        input: { at: new Date().toISOString(), agreedWith: 'Fictional Lead', reason: 'Fictional: escalating concerns' },
        v: 1,
      });
      const r = await hub.gql<{ earlyHelpEpisode: Episode }>(education, READ, { id: e!.id, purpose: 'AGENCY_CHECK' });
      expect(r.errors).toBeUndefined();
      expect(r.data!.earlyHelpEpisode.transitions![0]!.reason).toBe('Fictional: escalating concerns');

      const down = await hub.gql<{ stepDownToEarlyHelp: Episode }>(manager, STEP_DOWN, {
        input: {
          personId: await givenPerson(hub, worker),
          at: hoursAgo(2),
          agreedWith: 'Fictional',
          reason: 'Fictional: step-down reason',
          leadProfessionalAgency: 'health',
        },
      });
      const lead = await hub.gql<{ earlyHelpEpisode: Episode }>(health, READ, {
        id: down.data!.stepDownToEarlyHelp.id,
        purpose: 'DIRECT_CARE',
      });
      expect(lead.errors).toBeUndefined();
      expect(lead.data!.earlyHelpEpisode).toMatchObject({ status: 'OPEN', leadProfessionalAgency: 'health' });
      expect(lead.data!.earlyHelpEpisode.transitions![0]!.reason).toBeNull();
      expect(lead.extensions?.redactions).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'earlyHelpEpisode.transitions.0.reason' })]),
      );
    });

    it('an agency with no relationship gets NOT_FOUND and no list row; referrers may not call it at all', async () => {
      const { personId } = await givenEarlyHelpDecision();
      const [e] = await episodesOf(personId);
      const r = await hub.gql(police, READ, { id: e!.id, purpose: 'TRIAGE' });
      expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const list = await hub.gql<{ earlyHelpEpisodes: { edges: Array<{ node: { id: string } }> } }>(police, LIST, {
        purpose: 'TRIAGE',
        filter: { personId },
      });
      expect(list.data!.earlyHelpEpisodes.edges).toEqual([]);
      const ref = await hub.gql(referrer, LIST, { purpose: 'DIRECT_CARE' });
      expect(ref.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('bad input is refused naming the field, and nothing is stored', () => {
    it('a step-down in the future, with nobody agreed with, with an unknown lead agency or about a child out of reach', async () => {
      const personId = await givenPerson(hub, worker);
      const base = { personId, at: hoursAgo(1), agreedWith: 'Fictional', reason: 'Fictional' };
      for (const [input, field] of [
        [{ ...base, at: new Date(Date.now() + 5 * H).toISOString() }, 'input.at'],
        [{ ...base, agreedWith: '  ' }, 'input.agreedWith'],
        [{ ...base, reason: 'x'.repeat(4001) }, 'input.reason'],
        [{ ...base, leadProfessionalAgency: 'nowhere' }, 'input.leadProfessionalAgency'],
      ] as const) {
        const r = await hub.gql(manager, STEP_DOWN, { input });
        expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      expect(await episodesOf(personId)).toEqual([]);
      const stranger = await givenPerson(hub, police);
      const out = await hub.gql(manager, STEP_DOWN, { input: { ...base, personId: stranger } });
      expect(out.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await episodesOf(stranger)).toEqual([]);
    });

    it('a closure before the episode opened, an empty update, a stale version: named, refused, unchanged', async () => {
      const personId = await givenPerson(hub, worker);
      const down = await hub.gql<{ stepDownToEarlyHelp: Episode }>(manager, STEP_DOWN, {
        input: { personId, at: hoursAgo(2), agreedWith: 'Fictional', reason: 'Fictional' },
      });
      const id = down.data!.stepDownToEarlyHelp.id;
      const early = await hub.gql(worker, CLOSE, { id, outcome: 'NEEDS_MET', at: hoursAgo(3), v: 1 });
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'closedAt' });
      const empty = await hub.gql(worker, UPDATE, { id, input: {}, v: 1 });
      expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });
      const stale = await hub.gql(worker, CLOSE, { id, outcome: 'NEEDS_MET', at: hoursAgo(1), v: 7 });
      expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(await episodesOf(personId)).toEqual([expect.objectContaining({ status: 'OPEN', version: 1 })]);
    });
  });
});
