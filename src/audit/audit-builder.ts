import type { RequestContext } from '../context/context';
import { newAuditEventId, type AuditAction, type AuditChange, type AuditEvent, type AuditOutcome, type AuditSubject } from './audit-event';

/** Builds the audit event of an operation from what the request context collected. */
export function buildAuditEvent(
  ctx: RequestContext,
  action: AuditAction,
  outcome: AuditOutcome,
  extra: { subjects?: AuditSubject[]; changes?: AuditChange[]; errorCodes?: string[] } = {},
): AuditEvent {
  const subjects =
    extra.subjects ??
    [...ctx.access.disclosures.values()].map((d) => ({
      personId: d.personId,
      outcome: d.outcome,
      recordIds: [...d.recordIds].sort(),
      released: [...d.released].sort(),
      redacted: [...d.redacted].sort(),
      relationships: [...d.relationships].sort(),
      ...(d.detailOwners.size ? { detailOwners: [...d.detailOwners].sort() } : {}),
    }));
  return {
    id: newAuditEventId(),
    occurredAt: new Date().toISOString(),
    requestId: ctx.requestId,
    ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
    actor: { sub: ctx.viewer.sub, name: ctx.viewer.name, agency: ctx.viewer.agency, roles: [...ctx.viewer.roles] },
    purpose: ctx.access.purpose,
    breakGlass: ctx.access.breakGlass,
    operation: ctx.operation,
    action,
    outcome,
    errorCodes: extra.errorCodes ?? [],
    subjects,
    changes: extra.changes ?? [],
  };
}

/** The audit event of a change, written in the same transaction as the change itself. */
export function changeEvent(ctx: RequestContext, action: AuditAction, personIds: string[], changes: AuditChange[]): AuditEvent {
  return buildAuditEvent(ctx, action, 'SUCCESS', {
    changes,
    subjects: [...new Set(personIds)].map((personId) => ({
      personId,
      outcome: 'CHANGED' as const,
      recordIds: changes.filter((c) => c.entity === 'agency_record').map((c) => c.id),
      released: [],
      redacted: [],
      relationships: [],
    })),
  });
}
