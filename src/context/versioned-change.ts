import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { Role } from '../access-policy/vocabulary';
import { changeEvent } from '../audit/audit-builder';
import type { AuditChange } from '../audit/audit-event';
import { appendAuditBatch } from '../audit/audit-store';
import { lockVersionedRow, updateVersionedRow, type VersionedRow, type VersionedTable } from '../db/versioned-row';
import { notifyEvent } from '../events/notify';
import { conflict, notFound } from '../shared/errors';
import { assertUuid, parseInput } from '../shared/validation';
import type { RequestContext } from './context';
import type { DataSet } from './data-set';

/** What a change's own work adds to the versioned update. */
export interface VersionedWork {
  /** Columns to set on the row (besides status, version and updated_at). */
  set: Record<string, unknown>;
  /** Further audit entries (checks, invitees, decisions …). */
  changes?: AuditChange[];
}

/** One kind of versioned row: how it is found in scope, its state machine, how it is announced. */
export interface VersionedKind<Row extends VersionedRow, Status extends string, T extends string> {
  table: VersionedTable & string;
  /** The noun in NOT_FOUND and CONFLICT messages ("Referral", "Meeting"). */
  noun: string;
  /** The event topic, and the payload key that carries the id (`referralId`, `meetingId`). */
  topic: string;
  idKey: string;
  /** The row as the viewer may reach it (null: out of scope, NOT_FOUND), with the people it is about. */
  findVisible(data: DataSet, id: string): Promise<{ subjectPersonIds: readonly string[] } | null>;
  /** The state machine: the status a transition leads to for these roles (or throws FORBIDDEN / INVALID_TRANSITION). */
  apply(status: Status, transition: T, roles: readonly Role[]): Status | 'DERIVED';
  /** Recorded after the update, in the same transaction (e.g. the referral's status history). */
  afterUpdate?(
    tx: DataSet,
    change: { row: Row; transition: T; to: Status; version: number; work: VersionedWork },
  ): Promise<void>;
}

const versionSchema = z.number().int().min(1);

/**
 * The one path by which a versioned row changes (ADR 011): scope check (out of scope is NOT_FOUND),
 * then in one transaction: the row loaded under lock (`FOR UPDATE`), the expected version checked
 * (stale → CONFLICT with the current version), the state machine, the change's own work, the
 * update with the version moved on, the audit event, and the event published (delivered on commit).
 * The work gets the viewer's repositories bound to the transaction (`tx`); the manager `m` is only for
 * the audit store and events.
 */
export async function changeVersioned<
  Row extends VersionedRow,
  Status extends string,
  T extends string,
  W extends VersionedWork,
>(
  ctx: RequestContext,
  kind: VersionedKind<Row, Status, T>,
  id: string,
  expectedVersion: number,
  transition: T | ((status: Status) => T),
  work: (tx: DataSet, row: Row, to: Status, m: EntityManager) => Promise<W>,
  deriveTarget?: (tx: DataSet, row: Row) => Promise<Status>,
): Promise<string> {
  assertUuid('id', id);
  parseInput(versionSchema, expectedVersion, 'expectedVersion');
  // Out of scope is refused before any lock is taken on the row.
  if (!(await kind.findVisible(ctx.data, id))) throw notFound(kind.noun);
  return ctx.data.transaction(async (tx, m) => {
    const row = await lockVersionedRow<Row>(m, kind.table, id);
    if (!row) throw notFound(kind.noun);
    // Scope again, inside the transaction and after the lock: the change and its audit subjects are
    // those of the row as it is now, not as it was before the lock.
    const visible = await kind.findVisible(tx, id);
    if (!visible) throw notFound(kind.noun);
    if (row.version !== expectedVersion) {
      throw conflict(
        `The ${kind.noun.toLowerCase()} has changed since you read it (current version ${row.version}); reload and try again`,
        {
          currentVersion: row.version,
        },
      );
    }
    const status = row.status as Status;
    const name = typeof transition === 'function' ? transition(status) : transition;
    const target = kind.apply(status, name, ctx.viewer.roles as Role[]);
    const to = target === 'DERIVED' ? await deriveTarget!(tx, row) : target;
    const done = await work(tx, row, to, m);
    const set = { ...done.set, status: to };
    await updateVersionedRow(m, kind.table, id, expectedVersion, set);
    const version = row.version + 1;
    await kind.afterUpdate?.(tx, { row, transition: name, to, version, work: done });
    const before = Object.fromEntries(Object.keys(set).map((c) => [c, row[c] ?? null]));
    await appendAuditBatch(m, [
      changeEvent(
        ctx,
        'UPDATE',
        [...visible.subjectPersonIds],
        [
          {
            entity: kind.table,
            id,
            before: { ...before, version: row.version },
            after: { ...set, version, transition: name },
          },
          ...(done.changes ?? []),
        ],
      ),
    ]);
    await notifyEvent(m, { topic: kind.topic, payload: { [kind.idKey]: id, status: to } });
    return id;
  });
}
