import { useEffect, useState } from 'preact/hooks';
import { HubRequestError, request, subscribe } from '../api.js';
import { dateTime, timeLeft, words } from '../format.js';
import {
  AmendAndAuthoriseDecision,
  AssignReferral,
  AuthoriseDecision,
  CloseAgencyCheck,
  DecisionOutcomeValues,
  MergeReferral,
  ProposeDecision,
  RateReferral,
  ReferralView as ReferralQuery,
  ReferralWatch,
  RequestChecks,
  ReturnDecision,
  ScheduleMeeting,
  SendFeedback,
  WithdrawReferral,
  ThresholdLevelValues,
  type AgencyCheckClosureReason,
  type DecisionOutcome,
  type MeetingType,
  type Rag,
  type ReferralStatus,
  type ReferralViewResult,
  type ThresholdLevel,
} from '../generated/operations.js';
import type { Me } from '../session.js';
import { ErrorMessage, PersonLink } from './common.js';
import { sourceLabel } from './contact.js';

type Referral = NonNullable<ReferralViewResult['referral']>;
type Agency = ReferralViewResult['agencies'][number];

/** Which actions a status allows (the hub's state machine decides; this only hides the impossible). */
const CAN: Record<string, ReferralStatus[]> = {
  rate: ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION'],
  assign: ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION', 'DECISION_PROPOSED'],
  checks: ['SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION'],
  closeCheck: ['AWAITING_CHECKS', 'DECISION_PROPOSED'],
  propose: ['SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION'],
  authorise: ['DECISION_PROPOSED'],
  withdraw: ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION', 'DECISION_PROPOSED'],
  feedback: ['CLOSED', 'WITHDRAWN'],
  merge: ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION'],
};

/** Statuses a referral never leaves: one of these cannot be merged into. */
const TERMINAL: ReferralStatus[] = ['CLOSED', 'WITHDRAWN', 'MERGED'];

/** The closure reasons a worker or manager chooses (DECIDED_WITHOUT is set only by authorising over checks). */
const CLOSURE_REASONS: AgencyCheckClosureReason[] = ['NO_LONGER_NEEDED', 'TIMED_OUT', 'ESCALATED'];
const isOpenCheck = (status: string | null) =>
  status === 'REQUESTED' || status === 'IN_PROGRESS' || status === 'OVERDUE';

const can = (action: keyof typeof CAN, status: ReferralStatus | null) => !!status && CAN[action]!.includes(status);

