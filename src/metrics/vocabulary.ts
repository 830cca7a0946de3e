/** The words of governance metrics (docs/reference/product.md C6), written once for settings, SQL, GraphQL and the report. */

export const POLARITIES = ['SMALLER_IS_BETTER', 'LARGER_IS_BETTER'] as const;
export type Polarity = (typeof POLARITIES)[number];

/** RAG against target; NO_TARGET when none is configured, NO_DATA when the period has nothing to measure. */
export const RAG_STATUSES = ['GREEN', 'AMBER', 'RED', 'NO_TARGET', 'NO_DATA'] as const;
export type RagStatus = (typeof RAG_STATUSES)[number];

export const DIRECTIONS = ['IMPROVING', 'WORSENING', 'STABLE'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** COUNT: whole number; SHARE: 0..1; HOURS: elapsed hours; WORKING_DAYS: working time on the partnership's calendar, in working days. */
export const UNITS = ['COUNT', 'SHARE', 'HOURS', 'WORKING_DAYS'] as const;
export type Unit = (typeof UNITS)[number];

export const MEASURE_KEYS = [
  'contactsReceived',
  'contactToReferralRate',
  'decisionsWithinTimescale',
  'timeInMashMedianHours',
  'timeInMashP90Hours',
  'checkTurnaroundMedianHours',
  'checkTurnaroundP90Hours',
  'overdueChecksNow',
  'reReferralRate',
  'feedbackMedianHours',
  'feedbackP90Hours',
  'breakGlassUses',
  'equalityEthnicityRecorded',
  'equalityFirstLanguageRecorded',
  'equalityReligionRecorded',
  'strategyDiscussionsHeld',
  'icpcWithin15WorkingDays',
  'decisionsWithinOneWorkingDay',
  'timeInMashMedianWorkingDays',
  'timeInMashP90WorkingDays',
  'childReferrals',
  'cpInitialConferencesInTimescale',
  'cpReviewConferencesInTimescale',
  'cpFirstCoreGroupsInTimescale',
  'cpChildrenOnPlanAtPeriodEnd',
  'cpSecondOrSubsequentPlans',
  'cpRatePer10000Children',
  'cpPlansEndedWithin3Months',
  'cpPlansLasting2YearsOrMore',
  'missingEpisodesStarted',
  'missingChildren',
  'returnInterviewsOfferedWithin72Hours',
  'returnInterviewTakeUp',
  'earlyHelpEpisodesOpened',
  'stepUps',
  'stepDowns',
  'earlyHelpNeedsMet',
  'reEscalationsWithin12Months',
  'ladoAllegationsReceived',
  'ladoResolvedWithinOneMonth',
  'ladoResolvedWithinThreeMonths',
  'ladoDbsReferrals',
  'privateFosteringNotifications',
  'privateFosteringInitialVisitsInTimescale',
  'childrenPrivatelyFosteredAtPeriodEnd',
  'childrenOver12TakingPartInConferences',
  'parentsReceivingReportsBeforeConference',
  'sharesWithoutConsent',
  'sharesWithArticle6BasisRecorded',
  'openReferralsAtPeriodEnd',
  'exploitationCohortAtPeriodEnd',
  'exploitationFlagsRaised',
  'maseDiscussions',
] as const;
export type MeasureKey = (typeof MEASURE_KEYS)[number];

export interface MeasureDefinition {
  label: string;
  unit: Unit;
}

export const MEASURES: Record<MeasureKey, MeasureDefinition> = {
  contactsReceived: { label: 'Contacts received', unit: 'COUNT' },
  contactToReferralRate: {
    label: 'Contacts converted to a social care referral (CIN assessment or strategy discussion)',
    unit: 'SHARE',
  },
  decisionsWithinTimescale: { label: 'MASH decisions authorised within the local RAG target', unit: 'SHARE' },
  timeInMashMedianHours: { label: 'Time in MASH, median (elapsed hours)', unit: 'HOURS' },
  timeInMashP90Hours: { label: 'Time in MASH, 90th percentile (elapsed hours)', unit: 'HOURS' },
  checkTurnaroundMedianHours: { label: 'Agency-check turnaround, median (hours)', unit: 'HOURS' },
  checkTurnaroundP90Hours: { label: 'Agency-check turnaround, 90th percentile (hours)', unit: 'HOURS' },
  overdueChecksNow: {
    label: 'Agency checks overdue at the end of the period (now, for the current period)',
    unit: 'COUNT',
  },
  reReferralRate: {
    label: 'Re-referrals within 12 months (per child, children-in-need census definition)',
    unit: 'SHARE',
  },
  feedbackMedianHours: { label: 'Time to referrer feedback, median (hours)', unit: 'HOURS' },
  feedbackP90Hours: { label: 'Time to referrer feedback, 90th percentile (hours)', unit: 'HOURS' },
  breakGlassUses: { label: 'Break-glass uses', unit: 'COUNT' },
  equalityEthnicityRecorded: { label: 'Children with ethnicity recorded', unit: 'SHARE' },
  equalityFirstLanguageRecorded: { label: 'Children with first language recorded', unit: 'SHARE' },
  equalityReligionRecorded: { label: 'Children with religion recorded', unit: 'SHARE' },
  strategyDiscussionsHeld: { label: 'Strategy discussions held', unit: 'COUNT' },
  icpcWithin15WorkingDays: { label: 'ICPCs within 15 working days of the strategy discussion', unit: 'SHARE' },
  decisionsWithinOneWorkingDay: {
    label: 'Decisions on the type of response within one working day (statutory, Working Together)',
    unit: 'SHARE',
  },
  timeInMashMedianWorkingDays: { label: 'Time in MASH, median (working days)', unit: 'WORKING_DAYS' },
  timeInMashP90WorkingDays: { label: 'Time in MASH, 90th percentile (working days)', unit: 'WORKING_DAYS' },
  childReferrals: { label: 'Referrals received, per child (children-in-need census count)', unit: 'COUNT' },
  cpInitialConferencesInTimescale: {
    label:
      'Initial conferences due in the period held within 15 working days of the last strategy discussion (per child)',
    unit: 'SHARE',
  },
  cpReviewConferencesInTimescale: { label: 'Review conferences held within timescale (per child)', unit: 'SHARE' },
  cpFirstCoreGroupsInTimescale: {
    label: 'First core groups held within 10 working days of the initial conference',
    unit: 'SHARE',
  },
  cpChildrenOnPlanAtPeriodEnd: { label: 'Children on a child protection plan at the end of the period', unit: 'COUNT' },
  cpSecondOrSubsequentPlans: {
    label: 'Plans started in the period that are a second or subsequent plan',
    unit: 'SHARE',
  },
  cpRatePer10000Children: { label: 'Children on a plan at the end of the period per 10,000 children', unit: 'COUNT' },
  cpPlansEndedWithin3Months: {
    label: 'Plans ended in the period that ended within 3 months of starting',
    unit: 'SHARE',
  },
  cpPlansLasting2YearsOrMore: { label: 'Plans ended in the period that lasted 2 years or more', unit: 'SHARE' },
  missingEpisodesStarted: { label: 'Missing episodes started', unit: 'COUNT' },
  missingChildren: { label: 'Children with a missing episode', unit: 'COUNT' },
  returnInterviewsOfferedWithin72Hours: {
    label: 'Return home interviews offered within 72 hours of the return',
    unit: 'SHARE',
  },
  returnInterviewTakeUp: { label: 'Return home interviews taken up (held of held or declined)', unit: 'SHARE' },
  earlyHelpEpisodesOpened: { label: 'Early-help episodes opened', unit: 'COUNT' },
  stepUps: { label: 'Step-ups from early help to social care', unit: 'COUNT' },
  stepDowns: { label: 'Step-downs from social care to early help', unit: 'COUNT' },
  earlyHelpNeedsMet: { label: 'Early-help episodes closed with needs met', unit: 'SHARE' },
  reEscalationsWithin12Months: { label: 'Re-escalations within 12 months of a step-down', unit: 'COUNT' },
  ladoAllegationsReceived: { label: 'Allegations against staff received by the LADO', unit: 'COUNT' },
  ladoResolvedWithinOneMonth: { label: 'Allegations resolved within one month', unit: 'SHARE' },
  ladoResolvedWithinThreeMonths: { label: 'Allegations resolved within three months', unit: 'SHARE' },
  ladoDbsReferrals: { label: 'Referrals to the Disclosure and Barring Service', unit: 'COUNT' },
  privateFosteringNotifications: { label: 'Private fostering notifications received', unit: 'COUNT' },
  privateFosteringInitialVisitsInTimescale: {
    label: 'Private fostering initial visits within 7 working days of notification',
    unit: 'SHARE',
  },
  exploitationCohortAtPeriodEnd: {
    label: 'Children’s exploitation flags open at the end of the period',
    unit: 'COUNT',
  },
  exploitationFlagsRaised: { label: 'Exploitation flags raised', unit: 'COUNT' },
  maseDiscussions: { label: 'Flags discussed at MASE meetings', unit: 'COUNT' },
  childrenPrivatelyFosteredAtPeriodEnd: {
    label: 'Children privately fostered at the end of the period',
    unit: 'COUNT',
  },
  childrenOver12TakingPartInConferences: {
    label: 'Children aged 12 or more attending, or sending their views to, their child protection conference',
    unit: 'SHARE',
  },
  parentsReceivingReportsBeforeConference: {
    label: 'Parents invited to a child protection conference who received the report before it',
    unit: 'SHARE',
  },
  sharesWithoutConsent: {
    label: 'Information shared without consent (referrals and check answers sharing information)',
    unit: 'SHARE',
  },
  sharesWithArticle6BasisRecorded: {
    label: 'Information shared with its UK GDPR Article 6 basis recorded',
    unit: 'SHARE',
  },
  openReferralsAtPeriodEnd: { label: 'Contacts open in the MASH at the end of the period', unit: 'COUNT' },
};

/** Decision outcomes that count as a referral to children's social care (contact → referral conversion). */
export const SOCIAL_CARE_REFERRAL_OUTCOMES = ['CHILD_IN_NEED_ASSESSMENT', 'STRATEGY_DISCUSSION'] as const;
/** Equality values that mean "not recorded". */
export const NOT_RECORDED_VALUES = ['NOT_RECORDED', 'NOT_PROVIDED_BY_SOURCE'] as const;
/** Person kinds counted as children (re-referrals, equality completeness). */
export const CHILD_KINDS = ['CHILD', 'UNBORN'] as const;
