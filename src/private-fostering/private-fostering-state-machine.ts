import { SOCIAL_CARE_MASH_ROLES, type Role } from '../access-policy/vocabulary';
import { forbidden, invalidTransition } from '../shared/errors';
import type { PrivateFosteringStatus } from './vocabulary';

/**
 * The private fostering workflow as one table (issue 25, ADR 018): the local authority's duty, so
 * only social care MASH staff record visits and close an arrangement. The first visit moves a
 * notification to VISITING; later visits keep it there.
 */
export const PRIVATE_FOSTERING_TRANSITIONS = {
  RECORD_VISIT: { from: ['NOTIFIED', 'VISITING'], to: 'VISITING', roles: SOCIAL_CARE_MASH_ROLES },
  CLOSE: { from: ['NOTIFIED', 'VISITING'], to: 'CLOSED', roles: SOCIAL_CARE_MASH_ROLES },
} as const satisfies Record<
  string,
  { from: readonly PrivateFosteringStatus[]; to: PrivateFosteringStatus; roles: readonly Role[] }
>;

export type PrivateFosteringTransition = keyof typeof PRIVATE_FOSTERING_TRANSITIONS;
export const PRIVATE_FOSTERING_TRANSITION_NAMES = Object.keys(
  PRIVATE_FOSTERING_TRANSITIONS,
) as PrivateFosteringTransition[];

export type PrivateFosteringTransitionCheck =
  | { allowed: true; to: PrivateFosteringStatus }
  | { allowed: false; error: 'FORBIDDEN' | 'INVALID_TRANSITION' };

/** Pure: may a viewer with these roles make this change from this status, and where does it lead? */
export function checkPrivateFosteringTransition(
  status: PrivateFosteringStatus,
  transition: PrivateFosteringTransition,
  roles: readonly Role[],
): PrivateFosteringTransitionCheck {
  const t = PRIVATE_FOSTERING_TRANSITIONS[transition];
  if (!roles.some((r) => (t.roles as readonly Role[]).includes(r))) return { allowed: false, error: 'FORBIDDEN' };
  if (!(t.from as readonly PrivateFosteringStatus[]).includes(status))
    return { allowed: false, error: 'INVALID_TRANSITION' };
  return { allowed: true, to: t.to };
}

const words = (t: PrivateFosteringTransition) => t.toLowerCase().replace(/_/g, ' ');

/** `checkPrivateFosteringTransition`, throwing the hub's error (the message names the rule, never case content). */
export function applyPrivateFosteringTransition(
  status: PrivateFosteringStatus,
  transition: PrivateFosteringTransition,
  roles: readonly Role[],
): PrivateFosteringStatus {
  const c = checkPrivateFosteringTransition(status, transition, roles);
  if (c.allowed) return c.to;
  if (c.error === 'FORBIDDEN')
    throw forbidden(`Your role may not ${words(transition)} for a private fostering arrangement`);
  throw invalidTransition(`A private fostering arrangement that is ${status} cannot ${words(transition)}`, {
    status,
    transition,
    allowedFrom: [...PRIVATE_FOSTERING_TRANSITIONS[transition].from],
  });
}
