import {
  DEFAULT_CALENDAR,
  DEFAULT_SLA,
  Duration,
  WorkingCalendar,
  WorkingCalendarConfig,
  dueAt,
  easterSunday,
  englandAndWalesBankHolidays,
  fromLondon,
  londonParts,
} from './working-calendar';

// Reference dates (2026): Fri 16 Jan; BST starts Sun 29 Mar, ends Sun 25 Oct;
// Good Friday 3 Apr, Easter Monday 6 Apr; Spring bank holiday Mon 25 May;
// Christmas Fri 25 Dec, Boxing Day substitute Mon 28 Dec.
const calendar = new WorkingCalendar();
const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('londonParts', () => {
  it.each([
    ['2026-01-01T00:00:00.000Z', { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0, weekday: 4 }],
    ['2026-07-01T23:30:15.000Z', { year: 2026, month: 7, day: 2, hour: 0, minute: 30, second: 15, weekday: 4 }],
    ['2026-03-29T00:59:59.000Z', { year: 2026, month: 3, day: 29, hour: 0, minute: 59, second: 59, weekday: 7 }],
    ['2026-03-29T01:00:00.000Z', { year: 2026, month: 3, day: 29, hour: 2, minute: 0, second: 0, weekday: 7 }],
    ['2026-10-25T00:30:00.000Z', { year: 2026, month: 10, day: 25, hour: 1, minute: 30, second: 0, weekday: 7 }],
    ['2026-10-25T01:30:00.000Z', { year: 2026, month: 10, day: 25, hour: 1, minute: 30, second: 0, weekday: 7 }],
  ])('given instant %s, when read in London, then wall clock is %o', (iso, expected) => {
    expect(londonParts(at(iso))).toEqual(expected);
  });
});

describe('fromLondon', () => {
  it.each([
    ['a GMT winter time', [2026, 1, 12, 9, 0], '2026-01-12T09:00:00.000Z'],
    ['a BST summer time', [2026, 7, 1, 12, 0], '2026-07-01T11:00:00.000Z'],
    ['the last GMT minute before spring forward', [2026, 3, 29, 0, 59], '2026-03-29T00:59:00.000Z'],
    ['a nonexistent spring-gap time (pushed forward to 02:30 BST)', [2026, 3, 29, 1, 30], '2026-03-29T01:30:00.000Z'],
    ['the first BST minute after spring forward', [2026, 3, 29, 2, 0], '2026-03-29T01:00:00.000Z'],
    ['an ambiguous autumn-overlap time (earlier, BST, instant)', [2026, 10, 25, 1, 30], '2026-10-25T00:30:00.000Z'],
    ['the first unambiguous GMT time after fall back', [2026, 10, 25, 2, 0], '2026-10-25T02:00:00.000Z'],
    ['midnight before fall back', [2026, 10, 25, 0, 0], '2026-10-24T23:00:00.000Z'],
  ] as const)('given %s, when converted to an instant, then it is %s', (_label, [y, m, d, h, mi], expected) => {
    expect(fromLondon(y, m, d, h, mi).toISOString()).toBe(expected);
  });

  it.each([
    ['30 February', [2026, 2, 30, 9, 0]],
    ['hour 24', [2026, 1, 1, 24, 0]],
    ['minute 60', [2026, 1, 1, 9, 60]],
    ['month 13', [2026, 13, 1, 9, 0]],
  ] as const)('given %s, when converted, then it throws a RangeError', (_label, [y, m, d, h, mi]) => {
    expect(() => fromLondon(y, m, d, h, mi)).toThrow(RangeError);
  });

  it.each(['2026-01-12T10:15:00.000Z', '2026-07-01T16:59:00.000Z', '2026-10-25T02:00:00.000Z'])(
    'given instant %s, when round-tripped through London wall clock, then it is unchanged',
    (iso) => {
      const p = londonParts(at(iso));
      expect(fromLondon(p.year, p.month, p.day, p.hour, p.minute).toISOString()).toBe(iso);
    },
  );
});

