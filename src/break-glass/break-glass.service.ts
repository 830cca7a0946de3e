import { z } from 'zod';
import { buildAuditEvent, changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import { mayAcknowledgeAlert } from '../access-policy/row-scopes';
import { notifyEvent } from '../events/notify';
import { forbidden, invalidTransition, notFound } from '../shared/errors';
import { checkConnectionFirst, decodeCursor, encodeCursor } from '../shared/pagination';
import { pageInfoOf } from '../shared/page-info.type';
import { assertUuid, parseInput, safeText } from '../shared/validation';
import {
  BREAK_GLASS_MAX_REASON,
  BREAK_GLASS_MIN_REASON,
  BREAK_GLASS_REVIEW_OUTCOMES,
  BREAK_GLASS_REVIEW_STATUSES,
  type BreakGlassReviewStatus,
} from './vocabulary';

const reasonSchema = safeText(BREAK_GLASS_MAX_REASON).refine((s) => s.trim().length >= BREAK_GLASS_MIN_REASON, {
  message: `must say why in at least ${BREAK_GLASS_MIN_REASON} characters`,
});
const noteSchema = safeText(BREAK_GLASS_MAX_REASON).refine((s) => s.trim().length > 0, { message: 'is required' });

/**
 * Opens time-boxed emergency access to one person (shield: MASH roles only). In one transaction:
 * the opening, a BREAK_GLASS audit event carrying its reason, and an alert to every agency holding
 * the person and to IG, each announced on commit.
 */
export async function openBreakGlass(ctx: RequestContext, rawPersonId: string, rawReason: string) {
  assertUuid('personId', rawPersonId);
  const personId = rawPersonId.toLowerCase();
  const reason = parseInput(reasonSchema, rawReason, 'reason');
  const opened = await ctx.data.transaction(async (tx, m) => {
    const repo = tx.breakGlass;
    if (!(await repo.holdPerson(personId))) {
      ctx.access.attempted(personId, 'NOT_FOUND');
      throw notFound('Person');
    }
    const bg = await repo.insert({ personId, reason: reason.trim(), minutes: ctx.hub.config.breakGlassMinutes });
    ctx.access.breakGlass = { id: bg.id, reason: bg.reason };
    const holders = await repo.holdingAgencies(personId);
    const alerts = await repo.insertAlerts('BREAK_GLASS', [...holders, null], personId, bg.id);
    await appendAuditBatch(m, [
      buildAuditEvent(ctx, 'BREAK_GLASS', 'SUCCESS', {
        subjects: [
          { personId, outcome: 'CHANGED', recordIds: [], released: [], redacted: [], relationships: ['BREAK_GLASS'] },
        ],
        changes: [
          { entity: 'break_glass', id: bg.id, before: null, after: { ...bg, alerts: alerts.map((a) => a.id) } },
        ],
      }),
    ]);
    for (const a of alerts) await notifyEvent(m, { topic: 'alert', payload: { alertId: a.id, toAgency: a.toAgency } });
    return bg;
  });
  return ctx.data.breakGlass.guardBreakGlass(opened);
}

/** Records an IG auditor's review outcome (shield: IG_AUDITOR only); a review is final. */
export async function reviewBreakGlass(ctx: RequestContext, rawId: string, rawOutcome: string, rawNote: string) {
  assertUuid('id', rawId);
  const id = rawId.toLowerCase();
  const outcome = parseInput(z.enum(BREAK_GLASS_REVIEW_OUTCOMES), rawOutcome, 'outcome');
  const note = parseInput(noteSchema, rawNote, 'note');
  ctx.access.requireAudit();
  const reviewed = await ctx.data.transaction(async (tx, m) => {
    const repo = tx.breakGlass;
    const before = await repo.findForUpdate(id);
    if (!before) throw notFound('Break-glass');
    if (before.actorSub === ctx.viewer.sub) throw forbidden('You may not review your own break-glass', { field: 'id' });
    if (before.reviewedAt) throw invalidTransition('This break-glass has already been reviewed', { field: 'id' });
    const after = await repo.recordReview(id, outcome, note.trim());
    await appendAuditBatch(m, [
      changeEvent(ctx, 'UPDATE', [after.personId], [{ entity: 'break_glass', id, before, after }]),
    ]);
    return after;
  });
  return ctx.data.breakGlass.guardBreakGlass(reviewed);
}

function keysetCursor(after: string | null): [string, string] | null {
  const cursor = decodeCursor(after, 2);
  if (!cursor) return null;
  if (typeof cursor[0] !== 'string' || Number.isNaN(Date.parse(cursor[0])) || typeof cursor[1] !== 'string') {
    throw notFound('Cursor');
  }
  assertUuid('after', cursor[1]);
  return cursor as [string, string];
}

/** The IG review queue (shield: IG_AUDITOR only). Every call is audited, even an empty page. */
export async function breakGlassReviews(
  ctx: RequestContext,
  status: string,
  first: number | null,
  after: string | null,
) {
  const s = parseInput(z.enum(BREAK_GLASS_REVIEW_STATUSES), status, 'status') as BreakGlassReviewStatus;
  const limit = checkConnectionFirst(first, ctx.hub.config.maxPageSize, 20);
  ctx.access.requireAudit();
  const { rows, hasNext } = await ctx.data.breakGlass.reviews(s, limit, keysetCursor(after));
  const edges = rows.map((node) => ({ cursor: encodeCursor([node.openedAt.toISOString(), node.id]), node }));
  return { edges, pageInfo: pageInfoOf(edges, hasNext) };
}

/** Alerts for the viewer's agency; IG auditors see all. */
export async function alertsFor(ctx: RequestContext, first: number | null, after: string | null) {
  const limit = checkConnectionFirst(first, ctx.hub.config.maxPageSize, 20);
  const { rows, hasNext } = await ctx.data.breakGlass.alerts(limit, keysetCursor(after));
  const edges = rows.map((node) => ({ cursor: encodeCursor([node.createdAt.toISOString(), node.id]), node }));
  return { edges, pageInfo: pageInfoOf(edges, hasNext) };
}

/**
 * Acknowledge an alert: who and when, once, audited in the same transaction (ADR 021). An alert the
 * viewer cannot see is not found; one they see but that is addressed to another desk (an IG auditor
 * and an agency's alert) is forbidden (`mayAcknowledgeAlert`).
 */
export async function acknowledgeAlert(ctx: RequestContext, rawId: string) {
  assertUuid('id', rawId);
  const id = rawId.toLowerCase();
  const acknowledged = await ctx.data.transaction(async (tx, m) => {
    const before = await tx.breakGlass.findAlertForUpdate(id);
    if (!before) throw notFound('Alert');
    if (!mayAcknowledgeAlert(ctx.viewer, before.toAgency))
      throw forbidden('This alert is addressed to another agency: only it may acknowledge it', { field: 'id' });
    if (before.acknowledgedAt) throw invalidTransition('This alert has already been acknowledged', { field: 'id' });
    const after = await tx.breakGlass.recordAcknowledgement(id);
    await appendAuditBatch(m, [
      changeEvent(ctx, 'UPDATE', before.personId ? [before.personId] : [], [
        {
          entity: 'alert',
          id,
          before: { acknowledgedAt: null },
          after: { acknowledgedAt: after.acknowledgedAt, acknowledgedBy: after.acknowledgedBy },
        },
      ]),
    ]);
    return after;
  });
  return ctx.data.breakGlass.guardAlert(acknowledged);
}
