import type { RequestContext } from '../context/context';
import type { Purpose } from '../access-policy/vocabulary';
import {
  newAuditEventId,
  type AuditAction,
  type AuditChange,
  type AuditEvent,
  type AuditNetwork,
  type AuditOutcome,
  type AuditSubject,
} from './audit-event';

/** The connection's addresses for the audit (ADR 014), when both ends are known. */
export function networkOf(client: string | undefined, server: string | undefined): { network?: AuditNetwork } {
  return client && server ? { network: { client, server } } : {};
}

/**
 * The workflow a change belongs to, by the first entity it changes: its purpose of use when the
 * operation declared none (mutations take no purpose argument). ADR 014: every change then says why.
 */
const PURPOSE_OF_CHANGE: Record<string, Purpose> = {
  referral: 'TRIAGE',
  referral_rating: 'TRIAGE',
  data_quality_issue: 'TRIAGE',
  person_merge: 'TRIAGE',
  agency_check: 'AGENCY_CHECK',
  meeting: 'STRATEGY',
  meeting_invitee: 'STRATEGY',
  meeting_participant: 'STRATEGY',
  meeting_decision: 'STRATEGY',
  meeting_action: 'STRATEGY',
  person: 'DIRECT_CARE',
  person_relationship: 'DIRECT_CARE',
  identity_assertion: 'DIRECT_CARE',
  agency_record: 'DIRECT_CARE',
  s47_enquiry: 'SECTION_47',
  s47_strategy_discussion: 'SECTION_47',
  cp_conference: 'SECTION_47',
  cp_plan: 'SECTION_47',
  cp_plan_category: 'SECTION_47',
  cp_core_group: 'SECTION_47',
};

function impliedPurpose(ctx: RequestContext, action: AuditAction, changes: AuditChange[]): Purpose | null {
  // Opening break-glass is its purpose; IG's review of it is an audit.
  if (action === 'BREAK_GLASS') return 'BREAK_GLASS';
  const entity = changes[0]?.entity;
  if (entity === 'break_glass') return ctx.viewer.roles.includes('IG_AUDITOR') ? 'IG_AUDIT' : 'BREAK_GLASS';
  // Own keys only: an inherited name (`constructor`) is no workflow.
  return (entity && Object.hasOwn(PURPOSE_OF_CHANGE, entity) && PURPOSE_OF_CHANGE[entity]) || null;
}

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
    partnership: ctx.partnership,
    occurredAt: new Date().toISOString(),
    requestId: ctx.requestId,
    ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
    ...(ctx.network ? { network: ctx.network } : {}),
    actor: { sub: ctx.viewer.sub, name: ctx.viewer.name, agency: ctx.viewer.agency, roles: [...ctx.viewer.roles] },
    purpose: ctx.access.purpose ?? impliedPurpose(ctx, action, extra.changes ?? []),
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
export function changeEvent(
  ctx: RequestContext,
  action: AuditAction,
  personIds: string[],
  changes: AuditChange[],
): AuditEvent {
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
