import { DECISION_AUTHORISER_ROLES, SOCIAL_CARE_MASH_ROLES, type Role } from '../access-policy/vocabulary';
import { forbidden, invalidTransition } from '../shared/errors';
import type { EarlyHelpStatus } from './vocabulary';

/**
 * The early-help workflow as one table (issue 25): social care MASH staff record the lead
 * professional, the assessment and the team around the family, and close an episode with its
 * outcome; stepping up to social care is a MASH manager's decision, like authorising a referral.
 */
export const EARLY_HELP_TRANSITIONS = {
  UPDATE: { from: ['OPEN'], to: 'OPEN', roles: SOCIAL_CARE_MASH_ROLES },
  CLOSE: { from: ['OPEN'], to: 'CLOSED', roles: SOCIAL_CARE_MASH_ROLES },
  STEP_UP: { from: ['OPEN'], to: 'STEPPED_UP', roles: DECISION_AUTHORISER_ROLES },
} as const satisfies Record<string, { from: readonly EarlyHelpStatus[]; to: EarlyHelpStatus; roles: readonly Role[] }>;

export type EarlyHelpTransition = keyof typeof EARLY_HELP_TRANSITIONS;
export const EARLY_HELP_TRANSITION_NAMES = Object.keys(EARLY_HELP_TRANSITIONS) as EarlyHelpTransition[];

export type EarlyHelpTransitionCheck =
  | { allowed: true; to: EarlyHelpStatus }
  | { allowed: false; error: 'FORBIDDEN' | 'INVALID_TRANSITION' };

export function checkEarlyHelpTransition(
  status: EarlyHelpStatus,
  transition: EarlyHelpTransition,
  roles: readonly Role[],
): EarlyHelpTransitionCheck {
  const t = EARLY_HELP_TRANSITIONS[transition];
  if (!roles.some((r) => (t.roles as readonly Role[]).includes(r))) return { allowed: false, error: 'FORBIDDEN' };
  if (!(t.from as readonly EarlyHelpStatus[]).includes(status)) return { allowed: false, error: 'INVALID_TRANSITION' };
  return { allowed: true, to: t.to };
}

const words = (t: EarlyHelpTransition) => t.toLowerCase().replace(/_/g, ' ');

export function applyEarlyHelpTransition(
  status: EarlyHelpStatus,
  transition: EarlyHelpTransition,
  roles: readonly Role[],
): EarlyHelpStatus {
  const c = checkEarlyHelpTransition(status, transition, roles);
  if (c.allowed) return c.to;
  if (c.error === 'FORBIDDEN') throw forbidden(`Your role may not ${words(transition)} an early-help episode`);
  throw invalidTransition(`An early-help episode that is ${status} cannot ${words(transition)}`, {
    status,
    transition,
    allowedFrom: [...EARLY_HELP_TRANSITIONS[transition].from],
  });
}