/** A referral: what it says, where it stands, and the actions the viewer's role may take. */
export function ReferralScreen({ me, id }: { me: Me; id: string }) {
  const [referral, setReferral] = useState<Referral | null | undefined>(undefined);
  const [agencies, setAgencies] = useState<Agency[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [status, setStatus] = useState('');
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let stopped = false;
    request(ReferralQuery, { id }).then(
      ({ data }) => {
        if (stopped) return;
        setReferral(data.referral);
        setAgencies(data.agencies);
        setStale(false);
      },
      (e: Error) => !stopped && setError(e.message),
    );
    return () => {
      stopped = true;
    };
  }, [id, reloads]);

  // Someone else's change: say so, rather than letting the next action fail on its version.
  useEffect(() => {
    const unsubscribe = subscribe(
      ReferralWatch,
      { id },
      ({ referralChanged }) => {
        setReferral((current) => {
          if (
            current &&
            referralChanged?.version &&
            current.version !== null &&
            referralChanged.version > current.version
          )
            setStale(true);
          return current;
        });
      },
      () => undefined,
      { resume: true },
    );
    return unsubscribe;
  }, [id]);

  /**
   * Runs one action, then reads the referral again with the purpose TRIAGE: a mutation declares no
   * purpose, so its own answer has the purpose-bound fields withheld. A stale version is reported
   * as "someone else changed this".
   */
  async function act(label: string, run: (version: number) => Promise<unknown>) {
    if (!referral?.version) return;
    setError(null);
    try {
      await run(referral.version);
      setReferral((await request(ReferralQuery, { id })).data.referral);
      setStale(false);
      setStatus(`${label}: done.`);
    } catch (e) {
      if (e instanceof HubRequestError && e.code === 'CONFLICT') setStale(true);
      else setError((e as Error).message);
    }
  }

  if (referral === undefined)
    return error ? (
      <p role="alert" class="error">
        {error}
      </p>
    ) : (
      <p>Loading…</p>
    );
  if (referral === null) {
    return (
      <section>
        <h1>Not found</h1>
        <p>No referral with this id is within your legitimate relationships.</p>
      </section>
    );
  }

  const triage = me.roles.includes('MASH_SOCIAL_WORKER') || me.roles.includes('MASH_MANAGER');
  const manager = me.roles.includes('MASH_MANAGER');
  const r = referral;
  const openChecks = (r.checks ?? []).filter((c) => isOpenCheck(c.status));
  const related = relatedReferrals(r);
  const mergedInto = r.mergedIntoId ? related.find((x) => x.id === r.mergedIntoId) : undefined;

  return (
    <section aria-labelledby="referral-title">
      <h1 id="referral-title">
        Referral {r.reference}{' '}
        <span class={`rag rag-${(r.rag ?? 'none').toLowerCase()}`}>{r.rag ? words(r.rag) : 'not rated'}</span>
      </h1>
      <p class="live" role="status">
        {status}
      </p>
      {stale && (
        <div role="alert" class="conflict">
          <p>Someone else changed this referral; reload to see their change before you act.</p>
          <button type="button" onClick={() => setReloads((n) => n + 1)}>
            Reload
          </button>
        </div>
      )}
      <ErrorMessage message={error} />
      {r.mergedIntoId && (
        <p data-testid="merged-into" class="merged">
          <strong>Merged as a duplicate into</strong>{' '}
          <a href={`#/referral/${r.mergedIntoId}`}>{mergedInto?.reference ?? 'the referral it was merged into'}</a>
        </p>
      )}
      <dl class="fields">
        <div>
          <dt>Status</dt>
          <dd data-testid="referral-status">{words(r.status)}</dd>
        </div>
        <div>
          <dt>Received</dt>
          <dd>{dateTime(r.receivedAt)}</dd>
        </div>
        <div>
          <dt>Decision due</dt>
          <dd>
            {dateTime(r.decisionDueAt)} ({timeLeft(r.decisionDueAt, Date.now())})
            {r.breached && <strong class="breach-flag"> Breached</strong>}
          </dd>
        </div>
        <div>
          <dt>Referrer</dt>
          <dd>
            {r.referrerName ?? 'withheld'} ({r.referrerAgency ?? '—'})
          </dd>
        </div>
        <div>
          <dt>Who made the contact</dt>
          <dd data-testid="referral-source">
            {sourceLabel(r.source)}
            {[r.referrerOrganisation, r.referrerRole].some(Boolean) &&
              ` — ${[r.referrerRole, r.referrerOrganisation].filter(Boolean).join(', ')}`}
          </dd>
        </div>
        <div>
          <dt>Assigned to</dt>
          <dd data-testid="assigned-to">{r.assignedToName ?? 'unassigned'}</dd>
        </div>
        <div>
          <dt>Waiting on</dt>
          <dd>{r.waitingOn?.length ? r.waitingOn.join(', ') : '—'}</dd>
        </div>
        <div>
          <dt>Concerns</dt>
          <dd>{(r.concernCategories ?? []).map(words).join(', ')}</dd>
        </div>
        <div>
          <dt>Consent</dt>
          <dd>
            {r.consentSought ? (r.consentGiven ? 'given' : 'sought, not given') : 'not sought'}
            {r.consentReason && ` — ${r.consentReason}`}
          </dd>
        </div>
        <div>
          <dt>Lawful basis</dt>
          <dd>
            {`Article 6: ${words(r.article6Basis)}`}
            {r.specialCategoryCondition && ` · Article 9 / Schedule 1: ${words(r.specialCategoryCondition)}`}
          </dd>
        </div>
      </dl>
      <h2>Narrative</h2>
      <p class="narrative" data-testid="narrative">
        {r.narrative ?? 'Withheld'}
      </p>
      <h2>Children and adults</h2>
      <ul>
        {(r.subjects ?? []).map((s) =>
          s.id ? (
            <li key={s.id}>
              <PersonLink person={s} />
            </li>
          ) : null,
        )}
      </ul>
      {related.some((x) => x.mergedIntoId === r.id) && (
        <>
          <h2>Duplicates merged into this referral</h2>
          <ul data-testid="merged-from">
            {related
              .filter((x) => x.mergedIntoId === r.id)
              .map((x) => (
                <li key={x.id}>
                  <a href={`#/referral/${x.id}`}>{x.reference}</a> (received {dateTime(x.receivedAt)})
                </li>
              ))}
          </ul>
        </>
      )}
      <h2>RAG history</h2>
      {r.ratings?.length ? (
        <ol>
          {r.ratings.map((x, i) => (
            <li key={i}>
              <span class={`rag rag-${(x.rag ?? 'none').toLowerCase()}`}>{words(x.rag)}</span> by {x.ratedByName ?? '—'}{' '}
              at {dateTime(x.ratedAt)}: {x.rationale}
            </li>
          ))}
        </ol>
      ) : (
        <p>Not rated yet.</p>
      )}
      <h2>Agency checks</h2>
      {r.checks?.length ? (
        <table>
          <caption>Checks requested for this referral</caption>
          <thead>
            <tr>
              <th scope="col">Agency</th>
              <th scope="col">Status</th>
              <th scope="col">Due</th>
              <th scope="col">Answer</th>
            </tr>
          </thead>
          <tbody>
            {r.checks.map((c) => (
              <tr key={c.id}>
                <td>{c.agency}</td>
                <td>
                  {words(c.status)}
                  {c.overdue && <strong class="breach-flag"> Overdue</strong>}
                </td>
                <td>{dateTime(c.dueAt)}</td>
                <td>
                  {c.findingsSummary ??
                    (c.declinedReason
                      ? `Declined: ${c.declinedReason}`
                      : c.closedReason
                        ? `Closed (${words(c.closedReason)})${c.closedNote ? `: ${c.closedNote}` : ''}`
                        : '—')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No checks requested.</p>
      )}
      <h2>Decision</h2>
      {r.decisionOutcome ? (
        <p data-testid="decision">
          {words(r.decisionOutcome)} ({words(r.thresholdLevel)}), proposed {dateTime(r.decisionProposedAt)}
          {r.decisionAuthorisedAt
            ? `, authorised ${dateTime(r.decisionAuthorisedAt)}`
            : r.status === 'DECISION_PROPOSED'
              ? ', awaiting a manager'
              : ''}
          : {r.decisionRationale}
        </p>
      ) : (
        <p>No decision yet.</p>
      )}
      {r.decisionReturnComment && r.status !== 'CLOSED' && (
        <p data-testid="return-comment">
          <strong>Returned by a manager</strong> {dateTime(r.decisionReturnedAt)}: {r.decisionReturnComment}
        </p>
      )}
      {r.decisionAmendmentReason && (
        <p>
          <strong>Amended by the manager:</strong> {r.decisionAmendmentReason}
        </p>
      )}
      {r.decidedOverChecksReason && (
        <p>
          <strong>Decided without outstanding checks:</strong> {r.decidedOverChecksReason}
        </p>
      )}
      {triage && (
        <section aria-labelledby="actions-title" class="actions">
          <h2 id="actions-title">Actions</h2>
          {can('assign', r.status) && r.assignedToSub !== me.sub && (
            <button
              type="button"
              onClick={() =>
                void act(
                  'Assigned to you',
                  async (v) =>
                    (
                      await request(AssignReferral, {
                        id,
                        assignee: { sub: me.sub, name: me.name },
                        expectedVersion: v,
                      })
                    ).data.assignReferral,
                )
              }
            >
              Assign to me
            </button>
          )}
          {can('rate', r.status) && (
            <RateForm
              onRate={(rag, rationale) =>
                act(
                  'Rated',
                  async (v) =>
                    (await request(RateReferral, { id, rag, rationale, expectedVersion: v })).data.rateReferral,
                )
              }
            />
          )}
          {can('checks', r.status) && (
            <ChecksForm
              agencies={agencies.filter(
                (a) => a.agencyKind !== 'SOCIAL_CARE' && !(r.checks ?? []).some((c) => c.agency === a.code),
              )}
              onRequest={(codes) =>
                act(
                  'Checks requested',
                  async (v) =>
                    (await request(RequestChecks, { id, agencies: codes, expectedVersion: v })).data
                      .requestAgencyChecks,
                )
              }
            />
          )}
          {can('closeCheck', r.status) && openChecks.length > 0 && (
            <CloseCheckForm
              checks={openChecks}
              onClose={(checkId, reason, note) =>
                act(
                  'Check closed',
                  async (v) =>
                    (await request(CloseAgencyCheck, { checkId, reason, note: note || null, expectedVersion: v })).data
                      .closeAgencyCheck,
                )
              }
            />
          )}
          {can('propose', r.status) && (
            <DecisionForm
              onPropose={(input) =>
                act(
                  'Decision proposed',
                  async (v) => (await request(ProposeDecision, { id, input, expectedVersion: v })).data.proposeDecision,
                )
              }
            />
          )}
          {can('authorise', r.status) && manager && (
            <ManagerDecision
              referral={r}
              outstanding={openChecks.map((c) => c.agency ?? '—')}
              onAuthorise={(over) =>
                act(
                  'Decision authorised',
                  async (v) =>
                    (await request(AuthoriseDecision, { id, expectedVersion: v, overOutstandingChecksReason: over }))
                      .data.authoriseDecision,
                )
              }
              onAmend={(input, reason, over) =>
                act(
                  'Decision amended and authorised',
                  async (v) =>
                    (
                      await request(AmendAndAuthoriseDecision, {
                        id,
                        input,
                        reason,
                        expectedVersion: v,
                        overOutstandingChecksReason: over,
                      })
                    ).data.amendAndAuthoriseDecision,
                )
              }
              onReturn={(comment) =>
                act(
                  'Decision returned to the worker',
                  async (v) => (await request(ReturnDecision, { id, comment, expectedVersion: v })).data.returnDecision,
                )
              }
            />
          )}
          {can('authorise', r.status) && !manager && (
            <p>A MASH manager authorises, amends or returns the proposed decision.</p>
          )}
          {can('feedback', r.status) && !r.feedbackSentAt && (
            <TextAction
              id="feedback"
              label="Feedback to the referrer"
              button="Send feedback"
              onSend={(message) =>
                act(
                  'Feedback sent',
                  async (v) =>
                    (await request(SendFeedback, { id, message, expectedVersion: v })).data.sendReferrerFeedback,
                )
              }
            />
          )}
          {(r.decisionOutcome === 'STRATEGY_DISCUSSION' || can('withdraw', r.status)) && (
            <ScheduleForm
              onSchedule={(type, scheduledAt) =>
                act('Meeting scheduled (see Meetings)', () =>
                  request(ScheduleMeeting, { input: { type, scheduledAt, referralId: id } }),
                )
              }
            />
          )}
          {can('merge', r.status) && (
            <details class="action">
              <summary>Merge as a duplicate</summary>
              <MergeForm
                candidates={mergeCandidates(r)}
                onMerge={(intoId, reason) =>
                  act(
                    'Merged as a duplicate',
                    async (v) =>
                      (await request(MergeReferral, { id, intoId, reason, expectedVersion: v })).data.mergeReferral,
                  )
                }
              />
            </details>
          )}
          {can('withdraw', r.status) && (
            <details class="action">
              <summary>Withdraw this referral</summary>
              <p class="hint">Outstanding checks are closed as no longer needed. This cannot be undone.</p>
              <TextAction
                id="withdraw"
                label="Why it is withdrawn"
                button="Withdraw referral"
                onSend={(reason) =>
                  act(
                    'Withdrawn',
                    async (v) =>
                      (await request(WithdrawReferral, { id, reason, expectedVersion: v })).data.withdrawReferral,
                  )
                }
              />
            </details>
          )}
        </section>
      )}
      <StatusHistory history={r.statusHistory ?? []} />
    </section>
  );
}

type Related = NonNullable<NonNullable<Referral['subjects']>[number]['referrals']>[number];

/** The other referrals about this referral's subjects that the viewer may reach, once each. */
function relatedReferrals(r: Referral): Related[] {
  const seen = new Map<string, Related>();
  for (const s of r.subjects ?? [])
    for (const x of s.referrals ?? []) if (x.id && x.id !== r.id && !seen.has(x.id)) seen.set(x.id, x);
  return [...seen.values()];
}

interface MergeCandidate {
  referral: Related;
  /** The child (or children) of this referral the candidate is also about. */
  about: string;
}

/**
 * What a duplicate may be merged into: another open referral about the same child (a child
 * subject of this one), chosen from a list rather than typed, so it cannot name another child's.
 */
function mergeCandidates(r: Referral): MergeCandidate[] {
  const found = new Map<string, MergeCandidate>();
  for (const s of r.subjects ?? []) {
    if (s.kind !== 'CHILD') continue;
    const child = `${s.givenName ?? 'Name withheld'} ${s.familyName ?? ''}`.trim();
    for (const x of s.referrals ?? []) {
      if (!x.id || x.id === r.id || !x.status || TERMINAL.includes(x.status)) continue;
      const known = found.get(x.id);
      if (known) known.about = `${known.about}, ${child}`;
      else found.set(x.id, { referral: x, about: child });
    }
  }
  return [...found.values()];
}

function MergeForm({
  candidates,
  onMerge,
}: {
  candidates: MergeCandidate[];
  onMerge: (intoId: string, reason: string) => Promise<void>;
}) {
  const [intoId, setIntoId] = useState('');
  const [reason, setReason] = useState('');
  if (!candidates.length)
    return <p class="hint">There is no other open referral about the same child to merge this one into.</p>;
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void onMerge(intoId, reason);
      }}
    >
      <p class="hint">
        This referral closes as a duplicate; its children and adults join the one you keep, and its outstanding checks
        are closed as no longer needed. This cannot be undone.
      </p>
      <fieldset>
        <legend>Keep this referral instead</legend>
        {candidates.map(({ referral: x, about }) => (
          <div key={x.id}>
            <input
              type="radio"
              name="merge-into"
              id={`merge-into-${x.id}`}
              value={x.id!}
              checked={intoId === x.id}
              onChange={() => setIntoId(x.id!)}
            />
            <label for={`merge-into-${x.id}`}>
              {x.reference} — {words(x.status)}, received {dateTime(x.receivedAt)} (about {about})
            </label>
          </div>
        ))}
      </fieldset>
      <label for="merge-reason">Why it is a duplicate</label>
      <textarea
        id="merge-reason"
        rows={3}
        required
        value={reason}
        onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <button type="submit" disabled={!intoId || !reason.trim()}>
        Merge into the chosen referral
      </button>
    </form>
  );
}

