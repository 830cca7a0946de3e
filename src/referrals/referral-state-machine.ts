import {
  AGENCY_OFFICER_ROLES,
  DECISION_AUTHORISER_ROLES,
  SOCIAL_CARE_MASH_ROLES,
  type Role,
} from '../access-policy/vocabulary';
import { forbidden, invalidTransition } from '../shared/errors';
import type { ReferralStatus } from './vocabulary';

/**
 * The referral workflow as one table (docs/reference/product.md C3): for each transition, the states it may start
 * from, the state it leads to, and the role set (access-policy/vocabulary.ts) that may make it. Services
 * change a referral only through `changeVersioned` (context/versioned-change.ts), which calls `applyTransition`;
 * nothing else changes a referral's status.
 */
export const TRANSITIONS = {
  RATE: { from: ['RECEIVED'], to: 'SCREENED', roles: SOCIAL_CARE_MASH_ROLES },
  RERATE: {
    from: ['SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION'],
    to: 'SAME',
    roles: SOCIAL_CARE_MASH_ROLES,
  },
  ASSIGN: {
    from: ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION', 'DECISION_PROPOSED'],
    to: 'SAME',
    roles: SOCIAL_CARE_MASH_ROLES,
  },
  REQUEST_CHECKS: {
    from: ['SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION'],
    to: 'AWAITING_CHECKS',
    roles: SOCIAL_CARE_MASH_ROLES,
  },
  /**
   * The last outstanding check answered moves a waiting referral on; earlier answers leave it
   * waiting. A check may still be answered while a decision proposed over it awaits authorisation.
   */
  RESPOND_TO_CHECK: {
    from: ['AWAITING_CHECKS', 'DECISION_PROPOSED'],
    to: 'DERIVED',
    roles: AGENCY_OFFICER_ROLES,
  },
  /** The MASH stops waiting for one check (no longer needed, timed out, escalated); moves on like an answer. */
  CLOSE_CHECK: {
    from: ['AWAITING_CHECKS', 'DECISION_PROPOSED'],
    to: 'DERIVED',
    roles: SOCIAL_CARE_MASH_ROLES,
  },
  /** A worker may propose while checks are outstanding; authorising over them then needs a manager's reason. */
  PROPOSE_DECISION: {
    from: ['SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION'],
    to: 'DECISION_PROPOSED',
    roles: SOCIAL_CARE_MASH_ROLES,
  },
  AUTHORISE_DECISION: { from: ['DECISION_PROPOSED'], to: 'CLOSED', roles: DECISION_AUTHORISER_ROLES },
  /** The manager amends the proposal (outcome, rationale, threshold) with a reason and authorises it. */
  AMEND_AND_AUTHORISE: { from: ['DECISION_PROPOSED'], to: 'CLOSED', roles: DECISION_AUTHORISER_ROLES },
  /** The manager sends the proposal back with a comment: to AWAITING_CHECKS if checks are outstanding, else READY_FOR_DECISION. */
  RETURN_DECISION: { from: ['DECISION_PROPOSED'], to: 'DERIVED', roles: DECISION_AUTHORISER_ROLES },
  WITHDRAW: {
    from: ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION', 'DECISION_PROPOSED'],
    to: 'WITHDRAWN',
    roles: SOCIAL_CARE_MASH_ROLES,
  },
  MERGE: {
    from: ['RECEIVED', 'SCREENED', 'AWAITING_CHECKS', 'READY_FOR_DECISION'],
    to: 'MERGED',
    roles: SOCIAL_CARE_MASH_ROLES,
  },
  SEND_FEEDBACK: { from: ['CLOSED', 'WITHDRAWN'], to: 'SAME', roles: SOCIAL_CARE_MASH_ROLES },
} as const satisfies Record<
  string,
  { from: readonly ReferralStatus[]; to: ReferralStatus | 'SAME' | 'DERIVED'; roles: readonly Role[] }
>;

export type Transition = keyof typeof TRANSITIONS;
export const TRANSITION_NAMES = Object.keys(TRANSITIONS) as Transition[];

/** Statuses a referral never leaves. */
export const TERMINAL_STATUSES: readonly ReferralStatus[] = ['CLOSED', 'WITHDRAWN', 'MERGED'];

export type TransitionCheck =
  | { allowed: true; to: ReferralStatus | 'DERIVED' }
  | { allowed: false; error: 'FORBIDDEN' | 'INVALID_TRANSITION' };

/** Pure: may a viewer with these roles make this transition from this status, and where does it lead? */
export function checkTransition(
  status: ReferralStatus,
  transition: Transition,
  roles: readonly Role[],
): TransitionCheck {
  const t = TRANSITIONS[transition];
  if (!roles.some((r) => (t.roles as readonly Role[]).includes(r))) return { allowed: false, error: 'FORBIDDEN' };
  if (!(t.from as readonly ReferralStatus[]).includes(status)) return { allowed: false, error: 'INVALID_TRANSITION' };
  return { allowed: true, to: t.to === 'SAME' ? status : t.to };
}

/** `checkTransition`, throwing the hub's error (the message names the rule, never case content). */
export function applyTransition(
  status: ReferralStatus,
  transition: Transition,
  roles: readonly Role[],
): ReferralStatus | 'DERIVED' {
  const c = checkTransition(status, transition, roles);
  if (c.allowed) return c.to;
  if (c.error === 'FORBIDDEN')
    throw forbidden(`Your role may not ${transition.toLowerCase().replace(/_/g, ' ')} a referral`);
  throw invalidTransition(`A referral in status ${status} cannot ${transition.toLowerCase().replace(/_/g, ' ')}`, {
    status,
    transition,
    allowedFrom: [...TRANSITIONS[transition].from],
  });
}
