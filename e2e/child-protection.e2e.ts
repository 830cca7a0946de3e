import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, screenshot, signInAs, startDeskHub, type DeskHub } from './support/desk-hub';

/**
 * The child protection pathway in MASH Desk (ADR 034), in a real chromium against a real hub with the
 * demo partnership: the list of enquiries and plans, one child's pathway from the child's page, and
 * the steps social care records there. Each screen is checked with axe-core (WCAG 2.x A and AA).
 */

const WORKER = { sub: 'sw-2', name: 'Alex Example (fictional)', agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] };

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const SCHEDULE = `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id version } }`;
const HELD = `mutation($id: ID!, $v: Int!) { markMeetingHeld(id: $id, expectedVersion: $v) { version } }`;
const OUTCOME = `mutation($id: ID!, $input: MeetingOutcomeInput!, $v: Int!) { recordMeetingOutcome(id: $id, input: $input, expectedVersion: $v) { version } }`;
const START = `mutation($input: StartSection47EnquiryInput!) { startSection47Enquiry(input: $input) { id version } }`;
const CONCLUDE = `mutation($id: ID!, $v: Int!, $input: ConcludeSection47EnquiryInput!) { concludeSection47Enquiry(enquiryId: $id, expectedVersion: $v, input: $input) { version } }`;
const ICPC = `mutation($id: ID!, $v: Int!, $input: InitialConferenceInput!) { recordInitialConference(enquiryId: $id, expectedVersion: $v, input: $input) { version } }`;
const PLANS = `query($id: ID!) { person(id: $id, purpose: SECTION_47) { childProtectionPlans { id version status category } section47Enquiries { id version status } } }`;
const CATEGORY = `mutation($id: ID!, $v: Int!, $input: PlanCategoryInput!) { changeChildProtectionPlanCategory(planId: $id, expectedVersion: $v, input: $input) { version } }`;

/** A London calendar date `days` before today (the hub's dates are London dates). */
function daysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d);
}