/** A code (TIMED_OUT) in words; a name (an assignee) as it is. */
const codeWords = (text: string) => (/^[A-Z_]+$/.test(text) ? words(text) : text);

type Transition = NonNullable<Referral['statusHistory']>[number];

/** Every step of the referral, oldest first: who, when, from and to, and why. */
function StatusHistory({ history }: { history: Transition[] }) {
  if (!history.length) return null;
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <table data-testid="status-history">
        <caption>Every step of this referral, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Step</th>
            <th scope="col">Status</th>
            <th scope="col">By</th>
            <th scope="col">Detail and reason</th>
          </tr>
        </thead>
        <tbody>
          {history.map((h) => (
            <tr key={h.version ?? h.at} data-testid="history-row">
              <td>{dateTime(h.at)}</td>
              <th scope="row">
                {words(h.transition)}
                {h.checkAgency ? ` (${h.checkAgency})` : ''}
              </th>
              <td>
                {h.fromStatus ? `${words(h.fromStatus)} → ` : ''}
                {words(h.toStatus)}
              </td>
              <td>
                {h.byName ?? '—'}
                {h.byAgency ? `, ${h.byAgency}` : ''}
              </td>
              <td class="narrative">
                {[h.detail ? codeWords(h.detail) : null, h.reason].filter(Boolean).join(': ') || '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type Check = NonNullable<Referral['checks']>[number];

function CloseCheckForm({
  checks,
  onClose,
}: {
  checks: Check[];
  onClose: (checkId: string, reason: AgencyCheckClosureReason, note: string) => Promise<void>;
}) {
  const [checkId, setCheckId] = useState(checks[0]?.id ?? '');
  const [reason, setReason] = useState<AgencyCheckClosureReason>('NO_LONGER_NEEDED');
  const [note, setNote] = useState('');
  const chosen = checks.some((c) => c.id === checkId) ? checkId : (checks[0]?.id ?? '');
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void onClose(chosen, reason, note.trim()).then(() => setNote(''));
      }}
    >
      <h3>Stop waiting for a check</h3>
      <label for="close-check">Check</label>
      <select
        id="close-check"
        value={chosen}
        onChange={(e) => setCheckId((e.currentTarget as HTMLSelectElement).value)}
      >
        {checks.map((c) => (
          <option key={c.id} value={c.id ?? ''}>
            {c.agency}
          </option>
        ))}
      </select>
      <label for="close-reason">Reason</label>
      <select
        id="close-reason"
        value={reason}
        onChange={(e) => setReason((e.currentTarget as HTMLSelectElement).value as AgencyCheckClosureReason)}
      >
        {CLOSURE_REASONS.map((x) => (
          <option key={x} value={x}>
            {words(x)}
          </option>
        ))}
      </select>
      <label for="close-note">Note (optional)</label>
      <textarea
        id="close-note"
        rows={2}
        value={note}
        onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <button type="submit" disabled={!chosen}>
        Close check
      </button>
    </form>
  );
}

/**
 * The manager's choice on a proposed decision: authorise it, amend and authorise it (saying why), or
 * return it with a comment. With checks outstanding, authorising needs the reason not to wait for them.
 */
function ManagerDecision({
  referral,
  outstanding,
  onAuthorise,
  onAmend,
  onReturn,
}: {
  referral: Referral;
  outstanding: string[];
  onAuthorise: (overChecks: string | null) => Promise<void>;
  onAmend: (
    input: { outcome: DecisionOutcome; thresholdLevel: ThresholdLevel; rationale: string },
    reason: string,
    overChecks: string | null,
  ) => Promise<void>;
  onReturn: (comment: string) => Promise<void>;
}) {
  const [overChecks, setOverChecks] = useState('');
  const needsReason = outstanding.length > 0;
  const over = needsReason ? overChecks.trim() : null;
  const blocked = needsReason && !over;
  return (
    <div class="action" data-testid="manager-decision">
      <h3>Manager&apos;s decision</h3>
      {needsReason && (
        <>
          <p>
            Checks from {outstanding.join(', ')} are still outstanding. Authorising closes them as decided without; say
            why the decision cannot wait.
          </p>
          <label for="over-checks">Reason to decide without the outstanding checks</label>
          <textarea
            id="over-checks"
            rows={2}
            required
            value={overChecks}
            onInput={(e) => setOverChecks((e.currentTarget as HTMLTextAreaElement).value)}
          />
        </>
      )}
      <button type="button" disabled={blocked} onClick={() => void onAuthorise(over)}>
        Authorise the proposed decision
      </button>
      <AmendForm referral={referral} blocked={blocked} onAmend={(input, reason) => onAmend(input, reason, over)} />
      <details>
        <summary>Return to the worker</summary>
        <TextAction id="return" label="Comment for the worker" button="Return decision" onSend={onReturn} />
      </details>
    </div>
  );
}

function AmendForm({
  referral,
  blocked,
  onAmend,
}: {
  referral: Referral;
  blocked: boolean;
  onAmend: (input: DecisionInput, reason: string) => Promise<void>;
}) {
  const [decision, setDecision] = useState<DecisionInput>({
    outcome: referral.decisionOutcome ?? 'EARLY_HELP',
    thresholdLevel: referral.thresholdLevel ?? 'LEVEL_2_EARLY_HELP',
    rationale: referral.decisionRationale ?? '',
  });
  const [reason, setReason] = useState('');
  return (
    <details>
      <summary>Amend and authorise</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onAmend(decision, reason);
        }}
      >
        <DecisionFields idPrefix="amend" amended value={decision} onChange={setDecision} />
        <label for="amend-reason">Why you amend it</label>
        <textarea
          id="amend-reason"
          rows={2}
          required
          value={reason}
          onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <button type="submit" disabled={blocked || !decision.rationale.trim() || !reason.trim()}>
          Amend and authorise
        </button>
      </form>
    </details>
  );
}

