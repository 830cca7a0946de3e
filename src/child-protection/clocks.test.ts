import { DEFAULT_CALENDAR, WorkingCalendar } from '../shared/working-calendar';
import { addMonths, clock, firstCoreGroupDueOn, icpcDueOn, reviewDueOn, workingDayOnOrBefore } from './clocks';
import { checkTransition, PLAN_TRANSITIONS, S47_TRANSITIONS } from './cp-state-machine';

/**
 * Hand-counted on the 2026/27 calendar: Fri 25 Dec and Sat 26 Dec 2026 are Christmas and Boxing Day,
 * Mon 28 Dec the substitute day, Fri 1 Jan 2027 New Year's Day.
 */
describe('child protection clocks', () => {
  const calendar = new WorkingCalendar(DEFAULT_CALENDAR);

  it('initial conference: 15 working days after the strategy discussion, over Christmas, the substitute day and New Year', () => {
    // Fri 11 Dec 2026: 14–18 (5), 21–24 (9), 29–31 (12), 4–6 Jan (15).
    expect(icpcDueOn('2026-12-11', calendar)).toBe('2027-01-06');
  });

  it('first core group: 10 working days after the initial conference, over the same holidays', () => {
    // Thu 17 Dec 2026: 18 (1), 21–24 (5), 29–31 (8), 4–5 Jan (10).
    expect(firstCoreGroupDueOn('2026-12-17', calendar)).toBe('2027-01-05');
  });

  it('first review: 3 months after the initial conference, brought back to the last working day before a holiday', () => {
    expect(reviewDueOn({ kind: 'INITIAL', heldOn: '2026-09-25' }, calendar)).toBe('2026-12-24'); // Christmas Day
    expect(reviewDueOn({ kind: 'INITIAL', heldOn: '2026-09-28' }, calendar)).toBe('2026-12-24'); // the substitute day
    expect(reviewDueOn({ kind: 'INITIAL', heldOn: '2026-09-29' }, calendar)).toBe('2026-12-29'); // a working day
  });

  it('later reviews: 6 months after the previous review (New Year’s Day → 31 Dec)', () => {
    expect(reviewDueOn({ kind: 'REVIEW', heldOn: '2026-07-01' }, calendar)).toBe('2026-12-31');
  });

  it('a month clock on a day the month has not ends on its last day (then the working day before)', () => {
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(reviewDueOn({ kind: 'INITIAL', heldOn: '2026-11-30' }, calendar)).toBe('2027-02-26'); // 28 Feb 2027 is a Sunday
    expect(workingDayOnOrBefore('2026-12-24', calendar)).toBe('2026-12-24');
  });

  it('a clock is late when held after its due date, or not held and past it', () => {
    expect(clock('2027-01-06', '2027-01-06', '2027-02-01')).toEqual({
      dueOn: '2027-01-06',
      heldOn: '2027-01-06',
      late: false,
    });
    expect(clock('2027-01-06', '2027-01-07', '2027-02-01').late).toBe(true);
    expect(clock('2027-01-06', null, '2027-01-06').late).toBe(false);
    expect(clock('2027-01-06', null, '2027-01-07').late).toBe(true);
  });
});

describe('child protection state machines (state × transition × role)', () => {
  it('social care concludes an open enquiry; an officer may not; a concluded one cannot be concluded again', () => {
    expect(checkTransition(S47_TRANSITIONS, 'OPEN', 'CONCLUDE', ['MASH_SOCIAL_WORKER'])).toEqual({
      allowed: true,
      to: 'DERIVED',
    });
    expect(checkTransition(S47_TRANSITIONS, 'OPEN', 'CONCLUDE', ['POLICE_MASH_OFFICER'])).toEqual({
      allowed: false,
      error: 'FORBIDDEN',
    });
    expect(checkTransition(S47_TRANSITIONS, 'CLOSED', 'CONCLUDE', ['MASH_MANAGER'])).toEqual({
      allowed: false,
      error: 'INVALID_TRANSITION',
    });
  });

  it('the initial conference is recorded only once the enquiry concluded for a conference', () => {
    expect(
      checkTransition(S47_TRANSITIONS, 'AWAITING_CONFERENCE', 'RECORD_INITIAL_CONFERENCE', ['MASH_SOCIAL_WORKER']),
    ).toEqual({ allowed: true, to: 'CONFERENCE_HELD' });
    for (const s of ['OPEN', 'CONFERENCE_HELD', 'CLOSED'] as const) {
      expect(checkTransition(S47_TRANSITIONS, s, 'RECORD_INITIAL_CONFERENCE', ['MASH_SOCIAL_WORKER'])).toEqual({
        allowed: false,
        error: 'INVALID_TRANSITION',
      });
    }
  });

  it('an ended plan takes no more changes', () => {
    for (const t of Object.keys(PLAN_TRANSITIONS)) {
      expect(checkTransition(PLAN_TRANSITIONS, 'ENDED', t, ['MASH_MANAGER'])).toEqual({
        allowed: false,
        error: 'INVALID_TRANSITION',
      });
      expect(checkTransition(PLAN_TRANSITIONS, 'ACTIVE', t, ['HEALTH_MASH_PRACTITIONER'])).toEqual({
        allowed: false,
        error: 'FORBIDDEN',
      });
    }
  });
});
