import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from './context';
import { createRequestContext, inContext } from './context-factory';
import { badInput } from '../shared/errors';

/**
 * A subscription lives for hours but each pushed event is its own disclosure: it gets its own
 * RequestContext (fresh RequestAccess, repositories and loaders, request id `<subscription>.<n>`),
 * so what one event released is audited with that event and no cache outlives it.
 */

const EVENT_CONTEXT: unique symbol = Symbol('mash.eventContext');
const sequence = new WeakMap<RequestContext, number>();

/** A fresh per-event context for the same viewer and operation as the subscription's. */
export function forkForEvent(subscription: RequestContext): RequestContext {
  const n = (sequence.get(subscription) ?? 0) + 1;
  sequence.set(subscription, n);
  const requestId = `${subscription.requestId}.${n}`;
  return createRequestContext(subscription.hub, {
    viewer: subscription.viewer,
    partnership: subscription.partnership,
    requestId,
    operation: subscription.operation,
    access: subscription.access.fresh(),
    ...(subscription.network ? { network: subscription.network } : {}),
  });
}

/** Marks a source event with the context its selection set must be executed in. */
export function withEventContext<T extends object>(event: T, ctx: RequestContext): T {
  Object.defineProperty(event, EVENT_CONTEXT, { value: ctx, enumerable: false });
  return event;
}

export function eventContextOf(event: unknown): RequestContext | undefined {
  return typeof event === 'object' && event !== null
    ? (event as { [EVENT_CONTEXT]?: RequestContext })[EVENT_CONTEXT]
    : undefined;
}

/** One subscription's change stream: which events it takes, how each is re-read, what it delivers. */
export interface ChangeStreamSpec<V, E extends object> {
  /** The event topic on the hub's channel (`referral`, `meeting`, `alert`). */
  topic: string;
  /** The id the event names, or undefined to skip it (a malformed payload, a filter on the payload). */
  idOf(payload: Record<string, unknown>): string | undefined;
  /** Declared on each event's context before the re-read (the subscription's own purpose). */
  purpose?: Purpose;
  /** The object re-read through the subscriber's own scope in the event's context; null: out of scope. */
  read(eventCtx: RequestContext, id: string): Promise<V | null>;
  /** Whether the re-read object is delivered (filters on what the subscriber may read). */
  keep?(eventCtx: RequestContext, value: V): boolean;
  /** The source event handed to the subscription's resolver. */
  wrap(value: V): E;
  /** Logged (no ids, no personal data) when the re-read fails: "<what> could not be read". */
  what: string;
}

/**
 * The one skeleton of a subscription's change stream (ADR 011): events carry ids only; each is
 * re-read through the subscriber's own scope in a fresh per-event context (its own access state
 * and audit), and delivered only if found and kept. A failed re-read (e.g. the database away) skips
 * the event without ending the subscription; the next event re-reads.
 */
export function changeStream<V, E extends object>(
  ctx: RequestContext,
  spec: ChangeStreamSpec<V, E>,
): AsyncIterableIterator<E> {
  return deliver(ctx, spec, liveIds(ctx, spec));
}

/**
 * A change stream that first replays the ids `replay` finds (a subscriber resuming after its
 * connection was lost: another hub process died, the load balancer moved it), then goes on live.
 * Listening starts before the replay is read, so a change committed meanwhile is not lost; it may
 * arrive twice (replayed and live), which subscribers tell apart by version. Each replayed id is
 * re-read and audited like a live event. A failed replay fails the subscription (the client retries).
 */
export async function resumedChangeStream<V, E extends object>(
  ctx: RequestContext,
  spec: ChangeStreamSpec<V, E>,
  replay: () => Promise<string[]>,
): Promise<AsyncIterableIterator<E>> {
  const live = liveIds(ctx, spec);
  let replayed: string[];
  try {
    replayed = await replay();
  } catch (e) {
    await live.return?.();
    throw e;
  }
  const ids: AsyncIterableIterator<string> = {
    next: () => (replayed.length ? Promise.resolve({ value: replayed.shift()!, done: false }) : live.next()),
    return: () => ((replayed = []), live.return!()),
    throw: (error: unknown) => ((replayed = []), live.throw!(error)),
    [Symbol.asyncIterator]: () => ids,
  };
  return deliver(ctx, spec, ids);
}

