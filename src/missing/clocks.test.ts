import { offeredWithinTimescale, returnInterviewDueAt } from './clocks';

describe('the return home interview clock: 72 hours of clock time', () => {
  it('given a return on a Friday evening, then the interview is due by Monday evening (weekends count)', () => {
    const returned = new Date('2026-11-06T19:30:00Z');
    expect(returnInterviewDueAt(returned).toISOString()).toBe('2026-11-09T19:30:00.000Z');
  });

  it('given a return across the clocks going back, then the due time is still 72 elapsed hours', () => {
    const returned = new Date('2026-10-24T12:00:00Z');
    expect(returnInterviewDueAt(returned).toISOString()).toBe('2026-10-27T12:00:00.000Z');
  });

  it('given an offer at exactly 72 hours, then it is within; a minute later, then it is not', () => {
    const returned = new Date('2026-11-02T08:00:00Z');
    expect(offeredWithinTimescale(returned, new Date('2026-11-05T08:00:00Z'))).toBe(true);
    expect(offeredWithinTimescale(returned, new Date('2026-11-05T08:01:00Z'))).toBe(false);
  });
});
