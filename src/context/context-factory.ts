import { RequestAccess } from '../access-policy/request-access';
import type { Viewer } from '../access-policy/viewer';
import type { Logger } from '../shared/logger';
import { inPartnership, type PartnershipScope } from '../db/partnership-scope';
import type { Hub, RequestContext } from './context';
import { HubError } from '../shared/errors';
import { PARTNERSHIP_HEADER } from '../auth/partnership-choice';
import { DataSet } from './data-set';

export interface RequestContextInput {
  viewer: Viewer;
  /** The one partnership the request acts in (chosen by `choosePartnership`, or the command's). */
  partnership: string;
  /** The hub's own id for this request (the audit's request id). */
  requestId: string;
  /** The client's validated `x-request-id`, when it sent one (ADR 007). */
  correlationId?: string;
  operation: RequestContext['operation'];
  /** The request's logger; by default the hub's, with the request id (and correlation id) bound. */
  logger?: Logger;
  /** The request's access state; by default the policy's. Only the benchmark's bare twin passes another (bench/bare-twin.ts). */
  access?: RequestAccess;
  /** The connection's addresses, for the audit's BALP agents (ADR 014). */
  network?: RequestContext['network'];
}

/**
 * The one way a RequestContext is made (ADR 011): HTTP, WebSocket subscriptions and each pushed
 * event, operator commands, bulk import and the demo all come through here, so every request gets a
 * fresh access state and a fresh set of viewer-bound repositories, and nothing outlives it.
 */
export function createRequestContext(deployment: Hub, input: RequestContextInput): RequestContext {
  const { viewer, requestId, correlationId } = input;
  const hub = partnershipHub(deployment, input.partnership);
  const access = input.access ?? new RequestAccess(viewer, hub.policy);
  return {
    hub,
    requestId,
    ...(correlationId ? { correlationId } : {}),
    ...(input.network ? { network: input.network } : {}),
    viewer,
    partnership: input.partnership,
    logger: input.logger ?? hub.logger.child(correlationId ? { requestId, correlationId } : { requestId }),
    access,
    data: new DataSet(hub.dataSource, access),
    operation: { ...input.operation },
  };
}

/** The hub as a partnership sees it: its own agencies, policy and settings, or the deployment's (ADR 028). */
export function partnershipHub(hub: Hub, partnership: string): Hub {
  return hub.partnershipHubs?.get(partnership) ?? hub;
}

/**
 * Whether the viewer may act in the partnership the request chose, beyond the token naming it: the
 * viewer's agency must be one of that partnership's agencies, and its roles fit that agency under
 * the partnership's policy (ADR 028). Refused like a partnership the token does not name.
 */
export function admitToPartnership(hub: Hub, viewer: Viewer, partnership: string): void {
  const local = partnershipHub(hub, partnership);
  const agency = local.agencies.get(viewer.agency);
  if (!agency || agency.kind !== viewer.agencyKind || !local.policy.rolesFitAgencyKind(viewer.roles, agency.kind))
    throw new HubError('FORBIDDEN', `This agency does not work in the partnership named in ${PARTNERSHIP_HEADER}`, {
      http: { status: 403 },
    });
}

/** What the database is told about the request: its partnership, actor and request id. */
export function scopeOf(ctx: RequestContext): PartnershipScope {
  return { partnership: ctx.partnership, actor: ctx.viewer.sub, requestId: ctx.requestId };
}

/**
 * Runs `work` with the database in the request's partnership (commands, jobs, pushed events; an
 * HTTP request sets it on its scope holder instead, src/app/server.ts).
 */
export function inContext<T>(ctx: RequestContext, work: () => Promise<T>): Promise<T> {
  return inPartnership(scopeOf(ctx), work);
}
