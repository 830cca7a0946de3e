/** The words of governance metrics (product.md C6), written once for settings, SQL, GraphQL and the report. */

export const POLARITIES = ['SMALLER_IS_BETTER', 'LARGER_IS_BETTER'] as const;
export type Polarity = (typeof POLARITIES)[number];

/** RAG against target; NO_TARGET when none is configured, NO_DATA when the period has nothing to measure. */
export const RAG_STATUSES = ['GREEN', 'AMBER', 'RED', 'NO_TARGET', 'NO_DATA'] as const;
export type RagStatus = (typeof RAG_STATUSES)[number];

export const DIRECTIONS = ['IMPROVING', 'WORSENING', 'STABLE'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** COUNT: whole number; SHARE: 0..1; HOURS: elapsed hours. */
export const UNITS = ['COUNT', 'SHARE', 'HOURS'] as const;
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
] as const;
export type MeasureKey = (typeof MEASURE_KEYS)[number];

export interface MeasureDefinition {
  label: string;
  unit: Unit;
}

export const MEASURES: Record<MeasureKey, MeasureDefinition> = {
  contactsReceived: { label: 'Contacts received', unit: 'COUNT' },
  contactToReferralRate: { label: 'Contacts converted to a social care referral (CIN assessment or strategy discussion)', unit: 'SHARE' },
  decisionsWithinTimescale: { label: 'MASH decisions authorised within timescale', unit: 'SHARE' },
  timeInMashMedianHours: { label: 'Time in MASH, median (hours)', unit: 'HOURS' },
  timeInMashP90Hours: { label: 'Time in MASH, 90th percentile (hours)', unit: 'HOURS' },
  checkTurnaroundMedianHours: { label: 'Agency-check turnaround, median (hours)', unit: 'HOURS' },
  checkTurnaroundP90Hours: { label: 'Agency-check turnaround, 90th percentile (hours)', unit: 'HOURS' },
  overdueChecksNow: { label: 'Agency checks overdue now', unit: 'COUNT' },
  reReferralRate: { label: 'Re-referrals within 12 months', unit: 'SHARE' },
  feedbackMedianHours: { label: 'Time to referrer feedback, median (hours)', unit: 'HOURS' },
  feedbackP90Hours: { label: 'Time to referrer feedback, 90th percentile (hours)', unit: 'HOURS' },
  breakGlassUses: { label: 'Break-glass uses', unit: 'COUNT' },
  equalityEthnicityRecorded: { label: 'Children with ethnicity recorded', unit: 'SHARE' },
  equalityFirstLanguageRecorded: { label: 'Children with first language recorded', unit: 'SHARE' },
  equalityReligionRecorded: { label: 'Children with religion recorded', unit: 'SHARE' },
  strategyDiscussionsHeld: { label: 'Strategy discussions held', unit: 'COUNT' },
  icpcWithin15WorkingDays: { label: 'ICPCs within 15 working days of the strategy discussion', unit: 'SHARE' },
  missingEpisodesStarted: { label: 'Missing episodes started', unit: 'COUNT' },
  missingChildren: { label: 'Children with a missing episode', unit: 'COUNT' },
  returnInterviewsOfferedWithin72Hours: { label: 'Return home interviews offered within 72 hours of the return', unit: 'SHARE' },
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
};

/** Decision outcomes that count as a referral to children's social care (contact → referral conversion). */
export const SOCIAL_CARE_REFERRAL_OUTCOMES = ['CHILD_IN_NEED_ASSESSMENT', 'STRATEGY_DISCUSSION'] as const;
/** Equality values that mean "not recorded". */
export const NOT_RECORDED_VALUES = ['NOT_RECORDED', 'NOT_PROVIDED_BY_SOURCE'] as const;
/** Person kinds counted as children (re-referrals, equality completeness). */
export const CHILD_KINDS = ['CHILD', 'UNBORN'] as const;
