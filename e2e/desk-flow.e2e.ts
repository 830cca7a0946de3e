import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, signInAs, startDeskHub, type DeskHub } from './support/desk-hub';

/**
 * MASH Desk's work flows in a real chromium against a real hub with the demo partnership (issue 23,
 * ADR 036): merging a duplicate referral, a contact about a child the hub knows, signing out at the
 * provider and renewing its token, and the meetings and alerts views resuming after a dropped
 * connection. Each screen is also checked with axe-core (WCAG 2.x A and AA).
 */

const WORKER = { sub: 'sw-2', name: 'Alex Example (fictional)', agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] };

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const REFERRAL = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { id reference version status subjects { id } } }`;
const ASSIGN = `mutation($id: ID!, $v: Int!) { assignReferral(id: $id, assignee: { sub: "sw-9", name: "Kit Cover (fictional)" }, expectedVersion: $v) { version } }`;

interface Submitted {
  id: string;
  reference: string;
  version: number;
  subjects: Array<{ id: string }>;
}

describe('MASH Desk work flows in chromium', () => {
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

  async function referral(id: string): Promise<Submitted> {
    return (await hub.gql<{ referral: Submitted }>(WORKER, REFERRAL, { id })).referral;
  }

  /** A contact about a child: a new fictional one, or one the hub knows (by id). */
  async function contactAbout(
    child: { personId: string } | { familyName: string; dateOfBirth?: string },
    label: string,
  ): Promise<Submitted> {
    const subject =
      'personId' in child
        ? { personId: child.personId }
        : {
            newPerson: {
              kind: 'CHILD',
              givenName: 'Sky',
              familyName: child.familyName,
              dateOfBirth: child.dateOfBirth ?? '2017-09-12',
            },
          };
    const { submitReferral } = await hub.gql<{ submitReferral: { id: string } }>(WORKER, SUBMIT, {
      key: `e2e-flow-${label}-${Date.now()}`,
      input: {
        subjects: [subject],
        concernCategories: ['NEGLECT'],
        narrative: `Fictional: e2e story (${label}), the child is often left alone in the evenings.`,
        consentSought: true,
        consentGiven: true,
      },
    });
    return referral(submitReferral.id);
  }

  it('given two contacts about the same child, when a worker merges the later one into the earlier with a reason, then the queue no longer lists the duplicate, it shows where it went and the kept referral lists it; a change by someone else meanwhile is reported, not overwritten', async () => {
    const kept = await contactAbout({ familyName: 'Fictional-Merge' }, 'kept');
    const duplicate = await contactAbout({ personId: kept.subjects[0]!.id }, 'duplicate');
    // Another open referral about another child is never offered.
    const unrelated = await contactAbout({ familyName: 'Fictional-Other' }, 'unrelated');

    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    await page.getByRole('link', { name: duplicate.reference, exact: true }).click();
    await page.getByRole('heading', { name: new RegExp(`Referral ${duplicate.reference}`) }).waitFor();
    // Keyboard: the disclosure opens from the keyboard like any other.
    const summary = page.locator('summary', { hasText: 'Merge as a duplicate' });
    await summary.focus();
    await page.keyboard.press('Enter');
    const choice = page.getByLabel(new RegExp(`^${kept.reference} `));
    await choice.waitFor();
    expect(await page.getByLabel(new RegExp(`^${unrelated.reference} `)).count()).toBe(0);
    expect(await page.getByRole('radio').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await choice.check();
    const reason = 'Fictional: the same call from the school, logged twice.';
    await page.getByLabel('Why it is a duplicate').fill(reason);

    // Someone else assigns the duplicate meanwhile: the worker is told to reload before acting on
    // a stale version, and the hub would refuse the merge on it anyway.
    await hub.gql(WORKER, ASSIGN, { id: duplicate.id, v: duplicate.version });
    await page.getByText('Someone else changed this referral; reload').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByTestId('assigned-to').getByText('Kit Cover (fictional)').waitFor();

    if (!(await choice.isVisible())) await summary.click();
    await choice.check();
    await page.getByLabel('Why it is a duplicate').fill(reason);
    await page.getByRole('button', { name: 'Merge into the chosen referral' }).click();
    await page.getByTestId('referral-status').getByText('merged').waitFor();
    await page.getByTestId('merged-into').getByRole('link', { name: kept.reference, exact: true }).waitFor();
    expect(await summary.count()).toBe(0);
    await page.getByTestId('history-row').filter({ hasText: reason }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await referral(duplicate.id)).toMatchObject({ status: 'MERGED' });

    // The queue no longer lists the duplicate; the kept referral shows it.
    await page.getByRole('link', { name: 'Triage queue' }).click();
    await page.getByRole('link', { name: kept.reference, exact: true }).waitFor();
    expect(await page.getByRole('link', { name: duplicate.reference, exact: true }).count()).toBe(0);
    await page.getByRole('link', { name: kept.reference, exact: true }).click();
    await page.getByRole('heading', { name: new RegExp(`Referral ${kept.reference}`) }).waitFor();
    await page.getByTestId('merged-from').getByRole('link', { name: duplicate.reference, exact: true }).waitFor();
    expect(page.url()).toBe(`${hub.origin}/#/referral/${kept.id}`);
    expect(await axeViolations(page)).toEqual([]);
    expect(problemsOf(page).filter((p) => !/status of 409/.test(p))).toEqual([]);
  });
  it('given two children of the same name the hub knows, when a worker records a contact and searches, then both show with what tells them apart, and the contact is about the one chosen; no new person is made and nothing of the search is in the address or storage', async () => {
    const familyName = `Fictional-Twin${Date.now() % 100000}`;
    const older = await contactAbout({ familyName, dateOfBirth: '2014-03-01' }, 'twin-older');
    const younger = await contactAbout({ familyName, dateOfBirth: '2019-11-20' }, 'twin-younger');
    const people = async () =>
      (
        (await hub.db.query(`SELECT count(*)::int AS n FROM person WHERE family_name = $1`, [familyName])) as [
          { n: number },
        ]
      )[0].n;
    expect(await people()).toBe(2);

    const page = await newPage();
    await signInAs(page, hub.origin, /Sam Worker/);
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.getByRole('heading', { name: 'New contact' }).waitFor();
    await page.getByLabel('Given name').fill('Sky');
    await page.getByLabel('Family name').fill(familyName);
    // From the keyboard: the search is a button like any other.
    await page.getByRole('button', { name: 'Is this a child the hub knows?' }).focus();
    await page.keyboard.press('Enter');
    const known = page.getByTestId('known-children');
    await known.getByText(/The hub knows 2 children like this/).waitFor();
    const choice = known.getByLabel(new RegExp(`Sky ${familyName}, born 2019-11-20`));
    await choice.waitFor();
    await known.getByLabel(new RegExp(`Sky ${familyName}, born 2014-03-01`)).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await choice.check();

    await page.getByLabel('Source').selectOption({ label: 'Health visitor' });
    await page.getByLabel('neglect').check();
    await page.getByLabel('What was said').fill('Fictional: the health visitor found the baby alone at a visit.');
    await page.getByLabel('Sought and given').check();
    await page.getByRole('button', { name: 'Record the contact' }).click();
    const receipt = page.getByTestId('contact-receipt');
    await receipt.waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // The contact is about the child chosen; the hub made no third person.
    const [stored] = (await hub.db.query(
      `SELECT r.id, array_agg(rs.person_id::text) AS subjects FROM referral r JOIN referral_subject rs ON rs.referral_id = r.id
        WHERE r.narrative = 'Fictional: the health visitor found the baby alone at a visit.' GROUP BY r.id`,
    )) as Array<{ id: string; subjects: string[] }>;
    expect(stored!.subjects).toEqual([younger.subjects[0]!.id]);
    expect(stored!.subjects).not.toContain(older.subjects[0]!.id);
    expect(await people()).toBe(2);

    // No name or search in the address, nothing in the browser's storage.
    expect(page.url()).toBe(`${hub.origin}/#/contact`);
    const kept = (await page.evaluate(
      'JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })',
    )) as string;
    expect(JSON.parse(kept)).toEqual({ local: {}, session: {}, cookie: '' });
    await page.getByRole('link', { name: /^Open / }).click();
    await page.getByRole('link', { name: `Sky ${familyName}` }).waitFor();
    expect(page.url()).toBe(`${hub.origin}/#/referral/${stored!.id}`);
    expect(problemsOf(page)).toEqual([]);
  });
});