/**
 * How far before `since` a resumed subscription replays from. A change's time is its transaction's
 * start (`now()`), so a change that started before the subscriber's last moment but committed after
 * it carries an earlier time; and the subscriber's clock may be a little off (ADR 022).
 */
export const REPLAY_OVERLAP_MS = 60_000;
/** How far back a resumed subscription may start: longer away, re-read the screen instead. */
export const REPLAY_WINDOW_MS = 24 * 60 * 60_000;
/** At most this many changes are replayed; more is refused (not cut short): re-read the screen instead. */
export const REPLAY_MAX = 500;

/**
 * A change stream that resumes from `since` when given (ADR 022): the ids `changedSince` finds in
 * the subscriber's scope from REPLAY_OVERLAP_MS before it are replayed first, then the stream goes on
 * live. Refused, never cut short, beyond REPLAY_WINDOW_MS or REPLAY_MAX changes; `what` is the screen
 * the client re-reads instead ("the queue", "your meetings").
 */
export function resumableChangeStream<V, E extends object>(
  ctx: RequestContext,
  spec: ChangeStreamSpec<V, E>,
  since: Date | null,
  changedSince: (from: Date, limit: number) => Promise<string[]>,
  screen: string,
): AsyncIterableIterator<E> | Promise<AsyncIterableIterator<E>> {
  if (!since) return changeStream(ctx, spec);
  if (Date.now() - since.getTime() > REPLAY_WINDOW_MS)
    throw badInput('since', `is more than 24 hours ago: re-read ${screen}, then subscribe without it`);
  return resumedChangeStream(ctx, spec, async () => {
    const ids = await changedSince(new Date(since.getTime() - REPLAY_OVERLAP_MS), REPLAY_MAX + 1);
    if (ids.length > REPLAY_MAX)
      throw badInput(
        'since',
        `more than ${REPLAY_MAX} changes to replay: re-read ${screen}, then subscribe without it`,
      );
    return ids;
  });
}

function liveIds<V, E extends object>(
  ctx: RequestContext,
  spec: ChangeStreamSpec<V, E>,
): AsyncIterableIterator<string> {
  return filterMapAsync(ctx.hub.events.stream(spec.topic), async (event) => spec.idOf(event.payload));
}

function deliver<V, E extends object>(
  ctx: RequestContext,
  spec: ChangeStreamSpec<V, E>,
  ids: AsyncIterator<string>,
): AsyncIterableIterator<E> {
  return filterMapAsync(ids, async (id) => {
    const eventCtx = forkForEvent(ctx);
    if (spec.purpose) eventCtx.access.declarePurpose(spec.purpose);
    let value: V | null;
    try {
      value = await inContext(eventCtx, () => spec.read(eventCtx, id));
    } catch (e) {
      eventCtx.logger.warn({ err: { message: (e as Error).message } }, `${spec.what} could not be read`);
      return undefined;
    }
    if (value === null || (spec.keep && !spec.keep(eventCtx, value))) return undefined;
    return withEventContext<E>(spec.wrap(value), eventCtx);
  });
}

/** Filters and maps an async iterator; `return()` reaches the source at once, even mid-`next()`. */
export function filterMapAsync<T, U>(
  source: AsyncIterator<T>,
  fn: (value: T) => Promise<U | undefined>,
): AsyncIterableIterator<U> {
  const iterator: AsyncIterableIterator<U> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return { value: undefined, done: true };
        const mapped = await fn(r.value);
        if (mapped !== undefined) return { value: mapped, done: false };
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
