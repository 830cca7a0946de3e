import { MASH_ROLES, SOCIAL_CARE_MASH_ROLES, type Role } from '../access-policy/vocabulary';
import { forbidden, invalidTransition } from '../shared/errors';
import type { MeetingStatus } from './vocabulary';

/**
 * The meeting workflow as one table (docs/reference/product.md C4): the states each change may start from, where
 * it leads, and the roles that may make it. Social care MASH staff organise meetings; an invited
 * agency's officer may record their own agency's attendance (e.g. send apologies).
 */
export const MEETING_TRANSITIONS = {
  RECORD_ATTENDANCE: { from: ['SCHEDULED', 'HELD'], to: 'SAME', roles: MASH_ROLES },
  MARK_HELD: { from: ['SCHEDULED'], to: 'HELD', roles: SOCIAL_CARE_MASH_ROLES },
  RECORD_OUTCOME: { from: ['HELD'], to: 'SAME', roles: SOCIAL_CARE_MASH_ROLES },
  ADD_ACTION: { from: ['HELD', 'COMPLETED'], to: 'SAME', roles: SOCIAL_CARE_MASH_ROLES },
  COMPLETE: { from: ['HELD'], to: 'COMPLETED', roles: SOCIAL_CARE_MASH_ROLES },
  CANCEL: { from: ['SCHEDULED'], to: 'CANCELLED', roles: SOCIAL_CARE_MASH_ROLES },
  /** People who are not agencies (ADR 024): social care, who organise the meeting, invite them and record for them. */
  INVITE_PARTICIPANT: { from: ['SCHEDULED', 'HELD'], to: 'SAME', roles: SOCIAL_CARE_MASH_ROLES },
  RECORD_PARTICIPANT_ATTENDANCE: { from: ['SCHEDULED', 'HELD'], to: 'SAME', roles: SOCIAL_CARE_MASH_ROLES },
} as const satisfies Record<
  string,
  { from: readonly MeetingStatus[]; to: MeetingStatus | 'SAME'; roles: readonly Role[] }
>;

export type MeetingTransition = keyof typeof MEETING_TRANSITIONS;
export const MEETING_TRANSITION_NAMES = Object.keys(MEETING_TRANSITIONS) as MeetingTransition[];

export type MeetingTransitionCheck =
  | { allowed: true; to: MeetingStatus }
  | { allowed: false; error: 'FORBIDDEN' | 'INVALID_TRANSITION' };

/** Pure: may a viewer with these roles make this change from this status, and where does it lead? */
export function checkMeetingTransition(
  status: MeetingStatus,
  transition: MeetingTransition,
  roles: readonly Role[],
): MeetingTransitionCheck {
  const t = MEETING_TRANSITIONS[transition];
  if (!roles.some((r) => (t.roles as readonly Role[]).includes(r))) return { allowed: false, error: 'FORBIDDEN' };
  if (!(t.from as readonly MeetingStatus[]).includes(status)) return { allowed: false, error: 'INVALID_TRANSITION' };
  return { allowed: true, to: t.to === 'SAME' ? status : t.to };
}

const words = (t: MeetingTransition) => t.toLowerCase().replace(/_/g, ' ');

/** `checkMeetingTransition`, throwing the hub's error (the message names the rule, never case content). */
export function applyMeetingTransition(
  status: MeetingStatus,
  transition: MeetingTransition,
  roles: readonly Role[],
): MeetingStatus {
  const c = checkMeetingTransition(status, transition, roles);
  if (c.allowed) return c.to;
  if (c.error === 'FORBIDDEN') throw forbidden(`Your role may not ${words(transition)} for a meeting`);
  throw invalidTransition(`A meeting that is ${status} cannot ${words(transition)}`, {
    status,
    transition,
    allowedFrom: [...MEETING_TRANSITIONS[transition].from],
  });
}
