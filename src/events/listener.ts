import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import type { Logger } from '../shared/logger';
import { EVENTS_CHANNEL, type HubEvent } from './notify';

/**
 * One dedicated connection per hub process doing `LISTEN mash_events`; events are fanned out to
 * in-process subscribers by topic. PostgreSQL restarting must never take the hub down: the
 * connection is re-opened with capped exponential backoff (with jitter), and every failure is
 * logged, never thrown. Events published while the connection is down are missed (NOTIFY is not
 * durable); subscribers re-read state on the next event.
 */

export interface ListenerOptions {
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Events buffered per slow subscriber before the oldest are dropped. */
  maxBuffered?: number;
}

const CLOSE = Symbol('close');

export class HubEventListener {
  private readonly emitter = new EventEmitter();
  private client: Client | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private connectedOnce: Promise<void>;
  private markAttempted!: () => void;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxBuffered: number;
  /** Counts for metrics and tests. */
  readonly stats = { connects: 0, disconnects: 0, received: 0, malformed: 0, dropped: 0 };

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    options: ListenerOptions = {},
  ) {
    this.minBackoffMs = options.minBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxBuffered = options.maxBuffered ?? 1000;
    // Every subscription is one listener on its topic; many dashboards are normal, not a leak.
    this.emitter.setMaxListeners(0);
    this.connectedOnce = new Promise((resolve) => (this.markAttempted = resolve));
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /** Starts listening; resolves after the first connection attempt, whether it worked or not. */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.connectedOnce;
  }

  /** Stops listening and ends every open stream (their subscriptions complete). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
    await this.loop;
    this.emitter.emit(CLOSE);
  }

  subscriberCount(topic: string): number {
    return this.emitter.listenerCount(topic);
  }

  /**
   * The events of one topic as an async iterator. `return()` unsubscribes at once, even while a
   * `next()` is pending (which then resolves done), so a closed subscription never lingers.
   */
  stream(topic: string): AsyncIterableIterator<HubEvent> {
    const buffered: HubEvent[] = [];
    let waiting: ((r: IteratorResult<HubEvent>) => void) | null = null;
    let done = this.stopped;
    const onEvent = (event: HubEvent) => {
      if (waiting) {
        const w = waiting;
        waiting = null;
        w({ value: event, done: false });
        return;
      }
      buffered.push(event);
      if (buffered.length > this.maxBuffered) {
        buffered.shift();
        this.stats.dropped += 1;
        this.logger.warn({ topic }, 'slow subscriber: oldest event dropped');
      }
    };
    const finish = () => {
      if (done) return;
      done = true;
      this.emitter.off(topic, onEvent);
      this.emitter.off(CLOSE, finish);
      buffered.length = 0;
      if (waiting) {
        const w = waiting;
        waiting = null;
        w({ value: undefined, done: true });
      }
    };
    if (!done) {
      this.emitter.on(topic, onEvent);
      this.emitter.on(CLOSE, finish);
    }
    const iterator: AsyncIterableIterator<HubEvent> = {
      next: () => {
        const event = buffered.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: () => {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private dispatch(raw: string | undefined): void {
    this.stats.received += 1;
    let event: unknown;
    try {
      event = JSON.parse(raw ?? '');
    } catch {
      event = null;
    }
    const e = event as Partial<HubEvent> | null;
    if (!e || typeof e.topic !== 'string' || typeof e.payload !== 'object' || e.payload === null) {
      this.stats.malformed += 1;
      // The payload is not logged: it is not ours to trust, and could carry anything.
      this.logger.warn({ channel: EVENTS_CHANNEL }, 'malformed event ignored');
      return;
    }
    this.emitter.emit(e.topic, { topic: e.topic, payload: e.payload } as HubEvent);
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const client = new Client({
        connectionString: this.url,
        application_name: 'mash-hub-events',
        connectionTimeoutMillis: 5000,
        keepAlive: true,
      });
      // Without an `error` handler, a connection dropped by a PostgreSQL restart crashes the process.
      let lost!: () => void;
      const ended = new Promise<void>((resolve) => (lost = resolve));
      client.on('error', (err) => {
        this.logger.warn({ err: { message: err.message } }, 'event listener connection error');
        lost();
      });
      client.on('end', () => lost());
      client.on('notification', (msg) => {
        if (msg.channel === EVENTS_CHANNEL) this.dispatch(msg.payload);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${EVENTS_CHANNEL}`);
        if (this.stopped) {
          await client.end().catch(() => undefined);
          break;
        }
        this.client = client;
        this.stats.connects += 1;
        if (attempt > 0) this.logger.info({ attempt }, 'event listener reconnected');
        attempt = 0;
        this.markAttempted();
        await ended;
        if (this.client === client) this.client = null;
        if (this.stopped) break;
        this.stats.disconnects += 1;
        this.logger.warn('event listener disconnected; reconnecting');
        await client.end().catch(() => undefined);
      } catch (e) {
        this.markAttempted();
        await client.end().catch(() => undefined);
        if (this.stopped) break;
        this.logger.warn(
          { err: { message: (e as Error).message }, attempt },
          'event listener could not connect; retrying',
        );
      }
      const backoff = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.min(attempt, 16));
      attempt += 1;
      await this.sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
