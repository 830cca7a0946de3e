/** The words of missing episodes and return home interviews (issue 25), written once for SQL, GraphQL and metrics. */

/** Where the child went missing from (the papers: home, care, education, health). */
export const MISSING_FROM = ['HOME', 'CARE', 'EDUCATION', 'HEALTH'] as const;
export type MissingFrom = (typeof MISSING_FROM)[number];

/**
 * MISSING: not yet found or returned; RETURNED: back, no return home interview offered yet;
 * INTERVIEW_OFFERED: offered, outcome not yet known; CLOSED: the interview was held or declined.
 */
export const MISSING_EPISODE_STATUSES = ['MISSING', 'RETURNED', 'INTERVIEW_OFFERED', 'CLOSED'] as const;
export type MissingEpisodeStatus = (typeof MISSING_EPISODE_STATUSES)[number];

export const RETURN_INTERVIEW_OUTCOMES = ['HELD', 'DECLINED'] as const;
export type ReturnInterviewOutcome = (typeof RETURN_INTERVIEW_OUTCOMES)[number];

/** Statutory guidance: an independent return home interview offered within 72 hours of the return (clock time, not working days). */
export const RETURN_INTERVIEW_OFFER_HOURS = 72;
