/** The words of early help and step transitions (issue 25), written once for SQL, GraphQL and metrics. */

/** OPEN: support under way; CLOSED: ended with an outcome; STEPPED_UP: escalated to social care. */
export const EARLY_HELP_STATUSES = ['OPEN', 'CLOSED', 'STEPPED_UP'] as const;
export type EarlyHelpStatus = (typeof EARLY_HELP_STATUSES)[number];

/** How an episode began: the MASH decided EARLY_HELP, or social care stepped a child down. */
export const EARLY_HELP_SOURCES = ['MASH_DECISION', 'STEP_DOWN'] as const;
export type EarlyHelpSource = (typeof EARLY_HELP_SOURCES)[number];

export const EARLY_HELP_OUTCOMES = ['NEEDS_MET', 'NEEDS_NOT_MET'] as const;
export type EarlyHelpOutcome = (typeof EARLY_HELP_OUTCOMES)[number];

export const STEP_DIRECTIONS = ['STEP_UP', 'STEP_DOWN'] as const;
export type StepDirection = (typeof STEP_DIRECTIONS)[number];

/** A step-up or a new referral within this many days of a step-down is a re-escalation. */
export const RE_ESCALATION_DAYS = 365;
