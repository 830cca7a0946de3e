import { auditFor, givenPerson, unique } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

/**
 * Missing episodes and return home interviews (issue 25, ADR 018), told through the API: police
 * record a child missing, social care (who may not have known the child) offers the return home
 * interview within 72 hours of the return and records whether it was held or declined, and by whom.
 * The episode scope is the need-to-know: social care MASH staff, the recording agency, and agencies
 * with a check on or invited to a strategy discussion about the child; nobody else, never a referrer.
 */

const FIELDS = `id personId recordingAgency recordedByName missingFrom startedAt returnedAt circumstances status interviewDueAt
  interviewOfferedAt interviewOfferedByName interviewOfferedWithinTimescale interviewOverdue interviewOutcome interviewOutcomeAt interviewConductedBy version`;
const RECORD = `mutation($input: RecordMissingEpisodeInput!) { recordMissingEpisode(input: $input) { ${FIELDS} } }`;
const RETURN = `mutation($id: ID!, $at: DateTimeISO!, $v: Int!) { recordMissingReturn(id: $id, returnedAt: $at, expectedVersion: $v) { ${FIELDS} } }`;
const OFFER = `mutation($id: ID!, $at: DateTimeISO!, $v: Int!) { offerReturnInterview(id: $id, offeredAt: $at, expectedVersion: $v) { ${FIELDS} } }`;
const INTERVIEW = `mutation($id: ID!, $input: ReturnInterviewInput!, $v: Int!) { recordReturnInterview(id: $id, input: $input, expectedVersion: $v) { ${FIELDS} } }`;
const READ = `query($id: ID!, $purpose: Purpose!) { missingEpisode(id: $id, purpose: $purpose) { ${FIELDS} person { id givenName familyName } } }`;
const LIST = `query($purpose: Purpose!, $filter: MissingEpisodeFilterInput, $first: Int, $after: String) {
  missingEpisodes(purpose: $purpose, filter: $filter, first: $first, after: $after) { edges { cursor node { id status interviewOverdue } } pageInfo { hasNextPage endCursor } }
}`;
const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: AMBER, rationale: "Fictional: missing twice", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $agencies: [String!]!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: $agencies, expectedVersion: $v) { version } }`;

type Episode = {
  id: string;
  personId: string;
  recordingAgency: string;
  missingFrom: string;
  startedAt: string;
  returnedAt: string | null;
  circumstances: string | null;
  status: string;
  interviewDueAt: string | null;
  interviewOfferedAt: string | null;
  interviewOfferedByName: string | null;
  interviewOfferedWithinTimescale: boolean | null;
  interviewOverdue: boolean;
  interviewOutcome: string | null;
  interviewOutcomeAt: string | null;
  interviewConductedBy: string | null;
  version: number;
  person?: { id: string; givenName: string | null } | null;
};

const H = 3_600_000;
const hoursAgo = (h: number) => new Date(Date.now() - h * H).toISOString();

describe('missing episodes and return home interviews', () => {
  let hub: TestHub;
  let worker: string;
  let manager: string;
  let police: string;
  let health: string;
  let education: string;
  let referrer: string;
  let auditor: string;

  beforeAll(async () => {
    hub = await startTestHub();
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    education = await hub.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] });
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'] });
    auditor = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
  });
  afterAll(() => hub.close());

  const episodesOf = async (personId: string) =>
    Number(
      (
        (await hub.db.query(`SELECT count(*)::int AS n FROM missing_episode WHERE person_id = $1`, [
          personId,
        ])) as Array<{ n: number }>
      )[0]!.n,
    );

  /** Given: police record a child they hold (not known to social care) as missing from care. */
  async function givenMissing(
    startedHoursAgo = 30,
    extra: Record<string, unknown> = {},
  ): Promise<{ personId: string; episode: Episode }> {
    const personId = await givenPerson(hub, police);
    const r = await hub.gql<{ recordMissingEpisode: Episode }>(police, RECORD, {
      input: {
        personId,
        missingFrom: 'CARE',
        startedAt: hoursAgo(startedHoursAgo),
        circumstances: 'Fictional: seen getting into a car near the station',
        ...extra,
      },
    });
    expect(r.errors).toBeUndefined();
    return { personId, episode: r.data!.recordMissingEpisode };
  }

  async function returned(episode: Episode, at = hoursAgo(20)): Promise<Episode> {
    const r = await hub.gql<{ recordMissingReturn: Episode }>(police, RETURN, {
      id: episode.id,
      at,
      v: episode.version,
    });
    expect(r.errors).toBeUndefined();
    return r.data!.recordMissingReturn;
  }

  describe('the story of one episode', () => {
    it('given police hold a child, when they record the child missing, then the episode is open, theirs, and audited as a change about the child', async () => {
      const { personId, episode } = await givenMissing();
      expect(episode).toMatchObject({
        personId,
        recordingAgency: 'police',
        missingFrom: 'CARE',
        status: 'MISSING',
        returnedAt: null,
        interviewDueAt: null,
        version: 1,
      });
      expect(episode.circumstances).toBe('Fictional: seen getting into a car near the station');
      const [row] = (await hub.db.query(
        `SELECT e.action, d.person_id FROM audit_event e JOIN audit_disclosure d ON d.event_id = e.id AND d.occurred_at = e.occurred_at
          WHERE e.action = 'CREATE' AND d.person_id = $1`,
        [personId],
      )) as Array<{ action: string; person_id: string }>;
      expect(row).toMatchObject({ action: 'CREATE', person_id: personId });
      const [stored] = (await hub.db.query(`SELECT known_to_social_care FROM missing_episode WHERE id = $1`, [
        episode.id,
      ])) as Array<{ known_to_social_care: boolean }>;
      expect(stored!.known_to_social_care).toBe(false);
    });

    it('when the child returns, social care offers the interview within 72 hours and records it held, by whom; each step moves the version on', async () => {
      const { episode } = await givenMissing(50);
      const back = await returned(episode, hoursAgo(40));
      expect(back.status).toBe('RETURNED');
      expect(new Date(back.interviewDueAt!).getTime() - new Date(back.returnedAt!).getTime()).toBe(72 * H);
      expect(back.interviewOverdue).toBe(false);

      const offered = await hub.gql<{ offerReturnInterview: Episode }>(worker, OFFER, {
        id: episode.id,
        at: hoursAgo(10),
        v: back.version,
      });
      expect(offered.errors).toBeUndefined();
      expect(offered.data!.offerReturnInterview).toMatchObject({
        status: 'INTERVIEW_OFFERED',
        interviewOfferedWithinTimescale: true,
        version: 3,
      });
      expect(offered.data!.offerReturnInterview.interviewOfferedByName).toBeTruthy();

      const held = await hub.gql<{ recordReturnInterview: Episode }>(manager, INTERVIEW, {
        id: episode.id,
        input: { outcome: 'HELD', at: hoursAgo(2), conductedBy: 'Fictional Independent Return Service' },
        v: 3,
      });
      expect(held.errors).toBeUndefined();
      expect(held.data!.recordReturnInterview).toMatchObject({
        status: 'CLOSED',
        interviewOutcome: 'HELD',
        interviewConductedBy: 'Fictional Independent Return Service',
        version: 4,
      });
      const transitions = (await hub.db.query(
        `SELECT c->'after'->>'transition' AS transition FROM audit_event e, jsonb_array_elements(e.payload->'changes') c
          WHERE c->>'entity' = 'missing_episode' AND c->>'id' = $1 ORDER BY e.occurred_at, e.id`,
        [episode.id],
      )) as Array<{ transition: string | null }>;
      expect(transitions.map((t) => t.transition)).toEqual([
        null,
        'RECORD_RETURN',
        'OFFER_RETURN_INTERVIEW',
        'RECORD_RETURN_INTERVIEW',
      ]);
    });

    it('given an offer made more than 72 hours after the return, then it is recorded as late, and a declined interview closes the episode', async () => {
      const { episode } = await givenMissing(120);
      const back = await returned(episode, hoursAgo(100));
      const offered = await hub.gql<{ offerReturnInterview: Episode }>(worker, OFFER, {
        id: episode.id,
        at: hoursAgo(20),
        v: back.version,
      });
      expect(offered.data!.offerReturnInterview.interviewOfferedWithinTimescale).toBe(false);
      const declined = await hub.gql<{ recordReturnInterview: Episode }>(worker, INTERVIEW, {
        id: episode.id,
        input: { outcome: 'DECLINED', at: hoursAgo(19), conductedBy: 'Fictional Independent Return Service' },
        v: 3,
      });
      expect(declined.data!.recordReturnInterview).toMatchObject({ status: 'CLOSED', interviewOutcome: 'DECLINED' });
    });

    it('given a return more than 72 hours ago and no offer, then the episode is overdue and the worklist filter finds it', async () => {
      const { episode } = await givenMissing(100);
      await returned(episode, hoursAgo(80));
      const list = await hub.gql<{
        missingEpisodes: { edges: Array<{ node: { id: string; interviewOverdue: boolean } }> };
      }>(worker, LIST, {
        purpose: 'TRIAGE',
        filter: { interviewOverdue: true },
        first: 100,
      });
      expect(list.errors).toBeUndefined();
      const found = list.data!.missingEpisodes.edges.find((e) => e.node.id === episode.id);
      expect(found?.node.interviewOverdue).toBe(true);
      expect(list.data!.missingEpisodes.edges.every((e) => e.node.interviewOverdue)).toBe(true);
    });

    it('given more episodes than a page, then the worklist pages by start time with its cursor, and a forged cursor is refused naming after', async () => {
      await givenMissing(10);
      await givenMissing(9);
      type Page = {
        missingEpisodes: {
          edges: Array<{ cursor: string; node: { id: string } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      };
      const first = await hub.gql<Page>(worker, LIST, { purpose: 'TRIAGE', first: 1 });
      expect(first.errors).toBeUndefined();
      expect(first.data!.missingEpisodes.pageInfo.hasNextPage).toBe(true);
      const next = await hub.gql<Page>(worker, LIST, {
        purpose: 'TRIAGE',
        first: 1,
        after: first.data!.missingEpisodes.pageInfo.endCursor,
      });
      expect(next.errors).toBeUndefined();
      expect(next.data!.missingEpisodes.edges[0]!.node.id).not.toBe(first.data!.missingEpisodes.edges[0]!.node.id);
      for (const after of [
        'not-a-cursor',
        Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url'),
        Buffer.from(JSON.stringify([new Date().toISOString(), 'x'])).toString('base64url'),
      ]) {
        const bad = await hub.gql(worker, LIST, { purpose: 'TRIAGE', first: 1, after });
        expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      }
    });

    it('given two changes with the same version, then one wins and the other gets CONFLICT with the current version', async () => {
      const { episode } = await givenMissing();
      const [a, b] = await Promise.all([
        hub.gql(police, RETURN, { id: episode.id, at: hoursAgo(2), v: 1 }),
        hub.gql(worker, RETURN, { id: episode.id, at: hoursAgo(3), v: 1 }),
      ]);
      const codes = [a, b].map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'OK']);
    });
  });

  describe('who reaches an episode (allow and deny)', () => {
    it("social care MASH staff reach an episode of a child they did not know, with the child's identity, but not the recording agency's circumstances", async () => {
      const { personId, episode } = await givenMissing();
      const r = await hub.gql<{ missingEpisode: Episode }>(worker, READ, { id: episode.id, purpose: 'TRIAGE' });
      expect(r.errors).toBeUndefined();
      expect(r.data!.missingEpisode).toMatchObject({
        id: episode.id,
        status: 'MISSING',
        missingFrom: 'CARE',
        circumstances: null,
      });
      expect(r.data!.missingEpisode.person).toMatchObject({ id: personId, givenName: 'Testy' });
      expect(r.extensions?.redactions).toEqual(
        expect.arrayContaining([{ path: 'missingEpisode.circumstances', reason: 'NEED_TO_KNOW' }]),
      );
      const audit = await auditFor(hub, r.headers.get('x-request-id')!);
      const mine = audit.find((a) => a.person_id === personId)!;
      expect(mine.released).toEqual(expect.arrayContaining(['MissingEpisode.startedAt', 'MissingEpisode.status']));
      expect(mine.redacted).toEqual(expect.arrayContaining(['MissingEpisode.circumstances:NEED_TO_KNOW']));
    });

    it('the recording agency reads its own circumstances', async () => {
      const { episode } = await givenMissing();
      const r = await hub.gql<{ missingEpisode: Episode }>(police, READ, { id: episode.id, purpose: 'DIRECT_CARE' });
      expect(r.data!.missingEpisode.circumstances).toBe('Fictional: seen getting into a car near the station');
    });

    it('an agency with no relationship gets NOT_FOUND (the same as an id that does not exist) and does not see it in the list', async () => {
      const { episode } = await givenMissing();
      const r = await hub.gql(health, READ, { id: episode.id, purpose: 'TRIAGE' });
      expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const none = await hub.gql(health, READ, { id: '00000000-0000-4000-8000-000000000000', purpose: 'TRIAGE' });
      expect(none.errors?.[0]?.message).toBe(r.errors?.[0]?.message);
      const list = await hub.gql<{ missingEpisodes: { edges: Array<{ node: { id: string } }> } }>(health, LIST, {
        purpose: 'TRIAGE',
        first: 100,
      });
      expect(list.data!.missingEpisodes.edges.map((e) => e.node.id)).not.toContain(episode.id);
    });

    it("an agency with a check on a referral about the child reaches the child's episodes", async () => {
      const { personId, episode } = await givenMissing();
      const sub = await hub.gql<{ submitReferral: { id: string } }>(worker, SUBMIT, {
        input: {
          subjects: [{ personId }],
          concernCategories: ['CHILD_SEXUAL_EXPLOITATION'],
          narrative: 'Fictional narrative: repeatedly missing from care.',
          consentSought: true,
          consentGiven: true,
        },
        key: unique('k'),
      });
      expect(sub.errors).toBeUndefined();
      const before = await hub.gql(education, READ, { id: episode.id, purpose: 'AGENCY_CHECK' });
      expect(before.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const id = sub.data!.submitReferral.id;
      await hub.gql(worker, RATE, { id, v: 1 });
      const c = await hub.gql(worker, CHECKS, { id, agencies: ['education'], v: 2 });
      expect(c.errors).toBeUndefined();
      const after = await hub.gql<{ missingEpisode: Episode }>(education, READ, {
        id: episode.id,
        purpose: 'AGENCY_CHECK',
      });
      expect(after.errors).toBeUndefined();
      expect(after.data!.missingEpisode).toMatchObject({ id: episode.id, missingFrom: 'CARE', circumstances: null });
    });

    it('a partner referrer and an IG auditor may not call the missing-episode entry points at all', async () => {
      const { episode } = await givenMissing();
      for (const token of [referrer, auditor]) {
        const list = await hub.gql(token, LIST, { purpose: 'DIRECT_CARE' });
        expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const read = await hub.gql(token, READ, { id: episode.id, purpose: 'DIRECT_CARE' });
        expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });

    it('only social care offers and records the interview: police get FORBIDDEN and nothing changes', async () => {
      const { episode } = await givenMissing();
      const back = await returned(episode);
      const r = await hub.gql(police, OFFER, { id: episode.id, at: hoursAgo(1), v: back.version });
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const [row] = (await hub.db.query(
        `SELECT status, version, interview_offered_at FROM missing_episode WHERE id = $1`,
        [episode.id],
      )) as Array<Record<string, unknown>>;
      expect(row).toMatchObject({ status: 'RETURNED', version: back.version, interview_offered_at: null });
    });

    it('an agency may not record an episode about a child it does not reach: NOT_FOUND, nothing stored', async () => {
      const personId = await givenPerson(hub, police);
      const r = await hub.gql(health, RECORD, { input: { personId, missingFrom: 'HOME', startedAt: hoursAgo(3) } });
      expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await episodesOf(personId)).toBe(0);
    });
  });

  describe('bad input is refused naming the field, and nothing is stored', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['a start in the future', { startedAt: new Date(Date.now() + 5 * H).toISOString() }, 'input.startedAt'],
      ['a return before the start', { startedAt: hoursAgo(5), returnedAt: hoursAgo(6) }, 'input.returnedAt'],
      ['a control character in the circumstances', { circumstances: 'Fictional\u0000' }, 'input.circumstances'],
      ['a 9,000-character account', { circumstances: 'x'.repeat(9000) }, 'input.circumstances'],
      ['an id that is not an id', { personId: 'not-an-id' }, 'input.personId'],
    ];
    for (const [what, input, field] of cases) {
      it(`given ${what}, then BAD_USER_INPUT naming ${field}`, async () => {
        const personId = await givenPerson(hub, police);
        const r = await hub.gql(police, RECORD, {
          input: { personId, missingFrom: 'HOME', startedAt: hoursAgo(3), ...input },
        });
        expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(r.errors?.[0]?.extensions?.field).toBe(field);
        expect(await episodesOf(personId)).toBe(0);
      });
    }

    it('given an unknown "missing from", then GraphQL refuses it before anything runs', async () => {
      const personId = await givenPerson(hub, police);
      const r = await hub.gql(police, RECORD, { input: { personId, missingFrom: 'SPACE', startedAt: hoursAgo(3) } });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await episodesOf(personId)).toBe(0);
    });

    it('given a return before the start, an offer before the return, or an interview with nobody named, then the field is named and the episode is unchanged', async () => {
      const { episode } = await givenMissing(30);
      const early = await hub.gql(police, RETURN, { id: episode.id, at: hoursAgo(31), v: 1 });
      expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'returnedAt' });
      const back = await returned(episode, hoursAgo(20));
      const offerEarly = await hub.gql(worker, OFFER, { id: episode.id, at: hoursAgo(21), v: back.version });
      expect(offerEarly.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'offeredAt' });
      const offered = await hub.gql<{ offerReturnInterview: Episode }>(worker, OFFER, {
        id: episode.id,
        at: hoursAgo(19),
        v: back.version,
      });
      const v = offered.data!.offerReturnInterview.version;
      const nobody = await hub.gql(worker, INTERVIEW, {
        id: episode.id,
        input: { outcome: 'HELD', at: hoursAgo(1), conductedBy: '   ' },
        v,
      });
      expect(nobody.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.conductedBy' });
      const [row] = (await hub.db.query(`SELECT status, version FROM missing_episode WHERE id = $1`, [
        episode.id,
      ])) as Array<Record<string, unknown>>;
      expect(row).toMatchObject({ status: 'INTERVIEW_OFFERED', version: v });
    });

    it('given an interview recorded before it was offered, then INVALID_TRANSITION and the episode is unchanged', async () => {
      const { episode } = await givenMissing();
      const r = await hub.gql(worker, INTERVIEW, {
        id: episode.id,
        input: { outcome: 'HELD', at: hoursAgo(1), conductedBy: 'Fictional Service' },
        v: 1,
      });
      expect(r.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
      const [row] = (await hub.db.query(`SELECT status, version FROM missing_episode WHERE id = $1`, [
        episode.id,
      ])) as Array<Record<string, unknown>>;
      expect(row).toMatchObject({ status: 'MISSING', version: 1 });
    });
  });
});
