import { DEFAULT_CALENDAR, WorkingCalendar } from '../shared/working-calendar';
import { addWorkingDays, ageOn, icpcDueDate } from './clocks';

describe('meeting clocks', () => {
  const calendar = new WorkingCalendar(DEFAULT_CALENDAR);
  const working = (d: string) => calendar.isWorkingDay(d);

  it('counts 15 working days across Christmas and New Year, skipping weekends and bank holidays', () => {
    // Mon 22 Dec 2025: 25, 26 Dec and 1 Jan are bank holidays.
    expect(addWorkingDays('2025-12-22', 15, working)).toBe('2026-01-15');
    const weekdaysOnly = (d: string) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
    expect(addWorkingDays('2025-12-22', 15, weekdaysOnly)).toBe('2026-01-12');
  });

  it('uses substitute days when Christmas falls at a weekend (2026: Boxing Day on a Saturday)', () => {
    expect(addWorkingDays('2026-12-24', 1, working)).toBe('2026-12-29');
  });

  it('counts from the London date of the discussion, over Easter', () => {
    // Wed 1 Apr 2026: Good Friday 3 Apr and Easter Monday 6 Apr.
    expect(icpcDueDate(new Date('2026-04-01T09:00:00Z'), calendar)).toBe('2026-04-24');
    // 23:30 BST on Mon 6 Jul 2026 is still the 6th in London (22:30 UTC).
    expect(icpcDueDate(new Date('2026-07-06T22:30:00Z'), calendar)).toBe(addWorkingDays('2026-07-06', 15, working));
  });

  it('honours local closure days of a configured calendar', () => {
    const closed = new WorkingCalendar({ ...DEFAULT_CALENDAR, extraHolidays: ['2026-04-02'] });
    expect(icpcDueDate(new Date('2026-04-01T09:00:00Z'), closed)).toBe('2026-04-27');
  });

  it('works out age on a date', () => {
    expect(ageOn('2022-05-10', '2026-05-09')).toBe(3);
    expect(ageOn('2022-05-10', '2026-05-10')).toBe(4);
  });

  it('rejects malformed dates', () => {
    expect(() => addWorkingDays('22/12/2025', 1, working)).toThrow('YYYY-MM-DD');
  });
});
