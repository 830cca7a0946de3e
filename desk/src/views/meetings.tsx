import { useEffect, useState } from 'preact/hooks';
import { HubRequestError, request, subscribe } from '../api.js';
import { date, dateTime, words } from '../format.js';
import {
  AddMeetingAction,
  AttendanceStatusValues,
  CompleteMeeting,
  MarkMeetingHeld,
  MeetingChanges,
  MeetingOutcomeValues,
  Meetings,
  MeetingView,
  RecordAttendance,
  RecordMeetingOutcome,
  type AttendanceStatus,
  type MeetingOutcome,
  type MeetingsResult,
  type Purpose,
} from '../generated/operations.js';
import type { Me } from '../session.js';
import { ErrorMessage, PersonLink } from './common.js';

type Meeting = MeetingsResult['meetings']['edges'][number]['node'];

const SOCIAL_CARE_MASH = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'];
const STRATEGY = ['STRATEGY_DISCUSSION', 'STRATEGY_MEETING'];
/** Non-attendance needs the reason (the hub refuses it without one). */
const NON_ATTENDANCE: AttendanceStatus[] = ['SENT_APOLOGIES', 'SENT_INFORMATION_ONLY', 'DID_NOT_ATTEND'];

/** The purpose meetings are read under: strategy work when the role may declare it. */
export function meetingPurpose(me: Me): Purpose | null {
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
        // A resumed subscription may replay a change already shown (ADR 022): keep the higher version.
        setMeetings((current) =>
          (current ?? []).map((m) =>
            m.id === meetingChanged.id &&
            !(m.version != null && meetingChanged.version != null && m.version > meetingChanged.version)
              ? meetingChanged
              : m,
          ),
        );
        setLive(`A ${words(meetingChanged.type)} was updated at ${dateTime(new Date().toISOString())}`);
      },
      (message) => setError(message),
      // After a dropped connection, the meetings changed meanwhile are replayed (ADR 022/028).
      { resume: true },
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
          <input
            type="checkbox"
            checked={upcoming}
            onChange={(e) => setUpcoming((e.currentTarget as HTMLInputElement).checked)}
          />
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
            <div>
              <dt>Organised by</dt>
              <dd>
                {m.organisingAgency ?? '—'}
                {m.chairName && `, chaired by ${m.chairName}`}
              </dd>
            </div>
            <div>
              <dt>Quorum</dt>
              <dd>
                {m.quorate === null ? '—' : m.quorate ? 'quorate' : <strong class="breach-flag">not quorate</strong>}
                {m.missingAgencies?.length ? ` — missing: ${m.missingAgencies.join(', ')}` : ''}
              </dd>
            </div>
            <div>
              <dt>Outcome</dt>
              <dd>{m.outcome ? words(m.outcome) : 'not recorded'}</dd>
            </div>
            <div>
              <dt>Initial conference due</dt>
              <dd data-testid="icpc-due">
                {m.icpcDueAt ? date(m.icpcDueAt) : '—'}
                {m.icpcOverdue && <strong class="breach-flag"> Overdue</strong>}
              </dd>
            </div>
            <div>
              <dt>About</dt>
              <dd>
                {(m.subjects ?? []).map((s, i) =>
                  s.id ? (
                    <span key={s.id}>
                      {i ? ', ' : ''}
                      <PersonLink person={s} />
                    </span>
                  ) : null,
                )}
              </dd>
            </div>
          </dl>
          <table>
            <caption>Invitees and attendance</caption>
            <thead>
              <tr>
                <th scope="col">Agency</th>
                <th scope="col">Who</th>
                <th scope="col">Required</th>
                <th scope="col">Attendance</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
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
          {m.minutes && (
            <>
              <h3>Minutes</h3>
              <p class="narrative">{m.minutes}</p>
            </>
          )}
          {!!m.decisions?.length && (
            <>
              <h3>Decisions</h3>
              <ul>
                {m.decisions.map((d) => (
                  <li key={d.id}>{d.decision ?? 'withheld'}</li>
                ))}
              </ul>
            </>
          )}
          {m.nonQuorateReason && (
            <p>
              <strong>Completed without quorum:</strong> {m.nonQuorateReason}
            </p>
          )}
          {!!m.actions?.length && (
            <>
              <h3>Actions</h3>
              <ul>
                {m.actions.map((a) => (
                  <li key={a.id}>
                    {a.description ?? 'withheld'} — {a.ownerName ?? a.ownerAgency ?? '—'}, due{' '}
                    {a.dueOn ? date(a.dueOn) : '—'} ({words(a.status)})
                    {a.overdue && <strong class="breach-flag"> Overdue</strong>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {(m.status === 'SCHEDULED' || m.status === 'HELD') && (
            <MeetingWork
              me={me}
              meeting={m}
              onChanged={(next) => setMeetings((current) => (current ?? []).map((x) => (x.id === next.id ? next : x)))}
            />
          )}
        </article>
      ))}
    </section>
  );
}

/**
 * What a MASH does with a meeting: attendance (officers for their own agency only), held, outcome,
 * actions, complete. Each change sends the meeting's version; a stale one is reported, then the
 * meeting is read again (with the purpose) so the user sees the other change before acting.
 */
function MeetingWork({ me, meeting: m, onChanged }: { me: Me; meeting: Meeting; onChanged: (m: Meeting) => void }) {
  const purpose = meetingPurpose(me)!;
  const triage = me.roles.some((r) => SOCIAL_CARE_MASH.includes(r));
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const [stale, setStale] = useState(false);
  const id = m.id!;

  async function act(label: string, run: (version: number) => Promise<unknown>): Promise<boolean> {
    if (m.version === null) return false;
    setError(null);
    setStale(false);
    let ok = false;
    try {
      await run(m.version);
      ok = true;
    } catch (e) {
      if (e instanceof HubRequestError && e.code === 'CONFLICT') setStale(true);
      else setError((e as Error).message);
    }
    try {
      const { data } = await request(MeetingView, { id, purpose });
      if (data.meeting) onChanged(data.meeting);
    } catch (e) {
      setError((e as Error).message);
    }
    // Said once the screen shows the change (before, a slow re-read left it saying done over the old state).
    if (ok) setDone(`${label}: done.`);
    return ok;
  }

  const invitees = (m.invitees ?? []).filter((i) => triage || i.agency === me.agency);
  const held = m.status === 'HELD';
  return (
    <section class="action" aria-label={`Record for this ${words(m.type)}`} data-testid="meeting-work">
      <h3>Record</h3>
      <p class="live" role="status">
        {done}
      </p>
      {stale && (
        <p role="alert" class="conflict">
          Someone else changed this meeting; it has been reloaded with their change. Check it and try again.
        </p>
      )}
      <ErrorMessage message={error} />
      {invitees.length > 0 && (
        <AttendanceForm
          key={`${id}-att`}
          meetingId={id}
          invitees={invitees}
          held={held}
          onRecord={(attendance) =>
            act('Attendance recorded', (v) =>
              request(RecordAttendance, { meetingId: id, attendance, expectedVersion: v }),
            )
          }
        />
      )}
      {triage && m.status === 'SCHEDULED' && new Date(m.scheduledAt ?? 0).getTime() <= Date.now() && (
        <button
          type="button"
          onClick={() => void act('Marked as held', (v) => request(MarkMeetingHeld, { id, expectedVersion: v }))}
        >
          Mark as held
        </button>
      )}
      {triage && held && !m.outcome && !m.minutes && (
        <OutcomeForm
          meetingId={id}
          strategy={STRATEGY.includes(m.type ?? '')}
          onRecord={(input) =>
            act('Outcome recorded', (v) => request(RecordMeetingOutcome, { id, input, expectedVersion: v }))
          }
        />
      )}
      {triage && (
        <ActionForm
          meetingId={id}
          onAdd={(input) =>
            act('Action added', (v) => request(AddMeetingAction, { meetingId: id, input, expectedVersion: v }))
          }
        />
      )}
      {triage && held && (
        <CompleteForm
          meetingId={id}
          missing={m.missingAgencies ?? []}
          onComplete={(reason) =>
            act('Completed', (v) => request(CompleteMeeting, { id, nonQuorateReason: reason, expectedVersion: v }))
          }
        />
      )}
    </section>
  );
}

type Invitee = NonNullable<Meeting['invitees']>[number];

function AttendanceForm({
  meetingId,
  invitees,
  held,
  onRecord,
}: {
  meetingId: string;
  invitees: Invitee[];
  held: boolean;
  onRecord: (a: { inviteeId: string; status: AttendanceStatus; note: string | null }) => Promise<boolean>;
}) {
  const [inviteeId, setInvitee] = useState(invitees[0]?.id ?? '');
  // Attended and did-not-attend are known only once the meeting is held.
  const statuses = AttendanceStatusValues.filter(
    (s) => s !== 'INVITED' && (held || (s !== 'ATTENDED' && s !== 'DID_NOT_ATTEND')),
  );
  const [status, setStatus] = useState<AttendanceStatus>(statuses[0]!);
  const [note, setNote] = useState('');
  const chosenStatus = statuses.includes(status) ? status : statuses[0]!;
  const needsReason = NON_ATTENDANCE.includes(chosenStatus);
  const p = `att-${meetingId}`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void onRecord({ inviteeId, status: chosenStatus, note: note.trim() || null }).then((ok) => ok && setNote(''));
      }}
    >
      <fieldset>
        <legend>Attendance</legend>
        <label for={`${p}-who`}>Invitee</label>
        <select
          id={`${p}-who`}
          value={inviteeId}
          onChange={(e) => setInvitee((e.currentTarget as HTMLSelectElement).value)}
        >
          {invitees.map((i) => (
            <option key={i.id} value={i.id ?? ''}>
              {i.agency}
              {i.personName ? ` — ${i.personName}` : ''}
            </option>
          ))}
        </select>
        <label for={`${p}-status`}>Attendance</label>
        <select
          id={`${p}-status`}
          value={chosenStatus}
          onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as AttendanceStatus)}
        >
          {statuses.map((s) => (
            <option key={s} value={s}>
              {words(s)}
            </option>
          ))}
        </select>
        <label for={`${p}-note`}>{needsReason ? 'Reason for not attending' : 'Note (optional)'}</label>
        <textarea
          id={`${p}-note`}
          rows={2}
          required={needsReason}
          value={note}
          onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <button type="submit" disabled={!inviteeId || (needsReason && !note.trim())}>
          Record attendance
        </button>
      </fieldset>
    </form>
  );
}

