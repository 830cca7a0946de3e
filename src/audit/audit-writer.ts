import type { DataSource } from 'typeorm';
import type { Logger } from '../shared/logger';
import type { AuditEvent } from './audit-event';
import { appendAuditBatch, flushAuditWal } from './audit-store';
import { inPartnership, withScopeHolder } from '../db/partnership-scope';

interface Chain {
  queue: Pending[];
  flushing: Promise<void> | null;
}

interface Pending {
  event: AuditEvent;
  resolve: () => void;
  reject: (e: unknown) => void;
  /** The writer's trace context, when traces are on (AuditBatchTracer.capture). */
  caller?: unknown;
}

/** Set by the OpenTelemetry tracing (src/telemetry/tracing.ts): one span around each batch's append. */
export interface AuditBatchTracer {
  /** Called as an event is queued, in the writing request's context. */
  capture(): unknown;
  append(batch: { events: number; callers: unknown[] }, run: () => Promise<void>): Promise<void>;
}

/**
 * Group commit: events of concurrent requests are written together in one transaction, and each
 * request waits for the commit of the batch holding its event before its response leaves. A failed
 * write rejects every waiting request, which then fails closed (AUDIT_UNAVAILABLE). Each partnership
 * has its own queue and chain (ADR 016): one partnership's append never waits for another's.
 *
 * Under load a batch commits without waiting for the WAL flush (synchronous_commit off for its
 * transaction only), so the chain lock is released at once and the next batch can chain on while
 * this one is flushed; its requests are released only after a flush barrier started after its
 * commit has returned (flushAuditWal). At rest the flush stays in the commit (one round trip).
 * WAL is written and flushed in order: a crash before the flush loses this batch and every later
 * one chained on it together, and none of their responses has left. One barrier serves every batch
 * (of every partnership) committed before it started (ADR 037).
 */
export class AuditWriter {
  private readonly chains = new Map<string, Chain>();
  private closed = false;
  /** Counts behind the Prometheus audit counters (telemetry/hub-metrics.ts) and the benchmark's reconciliation (bench/serve.ts). */
  readonly stats = { events: 0, batches: 0, failures: 0, flushes: 0 };
  /** The flush barrier under way, and the one queued to start after it (for batches committed meanwhile). */
  private barrier: Promise<void> | null = null;
  private nextBarrier: Promise<void> | null = null;
  /** Batches committed and waiting for their flush (drain waits for them). */
  private readonly awaitingFlush = new Set<Promise<void>>();
  /** Set by the Prometheus metrics (src/telemetry): each batch's size, append time and outcome. */
  onBatch: ((batch: { events: number; seconds: number; ok: boolean }) => void) | null = null;
  tracer: AuditBatchTracer | null = null;