describe('englandAndWalesBankHolidays', () => {
  it.each([
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2011, '2011-04-24'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('given year %i, when computing Easter, then Easter Sunday is %s', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
  });

  it.each([
    // Jan 1 on a Sunday -> Mon 2 Jan substitute; Coronation on 8 May.
    [2023, ['01-02', '04-07', '04-10', '05-01', '05-08', '05-29', '08-28', '12-25', '12-26']],
    [2024, ['01-01', '03-29', '04-01', '05-06', '05-27', '08-26', '12-25', '12-26']],
    [2025, ['01-01', '04-18', '04-21', '05-05', '05-26', '08-25', '12-25', '12-26']],
    // Boxing Day on a Saturday -> Mon 28 Dec substitute.
    [2026, ['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28']],
    // Christmas on a Saturday, Boxing Day on a Sunday -> Mon 27 and Tue 28.
    [2027, ['01-01', '03-26', '03-29', '05-03', '05-31', '08-30', '12-27', '12-28']],
    // Early May moved to Fri 8 May (VE Day 75).
    [2020, ['01-01', '04-10', '04-13', '05-08', '05-25', '08-31', '12-25', '12-28']],
    [2021, ['01-01', '04-02', '04-05', '05-03', '05-31', '08-30', '12-27', '12-28']],
    // Spring moved to Thu 2 June, Platinum Jubilee Fri 3 June, State Funeral 19 Sep;
    // Christmas on a Sunday -> Mon 26 and Tue 27.
    [2022, ['01-03', '04-15', '04-18', '05-02', '06-02', '06-03', '08-29', '09-19', '12-26', '12-27']],
    // Spring moved to Mon 4 June, Diamond Jubilee Tue 5 June.
    [2012, ['01-02', '04-06', '04-09', '05-07', '06-04', '06-05', '08-27', '12-25', '12-26']],
  ])('given year %i, when listing bank holidays, then they match gov.uk', (year, monthDays) => {
    expect(englandAndWalesBankHolidays(year)).toEqual(monthDays.map((md) => `${year}-${md}`));
  });

  it('given a caller mutates the returned list, when listing again, then the original is intact', () => {
    englandAndWalesBankHolidays(2026).push('2026-01-02');
    expect(englandAndWalesBankHolidays(2026)).not.toContain('2026-01-02');
  });

  it.each([1500, 2026.5, 10_000])('given year %p, when listing bank holidays, then it throws', (year) => {
    expect(() => englandAndWalesBankHolidays(year)).toThrow(RangeError);
  });
});

describe('WorkingCalendar.isWorkingDay', () => {
  it.each([
    ['a Friday', '2026-01-16', true],
    ['a Saturday', '2026-01-17', false],
    ['a Sunday', '2026-01-18', false],
    ['Good Friday', '2026-04-03', false],
    ['Easter Monday', '2026-04-06', false],
    ['the Tuesday after Easter', '2026-04-07', true],
    ['Christmas Day', '2026-12-25', false],
    ['the Boxing Day substitute', '2026-12-28', false],
    ['the day after the substitute', '2026-12-29', true],
    ['the spring clock-change Monday', '2026-03-30', true],
  ])('given %s (%s), when checked on the default calendar, then working day is %p', (_label, iso, expected) => {
    expect(calendar.isWorkingDay(iso)).toBe(expected);
  });

  it.each([
    ['Saturday working', { workingDays: [1, 2, 3, 4, 5, 6] }, '2026-01-17', true],
    ['bank holidays worked', { excludeBankHolidays: false }, '2026-04-06', true],
    ['an extra closure day', { extraHolidays: ['2026-12-24'] }, '2026-12-24', false],
    ['Sunday-only rota', { workingDays: [7] }, '2026-01-16', false],
  ])('given a calendar with %s, when checking %s, then working day is %p', (_label, config, iso, expected) => {
    expect(WorkingCalendar.fromConfig(config).isWorkingDay(iso)).toBe(expected);
  });

  it.each(['2026-02-30', '2026-1-5', 'tomorrow'])('given malformed date %p, when checked, then it throws', (iso) => {
    expect(() => calendar.isWorkingDay(iso)).toThrow(RangeError);
  });
});

describe('WorkingCalendar.isWorkingTime', () => {
  it.each([
    ['one ms before day start (GMT)', '2026-01-12T08:59:59.999Z', false],
    ['day start (GMT)', '2026-01-12T09:00:00.000Z', true],
    ['one ms before day end (GMT)', '2026-01-12T16:59:59.999Z', true],
    ['day end, which is exclusive', '2026-01-12T17:00:00.000Z', false],
    ['Saturday midday', '2026-01-17T12:00:00.000Z', false],
    ['Good Friday midday', '2026-04-03T11:00:00.000Z', false],
    ['09:30 BST (08:30Z)', '2026-03-30T08:30:00.000Z', true],
    ['08:30 BST (07:30Z)', '2026-03-30T07:30:00.000Z', false],
    ['17:30 BST (16:30Z)', '2026-03-30T16:30:00.000Z', false],
  ])('given %s, when checked, then working time is %p', (_label, iso, expected) => {
    expect(calendar.isWorkingTime(at(iso))).toBe(expected);
  });
});

describe('WorkingCalendar.addWorkingHours', () => {
  it.each([
    ['Mon 10:00 GMT, within one day', '2026-01-12T10:00:00.000Z', 2, '2026-01-12T12:00:00.000Z'],
    ['Fri 15:00, over a weekend', '2026-01-16T15:00:00.000Z', 4, '2026-01-19T11:00:00.000Z'],
    ['Sat midday, starting on a weekend', '2026-01-17T12:00:00.000Z', 1, '2026-01-19T10:00:00.000Z'],
    ['Mon 07:30, before hours', '2026-01-12T07:30:00.000Z', 1, '2026-01-12T10:00:00.000Z'],
    ['Mon 18:00, after hours', '2026-01-12T18:00:00.000Z', 1, '2026-01-13T10:00:00.000Z'],
    ['Mon 09:00, quota ending exactly at day end', '2026-01-12T09:00:00.000Z', 8, '2026-01-12T17:00:00.000Z'],
    ['Fri 13:00, quota ending exactly at Friday end', '2026-01-16T13:00:00.000Z', 4, '2026-01-16T17:00:00.000Z'],
    ['Mon 09:00, two full days ending at day end', '2026-01-12T09:00:00.000Z', 16, '2026-01-13T17:00:00.000Z'],
    ['Sat, a full day ending at Monday end', '2026-01-17T12:00:00.000Z', 8, '2026-01-19T17:00:00.000Z'],
    ['Mon 16:45, a fractional quota', '2026-01-12T16:45:00.000Z', 0.5, '2026-01-13T09:15:00.000Z'],
    ['Mon 08:00 with zero hours', '2026-01-12T08:00:00.000Z', 0, '2026-01-12T09:00:00.000Z'],
    ['Fri 17:00 (day end) with zero hours', '2026-01-16T17:00:00.000Z', 0, '2026-01-16T17:00:00.000Z'],
    ['Thu 15:00 BST before Easter', '2026-04-02T14:00:00.000Z', 4, '2026-04-07T10:00:00.000Z'],
    ['Fri 15:00 GMT before spring forward', '2026-03-27T15:00:00.000Z', 4, '2026-03-30T10:00:00.000Z'],
    ['Fri 15:00 BST before fall back', '2026-10-23T14:00:00.000Z', 4, '2026-10-26T11:00:00.000Z'],
    [
      'Thu 24 Dec 16:00, over Christmas and the 28th substitute',
      '2026-12-24T16:00:00.000Z',
      2,
      '2026-12-29T10:00:00.000Z',
    ],
    ['Fri 22 May 15:00 BST, over the Spring bank holiday', '2026-05-22T14:00:00.000Z', 8, '2026-05-26T14:00:00.000Z'],
  ])('given start %s (%s), when adding %p working hours, then due %s', (_label, start, hours, expected) => {
    expect(calendar.addWorkingHours(at(start), hours).toISOString()).toBe(expected);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('given %p hours, when adding, then it throws', (hours) => {
    expect(() => calendar.addWorkingHours(at('2026-01-12T10:00:00.000Z'), hours)).toThrow(RangeError);
  });

  it('given an invalid Date, when adding, then it throws', () => {
    expect(() => calendar.addWorkingHours(new Date('nope'), 1)).toThrow(RangeError);
  });
});

describe('WorkingCalendar.addWorkingDays', () => {
  it.each([
    ['Fri 15:00, over a weekend', '2026-01-16T15:00:00.000Z', 1, '2026-01-19T15:00:00.000Z'],
    [
      'Fri 22 May 15:00 BST, over the Spring bank holiday Monday',
      '2026-05-22T14:00:00.000Z',
      1,
      '2026-05-26T14:00:00.000Z',
    ],
    ['Thu 10:00 BST, over Easter', '2026-04-02T09:00:00.000Z', 1, '2026-04-07T09:00:00.000Z'],
    [
      'Thu 24 Dec 10:00, over Christmas and the 28th substitute',
      '2026-12-24T10:00:00.000Z',
      1,
      '2026-12-29T10:00:00.000Z',
    ],
    ['Fri 15:00 GMT, over spring forward (wall clock kept)', '2026-03-27T15:00:00.000Z', 1, '2026-03-30T14:00:00.000Z'],
    ['Fri 15:00 BST, over fall back (wall clock kept)', '2026-10-23T14:00:00.000Z', 1, '2026-10-26T15:00:00.000Z'],
    ['Mon 07:00, before hours (moves to Mon 09:00)', '2026-01-12T07:00:00.000Z', 1, '2026-01-13T09:00:00.000Z'],
    ['Fri 18:30, after hours (moves to Mon 09:00)', '2026-01-16T18:30:00.000Z', 1, '2026-01-20T09:00:00.000Z'],
    ['Sat 10:00, on a weekend (moves to Mon 09:00)', '2026-01-17T10:00:00.000Z', 3, '2026-01-22T09:00:00.000Z'],
    ['Fri 17:00, exactly at day end (kept)', '2026-01-16T17:00:00.000Z', 1, '2026-01-19T17:00:00.000Z'],
    ['Mon 10:00 with zero days', '2026-01-12T10:00:00.000Z', 0, '2026-01-12T10:00:00.000Z'],
    ['Mon 10:15:30.250, seconds kept', '2026-01-12T10:15:30.250Z', 2, '2026-01-14T10:15:30.250Z'],
    ['Mon 10:00, over two weekends', '2026-01-12T10:00:00.000Z', 10, '2026-01-26T10:00:00.000Z'],
  ])('given start %s (%s), when adding %p working days, then due %s', (_label, start, days, expected) => {
    expect(calendar.addWorkingDays(at(start), days).toISOString()).toBe(expected);
  });

  it.each([-1, 1.5, Number.NaN])('given %p days, when adding, then it throws', (days) => {
    expect(() => calendar.addWorkingDays(at('2026-01-12T10:00:00.000Z'), days)).toThrow(RangeError);
  });
});

describe('WorkingCalendar.addElapsedHours', () => {
  it.each([
    ['Sat 22:00, out of hours', '2026-01-17T22:00:00.000Z', 4, '2026-01-18T02:00:00.000Z'],
    ['00:30 GMT on spring-forward night (lands 03:30 BST)', '2026-03-29T00:30:00.000Z', 2, '2026-03-29T02:30:00.000Z'],
    ['Good Friday 10:00 BST', '2026-04-03T09:00:00.000Z', 4, '2026-04-03T13:00:00.000Z'],
  ])('given start %s (%s), when adding %p elapsed hours, then due %s', (_label, start, hours, expected) => {
    expect(calendar.addElapsedHours(at(start), hours).toISOString()).toBe(expected);
  });
});

describe('WorkingCalendar.workingMillisBetween', () => {
  it.each([
    ['within one day', '2026-01-12T10:00:00.000Z', '2026-01-12T12:30:00.000Z', 2.5],
    ['Fri 15:00 to Mon 11:00, across a weekend', '2026-01-16T15:00:00.000Z', '2026-01-19T11:00:00.000Z', 4],
    ['Fri 17:00 to Mon 09:00, only the weekend', '2026-01-16T17:00:00.000Z', '2026-01-19T09:00:00.000Z', 0],
    ['Sat to Sun, entirely out of hours', '2026-01-17T08:00:00.000Z', '2026-01-18T20:00:00.000Z', 0],
    ['Mon 00:00 to next Mon 00:00, a full week', '2026-01-12T00:00:00.000Z', '2026-01-19T00:00:00.000Z', 40],
    ['Thu to Tue, across Easter', '2026-04-02T14:00:00.000Z', '2026-04-07T10:00:00.000Z', 4],
    ['Fri GMT to Mon BST, across spring forward', '2026-03-27T15:00:00.000Z', '2026-03-30T10:00:00.000Z', 4],
    ['Fri BST to Mon GMT, across fall back', '2026-10-23T14:00:00.000Z', '2026-10-26T11:00:00.000Z', 4],
    ['Thu 24 Dec to Tue 29 Dec, across Christmas', '2026-12-24T16:00:00.000Z', '2026-12-29T10:00:00.000Z', 2],
    ['equal instants', '2026-01-12T10:00:00.000Z', '2026-01-12T10:00:00.000Z', 0],
    ['reversed instants (negative)', '2026-01-19T11:00:00.000Z', '2026-01-16T15:00:00.000Z', -4],
  ])('given %s (%s to %s), when measuring, then %p working hours elapsed', (_label, a, b, hours) => {
    expect(calendar.workingMillisBetween(at(a), at(b))).toBe(hours * HOUR);
  });

  it.each([
    ['2026-01-16T15:00:00.000Z', 4],
    ['2026-04-02T14:00:00.000Z', 20],
    ['2026-10-23T14:00:00.000Z', 9.25],
    ['2026-12-24T16:00:00.000Z', 1],
  ])(
    'given a start in working time %s, when adding %p working hours and measuring back, then they agree',
    (start, hours) => {
      const due = calendar.addWorkingHours(at(start), hours);
      expect(calendar.workingMillisBetween(at(start), due)).toBe(hours * HOUR);
    },
  );
});

describe('WorkingCalendar.fromConfig', () => {
  it('given an empty partial, when built, then it uses the defaults', () => {
    expect(WorkingCalendar.fromConfig({}).config).toEqual(DEFAULT_CALENDAR);
  });

  it('given a partial with an undefined value, when built, then that key defaults', () => {
    expect(WorkingCalendar.fromConfig({ dayStart: undefined, dayEnd: '16:00' }).config).toEqual({
      ...DEFAULT_CALENDAR,
      dayEnd: '16:00',
    });
  });

  it('given 08:30-16:30 hours, when adding 8 working hours from Mon 08:30, then due Mon 16:30', () => {
    const cal = WorkingCalendar.fromConfig({ dayStart: '08:30', dayEnd: '16:30' });
    expect(cal.addWorkingHours(at('2026-01-12T08:30:00.000Z'), 8).toISOString()).toBe('2026-01-12T16:30:00.000Z');
  });

  it('given the caller mutates its array after building, when checking, then the calendar is unaffected', () => {
    const extraHolidays = ['2026-01-12'];
    const cal = WorkingCalendar.fromConfig({ extraHolidays });
    extraHolidays.push('2026-01-13');
    expect(cal.isWorkingDay('2026-01-13')).toBe(true);
  });

  it.each<[string, unknown, RegExp]>([
    ['empty workingDays', { workingDays: [] }, /workingDays must be a non-empty array/],
    ['workingDays not an array', { workingDays: 'Mon-Fri' }, /workingDays must be a non-empty array/],
    ['workingDays with 0', { workingDays: [0, 1] }, /workingDays must contain only integers 1-7 \(got 0\)/],
    ['workingDays with 8', { workingDays: [1, 8] }, /workingDays must contain only integers 1-7 \(got 8\)/],
    ['workingDays with a fraction', { workingDays: [1.5] }, /workingDays must contain only integers/],
    ['duplicate workingDays', { workingDays: [1, 1] }, /workingDays must not contain duplicates/],
    ['dayStart without a leading zero', { dayStart: '9:00' }, /dayStart must be a 'HH:MM' time/],
    ['dayStart 25:00', { dayStart: '25:00' }, /dayStart must be a 'HH:MM' time/],
    ['dayEnd 17:60', { dayEnd: '17:60' }, /dayEnd must be a 'HH:MM' time/],
    ['dayEnd as a number', { dayEnd: 17 }, /dayEnd must be a 'HH:MM' time/],
    ['dayEnd before dayStart', { dayStart: '17:00', dayEnd: '09:00' }, /dayEnd must be later than dayStart/],
    ['dayEnd equal to dayStart', { dayStart: '09:00', dayEnd: '09:00' }, /dayEnd must be later than dayStart/],
    [
      'an impossible extra holiday',
      { extraHolidays: ['2026-02-30'] },
      /extraHolidays must contain only valid ISO dates/,
    ],
    ['a non-ISO extra holiday', { extraHolidays: ['25/12/2026'] }, /extraHolidays must contain only valid ISO dates/],
    ['extraHolidays not an array', { extraHolidays: '2026-12-24' }, /extraHolidays must be an array/],
    ['excludeBankHolidays as a string', { excludeBankHolidays: 'yes' }, /excludeBankHolidays must be a boolean/],
    ['a misspelt key', { workingDay: [1, 2, 3] }, /workingDay is not a known key/],
    ['a non-object config', null, /expected an object/],
  ])('given %s, when building a calendar, then it throws naming the bad key', (_label, partial, message) => {
    expect(() => WorkingCalendar.fromConfig(partial as Partial<WorkingCalendarConfig>)).toThrow(message);
  });

  it('given a full invalid config, when constructed directly, then it also validates', () => {
    expect(() => new WorkingCalendar({ ...DEFAULT_CALENDAR, workingDays: [] })).toThrow(/workingDays/);
  });
});

describe('dueAt with DEFAULT_SLA', () => {
  const fridayAfternoon = '2026-01-16T15:00:00.000Z';
  const saturdayNight = '2026-01-17T22:00:00.000Z';

  it.each([
    ['Fri 15:00', fridayAfternoon, 'decision', 'RED', '2026-01-16T19:00:00.000Z'],
    ['Fri 15:00', fridayAfternoon, 'decision', 'AMBER', '2026-01-19T15:00:00.000Z'],
    ['Fri 15:00', fridayAfternoon, 'decision', 'GREEN', '2026-01-21T15:00:00.000Z'],
    ['Fri 15:00', fridayAfternoon, 'check', 'RED', '2026-01-16T17:00:00.000Z'],
    ['Fri 15:00', fridayAfternoon, 'check', 'AMBER', '2026-01-19T15:00:00.000Z'],
    ['Fri 15:00', fridayAfternoon, 'check', 'GREEN', '2026-01-20T15:00:00.000Z'],
    // RED runs on elapsed time out of hours; the rest wait for Monday 09:00.
    ['Sat 22:00', saturdayNight, 'decision', 'RED', '2026-01-18T02:00:00.000Z'],
    ['Sat 22:00', saturdayNight, 'decision', 'AMBER', '2026-01-20T09:00:00.000Z'],
    ['Sat 22:00', saturdayNight, 'decision', 'GREEN', '2026-01-22T09:00:00.000Z'],
    ['Sat 22:00', saturdayNight, 'check', 'RED', '2026-01-18T00:00:00.000Z'],
    ['Sat 22:00', saturdayNight, 'check', 'AMBER', '2026-01-19T17:00:00.000Z'],
    ['Sat 22:00', saturdayNight, 'check', 'GREEN', '2026-01-21T09:00:00.000Z'],
  ] as const)(
    'given a referral at %s (%s), when the %s clock is %s, then due %s',
    (_label, start, clock, rag, expected) => {
      expect(dueAt(calendar, at(start), DEFAULT_SLA[clock][rag]).toISOString()).toBe(expected);
    },
  );

  it.each<[string, Duration, RegExp | ErrorConstructor]>([
    ['negative elapsed hours', { unit: 'ELAPSED_HOURS', amount: -1 }, RangeError],
    ['fractional working days', { unit: 'WORKING_DAYS', amount: 0.5 }, RangeError],
    [
      'an unknown unit',
      { unit: 'FORTNIGHTS' as Duration['unit'], amount: 1 },
      /Unknown SLA duration unit: "FORTNIGHTS"/,
    ],
  ])('given %s, when computing the due time, then it throws', (_label, duration, error) => {
    expect(() => dueAt(calendar, at(fridayAfternoon), duration)).toThrow(error);
  });
});
