import { useState } from 'preact/hooks';
import { request } from '../api.js';
import { dateTime, words } from '../format.js';
import {
  MissingEpisodes,
  OfferReturnInterview,
  RecordMissingReturn,
  RecordReturnInterview,
  type MissingEpisodesResult,
  type ReturnInterviewOutcome,
} from '../generated/operations.js';
import type { Me } from '../session.js';
import {
  instant,
  nowLocal,
  RecordButton,
  useCohortList,
  useVersionedChange,
  WorkPanel,
  type Change,
  ChildCell,
} from './cohort-change.js';
import { ErrorMessage } from './common.js';

type Episode = MissingEpisodesResult['missingEpisodes']['edges'][number]['node'];

/** The purpose episodes are read under: the first case purpose the role may declare. */
function missingPurpose(me: Me) {
  for (const p of ['TRIAGE', 'AGENCY_CHECK', 'STRATEGY', 'SECTION_47'] as const) if (me.purposes.includes(p)) return p;
  return null;
}

const SOCIAL_CARE_MASH = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'];

/** Whether the viewer has something to record on the episode (ADR 018's state machine; the hub decides). */
function canRecord(e: Episode, socialCare: boolean): boolean {
  return e.status === 'MISSING' || (socialCare && (e.status === 'RETURNED' || e.status === 'INTERVIEW_OFFERED'));
}

/**
 * Missing episodes and return home interviews (ADR 018), as far as the viewer reaches them: social
 * care MASH staff see every episode (they arrange the interviews), an agency its own and those of
 * children whose referral it works. Any MASH role records the return of an episode it reaches; social
 * care offers the return home interview and records whether it was held or declined (ADR 035).
 * Recording a new episode stays in the API.
 */
export function MissingView({ me }: { me: Me }) {
  const purpose = missingPurpose(me);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const {
    rows: episodes,
    more,
    error,
    load,
  } = useCohortList<Episode>(
    purpose
      ? async () => {
          const { data } = await request(MissingEpisodes, {
            purpose,
            filter: overdueOnly ? { interviewOverdue: true } : null,
            first: 50,
          });
          return {
            rows: data.missingEpisodes.edges.map((e) => e.node),
            more: data.missingEpisodes.pageInfo.hasNextPage,
          };
        }
      : null,
    [purpose, overdueOnly],
  );
  const { change, feedback } = useVersionedChange(load);
  const socialCare = me.roles.some((r) => SOCIAL_CARE_MASH.includes(r));

  const current = episodes?.find((e) => e.id === selected) ?? null;

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
              <th scope="col">Record</th>
            </tr>
          </thead>
          <tbody>
            {episodes.map((e) => (
              <tr key={e.id} data-testid="missing-row">
                <th scope="row">
                  <ChildCell person={e.person} personId={e.personId} />
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
                    ? `${words(e.interviewOutcome)}, ${dateTime(e.interviewOutcomeAt)}${e.interviewConductedBy ? `, ${e.interviewConductedBy}` : ''}`
                    : e.interviewOfferedAt
                      ? `offered ${dateTime(e.interviewOfferedAt)}`
                      : 'not offered'}
                </td>
                <td>{e.recordingAgency ?? '—'}</td>
                <td>
                  {canRecord(e, socialCare) && (
                    <RecordButton
                      open={selected === e.id}
                      controls="missing-work"
                      onToggle={() => setSelected(selected === e.id ? null : e.id)}
                      label={`for the episode started ${dateTime(e.startedAt)}`}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {feedback}
      <div id="missing-work">
        {current && canRecord(current, socialCare) && (
          <MissingWork key={`${current.id}-${current.version}`} episode={current} change={change} />
        )}
      </div>
    </section>
  );
}

/** The one step the episode is at: the return, the interview's offer, or its outcome. */
function MissingWork({ episode: e, change }: { episode: Episode; change: Change }) {
  const id = e.id!;
  const expectedVersion = e.version ?? 0;
  const [at, setAt] = useState(nowLocal());
  const [outcome, setOutcome] = useState<ReturnInterviewOutcome>('HELD');
  const [conductedBy, setConductedBy] = useState('');
  const title = `Record for the episode started ${dateTime(e.startedAt)}`;
  const when = (label: string) => (
    <>
      <label for="missing-at">{label}</label>
      <input
        id="missing-at"
        type="datetime-local"
        required
        value={at}
        onInput={(ev) => setAt((ev.currentTarget as HTMLInputElement).value)}
      />
    </>
  );
  if (e.status === 'MISSING')
    return (
      <WorkPanel testId="missing-work" title={title}>
        <form
          onSubmit={(ev) => {
            ev.preventDefault();
            void change('Return recorded', () =>
              request(RecordMissingReturn, { id, returnedAt: instant(at), expectedVersion }),
            );
          }}
        >
          <fieldset>
            <legend>The child was found or came back</legend>
            {when('Returned')}
            <button type="submit" disabled={!at}>
              Record return
            </button>
          </fieldset>
        </form>
      </WorkPanel>
    );
  if (e.status === 'RETURNED')
    return (
      <WorkPanel testId="missing-work" title={title}>
        <form
          onSubmit={(ev) => {
            ev.preventDefault();
            void change('Interview offered', () =>
              request(OfferReturnInterview, { id, offeredAt: instant(at), expectedVersion }),
            );
          }}
        >
          <fieldset>
            <legend>A return home interview was offered</legend>
            <p class="hint">Due by {dateTime(e.interviewDueAt)} (72 hours after the return).</p>
            {when('Offered')}
            <button type="submit" disabled={!at}>
              Record offer
            </button>
          </fieldset>
        </form>
      </WorkPanel>
    );
  return (
    <WorkPanel testId="missing-work" title={title}>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void change('Interview recorded', () =>
            request(RecordReturnInterview, {
              id,
              input: { outcome, at: instant(at), conductedBy: conductedBy.trim() },
              expectedVersion,
            }),
          );
        }}
      >
        <fieldset>
          <legend>The return home interview</legend>
          <label for="missing-outcome">Outcome</label>
          <select
            id="missing-outcome"
            value={outcome}
            onChange={(ev) => setOutcome((ev.currentTarget as HTMLSelectElement).value as ReturnInterviewOutcome)}
          >
            <option value="HELD">held</option>
            <option value="DECLINED">declined</option>
          </select>
          {when(outcome === 'HELD' ? 'Held' : 'Declined')}
          <label for="missing-by">
            {outcome === 'HELD' ? 'Conducted by' : 'Whose offer was declined'} (a name or service)
          </label>
          <input
            id="missing-by"
            required
            value={conductedBy}
            onInput={(ev) => setConductedBy((ev.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" disabled={!at || !conductedBy.trim()}>
            Record interview
          </button>
        </fieldset>
      </form>
    </WorkPanel>
  );
}