  /** Events waiting for the next batch (not counting the batches being written), over every partnership. */
  get queueDepth(): number {
    let n = 0;
    for (const c of this.chains.values()) n += c.queue.length;
    return n;
  }

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly maxEventsPerBatch = 2000,
    /**
     * Off: every batch keeps the WAL flush in its commit, as before ADR 037 (the benchmark's B5SYNC,
     * to measure the design in the whole hub). The hub always runs with it on.
     */
    private readonly deferFlushWhenBusy = true,
  ) {}

  write(event: AuditEvent): Promise<void> {
    if (this.closed) return Promise.reject(new Error('audit writer is closed'));
    // An event naming no partnership has no chain: refused, and its request fails closed.
    if (!event.partnership) return Promise.reject(new Error('audit event names no partnership'));
    const partnership = event.partnership;
    let chain = this.chains.get(partnership);
    if (!chain) this.chains.set(partnership, (chain = { queue: [], flushing: null }));
    return new Promise<void>((resolve, reject) => {
      chain.queue.push({ event, resolve, reject, caller: this.tracer?.capture() });
      this.kick(partnership, chain);
    });
  }

  private kick(partnership: string, chain: Chain): void {
    if (chain.flushing) return;
    chain.flushing = this.flushLoop(partnership, chain).finally(() => {
      chain.flushing = null;
      if (chain.queue.length) this.kick(partnership, chain);
      else if (this.chains.get(partnership) === chain) this.chains.delete(partnership);
    });
  }

  /**
   * A writer at rest (nothing awaiting a flush, the loop just woken) appends with the flush in the
   * commit: one round trip, as cheap as it gets when nothing else waits. Once busy (events queued
   * during an append, or batches awaiting a flush) it defers the flush, so the chain lock is held
   * for the append alone and the flushes overlap the next appends.
   */
  private async flushLoop(partnership: string, chain: Chain): Promise<void> {
    let busy = this.awaitingFlush.size > 0;
    while (chain.queue.length) {
      await this.appendBatch(
        partnership,
        chain.queue.splice(0, this.maxEventsPerBatch),
        busy && this.deferFlushWhenBusy,
      );
      busy = true;
    }
  }

  private async appendBatch(partnership: string, batch: Pending[], deferFlush: boolean): Promise<void> {
    const started = process.hrtime.bigint();
    const observe = (ok: boolean) =>
      this.onBatch?.({ events: batch.length, seconds: Number(process.hrtime.bigint() - started) / 1e9, ok });
    const fail = (e: unknown) => {
      this.stats.failures += 1;
      observe(false);
      this.logger.error({ err: { message: (e as Error).message }, events: batch.length }, 'audit write failed');
      for (const p of batch) p.reject(e);
    };
    try {
      const scope = { partnership, actor: 'system:audit-writer', requestId: batch[0]!.event.requestId };
      // One statement (mash_audit_append_events: lock the chain, link, insert) outside a transaction:
      // the scope's settings travel with it and it commits at the end of its one round trip
      // (src/db/partnership-scope.ts), with the WAL flush in that commit or, when deferFlush,
      // without it, so the chain lock is held for the append alone (issue 21, ADR 037).
      const append = () =>
        inPartnership(
          scope,
          async () =>
            void (await appendAuditBatch(
              this.dataSource.manager,
              batch.map((p) => p.event),
              { deferFlush },
            )),
        );
      await (this.tracer
        ? this.tracer.append({ events: batch.length, callers: batch.map((p) => p.caller) }, append)
        : append());
    } catch (e) {
      fail(e);
      return;
    }
    const release = () => {
      this.stats.events += batch.length;
      this.stats.batches += 1;
      observe(true);
      for (const p of batch) p.resolve();
    };
    if (!deferFlush) return release();
    // Committed and chained, not yet known durable: the responses wait for the flush, this loop does not.
    const flushed = this.walFlushed().then(release, fail);
    this.awaitingFlush.add(flushed);
    void flushed.finally(() => this.awaitingFlush.delete(flushed));
  }

  /**
   * Resolves once a flush barrier that started after this call has returned. A barrier already
   * under way may have written its record before the caller's commit, so it does not count: the
   * caller waits for the next one, which every batch committed meanwhile shares.
   */
  private walFlushed(): Promise<void> {
    if (!this.barrier) return (this.barrier = this.runBarrier());
    return (this.nextBarrier ??= this.barrier
      .catch(() => undefined)
      .then(() => {
        this.nextBarrier = null;
        return (this.barrier = this.runBarrier());
      }));
  }

  private runBarrier(): Promise<void> {
    // Outside any request's scope: the barrier touches no tenant table.
    const barrier: Promise<void> = withScopeHolder(() => flushAuditWal(this.dataSource.manager)).then(() => {
      this.stats.flushes += 1;
    });
    void barrier
      .finally(() => {
        if (this.barrier === barrier) this.barrier = null;
      })
      .catch(() => undefined);
    return barrier;
  }

  /** Waits until every queued event is written; used by graceful shutdown. */
  async drain(): Promise<void> {
    this.closed = true;
    for (;;) {
      const flushing = [...this.chains.values()].map((c) => c.flushing).filter((f): f is Promise<void> => f !== null);
      flushing.push(...this.awaitingFlush);
      if (flushing.length === 0) return;
      await Promise.all(flushing);
    }
  }
}
