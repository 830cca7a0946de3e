import { LawfulBasisSplit1765220000000 } from '../migrations/1765220000000-lawful-basis-split';
import { unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from './support/test-hub';

/**
 * Lawful basis as two fields (issue 20 "Lawful basis", ADR 025): a share records its UK GDPR Article 6
 * basis and, for special-category data, the Article 9 / DPA 2018 Schedule 1 condition, with consent
 * sought / given / the reason — per referral and per agency-check answer (information-sharing golden
 * rule 7). Rows written the old way (one mixed value) are mapped by the migration without loss.
 */

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const READ = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) {
  lawfulBasis article6Basis specialCategoryCondition consentSought consentGiven consentReason
  checks { id agency status article6Basis specialCategoryCondition consentSought consentGiven consentReason }
} }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: AMBER, rationale: "Fictional rationale", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: ["police", "health"], expectedVersion: $v) { version checks { id agency } } }`;
const RESPOND = `mutation($id: ID!, $input: AgencyCheckResponseInput!) { respondToAgencyCheck(checkId: $id, input: $input) { status } }`;
const SHARES = `query { metrics(period: { month: "2019-02" }) {
  measures { key value }
  current { sharesByBasis { share article6Basis specialCategoryCondition consent count } }
} }`;

type Row = Record<string, unknown>;

describe('lawful basis as two fields, per share', () => {
  let hub: TestHub;
  let referrer: string;
  let worker: string;
  let police: string;
  let health: string;
  let manager: string;

  beforeAll(async () => {
    hub = await startTestHub({ DATABASE_URL: await dedicatedDatabaseUrl('lawful') });
    referrer = await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'], sub: unique('teacher') });
    worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] });
    manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'] });
    police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'] });
    health = await hub.token({ agency: 'health', roles: ['HEALTH_MASH_PRACTITIONER'] });
  }, 120_000);
  afterAll(() => hub.close());

  const input = (overrides: Record<string, unknown> = {}) => ({
    subjects: [{ newPerson: { kind: 'CHILD', givenName: 'Testy', familyName: unique('Fictional') } }],
    concernCategories: ['NEGLECT'],
    narrative: 'Fictional narrative: the child is often hungry at school.',
    consentSought: false,
    consentGiven: null,
    consentReason: 'Fictional: asking would place the child at increased risk',
    ...overrides,
  });
  const stored = async () => Number(((await hub.db.query(`SELECT count(*)::int AS n FROM referral`)) as Row[])[0]!.n);

  it('given referrals written the old way, when the migration runs, then each old value becomes the two fields, one to one, and the old value stays', async () => {
    // Given: the schema as it was before the split, and rows with each old value (and one shared with consent and no basis).
    const migration = new LawfulBasisSplit1765220000000();
    const runner = hub.db.createQueryRunner();
    await runner.startTransaction();
    await migration.down(runner);
    await runner.commitTransaction();
    const old: Array<string | null> = [
      'SAFEGUARDING_CHILDREN_AT_RISK',
      'PUBLIC_TASK',
      'VITAL_INTERESTS',
      'LEGAL_OBLIGATION',
      null,
    ];
    for (const [i, basis] of old.entries())
      await hub.db.query(
        `INSERT INTO referral (reference, referrer_sub, referrer_name, referrer_agency, concern_categories, narrative, consent_sought, consent_given,
                               lawful_basis, status, decision_due_at, received_at)
         VALUES ($1, 'referrer-x', 'Fictional Referrer', 'education', '{NEGLECT}', 'Fictional narrative', $2, $3, $4, 'RECEIVED', now() + interval '1 day', now())`,
        [`OLD-WAY-${i}`, basis === null, basis === null ? true : null, basis],
      );
    // When
    await runner.startTransaction();
    await migration.up(runner);
    await runner.commitTransaction();
    await runner.release();
    // Then
    const rows = (await hub.db.query(
      `SELECT reference, lawful_basis, article6_basis, special_category_condition FROM referral WHERE reference LIKE 'OLD-WAY-%' ORDER BY reference`,
    )) as Row[];
    expect(rows).toEqual([
      {
        reference: 'OLD-WAY-0',
        lawful_basis: 'SAFEGUARDING_CHILDREN_AT_RISK',
        article6_basis: 'PUBLIC_TASK',
        special_category_condition: 'SAFEGUARDING_CHILDREN_AT_RISK',
      },
      {
        reference: 'OLD-WAY-1',
        lawful_basis: 'PUBLIC_TASK',
        article6_basis: 'PUBLIC_TASK',
        special_category_condition: null,
      },
      {
        reference: 'OLD-WAY-2',
        lawful_basis: 'VITAL_INTERESTS',
        article6_basis: 'VITAL_INTERESTS',
        special_category_condition: null,
      },
      {
        reference: 'OLD-WAY-3',
        lawful_basis: 'LEGAL_OBLIGATION',
        article6_basis: 'LEGAL_OBLIGATION',
        special_category_condition: null,
      },
      { reference: 'OLD-WAY-4', lawful_basis: null, article6_basis: null, special_category_condition: null },
    ]);
    await hub.db.query(`DELETE FROM referral WHERE reference LIKE 'OLD-WAY-%'`);
  });

  it('given a share without consent with its Article 6 basis and Schedule 1 condition, then both are stored and read, and the deprecated field says the old equivalent', async () => {
    const r = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
      input: input({ article6Basis: 'PUBLIC_TASK', specialCategoryCondition: 'SAFEGUARDING_CHILDREN_AT_RISK' }),
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    const read = await hub.gql<{ referral: Row }>(worker, READ, { id: r.data!.submitReferral.id });
    expect(read.data!.referral).toMatchObject({
      lawfulBasis: 'SAFEGUARDING_CHILDREN_AT_RISK',
      article6Basis: 'PUBLIC_TASK',
      specialCategoryCondition: 'SAFEGUARDING_CHILDREN_AT_RISK',
      consentSought: false,
      consentGiven: null,
    });
  });

  it('given a client that still sends the deprecated single value, then it is stored as the two fields', async () => {
    const r = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
      input: input({ lawfulBasis: 'VITAL_INTERESTS' }),
      key: unique('k'),
    });
    expect(r.errors).toBeUndefined();
    const read = await hub.gql<{ referral: Row }>(worker, READ, { id: r.data!.submitReferral.id });
    expect(read.data!.referral).toMatchObject({
      lawfulBasis: 'VITAL_INTERESTS',
      article6Basis: 'VITAL_INTERESTS',
      specialCategoryCondition: null,
    });
  });

  it.each([
    ['no Article 6 basis when sharing without consent', {}, 'input.article6Basis'],
    [
      'a special-category condition without an Article 6 basis',
      {
        consentSought: true,
        consentGiven: true,
        consentReason: null,
        specialCategoryCondition: 'HEALTH_OR_SOCIAL_CARE',
      },
      'input.article6Basis',
    ],
    [
      'the deprecated value mixed with the new fields',
      { lawfulBasis: 'PUBLIC_TASK', article6Basis: 'PUBLIC_TASK' },
      'input.lawfulBasis',
    ],
    ['consent as the basis when consent was not given', { article6Basis: 'CONSENT' }, 'input.article6Basis'],
    [
      'explicit consent as the condition when consent was not given',
      { article6Basis: 'PUBLIC_TASK', specialCategoryCondition: 'EXPLICIT_CONSENT' },
      'input.specialCategoryCondition',
    ],
  ])(
    'given %s, when submitted, then BAD_USER_INPUT names the field and nothing is stored',
    async (_what, overrides, field) => {
      const before = await stored();
      const r = await hub.gql(referrer, SUBMIT, { input: input(overrides), key: unique('k') });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await stored()).toBe(before);
    },
  );

  describe('an agency answering a check records the basis of what it shares', () => {
    let referralId: string;
    let policeCheck: string;
    let healthCheck: string;

    beforeAll(async () => {
      const r = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
        input: input({ consentSought: true, consentGiven: true, consentReason: null, article6Basis: 'PUBLIC_TASK' }),
        key: unique('k'),
      });
      referralId = r.data!.submitReferral.id;
      await hub.gql(worker, RATE, { id: referralId, v: 1 });
      const c = await hub.gql<{ requestAgencyChecks: { checks: Array<{ id: string; agency: string }> } }>(
        worker,
        CHECKS,
        { id: referralId, v: 2 },
      );
      expect(c.errors).toBeUndefined();
      policeCheck = c.data!.requestAgencyChecks.checks.find((x) => x.agency === 'police')!.id;
      healthCheck = c.data!.requestAgencyChecks.checks.find((x) => x.agency === 'health')!.id;
    });

    it('given a basis on a declined answer (nothing shared), then BAD_USER_INPUT names article6Basis and the check is still awaited', async () => {
      const r = await hub.gql(police, RESPOND, {
        id: policeCheck,
        input: { declinedReason: 'Fictional: an operation is live', article6Basis: 'PUBLIC_TASK' },
      });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.article6Basis' });
      const [row] = (await hub.db.query(`SELECT status, article6_basis FROM agency_check WHERE id = $1`, [
        policeCheck,
      ])) as Row[];
      expect(row).toEqual({ status: 'REQUESTED', article6_basis: null });
    });

    it('given findings shared without consent for the public task under the safeguarding condition, then the MASH reads the basis and consent of that answer', async () => {
      const r = await hub.gql(police, RESPOND, {
        id: policeCheck,
        input: {
          findingsSummary: 'Fictional: two domestic incidents at the address this year',
          article6Basis: 'PUBLIC_TASK',
          specialCategoryCondition: 'SAFEGUARDING_CHILDREN_AT_RISK',
          consentSought: false,
          consentReason: 'Fictional: seeking consent could alert the alleged perpetrator',
        },
      });
      expect(r.errors).toBeUndefined();
      const h = await hub.gql(health, RESPOND, {
        id: healthCheck,
        input: {
          findingsSummary: 'Fictional: missed health visitor appointments',
          article6Basis: 'PUBLIC_TASK',
          specialCategoryCondition: 'HEALTH_OR_SOCIAL_CARE',
          consentSought: true,
          consentGiven: true,
        },
      });
      expect(h.errors).toBeUndefined();
      const read = await hub.gql<{ referral: { checks: Row[] } }>(manager, READ, { id: referralId });
      expect(read.errors).toBeUndefined();
      const byAgency = Object.fromEntries(read.data!.referral.checks.map((c) => [c.agency, c]));
      expect(byAgency.police).toMatchObject({
        status: 'RETURNED',
        article6Basis: 'PUBLIC_TASK',
        specialCategoryCondition: 'SAFEGUARDING_CHILDREN_AT_RISK',
        consentSought: false,
        consentGiven: null,
        consentReason: 'Fictional: seeking consent could alert the alleged perpetrator',
      });
      // The audit of the answer records its basis and consent (golden rule 7), never the free-text reason.
      const [audit] = (await hub.db.query(
        `SELECT c AS change FROM audit_event e, jsonb_array_elements(e.payload->'changes') c
          WHERE c->>'entity' = 'agency_check' AND c->>'id' = $1 AND c->'after'->>'status' = 'RETURNED'`,
        [policeCheck],
      )) as Array<{ change: { after: Row } }>;
      expect(audit!.change.after).toMatchObject({
        article6Basis: 'PUBLIC_TASK',
        specialCategoryCondition: 'SAFEGUARDING_CHILDREN_AT_RISK',
        consentSought: false,
        consentGiven: null,
      });
      expect(JSON.stringify(audit!.change)).not.toContain('alert the alleged perpetrator');
      expect(byAgency.health).toMatchObject({
        article6Basis: 'PUBLIC_TASK',
        specialCategoryCondition: 'HEALTH_OR_SOCIAL_CARE',
        consentSought: true,
        consentGiven: true,
      });
    });

    it('given an agency outside the referral, then it cannot read the basis of any share of it (not found)', async () => {
      const education = await hub.token({ agency: 'education', roles: ['EDUCATION_MASH_OFFICER'] });
      const read = await hub.gql<{ referral: Row | null }>(education, READ, { id: referralId });
      expect(read.data?.referral ?? null).toBeNull();
      expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  });

  it('given February 2019’s shares, then the board sees them by basis and consent, and the share of them without consent and with a basis recorded', async () => {
    // Given (hand-counted): three contacts received in February 2019 and one check answer sharing information.
    //   R1 without consent, PUBLIC_TASK + SAFEGUARDING_CHILDREN_AT_RISK; R2 with consent, PUBLIC_TASK;
    //   R3 with consent, no basis recorded; the police answered R1's check without consent, PUBLIC_TASK, no condition.
    //   Shares 4; without consent 2 (R1 and the answer) → 0.5; Article 6 basis recorded 3 → 0.75.
    const ids: string[] = [];
    for (const [i, [sought, given, a6, cond]] of (
      [
        [false, null, 'PUBLIC_TASK', 'SAFEGUARDING_CHILDREN_AT_RISK'],
        [true, true, 'PUBLIC_TASK', null],
        [true, true, null, null],
      ] as const
    ).entries()) {
      const [row] = (await hub.db.query(
        `INSERT INTO referral (reference, referrer_sub, referrer_name, referrer_agency, concern_categories, narrative, consent_sought, consent_given,
                               consent_reason, article6_basis, special_category_condition, status, decision_due_at, received_at)
         VALUES ($1, 'referrer-x', 'Fictional Referrer', 'education', '{NEGLECT}', 'Fictional narrative', $2, $3, $4, $5, $6, 'RECEIVED',
                 '2019-02-12T10:00:00Z', '2019-02-11T10:00:00Z') RETURNING id`,
        [`SHARES-${i}`, sought, given, given ? null : 'Fictional reason', a6, cond],
      )) as Array<{ id: string }>;
      ids.push(row!.id);
    }
    await hub.db.query(
      `INSERT INTO agency_check (referral_id, agency, status, requested_at, requested_by, due_at, returned_at, responded_by, findings_summary,
                                 article6_basis, consent_sought, consent_reason)
       VALUES ($1, 'police', 'RETURNED', '2019-02-11T11:00:00Z', 'worker-x', '2019-02-11T19:00:00Z', '2019-02-11T15:00:00Z', 'officer-x',
               'Fictional findings', 'PUBLIC_TASK', false, 'Fictional reason')`,
      [ids[0]],
    );
    // When
    const r = await hub.gql<{
      metrics: { measures: Array<{ key: string; value: number | null }>; current: { sharesByBasis: Row[] } };
    }>(manager, SHARES);
    // Then
    expect(r.errors).toBeUndefined();
    expect(r.data!.metrics.current.sharesByBasis).toEqual([
      {
        share: 'REFERRAL',
        article6Basis: 'NOT_RECORDED',
        specialCategoryCondition: 'NONE',
        consent: 'GIVEN',
        count: 1,
      },
      { share: 'REFERRAL', article6Basis: 'PUBLIC_TASK', specialCategoryCondition: 'NONE', consent: 'GIVEN', count: 1 },
      {
        share: 'REFERRAL',
        article6Basis: 'PUBLIC_TASK',
        specialCategoryCondition: 'SAFEGUARDING_CHILDREN_AT_RISK',
        consent: 'NOT_SOUGHT',
        count: 1,
      },
      {
        share: 'CHECK_ANSWER',
        article6Basis: 'PUBLIC_TASK',
        specialCategoryCondition: 'NONE',
        consent: 'NOT_SOUGHT',
        count: 1,
      },
    ]);
    const value = (key: string) => r.data!.metrics.measures.find((m) => m.key === key)?.value;
    expect(value('sharesWithoutConsent')).toBe(0.5);
    expect(value('sharesWithArticle6BasisRecorded')).toBe(0.75);
  });
});