function OutcomeForm({
  meetingId,
  strategy,
  onRecord,
}: {
  meetingId: string;
  strategy: boolean;
  onRecord: (input: {
    outcome: MeetingOutcome | null;
    minutes: string | null;
    decisions: string[];
  }) => Promise<boolean>;
}) {
  const [outcome, setOutcome] = useState<MeetingOutcome>('SECTION_47_JOINT');
  const [minutes, setMinutes] = useState('');
  const [decisions, setDecisions] = useState('');
  const p = `out-${meetingId}`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void onRecord({
          outcome: strategy ? outcome : null,
          minutes: minutes.trim() || null,
          decisions: decisions
            .split('\n')
            .map((d) => d.trim())
            .filter(Boolean),
        });
      }}
    >
      <fieldset>
        <legend>Outcome</legend>
        {strategy && (
          <>
            <label for={`${p}-outcome`}>Outcome of the strategy discussion</label>
            <select
              id={`${p}-outcome`}
              value={outcome}
              onChange={(e) => setOutcome((e.currentTarget as HTMLSelectElement).value as MeetingOutcome)}
            >
              {MeetingOutcomeValues.map((o) => (
                <option key={o} value={o}>
                  {words(o)}
                </option>
              ))}
            </select>
            <p class="hint">
              A section 47 outcome sets the initial child protection conference due date (15 working days).
            </p>
          </>
        )}
        <label for={`${p}-decisions`}>Decisions (one a line)</label>
        <textarea
          id={`${p}-decisions`}
          rows={3}
          value={decisions}
          onInput={(e) => setDecisions((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <label for={`${p}-minutes`}>Minutes</label>
        <textarea
          id={`${p}-minutes`}
          rows={4}
          value={minutes}
          onInput={(e) => setMinutes((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <button type="submit">Record outcome</button>
      </fieldset>
    </form>
  );
}

function ActionForm({
  meetingId,
  onAdd,
}: {
  meetingId: string;
  onAdd: (input: {
    description: string;
    ownerAgency: string | null;
    ownerName: string | null;
    dueOn: string;
  }) => Promise<boolean>;
}) {
  const [description, setDescription] = useState('');
  const [owner, setOwner] = useState('');
  const [dueDate, setDue] = useState('');
  const p = `act-${meetingId}`;
  const ready = description.trim() && owner.trim() && dueDate;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        // An agency code (lower case, no spaces) is an owning agency; anything else is a named owner.
        const o = owner.trim();
        const agency = /^[a-z][a-z0-9-]*$/.test(o);
        void onAdd({
          description: description.trim(),
          ownerAgency: agency ? o : null,
          ownerName: agency ? null : o,
          dueOn: dueDate,
        }).then((ok) => ok && (setDescription(''), setOwner(''), setDue('')));
      }}
    >
      <fieldset>
        <legend>Add an action</legend>
        <label for={`${p}-desc`}>Action</label>
        <textarea
          id={`${p}-desc`}
          rows={2}
          required
          value={description}
          onInput={(e) => setDescription((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <label for={`${p}-owner`}>Owner (agency code or name)</label>
        <input
          id={`${p}-owner`}
          required
          value={owner}
          onInput={(e) => setOwner((e.currentTarget as HTMLInputElement).value)}
        />
        <label for={`${p}-due`}>Due</label>
        <input
          id={`${p}-due`}
          type="date"
          required
          value={dueDate}
          onInput={(e) => setDue((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" disabled={!ready}>
          Add action
        </button>
      </fieldset>
    </form>
  );
}

function CompleteForm({
  meetingId,
  missing,
  onComplete,
}: {
  meetingId: string;
  missing: string[];
  onComplete: (reason: string | null) => Promise<boolean>;
}) {
  const [reason, setReason] = useState('');
  const p = `done-${meetingId}`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void onComplete(missing.length ? reason.trim() : null);
      }}
    >
      <fieldset>
        <legend>Complete</legend>
        {missing.length > 0 && (
          <>
            <p>Not quorate: {missing.join(', ')} did not attend.</p>
            <label for={`${p}-reason`}>Why it is completed without quorum</label>
            <textarea
              id={`${p}-reason`}
              rows={2}
              required
              value={reason}
              onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
            />
          </>
        )}
        <button type="submit" disabled={missing.length > 0 && !reason.trim()}>
          Complete meeting
        </button>
      </fieldset>
    </form>
  );
}
