import { checkDueAt, decisionDueAt } from './clocks';

describe('referral clocks on the working calendar', () => {
  it.each([
    // Friday 15:00 BST before the August bank holiday (Mon 31 Aug 2026)
    ['AMBER decision', () => decisionDueAt('AMBER', new Date('2026-08-28T14:00:00Z')), '2026-09-01T14:00:00.000Z'],
    ['GREEN decision', () => decisionDueAt('GREEN', new Date('2026-08-28T14:00:00Z')), '2026-09-03T14:00:00.000Z'],
    [
      'RED decision runs on elapsed hours over the weekend',
      () => decisionDueAt('RED', new Date('2026-08-29T22:00:00Z')),
      '2026-08-30T02:00:00.000Z',
    ],
    [
      'AMBER check: 8 working hours from Friday 15:00 -> Tuesday 15:00',
      () => checkDueAt('AMBER', new Date('2026-08-28T14:00:00Z')),
      '2026-09-01T14:00:00.000Z',
    ],
    [
      'GREEN check: 2 working days',
      () => checkDueAt('GREEN', new Date('2026-08-28T14:00:00Z')),
      '2026-09-02T14:00:00.000Z',
    ],
  ])('given a referral received before a weekend and a bank holiday, %s is due at the right time', (_l, f, iso) => {
    expect(f().toISOString()).toBe(iso);
  });
});
