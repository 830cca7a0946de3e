import { useEffect, useState } from 'preact/hooks';
import { HubRequestError, request } from '../api.js';
import { date, dateTime, words } from '../format.js';
import {
  DataQualityQueue,
  ResolveDataQualityIssue,
  type DataQualityDecision,
  type DataQualityIssueStatus,
  type DataQualityQueueResult,
} from '../generated/operations.js';
import { ErrorMessage } from './common.js';

type Issue = DataQualityQueueResult['dataQualityIssues']['edges'][number]['node'];
type Assertion = NonNullable<Issue['assertions']>[number];

/** The identity values compared side by side (what each source says). */
const FIELDS: Array<[keyof Assertion, string]> = [
  ['givenName', 'Given name'],
  ['familyName', 'Family name'],
  ['otherNames', 'Other names'],
  ['dateOfBirth', 'Date of birth'],
  ['sex', 'Sex'],
  ['nhsNumber', 'NHS number'],
  ['pncId', 'PNC id'],
  ['laPersonId', 'LA person id'],
  ['upn', 'UPN'],
  ['address', 'Address'],
  ['postcode', 'Postcode'],
];

/**
 * MASH social care: proposed matches (an identifier quoted for someone the quoting agency could not
 * reach) and sources disagreeing on an identity value. The worker decides with a note: confirm or
 * reject the match, or accept one source's value. The hub reads the queue under the purpose TRIAGE.
 */
export function DataQualityView() {
  const [status, setStatus] = useState<DataQualityIssueStatus>('OPEN');
  const [issues, setIssues] = useState<Issue[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let stopped = false;
    setIssues(null);
    request(DataQualityQueue, { status, first: 50 }).then(
      ({ data }) => !stopped && setIssues(data.dataQualityIssues.edges.map((e) => e.node)),
      (e: Error) => !stopped && setError(e.message),
    );
    return () => {
      stopped = true;
    };
  }, [status, reloads]);

  async function resolve(issue: Issue, decision: DataQualityDecision, note: string, assertionId: string | null) {
    if (!issue.id || issue.version === null) return;
    setError(null);
    try {
      await request(ResolveDataQualityIssue, {
        input: {
          issueId: issue.id,
          decision,
          note,
          expectedVersion: issue.version,
          ...(assertionId ? { assertionId } : {}),
        },
      });
      setDone(`Decided: ${words(decision)}.`);
    } catch (e) {
      setError(
        e instanceof HubRequestError && e.code === 'CONFLICT'
          ? 'Someone else changed this issue; the queue has been reloaded with their change.'
          : (e as Error).message,
      );
    }
    setReloads((n) => n + 1);
  }

  return (
    <section aria-labelledby="dq-title">
      <h1 id="dq-title">Data quality</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="dq-status">Show</label>
        <select
          id="dq-status"
          value={status}
          onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as DataQualityIssueStatus)}
        >
          {(['OPEN', 'CONFIRMED', 'REJECTED', 'RESOLVED', 'WITHDRAWN'] as const).map((s) => (
            <option key={s} value={s}>
              {words(s)}
            </option>
          ))}
        </select>
      </form>
      <p class="live" role="status">
        {done}
      </p>
      <ErrorMessage message={error} />
      {issues === null && !error && <p>Loading…</p>}
      {issues && !issues.length && <p>No {words(status)} issues.</p>}
      {issues?.map((issue) => (
        <article key={issue.id} class="check" data-testid="dq-issue" aria-labelledby={`dq-${issue.id}`}>
          <h2 id={`dq-${issue.id}`}>
            {issue.kind === 'MATCH_PROPOSAL' ? 'Proposed match' : `Sources disagree on ${words(issue.field)}`} · raised
            by {issue.raisedByAgency} {dateTime(issue.raisedAt)}
          </h2>
          {issue.referralId && (
            <p>
              From a referral: <a href={`#/referral/${issue.referralId}`}>open the referral</a>
            </p>
          )}
          <AssertionTable issue={issue} />
          {issue.status !== 'OPEN' && (
            <p>
              {words(issue.status)} by {issue.resolvedBy ?? '—'} at {dateTime(issue.resolvedAt)}: {issue.resolutionNote}
            </p>
          )}
          {issue.status === 'OPEN' && issue.id && (
            <Decide issue={issue} onDecide={(d, note, a) => resolve(issue, d, note, a)} />
          )}
        </article>
      ))}
    </section>
  );
}

