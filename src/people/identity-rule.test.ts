import type { AgencyKind } from '../access-policy/vocabulary';
import { deriveIdentity, disagreements, type Assertion, type Channel } from './identity-rule';

const KINDS: Record<string, AgencyKind> = { 'social-care': 'SOCIAL_CARE', police: 'POLICE', health: 'HEALTH' };
const kindOf = (code: string) => KINDS[code];

let n = 0;
function source(agencyCode: string, channel: Channel, asserted: Assertion['asserted'], at: string): Assertion {
  return {
    id: `a${++n}`,
    agencyCode,
    channel,
    verified: channel === 'IMPORT' || channel === 'LEGACY',
    asserted,
    assertedAt: new Date(at),
  };
}
const base = { kind: 'CHILD', familyName: 'Example' } as const;

describe('the derived identity (ADR 005)', () => {
  it('given verified sources, then the local authority wins over a more recent agency, and the most recent wins among the others', () => {
    const la = source('social-care', 'IMPORT', { ...base, givenName: 'Amy' }, '2026-01-01');
    const health = source('health', 'IMPORT', { ...base, givenName: 'Amelia', address: '1 Old Road' }, '2026-02-01');
    const police = source('police', 'IMPORT', { ...base, givenName: 'Emily', address: '2 New Road' }, '2026-03-01');
    expect(deriveIdentity([health, police, la], kindOf)).toMatchObject({ given_name: 'Amy', address: '2 New Road' });
  });

  it("given an officer's unverified entry, then it never beats a verified value, even the local authority's own", () => {
    const health = source('health', 'IMPORT', { ...base, givenName: 'Amelia' }, '2026-01-01');
    const officer = source(
      'social-care',
      'OFFICER',
      { ...base, givenName: 'Renamed', dateOfBirth: '2017-01-02' },
      '2026-06-01',
    );
    // …but fills a value no verified source gives.
    expect(deriveIdentity([officer, health], kindOf)).toMatchObject({
      given_name: 'Amelia',
      date_of_birth: '2017-01-02',
    });
  });

  it('given a source that does not know a value, then it hides nobody else’s, and its marker stands only when nobody knows', () => {
    const a = source(
      'health',
      'IMPORT',
      { ...base, givenName: 'A', sex: 'NOT_RECORDED', ethnicity: 'NOT_PROVIDED_BY_SOURCE' },
      '2026-05-01',
    );
    const b = source('police', 'IMPORT', { ...base, givenName: 'A', sex: 'FEMALE' }, '2026-01-01');
    expect(deriveIdentity([a, b], kindOf)).toMatchObject({
      sex: 'FEMALE',
      ethnicity: 'NOT_PROVIDED_BY_SOURCE',
      pnc_id: null,
    });
  });

  it('given a MASH worker chose a source for a field, then that source’s value stands for that field only', () => {
    const la = source('social-care', 'IMPORT', { ...base, givenName: 'Amy', address: 'LA address' }, '2026-01-01');
    const health = source(
      'health',
      'IMPORT',
      { ...base, givenName: 'Amelia', address: 'Health address' },
      '2026-02-01',
    );
    expect(deriveIdentity([la, health], kindOf, new Map([['givenName', health.id]]))).toMatchObject({
      given_name: 'Amelia',
      address: 'LA address',
    });
  });

  it('given sources that differ only in case and spacing, then they agree; a different date of birth is a disagreement', () => {
    const a = source('health', 'IMPORT', { ...base, givenName: 'Amy  Jo', dateOfBirth: '2017-01-02' }, '2026-01-01');
    const b = source('police', 'IMPORT', { ...base, givenName: 'amy jo', dateOfBirth: '2017-02-01' }, '2026-01-01');
    expect(disagreements([a, b]).map((d) => d.field)).toEqual(['dateOfBirth']);
  });
});
