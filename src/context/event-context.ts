import type { RequestContext } from './context';
import { createRequestContext } from './context-factory';

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
    requestId,
    operation: subscription.operation,
    enforce: subscription.access.enforcing,
  });
}

/** Marks a source event with the context its selection set must be executed in. */
export function withEventContext<T extends object>(event: T, ctx: RequestContext): T {
  Object.defineProperty(event, EVENT_CONTEXT, { value: ctx, enumerable: false });
  return event;
}

export function eventContextOf(event: unknown): RequestContext | undefined {
  return typeof event === 'object' && event !== null ? (event as { [EVENT_CONTEXT]?: RequestContext })[EVENT_CONTEXT] : undefined;
}

/** Filters and maps an async iterator; `return()` reaches the source at once, even mid-`next()`. */
export function filterMapAsync<T, U>(source: AsyncIterator<T>, fn: (value: T) => Promise<U | undefined>): AsyncIterableIterator<U> {
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
