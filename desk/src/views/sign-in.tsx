import { useEffect, useState } from 'preact/hooks';
import { demoSignIn, demoUsers } from '../api.js';
import { ErrorMessage } from './common.js';

type DemoUser = { id: string; name: string; agency: string; role: string };

/**
 * Development: choose a demo user. The hub answers /desk/dev/* only while development
 * authentication is on; otherwise this page says sign-in goes through the partnership's provider.
 */
export function SignIn({ onToken, error }: { onToken: (token: string) => Promise<void>; error: string | null }) {
  const [users, setUsers] = useState<DemoUser[] | null | undefined>(undefined);
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    demoUsers().then(
      (list) => {
        setUsers(list);
        if (list?.[0]) setChosen(list[0].id);
      },
      () => setUsers(null),
    );
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await onToken(await demoSignIn(chosen));
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="page sign-in">
      <h1>MASH Desk</h1>
      {users === undefined && <p>Loading…</p>}
      {users === null && (
        <p>
          Sign-in through the partnership's identity provider is not available in this version of the desk. Development
          sign-in is switched off on this hub.
        </p>
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
