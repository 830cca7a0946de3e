/** The words of referral triage (docs/reference/product.md C3), written once and reused by entities, GraphQL and checks. */

export const REFERRAL_STATUSES = [
  'RECEIVED',
  'SCREENED',
  'AWAITING_CHECKS',
  'READY_FOR_DECISION',
  'DECISION_PROPOSED',
  'CLOSED',
  'WITHDRAWN',
  'MERGED',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const RAGS = ['RED', 'AMBER', 'GREEN'] as const;
export type RagRating = (typeof RAGS)[number];

export const CONCERN_CATEGORIES = [
  'NEGLECT',
  'EMOTIONAL_ABUSE',
  'PHYSICAL_ABUSE',
  'SEXUAL_ABUSE',
  'DOMESTIC_ABUSE',
  'CHILD_SEXUAL_EXPLOITATION',
  'CRIMINAL_EXPLOITATION',
  'MISSING',
  'RADICALISATION',
  'FGM_HARMFUL_PRACTICES',
  'SELF_HARM',
  'PARENTAL_MENTAL_HEALTH',
  'PARENTAL_SUBSTANCE_MISUSE',
  'OTHER',
] as const;
export type ConcernCategory = (typeof CONCERN_CATEGORIES)[number];

/** Lawful bases for sharing without consent (UK GDPR art. 6/9 with the DPA 2018 safeguarding condition). */
export const LAWFUL_BASES = ['SAFEGUARDING_CHILDREN_AT_RISK', 'PUBLIC_TASK', 'VITAL_INTERESTS', 'LEGAL_OBLIGATION'] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number];

export const DECISION_OUTCOMES = [
  'NO_FURTHER_ACTION',
  'ADVICE_AND_INFORMATION',
  'EARLY_HELP',
  'CHILD_IN_NEED_ASSESSMENT',
  'STRATEGY_DISCUSSION',
  'LADO',
  'POLICE_ONLY',
  'REFER_TO_OTHER_SERVICE',
] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** Threshold levels of the local continuum of need. */
export const THRESHOLD_LEVELS = ['LEVEL_1_UNIVERSAL', 'LEVEL_2_EARLY_HELP', 'LEVEL_3_TARGETED', 'LEVEL_4_SPECIALIST'] as const;
export type ThresholdLevel = (typeof THRESHOLD_LEVELS)[number];

/**
 * Stored statuses of an agency check; `OVERDUE` is derived from the due time, never stored.
 * RETURNED: information shared. NO_INFORMATION: the agency searched and holds nothing (a real
 * answer, not a refusal). DECLINED: the agency will not share (with a reason). CLOSED: the MASH
 * stopped waiting (with a closure reason), so one silent agency never holds a child's case.
 */
export const AGENCY_CHECK_STATUSES = ['REQUESTED', 'IN_PROGRESS', 'RETURNED', 'NO_INFORMATION', 'DECLINED', 'CLOSED'] as const;
export type AgencyCheckStatus = (typeof AGENCY_CHECK_STATUSES)[number];
export const AGENCY_CHECK_VIEW_STATUSES = [...AGENCY_CHECK_STATUSES, 'OVERDUE'] as const;
/** A check the MASH is still waiting on. */
export const OPEN_CHECK_STATUSES = ['REQUESTED', 'IN_PROGRESS'] as const;

/**
 * Why the MASH closed a check without an answer. The first three are chosen by a worker or
 * manager (`closeAgencyCheck`); DECIDED_WITHOUT is set only when a manager authorises a decision
 * over outstanding checks, and NO_LONGER_NEEDED also when a referral is withdrawn or merged.
 */
export const CHECK_CLOSURE_REASONS = ['NO_LONGER_NEEDED', 'TIMED_OUT', 'ESCALATED', 'DECIDED_WITHOUT'] as const;
export type CheckClosureReason = (typeof CHECK_CLOSURE_REASONS)[number];
export const CHOSEN_CHECK_CLOSURE_REASONS = ['NO_LONGER_NEEDED', 'TIMED_OUT', 'ESCALATED'] as const;

export const IDEMPOTENCY_KEY_MAX = 255;