function AssertionTable({ issue }: { issue: Issue }) {
  const assertions = issue.assertions ?? [];
  const shown = FIELDS.filter(([k]) => assertions.some((a) => a[k] !== null && a[k] !== ''));
  const label = (a: Assertion) => {
    const who =
      a.personId === issue.proposedPersonId
        ? 'proposed person'
        : a.personId === issue.personId
          ? 'settled person'
          : 'person';
    return `${a.agency ?? '—'} (${who})`;
  };
  return (
    <table>
      <caption>What each source says</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          {assertions.map((a) => (
            <th scope="col" key={a.id}>
              {label(a)}
              <br />
              <span class="hint">
                {words(a.channel)}
                {a.verified ? ', verified' : ''}
                {a.sourceSystem ? `, ${a.sourceSystem}` : ''}
              </span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {shown.map(([k, name]) => (
          <tr key={k} class={issue.field && words(issue.field) === words(String(k)) ? 'breached' : undefined}>
            <th scope="row">{name}</th>
            {assertions.map((a) => (
              <td key={a.id}>
                {k === 'dateOfBirth'
                  ? a.dateOfBirth
                    ? date(a.dateOfBirth)
                    : '—'
                  : k === 'sex'
                    ? words(a.sex)
                    : ((a[k] as string | null) ?? '—')}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Decide({
  issue,
  onDecide,
}: {
  issue: Issue;
  onDecide: (d: DataQualityDecision, note: string, assertionId: string | null) => Promise<void>;
}) {
  const match = issue.kind === 'MATCH_PROPOSAL';
  const [decision, setDecision] = useState<DataQualityDecision>(match ? 'CONFIRM_MATCH' : 'ACCEPT_SOURCE');
  const [assertionId, setAssertion] = useState<string>('');
  const [note, setNote] = useState('');
  const p = `dq-${issue.id}`;
  const ready = note.trim() && (decision !== 'ACCEPT_SOURCE' || assertionId);
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void onDecide(decision, note.trim(), decision === 'ACCEPT_SOURCE' ? assertionId : null);
      }}
    >
      <fieldset>
        <legend>Decision</legend>
        {match
          ? (['CONFIRM_MATCH', 'REJECT_MATCH'] as const).map((d) => (
              <div class="choice" key={d}>
                <input
                  type="radio"
                  name={`${p}-decision`}
                  id={`${p}-${d}`}
                  checked={decision === d}
                  onChange={() => setDecision(d)}
                />
                <label for={`${p}-${d}`}>
                  {d === 'CONFIRM_MATCH' ? 'Same person: confirm the match' : 'Different people: reject the match'}
                </label>
              </div>
            ))
          : (issue.assertions ?? []).map((a) => (
              <div class="choice" key={a.id}>
                <input
                  type="radio"
                  name={`${p}-source`}
                  id={`${p}-${a.id}`}
                  checked={assertionId === a.id}
                  onChange={() => setAssertion(a.id ?? '')}
                />
                <label for={`${p}-${a.id}`}>Accept {a.agency}&apos;s value</label>
              </div>
            ))}
        <label for={`${p}-note`}>Why (kept with the decision)</label>
        <textarea
          id={`${p}-note`}
          rows={2}
          required
          value={note}
          onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)}
        />
        <button type="submit" disabled={!ready}>
          Record decision
        </button>
      </fieldset>
    </form>
  );
}
