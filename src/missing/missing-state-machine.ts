import { MASH_ROLES, SOCIAL_CARE_MASH_ROLES, type Role } from '../access-policy/vocabulary';
import { forbidden, invalidTransition } from '../shared/errors';
import type { MissingEpisodeStatus } from './vocabulary';

/**
 * The missing-episode workflow as one table (issue 25): any MASH role may record that the child was
 * found or came back (police usually do); the local authority's social care MASH staff offer the
 * return home interview and record whether it was held or declined (the interview is theirs to
 * arrange, whoever conducts it).
 */
export const MISSING_TRANSITIONS = {
  RECORD_RETURN: { from: ['MISSING'], to: 'RETURNED', roles: MASH_ROLES },
  OFFER_RETURN_INTERVIEW: { from: ['RETURNED'], to: 'INTERVIEW_OFFERED', roles: SOCIAL_CARE_MASH_ROLES },
  RECORD_RETURN_INTERVIEW: { from: ['INTERVIEW_OFFERED'], to: 'CLOSED', roles: SOCIAL_CARE_MASH_ROLES },
} as const satisfies Record<
  string,
  { from: readonly MissingEpisodeStatus[]; to: MissingEpisodeStatus; roles: readonly Role[] }
>;

export type MissingTransition = keyof typeof MISSING_TRANSITIONS;
export const MISSING_TRANSITION_NAMES = Object.keys(MISSING_TRANSITIONS) as MissingTransition[];

export type MissingTransitionCheck =
  | { allowed: true; to: MissingEpisodeStatus }
  | { allowed: false; error: 'FORBIDDEN' | 'INVALID_TRANSITION' };

/** Pure: may a viewer with these roles make this change from this status, and where does it lead? */
export function checkMissingTransition(
  status: MissingEpisodeStatus,
  transition: MissingTransition,
  roles: readonly Role[],
): MissingTransitionCheck {
  const t = MISSING_TRANSITIONS[transition];
  if (!roles.some((r) => (t.roles as readonly Role[]).includes(r))) return { allowed: false, error: 'FORBIDDEN' };
  if (!(t.from as readonly MissingEpisodeStatus[]).includes(status))
    return { allowed: false, error: 'INVALID_TRANSITION' };
  return { allowed: true, to: t.to };
}

const words = (t: MissingTransition) => t.toLowerCase().replace(/_/g, ' ');

/** `checkMissingTransition`, throwing the hub's error (the message names the rule, never case content). */
export function applyMissingTransition(
  status: MissingEpisodeStatus,
  transition: MissingTransition,
  roles: readonly Role[],
): MissingEpisodeStatus {
  const c = checkMissingTransition(status, transition, roles);
  if (c.allowed) return c.to;
  if (c.error === 'FORBIDDEN') throw forbidden(`Your role may not ${words(transition)} for a missing episode`);
  throw invalidTransition(`A missing episode that is ${status} cannot ${words(transition)}`, {
    status,
    transition,
    allowedFrom: [...MISSING_TRANSITIONS[transition].from],
  });
}
