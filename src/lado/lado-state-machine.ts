import type { Role } from '../access-policy/vocabulary';
import { forbidden, invalidTransition } from '../shared/errors';
import type { AllegationStatus } from './vocabulary';

/** The allegation workflow as one table (issue 25): only the LADO manages an allegation. */
export const LADO_TRANSITIONS = {
  SCHEDULE_MEETING: { from: ['OPEN', 'MEETING_SCHEDULED'], to: 'MEETING_SCHEDULED', roles: ['LADO'] },
  RECORD_OUTCOME: { from: ['OPEN', 'MEETING_SCHEDULED'], to: 'CLOSED', roles: ['LADO'] },
} as const satisfies Record<
  string,
  { from: readonly AllegationStatus[]; to: AllegationStatus; roles: readonly Role[] }
>;

export type LadoTransition = keyof typeof LADO_TRANSITIONS;
export const LADO_TRANSITION_NAMES = Object.keys(LADO_TRANSITIONS) as LadoTransition[];

export type LadoTransitionCheck =
  | { allowed: true; to: AllegationStatus }
  | { allowed: false; error: 'FORBIDDEN' | 'INVALID_TRANSITION' };

export function checkLadoTransition(
  status: AllegationStatus,
  transition: LadoTransition,
  roles: readonly Role[],
): LadoTransitionCheck {
  const t = LADO_TRANSITIONS[transition];
  if (!roles.some((r) => (t.roles as readonly Role[]).includes(r))) return { allowed: false, error: 'FORBIDDEN' };
  if (!(t.from as readonly AllegationStatus[]).includes(status)) return { allowed: false, error: 'INVALID_TRANSITION' };
  return { allowed: true, to: t.to };
}

const words = (t: LadoTransition) => t.toLowerCase().replace(/_/g, ' ');

export function applyLadoTransition(
  status: AllegationStatus,
  transition: LadoTransition,
  roles: readonly Role[],
): AllegationStatus {
  const c = checkLadoTransition(status, transition, roles);
  if (c.allowed) return c.to;
  if (c.error === 'FORBIDDEN') throw forbidden(`Your role may not ${words(transition)} for an allegation`);
  throw invalidTransition(`An allegation that is ${status} cannot ${words(transition)}`, {
    status,
    transition,
    allowedFrom: [...LADO_TRANSITIONS[transition].from],
  });
}
