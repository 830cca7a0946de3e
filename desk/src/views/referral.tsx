import { useEffect, useState } from 'preact/hooks';
import { HubRequestError, request, subscribe } from '../api.js';
import { dateTime, timeLeft, words } from '../format.js';
import {
  AssignReferral,
  AuthoriseDecision,
  DecisionOutcomeValues,
  ProposeDecision,
  RateReferral,
  ReferralView as ReferralQuery,
  ReferralWatch,
  RequestChecks,
  SendFeedback,
  ThresholdLevelValues,
  type DecisionOutcome,
  type Rag,
  type ReferralStatus,
  type ReferralViewResult,
  type ThresholdLevel,
} from '../generated/operations.js';
import type { Me } from '../session.js';
import { ErrorMessage, PersonLink } from './common.js';

type Referral = NonNullable<ReferralViewResult['referral']>;
type Agency = ReferralViewResult['agencies'][number];

/** Which actions a status allows (the hub's state machine decides; this only hides the impossible). */
const CAN: Record<string, ReferralStatus[]> = {
  rate: ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION'],
  assign: ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION', 'DECISION_PROPOSED'],
  checks: ['SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION'],
  propose: ['SCREENED', 'READY_FOR_DECISION'],
  authorise: ['DECISION_PROPOSED'],
  feedback: ['CLOSED', 'WITHDRAWN'],
};

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
          if (current && referralChanged?.version && current.version !== null && referralChanged.version > current.version) setStale(true);
          return current;
        });
      },
      () => undefined,
    );
    return unsubscribe;
  }, [id]);

  /** Runs one action; a stale version is reported as "someone else changed this". */
  async function act(label: string, run: (version: number) => Promise<Referral>) {
    if (!referral?.version) return;
    setError(null);
    try {
      setReferral(await run(referral.version));
      setStale(false);
      setStatus(`${label}: done.`);
    } catch (e) {
      if (e instanceof HubRequestError && e.code === 'CONFLICT') setStale(true);
      else setError((e as Error).message);
    }
  }

  if (referral === undefined) return error ? <p role="alert" class="error">{error}</p> : <p>Loading…</p>;
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

  return (
    <section aria-labelledby="referral-title">
      <h1 id="referral-title">
        Referral {r.reference} <span class={`rag rag-${(r.rag ?? 'none').toLowerCase()}`}>{r.rag ? words(r.rag) : 'not rated'}</span>
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
      <dl class="fields">
        <div><dt>Status</dt><dd data-testid="referral-status">{words(r.status)}</dd></div>
        <div><dt>Received</dt><dd>{dateTime(r.receivedAt)}</dd></div>
        <div><dt>Decision due</dt><dd>{dateTime(r.decisionDueAt)} ({timeLeft(r.decisionDueAt, Date.now())}){r.breached && <strong class="breach-flag"> Breached</strong>}</dd></div>
        <div><dt>Referrer</dt><dd>{r.referrerName ?? 'withheld'} ({r.referrerAgency ?? '—'})</dd></div>
        <div><dt>Assigned to</dt><dd>{r.assignedToName ?? 'unassigned'}</dd></div>
        <div><dt>Waiting on</dt><dd>{r.waitingOn?.length ? r.waitingOn.join(', ') : '—'}</dd></div>
        <div><dt>Concerns</dt><dd>{(r.concernCategories ?? []).map(words).join(', ')}</dd></div>
        <div><dt>Consent</dt><dd>{r.consentSought ? (r.consentGiven ? 'given' : 'sought, not given') : 'not sought'}{r.consentReason && ` — ${r.consentReason}`}</dd></div>
        <div><dt>Lawful basis</dt><dd>{words(r.lawfulBasis)}</dd></div>
      </dl>
      <h2>Narrative</h2>
      <p class="narrative">{r.narrative ?? 'Withheld'}</p>
      <h2>Children and adults</h2>
      <ul>
        {(r.subjects ?? []).map((s) => (s.id ? <li key={s.id}><PersonLink person={s} /></li> : null))}
      </ul>
      <h2>RAG history</h2>
      {r.ratings?.length ? (
        <ol>
          {r.ratings.map((x, i) => (
            <li key={i}>
              <span class={`rag rag-${(x.rag ?? 'none').toLowerCase()}`}>{words(x.rag)}</span> by {x.ratedByName ?? '—'} at {dateTime(x.ratedAt)}: {x.rationale}
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
          <thead><tr><th scope="col">Agency</th><th scope="col">Status</th><th scope="col">Due</th><th scope="col">Answer</th></tr></thead>
          <tbody>
            {r.checks.map((c) => (
              <tr key={c.id}>
                <td>{c.agency}</td>
                <td>{words(c.status)}{c.overdue && <strong class="breach-flag"> Overdue</strong>}</td>
                <td>{dateTime(c.dueAt)}</td>
                <td>{c.findingsSummary ?? (c.declinedReason ? `Declined: ${c.declinedReason}` : '—')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No checks requested.</p>
      )}
      <h2>Decision</h2>
      {r.decisionOutcome ? (
        <p>
          {words(r.decisionOutcome)} ({words(r.thresholdLevel)}), proposed {dateTime(r.decisionProposedAt)}
          {r.decisionAuthorisedAt ? `, authorised ${dateTime(r.decisionAuthorisedAt)}` : ', awaiting a manager'}: {r.decisionRationale}
        </p>
      ) : (
        <p>No decision yet.</p>
      )}
      {triage && (
        <section aria-labelledby="actions-title" class="actions">
          <h2 id="actions-title">Actions</h2>
          {can('assign', r.status) && r.assignedToSub !== me.sub && (
            <button type="button" onClick={() => void act('Assigned to you', async (v) => (await request(AssignReferral, { id, assignee: { sub: me.sub, name: me.name }, expectedVersion: v })).data.assignReferral)}>
              Assign to me
            </button>
          )}
          {can('rate', r.status) && <RateForm onRate={(rag, rationale) => act('Rated', async (v) => (await request(RateReferral, { id, rag, rationale, expectedVersion: v })).data.rateReferral)} />}
          {can('checks', r.status) && (
            <ChecksForm
              agencies={agencies.filter((a) => a.kind !== 'SOCIAL_CARE' && !(r.checks ?? []).some((c) => c.agency === a.code))}
              onRequest={(codes) => act('Checks requested', async (v) => (await request(RequestChecks, { id, agencies: codes, expectedVersion: v })).data.requestAgencyChecks)}
            />
          )}
          {can('propose', r.status) && (
            <DecisionForm onPropose={(input) => act('Decision proposed', async (v) => (await request(ProposeDecision, { id, input, expectedVersion: v })).data.proposeDecision)} />
          )}
          {can('authorise', r.status) && manager && (
            <button type="button" onClick={() => void act('Decision authorised', async (v) => (await request(AuthoriseDecision, { id, expectedVersion: v })).data.authoriseDecision)}>
              Authorise the proposed decision
            </button>
          )}
          {can('authorise', r.status) && !manager && <p>A MASH manager authorises the proposed decision.</p>}
          {can('feedback', r.status) && !r.feedbackSentAt && (
            <TextAction label="Feedback to the referrer" button="Send feedback" onSend={(message) => act('Feedback sent', async (v) => (await request(SendFeedback, { id, message, expectedVersion: v })).data.sendReferrerFeedback)} />
          )}
        </section>
      )}
    </section>
  );
}

function RateForm({ onRate }: { onRate: (rag: Rag, rationale: string) => Promise<void> }) {
  const [rag, setRag] = useState<Rag>('AMBER');
  const [rationale, setRationale] = useState('');
  return (
    <form class="action" onSubmit={(e) => { e.preventDefault(); void onRate(rag, rationale).then(() => setRationale('')); }}>
      <h3>Rate</h3>
      <label for="rate-rag">RAG</label>
      <select id="rate-rag" value={rag} onChange={(e) => setRag((e.currentTarget as HTMLSelectElement).value as Rag)}>
        <option value="RED">Red</option>
        <option value="AMBER">Amber</option>
        <option value="GREEN">Green</option>
      </select>
      <label for="rate-rationale">Rationale</label>
      <textarea id="rate-rationale" rows={2} required value={rationale} onInput={(e) => setRationale((e.currentTarget as HTMLTextAreaElement).value)} />
      <button type="submit" disabled={!rationale.trim()}>Rate</button>
    </form>
  );
}

function ChecksForm({ agencies, onRequest }: { agencies: Agency[]; onRequest: (codes: string[]) => Promise<void> }) {
  const [chosen, setChosen] = useState<string[]>([]);
  if (!agencies.length) return null;
  return (
    <form class="action" onSubmit={(e) => { e.preventDefault(); void onRequest(chosen).then(() => setChosen([])); }}>
      <fieldset>
        <legend>Request agency checks</legend>
        {agencies.map((a) => (
          <div class="choice" key={a.code}>
            <input type="checkbox" id={`check-${a.code}`} checked={chosen.includes(a.code)} onChange={(e) => setChosen((c) => ((e.currentTarget as HTMLInputElement).checked ? [...c, a.code] : c.filter((x) => x !== a.code)))} />
            <label for={`check-${a.code}`}>{a.name}</label>
          </div>
        ))}
      </fieldset>
      <button type="submit" disabled={!chosen.length}>Request checks</button>
    </form>
  );
}

function DecisionForm({ onPropose }: { onPropose: (input: { outcome: DecisionOutcome; thresholdLevel: ThresholdLevel; rationale: string }) => Promise<void> }) {
  const [outcome, setOutcome] = useState<DecisionOutcome>('EARLY_HELP');
  const [thresholdLevel, setThreshold] = useState<ThresholdLevel>('LEVEL_2_EARLY_HELP');
  const [rationale, setRationale] = useState('');
  return (
    <form class="action" onSubmit={(e) => { e.preventDefault(); void onPropose({ outcome, thresholdLevel, rationale }); }}>
      <h3>Propose a decision</h3>
      <label for="decision-outcome">Outcome</label>
      <select id="decision-outcome" value={outcome} onChange={(e) => setOutcome((e.currentTarget as HTMLSelectElement).value as DecisionOutcome)}>
        {DecisionOutcomeValues.map((o) => <option key={o} value={o}>{words(o)}</option>)}
      </select>
      <label for="decision-threshold">Threshold</label>
      <select id="decision-threshold" value={thresholdLevel} onChange={(e) => setThreshold((e.currentTarget as HTMLSelectElement).value as ThresholdLevel)}>
        {ThresholdLevelValues.map((t) => <option key={t} value={t}>{words(t)}</option>)}
      </select>
      <label for="decision-rationale">Rationale</label>
      <textarea id="decision-rationale" rows={3} required value={rationale} onInput={(e) => setRationale((e.currentTarget as HTMLTextAreaElement).value)} />
      <button type="submit" disabled={!rationale.trim()}>Propose decision</button>
    </form>
  );
}

function TextAction({ label, button, onSend }: { label: string; button: string; onSend: (text: string) => Promise<void> }) {
  const [text, setText] = useState('');
  return (
    <form class="action" onSubmit={(e) => { e.preventDefault(); void onSend(text); }}>
      <label for="text-action">{label}</label>
      <textarea id="text-action" rows={3} required value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      <button type="submit" disabled={!text.trim()}>{button}</button>
    </form>
  );
}
