import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { date, dateTime, words } from '../format.js';
import {
  AllegationCategoryValues,
  AllegationOutcomeValues,
  LadoAgencies,
  LadoAllegations,
  LadoSectorValues,
  RecordAllegationOutcome,
  RecordLadoAllegation,
  ScheduleAllegationMeeting,
  type AllegationCategory,
  type AllegationOutcome,
  type AllegationStatus,
  type LadoAllegationsResult,
  type LadoSector,
} from '../generated/operations.js';
import type { Me } from '../session.js';
import {
  EnumSelect,
  firstPurpose,
  instant,
  nowLocal,
  RecordButton,
  useCohortList,
  useVersionedChange,
  WorkPanel,
  type Change,
} from './cohort-change.js';
import { ErrorMessage } from './common.js';

type Allegation = LadoAllegationsResult['ladoAllegations']['edges'][number]['node'];

const SHOWN: Record<string, { label: string; status: AllegationStatus[] | null }> = {
  ACTIVE: { label: 'Not yet resolved', status: ['OPEN', 'MEETING_SCHEDULED'] },
  CLOSED: { label: 'Resolved', status: ['CLOSED'] },
  ALL: { label: 'All', status: null },
};

/** The date `months` calendar months after `iso` (the resolution bands are calendar months, ADR 018). */
function monthsAfter(iso: string, months: number): Date {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

/** Where an unresolved allegation stands against the one- and three-month marks (targets 80 % and 90 %). */
function Timescale({ a, now }: { a: Allegation; now: number }) {
  if (a.status === 'CLOSED') return <>{a.resolutionBand ? `resolved ${words(a.resolutionBand)}` : 'resolved'}</>;
  if (!a.receivedAt) return <>—</>;
  const one = monthsAfter(a.receivedAt, 1);
  const three = monthsAfter(a.receivedAt, 3);
  const days = Math.floor((now - new Date(a.receivedAt).getTime()) / 86_400_000);
  return (
    <>
      open {days} day{days === 1 ? '' : 's'}; one month {date(one.toISOString())}, three months{' '}
      {date(three.toISOString())}
      {now > three.getTime() ? (
        <strong class="breach-flag"> Past three months</strong>
      ) : now > one.getTime() ? (
        <strong class="breach-flag"> Past one month</strong>
      ) : null}
    </>
  );
}

/**
 * Allegations against people who work with children (ADR 018), for the LADO: the stage each is at,
 * its timescale, and the LADO's actions (the allegations meeting, the outcome and any DBS referral).
 */
export function LadoView({ me }: { me: Me }) {
  const purpose = firstPurpose(me.purposes, ['DIRECT_CARE', 'STRATEGY'] as const);
  const [shown, setShown] = useState('ACTIVE');
  const [selected, setSelected] = useState<string | null>(null);
  const {
    rows: allegations,
    more,
    error,
    load,
  } = useCohortList<Allegation>(
    purpose
      ? async () => {
          const status = SHOWN[shown]!.status;
          const { data } = await request(LadoAllegations, { purpose, filter: status ? { status } : null, first: 50 });
          return {
            rows: data.ladoAllegations.edges.map((e) => e.node),
            more: data.ladoAllegations.pageInfo.hasNextPage,
          };
        }
      : null,
    [shown],
  );
  const { change, feedback } = useVersionedChange(load);
  const now = Date.now();

  if (!purpose) return <p>Your role may not read allegations.</p>;
  const current = allegations?.find((a) => a.id === selected) ?? null;
  return (
    <section aria-labelledby="lado-title">
      <h1 id="lado-title">Allegations (LADO)</h1>
      <p class="hint">
        Allegations against people who work with children, oldest received first. The adult's details are sealed to the
        LADO and the employer's designated officer. Read for {words(purpose)}.
      </p>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="lado-shown">Show</label>
        <select id="lado-shown" value={shown} onChange={(e) => setShown((e.currentTarget as HTMLSelectElement).value)}>
          {Object.entries(SHOWN).map(([k, v]) => (
            <option key={k} value={k}>
              {v.label}
            </option>
          ))}
        </select>
      </form>
      <NewAllegation reload={load} />
      <ErrorMessage message={error} />
      {allegations === null && !error && <p>Loading…</p>}
      {allegations && allegations.length === 0 && <p>No allegations to show.</p>}
      {allegations && allegations.length > 0 && (
        <table>
          <caption>
            {allegations.length} allegation{allegations.length === 1 ? '' : 's'}
            {more ? ' (the first 50)' : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Employer</th>
              <th scope="col">Adult</th>
              <th scope="col">Category</th>
              <th scope="col">Stage</th>
              <th scope="col">Timescale</th>
              <th scope="col">Outcome</th>
              <th scope="col">Record</th>
            </tr>
          </thead>
          <tbody>
            {allegations.map((a) => (
              <tr key={a.id} data-testid="lado-row">
                <th scope="row">{dateTime(a.receivedAt)}</th>
                <td>
                  {a.employerName ?? 'withheld'} ({a.employerAgency ?? '—'}, {words(a.sector)})
                </td>
                <td>
                  {a.adultName ?? 'withheld'}
                  {a.adultRole ? `, ${a.adultRole}` : ''}
                </td>
                <td>{words(a.category)}</td>
                <td data-testid="lado-stage">
                  {words(a.status)}
                  {a.meetingAt &&
                    `; meeting ${dateTime(a.meetingAt)}${a.employerInvited === false ? ', employer not invited' : ''}`}
                </td>
                <td>
                  <Timescale a={a} now={now} />
                </td>
                <td>
                  {a.outcome ? `${words(a.outcome)}, ${date(a.outcomeAt)}` : '—'}
                  {a.dbsReferredAt ? `; referred to the DBS ${date(a.dbsReferredAt)}` : ''}
                </td>
                <td>
                  {a.status !== 'CLOSED' && (
                    <RecordButton
                      open={selected === a.id}
                      controls="lado-work"
                      onToggle={() => setSelected(selected === a.id ? null : a.id)}
                      label={`for the allegation received ${dateTime(a.receivedAt)}`}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {feedback}
      <div id="lado-work">
        {current && current.status !== 'CLOSED' && (
          <LadoWork key={`${current.id}-${current.version}`} allegation={current} change={change} />
        )}
      </div>
    </section>
  );
}

function LadoWork({ allegation: a, change }: { allegation: Allegation; change: Change }) {
  const id = a.id!;
  const version = a.version ?? 0;
  const [meetingAt, setMeetingAt] = useState(nowLocal());
  const [invited, setInvited] = useState(true);
  const [notInvitedReason, setNotInvitedReason] = useState('');
  const [outcome, setOutcome] = useState<AllegationOutcome>('SUBSTANTIATED');
  const [outcomeAt, setOutcomeAt] = useState(nowLocal());
  const [dbs, setDbs] = useState(false);
  const [dbsAt, setDbsAt] = useState(nowLocal());

  return (
    <WorkPanel testId="lado-work" title={`Record for the allegation received ${dateTime(a.receivedAt)}`}>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void change('Meeting scheduled', () =>
            request(ScheduleAllegationMeeting, {
              id,
              expectedVersion: version,
              input: {
                at: instant(meetingAt),
                employerInvited: invited,
                notInvitedReason: invited ? null : notInvitedReason.trim(),
              },
            }),
          );
        }}
      >
        <fieldset>
          <legend>{a.meetingAt ? 'Reschedule the allegations meeting' : 'Schedule the allegations meeting'}</legend>
          <label for="lado-meeting-at">When</label>
          <input
            id="lado-meeting-at"
            type="datetime-local"
            required
            value={meetingAt}
            onInput={(ev) => setMeetingAt((ev.currentTarget as HTMLInputElement).value)}
          />
          <div class="choice">
            <input
              id="lado-invited"
              type="checkbox"
              checked={invited}
              onChange={(ev) => setInvited((ev.currentTarget as HTMLInputElement).checked)}
            />
            <label for="lado-invited">The employer is invited</label>
          </div>
          {!invited && (
            <>
              <label for="lado-not-invited">Why the employer is not invited</label>
              <textarea
                id="lado-not-invited"
                rows={2}
                required
                value={notInvitedReason}
                onInput={(ev) => setNotInvitedReason((ev.currentTarget as HTMLTextAreaElement).value)}
              />
            </>
          )}
          <button type="submit" disabled={!meetingAt || (!invited && !notInvitedReason.trim())}>
            Schedule meeting
          </button>
        </fieldset>
      </form>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void change('Outcome recorded', () =>
            request(RecordAllegationOutcome, {
              id,
              expectedVersion: version,
              input: { outcome, at: instant(outcomeAt), dbsReferredAt: dbs ? instant(dbsAt) : null },
            }),
          );
        }}
      >
        <fieldset>
          <legend>Record the outcome</legend>
          <EnumSelect
            id="lado-outcome"
            label="Outcome"
            value={outcome}
            values={AllegationOutcomeValues}
            onChange={setOutcome}
          />
          <label for="lado-outcome-at">Decided</label>
          <input
            id="lado-outcome-at"
            type="datetime-local"
            required
            value={outcomeAt}
            onInput={(ev) => setOutcomeAt((ev.currentTarget as HTMLInputElement).value)}
          />
          <div class="choice">
            <input
              id="lado-dbs"
              type="checkbox"
              checked={dbs}
              onChange={(ev) => setDbs((ev.currentTarget as HTMLInputElement).checked)}
            />
            <label for="lado-dbs">Referred to the Disclosure and Barring Service</label>
          </div>
          {dbs && (
            <>
              <label for="lado-dbs-at">Referred</label>
              <input
                id="lado-dbs-at"
                type="datetime-local"
                required
                value={dbsAt}
                onInput={(ev) => setDbsAt((ev.currentTarget as HTMLInputElement).value)}
              />
            </>
          )}
          <p class="hint">Recording the outcome resolves the allegation; it cannot be changed here afterwards.</p>
          <button type="submit" disabled={!outcomeAt || (dbs && !dbsAt)}>
            Record outcome
          </button>
        </fieldset>
      </form>
    </WorkPanel>
  );
}

/**
 * A new allegation, behind a disclosure so the list stays first. Not versioned (it creates the row);
 * the hub's refusal (a future receipt, an unknown agency) is shown in its words and nothing is stored.
 */
function NewAllegation({ reload }: { reload: () => Promise<void> }) {
  // Its own outcome, said beside the form rather than below the list.
  const { change, feedback } = useVersionedChange(reload);
  const [agencies, setAgencies] = useState<Array<{ code: string; name: string }>>([]);
  const [receivedAt, setReceivedAt] = useState(nowLocal());
  const [employerAgency, setEmployerAgency] = useState('');
  const [employerName, setEmployerName] = useState('');
  const [sector, setSector] = useState<LadoSector>('EDUCATION');
  const [category, setCategory] = useState<AllegationCategory>('PHYSICAL');
  const [adultName, setAdultName] = useState('');
  const [adultRole, setAdultRole] = useState('');
  const [adultBorn, setAdultBorn] = useState('');
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (!open || agencies.length) return;
    request(LadoAgencies, {}).then(
      ({ data }) => setAgencies(data.agencies),
      () => setAgencies([]),
    );
  }, [open]);

  const ready = receivedAt && employerAgency && employerName.trim() && adultName.trim() && adultRole.trim();
  return (
    <details
      class="action"
      data-testid="lado-new"
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Record a new allegation</summary>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          void change('Allegation recorded', () =>
            request(RecordLadoAllegation, {
              input: {
                receivedAt: instant(receivedAt),
                employerAgency,
                employerName: employerName.trim(),
                sector,
                category,
                adultName: adultName.trim(),
                adultRole: adultRole.trim(),
                adultDateOfBirth: adultBorn || null,
              },
            }),
          ).then((ok) => {
            if (!ok) return;
            setEmployerName('');
            setAdultName('');
            setAdultRole('');
            setAdultBorn('');
          });
        }}
      >
        <fieldset>
          <legend>The allegation</legend>
          <label for="lado-new-received">Received</label>
          <input
            id="lado-new-received"
            type="datetime-local"
            required
            value={receivedAt}
            onInput={(ev) => setReceivedAt((ev.currentTarget as HTMLInputElement).value)}
          />
          <EnumSelect
            id="lado-new-category"
            label="Category"
            value={category}
            values={AllegationCategoryValues}
            onChange={setCategory}
          />
        </fieldset>
        <fieldset>
          <legend>The employer</legend>
          <label for="lado-new-agency">Partnership agency (its designated officer will see it)</label>
          <select
            id="lado-new-agency"
            required
            value={employerAgency}
            onChange={(ev) => setEmployerAgency((ev.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">choose</option>
            {agencies.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
          <label for="lado-new-employer">Employer's name</label>
          <input
            id="lado-new-employer"
            required
            value={employerName}
            onInput={(ev) => setEmployerName((ev.currentTarget as HTMLInputElement).value)}
          />
          <EnumSelect
            id="lado-new-sector"
            label="Sector"
            value={sector}
            values={LadoSectorValues}
            onChange={setSector}
          />
        </fieldset>
        <fieldset>
          <legend>The adult (sealed)</legend>
          <label for="lado-new-adult">Name</label>
          <input
            id="lado-new-adult"
            required
            value={adultName}
            onInput={(ev) => setAdultName((ev.currentTarget as HTMLInputElement).value)}
          />
          <label for="lado-new-role">Job or role</label>
          <input
            id="lado-new-role"
            required
            value={adultRole}
            onInput={(ev) => setAdultRole((ev.currentTarget as HTMLInputElement).value)}
          />
          <label for="lado-new-born">Date of birth (if known)</label>
          <input
            id="lado-new-born"
            type="date"
            value={adultBorn}
            onInput={(ev) => setAdultBorn((ev.currentTarget as HTMLInputElement).value)}
          />
        </fieldset>
        <button type="submit" disabled={!ready}>
          Record allegation
        </button>
      </form>
      {feedback}
    </details>
  );
}
