import { directionOfTravel, ragAgainstTarget, ragByConvention } from './rating';
import { parseMetricsSettings } from './settings';
import { resolvePeriods, trailingMonths } from './period';

describe('RAG against target (GREEN within 5 %, AMBER within 15 %)', () => {
  it.each([
    // larger is better, target 0.9: green down to 0.855, amber down to 0.765
    [0.95, 0.9, 'LARGER_IS_BETTER', 'GREEN'],
    [0.855, 0.9, 'LARGER_IS_BETTER', 'GREEN'],
    [0.8549, 0.9, 'LARGER_IS_BETTER', 'AMBER'],
    [0.765, 0.9, 'LARGER_IS_BETTER', 'AMBER'],
    [0.7649, 0.9, 'LARGER_IS_BETTER', 'RED'],
    // smaller is better, target 24 h: green up to 25.2, amber up to 27.6
    [10, 24, 'SMALLER_IS_BETTER', 'GREEN'],
    [25.2, 24, 'SMALLER_IS_BETTER', 'GREEN'],
    [25.21, 24, 'SMALLER_IS_BETTER', 'AMBER'],
    [27.6, 24, 'SMALLER_IS_BETTER', 'AMBER'],
    [27.61, 24, 'SMALLER_IS_BETTER', 'RED'],
    // a target of 0 leaves no band
    [0, 0, 'SMALLER_IS_BETTER', 'GREEN'],
    [1, 0, 'SMALLER_IS_BETTER', 'RED'],
  ] as const)('%d against %d (%s) is %s', (value, target, polarity, expected) => {
    expect(ragAgainstTarget(value, target, polarity)).toBe(expected);
  });

  it('no value is NO_DATA; no target or polarity is NO_TARGET', () => {
    expect(ragAgainstTarget(null, 1, 'LARGER_IS_BETTER')).toBe('NO_DATA');
    expect(ragAgainstTarget(1, null, 'LARGER_IS_BETTER')).toBe('NO_TARGET');
    expect(ragAgainstTarget(1, 1, null)).toBe('NO_TARGET');
  });

  it('direction of travel follows polarity; equal is STABLE; unknown is null', () => {
    expect(directionOfTravel(2, 3, 'SMALLER_IS_BETTER')).toBe('IMPROVING');
    expect(directionOfTravel(4, 3, 'SMALLER_IS_BETTER')).toBe('WORSENING');
    expect(directionOfTravel(4, 3, 'LARGER_IS_BETTER')).toBe('IMPROVING');
    expect(directionOfTravel(3, 3, 'LARGER_IS_BETTER')).toBe('STABLE');
    expect(directionOfTravel(3, null, 'LARGER_IS_BETTER')).toBeNull();
    expect(directionOfTravel(3, 2, null)).toBeNull();
  });
});

describe('metrics settings', () => {
  it('overrides defaults per key and keeps the rest', () => {
    const s = parseMetricsSettings({
      targets: { decisionsWithinTimescale: { target: 0.9 } },
      bands: { green: 0.1, amber: 0.2 },
      teams: { 'pod-a': ['w1'] },
    });
    expect(s.targets.decisionsWithinTimescale).toEqual({ target: 0.9, polarity: 'LARGER_IS_BETTER' });
    expect(s.targets.timeInMashMedianHours).toEqual({ target: 24, polarity: 'SMALLER_IS_BETTER' });
    expect(s.bands).toEqual({ green: 0.1, amber: 0.2 });
    expect(s.timeZone).toBe('Europe/London');
  });

  it.each([
    [{ targets: { noSuchMeasure: { target: 1 } } }, 'targets'],
    [{ targets: { reReferralRate: { polarity: 'UP' } } }, 'targets.reReferralRate.polarity'],
    [{ bands: { green: 0.2, amber: 0.1 } }, 'bands'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ teams: { 'pod-a': [] } }, 'teams.pod-a'],
  ])('rejects %j naming %s', (raw, where) => {
    expect(() => parseMetricsSettings(raw)).toThrow(new RegExp(`MASH_METRICS_FILE: .*${where.replace('.', '\\.')}`));
  });
});

