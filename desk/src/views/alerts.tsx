import { useEffect, useState } from 'preact/hooks';
import { request, subscribe } from '../api.js';
import { dateTime, words } from '../format.js';
import { AlertFeed, Alerts, type AlertsResult } from '../generated/operations.js';
import { ErrorMessage } from './common.js';

type Alert = AlertsResult['alerts']['edges'][number]['node'];

const WHAT: Record<string, string> = {
  BREAK_GLASS: 'Break-glass opened',
  CROSS_AGENCY_DETAIL_READ: "Another agency's detail was read",
  UNUSUAL_READ_VOLUME: 'Unusually many children read in an hour',
};

/** Alerts addressed to the viewer's agency (IG: every alert), newest first, live through `alertRaised`. */
export function AlertsView() {
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    request(Alerts, { first: 50 }).then(
      ({ data }) => !stopped && setAlerts((live) => [...(live ?? []), ...data.alerts.edges.map((e) => e.node).filter((a) => !(live ?? []).some((l) => l.id === a.id))]),
      (e: Error) => !stopped && setError(e.message),
    );
    const unsubscribe = subscribe(
      AlertFeed,
      {},
      ({ alertRaised }) => setAlerts((current) => [alertRaised, ...(current ?? []).filter((a) => a.id !== alertRaised.id)]),
      (message) => setError(message),
    );
    return () => {
      stopped = true;
      unsubscribe();
    };
  }, []);

  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <ErrorMessage message={error} />
      {alerts === null && !error && <p>Loading…</p>}
      {alerts && (
        <table>
          <caption>{alerts.length} alerts, newest first; new ones appear as they are raised</caption>
          <thead>
            <tr>
              <th scope="col">Raised</th>
              <th scope="col">What</th>
              <th scope="col">By agency</th>
              <th scope="col">To</th>
              <th scope="col">Person id</th>
            </tr>
          </thead>
          <tbody aria-live="polite">
            {alerts.map((a) => (
              <tr key={a.id} data-testid="alert">
                <td>{dateTime(a.createdAt)}</td>
                <td>
                  {WHAT[a.kind ?? ''] ?? words(a.kind)}
                  {a.distinctPeople !== null && ` (${a.distinctPeople} children)`}
                </td>
                <td>{a.actorAgency ?? '—'}</td>
                <td>{a.toAgency ?? 'information governance'}</td>
                <td>{a.personId ? <code>{a.personId}</code> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
