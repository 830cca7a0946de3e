import { useEffect, useState } from 'preact/hooks';
import { request } from '../api.js';
import { dateTime, words } from '../format.js';
import {
  BreakGlassReviewOutcomeValues,
  BreakGlassReviews,
  ReviewBreakGlass,
  type BreakGlassReviewOutcome,
  type BreakGlassReviewStatus,
  type BreakGlassReviewsResult,
} from '../generated/operations.js';
import { ErrorMessage } from './common.js';

type Use = BreakGlassReviewsResult['breakGlassReviews']['edges'][number]['node'];

/**
 * IG: every break-glass is reviewed once, with an outcome and a note (final). The queue shows who
 * broke the glass on which person id and why; the reviewer opens the access log for the detail.
 */
export function ReviewsView() {
  const [status, setStatus] = useState<BreakGlassReviewStatus>('OPEN');
  const [uses, setUses] = useState<Use[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let stopped = false;
    setUses(null);
    request(BreakGlassReviews, { status, first: 50 }).then(
      ({ data }) => !stopped && setUses(data.breakGlassReviews.edges.map((e) => e.node)),
      (e: Error) => !stopped && setError(e.message),
    );
    return () => {
      stopped = true;
    };
  }, [status, reloads]);

  async function review(id: string, outcome: BreakGlassReviewOutcome, note: string) {
    setError(null);
    try {
      await request(ReviewBreakGlass, { id, outcome, note });
      setDone(`Reviewed: ${words(outcome)}.`);
      setReloads((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
      // Someone else may have reviewed it meanwhile: show the queue as it is now.
      setReloads((n) => n + 1);
    }
  }

  return (
    <section aria-labelledby="reviews-title">
      <h1 id="reviews-title">Break-glass reviews</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="reviews-status">Show</label>
        <select
          id="reviews-status"
          value={status}
          onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as BreakGlassReviewStatus)}
        >
          <option value="OPEN">Awaiting review</option>
          <option value="REVIEWED">Reviewed</option>
        </select>
      </form>
      <p class="live" role="status">
        {done}
      </p>
      <ErrorMessage message={error} />
      {uses === null && !error && <p>Loading…</p>}
      {uses && !uses.length && <p>{status === 'OPEN' ? 'Nothing awaits review.' : 'No reviews yet.'}</p>}
      {uses?.map((u) => (
        <article key={u.id} class="check" data-testid="break-glass" aria-labelledby={`bg-${u.id}`}>
          <h2 id={`bg-${u.id}`}>
            {u.actorName ?? u.actorSub} ({u.actorAgency}) · {dateTime(u.openedAt)}
          </h2>
          <dl class="fields">
            <div>
              <dt>Person id</dt>
              <dd>
                <code>{u.personId}</code>
              </dd>
            </div>
            <div>
              <dt>Actor (user id)</dt>
              <dd>
                <code>{u.actorSub}</code>
              </dd>
            </div>
            <div>
              <dt>Open until</dt>
              <dd>{dateTime(u.expiresAt)}</dd>
            </div>
            <div>
              <dt>Reason given</dt>
              <dd class="narrative">{u.reason ?? 'withheld'}</dd>
            </div>
            {u.reviewOutcome && (
              <div>
                <dt>Review</dt>
                <dd>
                  {words(u.reviewOutcome)} by {u.reviewedBy ?? '—'} at {dateTime(u.reviewedAt)}: {u.reviewNote}
                </dd>
              </div>
            )}
          </dl>
          {!u.reviewOutcome && u.id && (
            <ReviewForm id={u.id} onReview={(outcome, note) => review(u.id!, outcome, note)} />
          )}
        </article>
      ))}
    </section>
  );
}

function ReviewForm({
  id,
  onReview,
}: {
  id: string;
  onReview: (outcome: BreakGlassReviewOutcome, note: string) => Promise<void>;
}) {
  const [outcome, setOutcome] = useState<BreakGlassReviewOutcome>('JUSTIFIED');
  const [note, setNote] = useState('');
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void onReview(outcome, note.trim());
      }}
    >
      <label for={`review-outcome-${id}`}>Outcome</label>
      <select
        id={`review-outcome-${id}`}
        value={outcome}
        onChange={(e) => setOutcome((e.currentTarget as HTMLSelectElement).value as BreakGlassReviewOutcome)}
      >
        {BreakGlassReviewOutcomeValues.map((o) => (
          <option key={o} value={o}>
            {words(o)}
          </option>
        ))}
      </select>
      <label for={`review-note-${id}`}>Review note (final)</label>
      <textarea
        id={`review-note-${id}`}
        rows={2}
        required
        value={note}
        onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <button type="submit" disabled={!note.trim()}>
        Record review
      </button>
    </form>
  );
}