/** Tomorrow at 10:00 local, as a datetime-local value. */
function tomorrowMorning(): string {
  const d = new Date(Date.now() + 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T10:00`;
}

/** A strategy discussion (or meeting) about this referral's children; the type's required agencies are invited by the hub. */
function ScheduleForm({ onSchedule }: { onSchedule: (type: MeetingType, scheduledAt: string) => Promise<void> }) {
  const [type, setType] = useState<MeetingType>('STRATEGY_DISCUSSION');
  const [when, setWhen] = useState(tomorrowMorning);
  const valid = !Number.isNaN(new Date(when).getTime());
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) void onSchedule(type, new Date(when).toISOString());
      }}
    >
      <h3>Schedule a strategy discussion</h3>
      <label for="schedule-type">Meeting</label>
      <select
        id="schedule-type"
        value={type}
        onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value as MeetingType)}
      >
        <option value="STRATEGY_DISCUSSION">Strategy discussion</option>
        <option value="STRATEGY_MEETING">Strategy meeting</option>
      </select>
      <label for="schedule-when">When</label>
      <input
        id="schedule-when"
        type="datetime-local"
        required
        value={when}
        onInput={(e) => setWhen((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit" disabled={!valid}>
        Schedule
      </button>
    </form>
  );
}

function RateForm({ onRate }: { onRate: (rag: Rag, rationale: string) => Promise<void> }) {
  const [rag, setRag] = useState<Rag>('AMBER');
  const [rationale, setRationale] = useState('');
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void onRate(rag, rationale).then(() => setRationale(''));
      }}
    >
      <h3>Rate</h3>
      <label for="rate-rag">RAG</label>
      <select id="rate-rag" value={rag} onChange={(e) => setRag((e.currentTarget as HTMLSelectElement).value as Rag)}>
        <option value="RED">Red</option>
        <option value="AMBER">Amber</option>
        <option value="GREEN">Green</option>
      </select>
      <label for="rate-rationale">Rationale</label>
      <textarea
        id="rate-rationale"
        rows={2}
        required
        value={rationale}
        onInput={(e) => setRationale((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <button type="submit" disabled={!rationale.trim()}>
        Rate
      </button>
    </form>
  );
}

function ChecksForm({ agencies, onRequest }: { agencies: Agency[]; onRequest: (codes: string[]) => Promise<void> }) {
  const [chosen, setChosen] = useState<string[]>([]);
  if (!agencies.length) return null;
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void onRequest(chosen).then(() => setChosen([]));
      }}
    >
      <fieldset>
        <legend>Request agency checks</legend>
        {agencies.map((a) => (
          <div class="choice" key={a.code}>
            <input
              type="checkbox"
              id={`check-${a.code}`}
              checked={chosen.includes(a.code)}
              onChange={(e) =>
                setChosen((c) =>
                  (e.currentTarget as HTMLInputElement).checked ? [...c, a.code] : c.filter((x) => x !== a.code),
                )
              }
            />
            <label for={`check-${a.code}`}>{a.name}</label>
          </div>
        ))}
      </fieldset>
      <button type="submit" disabled={!chosen.length}>
        Request checks
      </button>
    </form>
  );
}

type DecisionInput = { outcome: DecisionOutcome; thresholdLevel: ThresholdLevel; rationale: string };

/** The decision's outcome, threshold and rationale: the worker's proposal and the manager's amendment share them. */
function DecisionFields({
  idPrefix,
  amended = false,
  value,
  onChange,
}: {
  idPrefix: string;
  amended?: boolean;
  value: DecisionInput;
  onChange: (value: DecisionInput) => void;
}) {
  const label = (text: string) => (amended ? `Amended ${text.toLowerCase()}` : text);
  return (
    <>
      <label for={`${idPrefix}-outcome`}>{label('Outcome')}</label>
      <select
        id={`${idPrefix}-outcome`}
        value={value.outcome}
        onChange={(e) =>
          onChange({ ...value, outcome: (e.currentTarget as HTMLSelectElement).value as DecisionOutcome })
        }
      >
        {DecisionOutcomeValues.map((o) => (
          <option key={o} value={o}>
            {words(o)}
          </option>
        ))}
      </select>
      <label for={`${idPrefix}-threshold`}>{label('Threshold')}</label>
      <select
        id={`${idPrefix}-threshold`}
        value={value.thresholdLevel}
        onChange={(e) =>
          onChange({ ...value, thresholdLevel: (e.currentTarget as HTMLSelectElement).value as ThresholdLevel })
        }
      >
        {ThresholdLevelValues.map((t) => (
          <option key={t} value={t}>
            {words(t)}
          </option>
        ))}
      </select>
      <label for={`${idPrefix}-rationale`}>{label('Rationale')}</label>
      <textarea
        id={`${idPrefix}-rationale`}
        rows={3}
        required
        value={value.rationale}
        onInput={(e) => onChange({ ...value, rationale: (e.currentTarget as HTMLTextAreaElement).value })}
      />
    </>
  );
}

function DecisionForm({ onPropose }: { onPropose: (input: DecisionInput) => Promise<void> }) {
  const [decision, setDecision] = useState<DecisionInput>({
    outcome: 'EARLY_HELP',
    thresholdLevel: 'LEVEL_2_EARLY_HELP',
    rationale: '',
  });
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void onPropose(decision);
      }}
    >
      <h3>Propose a decision</h3>
      <DecisionFields idPrefix="decision" value={decision} onChange={setDecision} />
      <button type="submit" disabled={!decision.rationale.trim()}>
        Propose decision
      </button>
    </form>
  );
}

function TextAction({
  id,
  label,
  button,
  onSend,
}: {
  id: string;
  label: string;
  button: string;
  onSend: (text: string) => Promise<void>;
}) {
  const [text, setText] = useState('');
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void onSend(text);
      }}
    >
      <label for={`text-${id}`}>{label}</label>
      <textarea
        id={`text-${id}`}
        rows={3}
        required
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <button type="submit" disabled={!text.trim()}>
        {button}
      </button>
    </form>
  );
}
