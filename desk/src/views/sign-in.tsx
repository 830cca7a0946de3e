import { useEffect, useState } from 'preact/hooks';
import { demoSignIn, demoUsers } from '../api.js';
import { completeOidcSignIn, isOidcCallback, signInOptions, startOidcSignIn, type OidcSettings } from '../oidc.js';
import { ErrorMessage } from './common.js';

type DemoUser = { id: string; name: string; agency: string; role: string };

/**
 * Sign-in. Production: the partnership's OpenID Connect provider (ADR 026), when the hub names
 * one. Development: choose a demo user; the hub answers /desk/dev/* only while development
 * authentication is on.
 */
export function SignIn({
  onToken,
  error,
}: {
  onToken: (token: string, expiresAt: number | null) => Promise<void>;
  error: string | null;
}) {
  const [users, setUsers] = useState<DemoUser[] | null | undefined>(undefined);
  const [oidc, setOidc] = useState<OidcSettings | null | undefined>(undefined);
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    signInOptions().then(
      async ({ provider, development }) => {
        setOidc(provider);
        if (development) {
          demoUsers().then(
            (list) => {
              setUsers(list);
              if (list?.[0]) setChosen(list[0].id);
            },
            () => setUsers(null),
          );
        } else setUsers(null);
        // The provider sent the browser back here with a code: finish signing in.
        if (provider && isOidcCallback()) {
          setBusy(true);
          try {
            const signedIn = await completeOidcSignIn(provider);
            await onToken(signedIn.accessToken, signedIn.expiresAt);
          } catch (err) {
            setProblem((err as Error).message);
          } finally {
            setBusy(false);
          }
        }
      },
      (err: Error) => {
        setOidc(null);
        setUsers(null);
        setProblem(err.message);
      },
    );
  }, []);

  async function signInAtProvider() {
    if (!oidc) return;
    setBusy(true);
    setProblem(null);
    try {
      await startOidcSignIn(oidc);
    } catch (err) {
      setProblem(`The identity provider could not be reached: ${(err as Error).message}`);
      setBusy(false);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await onToken(await demoSignIn(chosen), null);
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="page sign-in">
      <h1>MASH Desk</h1>
      {(users === undefined || oidc === undefined) && <p>Loading…</p>}
      {oidc && (
        <section aria-labelledby="provider-sign-in">
          <h2 id="provider-sign-in">Sign in with your partnership account</h2>
          <p class="hint">You will be taken to your partnership's sign-in page, then brought back here.</p>
          <button type="button" disabled={busy} onClick={() => void signInAtProvider()}>
            Sign in with your partnership account
          </button>
        </section>
      )}
      {users === null && oidc === null && (
        <p>This hub offers no sign-in for MASH Desk: ask your administrator to configure DESK_OIDC_CLIENT_ID.</p>
      )}
      {users && (
        <form onSubmit={(e) => void submit(e)}>
          <fieldset>
            <legend>Development sign-in: choose a demo user</legend>
            <p class="hint">
              Every demo user is fictional. This page exists only while the hub runs with development authentication.
            </p>
            {users.map((u) => (
              <div class="choice" key={u.id}>
                <input
                  type="radio"
                  id={`user-${u.id}`}
                  name="user"
                  value={u.id}
                  checked={chosen === u.id}
                  onChange={() => setChosen(u.id)}
                />
                <label for={`user-${u.id}`}>
                  {u.name} — {u.agency}, {u.role.toLowerCase().replace(/_/g, ' ')}
                </label>
              </div>
            ))}
          </fieldset>
          <button type="submit" disabled={busy || !chosen}>
            Sign in
          </button>
        </form>
      )}
      <ErrorMessage message={problem ?? error} />
    </main>
  );
}
