import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { dateTime, words } from '../format.js';
import { MissingEpisodes, type MissingEpisodesResult } from '../generated/operations.js';
import type { Me } from '../session.js';
import { ErrorMessage, PersonLink } from './common.js';

type Episode = MissingEpisodesResult['missingEpisodes']['edges'][number]['node'];

/** The purpose episodes are read under: the first case purpose the role may declare. */
function missingPurpose(me: Me) {
  for (const p of ['TRIAGE', 'AGENCY_CHECK', 'STRATEGY', 'SECTION_47'] as const) if (me.purposes.includes(p)) return p;
  return null;
}

/**
 * Missing episodes and return home interviews (ADR 018), as far as the viewer reaches them: social
 * care MASH staff see every episode (they arrange the interviews), an agency its own and those of
 * children whose referral it works. Read-only here; the episodes are recorded through the API.
 */
export function MissingView({ me }: { me: Me }) {
  const purpose = missingPurpose(me);
  const [episodes, setEpisodes] = useState<Episode[] | null>(null);
  const [more, setMore] = useState(false);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!purpose) return;
    let stopped = false;
    setEpisodes(null);
    request(MissingEpisodes, { purpose, filter: overdueOnly ? { interviewOverdue: true } : null, first: 50 }).then(
      ({ data }) => {
        if (stopped) return;
        setEpisodes(data.missingEpisodes.edges.map((e) => e.node));
        setMore(data.missingEpisodes.pageInfo.hasNextPage);
      },
      (e: Error) => !stopped && setError(e.message),
    );
    return () => {
      stopped = true;
    };
  }, [purpose, overdueOnly]);

  if (!purpose) return <p>Your role may not read missing episodes.</p>;
  return (
    <section aria-labelledby="missing-title">
      <h1 id="missing-title">Missing episodes</h1>
      <p class="hint">
        A return home interview is offered within 72 hours of the child's return (clock time). Read for {words(purpose)}
        .
      </p>
      <div class="choice">
        <input
          type="checkbox"
          id="missing-overdue"
          checked={overdueOnly}
          onChange={(e) => setOverdueOnly((e.currentTarget as HTMLInputElement).checked)}
        />
        <label for="missing-overdue">Only interviews overdue</label>
      </div>
      <ErrorMessage message={error} />
      {episodes === null && !error && <p>Loading…</p>}
      {episodes && episodes.length === 0 && <p>No missing episodes to show.</p>}
      {episodes && episodes.length > 0 && (
        <table>
          <caption>
            {episodes.length} episode{episodes.length === 1 ? '' : 's'}
            {more ? ' (the first 50)' : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Child</th>
              <th scope="col">Missing from</th>
              <th scope="col">Started</th>
              <th scope="col">Returned</th>
              <th scope="col">Status</th>
              <th scope="col">Interview due</th>
              <th scope="col">Interview</th>
              <th scope="col">Recorded by</th>
            </tr>
          </thead>
          <tbody>
            {episodes.map((e) => (
              <tr key={e.id} data-testid="missing-row">
                <th scope="row">
                  {e.person ? (
                    <PersonLink person={e.person} />
                  ) : e.personId ? (
                    <a href={`#/child/${e.personId}`}>Child (name withheld)</a>
                  ) : (
                    'Withheld'
                  )}
                </th>
                <td>{words(e.missingFrom)}</td>
                <td>{dateTime(e.startedAt)}</td>
                <td>{e.returnedAt ? dateTime(e.returnedAt) : 'still missing'}</td>
                <td>{words(e.status)}</td>
                <td>
                  {dateTime(e.interviewDueAt)}
                  {e.interviewOverdue && <strong class="breach-flag"> Overdue</strong>}
                </td>
                <td>
                  {e.interviewOutcome
                    ? `${words(e.interviewOutcome)}, ${dateTime(e.interviewOutcomeAt)}`
                    : e.interviewOfferedAt
                      ? `offered ${dateTime(e.interviewOfferedAt)}`
                      : 'not offered'}
                </td>
                <td>{e.recordingAgency ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
