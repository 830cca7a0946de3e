import { useEffect, useState } from 'preact/hooks';
import { request, subscribe } from '../api.js';
import { dateTime, words } from '../format.js';
import { AcknowledgeAlert, AlertFeed, Alerts, type AlertsResult } from '../generated/operations.js';
import type { Me } from '../session.js';
import { ErrorMessage } from './common.js';

type Alert = AlertsResult['alerts']['edges'][number]['node'];

const WHAT: Record<string, string> = {
  BREAK_GLASS: 'Break-glass opened',
  CROSS_AGENCY_DETAIL_READ: "Another agency's detail was read",
  UNUSUAL_READ_VOLUME: 'Unusually many children read in an hour',
};

const MASH_ROLES = [
  'MASH_SOCIAL_WORKER',
  'MASH_MANAGER',
  'POLICE_MASH_OFFICER',
  'HEALTH_MASH_PRACTITIONER',
  'PROBATION_MASH_OFFICER',
  'EDUCATION_MASH_OFFICER',
];

/** The hub's rule (ADR 021), so the button shows only where it would be accepted: your agency's alerts, or IG's for an IG auditor. */
function mayAcknowledge(me: Me, a: Alert): boolean {
  if (a.toAgency === null) return me.roles.includes('IG_AUDITOR');
  return a.toAgency === me.agency && me.roles.some((r) => MASH_ROLES.includes(r));
}

/** Alerts addressed to the viewer's agency (IG: every alert), newest first, live through `alertRaised`. */
export function AlertsView({ me }: { me: Me }) {
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function acknowledge(id: string) {
    try {
      const { data } = await request(AcknowledgeAlert, { id });
      setAlerts((current) => (current ?? []).map((a) => (a.id === id ? data.acknowledgeAlert : a)));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  useEffect(() => {
    let stopped = false;
    request(Alerts, { first: 50 }).then(
      ({ data }) =>
        !stopped &&
        setAlerts((live) => [
          ...(live ?? []),
          ...data.alerts.edges.map((e) => e.node).filter((a) => !(live ?? []).some((l) => l.id === a.id)),
        ]),
      (e: Error) => !stopped && setError(e.message),
    );
    const unsubscribe = subscribe(
      AlertFeed,
      {},
      ({ alertRaised }) =>
        setAlerts((current) => [alertRaised, ...(current ?? []).filter((a) => a.id !== alertRaised.id)]),
      (message) => setError(message),
      // After a dropped connection, the alerts raised meanwhile are replayed (ADR 022/028); one per id.
      { resume: true },
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
              <th scope="col">Acknowledged</th>
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
                <td>
                  {a.acknowledgedAt ? (
                    <span data-testid="acknowledged">
                      {a.acknowledgedByName ?? 'Acknowledged'}, {dateTime(a.acknowledgedAt)}
                    </span>
                  ) : mayAcknowledge(me, a) && a.id ? (
                    <button type="button" onClick={() => void acknowledge(a.id!)}>
                      Acknowledge
                    </button>
                  ) : (
                    'Not yet'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
