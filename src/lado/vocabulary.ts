/** The words of LADO allegations (issue 25, ADR 018), written once for SQL, GraphQL and metrics. */

/** The sector of the employer of the person the allegation is about. */
export const LADO_SECTORS = [
  'EDUCATION',
  'EARLY_YEARS',
  'HEALTH',
  'SOCIAL_CARE',
  'POLICE',
  'FAITH',
  'SPORT_AND_LEISURE',
  'TRANSPORT',
  'VOLUNTARY',
  'OTHER',
] as const;
export type LadoSector = (typeof LADO_SECTORS)[number];

export const ALLEGATION_CATEGORIES = ['PHYSICAL', 'SEXUAL', 'EMOTIONAL', 'NEGLECT', 'SUITABILITY'] as const;
export type AllegationCategory = (typeof ALLEGATION_CATEGORIES)[number];

/** The outcomes Keeping Children Safe in Education defines. */
export const ALLEGATION_OUTCOMES = ['SUBSTANTIATED', 'UNSUBSTANTIATED', 'UNFOUNDED', 'FALSE', 'MALICIOUS'] as const;
export type AllegationOutcome = (typeof ALLEGATION_OUTCOMES)[number];

export const ALLEGATION_STATUSES = ['OPEN', 'MEETING_SCHEDULED', 'CLOSED'] as const;
export type AllegationStatus = (typeof ALLEGATION_STATUSES)[number];

/** Time from receipt to outcome, in the bands KCSIE uses (calendar months). */
export const RESOLUTION_BANDS = [
  'WITHIN_ONE_MONTH',
  'WITHIN_THREE_MONTHS',
  'WITHIN_TWELVE_MONTHS',
  'OVER_TWELVE_MONTHS',
] as const;
export type ResolutionBand = (typeof RESOLUTION_BANDS)[number];

/** The band as SQL over `received` and `resolved` timestamps (null while unresolved). */
export const resolutionBandSql = (received: string, resolved: string) => `CASE WHEN ${resolved} IS NULL THEN NULL
  WHEN ${resolved} <= ${received} + interval '1 month' THEN 'WITHIN_ONE_MONTH'
  WHEN ${resolved} <= ${received} + interval '3 months' THEN 'WITHIN_THREE_MONTHS'
  WHEN ${resolved} <= ${received} + interval '12 months' THEN 'WITHIN_TWELVE_MONTHS'
  ELSE 'OVER_TWELVE_MONTHS' END`;
