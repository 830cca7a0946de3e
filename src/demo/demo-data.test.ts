import { isValidNhsNumber } from '../people/vocabulary';
import { generateDemo, mulberry32 } from './demo-data';

describe('demo data generator', () => {
  it('given the same options, when generated twice, then the lines are identical (reproducible)', () => {
    expect(JSON.stringify(generateDemo({ households: 15 }))).toBe(JSON.stringify(generateDemo({ households: 15 })));
  });

  it('given another seed, when generated, then the data differs', () => {
    expect(JSON.stringify(generateDemo({ households: 15, seed: 7 }))).not.toBe(
      JSON.stringify(generateDemo({ households: 15 })),
    );
  });

  it('given the default size, when generated, then there are about 200 children in about 90 households with records from every agency', () => {
    const demo = generateDemo();
    expect(demo.people.households).toBe(90);
    expect(demo.people.children + demo.people.unborn).toBeGreaterThanOrEqual(180);
    expect(demo.people.children + demo.people.unborn).toBeLessThanOrEqual(230);
    const agencies = new Set(demo.lines.filter((l) => l.kind === 'record').map((l) => l.agency));
    expect([...agencies].sort()).toEqual(['education', 'health', 'police', 'probation', 'social-care']);
  });

  it('given the generated people, then every NHS number is valid, unique and in the 999 test range, and every postcode is in the fictional ZZ area', () => {
    const people = generateDemo()
      .lines.filter((l) => l.kind === 'person' && l.agency === 'social-care')
      .map((l) => l.data);
    const nhs = people.map((p) => p.nhsNumber).filter((n): n is string => typeof n === 'string');
    expect(nhs.length).toBeGreaterThan(300);
    expect(new Set(nhs).size).toBe(nhs.length);
    for (const n of nhs) {
      expect(n).toMatch(/^999\d{7}$/);
      expect(isValidNhsNumber(n)).toBe(true);
    }
    for (const p of people) expect(p.postcode).toMatch(/^ZZ\d /);
  });

  it('given the generated people, then some demographics are NOT_RECORDED and some not provided by the source', () => {
    const people = generateDemo()
      .lines.filter((l) => l.kind === 'person' && l.agency === 'social-care')
      .map((l) => l.data);
    const share = (pred: (p: Record<string, unknown>) => boolean) => people.filter(pred).length / people.length;
    expect(share((p) => p.ethnicity === 'NOT_RECORDED')).toBeGreaterThan(0.03);
    expect(share((p) => p.ethnicity === undefined)).toBeGreaterThan(0.03);
    expect(share((p) => p.religion === 'NOT_RECORDED')).toBeGreaterThan(0.1);
    expect(share((p) => p.ethnicity === 'WHITE_BRITISH')).toBeLessThan(0.8);
  });

  it('given mulberry32, when seeded alike, then it yields the same numbers in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
