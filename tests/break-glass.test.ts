import { auditFor, fakeNhsNumber, givenImportedPerson, givenPerson, givenRecord } from './support/factories';
import { startTestHub, type TestHub } from './support/test-hub';

const OPEN = `mutation($personId: ID!, $reason: String!) {
  openBreakGlass(personId: $personId, reason: $reason) { id personId actorAgency reason openedAt expiresAt reviewOutcome }
}`;
const READ = `query($id: ID!, $purpose: Purpose!) {
  person(id: $id, purpose: $purpose) {
    id givenName
    records { __typename owningAgency summary ... on HealthRecord { clinicalNotes } ... on SocialCareRecord { caseNotes protectedAddress } }
  }
}`;
const ALERTS = `query($first: Int, $after: String) { alerts(first: $first, after: $after) {
  edges { cursor node { id kind toAgency personId breakGlassId actorAgency createdAt } } pageInfo { hasNextPage endCursor } } }`;
const REVIEWS = `query($status: BreakGlassReviewStatus!, $first: Int, $after: String) { breakGlassReviews(status: $status, first: $first, after: $after) {
  edges { node { id personId actorAgency reason reviewOutcome reviewNote reviewedBy } } pageInfo { hasNextPage endCursor } } }`;
const REVIEW = `mutation($id: ID!, $outcome: BreakGlassReviewOutcome!, $note: String!) {
  reviewBreakGlass(id: $id, outcome: $outcome, note: $note) { id reviewOutcome reviewNote reviewedAt } }`;
const REASON = 'Child seen with injuries at A&E tonight; urgent joint visit planned';

type Open = {
  openBreakGlass: { id: string; personId: string; openedAt: string; expiresAt: string; reviewOutcome: string | null };
};

