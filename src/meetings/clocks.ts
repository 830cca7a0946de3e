import { workingCalendar } from '../referrals/clocks';
import type { WorkingCalendar } from '../shared/working-calendar';
import { ICPC_WORKING_DAYS } from './vocabulary';

/**
 * Timeliness clocks of meetings (Working Together 2023): the initial child protection conference is
 * due within 15 working days of the strategy discussion that started the s47 enquiry. Days are
 * counted on the hub's working calendar (`src/referrals/clocks.ts`: weekends, England and Wales bank
 * holidays, local closure days), so the triage SLAs and this clock agree.
 */

const DAY = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The date `n` working days after `date` (YYYY-MM-DD), by the given working-day test. */
export function addWorkingDays(date: string, n: number, isWorkingDay: (isoDate: string) => boolean): string {
  if (!ISO_DATE.test(date)) throw new Error('addWorkingDays: date must be YYYY-MM-DD');
  if (!Number.isInteger(n) || n < 0) throw new Error('addWorkingDays: n must be a whole number of days');
  let t = Date.parse(`${date}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    t += DAY;
    if (isWorkingDay(new Date(t).toISOString().slice(0, 10))) left -= 1;
  }
  return new Date(t).toISOString().slice(0, 10);
}

/** The calendar date of an instant in London, YYYY-MM-DD. */
export function londonDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(at);
}

/** When the initial child protection conference is due after a strategy discussion held at `discussedAt`. */
export function icpcDueDate(discussedAt: Date, calendar: WorkingCalendar = workingCalendar()): string {
  return addWorkingDays(londonDate(discussedAt), ICPC_WORKING_DAYS, (d) => calendar.isWorkingDay(d));
}

/** Whole years between a date of birth and a date (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
