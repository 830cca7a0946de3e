import { visibleAlertAgency } from '../access-policy/row-scopes';
import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { resumableChangeStream, type ChangeStreamSpec } from '../context/event-context';
import { type AlertView } from './break-glass.repository';

export interface AlertRaised {
  alert: Guarded<AlertView>;
}

/**
 * The `alertRaised` source stream: alert events carry ids only; each is re-read in a fresh
 * per-event context and delivered only if it is addressed to the subscriber's agency (IG: all).
 * With `since`, the alerts raised for it meanwhile are replayed first (ADR 022).
 */
export function alertsRaised(
  ctx: RequestContext,
  since: Date | null = null,
): AsyncIterableIterator<AlertRaised> | Promise<AsyncIterableIterator<AlertRaised>> {
  const agency = visibleAlertAgency(ctx.viewer);
  const spec: ChangeStreamSpec<Guarded<AlertView>, AlertRaised> = {
    topic: 'alert',
    idOf: ({ alertId, toAgency }) =>
      typeof alertId === 'string' && (agency === null || toAgency === agency) ? alertId : undefined,
    read: (eventCtx, id) => eventCtx.data.breakGlass.findAlert(id),
    wrap: (alert): AlertRaised => ({ alert }),
    what: 'alert',
  };
  return resumableChangeStream(
    ctx,
    spec,
    since,
    (from, limit) => ctx.data.breakGlass.alertsRaisedSince(from, limit),
    'your alerts',
  );
}
