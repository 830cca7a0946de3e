/** People vocabularies (docs/reference/product.md C1; ethnicity: ONS 2021 England and Wales, 19 groups). */
export const PERSON_KINDS = ['CHILD', 'UNBORN', 'ADULT'] as const;
export const SEXES = ['FEMALE', 'MALE', 'INDETERMINATE', 'NOT_RECORDED'] as const;
export const NOT_RECORDED = 'NOT_RECORDED';
export const NOT_PROVIDED_BY_SOURCE = 'NOT_PROVIDED_BY_SOURCE';
export const ETHNICITIES = [
  'ASIAN_BANGLADESHI',
  'ASIAN_CHINESE',
  'ASIAN_INDIAN',
  'ASIAN_PAKISTANI',
  'ASIAN_OTHER',
  'BLACK_AFRICAN',
  'BLACK_CARIBBEAN',
  'BLACK_OTHER',
  'MIXED_WHITE_AND_ASIAN',
  'MIXED_WHITE_AND_BLACK_AFRICAN',
  'MIXED_WHITE_AND_BLACK_CARIBBEAN',
  'MIXED_OTHER',
  'WHITE_BRITISH',
  'WHITE_IRISH',
  'WHITE_GYPSY_OR_IRISH_TRAVELLER',
  'WHITE_ROMA',
  'WHITE_OTHER',
  'OTHER_ARAB',
  'OTHER_ANY',
  NOT_RECORDED,
  NOT_PROVIDED_BY_SOURCE,
] as const;
export const DISABILITY_STATUSES = ['DISABLED', 'NOT_DISABLED', NOT_RECORDED, NOT_PROVIDED_BY_SOURCE] as const;
export const RELATIONSHIP_TYPES = [
  'MOTHER',
  'FATHER',
  'STEP_PARENT',
  'PARTNER_OF_PARENT',
  'SIBLING',
  'HOUSEHOLD_MEMBER',
  'CARER',
] as const;
export const IDENTIFIER_TYPES = ['NHS_NUMBER', 'PNC_ID', 'LA_PERSON_ID', 'UPN'] as const;

export type PersonKind = (typeof PERSON_KINDS)[number];
export type Sex = (typeof SEXES)[number];
export type Ethnicity = (typeof ETHNICITIES)[number];
export type DisabilityStatus = (typeof DISABILITY_STATUSES)[number];
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

/** NHS number: 10 digits, modulus 11 check digit (a remainder giving 10 is never valid). */
export function isValidNhsNumber(value: string): boolean {
  const digits = value.replace(/\s/g, '');
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  const expected = check === 11 ? 0 : check;
  return expected !== 10 && expected === Number(digits[9]);
}

export function normaliseNhsNumber(value: string): string {
  return value.replace(/\s/g, '');
}

/** Police National Computer id, e.g. 2019/0123456A. */
export const PNC_PATTERN = /^\d{2}(\d{2})?\/\d{1,7}[A-Z]$/;
/** Unique pupil number: a check letter then 12 digits, or 12 digits then a letter (temporary UPNs). */
export const UPN_PATTERN = /^[A-Z]\d{11}[0-9A-Z]$/;
