import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, signInAs, startDeskHub, type DeskHub } from './support/desk-hub';

/**
 * MASH Desk's cohort screens (ADR 035) in a real chromium against a real hub with the demo
 * partnership: early help, private fostering, the LADO's allegations and the return home interview.
 * Each screen is checked with axe-core, and one role that gets no such screen is shown none.
 */

const WORKER = { sub: 'sw-2', name: 'Alex Example (fictional)', agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] };
const MANAGER = { sub: 'manager-2', name: 'Mo Other (fictional)', agency: 'social-care', roles: ['MASH_MANAGER'] };

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const SUBJECTS = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { subjects { id } } }`;
const STEP_DOWN = `mutation($input: StepDownInput!) { stepDownToEarlyHelp(input: $input) { id version } }`;
const UPDATE_EH = `mutation($id: ID!, $v: Int!) { updateEarlyHelpEpisode(id: $id, expectedVersion: $v, input: { leadProfessionalName: "Fictional Other Worker" }) { version } }`;
const MISSING = `mutation($input: RecordMissingEpisodeInput!) { recordMissingEpisode(input: $input) { id version } }`;
const RAISE = `mutation($input: RaiseExploitationFlagInput!) { raiseExploitationFlag(input: $input) { id version } }`;

describe('MASH Desk cohort screens in chromium', () => {
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

  beforeAll(async () => {
    [hub, chromium] = await Promise.all([startDeskHub(), launchChromium()]);
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await chromium?.close();
    await hub?.close();
  });

  /** A new fictional child the social worker reaches (the subject of a new referral); returns the child's id. */
  async function newChild(label: string): Promise<string> {
    const { submitReferral } = await hub.gql<{ submitReferral: { id: string } }>(WORKER, SUBMIT, {
      key: `e2e-cohort-${label}-${Date.now()}`,
      input: {
        subjects: [
          {
            newPerson: { kind: 'CHILD', givenName: 'Sky', familyName: `Fictional${label}`, dateOfBirth: '2012-05-06' },
          },
        ],
        concernCategories: ['NEGLECT'],
        narrative: 'Fictional: e2e cohort story.',
        consentSought: true,
        consentGiven: true,
      },
    });
    const { referral } = await hub.gql<{ referral: { subjects: Array<{ id: string }> } }>(WORKER, SUBJECTS, {
      id: submitReferral.id,
    });
    return referral.subjects[0]!.id;
  }

  /** The row of a list that links to this child. */
  const rowOf = (page: Page, testId: string, childId: string) =>
    page.getByTestId(testId).filter({ has: page.locator(`a[href="#/child/${childId}"]`) });

  /** Waits until the count matches (the list is read again after a change or a filter). */
  async function countBecomes(read: () => Promise<number>, expected: number): Promise<number> {
    let n = await read();
    for (let tries = 0; tries < 50 && n !== expected; tries++) {
      await new Promise((r) => setTimeout(r, 200));
      n = await read();
    }
    return n;
  }

  it("given a referred child, when a manager finds and steps them down, records the lead professional, meets someone else's change and steps the child up, then each is stored and the stale change is refused; a worker is offered no step-up and an IG auditor no screen", async () => {
    const childId = await newChild('EarlyHelp');
    const page = await newPage();
    await signInAs(page, hub.origin, /Pat Manager/);
    await page.getByRole('link', { name: 'Early help', exact: true }).click();
    await page.getByRole('heading', { name: 'Early help' }).waitFor();

    // The manager finds the child and steps them down from the screen.
    const down = page.getByTestId('early-help-step-down');
    await down.getByText('Step a child down into early help').click();
    await down.getByLabel('Family name').fill('FictionalEarlyHelp');
    await down.getByLabel('Date of birth').fill('2012-05-06');
    await down.getByRole('button', { name: 'Find the child' }).click();
    await down.getByLabel(/Sky FictionalEarlyHelp, born 6 May 2012/).check();
    await down.getByLabel('Agreed with (the early help team manager)').fill('Fictional Early Help Team Manager');
    await down.getByLabel('Reason').fill('Fictional: needs can be met by early help');
    expect(await axeViolations(page)).toEqual([]);
    await down.getByRole('button', { name: 'Step down' }).click();
    await down.getByText('Stepped down into early help: done.').waitFor();
    const [episode] = (await hub.db.query(
      `SELECT id FROM early_help_episode WHERE person_id = $1 AND status = 'OPEN'`,
      [childId],
    )) as Array<{ id: string }>;
    expect(episode).toBeDefined();

    const row = rowOf(page, 'early-help-row', childId);
    await row.waitFor();
    await row
      .getByText(/Stepped down .* agreed by Pat Manager \(fictional\) with Fictional Early Help Team Manager/)
      .waitFor();
    const [{ open }] = (await hub.db.query(
      `SELECT count(*)::int AS open FROM early_help_episode WHERE status = 'OPEN'`,
    )) as [{ open: number }];
    expect(await page.getByTestId('early-help-row').count()).toBe(Math.min(open, 50));
    expect(await axeViolations(page)).toEqual([]);

    // Keyboard: the row's button opens the forms and focus lands on their heading.
    await row.getByRole('button', { name: /Record/ }).focus();
    await page.keyboard.press('Enter');
    const work = page.getByTestId('early-help-work');
    await work.waitFor();
    // The panel takes focus in an effect after it renders: wait for it rather than read it at once
    // (in CI the read came first). A panel that never takes focus still fails, at the wait's timeout.
    await page.waitForFunction("document.activeElement?.id === 'early-help-work-title'", undefined, {
      timeout: 10_000,
    });
    expect(await page.evaluate('document.activeElement?.id')).toBe('early-help-work-title');
    expect(await axeViolations(page)).toEqual([]);
    await work.getByLabel('Lead professional').fill('Fictional Family Support Worker');
    await work.getByLabel('Their agency (code)').fill('education');
    await work.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Episode updated: done.').waitFor();
    await row.getByText('Fictional Family Support Worker, education').waitFor();

    // Someone else changes the episode meanwhile: the step-up is refused and the screen says so.
    const [{ version }] = (await hub.db.query(`SELECT version FROM early_help_episode WHERE id = $1`, [
      episode.id,
    ])) as [{ version: number }];
    await hub.gql(WORKER, UPDATE_EH, { id: episode.id, v: version });
    await work.getByLabel('Agreed with (early help lead or team manager)').fill('Fictional Early Help Lead');
    await work.getByLabel('Reason').fill('Fictional: the school reports new concerns');
    await work.getByRole('button', { name: 'Step up' }).click();
    await page.getByText('Someone else changed this; reload to see their change before you act.').waitFor();
    const [stillOpen] = (await hub.db.query(`SELECT status FROM early_help_episode WHERE id = $1`, [
      episode.id,
    ])) as Array<{
      status: string;
    }>;
    expect(stillOpen!.status).toBe('OPEN');
    await page.getByRole('button', { name: 'Reload' }).click();
    await row.getByText('Fictional Other Worker').waitFor();
    // The forms stay open, started afresh on the new version.
    await work.getByLabel('Agreed with (early help lead or team manager)').fill('Fictional Early Help Lead');
    await work.getByLabel('Reason').fill('Fictional: the school reports new concerns');
    await work.getByRole('button', { name: 'Step up' }).click();
    await page.getByText('Stepped up to social care: done.').waitFor();
    expect(await rowOf(page, 'early-help-row', childId).count()).toBe(0);
    const [stored] = (await hub.db.query(
      `SELECT h.status, t.agreed_with FROM early_help_episode h JOIN step_transition t ON t.early_help_episode_id = h.id AND t.direction = 'STEP_UP' WHERE h.id = $1`,
      [episode.id],
    )) as Array<{ status: string; agreed_with: string }>;
    expect(stored).toEqual({ status: 'STEPPED_UP', agreed_with: 'Fictional Early Help Lead' });
    await page.getByLabel('Show').selectOption('STEPPED_UP');
    await rowOf(page, 'early-help-row', childId)
      .getByText(/Stepped up .* with Fictional Early Help Lead/)
      .waitFor();
    expect(problemsOf(page)).toEqual([]);

    // A social worker records on an open episode but is offered no step-up: it is a manager's decision.
    const second = await newChild('EarlyHelpWorker');
    await hub.gql(MANAGER, STEP_DOWN, {
      input: { personId: second, at: new Date().toISOString(), agreedWith: 'Fictional EH', reason: 'Fictional: e2e' },
    });
    const worker = await newPage();
    await signInAs(worker, hub.origin, /Sam Worker/);
    await worker.getByRole('link', { name: 'Early help', exact: true }).click();
    await rowOf(worker, 'early-help-row', second)
      .getByRole('button', { name: /Record/ })
      .click();
    await worker.getByTestId('early-help-work').getByRole('button', { name: 'Close episode' }).waitFor();
    expect(await worker.getByRole('button', { name: 'Step up' }).count()).toBe(0);
    expect(problemsOf(worker)).toEqual([]);

    const ig = await newPage();
    await signInAs(ig, hub.origin, /Ira Auditor/);
    await ig.getByRole('link', { name: 'Access log', exact: true }).waitFor();
    expect(await ig.getByRole('link', { name: 'Early help', exact: true }).count()).toBe(0);
    await ig.goto(`${hub.origin}/#/early-help`);
    await ig.getByText('This screen is not for your role.').waitFor();
  });

  it("given a private foster carer's notification recorded three weeks after it came, when a worker filters for overdue visits, records the visit and closes the arrangement, then the clocks move and both are stored; an IG auditor gets no such screen", async () => {
    const childId = await newChild('Fostering');
    // Notified three weeks ago: the initial visit (7 working days) is overdue.
    const notifiedAt = new Date(Date.now() - 21 * 86_400_000);
    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    await page.getByRole('link', { name: 'Private fostering', exact: true }).click();
    await page.getByRole('heading', { name: 'Private fostering' }).waitFor();

    // The worker finds the child and records the carer's notification from the screen.
    const notify = page.getByTestId('pf-notify');
    await notify.getByText('Record a notification').click();
    await notify.getByLabel('Family name').fill('FictionalFostering');
    await notify.getByRole('button', { name: 'Find the child' }).click();
    await notify.getByLabel(/Sky FictionalFostering, born 6 May 2012/).check();
    await notify.getByLabel('Notified by').selectOption('PRIVATE_FOSTER_CARER');
    await notify.getByLabel('Their name, as given').fill('Fictional Carer Madeup');
    const local = (d: Date) => d.toISOString().slice(0, 16);
    await notify.getByLabel('Notified', { exact: true }).fill(local(notifiedAt));
    await notify
      .getByLabel('Living with the carer from (may be ahead)')
      .fill(new Date(notifiedAt.getTime() - 7 * 86_400_000).toISOString().slice(0, 10));
    expect(await axeViolations(page)).toEqual([]);
    await notify.getByRole('button', { name: 'Record notification' }).click();
    await notify.getByText('Notification recorded: done.').waitFor();
    const [arrangement] = (await hub.db.query(`SELECT id FROM private_fostering_arrangement WHERE person_id = $1`, [
      childId,
    ])) as Array<{ id: string }>;
    expect(arrangement).toBeDefined();

    const row = rowOf(page, 'pf-row', childId);
    await row.waitFor();
    await row.getByTestId('pf-next').getByText('Overdue').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const [{ open }] = (await hub.db.query(
      `SELECT count(*)::int AS open FROM private_fostering_arrangement WHERE status <> 'CLOSED'`,
    )) as [{ open: number }];
    expect(await page.getByTestId('pf-row').count()).toBe(open);
    await page.getByLabel('Only visits overdue').check();
    const overdueRows = await page.getByTestId('pf-row').count();
    expect(overdueRows).toBeGreaterThan(0);
    expect(await page.getByTestId('pf-next').getByText('Overdue').count()).toBe(overdueRows);

    await row.getByRole('button', { name: /Record/ }).click();
    const work = page.getByTestId('pf-work');
    await work.getByLabel('Held on').fill(new Date().toISOString().slice(0, 10));
    await work.getByRole('button', { name: 'Record visit' }).click();
    await page.getByText('Visit recorded: done.').waitFor();
    // Held late, so no longer overdue: it leaves the overdue list.
    expect(await countBecomes(() => rowOf(page, 'pf-row', childId).count(), 0)).toBe(0);
    await page.getByLabel('Only visits overdue').uncheck();
    await row.getByText(/held .* \(late\)/).waitFor();
    expect(await row.getByTestId('pf-next').getByText('Overdue').count()).toBe(0);

    await work.getByLabel('Reason').selectOption('RETURNED_TO_PARENT');
    await work.getByRole('button', { name: 'Close arrangement' }).click();
    await page.getByText('Arrangement closed: done.').waitFor();
    expect(await countBecomes(() => rowOf(page, 'pf-row', childId).count(), 0)).toBe(0);
    const [stored] = (await hub.db.query(
      `SELECT status, closure_reason, initial_visit_on IS NOT NULL AS visited FROM private_fostering_arrangement WHERE id = $1`,
      [arrangement.id],
    )) as Array<{ status: string; closure_reason: string; visited: boolean }>;
    expect(stored).toEqual({ status: 'CLOSED', closure_reason: 'RETURNED_TO_PARENT', visited: true });
    await page.getByLabel('Include closed arrangements').check();
    await row
      .getByTestId('pf-status')
      .getByText(/closed, .*returned to parent/)
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(problemsOf(page)).toEqual([]);

    const ig = await newPage();
    await signInAs(ig, hub.origin, /Ira Auditor/);
    await ig.getByRole('link', { name: 'Access log', exact: true }).waitFor();
    expect(await ig.getByRole('link', { name: 'Private fostering', exact: true }).count()).toBe(0);
    await ig.goto(`${hub.origin}/#/private-fostering`);
    await ig.getByText('This screen is not for your role.').waitFor();
  });

  it('given a call to the LADO, when the LADO records the allegation (refused while its receipt is in the future), schedules the meeting without the employer (not without the reason) and records a substantiated outcome with a DBS referral, then it is resolved and stored; a social worker gets no such screen', async () => {
    const employer = `Fictional Brook Academy (e2e ${Date.now()})`;
    const page = await newPage();
    await signInAs(page, hub.origin, /Lee Designated/);
    // The LADO's home screen is the allegations list, the only screen the role gets.
    await page.getByRole('heading', { name: 'Allegations (LADO)' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Screens' }).getByRole('link').count()).toBe(1);
    await page.getByTestId('lado-row').first().waitFor();

    const form = page.getByTestId('lado-new');
    await form.getByText('Record a new allegation').click();
    await form.getByLabel('Partnership agency (its designated officer will see it)').selectOption('education');
    await form.getByLabel("Employer's name").fill(employer);
    await form.getByLabel('Sector').selectOption('EDUCATION');
    await form.getByLabel('Category').selectOption('PHYSICAL');
    await form.getByLabel('Name', { exact: true }).fill('Fictional Adult E2e');
    await form.getByLabel('Job or role').fill('PE teacher (fictional)');
    expect(await axeViolations(page)).toEqual([]);
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    await form.getByLabel('Received').fill(local(Date.now() + 2 * 86_400_000));
    await form.getByRole('button', { name: 'Record allegation' }).click();
    await form.getByRole('alert').waitFor();
    const storedIds = async () =>
      (
        (await hub.db.query(`SELECT id FROM lado_allegation WHERE employer_name = $1`, [employer])) as Array<{
          id: string;
        }>
      ).map((r) => r.id);
    expect(await storedIds()).toEqual([]);
    // Received forty days ago: past the one-month mark.
    await form.getByLabel('Received').fill(local(Date.now() - 40 * 86_400_000));
    await form.getByRole('button', { name: 'Record allegation' }).click();
    await form.getByText('Allegation recorded: done.').waitFor();
    const [id] = await storedIds();
    expect(id).toBeDefined();
    const allegation = { id: id! };

    const row = page.getByTestId('lado-row').filter({ hasText: employer });
    await row.waitFor();
    await row.getByText('Fictional Adult E2e, PE teacher (fictional)').waitFor();
    await row.getByText('Past one month').waitFor();
    const [{ active }] = (await hub.db.query(
      `SELECT count(*)::int AS active FROM lado_allegation WHERE status <> 'CLOSED'`,
    )) as [{ active: number }];
    expect(await page.getByTestId('lado-row').count()).toBe(Math.min(active, 50));
    expect(await axeViolations(page)).toEqual([]);

    await row.getByRole('button', { name: /Record/ }).click();
    const work = page.getByTestId('lado-work');
    await work.getByLabel('The employer is invited').uncheck();
    // Without the reason the button stays disabled: nothing is sent.
    expect(await work.getByRole('button', { name: 'Schedule meeting' }).isDisabled()).toBe(true);
    await work.getByLabel('Why the employer is not invited').fill('Fictional: the head teacher is a witness');
    expect(await axeViolations(page)).toEqual([]);
    await work.getByRole('button', { name: 'Schedule meeting' }).click();
    await page.getByText('Meeting scheduled: done.').waitFor();
    await row
      .getByTestId('lado-stage')
      .getByText(/meeting scheduled; meeting .*, employer not invited/)
      .waitFor();

    await work.getByLabel('Outcome').selectOption('SUBSTANTIATED');
    await work.getByLabel('Referred to the Disclosure and Barring Service').check();
    await work.getByRole('button', { name: 'Record outcome' }).click();
    await page.getByText('Outcome recorded: done.').waitFor();
    expect(await countBecomes(() => row.count(), 0)).toBe(0);
    const [stored] = (await hub.db.query(
      `SELECT status, outcome, dbs_referred_at IS NOT NULL AS dbs, employer_invited FROM lado_allegation WHERE id = $1`,
      [allegation.id],
    )) as Array<{ status: string; outcome: string; dbs: boolean; employer_invited: boolean }>;
    expect(stored).toEqual({ status: 'CLOSED', outcome: 'SUBSTANTIATED', dbs: true, employer_invited: false });
    await page.getByLabel('Show').selectOption('CLOSED');
    await row.getByText(/resolved within three months/).waitFor();
    expect(problemsOf(page)).toEqual([]);

    const worker = await newPage();
    await signInAs(worker, hub.origin, /Sam Worker/);
    await worker.getByRole('heading', { name: 'Triage queue' }).waitFor();
    expect(await worker.getByRole('link', { name: 'Allegations', exact: true }).count()).toBe(0);
    await worker.goto(`${hub.origin}/#/lado`);
    await worker.getByText('This screen is not for your role.').waitFor();
  });

  it('given a child who came back from missing, when a worker records the interview offer and then the interview held, then the episode closes with who conducted it; a police officer is offered no interview', async () => {
    const childId = await newChild('Missing');
    const returnedAt = new Date(Date.now() - 3_600_000);
    const { recordMissingEpisode: episode } = await hub.gql<{ recordMissingEpisode: { id: string } }>(WORKER, MISSING, {
      input: {
        personId: childId,
        missingFrom: 'HOME',
        startedAt: new Date(returnedAt.getTime() - 86_400_000).toISOString(),
        returnedAt: returnedAt.toISOString(),
      },
    });

    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    await page.getByRole('link', { name: 'Missing', exact: true }).click();
    await page.getByRole('heading', { name: 'Missing episodes' }).waitFor();
    const row = rowOf(page, 'missing-row', childId);
    await row.waitFor();
    await row.getByRole('button', { name: /Record/ }).click();
    const work = page.getByTestId('missing-work');
    await work.getByRole('button', { name: 'Record offer' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await work.getByRole('button', { name: 'Record offer' }).click();
    await page.getByText('Interview offered: done.').waitFor();
    await row.getByText(/^offered /).waitFor();

    await work.getByLabel('Outcome').selectOption('HELD');
    expect(await work.getByRole('button', { name: 'Record interview' }).isDisabled()).toBe(true);
    await work.getByLabel('Conducted by (a name or service)').fill('Fictional Return Interview Service');
    await work.getByRole('button', { name: 'Record interview' }).click();
    await page.getByText('Interview recorded: done.').waitFor();
    await row.getByText(/held, .*, Fictional Return Interview Service/).waitFor();
    expect(await row.getByRole('button', { name: /Record/ }).count()).toBe(0);
    const [stored] = (await hub.db.query(
      `SELECT status, interview_outcome, interview_conducted_by FROM missing_episode WHERE id = $1`,
      [episode.id],
    )) as Array<{ status: string; interview_outcome: string; interview_conducted_by: string }>;
    expect(stored).toEqual({
      status: 'CLOSED',
      interview_outcome: 'HELD',
      interview_conducted_by: 'Fictional Return Interview Service',
    });
    expect(problemsOf(page)).toEqual([]);

    // Police reach episodes they recorded; the interview is social care's to offer, so they get no form for it.
    const police = await newPage();
    await signInAs(police, hub.origin, /PC Example/);
    await police.getByRole('link', { name: 'Missing', exact: true }).click();
    await police.getByRole('heading', { name: 'Missing episodes' }).waitFor();
    const [{ returned }] = (await hub.db.query(
      `SELECT count(*)::int AS returned FROM missing_episode WHERE recording_agency = 'police' AND status <> 'MISSING'`,
    )) as [{ returned: number }];
    // Episodes police recorded and that are past the return: listed, none offering a form.
    expect(returned).toBeGreaterThan(0);
    await police.getByTestId('missing-row').first().waitFor();
    const policeRows = police.getByTestId('missing-row');
    let past = 0;
    for (let i = 0; i < (await policeRows.count()); i++) {
      const status = await policeRows.nth(i).locator('td').nth(3).textContent();
      if (status === 'missing') continue;
      past++;
      expect(
        await policeRows
          .nth(i)
          .getByRole('button', { name: /Record/ })
          .count(),
      ).toBe(0);
    }
    expect(past).toBeGreaterThan(0);
    expect(problemsOf(police)).toEqual([]);
  });

  it('given a high-risk exploitation flag past its review date, when a worker filters for overdue reviews and records a review continuing at medium risk, then the review is stored and the flag is no longer overdue; an IG auditor gets no such screen', async () => {
    const childId = await newChild('Exploitation');
    // Raised 40 days ago at high risk: reviewed every 28 days, so overdue.
    const { raiseExploitationFlag: flag } = await hub.gql<{ raiseExploitationFlag: { id: string } }>(WORKER, RAISE, {
      input: {
        personId: childId,
        type: 'CRIMINAL_EXPLOITATION',
        riskLevel: 'HIGH',
        raisedAt: new Date(Date.now() - 40 * 86_400_000).toISOString(),
        summary: 'Fictional: seen with older youths far from home',
      },
    });

    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    await page.getByRole('link', { name: 'Exploitation', exact: true }).click();
    await page.getByRole('heading', { name: 'Exploitation cohort' }).waitFor();
    const row = rowOf(page, 'exploitation-row', childId);
    await row.waitFor();
    await row.getByTestId('exploitation-review-due').getByText('Overdue').waitFor();
    const [{ open }] = (await hub.db.query(
      `SELECT count(*)::int AS open FROM exploitation_flag WHERE status = 'OPEN'`,
    )) as [{ open: number }];
    await page.getByTestId('exploitation-counts').getByText(`The open cohort in your scope: ${open}`).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Only reviews overdue').check();
    const [{ overdue }] = (await hub.db.query(
      `SELECT count(*)::int AS overdue FROM exploitation_flag WHERE status = 'OPEN' AND review_due_at < now()`,
    )) as [{ overdue: number }];
    expect(await countBecomes(() => page.getByTestId('exploitation-row').count(), Math.min(overdue, 50))).toBe(
      Math.min(overdue, 50),
    );

    await row.getByRole('button', { name: /Review/ }).click();
    const work = page.getByTestId('exploitation-work');
    await work.getByLabel('Outcome').selectOption('CONTINUE');
    await work.getByLabel('Risk after the review').selectOption('MEDIUM');
    expect(await axeViolations(page)).toEqual([]);
    await work.getByRole('button', { name: 'Record review' }).click();
    await page.getByText('Review recorded: done.').waitFor();
    expect(await countBecomes(() => rowOf(page, 'exploitation-row', childId).count(), 0)).toBe(0);
    const [stored] = (await hub.db.query(
      `SELECT risk_level, review_due_at > now() AS ahead FROM exploitation_flag WHERE id = $1`,
      [flag.id],
    )) as Array<{ risk_level: string; ahead: boolean }>;
    expect(stored).toEqual({ risk_level: 'MEDIUM', ahead: true });
    expect(problemsOf(page)).toEqual([]);

    const ig = await newPage();
    await signInAs(ig, hub.origin, /Ira Auditor/);
    await ig.getByRole('link', { name: 'Access log', exact: true }).waitFor();
    expect(await ig.getByRole('link', { name: 'Exploitation', exact: true }).count()).toBe(0);
    await ig.goto(`${hub.origin}/#/exploitation`);
    await ig.getByText('This screen is not for your role.').waitFor();
  });
});
