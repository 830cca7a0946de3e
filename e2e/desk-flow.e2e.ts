import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, signInAs, startDeskHub, type DeskHub } from './support/desk-hub';
import { startTestProvider, type TestProvider, type TestProviderOptions } from './support/oidc-provider';
import { startDroppingProxy, type DroppingProxy } from './support/tcp-proxy';

/**
 * MASH Desk's work flows in a real chromium against a real hub with the demo partnership (issue 23,
 * ADR 036): merging a duplicate referral, a contact about a child the hub knows, signing out at the
 * provider and renewing its token, and the meetings and alerts views resuming after a dropped
 * connection. Each screen is also checked with axe-core (WCAG 2.x A and AA).
 */

const WORKER = { sub: 'sw-2', name: 'Alex Example (fictional)', agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'] };

const SUBMIT = `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`;
const REFERRAL = `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { id reference version status subjects { id } } }`;
const ATTENDANCE = `mutation($id: ID!, $a: AttendanceInput!, $v: Int!) { recordAttendance(meetingId: $id, attendance: $a, expectedVersion: $v) { version } }`;
const BREAK_GLASS = `mutation($id: ID!) { openBreakGlass(personId: $id, reason: "Fictional: child missing overnight, urgent risk assessment") { id } }`;
const POLICE = { sub: 'pc-101', name: 'PC Example (fictional)', agency: 'police', roles: ['POLICE_MASH_OFFICER'] };
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
    // The matching is tolerant (other fictional Skys may come too): both of these must be there.
    await known.getByText(/The hub knows \d+ children like this/).waitFor();
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
  /** A second hub on the same database whose desk signs in at a test provider (ADR 026). */
  async function hubWithProvider(
    options: Omit<TestProviderOptions, 'clientId' | 'audience'>,
  ): Promise<{ provider: TestProvider; origin: string }> {
    const provider = await startTestProvider({ clientId: 'mash-desk', audience: 'mash-hub', ...options });
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
    return { provider, origin };
  }

  async function signInAtProvider(page: Page, origin: string): Promise<void> {
    await page.goto(`${origin}/`);
    await page.getByRole('button', { name: 'Sign in with your partnership account' }).click();
    await page.getByRole('link', { name: 'Continue to MASH Desk' }).click();
    await page.getByRole('heading', { name: 'Triage queue' }).waitFor();
    await page.getByTestId('queue-row').first().waitFor();
  }

  const storage = async (page: Page) =>
    (await page.evaluate(
      'JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })',
    )) as string;

  it('given a provider that issues refresh tokens and offers sign-out, when the access token nears expiry, then the desk renews it in memory and keeps working; signing out ends the session at the provider and comes back to the sign-in page', async () => {
    const { provider, origin } = await hubWithProvider({
      accessTokenSeconds: 20,
      refreshTokens: true,
      endSession: true,
    });
    try {
      const page = await newPage();
      /** The bearer token each request to the hub carried, in order. */
      const bearers: string[] = [];
      page.on('request', (r) => {
        const auth = r.headers().authorization;
        if (r.url() === `${origin}/graphql` && auth) bearers.push(auth.replace(/^Bearer /, ''));
      });
      const refreshTokens: string[] = [];
      page.on('response', (r) => {
        if (r.url() === `${provider.issuer}/token` && r.ok())
          void r.json().then((b: { refresh_token?: string }) => b.refresh_token && refreshTokens.push(b.refresh_token));
      });
      await signInAtProvider(page, origin);
      const first = bearers[0]!;
      expect(provider.grants).toEqual(['authorization_code']);

      // Halfway through the token's 20 seconds the desk renews it with the refresh token grant.
      for (let waited = 0; !provider.grants.includes('refresh_token') && waited < 20_000; waited += 250)
        await page.waitForTimeout(250);
      expect(provider.grants).toContain('refresh_token');
      // Past the first token's expiry the desk still reads, with the renewed token.
      await page.waitForTimeout(12_000);
      await page.getByRole('link', { name: 'New contact' }).click();
      await page.getByRole('heading', { name: 'New contact' }).waitFor();
      await page.getByRole('link', { name: 'Triage queue' }).click();
      await page.getByTestId('queue-row').first().waitFor();
      expect(bearers.at(-1)).not.toBe(first);
      expect(await page.getByTestId('session-notice').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
      // Neither token was ever in storage.
      const kept = await storage(page);
      expect(JSON.parse(kept)).toEqual({ local: {}, session: {}, cookie: '' });
      for (const t of [...bearers, ...refreshTokens]) expect(kept).not.toContain(t);

      // Sign out: to the provider's end-session endpoint with the ID token as hint, then back.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in with your partnership account' }).waitFor();
      expect(provider.signedOut).toEqual(['sw-oidc']);
      const logout = new URL(provider.requests.find((r) => r.startsWith('/logout'))!, provider.issuer);
      expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/`);
      expect(logout.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
      expect(page.url()).toBe(`${origin}/`);
      expect(JSON.parse(await storage(page))).toEqual({ local: {}, session: {}, cookie: '' });
      expect(await axeViolations(page)).toEqual([]);
      expect(problemsOf(page)).toEqual([]);
    } finally {
      await provider.close();
    }
  });

  it('given a provider that revokes the refresh token, when the desk tries to renew, then it says the sign-in could not be renewed and signs out at expiry', async () => {
    const { provider, origin } = await hubWithProvider({ accessTokenSeconds: 20, refreshTokens: true });
    try {
      const page = await newPage();
      await signInAtProvider(page, origin);
      provider.revokeRefreshTokens();
      const notice = page.getByTestId('session-notice');
      await notice.waitFor({ timeout: 20_000 });
      expect(await notice.textContent()).toMatch(
        /^Your sign-in could not be renewed; your session is ending at .+: save your work and sign in again\.$/,
      );
      expect(provider.grants).toEqual(['authorization_code']);
      await page.getByText('Your sign-in has expired: sign in again').waitFor({ timeout: 20_000 });
      expect(JSON.parse(await storage(page))).toEqual({ local: {}, session: {}, cookie: '' });
      // The refused renewal is the provider's 400 in the console, nothing else.
      expect(problemsOf(page).filter((p) => !/status of 400/.test(p))).toEqual([]);
    } finally {
      await provider.close();
    }
  });

  it('given a provider that issues no refresh token and offers no sign-out, when the access token nears expiry, then the desk says the session is ending and then signs out saying why; signing out stays on the desk', async () => {
    const { provider, origin } = await hubWithProvider({ accessTokenSeconds: 20 });
    try {
      const page = await newPage();
      await signInAtProvider(page, origin);
      const notice = page.getByTestId('session-notice');
      await notice.waitFor({ timeout: 20_000 });
      expect(await notice.textContent()).toMatch(/^Your session is ending at .+: save your work and sign in again\.$/);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByText('Your sign-in has expired: sign in again').waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Sign in with your partnership account' }).waitFor();
      expect(provider.grants).toEqual(['authorization_code']);

      // Without an end-session endpoint, signing out forgets the token and stays on the desk.
      await signInAtProvider(page, origin);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in with your partnership account' }).waitFor();
      expect(provider.requests.some((r) => r.startsWith('/logout'))).toBe(false);
      expect(page.url()).toBe(`${origin}/`);
      expect(problemsOf(page)).toEqual([]);
    } finally {
      await provider.close();
    }
  });
  /** The desk through a proxy that can drop its connections (as a load balancer or a Wi-Fi blip does). */
  async function throughProxy(run: (proxy: DroppingProxy) => Promise<void>): Promise<void> {
    const url = new URL(hub.origin);
    const proxy = await startDroppingProxy({ host: url.hostname, port: Number(url.port) });
    try {
      await run(proxy);
    } finally {
      await proxy.close();
    }
  }

  /** What a dropped connection leaves in the console (the socket's and the fetches' errors), and nothing else. */
  const besidesTheDrop = (page: Page) => problemsOf(page).filter((p) => !/WebSocket|ERR_CONNECTION|net::/.test(p));

  it('given a worker watching Meetings, when the connection drops, police apologies are recorded meanwhile and the connection comes back, then the apologies appear without reloading', async () => {
    const child = await contactAbout({ familyName: 'Fictional-Resume' }, 'meeting-resume');
    const { scheduleMeeting } = await hub.gql<{ scheduleMeeting: { id: string; version: number } }>(
      WORKER,
      `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id version } }`,
      {
        input: {
          type: 'STRATEGY_DISCUSSION',
          referralId: child.id,
          scheduledAt: new Date(Date.now() + 1500).toISOString(),
        },
      },
    );
    const meetingId = scheduleMeeting.id;
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const { markMeetingHeld } = await hub.gql<{ markMeetingHeld: { version: number } }>(
      WORKER,
      `mutation($id: ID!, $v: Int!) { markMeetingHeld(id: $id, expectedVersion: $v) { version } }`,
      { id: meetingId, v: scheduleMeeting.version },
    );
    const { meeting } = await hub.gql<{ meeting: { invitees: Array<{ id: string; agency: string }> } }>(
      WORKER,
      `query($id: ID!) { meeting(id: $id, purpose: STRATEGY) { invitees { id agency } } }`,
      { id: meetingId },
    );
    const police = meeting.invitees.find((i) => i.agency === 'police')!;

    await throughProxy(async (proxy) => {
      const page = await newPage();
      await signInAs(page, proxy.origin, /Sam Worker/);
      await page.getByRole('link', { name: 'Meetings' }).click();
      await page.getByLabel('Upcoming only').uncheck();
      const article = page.locator(`article[aria-labelledby="meeting-${meetingId}"]`);
      const attendance = article.getByRole('table', { name: 'Invitees and attendance' });
      await attendance.waitFor();
      // The live view is up once a change made while connected shows: education's attendance.
      const education = meeting.invitees.find((i) => i.agency === 'education')!;
      const { recordAttendance } = await hub.gql<{ recordAttendance: { version: number } }>(WORKER, ATTENDANCE, {
        id: meetingId,
        v: markMeetingHeld.version,
        a: { inviteeId: education.id, status: 'ATTENDED' },
      });
      await attendance
        .getByRole('row', { name: /^education/ })
        .getByText('attended')
        .waitFor({ timeout: 10_000 });

      // The socket drops; while the desk is away, the police apologies are recorded.
      proxy.drop();
      const reason = 'Fictional: officer called to a live incident (resume story).';
      await hub.gql(WORKER, ATTENDANCE, {
        id: meetingId,
        v: recordAttendance.version,
        a: { inviteeId: police.id, status: 'SENT_APOLOGIES', note: reason },
      });
      await page.waitForTimeout(1_500);
      expect(await attendance.getByText(reason).count()).toBe(0);

      // The connection comes back: graphql-ws reconnects (with its back-off) and the desk resumes from the drop.
      proxy.restore();
      await attendance.getByText(reason).waitFor({ timeout: 30_000 });
      expect(await axeViolations(page)).toEqual([]);
      expect(besidesTheDrop(page)).toEqual([]);
    });
  });

  it('given an IG auditor watching Alerts, when the connection drops, a police officer opens break-glass meanwhile and the connection comes back, then the alert appears without reloading', async () => {
    const before = (await contactAbout({ familyName: 'Fictional-AlertBefore' }, 'alert-before')).subjects[0]!.id;
    const meanwhile = (await contactAbout({ familyName: 'Fictional-Alert' }, 'alert-resume')).subjects[0]!.id;
    await throughProxy(async (proxy) => {
      const page = await newPage();
      await signInAs(page, proxy.origin, /Ira Auditor/);
      await page.getByRole('link', { name: 'Alerts' }).click();
      await page.getByRole('table').waitFor();
      const alertAbout = (personId: string) =>
        page.getByTestId('alert').filter({ hasText: 'Break-glass opened' }).filter({ hasText: personId });
      // The live view is up once an alert raised while connected shows.
      await hub.gql(POLICE, BREAK_GLASS, { id: before });
      await alertAbout(before).first().waitFor({ timeout: 10_000 });
      const raised = alertAbout(meanwhile);

      proxy.drop();
      await hub.gql(POLICE, BREAK_GLASS, { id: meanwhile });
      await page.waitForTimeout(1_500);
      expect(await raised.count()).toBe(0);

      proxy.restore();
      await raised.first().waitFor({ timeout: 30_000 });
      expect(await axeViolations(page)).toEqual([]);
      expect(besidesTheDrop(page)).toEqual([]);
    });
  });
});
