import type { DataSource } from 'typeorm';
import type { Logger } from '../shared/logger';
import type { AuditEvent } from './audit-event';
import { indexPendingDisclosures, peopleNamed, sealAuditBatch } from './audit-store';

/** The largest `integer` PostgreSQL takes: no batch names more people. */
const ALWAYS_INLINE = 2_147_483_647;

interface Pending {
  event: AuditEvent;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: events of concurrent requests are sealed together in one transaction, and each
 * request waits for the commit of the batch holding its event before its response leaves. A failed
 * write rejects every waiting request, which then fails closed (AUDIT_UNAVAILABLE).
 *
 * A batch naming more people than `inlineDisclosureRows` (AUDIT_INLINE_DISCLOSURE_ROWS) gets its
 * by-person rows after its commit: written in the background, on another connection, while the next
 * batch is sealed (ADR 002). One deferred batch at a time: while it is being indexed, batches are
 * sealed with their rows. Readers of those rows catch up first (`indexPendingDisclosures` with
 * `wait`); a failed or interrupted index leaves the batches listed for the next call, from this
 * process or any other.
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private indexing: Promise<void> | null = null;
  private closed = false;
  /** Counts for /metrics and the benchmark's reconciliation. */
  readonly stats = { events: 0, batches: 0, deferred: 0, failures: 0, indexFailures: 0 };

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly maxEventsPerBatch: number,
    private readonly inlineDisclosureRows: number,
  ) {}

  write(event: AuditEvent): Promise<void> {
    if (this.closed) return Promise.reject(new Error('audit writer is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      if (this.queue.length) this.kick();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxEventsPerBatch);
      try {
        const events = batch.map((p) => p.event);
        // Backpressure: while a deferred batch is still being indexed, the next one carries its own
        // rows, so deferred work never piles up behind a writer that seals faster than it indexes.
        const inlineMax = this.indexing ? ALWAYS_INLINE : this.inlineDisclosureRows;
        await sealAuditBatch(this.dataSource.manager, events, inlineMax);
        this.stats.events += batch.length;
        this.stats.batches += 1;
        for (const p of batch) p.resolve();
        if (peopleNamed(events) > inlineMax) {
          this.stats.deferred += 1;
          this.indexSoon();
        }
      } catch (e) {
        this.stats.failures += 1;
        this.logger.error({ err: { message: (e as Error).message }, events: batch.length }, 'audit write failed');
        for (const p of batch) p.reject(e);
      }
    }
  }

  /** Writes the rows of the batch just listed (and of any other process's still listed). */
  private indexSoon(): void {
    this.indexing = indexPendingDisclosures(this.dataSource, { wait: false })
      .then(
        () => undefined,
        (e: unknown) => {
          // The batch stays listed: the next deferred batch's run, or any reader's catch-up, writes it.
          this.stats.indexFailures += 1;
          this.logger.warn({ err: { message: (e as Error).message } }, 'audit disclosure index deferred');
        },
      )
      .finally(() => {
        this.indexing = null;
      });
  }

  /** Waits until every queued event is sealed and indexed; used by graceful shutdown. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.indexing) await (this.flushing ?? this.indexing);
  }
}
