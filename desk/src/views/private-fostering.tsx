import { useState } from 'preact/hooks';
import { request } from '../api.js';
import { date, dateTime, words } from '../format.js';
import {
  ClosePrivateFostering,
  NotifyPrivateFostering,
  PrivateFosteringNotifierValues,
  PrivateFosteringArrangements,
  PrivateFosteringClosureReasonValues,
  RecordPrivateFosteringVisit,
  type PrivateFosteringArrangementsResult,
  type PrivateFosteringClosureReason,
  type PrivateFosteringNotifier,
} from '../generated/operations.js';
import type { Me } from '../session.js';
import {
  EnumSelect,
  firstPurpose,
  instant,
  nowLocal,
  RecordButton,
  todayLocal,
  useCohortList,
  useVersionedChange,
  WorkPanel,
  type Change,
  ChildCell,
} from './cohort-change.js';
import { ChildChooser } from './child-chooser.js';
import { ErrorMessage } from './common.js';

type Arrangement = PrivateFosteringArrangementsResult['privateFosteringArrangements']['edges'][number]['node'];

const SOCIAL_CARE_MASH = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'];
/** The list's size: the API has no filter, so the filters below work on this page. */
const PAGE = 100;

/** A statutory visit not yet held and past its due date. */
const overdue = (a: Arrangement) => a.status !== 'CLOSED' && !!a.nextVisit?.late;

/**
 * Private fostering notifications and the statutory visits (ADR 018): the initial visit within 7
 * working days of the notification, then every 6 weeks in the first year and 12 after. Social care
 * MASH staff record visits and close an arrangement; agencies working the child read the clocks.
 */
