import { SOCIAL_CARE_MASH_ROLES, type Role } from '../access-policy/vocabulary';
import { forbidden, invalidTransition } from '../shared/errors';
import type { PlanStatus, S47Status } from './vocabulary';

/**
 * The section 47 enquiry and the child protection plan as tables (style.md principle 9): the states
 * each change may start from, where it leads, and who may make it. Social care leads both (a joint
 * enquiry is led with the police, but social care records it); partners attend and read.
 */
export const S47_TRANSITIONS = {
  /** A further strategy discussion about the child: the initial conference is due 15 working days after the last one. */
  ADD_STRATEGY_DISCUSSION: { from: ['OPEN', 'AWAITING_CONFERENCE'], to: 'SAME', roles: SOCIAL_CARE_MASH_ROLES },
  CONCLUDE: { from: ['OPEN'], to: 'DERIVED', roles: SOCIAL_CARE_MASH_ROLES },
  RECORD_INITIAL_CONFERENCE: { from: ['AWAITING_CONFERENCE'], to: 'CONFERENCE_HELD', roles: SOCIAL_CARE_MASH_ROLES },
} as const satisfies Record<
  string,
  { from: readonly S47Status[]; to: S47Status | 'SAME' | 'DERIVED'; roles: readonly Role[] }
>;
export type S47Transition = keyof typeof S47_TRANSITIONS;

export const PLAN_TRANSITIONS = {
  CHANGE_CATEGORY: { from: ['ACTIVE'], to: 'SAME', roles: SOCIAL_CARE_MASH_ROLES },
  RECORD_CORE_GROUP: { from: ['ACTIVE'], to: 'SAME', roles: SOCIAL_CARE_MASH_ROLES },
  /** A review conference continues the plan or ends it. */
  RECORD_REVIEW_CONFERENCE: { from: ['ACTIVE'], to: 'DERIVED', roles: SOCIAL_CARE_MASH_ROLES },
  /** Ended outside a review conference (moved away, looked after, 18, died). */
  END_PLAN: { from: ['ACTIVE'], to: 'ENDED', roles: SOCIAL_CARE_MASH_ROLES },
} as const satisfies Record<
  string,
  { from: readonly PlanStatus[]; to: PlanStatus | 'SAME' | 'DERIVED'; roles: readonly Role[] }
>;
export type PlanTransition = keyof typeof PLAN_TRANSITIONS;

type Table<S extends string> = Record<
  string,
  { from: readonly S[]; to: S | 'SAME' | 'DERIVED'; roles: readonly Role[] }
>;

export type TransitionCheck<S extends string> =
  | { allowed: true; to: S | 'DERIVED' }
  | { allowed: false; error: 'FORBIDDEN' | 'INVALID_TRANSITION' };

/** Pure: may these roles make this change from this status, and where does it lead? */
export function checkTransition<S extends string>(
  table: Table<S>,
  status: S,
  transition: string,
  roles: readonly Role[],
): TransitionCheck<S> {
  const t = table[transition]!;
  if (!roles.some((r) => t.roles.includes(r))) return { allowed: false, error: 'FORBIDDEN' };
  if (!t.from.includes(status)) return { allowed: false, error: 'INVALID_TRANSITION' };
  return { allowed: true, to: t.to === 'SAME' ? status : t.to };
}

function apply<S extends string>(
  noun: string,
  table: Table<S>,
  status: S,
  transition: string,
  roles: readonly Role[],
): S | 'DERIVED' {
  const c = checkTransition(table, status, transition, roles);
  if (c.allowed) return c.to;
  const words = transition.toLowerCase().replace(/_/g, ' ');
  if (c.error === 'FORBIDDEN') throw forbidden(`Your role may not ${words} for ${noun}`);
  throw invalidTransition(`${noun} that is ${status} cannot ${words}`, {
    status,
    transition,
    allowedFrom: [...table[transition]!.from],
  });
}

export const applyS47Transition = (status: S47Status, transition: S47Transition, roles: readonly Role[]) =>
  apply('a section 47 enquiry', S47_TRANSITIONS, status, transition, roles);

export const applyPlanTransition = (status: PlanStatus, transition: PlanTransition, roles: readonly Role[]) =>
  apply('a child protection plan', PLAN_TRANSITIONS, status, transition, roles);
