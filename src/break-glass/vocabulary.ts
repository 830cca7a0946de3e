/** Break-glass and alert vocabulary (docs/reference/product.md C2 "Break-glass"). */

/** How an IG auditor closes a break-glass review. */
export const BREAK_GLASS_REVIEW_OUTCOMES = [
  'JUSTIFIED',
  'JUSTIFIED_WITH_ADVICE',
  'NOT_JUSTIFIED_ADVICE_GIVEN',
  'NOT_JUSTIFIED_REFERRED',
] as const;
export type BreakGlassReviewOutcome = (typeof BREAK_GLASS_REVIEW_OUTCOMES)[number];

export const BREAK_GLASS_REVIEW_STATUSES = ['OPEN', 'REVIEWED'] as const;
export type BreakGlassReviewStatus = (typeof BREAK_GLASS_REVIEW_STATUSES)[number];

/**
 * UNUSUAL_READ_VOLUME: one user read more distinct children in an hour than configured (to IG).
 * SERVING_ROLE_PRIVILEGE: the hub's database role was found able to alter the audit (to IG).
 * DECISION_OVERDUE: an open referral is past its decision due time (to social care).
 * CHECK_OVERDUE: an outstanding agency check is past its due time (to the agency holding it).
 * CP_FLAG_LOOKUP: the emergency duty team or unscheduled care looked up a flagged child (to the responsible social care team).
 */
export const ALERT_KINDS = [
  'BREAK_GLASS',
  'CROSS_AGENCY_DETAIL_READ',
  'UNUSUAL_READ_VOLUME',
  'SERVING_ROLE_PRIVILEGE',
  'DECISION_OVERDUE',
  'CHECK_OVERDUE',
  'CP_FLAG_LOOKUP',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** A break-glass reason must say why, not just "urgent". */
export const BREAK_GLASS_MIN_REASON = 20;
export const BREAK_GLASS_MAX_REASON = 2000;
