import { useState } from 'preact/hooks';
import { request } from '../api.js';
import { date, dateTime, words } from '../format.js';
import {
  CloseEarlyHelpEpisode,
  EarlyHelpEpisodes,
  StepDownToEarlyHelp,
  StepUpEarlyHelpEpisode,
  UpdateEarlyHelpEpisode,
  type EarlyHelpEpisodesResult,
  type EarlyHelpOutcome,
  type EarlyHelpStatus,
} from '../generated/operations.js';
import type { Me } from '../session.js';
import {
  firstPurpose,
  instant,
  nowLocal,
  RecordButton,
  useCohortList,
  useVersionedChange,
  WorkPanel,
  type Change,
  ChildCell,
} from './cohort-change.js';
import { ChildChooser } from './child-chooser.js';
import { ErrorMessage } from './common.js';

type Episode = EarlyHelpEpisodesResult['earlyHelpEpisodes']['edges'][number]['node'];

const SOCIAL_CARE_MASH = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'];
const SHOWN: Record<string, { label: string; status: EarlyHelpStatus[] | null }> = {
  OPEN: { label: 'Open', status: ['OPEN'] },
  STEPPED_UP: { label: 'Stepped up to social care', status: ['STEPPED_UP'] },
  CLOSED: { label: 'Closed', status: ['CLOSED'] },
  ALL: { label: 'All', status: null },
};

/**
 * Early help episodes and the step-down / step-up between early help and social care (ADR 018), as
 * far as the viewer reaches them. Social care MASH staff record the lead professional, assessment and
 * team around the family and close an episode; stepping up is a MASH manager's decision.
 */
