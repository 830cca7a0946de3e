import { visibleAlertAgency } from '../access-policy/row-scopes';
import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { changeStream } from '../context/event-context';
import { type AlertView } from './break-glass.repository';

export interface AlertRaised {
  alert: Guarded<AlertView>;
}

/**
 * The `alertRaised` source stream: alert events carry ids only; each is re-read in a fresh
 * per-event context and delivered only if it is addressed to the subscriber's agency (IG: all).
 */
export function alertsRaised(ctx: RequestContext): AsyncIterableIterator<AlertRaised> {
  const agency = visibleAlertAgency(ctx.viewer);
  return changeStream(ctx, {
    topic: 'alert',
    idOf: ({ alertId, toAgency }) =>
      typeof alertId === 'string' && (agency === null || toAgency === agency) ? alertId : undefined,
    read: (eventCtx, id) => eventCtx.data.breakGlass.findAlert(id),
    wrap: (alert): AlertRaised => ({ alert }),
    what: 'alert',
  });
}