describe('MASH Desk: the child protection pathway in chromium', () => {
  let hub: DeskHub;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    // A CSP violation or a script error is a failure of the desk, not noise.
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text().slice(0, 300)));
    page.on('pageerror', (e) => problems.push(e.message.slice(0, 300)));
    (page as Page & { problems?: string[] }).problems = problems;
    return page;
  }

  const problemsOf = (page: Page) => (page as Page & { problems?: string[] }).problems ?? [];

  /** The rows a filter leaves, once the screen has rendered them (the CSP forbids a string predicate in the page). */
  /**
   * The rows once the list has settled: nothing loading and the expected count seen three checks
   * running. A changed filter clears the list only after the next render, so the old rows (which may
   * number the same) can still be there just after the change; in CI the bare count matched them.
   */
  async function rowsSettle(page: Page, testId: string, expected: number): Promise<number> {
    let stable = 0;
    for (let tries = 0; tries < 150 && stable < 3; tries++) {
      await page.waitForTimeout(100);
      const loading = await page.getByText('Loading…').count();
      stable = loading === 0 && (await page.getByTestId(testId).count()) === expected ? stable + 1 : 0;
    }
    return page.getByTestId(testId).count();
  }

  beforeAll(async () => {
    [hub, chromium] = await Promise.all([startDeskHub(), launchChromium()]);
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await chromium?.close();
    await hub?.close();
  });

  /**
   * Given: a new fictional child referred, and a strategy discussion about the child held `days` ago
   * that decided on a joint section 47 enquiry (police are invited to it, so they work the case too).
   */
  async function childWithStrategyDiscussion(
    label: string,
    days: number,
  ): Promise<{ childId: string; meetingId: string }> {
    const { submitReferral } = await hub.gql<{ submitReferral: { id: string } }>(WORKER, SUBMIT, {
      key: `e2e-cp-${label}-${Date.now()}`,
      input: {
        subjects: [
          {
            newPerson: { kind: 'CHILD', givenName: 'Kim', familyName: `Fictional${label}`, dateOfBirth: '2017-05-06' },
          },
        ],
        concernCategories: ['PHYSICAL_ABUSE'],
        narrative: 'Fictional: e2e story, a bruise the school could not explain.',
        consentSought: true,
        consentGiven: true,
      },
    });
    const [subject] = (await hub.db.query(`SELECT person_id FROM referral_subject WHERE referral_id = $1`, [
      submitReferral.id,
    ])) as Array<{ person_id: string }>;
    const childId = subject!.person_id;
    return { childId, meetingId: await strategyDiscussion({ referralId: submitReferral.id }, days) };
  }

  /** Given: a strategy discussion (about a referral's subjects, or named children) held `days` ago that decided on a joint enquiry. */
  async function strategyDiscussion(
    about: { referralId: string } | { subjectPersonIds: string[] },
    days: number,
  ): Promise<string> {
    const { scheduleMeeting: s } = await hub.gql<{ scheduleMeeting: { id: string; version: number } }>(
      WORKER,
      SCHEDULE,
      {
        input: { type: 'STRATEGY_DISCUSSION', ...about, scheduledAt: new Date(Date.now() + 3_600_000).toISOString() },
      },
    );
    // Time passes (a story cannot wait for the clock): the discussion took place, then its date is set.
    await hub.db.query(`UPDATE meeting SET scheduled_at = now() - interval '1 day' WHERE id = $1`, [s.id]);
    const { markMeetingHeld } = await hub.gql<{ markMeetingHeld: { version: number } }>(WORKER, HELD, {
      id: s.id,
      v: s.version,
    });
    await hub.gql(WORKER, OUTCOME, { id: s.id, input: { outcome: 'SECTION_47_JOINT' }, v: markMeetingHeld.version });
    await hub.db.query(`UPDATE meeting SET scheduled_at = $2 WHERE id = $1`, [s.id, `${daysAgo(days)}T10:00:00Z`]);
    return s.id;
  }

  /** Given: a new fictional child on a neglect plan from an initial conference held 10 days ago. */
  async function childOnPlan(label: string): Promise<string> {
    const { childId, meetingId } = await childWithStrategyDiscussion(label, 25);
    const { startSection47Enquiry: e } = await hub.gql<{ startSection47Enquiry: { id: string; version: number } }>(
      WORKER,
      START,
      { input: { personId: childId, strategyMeetingId: meetingId } },
    );
    const { concludeSection47Enquiry: c } = await hub.gql<{ concludeSection47Enquiry: { version: number } }>(
      WORKER,
      CONCLUDE,
      { id: e.id, v: e.version, input: { conclusion: 'SUBSTANTIATED_CONFERENCE', concludedOn: daysAgo(20) } },
    );
    await hub.gql(WORKER, ICPC, {
      id: e.id,
      v: c.version,
      input: { heldOn: daysAgo(10), decision: 'PLAN', category: 'NEGLECT', leadSocialWorker: 'Fictional Lead' },
    });
    return childId;
  }

  it('given enquiries and plans, when a worker opens Child protection, then the counts match the hub, an overdue conference shows how late it is and the filters narrow the lists', async () => {
    // One enquiry whose initial conference is overdue (discussed 30 days ago: 15 working days have passed).
    const late = await childWithStrategyDiscussion('Late', 30);
    await hub.gql(WORKER, START, { input: { personId: late.childId, strategyMeetingId: late.meetingId } });
    // And one child on a neglect plan from an initial conference held 10 days ago.
    await childOnPlan('Planned');

    const since = new Date();
    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    // Keyboard only: the nav link is reached and followed without a mouse.
    await page.getByRole('link', { name: 'Child protection' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Child protection', level: 1 }).waitFor();
    await page.getByTestId('count-open-enquiries').waitFor();
    expect(page.url()).toMatch(/#\/child-protection$/);

    const [db] = (await hub.db.query(
      `SELECT count(*) FILTER (WHERE status = 'OPEN')::int AS open,
              count(*) FILTER (WHERE status = 'AWAITING_CONFERENCE')::int AS awaiting,
              count(*) FILTER (WHERE status IN ('OPEN', 'AWAITING_CONFERENCE')
                                 AND icpc_due_on < (now() AT TIME ZONE 'Europe/London')::date)::int AS overdue,
              (SELECT count(DISTINCT person_id)::int FROM cp_plan WHERE status = 'ACTIVE') AS on_plan
         FROM s47_enquiry`,
    )) as [{ open: number; awaiting: number; overdue: number; on_plan: number }];
    expect(await page.getByTestId('count-open-enquiries').textContent()).toBe(String(db.open));
    expect(await page.getByTestId('count-awaiting').textContent()).toBe(String(db.awaiting));
    expect(await page.getByTestId('count-icpc-overdue').textContent()).toBe(String(db.overdue));
    expect(await page.getByTestId('count-on-plan').textContent()).toBe(String(db.on_plan));
    expect(db.overdue).toBeGreaterThan(0);
    // The counts and each list are read separately: the rows may arrive after the counts.
    expect(await rowsSettle(page, 'cp-enquiry', db.open + db.awaiting)).toBe(db.open + db.awaiting);
    const lateRow = page.getByTestId('cp-enquiry').filter({ hasText: 'FictionalLate' });
    await lateRow.getByText(/^overdue by \d+ days?$/).waitFor();
    await page.getByTestId('cp-plan').first().waitFor();
    // The list reads only what it shows (ADR 034): its reads name exactly the children on the screen.
    const shown = new Set<string>();
    for (const link of await page.locator('[data-testid="cp-enquiry"] a, [data-testid="cp-plan"] a').all())
      shown.add((await link.getAttribute('href'))!.replace(/^.*\/child\//, ''));
    const named = (await hub.db.query(
      `SELECT DISTINCT d.person_id::text AS id FROM audit_event e
         JOIN audit_disclosure d ON d.event_id = e.id AND d.occurred_at = e.occurred_at
        WHERE e.operation_name = 'ChildProtectionCases' AND e.occurred_at >= $1`,
      [since],
    )) as Array<{ id: string }>;
    expect(shown.size).toBeGreaterThan(0);
    expect(new Set(named.map((n) => n.id))).toEqual(shown);
    await screenshot(page, 'child-protection');
    expect(await axeViolations(page)).toEqual([]);

    // Filters: only the overdue conferences; plans by a category.
    await page.getByLabel('Show').selectOption('OVERDUE');
    expect(await rowsSettle(page, 'cp-enquiry', db.overdue)).toBe(db.overdue);
    expect(
      await page
        .getByTestId('cp-enquiry')
        .filter({ hasText: /left|due today/ })
        .count(),
    ).toBe(0);
    const [{ neglect }] = (await hub.db.query(
      `SELECT count(*)::int AS neglect FROM cp_plan WHERE status = 'ACTIVE' AND category = 'NEGLECT'`,
    )) as [{ neglect: number }];
    expect(neglect).toBeGreaterThan(0);
    await page.getByLabel('Category').selectOption('NEGLECT');
    expect(await rowsSettle(page, 'cp-plan', neglect)).toBe(neglect);
    // The first review is due three months after the initial conference.
    const plannedRow = page.getByTestId('cp-plan').filter({ hasText: 'FictionalPlanned' });
    await plannedRow.getByText('neglect').waitFor();
    await plannedRow.getByText(/^\d+ days left$/).waitFor();
    // No personal data in storage or the address bar.
    expect(await page.evaluate('({ local: localStorage.length, session: sessionStorage.length })')).toEqual({
      local: 0,
      session: 0,
    });
    expect(problemsOf(page)).toEqual([]);
  });

  it("given a child's strategy discussion, when a worker starts the enquiry, adds a further discussion, concludes it, records the initial conference with a plan and a review that ends it from the child's page, then each step shows; a bad date is refused with its reason and someone else's change is reported, not overwritten", async () => {
    const { childId } = await childWithStrategyDiscussion('Steps', 20);
    // A second discussion two days later: the enquiry's conference clock then runs from it.
    await strategyDiscussion({ subjectPersonIds: [childId] }, 18);
    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    await page.evaluate(`location.hash = '#/child/${childId}'`);
    await page.getByLabel(/Purpose of use/).selectOption('SECTION_47');
    await page.getByRole('button', { name: 'Open record' }).click();
    const pathway = page.getByTestId('cp-pathway');
    await pathway.getByText('No section 47 enquiry or plan you may see.').waitFor();
    expect(page.url()).toMatch(new RegExp(`#/child/${childId}$`));

    await pathway.getByRole('button', { name: 'Start enquiry' }).click();
    await pathway.getByText('Section 47 enquiry started: done.').waitFor();
    await pathway.getByRole('heading', { name: /Section 47 enquiry, started .*: open/ }).waitFor();
    await pathway.getByRole('button', { name: 'Add discussion' }).click();
    await pathway.getByText('Strategy discussion added: done.').waitFor();
    const [{ last }] = (await hub.db.query(
      `SELECT last_strategy_on::text AS last FROM s47_enquiry WHERE person_id = $1`,
      [childId],
    )) as [{ last: string }];
    expect(last).toBe(daysAgo(18));
    expect(await pathway.getByRole('button', { name: 'Add discussion' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    await pathway.getByLabel('Conclusion').selectOption('SUBSTANTIATED_CONFERENCE');
    await pathway.getByLabel('Concluded on').fill(daysAgo(15));
    await pathway.getByRole('button', { name: 'Conclude' }).click();
    await pathway.getByText('Enquiry concluded: done.').waitFor();
    await pathway.getByRole('heading', { name: /awaiting conference/ }).waitFor();

    await pathway.getByLabel('Held on').fill(daysAgo(10));
    await pathway.getByLabel('Outcome for this child').selectOption('PLAN');
    // The plan needs its category and lead before the button is enabled.
    expect(await pathway.getByRole('button', { name: 'Record conference' }).isDisabled()).toBe(true);
    await pathway.getByLabel('Category', { exact: true }).selectOption('PHYSICAL_ABUSE');
    await pathway.getByLabel('Lead social worker').fill('Fictional Lead');
    await pathway.getByRole('button', { name: 'Record conference' }).click();
    await pathway.getByText('Initial conference recorded: done.').waitFor();
    await pathway.getByTestId('icpc-outcome').getByText(/plan/).waitFor();
    await pathway.getByTestId('plan-category').getByText('physical abuse').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // A review on the day of the initial conference is refused with the hub's reason; nothing is stored.
    const plan = pathway.getByTestId('cp-plan-panel');
    await plan.getByLabel('Held on', { exact: true }).fill(daysAgo(10));
    await plan.getByLabel('Decision').selectOption('CONTINUE_PLAN');
    await plan.getByRole('button', { name: 'Record review' }).click();
    await pathway
      .getByRole('alert')
      .getByText(/after the previous conference/)
      .waitFor();
    const [{ reviews }] = (await hub.db.query(
      `SELECT count(*)::int AS reviews FROM cp_conference WHERE person_id = $1 AND kind = 'REVIEW'`,
      [childId],
    )) as [{ reviews: number }];
    expect(reviews).toBe(0);

    // Someone else changes the category meanwhile: the worker's review is not recorded over it.
    const { person } = await hub.gql<{ person: { childProtectionPlans: Array<{ id: string; version: number }> } }>(
      WORKER,
      PLANS,
      { id: childId },
    );
    const current = person.childProtectionPlans[0]!;
    await hub.gql(WORKER, CATEGORY, {
      id: current.id,
      v: current.version,
      input: { category: 'NEGLECT', fromOn: daysAgo(1) },
    });
    await plan.getByLabel('Held on', { exact: true }).fill(daysAgo(0));
    await plan.getByLabel('Decision').selectOption('END_PLAN');
    await plan.getByLabel('Reason the plan ends').selectOption('NO_LONGER_AT_RISK');
    await plan.getByRole('button', { name: 'Record review' }).click();
    await pathway.getByText("Someone else changed this child's pathway; reload").waitFor();
    await pathway.getByRole('button', { name: 'Reload' }).click();
    await pathway.getByTestId('plan-category').getByText('neglect').waitFor();

    // From the keyboard: the review form is filled and submitted with Enter.
    const reloaded = pathway.getByTestId('cp-plan-panel');
    await reloaded.getByLabel('Decision').selectOption('END_PLAN');
    await reloaded.getByLabel('Held on', { exact: true }).fill(daysAgo(0));
    await reloaded.getByRole('button', { name: 'Record review' }).press('Enter');
    await pathway.getByText('Review conference recorded: done.').waitFor();
    await pathway
      .getByTestId('plan-ended')
      .getByText(/no longer at risk/)
      .waitFor();
    expect(await pathway.getByRole('button', { name: 'Record review' }).count()).toBe(0);
    const [stored] = (await hub.db.query(`SELECT status, end_reason FROM cp_plan WHERE person_id = $1`, [childId])) as [
      { status: string; end_reason: string },
    ];
    expect(stored).toEqual({ status: 'ENDED', end_reason: 'NO_LONGER_AT_RISK' });
    expect(await axeViolations(page)).toEqual([]);
    expect(problemsOf(page)).toEqual([]);
  });

  it('given a child on a plan, when a worker records a core group, changes the category and ends the plan outside a review conference, then the plan shows each with no review due', async () => {
    const childId = await childOnPlan('Moved');
    const page = await newPage();
    await signInAs(page, hub.origin, /Pat Manager/);
    await page.evaluate(`location.hash = '#/child/${childId}'`);
    await page.getByLabel(/Purpose of use/).selectOption('SECTION_47');
    await page.getByRole('button', { name: 'Open record' }).click();
    const plan = page.getByTestId('cp-plan-panel');
    await plan.getByTestId('plan-category').getByText('neglect').waitFor();

    await plan.getByLabel('Core group held on').fill(daysAgo(3));
    await plan.getByRole('button', { name: 'Record core group' }).click();
    await page.getByText('Core group recorded: done.').waitFor();
    await plan.getByText(/^due .*, held .* \(in time\)$/).waitFor();

    await plan.getByLabel('New category').selectOption('EMOTIONAL_ABUSE');
    await plan.getByLabel('From', { exact: true }).fill(daysAgo(2));
    await plan.getByRole('button', { name: 'Change category' }).click();
    await page.getByText('Category changed: done.').waitFor();
    await plan.getByTestId('plan-category').getByText('emotional abuse').waitFor();
    await plan.getByText(/neglect from .*; emotional abuse from/).waitFor();

    // Ending outside a review sits behind a disclosure that states its consequence.
    await plan.getByText('End the plan outside a review conference').click();
    await plan.getByText('no further review is due').waitFor();
    await plan.getByLabel('Reason for ending').selectOption('TRANSFERRED_TO_ANOTHER_AUTHORITY');
    await plan.getByLabel('Ended on').fill(daysAgo(1));
    expect(await axeViolations(page)).toEqual([]);
    await plan.getByRole('button', { name: 'End the plan' }).click();
    await page.getByText('Plan ended: done.').waitFor();
    await plan
      .getByTestId('plan-ended')
      .getByText(/transferred to another authority/)
      .waitFor();
    expect(await plan.getByText('Next review conference').count()).toBe(0);
    const [stored] = (await hub.db.query(
      `SELECT p.status, p.category, p.ended_on::text AS ended_on, (SELECT count(*)::int FROM cp_core_group g WHERE g.plan_id = p.id) AS core_groups
         FROM cp_plan p WHERE p.person_id = $1`,
      [childId],
    )) as [{ status: string; category: string; ended_on: string; core_groups: number }];
    expect(stored).toEqual({ status: 'ENDED', category: 'EMOTIONAL_ABUSE', ended_on: daysAgo(1), core_groups: 1 });
    expect(problemsOf(page)).toEqual([]);
  });

  it('given an enquiry a police officer works, when the officer opens Child protection and the child, then the pathway shows read-only, a category the purpose does not cover as withheld; an IG auditor gets no such screen', async () => {
    const { childId, meetingId } = await childWithStrategyDiscussion('Police', 5);
    await hub.gql(WORKER, START, { input: { personId: childId, strategyMeetingId: meetingId } });

    const police = await newPage();
    await signInAs(police, hub.origin, /PC Example/);
    await police.getByRole('link', { name: 'Child protection' }).click();
    const row = police.getByTestId('cp-enquiry').filter({ hasText: 'FictionalPolice' });
    await row.waitFor();
    await row.getByText(/\d+ days? left|due today/).waitFor();
    expect(await axeViolations(police)).toEqual([]);
    await row.getByRole('link').click();
    await police.getByLabel(/Purpose of use/).selectOption('SECTION_47');
    await police.getByRole('button', { name: 'Open record' }).click();
    const pathway = police.getByTestId('cp-pathway');
    await pathway.getByRole('heading', { name: /Section 47 enquiry, started .*: open/ }).waitFor();
    // Social care records the pathway; the police read it.
    expect(await pathway.locator('form').count()).toBe(0);
    expect(await axeViolations(police)).toEqual([]);

    // Under direct care the hub withholds the plan's category (a shared summary): shown as withheld, with the reason.
    const planned = await childOnPlan('PoliceDirect');
    await police.evaluate(`location.hash = '#/child/${planned}'`);
    await police.getByLabel(/Purpose of use/).selectOption('DIRECT_CARE');
    await police.getByRole('button', { name: 'Open record' }).click();
    await police
      .getByTestId('plan-category')
      .getByText(/^Withheld — purpose/)
      .waitFor();
    expect(await axeViolations(police)).toEqual([]);
    expect(problemsOf(police)).toEqual([]);

    const ig = await newPage();
    await signInAs(ig, hub.origin, /Ira Auditor/);
    await ig.getByRole('link', { name: 'Access log' }).waitFor();
    expect(await ig.getByRole('link', { name: 'Child protection' }).count()).toBe(0);
    await ig.goto(`${hub.origin}/#/child-protection`);
    await ig.getByText('This screen is not for your role.').waitFor();
    expect(problemsOf(ig)).toEqual([]);
  });
});
