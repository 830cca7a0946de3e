import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { closeLive, request } from './api.js';
import { stopWatchingExpiry, watchExpiry } from './expiry.js';
import { Me as MeQuery } from './generated/operations.js';
import { endOidcSignIn } from './oidc.js';
import { setToken, type Me } from './session.js';
import { AlertsView } from './views/alerts.js';
import { BoardView } from './views/board.js';
import { ChildView } from './views/child.js';
import { ChildProtectionView, cpPurpose } from './views/child-protection.js';
import { COHORT_SCREENS } from './views/cohorts.js';
import { ContactView } from './views/contact.js';
import { DataQualityView } from './views/data-quality.js';
import { IgView } from './views/ig.js';
import { InboxView } from './views/inbox.js';
import { MeetingsView } from './views/meetings.js';
import { MissingView } from './views/missing.js';
import { QueueView } from './views/queue.js';
import { ReferralScreen } from './views/referral.js';
import { ReviewsView } from './views/reviews.js';
import { SignIn } from './views/sign-in.js';

const SOCIAL_CARE_MASH = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'];
const AGENCY_OFFICERS = [
  'POLICE_MASH_OFFICER',
  'HEALTH_MASH_PRACTITIONER',
  'PROBATION_MASH_OFFICER',
  'EDUCATION_MASH_OFFICER',
];

const canTriage = (me: Me) => me.roles.some((r) => SOCIAL_CARE_MASH.includes(r));
const answersChecks = (me: Me) => me.roles.some((r) => AGENCY_OFFICERS.includes(r));
const isIg = (me: Me) => me.roles.includes('IG_AUDITOR');
/** MASH roles (social care and agency officers) work meetings; they and IG receive alerts. */
const worksCases = (me: Me) => canTriage(me) || answersChecks(me);

/**
 * The screens in the navigation, in order, with who gets them (the hub enforces the same rules;
 * this only keeps a role from screens that would answer FORBIDDEN). The first allowed is home.
 */
const SCREENS = {
  queue: { label: 'Triage queue', allowed: canTriage, render: (me: Me) => <QueueView me={me} /> },
  contact: { label: 'New contact', allowed: canTriage, render: () => <ContactView /> },
  quality: { label: 'Data quality', allowed: canTriage, render: () => <DataQualityView /> },
  inbox: { label: 'Agency checks', allowed: answersChecks, render: (me: Me) => <InboxView me={me} /> },
  ig: { label: 'Access log', allowed: isIg, render: () => <IgView /> },
  reviews: { label: 'Break-glass reviews', allowed: isIg, render: () => <ReviewsView /> },
  meetings: { label: 'Meetings', allowed: worksCases, render: (me: Me) => <MeetingsView me={me} /> },
  missing: { label: 'Missing', allowed: worksCases, render: (me: Me) => <MissingView me={me} /> },
  'child-protection': {
    label: 'Child protection',
    allowed: (me: Me) => cpPurpose(me) !== null,
    render: (me: Me) => <ChildProtectionView me={me} />,
  },
  ...COHORT_SCREENS,
  alerts: {
    label: 'Alerts',
    allowed: (me: Me) => worksCases(me) || isIg(me),
    render: (me: Me) => <AlertsView me={me} />,
  },
  board: {
    label: 'Board',
    allowed: (me: Me) => me.roles.includes('MASH_MANAGER') || isIg(me),
    render: () => <BoardView />,
  },
} as const;
type Screen = keyof typeof SCREENS;

/** Routes carry ids only, never personal data (ADR 009). */
type Route =
  | { screen: 'home' }
  | { screen: Screen }
  | { screen: 'child'; id: string }
  | { screen: 'referral'; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function parseRoute(hash: string): Route {
  const [, screen, id] = hash.replace(/^#/, '').split('/');
  if (screen && screen in SCREENS) return { screen: screen as Screen };
  if ((screen === 'child' || screen === 'referral') && id && UUID.test(id)) return { screen, id };
  return { screen: 'home' };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  async function signedIn(token: string, expiresAt: number | null) {
    setToken(token);
    try {
      setMe((await request(MeQuery, {})).data.me);
      setError(null);
      setNotice(null);
      // Renewed before expiry where the provider allows, else a notice and a sign-out (ADR 036).
      watchExpiry(expiresAt, { renewed: setToken, ending: setNotice, expired: signOut });
    } catch (e) {
      setToken(null);
      setError((e as Error).message);
    }
  }

  /** Forgets the tokens; a user's own sign-out also ends the session at the provider, if it offers that. */
  function signOut(reason: string | null = null) {
    stopWatchingExpiry();
    const atProvider = endOidcSignIn();
    setToken(null);
    closeLive();
    setMe(null);
    setError(reason);
    setNotice(null);
    location.hash = '';
    if (atProvider && reason === null) location.assign(atProvider);
  }

  if (!me) return <SignIn onToken={signedIn} error={error} />;

  const screens = (Object.keys(SCREENS) as Screen[]).filter((k) => SCREENS[k].allowed(me));
  const current = route.screen === 'home' ? screens[0] : route.screen;

  function body() {
    if (route.screen === 'child') return <ChildView key={route.id} me={me!} id={route.id} />;
    if (route.screen === 'referral' && canTriage(me!)) return <ReferralScreen key={route.id} me={me!} id={route.id} />;
    if (current && current in SCREENS && screens.includes(current as Screen))
      return SCREENS[current as Screen].render(me!);
    return (
      <section>
        <h1>Not available</h1>
        <p>
          {current
            ? 'This screen is not for your role.'
            : `MASH Desk does not yet have a screen for ${me!.roles.join(', ')}.`}
        </p>
      </section>
    );
  }

  return (
    <div class="desk">
      {/* A hash link would change the route: the skip link moves focus instead. */}
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="bar">
        <span class="brand">MASH Desk</span>
        <nav aria-label="Screens">
          <ul>
            {screens.map((k) => (
              <li key={k}>
                <a href={`#/${k}`} aria-current={current === k ? 'page' : undefined}>
                  {SCREENS[k].label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          {me.name} · {me.agency} · {me.roles.join(', ').toLowerCase().replace(/_/g, ' ')}
        </span>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      {notice && (
        <p role="alert" class="notice" data-testid="session-notice">
          {notice}
        </p>
      )}
      <main id="main" class="page" tabIndex={-1}>
        {body()}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