export function PrivateFosteringView({ me }: { me: Me }) {
  const purpose = firstPurpose(me.purposes, ['TRIAGE', 'AGENCY_CHECK', 'STRATEGY', 'SECTION_47'] as const);
  const [withClosed, setWithClosed] = useState(false);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const {
    rows: arrangements,
    more,
    error,
    load,
  } = useCohortList<Arrangement>(
    purpose
      ? async () => {
          const { data } = await request(PrivateFosteringArrangements, { purpose, first: PAGE });
          return {
            rows: data.privateFosteringArrangements.edges.map((e) => e.node),
            more: data.privateFosteringArrangements.pageInfo.hasNextPage,
          };
        }
      : null,
    [],
  );
  const { change, feedback } = useVersionedChange(load);
  const works = me.roles.some((r) => SOCIAL_CARE_MASH.includes(r));

  if (!purpose) return <p>Your role may not read private fostering arrangements.</p>;
  const shown = (arrangements ?? []).filter(
    (a) => (withClosed || a.status !== 'CLOSED') && (!overdueOnly || overdue(a)),
  );
  const current = arrangements?.find((a) => a.id === selected) ?? null;
  return (
    <section aria-labelledby="pf-title">
      <h1 id="pf-title">Private fostering</h1>
      <p class="hint">
        The initial visit is due 7 working days after the notification; later visits at most 6 weeks apart in the first
        year, 12 weeks after. Read for {words(purpose)}.
      </p>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <div class="choice">
          <input
            type="checkbox"
            id="pf-overdue"
            checked={overdueOnly}
            onChange={(e) => setOverdueOnly((e.currentTarget as HTMLInputElement).checked)}
          />
          <label for="pf-overdue">Only visits overdue</label>
        </div>
        <div class="choice">
          <input
            type="checkbox"
            id="pf-closed"
            checked={withClosed}
            onChange={(e) => setWithClosed((e.currentTarget as HTMLInputElement).checked)}
          />
          <label for="pf-closed">Include closed arrangements</label>
        </div>
      </form>
      {works && <Notify reload={load} />}
      <ErrorMessage message={error} />
      {arrangements === null && !error && <p>Loading…</p>}
      {arrangements && shown.length === 0 && <p>No private fostering arrangements to show.</p>}
      {shown.length > 0 && (
        <table>
          <caption>
            {shown.length} arrangement{shown.length === 1 ? '' : 's'}
            {more ? ` (of the first ${PAGE})` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Child</th>
              <th scope="col">Notified</th>
              <th scope="col">Living with the carer since</th>
              <th scope="col">Initial visit</th>
              <th scope="col">Next visit due</th>
              <th scope="col">Visits held</th>
              <th scope="col">Status</th>
              {works && <th scope="col">Record</th>}
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={a.id} data-testid="pf-row">
                <th scope="row">
                  <ChildCell person={a.person} personId={a.personId} />
                </th>
                <td>
                  {dateTime(a.notifiedAt)} by {words(a.notifiedBy)}
                  {a.notifierName ? ` (${a.notifierName})` : ''}
                </td>
                <td>{date(a.arrangementStartedOn)}</td>
                <td>
                  due {date(a.initialVisitDueOn)}
                  {a.initialVisitOn
                    ? `; held ${date(a.initialVisitOn)}${a.initialVisitWithinTimescale === false ? ' (late)' : ''}`
                    : '; not held'}
                </td>
                <td data-testid="pf-next">
                  {a.nextVisit ? date(a.nextVisit.dueOn) : '—'}
                  {overdue(a) && <strong class="breach-flag"> Overdue</strong>}
                </td>
                <td>
                  {(a.visits ?? []).length}
                  {(a.visits ?? []).some((v) => v.late)
                    ? ` (${(a.visits ?? []).filter((v) => v.late).length} late)`
                    : ''}
                </td>
                <td data-testid="pf-status">
                  {words(a.status)}
                  {a.closedOn ? `, ${date(a.closedOn)} (${words(a.closureReason)})` : ''}
                </td>
                {works && (
                  <td>
                    {a.status !== 'CLOSED' && (
                      <RecordButton
                        open={selected === a.id}
                        controls="pf-work"
                        onToggle={() => setSelected(selected === a.id ? null : a.id)}
                        label={`for the notification of ${dateTime(a.notifiedAt)}`}
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
      <div id="pf-work">
        {works && current && current.status !== 'CLOSED' && (
          <PrivateFosteringWork key={`${current.id}-${current.version}`} arrangement={current} change={change} />
        )}
      </div>
    </section>
  );
}

function PrivateFosteringWork({ arrangement: a, change }: { arrangement: Arrangement; change: Change }) {
  const id = a.id!;
  const version = a.version ?? 0;
  const [heldOn, setHeldOn] = useState(todayLocal());
  const [closedOn, setClosedOn] = useState(todayLocal());
  const [reason, setReason] = useState<PrivateFosteringClosureReason>('RETURNED_TO_PARENT');
  return (
    <WorkPanel testId="pf-work" title={`Record for the notification of ${dateTime(a.notifiedAt)}`}>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void change('Visit recorded', () =>
            request(RecordPrivateFosteringVisit, { id, heldOn, expectedVersion: version }),
          );
        }}
      >
        <fieldset>
          <legend>{a.initialVisitOn ? 'A statutory visit was held' : 'The initial visit was held'}</legend>
          <p class="hint">Due {a.nextVisit ? date(a.nextVisit.dueOn) : '—'}.</p>
          <label for="pf-held-on">Held on</label>
          <input
            id="pf-held-on"
            type="date"
            required
            value={heldOn}
            onInput={(ev) => setHeldOn((ev.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" disabled={!heldOn}>
            Record visit
          </button>
        </fieldset>
      </form>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void change('Arrangement closed', () =>
            request(ClosePrivateFostering, { id, input: { closedOn, reason }, expectedVersion: version }),
          );
        }}
      >
        <fieldset>
          <legend>Close the arrangement</legend>
          <label for="pf-closed-on">Ended on</label>
          <input
            id="pf-closed-on"
            type="date"
            required
            value={closedOn}
            onInput={(ev) => setClosedOn((ev.currentTarget as HTMLInputElement).value)}
          />
          <EnumSelect
            id="pf-reason"
            label="Reason"
            value={reason}
            values={PrivateFosteringClosureReasonValues}
            onChange={setReason}
          />
          <button type="submit" disabled={!closedOn}>
            Close arrangement
          </button>
        </fieldset>
      </form>
    </WorkPanel>
  );
}

/** Social care records a notification about a child it reaches (ADR 018): the initial visit clock starts. */
function Notify({ reload }: { reload: () => Promise<void> }) {
  const { change, feedback } = useVersionedChange(reload);
  const [personId, setPersonId] = useState<string | null>(null);
  const [notifiedBy, setNotifiedBy] = useState<PrivateFosteringNotifier>('PRIVATE_FOSTER_CARER');
  const [notifierName, setNotifierName] = useState('');
  const [notifiedAt, setNotifiedAt] = useState(nowLocal());
  const [startedOn, setStartedOn] = useState(todayLocal());
  const [round, setRound] = useState(0);
  const ready = personId && notifierName.trim() && notifiedAt && startedOn;
  return (
    <details class="action" data-testid="pf-notify">
      <summary>Record a notification</summary>
      <form
        key={round}
        onSubmit={(ev) => {
          ev.preventDefault();
          if (!personId) return;
          void change('Notification recorded', () =>
            request(NotifyPrivateFostering, {
              input: {
                personId,
                notifiedBy,
                notifierName: notifierName.trim(),
                notifiedAt: instant(notifiedAt),
                arrangementStartedOn: startedOn,
              },
            }),
          ).then((ok) => {
            if (!ok) return;
            setPersonId(null);
            setNotifierName('');
            setRound(round + 1);
          });
        }}
      >
        <ChildChooser idPrefix="pf-notify-child" onChoose={setPersonId} />
        <fieldset>
          <legend>The notification</legend>
          <EnumSelect
            id="pf-notify-by"
            label="Notified by"
            value={notifiedBy}
            values={PrivateFosteringNotifierValues}
            onChange={setNotifiedBy}
          />
          <label for="pf-notify-name">Their name, as given</label>
          <input
            id="pf-notify-name"
            required
            value={notifierName}
            onInput={(ev) => setNotifierName((ev.currentTarget as HTMLInputElement).value)}
          />
          <label for="pf-notify-at">Notified</label>
          <input
            id="pf-notify-at"
            type="datetime-local"
            required
            value={notifiedAt}
            onInput={(ev) => setNotifiedAt((ev.currentTarget as HTMLInputElement).value)}
          />
          <label for="pf-notify-start">Living with the carer from (may be ahead)</label>
          <input
            id="pf-notify-start"
            type="date"
            required
            value={startedOn}
            onInput={(ev) => setStartedOn((ev.currentTarget as HTMLInputElement).value)}
          />
        </fieldset>
        <button type="submit" disabled={!ready}>
          Record notification
        </button>
      </form>
      {feedback}
    </details>
  );
}
