/** The words of private fostering (issue 25, cohort 5), written once for SQL, GraphQL and metrics. */

/** Who notified the local authority (the Children (Private Arrangements for Fostering) Regulations 2005, reg. 3–4). */
export const PRIVATE_FOSTERING_NOTIFIERS = ['PARENT', 'PRIVATE_FOSTER_CARER', 'PROFESSIONAL', 'OTHER'] as const;
export type PrivateFosteringNotifier = (typeof PRIVATE_FOSTERING_NOTIFIERS)[number];

/**
 * NOTIFIED: the initial visit is not yet held; VISITING: the initial visit was held and visits go on;
 * CLOSED: the arrangement ended (or was found not to be private fostering).
 */
export const PRIVATE_FOSTERING_STATUSES = ['NOTIFIED', 'VISITING', 'CLOSED'] as const;
export type PrivateFosteringStatus = (typeof PRIVATE_FOSTERING_STATUSES)[number];

export const PRIVATE_FOSTERING_CLOSURE_REASONS = [
  'RETURNED_TO_PARENT',
  'AGE_LIMIT_REACHED',
  'BECAME_LOOKED_AFTER',
  'MOVED_AWAY',
  'NOT_PRIVATE_FOSTERING',
  'OTHER',
] as const;
export type PrivateFosteringClosureReason = (typeof PRIVATE_FOSTERING_CLOSURE_REASONS)[number];

/** Reg. 7: the initial visit within 7 working days of the notification (the regulation's own unit). */
export const INITIAL_VISIT_WORKING_DAYS = 7;
/** Reg. 8: visits at intervals of not more than 6 weeks in the first year of the arrangement … */
export const FIRST_YEAR_VISIT_INTERVAL_DAYS = 42;
/** … and of not more than 12 weeks after it. */
export const LATER_VISIT_INTERVAL_DAYS = 84;
