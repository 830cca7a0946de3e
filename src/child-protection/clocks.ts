import { addWorkingDays, londonDate } from '../meetings/clocks';
import { workingCalendar } from '../referrals/clocks';
import type { WorkingCalendar } from '../shared/working-calendar';
import { CP_TIMESCALES } from './vocabulary';

/**
 * The clocks of the child protection pathway (issue 24, ADR 017), all on the hub's working calendar
 * (weekends, England and Wales bank holidays with their substitute days, local closure days):
 * - initial conference: 15 working days after the LAST strategy discussion that started the enquiry;
 * - first core group: 10 working days after the initial conference;
 * - review conferences: "within 3 months" of the initial, then "within 6 months" of the previous
 *   review. A month clock ends on the same day of the month (the month's last day when it has no such
 *   day); when that day is not a working day the conference is due on the last working day before it,
 *   since "within" means it must be held by then and nobody holds a conference on a bank holiday.
 */

const DAY = 86_400_000;

/** A clock as reported: when due, when held (if it was), and whether it is late (held late, or not held and past due). */
export interface Clock {
  dueOn: string;
  heldOn: string | null;
  late: boolean;
}

export function clock(dueOn: string, heldOn: string | null, today: string = londonDate(new Date())): Clock {
  return { dueOn, heldOn, late: heldOn ? heldOn > dueOn : today > dueOn };
}

export function icpcDueOn(lastStrategyOn: string, calendar: WorkingCalendar = workingCalendar()): string {
  return addWorkingDays(lastStrategyOn, CP_TIMESCALES.icpcWorkingDays, (d) => calendar.isWorkingDay(d));
}

export function firstCoreGroupDueOn(icpcHeldOn: string, calendar: WorkingCalendar = workingCalendar()): string {
  return addWorkingDays(icpcHeldOn, CP_TIMESCALES.firstCoreGroupWorkingDays, (d) => calendar.isWorkingDay(d));
}

/** The date `months` calendar months after `date` (YYYY-MM-DD), clamped to the end of a shorter month. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** The last working day on or before `date`. */
export function workingDayOnOrBefore(date: string, calendar: WorkingCalendar = workingCalendar()): string {
  let t = Date.parse(`${date}T00:00:00Z`);
  while (!calendar.isWorkingDay(new Date(t).toISOString().slice(0, 10))) t -= DAY;
  return new Date(t).toISOString().slice(0, 10);
}

/** When a review conference is due: 3 months after the initial conference, or 6 after the previous review. */
export function reviewDueOn(
  previous: { kind: 'INITIAL' | 'REVIEW'; heldOn: string },
  calendar: WorkingCalendar = workingCalendar(),
): string {
  const months = previous.kind === 'INITIAL' ? CP_TIMESCALES.firstReviewMonths : CP_TIMESCALES.laterReviewMonths;
  return workingDayOnOrBefore(addMonths(previous.heldOn, months), calendar);
}

export { londonDate };
