import { addWorkingDays, ageOn, ENGLAND_AND_WALES_BANK_HOLIDAYS, icpcDueDate } from './clocks';

describe('meeting clocks', () => {
  it('counts 15 working days across Christmas and New Year, skipping weekends and bank holidays', () => {
    // Mon 22 Dec 2025: 25, 26 Dec and 1 Jan are bank holidays.
    expect(addWorkingDays('2025-12-22', 15, ENGLAND_AND_WALES_BANK_HOLIDAYS)).toBe('2026-01-15');
    expect(addWorkingDays('2025-12-22', 15, new Set())).toBe('2026-01-12');
  });

  it('uses substitute days when Christmas falls at a weekend (2026: Boxing Day on a Saturday)', () => {
    expect(addWorkingDays('2026-12-24', 1, ENGLAND_AND_WALES_BANK_HOLIDAYS)).toBe('2026-12-29');
  });

  it('counts from the London date of the discussion (late evening BST is still that day)', () => {
    expect(icpcDueDate(new Date('2026-07-06T22:30:00Z'))).toBe(addWorkingDays('2026-07-06', 15, ENGLAND_AND_WALES_BANK_HOLIDAYS));
    expect(icpcDueDate(new Date('2026-04-01T09:00:00Z'))).toBe('2026-04-24');
  });

  it('works out age on a date', () => {
    expect(ageOn('2022-05-10', '2026-05-09')).toBe(3);
    expect(ageOn('2022-05-10', '2026-05-10')).toBe(4);
  });

  it('rejects malformed dates', () => {
    expect(() => addWorkingDays('22/12/2025', 1, new Set())).toThrow('YYYY-MM-DD');
  });
});
