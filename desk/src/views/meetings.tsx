import { useEffect, useState } from 'preact/hooks';
import { request, subscribe } from '../api.js';
import { date, dateTime, words } from '../format.js';
import { MeetingChanges, Meetings, type MeetingsResult, type Purpose } from '../generated/operations.js';
import type { Me } from '../session.js';
import { ErrorMessage, PersonLink } from './common.js';

type Meeting = MeetingsResult['meetings']['edges'][number]['node'];

/** The purpose meetings are read under: strategy work when the role may declare it. */
function meetingPurpose(me: Me): Purpose | null {
  for (const p of ['STRATEGY', 'SECTION_47', 'TRIAGE', 'AGENCY_CHECK'] as const) if (me.purposes.includes(p)) return p;
  return null;
}

/** Meetings in scope: schedule, invitees and attendance, quorum and who is missing, outcome, actions, ICPC due. */
export function MeetingsView({ me }: { me: Me }) {
  const purpose = meetingPurpose(me);
  const [meetings, setMeetings] = useState<Meeting[] | null>(null);
  const [upcoming, setUpcoming] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState('');

  useEffect(() => {
    if (!purpose) return;
    let stopped = false;
    request(Meetings, { purpose, filter: upcoming ? { upcoming: true } : null, first: 50 }).then(
      ({ data }) => !stopped && setMeetings(data.meetings.edges.map((e) => e.node)),
      (e: Error) => !stopped && setError(e.message),
    );
    const unsubscribe = subscribe(
      MeetingChanges,
      { purpose },
      ({ meetingChanged }) => {
        if (!meetingChanged?.id) return;
        setMeetings((current) => (current ?? []).map((m) => (m.id === meetingChanged.id ? meetingChanged : m)));
        setLive(`A ${words(meetingChanged.type)} was updated at ${dateTime(new Date().toISOString())}`);
      },
      (message) => setError(message),
    );
    return () => {
      stopped = true;
      unsubscribe();
    };
  }, [upcoming]);

  if (!purpose) return <p>Your role may not read meetings.</p>;
  return (
    <section aria-labelledby="meetings-title">
      <h1 id="meetings-title">Meetings</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          <input type="checkbox" checked={upcoming} onChange={(e) => setUpcoming((e.currentTarget as HTMLInputElement).checked)} />
          Upcoming only
        </label>
      </form>
      <p class="live" aria-live="polite">
        {live}
      </p>
      <ErrorMessage message={error} />
      {meetings === null && !error && <p>Loading…</p>}
      {meetings && !meetings.length && <p>No meetings{upcoming ? ' coming up' : ''}.</p>}
      {meetings?.map((m) => (
        <article key={m.id} class="meeting" data-testid="meeting" aria-labelledby={`meeting-${m.id}`}>
          <h2 id={`meeting-${m.id}`}>
            {words(m.type)} · {dateTime(m.scheduledAt)} · {words(m.status)}
          </h2>
          <dl class="fields">
            <div><dt>Organised by</dt><dd>{m.organisingAgency ?? '—'}{m.chairName && `, chaired by ${m.chairName}`}</dd></div>
            <div>
              <dt>Quorum</dt>
              <dd>{m.quorate === null ? '—' : m.quorate ? 'quorate' : <strong class="breach-flag">not quorate</strong>}{m.missingAgencies?.length ? ` — missing: ${m.missingAgencies.join(', ')}` : ''}</dd>
            </div>
            <div><dt>Outcome</dt><dd>{m.outcome ? words(m.outcome) : 'not recorded'}</dd></div>
            <div>
              <dt>Initial conference due</dt>
              <dd>{m.icpcDueAt ? date(m.icpcDueAt) : '—'}{m.icpcOverdue && <strong class="breach-flag"> Overdue</strong>}</dd>
            </div>
            <div>
              <dt>About</dt>
              <dd>{(m.subjects ?? []).map((s, i) => (s.id ? <span key={s.id}>{i ? ', ' : ''}<PersonLink person={s} /></span> : null))}</dd>
            </div>
          </dl>
          <table>
            <caption>Invitees and attendance</caption>
            <thead><tr><th scope="col">Agency</th><th scope="col">Who</th><th scope="col">Required</th><th scope="col">Attendance</th><th scope="col">Reason</th></tr></thead>
            <tbody>
              {(m.invitees ?? []).map((i) => (
                <tr key={i.id}>
                  <td>{i.agency}</td>
                  <td>{i.personName ?? '—'}</td>
                  <td>{i.required ? 'yes' : 'no'}</td>
                  <td>{words(i.attendance)}</td>
                  <td>{i.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!!m.actions?.length && (
            <>
              <h3>Actions</h3>
              <ul>
                {m.actions.map((a) => (
                  <li key={a.id}>
                    {a.description ?? 'withheld'} — {a.ownerName ?? a.ownerAgency ?? '—'}, due {a.dueDate ? date(a.dueDate) : '—'} ({words(a.status)}){a.overdue && <strong class="breach-flag"> Overdue</strong>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </article>
      ))}
    </section>
  );
}
