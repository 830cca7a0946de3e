import { WorkingCalendar } from '../shared/working-calendar';
import { initialVisitDueOn, nextVisitDueOn, visitLate } from './clocks';

const calendar = new WorkingCalendar();

describe('the private fostering clocks', () => {
  it('given a notification on a Thursday before Christmas, then the initial visit is due 7 working days later, skipping the weekend and bank holidays', () => {
    // Thu 17 Dec 2026 → Fri 18, Mon 21, Tue 22, Wed 23, Thu 24, (Fri 25 and Mon 28 bank holidays: Boxing Day substitute), Tue 29, Wed 30.
    expect(initialVisitDueOn('2026-12-17', calendar)).toBe('2026-12-30');
  });

  it('given an ordinary week, then 7 working days is the Tuesday of the week after next from a Friday', () => {
    expect(initialVisitDueOn('2026-11-06', calendar)).toBe('2026-11-17');
  });

  it('given a visit in the first year, then the next is due 6 weeks later; after the first anniversary, 12 weeks later', () => {
    expect(nextVisitDueOn('2026-01-10', '2026-03-01')).toBe('2026-04-12');
    expect(nextVisitDueOn('2026-01-10', '2027-01-10')).toBe('2027-04-04');
  });

  it('given a visit held on its due date, then it is not late; a day after, then it is', () => {
    expect(visitLate('2026-11-17', '2026-11-17', '2026-12-01')).toBe(false);
    expect(visitLate('2026-11-17', '2026-11-18', '2026-12-01')).toBe(true);
    expect(visitLate('2026-11-17', null, '2026-11-17')).toBe(false);
    expect(visitLate('2026-11-17', null, '2026-11-18')).toBe(true);
  });
});