describe('break-glass: time-boxed emergency access, alerted and reviewed', () => {
  let hub: TestHub;
  let police: string;
  let health: string;
  let socialCare: string;
  let ig: string;
  beforeAll(async () => {
    hub = await startTestHub();
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: `police-${Date.now()}` });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    socialCare = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    ig = await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] });
  });
  afterAll(() => hub.close());

  /** A child held by health (with clinical notes) and social care (with a sealed refuge address). */
  async function givenChildHeldByHealthAndSocialCare() {
    const nhsNumber = fakeNhsNumber();
    const personId = await givenPerson(hub, health, { nhsNumber });
    await givenImportedPerson(hub, 'social-care', { nhsNumber, sourceSystem: 'LCS' });
    await givenRecord(hub, health, personId, {
      recordType: 'HEALTH_ED_ATTENDANCE',
      clinicalNotes: 'Fictional clinical note',
    });
    await givenRecord(hub, socialCare, personId, {
      recordType: 'SOCIAL_CARE_CASE_NOTE',
      caseNotes: 'Fictional case note',
      protectedAddress: '1 Fictional Refuge Road',
    });
    return personId;
  }

  it('given a police officer with no relationship, when they break the glass, then health detail is released for that person, sealed stays sealed, and the audit carries the reason', async () => {
    const personId = await givenChildHeldByHealthAndSocialCare();
    const before = await hub.gql(police, READ, { id: personId, purpose: 'BREAK_GLASS' });
    expect(before.errors![0]!.extensions!.code).toBe('NOT_FOUND');

    const opened = await hub.gql<Open>(police, OPEN, { personId, reason: REASON });

    expect(opened.errors).toBeUndefined();
    const bg = opened.data!.openBreakGlass;
    expect(bg).toMatchObject({ personId, reviewOutcome: null });
    expect(Date.parse(bg.expiresAt) - Date.parse(bg.openedAt)).toBe(60 * 60 * 1000);
    const openAudit = await hub.db.query(
      `SELECT action, break_glass, payload FROM audit_event WHERE request_id = $1 ORDER BY action`,
      [opened.headers.get('x-request-id')],
    );
    expect(openAudit.map((e: { action: string }) => e.action)).toContain('BREAK_GLASS');
    expect(
      openAudit.every(
        (e: { break_glass: boolean; payload: { breakGlass: { id: string; reason: string } } }) =>
          e.break_glass && e.payload.breakGlass.id === bg.id && e.payload.breakGlass.reason === REASON,
      ),
    ).toBe(true);

    const r = await hub.gql<{ person: { records: Array<Record<string, unknown>> } }>(police, READ, {
      id: personId,
      purpose: 'BREAK_GLASS',
    });

    expect(r.errors).toBeUndefined();
    const healthRecord = r.data!.person.records.find((x) => x.__typename === 'HealthRecord')!;
    const scRecord = r.data!.person.records.find((x) => x.__typename === 'SocialCareRecord')!;
    expect(healthRecord.clinicalNotes).toBe('Fictional clinical note');
    expect(scRecord).toMatchObject({ caseNotes: 'Fictional case note', protectedAddress: null });
    expect(r.extensions!.redactions).toEqual([expect.objectContaining({ reason: 'SEALED' })]);
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    expect(audit[0]).toMatchObject({ purpose: 'BREAK_GLASS', person_id: personId });
    expect(audit[0]!.released).toEqual(
      expect.arrayContaining(['HealthRecord.clinicalNotes', 'SocialCareRecord.caseNotes']),
    );
    expect(audit[0]!.redacted).toContain('SocialCareRecord.protectedAddress:SEALED');
    const [event] = await hub.db.query(`SELECT break_glass, payload FROM audit_event WHERE request_id = $1`, [
      r.headers.get('x-request-id'),
    ]);
    expect(event).toMatchObject({
      break_glass: true,
      payload: expect.objectContaining({ breakGlass: { id: bg.id, reason: REASON } }),
    });
  });

  it('given an open break-glass, when the same officer reads without declaring BREAK_GLASS, then health detail stays redacted', async () => {
    const personId = await givenChildHeldByHealthAndSocialCare();
    await hub.gql(police, OPEN, { personId, reason: REASON });

    const r = await hub.gql<{ person: { records: Array<Record<string, unknown>> } }>(police, READ, {
      id: personId,
      purpose: 'TRIAGE',
    });

    expect(r.data!.person.records.find((x) => x.__typename === 'HealthRecord')!.clinicalNotes).toBeNull();
  });

  it('given a break-glass opened by one officer, when a colleague reads the person, then NOT_FOUND (it is personal to its opener)', async () => {
    const personId = await givenChildHeldByHealthAndSocialCare();
    await hub.gql(police, OPEN, { personId, reason: REASON });
    const colleague = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });

    const r = await hub.gql(colleague, READ, { id: personId, purpose: 'BREAK_GLASS' });

    expect(r.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('given an expired break-glass, when the officer reads, then NOT_FOUND again', async () => {
    const personId = await givenChildHeldByHealthAndSocialCare();
    const opened = await hub.gql<Open>(police, OPEN, { personId, reason: REASON });
    await hub.db.query(
      `UPDATE break_glass SET opened_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE id = $1`,
      [opened.data!.openBreakGlass.id],
    );

    const r = await hub.gql(police, READ, { id: personId, purpose: 'BREAK_GLASS' });

    expect(r.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it.each([
    ['a reason under 20 characters', { reason: 'urgent, sorry' }, 'reason'],
    ['a blank padded reason', { reason: ' '.repeat(30) }, 'reason'],
    ['a NUL byte in the reason', { reason: `${REASON}\u0000` }, 'reason'],
    ['a malformed person id', { personId: 'not-an-id' }, 'personId'],
  ])(
    'given %s, when opening break-glass, then BAD_USER_INPUT names the field and nothing is stored',
    async (_label, bad, field) => {
      const personId = await givenChildHeldByHealthAndSocialCare();

      const r = await hub.gql(police, OPEN, { personId, reason: REASON, ...bad });

      expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await hub.db.query('SELECT 1 FROM break_glass WHERE person_id = $1', [personId])).toHaveLength(0);
      expect(await hub.db.query('SELECT 1 FROM alert WHERE person_id = $1', [personId])).toHaveLength(0);
    },
  );

  it('given a person id that does not exist, when opening break-glass, then NOT_FOUND and the attempt is audited', async () => {
    const missing = '00000000-0000-4000-8000-00000000b6a5';
    const r = await hub.gql(police, OPEN, { personId: missing, reason: REASON });
    expect(r.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const audit = await auditFor(hub, r.headers.get('x-request-id')!);
    expect(audit).toEqual([expect.objectContaining({ outcome: 'NOT_FOUND', person_id: missing, released: [] })]);
  });

  it.each([
    ['IG_AUDITOR', 'social-care'],
    ['HUB_ADMIN', 'social-care'],
    ['PARTNER_REFERRER', 'education'],
  ])('given a %s, when they try to break the glass, then FORBIDDEN and nothing is stored', async (role, agency) => {
    const personId = await givenChildHeldByHealthAndSocialCare();
    const token = await hub.token({ agency, roles: [role] });
    const r = await hub.gql(token, OPEN, { personId, reason: REASON });
    expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(await hub.db.query('SELECT 1 FROM break_glass WHERE person_id = $1', [personId])).toHaveLength(0);
  });

  it("given a break-glass, then each holding agency and IG get an alert; the opener's colleagues elsewhere do not see others' alerts", async () => {
    const personId = await givenChildHeldByHealthAndSocialCare();
    const opened = await hub.gql<Open>(police, OPEN, { personId, reason: REASON });
    const bgId = opened.data!.openBreakGlass.id;

    const stored = await hub.db.query(
      `SELECT to_agency FROM alert WHERE break_glass_id = $1 ORDER BY to_agency NULLS LAST`,
      [bgId],
    );
    expect(stored.map((a: { to_agency: string | null }) => a.to_agency)).toEqual(['health', 'social-care', null]);

    type Alerts = {
      alerts: { edges: Array<{ node: { breakGlassId: string; toAgency: string | null; kind: string } }> };
    };
    const forHealth = await hub.gql<Alerts>(health, ALERTS, { first: 50 });
    expect(forHealth.data!.alerts.edges.map((e) => e.node)).toContainEqual(
      expect.objectContaining({ breakGlassId: bgId, toAgency: 'health', kind: 'BREAK_GLASS' }),
    );
    expect(forHealth.data!.alerts.edges.every((e) => e.node.toAgency === 'health')).toBe(true);
    const forIg = await hub.gql<Alerts>(ig, ALERTS, { first: 100 });
    expect(forIg.data!.alerts.edges.filter((e) => e.node.breakGlassId === bgId)).toHaveLength(3);
    const forPolice = await hub.gql<Alerts>(police, ALERTS, { first: 50 });
    expect(forPolice.data!.alerts.edges.some((e) => e.node.breakGlassId === bgId)).toBe(false);
    const audit = await auditFor(hub, forHealth.headers.get('x-request-id')!);
    expect(audit.some((a) => a.person_id === personId && a.released!.includes('Alert.personId'))).toBe(true);
  });

  it("given a break-glass alert, when the holding agency and IG read it, then they see the opener's agency but never the opener's user id (actorSub is for behaviour alerts only)", async () => {
    const personId = await givenChildHeldByHealthAndSocialCare();
    const opened = await hub.gql<Open>(police, OPEN, { personId, reason: REASON });
    const bgId = opened.data!.openBreakGlass.id;
    const [stored] = await hub.db.query(`SELECT actor_sub FROM alert WHERE break_glass_id = $1 LIMIT 1`, [bgId]);
    expect(stored.actor_sub).toMatch(/^police-/);

    const WITH_ACTOR = `{ alerts(first: 100) { edges { node { breakGlassId actorAgency actorSub } } } }`;
    type Alerts = {
      alerts: { edges: Array<{ node: { breakGlassId: string; actorAgency: string; actorSub: string | null } }> };
    };
    for (const token of [health, ig]) {
      const r = await hub.gql<Alerts>(token, WITH_ACTOR);
      const mine = r.data!.alerts.edges.map((e) => e.node).filter((a) => a.breakGlassId === bgId);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((a) => a.actorAgency === 'police' && a.actorSub === null)).toBe(true);
    }
  });

  it('given more alerts than a page, when paged with the cursor, then each alert appears once; a page too large is rejected', async () => {
    const personA = await givenChildHeldByHealthAndSocialCare();
    const personB = await givenChildHeldByHealthAndSocialCare();
    await hub.gql(police, OPEN, { personId: personA, reason: REASON });
    await hub.gql(police, OPEN, { personId: personB, reason: REASON });
    type Page = {
      alerts: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    };

    const first = await hub.gql<Page>(health, ALERTS, { first: 1 });
    const second = await hub.gql<Page>(health, ALERTS, { first: 1, after: first.data!.alerts.pageInfo.endCursor });

    expect(first.data!.alerts.pageInfo.hasNextPage).toBe(true);
    expect(second.data!.alerts.edges[0]!.node.id).not.toBe(first.data!.alerts.edges[0]!.node.id);
    const tooMany = await hub.gql(health, ALERTS, { first: 10_000 });
    expect(tooMany.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('given an open break-glass, when IG reviews it, then it leaves the open queue, the review is final and every call is audited', async () => {
    const personId = await givenChildHeldByHealthAndSocialCare();
    const bgId = (await hub.gql<Open>(police, OPEN, { personId, reason: REASON })).data!.openBreakGlass.id;
    type Reviews = {
      breakGlassReviews: { edges: Array<{ node: { id: string; reason: string; reviewOutcome: string | null } }> };
    };
    const ids = async (status: string) => {
      const all: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: {
          data?: {
            breakGlassReviews: {
              edges: Array<{ node: { id: string } }>;
              pageInfo: { hasNextPage: boolean; endCursor: string };
            };
          } | null;
        } = await hub.gql(ig, REVIEWS, { status, first: 100, after });
        all.push(...page.data!.breakGlassReviews.edges.map((e) => e.node.id));
        if (!page.data!.breakGlassReviews.pageInfo.hasNextPage) return all;
        after = page.data!.breakGlassReviews.pageInfo.endCursor;
      }
    };
    expect(await ids('OPEN')).toContain(bgId);
    const queue = await hub.gql<Reviews>(ig, REVIEWS, { status: 'OPEN', first: 100 });
    expect(queue.data!.breakGlassReviews.edges.find((e) => e.node.id === bgId)?.node.reason).toBe(REASON);

    const reviewed = await hub.gql<{ reviewBreakGlass: { reviewOutcome: string } }>(ig, REVIEW, {
      id: bgId,
      outcome: 'JUSTIFIED',
      note: 'Fictional: proportionate in the circumstances',
    });

    expect(reviewed.errors).toBeUndefined();
    expect(reviewed.data!.reviewBreakGlass.reviewOutcome).toBe('JUSTIFIED');
    expect(await ids('OPEN')).not.toContain(bgId);
    expect(await ids('REVIEWED')).toContain(bgId);
    const again = await hub.gql(ig, REVIEW, { id: bgId, outcome: 'NOT_JUSTIFIED_REFERRED', note: 'Second thoughts' });
    expect(again.errors![0]!.extensions!.code).toBe('INVALID_TRANSITION');
    const [row] = await hub.db.query('SELECT review_outcome FROM break_glass WHERE id = $1', [bgId]);
    expect(row.review_outcome).toBe('JUSTIFIED');
    const changeAudit = await hub.db.query(`SELECT action FROM audit_event WHERE request_id = $1`, [
      reviewed.headers.get('x-request-id'),
    ]);
    expect(changeAudit.map((e: { action: string }) => e.action)).toContain('UPDATE');
  });

  it('given an IG auditor, when the review queue returns an empty page, then the call is still audited', async () => {
    const r = await hub.gql(ig, REVIEWS, {
      status: 'REVIEWED',
      first: 1,
      after: Buffer.from(JSON.stringify(['1970-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'])).toString(
        'base64url',
      ),
    });
    expect(r.errors).toBeUndefined();
    expect(
      await hub.db.query('SELECT 1 FROM audit_event WHERE request_id = $1', [r.headers.get('x-request-id')]),
    ).toHaveLength(1);
  });

  it.each([
    ['a police officer', 'police', 'POLICE_MASH_OFFICER'],
    ['a MASH manager', 'social-care', 'MASH_MANAGER'],
    ['an administrator', 'social-care', 'HUB_ADMIN'],
  ])('given %s, when they read the review queue or record a review, then FORBIDDEN', async (_l, agency, role) => {
    const token = await hub.token({ agency, roles: [role] });
    const personId = await givenChildHeldByHealthAndSocialCare();
    const bgId = (await hub.gql<Open>(police, OPEN, { personId, reason: REASON })).data!.openBreakGlass.id;
    expect((await hub.gql(token, REVIEWS, { status: 'OPEN' })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(
      (await hub.gql(token, REVIEW, { id: bgId, outcome: 'JUSTIFIED', note: 'n' })).errors![0]!.extensions!.code,
    ).toBe('FORBIDDEN');
    const [row] = await hub.db.query('SELECT reviewed_at FROM break_glass WHERE id = $1', [bgId]);
    expect(row.reviewed_at).toBeNull();
  });

  it('given a review with an empty note, then BAD_USER_INPUT and the break-glass stays open', async () => {
    const personId = await givenChildHeldByHealthAndSocialCare();
    const bgId = (await hub.gql<Open>(police, OPEN, { personId, reason: REASON })).data!.openBreakGlass.id;
    const r = await hub.gql(ig, REVIEW, { id: bgId, outcome: 'JUSTIFIED', note: '   ' });
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    const [row] = await hub.db.query('SELECT reviewed_at FROM break_glass WHERE id = $1', [bgId]);
    expect(row.reviewed_at).toBeNull();
  });
});

describe('break-glass duration is configured', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ BREAK_GLASS_MINUTES: '15' });
  });
  afterAll(() => hub.close());

  it('given BREAK_GLASS_MINUTES=15, when the glass is broken, then it expires 15 minutes later', async () => {
    const health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
    const police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    const personId = await givenPerson(hub, health);
    const r = await hub.gql<Open>(police, OPEN, { personId, reason: REASON });
    expect(Date.parse(r.data!.openBreakGlass.expiresAt) - Date.parse(r.data!.openBreakGlass.openedAt)).toBe(
      15 * 60 * 1000,
    );
  });
});
