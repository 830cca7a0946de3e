import { CP_CATEGORIES } from '../records/record-types';

/** The words of the child protection pathway after the strategy discussion (issue 24), written once. */

/** Who leads the section 47 enquiry: social care alone, or jointly with the police. */
export const S47_LEADS = ['SINGLE_AGENCY', 'JOINT'] as const;
export type S47Lead = (typeof S47_LEADS)[number];

/**
 * OPEN → (concluded) AWAITING_CONFERENCE when concerns are substantiated and the child is likely to
 * suffer significant harm, otherwise CLOSED; AWAITING_CONFERENCE → CONFERENCE_HELD when the initial
 * conference's outcome for the child is recorded.
 */
export const S47_STATUSES = ['OPEN', 'AWAITING_CONFERENCE', 'CONFERENCE_HELD', 'CLOSED'] as const;
export type S47Status = (typeof S47_STATUSES)[number];

export const S47_CONCLUSIONS = [
  /** Concerns substantiated, the child likely to suffer significant harm: an initial conference. */
  'SUBSTANTIATED_CONFERENCE',
  /** Concerns substantiated, no continuing risk of significant harm: a child in need response. */
  'SUBSTANTIATED_CHILD_IN_NEED',
  'NOT_SUBSTANTIATED_NO_FURTHER_ACTION',
  'NOT_SUBSTANTIATED_OTHER',
] as const;
export type S47Conclusion = (typeof S47_CONCLUSIONS)[number];

/** Strategy discussion outcomes that start (or continue) a section 47 enquiry. */
export const S47_STARTING_OUTCOMES = ['SECTION_47_SINGLE_AGENCY', 'SECTION_47_JOINT', 'EMERGENCY_PROTECTION'] as const;

/** The DfE children-in-need census categories of abuse for a child protection plan (one list with the social care record's). */
export { CP_CATEGORIES };
export type CpCategory = (typeof CP_CATEGORIES)[number];

export const PLAN_STATUSES = ['ACTIVE', 'ENDED'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const PLAN_END_REASONS = [
  'NO_LONGER_AT_RISK',
  'TRANSFERRED_TO_ANOTHER_AUTHORITY',
  'BECAME_LOOKED_AFTER',
  'REACHED_18',
  'DIED',
  'OTHER',
] as const;
export type PlanEndReason = (typeof PLAN_END_REASONS)[number];

/** A conference about a child: the initial one (of an enquiry) or a review (of a plan). */
export const CONFERENCE_KINDS = ['INITIAL', 'REVIEW'] as const;
export type ConferenceKind = (typeof CONFERENCE_KINDS)[number];

export const INITIAL_CONFERENCE_DECISIONS = ['PLAN', 'NO_PLAN'] as const;
export const REVIEW_CONFERENCE_DECISIONS = ['CONTINUE_PLAN', 'END_PLAN'] as const;

/** Working Together 2023 timescales (guidance.md), on the hub's working calendar. */
export const CP_TIMESCALES = {
  /** Initial conference: working days after the last strategy discussion that started the enquiry. */
  icpcWorkingDays: 15,
  /** First core group: working days after the initial conference. */
  firstCoreGroupWorkingDays: 10,
  /** First review conference: months after the initial conference. */
  firstReviewMonths: 3,
  /** Later review conferences: months after the previous review. */
  laterReviewMonths: 6,
} as const;
