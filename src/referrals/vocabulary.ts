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
  /**
   * An allegation that an adult who works with children (paid or voluntary: a teacher, a nurse, a foster
   * carer, a coach) has harmed or may pose a risk to a child: the LADO route (Working Together 2023 ch. 2;
   * Keeping Children Safe in Education part 4). Only such contacts go to the LADO.
   */
  'ALLEGATION_AGAINST_PERSON_WORKING_WITH_CHILDREN',
  'OTHER',
] as const;
export type ConcernCategory = (typeof CONCERN_CATEGORIES)[number];

/**
 * The single lawful-basis value used before ADR 025: it mixed a UK GDPR Article 6 basis with the DPA 2018
 * safeguarding condition. Still accepted (deprecated) and derived for reading; see `splitLawfulBasis`.
 */
export const LAWFUL_BASES = [
  'SAFEGUARDING_CHILDREN_AT_RISK',
  'PUBLIC_TASK',
  'VITAL_INTERESTS',
  'LEGAL_OBLIGATION',
] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number];

/**
 * UK GDPR Article 6(1): the lawful basis of a share (ADR 025). (a) consent, (c) legal obligation,
 * (d) vital interests, (e) public task, (f) legitimate interests (not for a public authority's tasks,
 * but open to a voluntary-sector partner).
 */
export const ARTICLE_6_BASES = [
  'PUBLIC_TASK',
  'LEGAL_OBLIGATION',
  'VITAL_INTERESTS',
  'LEGITIMATE_INTERESTS',
  'CONSENT',
] as const;
export type Article6Basis = (typeof ARTICLE_6_BASES)[number];

/**
 * UK GDPR Article 9(2) with DPA 2018 Schedule 1, for special-category data (health, ethnicity,
 * religion, sex life, …): SAFEGUARDING_CHILDREN_AT_RISK Sch. 1 para 18 (art. 9(2)(g));
 * STATUTORY_PURPOSES Sch. 1 para 6 (art. 9(2)(g)); HEALTH_OR_SOCIAL_CARE Sch. 1 para 2 (art. 9(2)(h));
 * VITAL_INTERESTS art. 9(2)(c); EXPLICIT_CONSENT art. 9(2)(a).
 */
export const SPECIAL_CATEGORY_CONDITIONS = [
  'SAFEGUARDING_CHILDREN_AT_RISK',
  'STATUTORY_PURPOSES',
  'HEALTH_OR_SOCIAL_CARE',
  'VITAL_INTERESTS',
  'EXPLICIT_CONSENT',
] as const;
export type SpecialCategoryCondition = (typeof SPECIAL_CATEGORY_CONDITIONS)[number];

/**
 * The old single value as the two fields (the migration 1765220000000 maps stored rows the same way):
 * the safeguarding condition is a Schedule 1 condition whose Article 6 basis is the public task; the
 * others are Article 6 bases with no condition recorded. One to one, so nothing is lost.
 */
export function splitLawfulBasis(old: LawfulBasis): {
  article6Basis: Article6Basis;
  specialCategoryCondition: SpecialCategoryCondition | null;
} {
  if (old === 'SAFEGUARDING_CHILDREN_AT_RISK')
    return { article6Basis: 'PUBLIC_TASK', specialCategoryCondition: 'SAFEGUARDING_CHILDREN_AT_RISK' };
  return { article6Basis: old, specialCategoryCondition: null };
}

/** The deprecated single value for the two fields (null when the pair has no old equivalent). */
export function legacyLawfulBasis(article6: string | null, condition: string | null): LawfulBasis | null {
  if (condition === 'SAFEGUARDING_CHILDREN_AT_RISK' && article6 === 'PUBLIC_TASK')
    return 'SAFEGUARDING_CHILDREN_AT_RISK';
  if (article6 === 'PUBLIC_TASK' || article6 === 'VITAL_INTERESTS' || article6 === 'LEGAL_OBLIGATION') return article6;
  return null;
}

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
export const THRESHOLD_LEVELS = [
  'LEVEL_1_UNIVERSAL',
  'LEVEL_2_EARLY_HELP',
  'LEVEL_3_TARGETED',
  'LEVEL_4_SPECIALIST',
] as const;
export type ThresholdLevel = (typeof THRESHOLD_LEVELS)[number];

