import { isValidNhsNumber } from '../people/vocabulary';
import { planDemoCases } from './demo-cases';
import { DEMO_DEFAULTS, demoToday, generateDemo, mulberry32 } from './demo-data';

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

  it('given no --as-of, then the demo is dated to today in London (after 23:00 UTC in summer it is already tomorrow)', () => {
    expect(DEMO_DEFAULTS.asOf).toBe(demoToday());
    expect(demoToday(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(demoToday(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });

  it('given the plan as of a Monday, then the open contacts came in over the last working days, only a few earlier, and the first is about a child referred before', () => {
    const asOf = '2026-11-02'; // a Monday: the last working days before it are Friday 30 and Thursday 29 October
    const { cases } = planDemoCases(200, { asOf, referrals: 300 });
    const open = cases.filter((c) => !['CLOSED', 'WITHDRAWN', 'CLOSED_WITH_DUPLICATE'].includes(c.ending));
    const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d);
    const recent = open.filter((c) => ['2026-10-29', '2026-10-30'].includes(day(c.receivedAt)));

    expect(open.length).toBe(18);
    expect(open.every((c) => c.receivedAt < new Date(`${asOf}T00:00:00Z`))).toBe(true);
    expect(open.length - recent.length).toBe(2); // one awaiting an overdue check, one proposal not yet authorised
    const first = open.sort((a, b) => a.n - b.n)[0]!;
    expect(cases.some((c) => c.childIndex === first.childIndex && c.receivedAt < first.receivedAt)).toBe(true);
  });
});
