import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { closeLive, request } from './api.js';
import { Me as MeQuery } from './generated/operations.js';
import { setToken, type Me } from './session.js';
import { AlertsView } from './views/alerts.js';
import { BoardView } from './views/board.js';
import { ChildView } from './views/child.js';
import { IgView } from './views/ig.js';
import { InboxView } from './views/inbox.js';
import { MeetingsView } from './views/meetings.js';
import { QueueView } from './views/queue.js';
import { ReferralScreen } from './views/referral.js';
import { SignIn } from './views/sign-in.js';

const SOCIAL_CARE_MASH = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'];
const AGENCY_OFFICERS = ['POLICE_MASH_OFFICER', 'HEALTH_MASH_PRACTITIONER', 'PROBATION_MASH_OFFICER', 'EDUCATION_MASH_OFFICER'];

export const canTriage = (me: Me) => me.roles.some((r) => SOCIAL_CARE_MASH.includes(r));
export const answersChecks = (me: Me) => me.roles.some((r) => AGENCY_OFFICERS.includes(r));
export const isIg = (me: Me) => me.roles.includes('IG_AUDITOR');
/** MASH roles (social care and agency officers) work meetings; they and IG receive alerts. */
export const worksCases = (me: Me) => canTriage(me) || answersChecks(me);
export const receivesAlerts = (me: Me) => worksCases(me) || isIg(me);
export const readsBoard = (me: Me) => me.roles.includes('MASH_MANAGER') || isIg(me);

/** Routes carry ids only, never personal data (ADR 009). */
type Route = { screen: 'home' } | { screen: 'queue' } | { screen: 'inbox' } | { screen: 'ig' } | { screen: 'board' } | { screen: 'meetings' } | { screen: 'alerts' } | { screen: 'child'; id: string } | { screen: 'referral'; id: string };

function parseRoute(hash: string): Route {
  const [, screen, id] = hash.replace(/^#/, '').split('/');
  if (screen === 'queue') return { screen: 'queue' };
  if (screen === 'inbox') return { screen: 'inbox' };
  if (screen === 'ig') return { screen: 'ig' };
  if (screen === 'board') return { screen: 'board' };
  if (screen === 'meetings') return { screen: 'meetings' };
  if (screen === 'alerts') return { screen: 'alerts' };
  if (screen === 'child' && id && /^[0-9a-f-]{36}$/.test(id)) return { screen: 'child', id };
  if (screen === 'referral' && id && /^[0-9a-f-]{36}$/.test(id)) return { screen: 'referral', id };
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
  const route = useRoute();

  async function signedIn(token: string) {
    setToken(token);
    try {
      setMe((await request(MeQuery, {})).data.me);
      setError(null);
    } catch (e) {
      setToken(null);
      setError((e as Error).message);
    }
  }

  function signOut() {
    setToken(null);
    closeLive();
    setMe(null);
    location.hash = '';
  }

  if (!me) return <SignIn onToken={signedIn} error={error} />;

  const home = canTriage(me) ? 'queue' : answersChecks(me) ? 'inbox' : isIg(me) ? 'ig' : null;
  const screen = route.screen === 'home' ? (home ?? 'home') : route.screen;

  return (
    <div class="desk">
      <a class="skip" href="#main">Skip to content</a>
      <header class="bar">
        <span class="brand">MASH Desk</span>
        <nav aria-label="Screens">
          <ul>
            {canTriage(me) && (
              <li>
                <a href="#/queue" aria-current={screen === 'queue' ? 'page' : undefined}>Triage queue</a>
              </li>
            )}
            {answersChecks(me) && (
              <li>
                <a href="#/inbox" aria-current={screen === 'inbox' ? 'page' : undefined}>Agency checks</a>
              </li>
            )}
            {worksCases(me) && (
              <li>
                <a href="#/meetings" aria-current={screen === 'meetings' ? 'page' : undefined}>Meetings</a>
              </li>
            )}
            {receivesAlerts(me) && (
              <li>
                <a href="#/alerts" aria-current={screen === 'alerts' ? 'page' : undefined}>Alerts</a>
              </li>
            )}
            {isIg(me) && (
              <li>
                <a href="#/ig" aria-current={screen === 'ig' ? 'page' : undefined}>Access log</a>
              </li>
            )}
            {readsBoard(me) && (
              <li>
                <a href="#/board" aria-current={screen === 'board' ? 'page' : undefined}>Board</a>
              </li>
            )}
          </ul>
        </nav>
        <span class="who">
          {me.name} · {me.agency} · {me.roles.join(', ').toLowerCase().replace(/_/g, ' ')}
        </span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      <main id="main" class="page" tabIndex={-1}>
        {screen === 'queue' && canTriage(me) && <QueueView me={me} />}
        {screen === 'inbox' && answersChecks(me) && <InboxView me={me} />}
        {screen === 'ig' && isIg(me) && <IgView />}
        {screen === 'meetings' && worksCases(me) && <MeetingsView me={me} />}
        {screen === 'alerts' && receivesAlerts(me) && <AlertsView />}
        {screen === 'board' && readsBoard(me) && <BoardView />}
        {route.screen === 'child' && <ChildView key={route.id} me={me} id={route.id} />}
        {route.screen === 'referral' && canTriage(me) && <ReferralScreen key={route.id} me={me} id={route.id} />}
        {screen === 'home' && (
          <section>
            <h1>Nothing here for your role yet</h1>
            <p>MASH Desk does not yet have a screen for {me.roles.join(', ')}.</p>
          </section>
        )}
        {((screen === 'queue' && !canTriage(me)) ||
          (screen === 'inbox' && !answersChecks(me)) ||
          (screen === 'ig' && !isIg(me)) ||
          (screen === 'board' && !readsBoard(me)) ||
          (screen === 'meetings' && !worksCases(me)) ||
          (screen === 'alerts' && !receivesAlerts(me))) && (
          <section>
            <h1>Not available</h1>
            <p>This screen is not for your role.</p>
          </section>
        )}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
