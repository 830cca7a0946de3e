import type { GraphQLFormattedError } from 'graphql';
import type { Redaction } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { buildAuditEvent } from './audit-builder';
import type { AuditAction, AuditOutcome } from './audit-event';
import { auditUnavailable } from '../shared/errors';

export function outcomeOf(codes: string[], hasData: boolean): AuditOutcome {
  if (codes.length === 0) return 'SUCCESS';
  if (codes.includes('FORBIDDEN')) return 'DENIED';
  if (codes.every((c) => c === 'NOT_FOUND')) return hasData ? 'PARTIAL' : 'NOT_FOUND';
  return hasData ? 'PARTIAL' : 'ERROR';
}

/** What a transport may send: the result (with these redactions), or nothing of it. */
export type Release =
  | { withheld: false; redactions: readonly Redaction[]; codes: string[] }
  /** `inResult`: the result itself already failed on the audit; `writeFailed`: its audit event could not be written. */
  | { withheld: true; reason: 'inResult' | 'writeFailed' };

/**
 * The one release step for every transport (HTTP responses, each WebSocket push; ADR 011): decides
 * whether the result must be audited — it disclosed someone, the operation is marked "always audit",
 * an access was denied or not found, or a mutation failed — writes the audit event and waits for its
 * commit. If the audit cannot be written, nothing of the result may leave.
 */
export async function releaseAudit(
  ctx: RequestContext,
  result: { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] },
  options: { audit: boolean },
): Promise<Release> {
  const codes = (result.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  if (codes.includes('AUDIT_UNAVAILABLE')) return { withheld: true, reason: 'inResult' };
  const isMutation = ctx.operation.type === 'mutation';
  const mustAudit =
    ctx.access.disclosures.size > 0 ||
    ctx.access.alwaysAudit ||
    codes.some((c) => c === 'FORBIDDEN' || c === 'NOT_FOUND') ||
    (isMutation && codes.length > 0);
  if (mustAudit && options.audit) {
    const hasData = result.data != null && Object.values(result.data).some((v) => v != null);
    // A root field returning a list or connection is a search: QUERY (BALP PatientQuery) however many it found.
    const action: AuditAction = isMutation
      ? 'EXECUTE'
      : ctx.access.disclosures.size > 1 || ctx.access.alwaysAudit || ctx.selectsList
        ? 'QUERY'
        : 'READ';
    try {
      await ctx.hub.auditWriter.write(buildAuditEvent(ctx, action, outcomeOf(codes, hasData), { errorCodes: codes }));
    } catch {
      return { withheld: true, reason: 'writeFailed' };
    }
  }
  return { withheld: false, redactions: ctx.access.redactions, codes };
}

/**
 * The audit event, in ANOTHER partnership's chain, of a request that told its viewer that partnership
 * holds these children (the cross-partnership CP flag look-up, ADR 028): the same actor, purpose,
 * request id and operation as the request's own event in its own chain, with the holder's children as
 * subjects, so the holder's access log shows who asked about them. Awaited; if it cannot be written
 * the request fails closed.
 */
export async function auditForHolderPartnership(
  ctx: RequestContext,
  holder: string,
  personIds: readonly string[],
  released: readonly string[],
): Promise<void> {
  const event = buildAuditEvent(ctx, 'QUERY', 'SUCCESS', {
    subjects: [...new Set(personIds)].sort().map((personId) => ({
      personId,
      outcome: 'DISCLOSED' as const,
      recordIds: [],
      released: [...released].sort(),
      redacted: [],
      relationships: [],
    })),
  });
  try {
    await ctx.hub.auditWriter.write({ ...event, partnership: holder });
  } catch {
    throw auditUnavailable();
  }
}
