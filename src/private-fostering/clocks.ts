import { addWorkingDays } from '../meetings/clocks';
import { workingCalendar } from '../referrals/clocks';
import type { WorkingCalendar } from '../shared/working-calendar';
import { FIRST_YEAR_VISIT_INTERVAL_DAYS, INITIAL_VISIT_WORKING_DAYS, LATER_VISIT_INTERVAL_DAYS } from './vocabulary';

/**
 * The statutory clocks of private fostering (ADR 018): the initial visit is due 7 working days after
 * the day of notification, on the hub's working calendar; later visits are due at most 6 weeks after
 * the previous one in the first year of the arrangement, at most 12 weeks after it once the previous
 * visit fell on or after the arrangement's first anniversary. All dates are London dates, YYYY-MM-DD.
 */

const DAY = 86_400_000;
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

export function initialVisitDueOn(notifiedOn: string, calendar: WorkingCalendar = workingCalendar()): string {
  return addWorkingDays(notifiedOn, INITIAL_VISIT_WORKING_DAYS, (d) => calendar.isWorkingDay(d));
}

/** When the visit after one held on `previousVisitOn` is due, for an arrangement that started on `arrangementStartedOn`. */
export function nextVisitDueOn(arrangementStartedOn: string, previousVisitOn: string): string {
  const [y, m, d] = arrangementStartedOn.split('-');
  const firstAnniversary = `${Number(y) + 1}-${m}-${d}`;
  return addDays(
    previousVisitOn,
    previousVisitOn >= firstAnniversary ? LATER_VISIT_INTERVAL_DAYS : FIRST_YEAR_VISIT_INTERVAL_DAYS,
  );
}

/** Late: held after its due date, or not held and the due date has passed. */
export function visitLate(dueOn: string, heldOn: string | null, today: string): boolean {
  return heldOn ? heldOn > dueOn : today > dueOn;
}