/**
 * Stored statuses of an agency check; `OVERDUE` is derived from the due time, never stored.
 * RETURNED: information shared. NO_INFORMATION: the agency searched and holds nothing (a real
 * answer, not a refusal). DECLINED: the agency will not share (with a reason). CLOSED: the MASH
 * stopped waiting (with a closure reason), so one silent agency never holds a child's case.
 */
export const AGENCY_CHECK_STATUSES = [
  'REQUESTED',
  'IN_PROGRESS',
  'RETURNED',
  'NO_INFORMATION',
  'DECLINED',
  'CLOSED',
] as const;
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

/**
 * Who made the contact (issue 19 §1), coded as the DfE children-in-need census codes its referral
 * sources (`censusCode`), recorded separately from the hub user who typed the contact in: a
 * neighbour's call taken by a MASH worker is INDIVIDUAL_ACQUAINTANCE, not social care. UNKNOWN is the
 * census's own "not known" (and what rows from before the source was recorded hold).
 */
export const REFERRAL_SOURCE_CODES = {
  INDIVIDUAL_FAMILY: { censusCode: '1B', group: 'Individual', label: 'Individual: family member, relative or carer' },
  INDIVIDUAL_ACQUAINTANCE: {
    censusCode: '1C',
    group: 'Individual',
    label: 'Individual: acquaintance (including neighbours and childminders)',
  },
  INDIVIDUAL_SELF: { censusCode: '1D', group: 'Individual', label: 'Individual: self' },
  INDIVIDUAL_OTHER: { censusCode: '1E', group: 'Individual', label: 'Individual: other' },
  SCHOOLS: { censusCode: '2A', group: 'Schools', label: 'Schools' },
  EDUCATION_SERVICES: { censusCode: '2B', group: 'Education services', label: 'Education services' },
  HEALTH_GP: { censusCode: '3A', group: 'Health services', label: 'Health services: GP' },
  HEALTH_VISITOR: { censusCode: '3B', group: 'Health services', label: 'Health services: health visitor' },
  HEALTH_SCHOOL_NURSE: { censusCode: '3C', group: 'Health services', label: 'Health services: school nurse' },
  HEALTH_OTHER_PRIMARY: {
    censusCode: '3D',
    group: 'Health services',
    label: 'Health services: other primary health services',
  },
  HEALTH_A_AND_E: { censusCode: '3E', group: 'Health services', label: 'Health services: A&E (emergency department)' },
  HEALTH_OTHER: { censusCode: '3F', group: 'Health services', label: 'Health services: other' },
  HOUSING: { censusCode: '4', group: 'Housing', label: 'Housing' },
  LA_SOCIAL_CARE: {
    censusCode: '5A',
    group: 'LA services',
    label: 'LA services: social care (e.g. adult social care)',
  },
  LA_OTHER_INTERNAL: { censusCode: '5B', group: 'LA services', label: 'LA services: other internal' },
  LA_EXTERNAL: {
    censusCode: '5C',
    group: 'LA services',
    label: 'LA services: external (e.g. another local authority)',
  },
  LA_EARLY_HELP: { censusCode: '5D', group: 'LA services', label: 'LA services: early help' },
  POLICE: { censusCode: '6', group: 'Police', label: 'Police' },
  OTHER_LEGAL_AGENCY: {
    censusCode: '7',
    group: 'Other legal agency',
    label: 'Other legal agency (e.g. probation, courts, youth justice)',
  },
  OTHER: { censusCode: '8', group: 'Other', label: 'Other' },
  ANONYMOUS: { censusCode: '9', group: 'Anonymous', label: 'Anonymous' },
  UNKNOWN: { censusCode: '10', group: 'Unknown', label: 'Unknown' },
} as const;
export type ReferralSource = keyof typeof REFERRAL_SOURCE_CODES;
export const REFERRAL_SOURCES = Object.keys(REFERRAL_SOURCE_CODES) as ReferralSource[];

/**
 * The source a submission gets when it names none: only where the submitting agency's kind says who
 * made the contact (a police officer's submission comes from the police). A social care user types in
 * other people's calls, and a health or education user could be any of several census sources, so
 * theirs stay UNKNOWN unless they say (ADR 019).
 */
export const SOURCE_BY_SUBMITTING_AGENCY_KIND: Partial<Record<string, ReferralSource>> = {
  POLICE: 'POLICE',
  HOUSING: 'HOUSING',
  PROBATION: 'OTHER_LEGAL_AGENCY',
  YOUTH_JUSTICE: 'OTHER_LEGAL_AGENCY',
};
