import { useEffect, useMemo, useState } from 'preact/hooks';
import { request, subscribe } from '../api.js';
import { dateTime, timeLeft, words } from '../format.js';
import { Queue, QueueChanges, type QueueResult, type Rag, type ReferralStatus } from '../generated/operations.js';
import type { Me } from '../session.js';
import { ErrorMessage, PersonLink } from './common.js';

type Row = QueueResult['referrals']['edges'][number]['node'];

/** The statuses a referral is open in: the queue's rows. */
const OPEN: ReferralStatus[] = ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION', 'DECISION_PROPOSED'];
const PAGE = 100;
const RAG_ORDER: Record<Rag, number> = { RED: 0, AMBER: 1, GREEN: 2 };

type Sort = 'due' | 'received' | 'rag';

function byDue(a: Row, b: Row): number {
  const x = a.decisionDueAt ? Date.parse(a.decisionDueAt) : Infinity;
  const y = b.decisionDueAt ? Date.parse(b.decisionDueAt) : Infinity;
  return x - y || (a.reference ?? '').localeCompare(b.reference ?? '');
}

const SORTS: Record<Sort, (a: Row, b: Row) => number> = {
  due: byDue,
  received: (a, b) => Date.parse(a.receivedAt ?? '') - Date.parse(b.receivedAt ?? '') || byDue(a, b),
  rag: (a, b) => (a.rag ? RAG_ORDER[a.rag] : 3) - (b.rag ? RAG_ORDER[b.rag] : 3) || byDue(a, b),
};

