import { z } from 'zod';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import { changeVersioned, type VersionedKind } from '../context/versioned-change';
import { londonDate } from '../meetings/clocks';
import { badInput, notFound } from '../shared/errors';
import { pageInfoOf } from '../shared/page-info.type';
import { checkConnectionFirst, encodeCursor, timeKeysetCursor } from '../shared/pagination';
import { assertUuid, parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { initialVisitDueOn, nextVisitDueOn } from './clocks';
import { applyPrivateFosteringTransition, type PrivateFosteringTransition } from './private-fostering-state-machine';
import {
  PRIVATE_FOSTERING_CLOSURE_REASONS,
  PRIVATE_FOSTERING_NOTIFIERS,
  type PrivateFosteringStatus,
} from './vocabulary';

/**
 * Private fostering (issue 25, cohort 5; ADR 018): the local authority's duty, so social care MASH
 * staff record the notification, the visits and the closure. The child must be one the viewer
 * reaches (otherwise NOT_FOUND); every later change goes through `changeVersioned` (scope, lock,
 * version, state machine, audit). Bad input is refused naming the field before anything is stored.
 */

const requiredText = (max: number) => safeText(max).refine((s) => s.trim().length > 0, 'is required');
const uuid = z.string().regex(UUID_PATTERN, 'is not a valid id');
const notInFuture = z.date().refine((d) => d.getTime() <= Date.now() + 60_000, 'must not be in the future');
const realDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'is not a real date',
  );
const pastDate = realDate.refine((s) => s <= londonDate(new Date()), 'must not be in the future');

const notifySchema = z.object({
  personId: uuid,
  notifiedBy: z.enum(PRIVATE_FOSTERING_NOTIFIERS),
  notifierName: requiredText(200),
  notifiedAt: notInFuture,
  // Notice is due 6 weeks before an arrangement begins (reg. 3), so the start may be in the future.
  arrangementStartedOn: realDate,
});

/** Records a notification about a child the viewer reaches (the shield admits social care MASH staff only); the initial visit clock starts on the day of notification. */
export async function notifyPrivateFostering(ctx: RequestContext, raw: unknown): Promise<string> {
  const input = parseInput(notifySchema, raw);
  const personId = input.personId.toLowerCase();
  if (!(await ctx.data.people.findPerson(personId))) {
    ctx.access.attempted(personId, 'NOT_FOUND');
    throw notFound('Person');
  }
  const arrangement = {
    personId,
    notifiedBy: input.notifiedBy,
    notifierName: input.notifierName.trim(),
    notifiedAt: input.notifiedAt,
    arrangementStartedOn: input.arrangementStartedOn,
    initialVisitDueOn: initialVisitDueOn(londonDate(input.notifiedAt)),
  };
  return ctx.data.transaction(async (tx, m) => {
    const id = await tx.privateFostering.insert(arrangement);
    await appendAuditBatch(m, [
      changeEvent(
        ctx,
        'CREATE',
        [personId],
        [
          {
            entity: 'private_fostering_arrangement',
            id,
            before: null,
            // The notifier's name is recorded as present, never copied into the audit.
            after: { ...arrangement, notifierName: true, recordingAgency: ctx.viewer.agency },
          },
        ],
      ),
    ]);
    return id;
  });
}

type ArrangementRow = Record<string, unknown> & {
  id: string;
  status: PrivateFosteringStatus;
  version: number;
  notified_at: Date;
  arrangement_started_on: string;
  initial_visit_due_on: string;
  initial_visit_on: string | null;
  last_visit_on: string | null;
};

const ARRANGEMENT: VersionedKind<ArrangementRow, PrivateFosteringStatus, PrivateFosteringTransition> = {
  table: 'private_fostering_arrangement',
  noun: 'Private fostering arrangement',
  topic: 'privateFosteringArrangement',
  idKey: 'privateFosteringArrangementId',
  findVisible: async (data, id) => {
    const a = await data.privateFostering.findArrangement(id);
    return a ? { subjectPersonIds: [a.personId] } : null;
  },
  apply: applyPrivateFosteringTransition,
};

/** A statutory visit held: the first is the initial visit (due 7 working days after notification), then every 6 weeks (12 after the first year). */
export function recordPrivateFosteringVisit(
  ctx: RequestContext,
  id: string,
  rawHeldOn: unknown,
  expectedVersion: number,
) {
  const heldOn = parseInput(pastDate, rawHeldOn, 'heldOn');
  return changeVersioned(ctx, ARRANGEMENT, id, expectedVersion, 'RECORD_VISIT', async (tx, row) => {
    const notifiedOn = londonDate(row.notified_at);
    if (heldOn < notifiedOn) throw badInput('heldOn', 'must not be before the notification');
    if (row.last_visit_on && heldOn < row.last_visit_on) throw badInput('heldOn', 'must not be before the last visit');
    const initial = row.initial_visit_on === null;
    const dueOn = initial ? row.initial_visit_due_on : nextVisitDueOn(row.arrangement_started_on, row.last_visit_on!);
    await tx.privateFostering.insertVisit({ arrangementId: row.id, initial, dueOn, heldOn });
    return {
      set: { last_visit_on: heldOn, ...(initial ? { initial_visit_on: heldOn } : {}) },
      changes: [
        {
          entity: 'private_fostering_visit',
          id: row.id,
          before: null,
          after: { initial, dueOn, heldOn, late: heldOn > dueOn },
        },
      ],
    };
  });
}

const closeSchema = z.object({
  closedOn: pastDate,
  reason: z.enum(PRIVATE_FOSTERING_CLOSURE_REASONS),
});

/** The arrangement ended, or was found not to be private fostering. */
export function closePrivateFostering(ctx: RequestContext, id: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(closeSchema, raw);
  return changeVersioned(ctx, ARRANGEMENT, id, expectedVersion, 'CLOSE', async (_tx, row) => {
    if (input.closedOn < londonDate(row.notified_at))
      throw badInput('input.closedOn', 'must not be before the notification');
    return { set: { closed_on: input.closedOn, closure_reason: input.reason } };
  });
}

export async function findPrivateFostering(ctx: RequestContext, id: string) {
  assertUuid('id', id);
  const a = await ctx.data.privateFostering.findArrangement(id.toLowerCase());
  if (!a) throw notFound('Private fostering arrangement');
  return a;
}

/** A page of arrangements in the viewer's scope: keyset on (notification, id); `first` above the maximum is rejected. */
export async function listPrivateFostering(ctx: RequestContext, first: number | null, after: string | null) {
  const limit = checkConnectionFirst(first, ctx.hub.config.maxPageSize, 20);
  const cursor = timeKeysetCursor(after);
  const { rows, hasNext } = await ctx.data.privateFostering.list(limit, cursor);
  const edges = rows.map((node) => ({ cursor: encodeCursor([node.notifiedAt.toISOString(), node.id]), node }));
  return { edges, pageInfo: pageInfoOf(edges, hasNext) };
}

/** After a change, the arrangement as the viewer may now see it. */
export async function rereadPrivateFostering(ctx: RequestContext, id: string) {
  const a = await ctx.data.privateFostering.reload(id);
  if (!a) throw notFound('Private fostering arrangement');
  return a;
}
