import { useEffect, useState } from 'preact/hooks';
import { HubRequestError, request, subscribe } from '../api.js';
import { dateTime, timeLeft, words } from '../format.js';
import { Inbox, InboxChanges, RespondToCheck, type InboxResult } from '../generated/operations.js';
import type { Me } from '../session.js';
import { ErrorMessage, PersonLink } from './common.js';

type Referral = InboxResult['referrals']['edges'][number]['node'];
type Check = NonNullable<Referral['checks']>[number];
type Answer = 'findings' | 'none-held' | 'declined';

const OUTSTANDING = ['REQUESTED', 'IN_PROGRESS', 'OVERDUE'];

/** One check's answer: findings, "no information held", or declined with a reason. */
function RespondForm({ check, onDone }: { check: Check; onDone: (message: string) => void }) {
  const [answer, setAnswer] = useState<Answer>('findings');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = check.id!;

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const input =
      answer === 'declined'
        ? { declinedReason: text }
        : { findingsSummary: answer === 'none-held' ? `No information held.${text ? ` ${text}` : ''}` : text };
    try {
      const { data } = await request(RespondToCheck, { checkId: id, input });
      onDone(`Response sent for ${data.respondToAgencyCheck.reference ?? 'the referral'}.`);
    } catch (err) {
      setError(
        err instanceof HubRequestError && err.code === 'CONFLICT'
          ? 'Someone else changed this referral; reload and try again.'
          : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  }

  const needsText = answer !== 'none-held';
  return (
    <form onSubmit={(e) => void submit(e)} class="respond" aria-label="Respond to this check">
      <fieldset>
        <legend>Your agency's answer</legend>
        {(
          [
            ['findings', 'Findings'],
            ['none-held', 'No information held'],
            ['declined', 'Declined, with a reason'],
          ] as Array<[Answer, string]>
        ).map(([value, label]) => (
          <div class="choice" key={value}>
            <input
              type="radio"
              id={`answer-${id}-${value}`}
              name={`answer-${id}`}
              value={value}
              checked={answer === value}
              onChange={() => setAnswer(value)}
            />
            <label for={`answer-${id}-${value}`}>{label}</label>
          </div>
        ))}
      </fieldset>
      <label for={`text-${id}`}>
        {answer === 'declined'
          ? 'Reason for declining'
          : answer === 'findings'
            ? 'Findings summary'
            : 'Note (optional)'}
      </label>
      <textarea
        id={`text-${id}`}
        rows={3}
        value={text}
        required={needsText}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <button type="submit" disabled={busy || (needsText && !text.trim())}>
        Send response
      </button>
      <ErrorMessage message={error} />
    </form>
  );
}

/** Agency checks addressed to the officer's agency, with due times and the response form. */
export function InboxView({ me }: { me: Me }) {
  const [referrals, setReferrals] = useState<Referral[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [reloads, setReloads] = useState(0);
  const now = Date.now();

  useEffect(() => {
    let stopped = false;
    request(Inbox, { purpose: 'AGENCY_CHECK', agency: me.agency, first: 100 }).then(
      ({ data }) => !stopped && setReferrals(data.referrals.edges.map((e) => e.node)),
      (e: Error) => !stopped && setError(e.message),
    );
    return () => {
      stopped = true;
    };
  }, [reloads]);

  // A new check for this agency (or one answered on another desk): read the inbox again.
  useEffect(
    () =>
      subscribe(
        InboxChanges,
        {},
        () => setReloads((n) => n + 1),
        (message) => setError(message),
        { resume: true },
      ),
    [],
  );

  const open = (referrals ?? []).flatMap((r) =>
    (r.checks ?? [])
      .filter((c) => c.agency === me.agency && c.status && OUTSTANDING.includes(c.status))
      .map((c) => ({ referral: r, check: c })),
  );

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">Agency checks for {me.agency}</h1>
      <p class="live" role="status">
        {status}
      </p>
      <ErrorMessage message={error} />
      {referrals === null && !error && <p>Loading…</p>}
      {referrals && !open.length && <p>No checks are waiting on your agency.</p>}
      {open.map(({ referral, check }) => (
        <article
          key={check.id}
          class={`check${check.overdue ? ' overdue' : ''}`}
          data-testid="check"
          aria-labelledby={`check-${check.id}`}
        >
          <h2 id={`check-${check.id}`}>
            {referral.reference}{' '}
            <span class={`rag rag-${(referral.rag ?? 'none').toLowerCase()}`}>
              {referral.rag ? words(referral.rag) : 'not rated'}
            </span>
          </h2>
          <dl class="fields">
            <div>
              <dt>Requested</dt>
              <dd>{dateTime(check.requestedAt)}</dd>
            </div>
            <div>
              <dt>Due</dt>
              <dd>
                {dateTime(check.dueAt)} ({timeLeft(check.dueAt, now)})
                {check.overdue && <strong class="breach-flag"> Overdue</strong>}
              </dd>
            </div>
            <div>
              <dt>Concerns</dt>
              <dd>{(referral.concernCategories ?? []).map(words).join(', ') || '—'}</dd>
            </div>
            <div>
              <dt>About</dt>
              <dd>
                <ul class="plain">
                  {(referral.subjects ?? []).map((s) =>
                    s.id ? (
                      <li key={s.id}>
                        <PersonLink person={s} />
                        {s.dateOfBirth && `, born ${s.dateOfBirth}`}
                      </li>
                    ) : null,
                  )}
                </ul>
              </dd>
            </div>
          </dl>
          <RespondForm
            check={check}
            onDone={(message) => {
              setStatus(message);
              setReloads((n) => n + 1);
            }}
          />
        </article>
      ))}
    </section>
  );
}