/** The triage queue (MASH social workers and managers), live through `referralChanged`. */
export function QueueView({ me }: { me: Me }) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<string>('');
  const [now, setNow] = useState(Date.now());
  const [rag, setRag] = useState<Rag | ''>('');
  const [breachedOnly, setBreachedOnly] = useState(false);
  const [unassignedOnly, setUnassignedOnly] = useState(false);
  const [sort, setSort] = useState<Sort>('due');

  useEffect(() => {
    let stopped = false;
    request(Queue, { purpose: 'TRIAGE', filter: { status: OPEN }, first: PAGE }).then(
      ({ data }) => {
        if (stopped) return;
        setRows(data.referrals.edges.map((e) => e.node));
        setMore(data.referrals.pageInfo.hasNextPage);
      },
      (e: Error) => !stopped && setError(e.message),
    );
    // A change on another desk: replace the row, add it, or drop it once it leaves the queue.
    const unsubscribe = subscribe(
      QueueChanges,
      { purpose: 'TRIAGE' },
      ({ referralChanged: changed }) => {
        if (!changed?.id) return;
        setRows((current) => {
          // A resumed subscription may replay a change already shown (ADR 022): keep the higher version.
          const shown = (current ?? []).find((r) => r.id === changed.id);
          if (shown?.version != null && changed.version != null && shown.version > changed.version) return current;
          const rest = (current ?? []).filter((r) => r.id !== changed.id);
          return changed.status && OPEN.includes(changed.status) ? [...rest, changed] : rest;
        });
        setLive(
          `${changed.reference ?? 'A referral'} was updated (${words(changed.status)}) at ${dateTime(new Date().toISOString())}`,
        );
      },
      (message) => setError(message),
      { resume: true },
    );
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    return () => {
      stopped = true;
      unsubscribe();
      clearInterval(tick);
    };
  }, []);

  const counts = useMemo(() => {
    const all = rows ?? [];
    return {
      total: all.length,
      RED: all.filter((r) => r.rag === 'RED').length,
      AMBER: all.filter((r) => r.rag === 'AMBER').length,
      GREEN: all.filter((r) => r.rag === 'GREEN').length,
      unrated: all.filter((r) => !r.rag).length,
      breached: all.filter((r) => r.breached).length,
      waiting: all.filter((r) => r.waitingOn?.length).length,
      unassigned: all.filter((r) => !r.assignedToSub).length,
    };
  }, [rows]);

  const shown = useMemo(
    () =>
      (rows ?? [])
        .filter(
          (r) => (!rag || r.rag === rag) && (!breachedOnly || r.breached) && (!unassignedOnly || !r.assignedToSub),
        )
        .sort(SORTS[sort]),
    [rows, rag, breachedOnly, unassignedOnly, sort],
  );

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Triage queue</h1>
      <p class="hint">
        Open referrals for {me.agency}, purpose of use: triage.{' '}
        {more && `Showing the first ${PAGE}, ordered by decision due time.`}
      </p>
      <ErrorMessage message={error} />
      <p class="live" aria-live="polite" data-testid="live-status">
        {live}
      </p>
      {rows === null && !error && <p>Loading…</p>}
      {rows && (
        <>
          <dl class="counts" aria-label="Queue counts">
            <div class="count rag-red">
              <dt>Red</dt>
              <dd data-testid="count-red">{counts.RED}</dd>
            </div>
            <div class="count rag-amber">
              <dt>Amber</dt>
              <dd data-testid="count-amber">{counts.AMBER}</dd>
            </div>
            <div class="count rag-green">
              <dt>Green</dt>
              <dd data-testid="count-green">{counts.GREEN}</dd>
            </div>
            <div class="count">
              <dt>Not yet rated</dt>
              <dd>{counts.unrated}</dd>
            </div>
            <div class="count breach">
              <dt>Breached</dt>
              <dd data-testid="count-breached">{counts.breached}</dd>
            </div>
            <div class="count">
              <dt>Waiting on agencies</dt>
              <dd>{counts.waiting}</dd>
            </div>
            <div class="count">
              <dt>Unassigned</dt>
              <dd data-testid="count-unassigned">{counts.unassigned}</dd>
            </div>
            <div class="count">
              <dt>Open</dt>
              <dd data-testid="count-total">{counts.total}</dd>
            </div>
          </dl>
          <form class="filters" aria-label="Filter and sort the queue" onSubmit={(e) => e.preventDefault()}>
            <label>
              RAG
              <select value={rag} onChange={(e) => setRag((e.currentTarget as HTMLSelectElement).value as Rag | '')}>
                <option value="">Any</option>
                <option value="RED">Red</option>
                <option value="AMBER">Amber</option>
                <option value="GREEN">Green</option>
              </select>
            </label>
            <label>
              <input
                type="checkbox"
                checked={breachedOnly}
                onChange={(e) => setBreachedOnly((e.currentTarget as HTMLInputElement).checked)}
              />
              Breached only
            </label>
            <label>
              <input
                type="checkbox"
                checked={unassignedOnly}
                onChange={(e) => setUnassignedOnly((e.currentTarget as HTMLInputElement).checked)}
              />
              Unassigned only
            </label>
            <label>
              Sort by
              <select value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value as Sort)}>
                <option value="due">Decision due</option>
                <option value="received">Received</option>
                <option value="rag">RAG</option>
              </select>
            </label>
          </form>
          <table class="queue">
            <caption>
              {shown.length} of {counts.total} open referrals
            </caption>
            <thead>
              <tr>
                <th scope="col">Reference</th>
                <th scope="col">RAG</th>
                <th scope="col">Status</th>
                <th scope="col">Decision due</th>
                <th scope="col">Time left</th>
                <th scope="col">Waiting on</th>
                <th scope="col">Assignee</th>
                <th scope="col">Concerns</th>
                <th scope="col">Children</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id} data-testid="queue-row" class={r.breached ? 'breached' : undefined}>
                  <th scope="row">
                    <a href={`#/referral/${r.id}`}>{r.reference}</a>
                  </th>
                  <td>
                    <span class={`rag rag-${(r.rag ?? 'none').toLowerCase()}`}>
                      {r.rag ? words(r.rag) : 'not rated'}
                    </span>
                  </td>
                  <td>{words(r.status)}</td>
                  <td>{dateTime(r.decisionDueAt)}</td>
                  <td>
                    {timeLeft(r.decisionDueAt, now)}
                    {r.breached && <strong class="breach-flag"> Breached</strong>}
                  </td>
                  <td>{r.waitingOn?.length ? r.waitingOn.join(', ') : '—'}</td>
                  <td>{r.assignedToName ?? <em>unassigned</em>}</td>
                  <td>{(r.concernCategories ?? []).map(words).join(', ')}</td>
                  <td>
                    <ul class="plain">
                      {(r.subjects ?? []).map((s) =>
                        s.id ? (
                          <li key={s.id}>
                            <PersonLink person={s} />
                          </li>
                        ) : null,
                      )}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
