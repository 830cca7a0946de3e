import { canonicalJson, sha256 } from '../audit/audit-event';
import type { AgencyKind } from '../access-policy/vocabulary';
import { NOT_PROVIDED_BY_SOURCE, NOT_RECORDED } from './vocabulary';

/**
 * A person's identity is a set of per-source assertions (ADR 005); the identity the hub shows is
 * derived from them, field by field, by one rule:
 *
 *   1. the value a MASH worker chose for that field when resolving a disagreement (the source they chose);
 *   2. else the local authority's (social care) verified value;
 *   3. else the most recent other verified value (an agency's trusted integration, or a source from
 *      before ADR 005);
 *   4. else unverified values (an officer's or a referrer's own entry), social care first, then the
 *      most recent.
 *
 * A source that does not know a value (absent, NOT_RECORDED, NOT_PROVIDED_BY_SOURCE) never hides
 * another source's value. Sources that disagree on a name, the date of birth or the address raise a
 * data-quality issue for the MASH.
 */

export type Channel = 'IMPORT' | 'OFFICER' | 'REFERRAL' | 'LEGACY';

/** Channels whose values count as verified: the agency's own system, or what the person showed before ADR 005. */
export const VERIFIED_CHANNELS: ReadonlySet<Channel> = new Set(['IMPORT', 'LEGACY']);

/** Identity fields: the assertion key, the person column, and the value when no source knows it. */
export const IDENTITY_FIELDS = [
  { key: 'kind', column: 'kind', unknown: null },
  { key: 'givenName', column: 'given_name', unknown: null },
  { key: 'familyName', column: 'family_name', unknown: null },
  { key: 'otherNames', column: 'other_names', unknown: null },
  { key: 'dateOfBirth', column: 'date_of_birth', unknown: null },
  { key: 'expectedDateOfDelivery', column: 'expected_date_of_delivery', unknown: null },
  { key: 'sex', column: 'sex', unknown: NOT_RECORDED },
  { key: 'nhsNumber', column: 'nhs_number', unknown: null },
  { key: 'pncId', column: 'pnc_id', unknown: null },
  { key: 'laPersonId', column: 'la_person_id', unknown: null },
  { key: 'upn', column: 'upn', unknown: null },
  { key: 'address', column: 'address', unknown: null },
  { key: 'postcode', column: 'postcode', unknown: null },
  { key: 'ethnicity', column: 'ethnicity', unknown: NOT_PROVIDED_BY_SOURCE },
  { key: 'firstLanguage', column: 'first_language', unknown: NOT_PROVIDED_BY_SOURCE },
  { key: 'religion', column: 'religion', unknown: NOT_PROVIDED_BY_SOURCE },
  { key: 'disability', column: 'disability', unknown: NOT_PROVIDED_BY_SOURCE },
] as const;
export type IdentityKey = (typeof IDENTITY_FIELDS)[number]['key'];
export type Asserted = Partial<Record<IdentityKey, string>>;

/** The strong identifiers: a match on any of them proposes that two people are one. */
export const STRONG_IDENTIFIERS = [
  { key: 'nhsNumber', column: 'nhs_number' },
  { key: 'pncId', column: 'pnc_id' },
  { key: 'laPersonId', column: 'la_person_id' },
  { key: 'upn', column: 'upn' },
] as const;

/** Fields on which sources' disagreement is a data-quality issue. */
export const CONFLICT_FIELDS: readonly IdentityKey[] = ['givenName', 'familyName', 'dateOfBirth', 'address'];

const UNKNOWN_VALUES = new Set([NOT_RECORDED, NOT_PROVIDED_BY_SOURCE]);

export interface Assertion {
  id: string;
  agencyCode: string;
  channel: Channel;
  verified: boolean;
  asserted: Asserted;
  assertedAt: Date;
}

function known(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && !UNKNOWN_VALUES.has(v);
}

/** Assertions in the order of the rule (steps 2–4); ties broken by id so the result is stable. */
export function rankAssertions(
  assertions: readonly Assertion[],
  kindOf: (agency: string) => AgencyKind | undefined,
): Assertion[] {
  const key = (a: Assertion) => [a.verified ? 0 : 1, kindOf(a.agencyCode) === 'SOCIAL_CARE' ? 0 : 1] as const;
  return [...assertions].sort((a, b) => {
    const [av, as] = key(a);
    const [bv, bs] = key(b);
    return av - bv || as - bs || b.assertedAt.getTime() - a.assertedAt.getTime() || a.id.localeCompare(b.id);
  });
}

/** The derived identity, by person column. `chosen`: field → the assertion a MASH worker chose for it. */
export function deriveIdentity(
  assertions: readonly Assertion[],
  kindOf: (agency: string) => AgencyKind | undefined,
  chosen: ReadonlyMap<string, string> = new Map(),
): Record<string, string | null> {
  const ranked = rankAssertions(assertions, kindOf);
  const out: Record<string, string | null> = {};
  for (const f of IDENTITY_FIELDS) {
    const pick =
      ranked.find((a) => a.id === chosen.get(f.key) && known(a.asserted[f.key])) ??
      ranked.find((a) => known(a.asserted[f.key]));
    // A source that says "not recorded" is kept when no source knows better.
    const marker = ranked.find((a) => typeof a.asserted[f.key] === 'string')?.asserted[f.key] ?? null;
    out[f.column] = pick ? pick.asserted[f.key]! : (marker ?? f.unknown);
  }
  return out;
}

const normalise = (v: string) => v.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Fields on which the sources disagree, each with a hash of the disagreeing values (so a resolved
 * disagreement is not raised again until a source says something new).
 */
export function disagreements(assertions: readonly Assertion[]): Array<{ field: IdentityKey; valuesHash: string }> {
  const out: Array<{ field: IdentityKey; valuesHash: string }> = [];
  for (const field of CONFLICT_FIELDS) {
    const values = [
      ...new Set(
        assertions
          .map((a) => a.asserted[field])
          .filter(known)
          .map(normalise),
      ),
    ].sort();
    if (values.length > 1) out.push({ field, valuesHash: sha256(canonicalJson(values)) });
  }
  return out;
}