describe('periods', () => {
  it('January’s previous period is December of the year before', () => {
    expect(resolvePeriods({ month: '2026-01' }).previous).toEqual({
      label: '2025-12',
      from: '2025-12-01',
      to: '2025-12-31',
      until: '2026-01-01',
    });
  });
  it('a range’s previous period is the same number of days just before', () => {
    expect(resolvePeriods({ from: '2026-03-01', to: '2026-03-10' }).previous).toMatchObject({
      from: '2026-02-19',
      to: '2026-02-28',
      until: '2026-03-01',
    });
  });
});

describe('the IMPROVEMENT convention (Havering: ≤ 5 % off green; > 5 % off and improved amber; > 5 % off and not improved red)', () => {
  it.each([
    // larger is better, target 0.9: within 5 % (0.855) green whatever the trend
    [0.86, 0.95, 'GREEN'],
    [0.8, 0.7, 'AMBER'], // 11 % off but improved
    [0.8, 0.85, 'RED'], // 11 % off and worse
    [0.8, 0.8, 'RED'], // 11 % off, not improved (stable)
    [0.6, 0.5, 'AMBER'], // far off but improved: still amber
    [0.8, null, 'RED'], // no previous value: not shown to have improved
  ] as const)('%d (previous %s) against 0.9 is %s', (value, previous, expected) => {
    expect(ragByConvention('IMPROVEMENT', value, previous, 0.9, 'LARGER_IS_BETTER')).toBe(expected);
  });

  it('BANDS is the band rule; no data and no target stay as they are under both', () => {
    expect(ragByConvention('BANDS', 0.8, 0.7, 0.9, 'LARGER_IS_BETTER')).toBe('AMBER');
    expect(ragByConvention('BANDS', 0.6, 0.5, 0.9, 'LARGER_IS_BETTER')).toBe('RED');
    expect(ragByConvention('IMPROVEMENT', null, 0.5, 0.9, 'LARGER_IS_BETTER')).toBe('NO_DATA');
    expect(ragByConvention('IMPROVEMENT', 0.5, 0.4, null, 'LARGER_IS_BETTER')).toBe('NO_TARGET');
  });

  it('the settings file chooses the convention and carries comparators and commentary; bad ones are refused naming the field', () => {
    const s = parseMetricsSettings({
      ragConvention: 'IMPROVEMENT',
      targets: {
        reReferralRate: {
          comparators: [{ label: 'England 2023-24', value: 0.22 }],
          commentary: 'Fictional commentary.',
        },
      },
    });
    expect(s.ragConvention).toBe('IMPROVEMENT');
    expect(s.targets.reReferralRate).toMatchObject({
      target: 0.2,
      polarity: 'SMALLER_IS_BETTER',
      comparators: [{ label: 'England 2023-24', value: 0.22 }],
      commentary: 'Fictional commentary.',
    });
    expect(() => parseMetricsSettings({ ragConvention: 'TRAFFIC' })).toThrow('MASH_METRICS_FILE: ragConvention');
    expect(() =>
      parseMetricsSettings({ targets: { reReferralRate: { comparators: [{ label: 'England' }] } } }),
    ).toThrow('targets.reReferralRate.comparators.0.value');
  });
});

describe('the report’s trend months', () => {
  it('are the months ending with the reported one, oldest first, across a year end', () => {
    expect(trailingMonths('2026-02', 3).map((p) => [p.label, p.from, p.until])).toEqual([
      ['2025-12', '2025-12-01', '2026-01-01'],
      ['2026-01', '2026-01-01', '2026-02-01'],
      ['2026-02', '2026-02-01', '2026-03-01'],
    ]);
    expect(trailingMonths('2026-11', 12)).toHaveLength(12);
    expect(() => trailingMonths('2026-13', 12)).toThrow();
  });
});