export function EarlyHelpView({ me }: { me: Me }) {
  const purpose = firstPurpose(me.purposes, ['TRIAGE', 'AGENCY_CHECK', 'STRATEGY', 'SECTION_47'] as const);
  const [shown, setShown] = useState('OPEN');
  const [selected, setSelected] = useState<string | null>(null);
  const {
    rows: episodes,
    more,
    error,
    load,
  } = useCohortList<Episode>(
    purpose
      ? async () => {
          const status = SHOWN[shown]!.status;
          const { data } = await request(EarlyHelpEpisodes, { purpose, filter: status ? { status } : null, first: 50 });
          return {
            rows: data.earlyHelpEpisodes.edges.map((e) => e.node),
            more: data.earlyHelpEpisodes.pageInfo.hasNextPage,
          };
        }
      : null,
    [shown],
  );
  // Kept here, not in the panel: the panel starts afresh with each new version, the outcome stays said.
  const { change, feedback } = useVersionedChange(load);
  const works = me.roles.some((r) => SOCIAL_CARE_MASH.includes(r));

  if (!purpose) return <p>Your role may not read early help episodes.</p>;
  const current = episodes?.find((e) => e.id === selected) ?? null;
  return (
    <section aria-labelledby="early-help-title">
      <h1 id="early-help-title">Early help</h1>
      <p class="hint">
        Episodes opened by the MASH's early help decision or by a step-down from social care, oldest first. Read for{' '}
        {words(purpose)}.
      </p>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="early-help-shown">Show</label>
        <select
          id="early-help-shown"
          value={shown}
          onChange={(e) => setShown((e.currentTarget as HTMLSelectElement).value)}
        >
          {Object.entries(SHOWN).map(([k, v]) => (
            <option key={k} value={k}>
              {v.label}
            </option>
          ))}
        </select>
      </form>
      {me.roles.includes('MASH_MANAGER') && <StepDown reload={load} />}
      <ErrorMessage message={error} />
      {episodes === null && !error && <p>Loading…</p>}
      {episodes && episodes.length === 0 && <p>No early help episodes to show.</p>}
      {episodes && episodes.length > 0 && (
        <table>
          <caption>
            {episodes.length} episode{episodes.length === 1 ? '' : 's'}
            {more ? ' (the first 50)' : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Child</th>
              <th scope="col">Began</th>
              <th scope="col">Lead professional</th>
              <th scope="col">Assessment completed</th>
              <th scope="col">Team around the family since</th>
              <th scope="col">Step-down and step-up</th>
              <th scope="col">Status</th>
              {works && <th scope="col">Record</th>}
            </tr>
          </thead>
          <tbody>
            {episodes.map((e) => (
              <tr key={e.id} data-testid="early-help-row">
                <th scope="row">
                  <ChildCell person={e.person} personId={e.personId} />
                </th>
                <td>
                  {e.source === 'STEP_DOWN' ? 'stepped down' : 'MASH decision'}, {dateTime(e.openedAt)}
                  {e.referralId && works && (
                    <>
                      {' '}
                      (<a href={`#/referral/${e.referralId}`}>referral</a>)
                    </>
                  )}
                </td>
                <td>
                  {e.leadProfessionalName ?? 'not recorded'}
                  {e.leadProfessionalAgency ? `, ${e.leadProfessionalAgency}` : ''}
                </td>
                <td>{e.assessmentCompletedAt ? date(e.assessmentCompletedAt) : 'not yet'}</td>
                <td>{e.teamAroundFamilyFrom ? date(e.teamAroundFamilyFrom) : 'not yet'}</td>
                <td>
                  {(e.transitions ?? []).length === 0
                    ? '—'
                    : (e.transitions ?? []).map((t) => (
                        <p key={t.id} class="transition">
                          {t.direction === 'STEP_UP' ? 'Stepped up' : 'Stepped down'} {date(t.occurredAt)}, agreed by{' '}
                          {t.agreedByName ?? '—'} with {t.agreedWith ?? '—'}: {t.reason ?? 'reason withheld'}
                        </p>
                      ))}
                </td>
                <td data-testid="early-help-status">
                  {words(e.status)}
                  {e.outcome ? ` (${words(e.outcome)})` : ''}
                  {e.closedAt ? `, ${date(e.closedAt)}` : ''}
                </td>
                {works && (
                  <td>
                    {e.status === 'OPEN' && (
                      <RecordButton
                        open={selected === e.id}
                        controls="early-help-work"
                        onToggle={() => setSelected(selected === e.id ? null : e.id)}
                        label={`for the episode opened ${dateTime(e.openedAt)}`}
                      />
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {works && feedback}
      <div id="early-help-work">
        {works && current && current.status === 'OPEN' && (
          <EarlyHelpWork key={`${current.id}-${current.version}`} me={me} episode={current} change={change} />
        )}
      </div>
    </section>
  );
}

/** What social care records on an open episode; the step-up only for a MASH manager. */
function EarlyHelpWork({ me, episode: e, change }: { me: Me; episode: Episode; change: Change }) {
  const manager = me.roles.includes('MASH_MANAGER');
  const id = e.id!;
  const version = e.version ?? 0;
  const [leadName, setLeadName] = useState(e.leadProfessionalName ?? '');
  const [leadAgency, setLeadAgency] = useState(e.leadProfessionalAgency ?? '');
  const [assessed, setAssessed] = useState('');
  const [tafFrom, setTafFrom] = useState('');
  const [outcome, setOutcome] = useState<EarlyHelpOutcome>('NEEDS_MET');
  const [closedAt, setClosedAt] = useState(nowLocal());
  const [agreedWith, setAgreedWith] = useState('');
  const [reason, setReason] = useState('');
  const [upAt, setUpAt] = useState(nowLocal());

  return (
    <WorkPanel testId="early-help-work" title={`Record for the episode opened ${dateTime(e.openedAt)}`}>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void change('Episode updated', () =>
            request(UpdateEarlyHelpEpisode, {
              id,
              expectedVersion: version,
              input: {
                leadProfessionalName: leadName.trim() || null,
                leadProfessionalAgency: leadAgency.trim() || null,
                assessmentCompletedAt: assessed ? instant(assessed) : null,
                teamAroundFamilyFrom: tafFrom ? instant(tafFrom) : null,
              },
            }),
          );
        }}
      >
        <fieldset>
          <legend>Lead professional, assessment and team around the family</legend>
          <label for="eh-lead-name">Lead professional</label>
          <input
            id="eh-lead-name"
            value={leadName}
            onInput={(ev) => setLeadName((ev.currentTarget as HTMLInputElement).value)}
          />
          <label for="eh-lead-agency">Their agency (code)</label>
          <input
            id="eh-lead-agency"
            value={leadAgency}
            onInput={(ev) => setLeadAgency((ev.currentTarget as HTMLInputElement).value)}
          />
          <label for="eh-assessed">Assessment completed</label>
          <input
            id="eh-assessed"
            type="datetime-local"
            value={assessed}
            onInput={(ev) => setAssessed((ev.currentTarget as HTMLInputElement).value)}
          />
          <label for="eh-taf">Team around the family since</label>
          <input
            id="eh-taf"
            type="datetime-local"
            value={tafFrom}
            onInput={(ev) => setTafFrom((ev.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit">Save</button>
        </fieldset>
      </form>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void change('Episode closed', () =>
            request(CloseEarlyHelpEpisode, { id, expectedVersion: version, outcome, closedAt: instant(closedAt) }),
          );
        }}
      >
        <fieldset>
          <legend>Close the episode</legend>
          <label for="eh-outcome">Outcome</label>
          <select
            id="eh-outcome"
            value={outcome}
            onChange={(ev) => setOutcome((ev.currentTarget as HTMLSelectElement).value as EarlyHelpOutcome)}
          >
            <option value="NEEDS_MET">needs met</option>
            <option value="NEEDS_NOT_MET">needs not met</option>
          </select>
          <label for="eh-closed-at">Closed</label>
          <input
            id="eh-closed-at"
            type="datetime-local"
            required
            value={closedAt}
            onInput={(ev) => setClosedAt((ev.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" disabled={!closedAt}>
            Close episode
          </button>
        </fieldset>
      </form>
      {manager && (
        <form
          onSubmit={(ev) => {
            ev.preventDefault();
            void change('Stepped up to social care', () =>
              request(StepUpEarlyHelpEpisode, {
                id,
                expectedVersion: version,
                input: { agreedWith: agreedWith.trim(), reason: reason.trim(), at: instant(upAt) },
              }),
            );
          }}
        >
          <fieldset>
            <legend>Step up to social care</legend>
            <p class="hint">A MASH manager's decision: the episode ends and the step-up is recorded with your name.</p>
            <label for="eh-agreed-with">Agreed with (early help lead or team manager)</label>
            <input
              id="eh-agreed-with"
              required
              value={agreedWith}
              onInput={(ev) => setAgreedWith((ev.currentTarget as HTMLInputElement).value)}
            />
            <label for="eh-up-reason">Reason</label>
            <textarea
              id="eh-up-reason"
              rows={2}
              required
              value={reason}
              onInput={(ev) => setReason((ev.currentTarget as HTMLTextAreaElement).value)}
            />
            <label for="eh-up-at">When</label>
            <input
              id="eh-up-at"
              type="datetime-local"
              required
              value={upAt}
              onInput={(ev) => setUpAt((ev.currentTarget as HTMLInputElement).value)}
            />
            <button type="submit" disabled={!agreedWith.trim() || !reason.trim() || !upAt}>
              Step up
            </button>
          </fieldset>
        </form>
      )}
    </WorkPanel>
  );
}

/** A MASH manager steps a child down from social care into early help (ADR 018): the episode opens. */
function StepDown({ reload }: { reload: () => Promise<void> }) {
  const { change, feedback } = useVersionedChange(reload);
  const [personId, setPersonId] = useState<string | null>(null);
  const [agreedWith, setAgreedWith] = useState('');
  const [reason, setReason] = useState('');
  const [at, setAt] = useState(nowLocal());
  const [leadName, setLeadName] = useState('');
  const [leadAgency, setLeadAgency] = useState('');
  const [round, setRound] = useState(0);
  const ready = personId && agreedWith.trim() && reason.trim() && at;
  return (
    <details class="action" data-testid="early-help-step-down">
      <summary>Step a child down into early help</summary>
      <form
        key={round}
        onSubmit={(ev) => {
          ev.preventDefault();
          if (!personId) return;
          void change('Stepped down into early help', () =>
            request(StepDownToEarlyHelp, {
              input: {
                personId,
                agreedWith: agreedWith.trim(),
                reason: reason.trim(),
                at: instant(at),
                leadProfessionalName: leadName.trim() || null,
                leadProfessionalAgency: leadAgency.trim() || null,
              },
            }),
          ).then((ok) => {
            if (!ok) return;
            setPersonId(null);
            setAgreedWith('');
            setReason('');
            setLeadName('');
            setLeadAgency('');
            setRound(round + 1);
          });
        }}
      >
        <ChildChooser idPrefix="eh-down-child" onChoose={setPersonId} />
        <fieldset>
          <legend>The step-down</legend>
          <label for="eh-down-with">Agreed with (the early help team manager)</label>
          <input
            id="eh-down-with"
            required
            value={agreedWith}
            onInput={(ev) => setAgreedWith((ev.currentTarget as HTMLInputElement).value)}
          />
          <label for="eh-down-reason">Reason</label>
          <textarea
            id="eh-down-reason"
            rows={2}
            required
            value={reason}
            onInput={(ev) => setReason((ev.currentTarget as HTMLTextAreaElement).value)}
          />
          <label for="eh-down-at">When</label>
          <input
            id="eh-down-at"
            type="datetime-local"
            required
            value={at}
            onInput={(ev) => setAt((ev.currentTarget as HTMLInputElement).value)}
          />
          <label for="eh-down-lead">Lead professional (if known)</label>
          <input
            id="eh-down-lead"
            value={leadName}
            onInput={(ev) => setLeadName((ev.currentTarget as HTMLInputElement).value)}
          />
          <label for="eh-down-agency">Their agency (code)</label>
          <input
            id="eh-down-agency"
            value={leadAgency}
            onInput={(ev) => setLeadAgency((ev.currentTarget as HTMLInputElement).value)}
          />
        </fieldset>
        <button type="submit" disabled={!ready}>
          Step down
        </button>
      </form>
      {feedback}
    </details>
  );
}
