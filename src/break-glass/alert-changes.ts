import { visibleAlertAgency } from '../access-policy/row-scopes';
import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { filterMapAsync, forkForEvent, withEventContext } from '../context/event-context';
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
  return filterMapAsync(ctx.hub.events.stream('alert'), async (event) => {
    const { alertId, toAgency } = event.payload;
    if (typeof alertId !== 'string') return undefined;
    if (agency !== null && toAgency !== agency) return undefined;
    const eventCtx = forkForEvent(ctx);
    let alert: Guarded<AlertView> | null;
    try {
      alert = await eventCtx.data.breakGlass.findAlert(alertId);
    } catch (e) {
      eventCtx.logger.warn({ err: { message: (e as Error).message } }, 'alert could not be read');
      return undefined;
    }
    return alert ? withEventContext<AlertRaised>({ alert }, eventCtx) : undefined;
  });
}
