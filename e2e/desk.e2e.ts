import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, screenshot, signInAs, startDeskHub, type DeskHub } from './support/desk-hub';
import { startTestProvider } from './support/oidc-provider';
import { startDroppingProxy } from './support/tcp-proxy';

/**
 * MASH Desk in a real chromium against a real hub with the demo partnership: the stories a MASH
 * tells with it. Each screen is also checked with axe-core (WCAG 2.x A and AA).
 */

const WORKER = { sub: 'sw-2', name: 'Alex Example (fictional)', agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] };

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const REFERRAL = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { id reference version status } }`;
const RATE = `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: AMBER, rationale: "Fictional: e2e story", expectedVersion: $v) { version } }`;
const CHECKS = `mutation($id: ID!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: ["police"], expectedVersion: $v) { version status } }`;
const ASSIGN = `mutation($id: ID!, $v: Int!) { assignReferral(id: $id, assignee: { sub: "sw-9", name: "Kit Cover (fictional)" }, expectedVersion: $v) { version } }`;

describe('MASH Desk in chromium', () => {
  let hub: DeskHub;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  const contexts: BrowserContext[] = [];
  /** The child the police officer opened (the IG story looks for that access). */
  let openedByPolice: string | undefined;

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

  beforeAll(async () => {
    [hub, chromium] = await Promise.all([startDeskHub(), launchChromium()]);
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await chromium?.close();
    await hub?.close();
  });

  /** A new referral about a demo child who has health records, rated and waiting on police. */
  async function referralAwaitingPolice(): Promise<{ id: string; reference: string; childId: string }> {
    const [child] = (await hub.db.query(
      `SELECT p.id FROM person p
        WHERE p.kind = 'CHILD'
          AND EXISTS (SELECT 1 FROM agency_record ar WHERE ar.person_id = p.id AND ar.owning_agency = 'health')
          AND EXISTS (SELECT 1 FROM referral_subject rs WHERE rs.person_id = p.id)
        ORDER BY p.id LIMIT 1`,
    )) as Array<{ id: string }>;
    if (!child) throw new Error('the demo has no child with health records and a referral');
    const { submitReferral } = await hub.gql<{ submitReferral: { id: string } }>(WORKER, SUBMIT, {
      key: `e2e-${Date.now()}`,
      input: {
        subjects: [{ personId: child.id }],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional: e2e story, school reports the child arriving hungry.',
        consentSought: false,
        consentReason: 'Fictional: seeking consent could place the child at risk.',
        lawfulBasis: 'SAFEGUARDING_CHILDREN_AT_RISK',
      },
    });
    const id = submitReferral.id;
    const v1 = (await hub.gql<{ referral: { version: number } }>(WORKER, REFERRAL, { id })).referral.version;
    const { rateReferral } = await hub.gql<{ rateReferral: { version: number } }>(WORKER, RATE, { id, v: v1 });
    await hub.gql(WORKER, CHECKS, { id, v: rateReferral.version });
    const { referral } = await hub.gql<{ referral: { reference: string } }>(WORKER, REFERRAL, { id });
    return { id, reference: referral.reference, childId: child.id };
  }

  it('given the demo, when a social worker signs in, then the triage queue shows the open demo referrals with their counts', async () => {
    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    await page.getByRole('heading', { name: 'Triage queue' }).waitFor();
    await page.getByTestId('queue-row').first().waitFor();
    const rows = await page.getByTestId('queue-row').count();
    expect(rows).toBeGreaterThan(0);
    expect(await page.getByTestId('count-total').textContent()).toBe(String(rows));
    const [{ n }] = (await hub.db.query(
      `SELECT count(*)::int AS n FROM referral WHERE status IN ('RECEIVED','SCREENED','AWAITING_CHECKS','READY_FOR_DECISION','DECISION_PROPOSED')`,
    )) as [{ n: number }];
    expect(rows).toBe(Math.min(n, 100));
    // No token or personal data in the browser's storage or the address bar.
    const stored = await page.evaluate(
      '({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })',
    );
    expect(stored).toEqual({ local: 0, session: 0, cookie: '' });
    expect(page.url()).toMatch(/\/#\/queue$|\/$/);
    await screenshot(page, 'queue');
    expect(await axeViolations(page)).toEqual([]);
    expect(problemsOf(page)).toEqual([]);
  });

  it('given a worker watching the queue, when another user assigns a referral, then the row changes without reloading', async () => {
    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    await page.getByTestId('queue-row').first().waitFor();
    const [target] = (await hub.db.query(
      `SELECT id, reference FROM referral WHERE status IN ('SCREENED','AWAITING_CHECKS','READY_FOR_DECISION') ORDER BY decision_due_at LIMIT 1`,
    )) as Array<{ id: string; reference: string }>;
    const row = page
      .getByTestId('queue-row')
      .filter({ has: page.getByRole('rowheader', { name: target!.reference, exact: true }) });
    await row.waitFor();
    expect(await row.getByText('Kit Cover (fictional)').count()).toBe(0);
    // The subscription is open once the connection is acknowledged; give graphql-ws a moment.
    await page.waitForTimeout(500);
    const { referral } = await hub.gql<{ referral: { version: number } }>(WORKER, REFERRAL, { id: target!.id });
    await hub.gql(WORKER, ASSIGN, { id: target!.id, v: referral.version });
    await row.getByText('Kit Cover (fictional)').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('live-status').textContent()).toContain(target!.reference);
    expect(problemsOf(page)).toEqual([]);
  });

  it("given a check for police, when the officer opens the child, then health detail is shown as withheld with its reason; answering the check updates the worker's queue live", async () => {
    const { reference, childId } = await referralAwaitingPolice();
    openedByPolice = childId;
    const worker = await newPage();
    await signInAs(worker, hub.origin, /Sam Worker/);
    const workerRow = worker
      .getByTestId('queue-row')
      .filter({ has: worker.getByRole('rowheader', { name: reference, exact: true }) });
    await workerRow.getByText('awaiting checks').waitFor();

    const police = await newPage();
    await signInAs(police, hub.origin, /PC Example/);
    await police.getByRole('heading', { name: /Agency checks for police/ }).waitFor();
    const check = police
      .getByTestId('check')
      .filter({ has: police.getByRole('heading', { name: new RegExp(reference) }) });
    await check.waitFor();
    expect(await axeViolations(police)).toEqual([]);

    // Open the child from the check: the purpose of use is declared before anything is shown.
    await check.locator(`a[href="#/child/${childId}"]`).click();
    await police.getByRole('heading', { name: "Open a child's record" }).waitFor();
    await police.getByLabel(/Purpose of use/).selectOption('AGENCY_CHECK');
    expect(await axeViolations(police)).toEqual([]);
    await police.getByRole('button', { name: 'Open record' }).click();
    await police.getByRole('heading', { name: 'Records by agency' }).waitFor();
    const health = police.locator('[data-testid="record"][data-agency="health"]').first();
    await health.waitFor();
    const clinical = health.locator('[data-testid="withheld"][data-path$=".clinicalNotes"]');
    expect(await clinical.textContent()).toMatch(/^Withheld — (need to know|purpose|sealed)/);
    // The referral that brought the check is among the child's previous referrals.
    await police.getByTestId('previous-referral').filter({ hasText: reference }).waitFor();
    await health.scrollIntoViewIfNeeded();
    await screenshot(police, 'child');
    expect(await axeViolations(police)).toEqual([]);

    // Back to the inbox: answer the check; the worker's row moves on without a reload.
    await police.getByRole('link', { name: 'Agency checks' }).click();
    const again = police
      .getByTestId('check')
      .filter({ has: police.getByRole('heading', { name: new RegExp(reference) }) });
    await again.getByLabel('No information held').check();
    await again.getByRole('button', { name: 'Send response' }).click();
    await police.getByText(`Response sent for ${reference}.`).waitFor();
    await workerRow.getByText('ready for decision').waitFor({ timeout: 10_000 });
    expect(problemsOf(worker)).toEqual([]);
    expect(problemsOf(police)).toEqual([]);
  });

  it('given a new contact, when a worker rates it and proposes a decision and a manager authorises it, then it is closed; a change by someone else is reported, not overwritten', async () => {
    const { submitReferral } = await hub.gql<{ submitReferral: { id: string } }>(WORKER, SUBMIT, {
      key: `e2e-decision-${Date.now()}`,
      input: {
        subjects: [
          { newPerson: { kind: 'CHILD', givenName: 'Robin', familyName: 'Fictionalson', dateOfBirth: '2019-04-02' } },
        ],
        concernCategories: ['DOMESTIC_ABUSE'],
        narrative: 'Fictional: police attended a domestic incident; the child was present.',
        consentSought: true,
        consentGiven: true,
      },
    });
    const id = submitReferral.id;
    const { referral } = await hub.gql<{ referral: { reference: string } }>(WORKER, REFERRAL, { id });

    const worker = await newPage();
    await signInAs(worker, hub.origin, /Sam Worker/);
    await worker.getByRole('link', { name: referral.reference, exact: true }).click();
    await worker.getByRole('heading', { name: new RegExp(`Referral ${referral.reference}`) }).waitFor();
    expect(await axeViolations(worker)).toEqual([]);
    await worker.getByLabel('RAG').selectOption('AMBER');
    await worker.getByLabel('Rationale').first().fill('Fictional: child present at a domestic incident; no injuries.');
    await worker.getByRole('button', { name: 'Rate', exact: true }).click();
    await worker.getByTestId('referral-status').getByText('screened').waitFor();

    // Someone else assigns it meanwhile: the worker is told before acting on a stale version.
    const { referral: current } = await hub.gql<{ referral: { version: number } }>(WORKER, REFERRAL, { id });
    await hub.gql(WORKER, ASSIGN, { id, v: current.version });
    await worker.getByText('Someone else changed this referral; reload').waitFor({ timeout: 10_000 });
    await worker.getByRole('button', { name: 'Reload' }).click();
    await worker.getByTestId('assigned-to').getByText('Kit Cover (fictional)').waitFor();

    await worker.getByLabel('Outcome').selectOption('EARLY_HELP');
    await worker.getByLabel('Threshold').selectOption('LEVEL_2_EARLY_HELP');
    await worker.getByLabel('Rationale').last().fill('Fictional: early help offer to the family.');
    await worker.getByRole('button', { name: 'Propose decision' }).click();
    await worker.getByTestId('referral-status').getByText('decision proposed').waitFor();
    expect(await worker.getByRole('button', { name: /Authorise/ }).count()).toBe(0);

    const manager = await newPage();
    await signInAs(manager, hub.origin, /Pat Manager/);
    await manager.getByRole('heading', { name: 'Triage queue' }).waitFor();
    await manager.getByRole('link', { name: referral.reference, exact: true }).click();
    await manager.getByRole('button', { name: 'Authorise the proposed decision' }).click();
    await manager.getByTestId('referral-status').getByText('closed').waitFor();
    expect(await axeViolations(manager)).toEqual([]);
    expect(problemsOf(worker)).toEqual([]);
    expect(problemsOf(manager)).toEqual([]);
  });

  /** A new referral about a new fictional child, rated and waiting on police. */
  async function referralWithPoliceCheck(label: string): Promise<{ id: string; reference: string }> {
    const { submitReferral } = await hub.gql<{ submitReferral: { id: string } }>(WORKER, SUBMIT, {
      key: `e2e-${label}-${Date.now()}`,
      input: {
        subjects: [
          { newPerson: { kind: 'CHILD', givenName: 'Jo', familyName: `Fictional${label}`, dateOfBirth: '2018-02-03' } },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional: e2e story, nursery reports repeated unexplained absences.',
        consentSought: true,
        consentGiven: true,
      },
    });
    const id = submitReferral.id;
    const v1 = (await hub.gql<{ referral: { version: number } }>(WORKER, REFERRAL, { id })).referral.version;
    const { rateReferral } = await hub.gql<{ rateReferral: { version: number } }>(WORKER, RATE, { id, v: v1 });
    await hub.gql(WORKER, CHECKS, { id, v: rateReferral.version });
    const { referral } = await hub.gql<{ referral: { reference: string } }>(WORKER, REFERRAL, { id });
    return { id, reference: referral.reference };
  }

  it('given a decision proposed while police have not answered, when the manager returns it and then authorises over the check with a reason, then each step is in the history with its reason', async () => {
    const { id, reference } = await referralWithPoliceCheck('Return');
    const propose = async () => {
      const { referral } = await hub.gql<{ referral: { version: number } }>(WORKER, REFERRAL, { id });
      await hub.gql(
        WORKER,
        `mutation($id: ID!, $v: Int!) { proposeDecision(id: $id, expectedVersion: $v, input: { outcome: EARLY_HELP, thresholdLevel: LEVEL_2_EARLY_HELP, rationale: "Fictional: early help offer" }) { version } }`,
        { id, v: referral.version },
      );
    };
    await propose();

    const manager = await newPage();
    await signInAs(manager, hub.origin, /Pat Manager/);
    await manager.evaluate(`location.hash = '#/referral/${id}'`);
    await manager.getByRole('heading', { name: new RegExp(`Referral ${reference}`) }).waitFor();
    const decide = manager.getByTestId('manager-decision');
    await decide.getByText('Checks from police are still outstanding').waitFor();
    // Authorising over an outstanding check needs the reason first.
    expect(await decide.getByRole('button', { name: 'Authorise the proposed decision' }).isDisabled()).toBe(true);
    // From the keyboard: the disclosure opens with Enter, the comment takes focus by Tab.
    await decide.getByText('Return to the worker').focus();
    await manager.keyboard.press('Enter');
    await manager.keyboard.press('Tab');
    expect(await manager.evaluate('document.activeElement.id')).toBe('text-return');
    await manager.keyboard.type('Fictional: wait for the police check or say why not.');
    expect(await axeViolations(manager)).toEqual([]);
    await decide.getByRole('button', { name: 'Return decision' }).click();
    await manager.getByTestId('referral-status').getByText('awaiting checks').waitFor();
    await manager.getByTestId('return-comment').getByText('Fictional: wait for the police check').waitFor();

    // The worker proposes again; meanwhile the manager's page is told, not overwritten.
    await propose();
    await manager.getByText('Someone else changed this referral; reload').waitFor({ timeout: 10_000 });
    await manager.getByRole('button', { name: 'Reload' }).click();
    await manager.getByTestId('referral-status').getByText('decision proposed').waitFor();
    await decide
      .getByLabel('Reason to decide without the outstanding checks')
      .fill('Fictional: the family agreed early help; police hold nothing urgent by phone.');
    await decide.getByRole('button', { name: 'Authorise the proposed decision' }).click();
    await manager.getByTestId('referral-status').getByText('closed').waitFor();
    const history = manager.getByTestId('history-row');
    await history.filter({ hasText: 'return decision' }).filter({ hasText: 'wait for the police check' }).waitFor();
    await history.filter({ hasText: 'authorise decision' }).filter({ hasText: 'police hold nothing urgent' }).waitFor();
    expect(
      await manager
        .getByRole('table', { name: /Checks requested/ })
        .getByText(/Closed \(decided without\)/)
        .count(),
    ).toBe(1);
    expect(await axeViolations(manager)).toEqual([]);
    expect(problemsOf(manager)).toEqual([]);
  });

  it('given a referral waiting on police, when a worker closes the check as timed out and then withdraws the referral, then both reasons are recorded and the actions go', async () => {
    const { id, reference } = await referralWithPoliceCheck('Withdraw');
    const worker = await newPage();
    await signInAs(worker, hub.origin, /Sam Worker/);
    await worker.evaluate(`location.hash = '#/referral/${id}'`);
    await worker.getByRole('heading', { name: new RegExp(`Referral ${reference}`) }).waitFor();
    expect(await worker.getByTestId('manager-decision').count()).toBe(0);
    await worker.getByLabel('Check', { exact: true }).selectOption({ label: 'police' });
    await worker.getByLabel('Reason', { exact: true }).selectOption('TIMED_OUT');
    await worker.getByLabel('Note (optional)').fill('Fictional: no answer after two reminders.');
    await worker.getByRole('button', { name: 'Close check' }).click();
    await worker.getByTestId('referral-status').getByText('ready for decision').waitFor();
    // A change's own answer withholds purpose-bound fields; the desk re-reads with its purpose.
    expect(await worker.getByTestId('narrative').textContent()).toContain('nursery reports');
    await worker.getByText('Withdraw this referral').click();
    await worker
      .getByLabel('Why it is withdrawn')
      .fill('Fictional: the referrer withdrew; a single agency is dealing with it.');
    expect(await axeViolations(worker)).toEqual([]);
    await worker.getByRole('button', { name: 'Withdraw referral' }).click();
    await worker.getByTestId('referral-status').getByText('withdrawn').waitFor();
    const history = worker.getByTestId('history-row');
    await history.filter({ hasText: 'close check (police)' }).filter({ hasText: 'timed out' }).waitFor();
    await history.filter({ hasText: 'withdraw' }).filter({ hasText: 'single agency' }).waitFor();
    expect(await worker.getByRole('button', { name: 'Withdraw referral' }).count()).toBe(0);
    expect(problemsOf(worker)).toEqual([]);
  });

  it("given a referrer quoting a known child's NHS number for a new subject, when a worker compares the sources and rejects the match with a note, then the issue moves to rejected", async () => {
    const [child] = (await hub.db.query(
      `SELECT nhs_number FROM person WHERE kind = 'CHILD' AND nhs_number IS NOT NULL AND NOT provisional ORDER BY id LIMIT 1`,
    )) as Array<{ nhs_number: string }>;
    const referrer = {
      sub: 'ref-e2e',
      name: 'Rita Referrer (fictional)',
      agency: 'education',
      roles: ['PARTNER_REFERRER'],
    };
    const { submitReferral } = await hub.gql<{ submitReferral: { id: string } }>(referrer, SUBMIT, {
      key: `e2e-dq-${Date.now()}`,
      input: {
        subjects: [
          {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Quinn',
              familyName: 'Fictionalmatch',
              nhsNumber: child!.nhs_number,
            },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional: e2e story, a school referral quoting an NHS number.',
        consentSought: true,
        consentGiven: true,
      },
    });
    const worker = await newPage();
    await signInAs(worker, hub.origin, /Sam Worker/);
    await worker.getByRole('link', { name: 'Data quality' }).click();
    const issue = worker
      .getByTestId('dq-issue')
      .filter({ has: worker.locator(`a[href="#/referral/${submitReferral.id}"]`) });
    await issue.waitFor();
    const sources = issue.getByRole('table', { name: 'What each source says' });
    await sources.getByText('Quinn').waitFor();
    expect(await sources.getByText(child!.nhs_number).count()).toBeGreaterThan(0);
    expect(await axeViolations(worker)).toEqual([]);
    await issue.getByLabel('Different people: reject the match').check();
    await issue
      .getByLabel('Why (kept with the decision)')
      .fill('Fictional: different date of birth and school; the number was mistyped.');
    await issue.getByRole('button', { name: 'Record decision' }).click();
    await worker.getByText('Decided: reject match.').waitFor();
    expect(await issue.count()).toBe(0);
    await worker.getByLabel('Show').selectOption('REJECTED');
    await issue.getByText(/rejected by .*: Fictional: different date of birth/).waitFor();
    expect(problemsOf(worker)).toEqual([]);
  });

  it('given the police officer opened a child, when an IG auditor looks up the child in the access log, then the access is there with purpose, released and withheld fields', async () => {
    expect(openedByPolice).toBeDefined();
    const ig = await newPage();
    await signInAs(ig, hub.origin, /Ira Auditor/);
    await ig.getByRole('heading', { name: 'Access log' }).waitFor();
    await ig.getByLabel('Person id').fill(openedByPolice!);
    await ig.getByRole('button', { name: 'Show accesses' }).click();
    const entry = ig
      .getByTestId('access-entry')
      .filter({ hasText: 'PC Example (fictional)' })
      .filter({ hasText: 'agency check' })
      // The record's own read (operation "Child"), not the child protection pathway read beside it.
      .filter({ hasText: /Child \(/ })
      .first();
    await entry.waitFor();
    expect(await entry.textContent()).toMatch(/Withheld: .*HealthRecord\.clinicalNotes/);
    expect(await axeViolations(ig)).toEqual([]);
    expect(problemsOf(ig)).toEqual([]);
  });

  it('given health detail withheld from the police officer, when the officer breaks the glass with a reason, then the time box is shown and the detail is released', async () => {
    expect(openedByPolice).toBeDefined();
    const police = await newPage();
    await signInAs(police, hub.origin, /PC Example/);
    await police.evaluate(`location.hash = '#/child/${openedByPolice}'`);
    await police.getByLabel(/Purpose of use/).selectOption('AGENCY_CHECK');
    await police.getByRole('button', { name: 'Open record' }).click();
    const withheld = police.locator(
      '[data-testid="record"][data-agency="health"] [data-testid="withheld"][data-path$=".clinicalNotes"]',
    );
    await withheld.first().waitFor();
    const button = police.getByRole('button', { name: 'Open break-glass' });
    expect(await button.isDisabled()).toBe(true);
    await police
      .getByLabel(/Why you need it now/)
      .fill('Fictional: child missing overnight, urgent risk assessment needed.');
    await police.getByLabel(/I understand this use is alerted/).check();
    expect(await axeViolations(police)).toEqual([]);
    await button.click();
    await police.getByTestId('break-glass-open').waitFor();
    await police.getByText('Opened for break glass.').waitFor();
    expect(await withheld.count()).toBe(0);
    expect(problemsOf(police)).toEqual([]);
  });

  it('given a manager, when the board is opened, then the measures for the month show with their charts', async () => {
    const manager = await newPage();
    await signInAs(manager, hub.origin, /Pat Manager/);
    await manager.getByRole('link', { name: 'Board' }).click();
    await manager.getByTestId('measure').first().waitFor({ timeout: 20_000 });
    expect(await manager.getByTestId('measure').count()).toBeGreaterThan(5);
    expect(await manager.locator('svg[role="img"]').count()).toBeGreaterThan(5);
    // Attendance by agency for the month: a bar per agency with a rate, every count in the table.
    const attendance = manager.getByTestId('attendance');
    const held = Number((await attendance.getByText(/meetings held/).textContent())!.match(/^(\d+)/)![1]);
    if (held > 0) {
      expect(await attendance.getByTestId('attendance-row').count()).toBeGreaterThan(0);
      expect(await attendance.locator('svg[role="img"]').getAttribute('aria-label')).toMatch(
        /^Attendance rate by agency: .*\d+%/,
      );
    } else {
      await attendance.getByText(/No meetings were held/).waitFor();
    }
    await screenshot(manager, 'board');
    expect(await axeViolations(manager)).toEqual([]);
    expect(problemsOf(manager)).toEqual([]);
  });

  it('given the demo meetings, when a worker opens Meetings, then each shows its invitees, attendance and quorum', async () => {
    const [{ n }] = (await hub.db.query(`SELECT count(*)::int AS n FROM meeting`)) as [{ n: number }];
    expect(n).toBeGreaterThan(0);
    const worker = await newPage();
    await signInAs(worker, hub.origin, /Sam Worker/);
    await worker.getByRole('link', { name: 'Meetings' }).click();
    await worker.getByRole('heading', { name: 'Meetings' }).waitFor();
    await worker.getByLabel('Upcoming only').uncheck();
    await worker.getByTestId('meeting').first().waitFor();
    expect(
      await worker.getByTestId('meeting').first().getByRole('table', { name: 'Invitees and attendance' }).count(),
    ).toBe(1);
    expect(await axeViolations(worker)).toEqual([]);
    expect(problemsOf(worker)).toEqual([]);
  });

  it('given a referral, when a worker schedules a strategy discussion and records apologies, the outcome, an action and completes it without quorum, then quorum, who is missing and the conference due date show', async () => {
    const { id, reference } = await referralWithPoliceCheck('Meeting');
    const worker = await newPage();
    await signInAs(worker, hub.origin, /Sam Worker/);
    await worker.evaluate(`location.hash = '#/referral/${id}'`);
    await worker.getByRole('heading', { name: new RegExp(`Referral ${reference}`) }).waitFor();
    await worker.getByLabel('Meeting', { exact: true }).selectOption('STRATEGY_DISCUSSION');
    await worker.getByRole('button', { name: 'Schedule' }).click();
    await worker.getByText('Meeting scheduled (see Meetings): done.').waitFor();
    const [{ n }] = (await hub.db.query(
      `SELECT count(*)::int AS n FROM meeting WHERE referral_id = $1 AND scheduled_at > now()`,
      [id],
    )) as [{ n: number }];
    expect(n).toBe(1);

    // One that is due now, so it can be held (the hub refuses holding a meeting before its time).
    const { scheduleMeeting } = await hub.gql<{ scheduleMeeting: { id: string } }>(
      WORKER,
      `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`,
      {
        input: { type: 'STRATEGY_DISCUSSION', referralId: id, scheduledAt: new Date(Date.now() + 1500).toISOString() },
      },
    );
    await worker.waitForTimeout(1600);
    await worker.getByRole('link', { name: 'Meetings' }).click();
    await worker.getByLabel('Upcoming only').uncheck();
    const meeting = worker.locator(`article[aria-labelledby="meeting-${scheduleMeeting.id}"]`);
    await meeting.getByRole('button', { name: 'Mark as held' }).click();
    await meeting.getByText('Marked as held: done.').waitFor();
    await meeting.getByLabel('Invitee').selectOption({ label: 'police' });
    await meeting.getByLabel('Attendance', { exact: true }).selectOption('SENT_APOLOGIES');
    expect(await meeting.getByRole('button', { name: 'Record attendance' }).isDisabled()).toBe(true);
    await meeting
      .getByLabel('Reason for not attending')
      .fill('Fictional: officer on a live incident; information sent.');
    await meeting.getByRole('button', { name: 'Record attendance' }).click();
    await meeting
      .getByRole('table', { name: 'Invitees and attendance' })
      .getByText('Fictional: officer on a live incident')
      .waitFor();
    await meeting.getByLabel('Outcome of the strategy discussion').selectOption('SECTION_47_JOINT');
    await meeting.getByLabel('Decisions (one a line)').fill('Fictional: joint section 47 enquiry.');
    await meeting.getByRole('button', { name: 'Record outcome' }).click();
    await meeting.getByText('Outcome recorded: done.').waitFor();
    // A section 47 outcome sets the initial conference due date.
    expect(await meeting.getByTestId('icpc-due').textContent()).toMatch(/\d{4}/);
    await meeting.getByLabel('Action', { exact: true }).fill('Fictional: visit the child with police within 24 hours.');
    await meeting.getByLabel('Owner (agency code or name)').fill('police');
    await meeting.getByLabel('Due', { exact: true }).fill(new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
    await meeting.getByRole('button', { name: 'Add action' }).click();
    await meeting.getByText(/Fictional: visit the child with police within 24 hours\. — police/).waitFor();
    await meeting.getByText(/Not quorate: .*police/).waitFor();
    expect(await axeViolations(worker)).toEqual([]);
    await meeting
      .getByLabel('Why it is completed without quorum')
      .fill('Fictional: police sent their information; the child could not wait.');
    await meeting.getByRole('button', { name: 'Complete meeting' }).click();
    await meeting
      .getByText(/completed/)
      .first()
      .waitFor();
    await meeting.getByText('Completed without quorum:').waitFor();
    expect(await meeting.getByTestId('meeting-work').count()).toBe(0);
    expect(problemsOf(worker)).toEqual([]);
  });

  it("given an IG auditor watching alerts, when a police officer opens break-glass on a child, then the alert appears without reloading, and IG acknowledges its own alert but not an agency's", async () => {
    const ig = await newPage();
    await signInAs(ig, hub.origin, /Ira Auditor/);
    await ig.getByRole('link', { name: 'Alerts' }).click();
    await ig.getByRole('table').waitFor();
    await ig.waitForTimeout(500);
    const [child] = (await hub.db.query(
      `SELECT id FROM person WHERE kind = 'CHILD' ORDER BY id DESC LIMIT 1`,
    )) as Array<{ id: string }>;
    await hub.gql(
      { sub: 'pc-101', name: 'PC Example (fictional)', agency: 'police', roles: ['POLICE_MASH_OFFICER'] },
      `mutation($id: ID!) { openBreakGlass(personId: $id, reason: "Fictional: child missing overnight, urgent risk assessment") { id } }`,
      { id: child!.id },
    );
    await ig
      .getByTestId('alert')
      .filter({ hasText: 'Break-glass opened' })
      .filter({ hasText: child!.id })
      .first()
      .waitFor({ timeout: 10_000 });
    expect(await axeViolations(ig)).toEqual([]);
    // IG acknowledges its own alert; an agency's alert it can read offers no button (ADR 021).
    const own = ig
      .getByTestId('alert')
      .filter({ hasText: child!.id })
      .filter({ hasText: 'information governance' })
      .first();
    await own.getByRole('button', { name: 'Acknowledge' }).click();
    await own
      .getByTestId('acknowledged')
      .filter({ hasText: /Ira Auditor/ })
      .waitFor();
    const agencys = ig
      .getByTestId('alert')
      .filter({ hasText: child!.id })
      .filter({ hasNotText: 'information governance' });
    expect(await agencys.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await axeViolations(ig)).toEqual([]);
    expect(problemsOf(ig)).toEqual([]);
  });

  it("given break-glass uses by the police officer, when an IG auditor reviews one and exports the officer's break-glass accesses, then the review is final and the CSV holds the accesses", async () => {
    const ig = await newPage();
    await signInAs(ig, hub.origin, /Ira Auditor/);
    await ig.getByRole('link', { name: 'Break-glass reviews' }).click();
    const use = ig.getByTestId('break-glass').filter({ hasText: 'PC Example (fictional)' }).first();
    await use.waitFor();
    const heading = (await use.getByRole('heading').textContent())!;
    expect(await axeViolations(ig)).toEqual([]);
    expect(await use.getByRole('button', { name: 'Record review' }).isDisabled()).toBe(true);
    await use.getByLabel('Outcome').selectOption('JUSTIFIED_WITH_ADVICE');
    await use
      .getByLabel('Review note (final)')
      .fill('Fictional: justified; advised to record the urgency in the police system too.');
    await use.getByRole('button', { name: 'Record review' }).click();
    await ig.getByText('Reviewed: justified with advice.').waitFor();
    await ig.getByLabel('Show').selectOption('REVIEWED');
    const reviewed = ig
      .getByTestId('break-glass')
      .filter({ has: ig.getByRole('heading', { name: heading, exact: true }) });
    await reviewed.getByText(/justified with advice by .*: Fictional: justified; advised/).waitFor();
    expect(await reviewed.getByRole('button', { name: 'Record review' }).count()).toBe(0);

    await ig.getByRole('link', { name: 'Access log' }).click();
    expect(await ig.getByRole('button', { name: 'Export CSV' }).isDisabled()).toBe(true);
    await ig.getByLabel('Actor (user id)').fill('pc-101');
    await ig.getByLabel('Break-glass only').check();
    await ig.getByRole('button', { name: 'Show accesses' }).click();
    await ig.getByTestId('access-entry').first().waitFor();
    expect(await ig.getByTestId('access-entry').filter({ hasNotText: 'PC Example (fictional)' }).count()).toBe(0);
    expect(await axeViolations(ig)).toEqual([]);
    const [download] = await Promise.all([
      ig.waitForEvent('download'),
      ig.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^access-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n').length).toBeGreaterThan(1);
    expect(csv).toContain('pc-101');
    await ig.getByText(/Exported \d+ lines as CSV\./).waitFor();
    expect(problemsOf(ig)).toEqual([]);
  });

  it('given development, when a developer opens /graphql in the browser, then the offline GraphiQL explorer answers, keeping nothing in storage', async () => {
    const page = await newPage();
    await page.goto(`${hub.origin}/graphql`);
    expect(new URL(page.url()).pathname).toBe('/explorer');
    await page.locator('.graphiql-container').waitFor();
    await page.getByRole('button', { name: /Execute query/ }).click();
    // No token in the headers yet: the hub's own answer comes back.
    await page.locator('.result-window').getByText('UNAUTHENTICATED').waitFor();
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
    expect(problemsOf(page).filter((p) => !/status of 401/.test(p))).toEqual([]);
  });

  it('given the sign-in page, then it passes the accessibility checks and works from the keyboard alone', async () => {
    const page = await newPage();
    await page.goto(`${hub.origin}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // Tab to the first demo user, arrow to the next (the manager), tab to the button, press Enter.
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText(/Pat Manager \(fictional\) · social-care/).waitFor();
    await page.getByRole('heading', { name: 'Triage queue' }).waitFor();
    // The skip link moves focus to the content without changing the route.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    await page.getByRole('heading', { name: 'Triage queue' }).waitFor();
    // A reload forgets the session: the token was only ever in memory.
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(problemsOf(page)).toEqual([]);
  });

  it('given a worker watching the queue, when the connection drops, a referral is assigned meanwhile and the connection comes back, then the change appears without reloading', async () => {
    const url = new URL(hub.origin);
    const proxy = await startDroppingProxy({ host: url.hostname, port: Number(url.port) });
    try {
      const page = await newPage();
      await signInAs(page, proxy.origin, /Sam Worker/);
      await page.getByTestId('queue-row').first().waitFor();
      const [target] = (await hub.db.query(
        `SELECT id, reference FROM referral WHERE status IN ('SCREENED','AWAITING_CHECKS','READY_FOR_DECISION')
          ORDER BY decision_due_at DESC LIMIT 1`,
      )) as Array<{ id: string; reference: string }>;
      const row = page
        .getByTestId('queue-row')
        .filter({ has: page.getByRole('rowheader', { name: target!.reference, exact: true }) });
      await row.waitFor();

      // The live view is up before the drop (a change made while connected shows), so the desk has
      // a point to resume from; a fixed wait here raced the subscription's start on a loaded machine.
      const before = await hub.gql<{ referral: { version: number } }>(WORKER, REFERRAL, { id: target!.id });
      await hub.gql(
        WORKER,
        `mutation($id: ID!, $v: Int!) { assignReferral(id: $id, assignee: { sub: "sw-7", name: "Lee Live (fictional)" }, expectedVersion: $v) { version } }`,
        { id: target!.id, v: before.referral.version },
      );
      await row.getByText('Lee Live (fictional)').waitFor({ timeout: 30_000 });

      // The socket drops; while the desk is away, another user assigns the referral.
      proxy.drop();
      const { referral } = await hub.gql<{ referral: { version: number } }>(WORKER, REFERRAL, { id: target!.id });
      await hub.gql(
        WORKER,
        `mutation($id: ID!, $v: Int!) { assignReferral(id: $id, assignee: { sub: "sw-8", name: "Remy Resume (fictional)" }, expectedVersion: $v) { version } }`,
        { id: target!.id, v: referral.version },
      );
      await page.waitForTimeout(1_500);
      expect(await row.getByText('Remy Resume (fictional)').count()).toBe(0);

      // The connection comes back: graphql-ws reconnects and the desk resumes from where it dropped.
      proxy.restore();
      await row.getByText('Remy Resume (fictional)').waitFor({ timeout: 30_000 });
      expect(problemsOf(page).filter((p) => !/WebSocket|ERR_CONNECTION|net::/.test(p))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it("given a school's call, when a worker records it as a new contact with the census source, the school and the caller's role, then the hub stores who made it and the referral shows it; a refused contact stores nothing", async () => {
    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.getByRole('heading', { name: 'New contact' }).waitFor();
    const button = page.getByRole('button', { name: 'Record the contact' });
    expect(await button.isDisabled()).toBe(true);

    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Given name').fill('Robin');
    await page.getByLabel('Family name').fill('Fictional-Contact');
    await page.getByLabel('Date of birth (if known)').fill(tomorrow);
    await page.getByLabel('Source').selectOption({ label: 'School' });
    await page.getByLabel('Their organisation (if any)').fill('Larkspur Lane Primary (fictional, e2e)');
    await page.getByLabel('Their role (if any)').fill('Designated safeguarding lead');
    await page.getByLabel('neglect').check();
    await page.getByLabel('What was said').fill('Fictional: the school reports the child arriving hungry most days.');
    await page.getByLabel('Not sought').check();
    await page
      .getByLabel('Why consent was not sought or not given')
      .fill('Fictional: seeking consent could place the child at risk.');
    await page.getByLabel('Lawful basis for sharing without consent').selectOption('SAFEGUARDING_CHILDREN_AT_RISK');
    expect(await axeViolations(page)).toEqual([]);

    const count = async () =>
      (
        (await hub.db.query(
          `SELECT count(*)::int AS n FROM referral WHERE referrer_organisation = 'Larkspur Lane Primary (fictional, e2e)'`,
        )) as [{ n: number }]
      )[0].n;
    // A birth date in the future is refused by the hub, named, and nothing is stored.
    await button.click();
    await page
      .getByRole('alert')
      .filter({ hasText: /future/ })
      .waitFor();
    expect(await count()).toBe(0);

    await page.getByLabel('Date of birth (if known)').fill('2016-05-04');
    await button.click();
    const receipt = page.getByTestId('contact-receipt');
    await receipt.waitFor();
    expect(await receipt.textContent()).toMatch(/The decision on the type of response is due by/);
    expect(await axeViolations(page)).toEqual([]);
    const [stored] = (await hub.db.query(
      `SELECT id, source, referrer_organisation, referrer_role FROM referral WHERE referrer_organisation = 'Larkspur Lane Primary (fictional, e2e)'`,
    )) as Array<{ id: string; source: string; referrer_organisation: string; referrer_role: string }>;
    expect(await count()).toBe(1);
    expect(stored).toMatchObject({ source: 'SCHOOLS', referrer_role: 'Designated safeguarding lead' });

    await page.getByRole('link', { name: /^Open / }).click();
    await page.getByTestId('referral-source').waitFor();
    expect(await page.getByTestId('referral-source').textContent()).toBe(
      'Education: School — Designated safeguarding lead, Larkspur Lane Primary (fictional, e2e)',
    );
    expect(page.url()).toBe(`${hub.origin}/#/referral/${stored!.id}`);
    expect(problemsOf(page).filter((p) => !/status of 400/.test(p))).toEqual([]);
  });

  it('given the demo missing episodes, when a worker opens Missing, then every episode shows with its interview clock and the overdue filter narrows it; an IG auditor gets no such screen', async () => {
    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    await page.getByRole('link', { name: 'Missing' }).click();
    await page.getByRole('heading', { name: 'Missing episodes' }).waitFor();
    await page.getByTestId('missing-row').first().waitFor();
    const [{ all, overdue }] = (await hub.db.query(
      `SELECT count(*)::int AS all,
              count(*) FILTER (WHERE status = 'RETURNED' AND returned_at + interval '72 hours' < now())::int AS overdue
         FROM missing_episode`,
    )) as [{ all: number; overdue: number }];
    expect(await page.getByTestId('missing-row').count()).toBe(Math.min(all, 50));
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Only interviews overdue').check();
    // The list is read again with the filter (the CSP forbids a string predicate in the page).
    for (let tries = 0; tries < 50; tries++) {
      if ((await page.getByTestId('missing-row').count()) === Math.min(overdue, 50)) break;
      await page.waitForTimeout(200);
    }
    expect(await page.getByTestId('missing-row').count()).toBe(Math.min(overdue, 50));
    if (overdue > 0) expect(await page.getByText('Overdue', { exact: true }).count()).toBe(Math.min(overdue, 50));
    expect(problemsOf(page)).toEqual([]);

    const ig = await newPage();
    await signInAs(ig, hub.origin, /Ira Auditor/);
    await ig.getByRole('link', { name: 'Access log' }).waitFor();
    expect(await ig.getByRole('link', { name: 'Missing' }).count()).toBe(0);
    await ig.goto(`${hub.origin}/#/missing`);
    await ig.getByText('This screen is not for your role.').waitFor();
  });

  it("given a hub whose desk signs in at the partnership's OpenID Connect provider, when a worker signs in there, then the queue shows and the token was never in storage or an address", async () => {
    const provider = await startTestProvider({ clientId: 'mash-desk', audience: 'mash-hub' });
    try {
      const { origin } = await hub.startAnotherHub({
        AUTH_JWKS_URL: provider.jwksUrl,
        AUTH_ISSUER: provider.issuer,
        AUTH_AUDIENCE: 'mash-hub',
        DESK_OIDC_CLIENT_ID: 'mash-desk',
      });
      provider.allowRedirect(`${origin}/`);
      provider.signInAs({
        sub: 'sw-oidc',
        name: 'Ola Provider (fictional)',
        agency: 'social-care',
        roles: ['MASH_SOCIAL_WORKER'],
        partnerships: ['default'],
      });
      const page = await newPage();
      const addresses: string[] = [];
      page.on('framenavigated', (f) => f === page.mainFrame() && addresses.push(f.url()));
      let accessToken: string | undefined;
      page.on('response', (r) => {
        if (r.url() === `${provider.issuer}/token` && r.ok())
          void r.json().then((b: { access_token: string }) => (accessToken = b.access_token));
      });

      await page.goto(`${origin}/`);
      const button = page.getByRole('button', { name: 'Sign in with your partnership account' });
      await button.waitFor();
      // No development sign-in where the hub has a provider.
      expect(await page.getByText('Development sign-in').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await button.click();
      // The provider's page, then back to the desk with a code.
      await page.getByRole('link', { name: 'Continue to MASH Desk' }).click();
      await page.getByRole('heading', { name: 'Triage queue' }).waitFor();
      await page.getByText(/Ola Provider \(fictional\) · social-care/).waitFor();
      await page.getByTestId('queue-row').first().waitFor();

      // The desk redeemed the code with the PKCE verifier; the answer's code left the address bar.
      expect(accessToken).toMatch(/^eyJ/);
      const authorize = provider.requests.find((r) => r.startsWith('/authorize'))!;
      expect(new URL(authorize, provider.issuer).searchParams.get('code_challenge_method')).toBe('S256');
      expect(page.url()).toMatch(new RegExp(`^${origin}/(#/queue)?$`));
      const stored = (await page.evaluate(
        'JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })',
      )) as string;
      expect(JSON.parse(stored)).toEqual({ local: {}, session: {}, cookie: '' });
      expect(stored).not.toContain(accessToken!);
      for (const address of addresses) expect(address).not.toContain(accessToken!);
      expect(addresses.some((a) => a.startsWith(`${origin}/?code=`))).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      expect(problemsOf(page)).toEqual([]);

      // The code is single use: opening the answer again signs no one in.
      const again = await newPage();
      await again.goto(addresses.find((a) => a.startsWith(`${origin}/?code=`))!);
      await again.getByText('This sign-in was not started here, or was already used: sign in again').waitFor();
      expect(again.url()).toBe(`${origin}/`);
    } finally {
      await provider.close();
    }
  });
});
