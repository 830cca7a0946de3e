import type { AgencyKind } from '../access-policy/vocabulary';

/** The words of strategy discussions and meetings (docs/reference/product.md C4), written once. */

export const MEETING_TYPES = [
  'STRATEGY_DISCUSSION',
  'STRATEGY_MEETING',
  'INITIAL_CHILD_PROTECTION_CONFERENCE',
  'REVIEW_CHILD_PROTECTION_CONFERENCE',
  'CORE_GROUP',
  'ALLEGATIONS_AGAINST_STAFF',
  /** Multi-agency sexual (and criminal) exploitation meeting: reviews the exploitation cohort's flags (ADR 027). */
  'MASE_MEETING',
] as const;
export type MeetingType = (typeof MEETING_TYPES)[number];

/** Meetings whose invitation is the STRATEGY_INVITE relationship (C2: AGENCY_DETAIL under STRATEGY/SECTION_47). */
export const STRATEGY_TYPES: readonly MeetingType[] = ['STRATEGY_DISCUSSION', 'STRATEGY_MEETING'];

export const MEETING_STATUSES = ['SCHEDULED', 'HELD', 'COMPLETED', 'CANCELLED'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const ATTENDANCE_STATUSES = [
  'INVITED',
  'ATTENDED',
  'SENT_APOLOGIES',
  'SENT_INFORMATION_ONLY',
  'DID_NOT_ATTEND',
] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];
/** Statuses that mean the agency was not in the room: a reason is required (docs/reference/brief.md §3). */
export const NON_ATTENDANCE: readonly AttendanceStatus[] = [
  'SENT_APOLOGIES',
  'SENT_INFORMATION_ONLY',
  'DID_NOT_ATTEND',
];

export const MEETING_OUTCOMES = [
  'SECTION_47_SINGLE_AGENCY',
  'SECTION_47_JOINT',
  'CHILD_IN_NEED',
  'NO_FURTHER_ACTION',
  'EMERGENCY_PROTECTION',
] as const;
export type MeetingOutcome = (typeof MEETING_OUTCOMES)[number];
/** Outcomes that start a section 47 enquiry, and with it the initial child protection conference clock. */
export const SECTION_47_OUTCOMES: readonly MeetingOutcome[] = ['SECTION_47_SINGLE_AGENCY', 'SECTION_47_JOINT'];

export const ACTION_STATUSES = ['OPEN', 'DONE', 'CANCELLED'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/**
 * Shipped default: agency kinds required at each meeting type (docs/reference/product.md C4). `EDUCATION_IF_SCHOOL_AGE`
 * adds education when any child concerned is of school age on the meeting date.
 */
export interface RequiredAgencies {
  kinds: readonly AgencyKind[];
  educationIfSchoolAge: boolean;
}

export const DEFAULT_REQUIRED_AGENCIES: Record<MeetingType, RequiredAgencies> = {
  STRATEGY_DISCUSSION: { kinds: ['SOCIAL_CARE', 'POLICE', 'HEALTH'], educationIfSchoolAge: true },
  STRATEGY_MEETING: { kinds: ['SOCIAL_CARE', 'POLICE', 'HEALTH'], educationIfSchoolAge: true },
  INITIAL_CHILD_PROTECTION_CONFERENCE: { kinds: ['SOCIAL_CARE', 'POLICE', 'HEALTH'], educationIfSchoolAge: true },
  REVIEW_CHILD_PROTECTION_CONFERENCE: { kinds: ['SOCIAL_CARE', 'HEALTH'], educationIfSchoolAge: true },
  CORE_GROUP: { kinds: ['SOCIAL_CARE'], educationIfSchoolAge: false },
  ALLEGATIONS_AGAINST_STAFF: { kinds: ['SOCIAL_CARE', 'POLICE'], educationIfSchoolAge: false },
  MASE_MEETING: { kinds: ['SOCIAL_CARE', 'POLICE', 'HEALTH'], educationIfSchoolAge: true },
};

/** School age for the default: 4 to 17 years old on the meeting date (reception to year 13). */
export const SCHOOL_AGE = { min: 4, max: 17 } as const;

/** Working days from the strategy discussion to the initial child protection conference (Working Together 2023). */
export const ICPC_WORKING_DAYS = 15;

/**
 * People invited to a meeting who are not an agency (issue 19 §5, ADR 024): the parents (or carers
 * with parental responsibility), the child or young person, an advocate, the chair or independent
 * reviewing officer, and the employer at an allegations meeting.
 */
export const PARTICIPANT_ROLES = ['PARENT', 'CHILD', 'ADVOCATE', 'CHAIR', 'EMPLOYER'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];
/** The family: the roles a report is shared with before a conference. */
export const FAMILY_ROLES: readonly ParticipantRole[] = ['PARENT', 'CHILD'];

/** SENT_VIEWS: did not attend but contributed their views (a child's wishes and feelings, a letter, an advocate's note). */
export const PARTICIPANT_ATTENDANCE = ['INVITED', 'ATTENDED', 'DID_NOT_ATTEND', 'SENT_VIEWS', 'DECLINED'] as const;
export type ParticipantAttendance = (typeof PARTICIPANT_ATTENDANCE)[number];
/** Statuses that need the reason recorded. */
export const PARTICIPANT_ABSENCE: readonly ParticipantAttendance[] = ['DID_NOT_ATTEND', 'DECLINED'];

/** The conferences whose family participation the papers measure. */
export const CONFERENCE_TYPES: readonly MeetingType[] = [
  'INITIAL_CHILD_PROTECTION_CONFERENCE',
  'REVIEW_CHILD_PROTECTION_CONFERENCE',
];
/** "Children over 12" attending or contributing to their conference: aged 12 or more on the day (ADR 024). */
export const PARTICIPATION_MIN_AGE = 12;
