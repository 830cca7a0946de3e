import { ICPC_WORKING_DAYS } from './vocabulary';

/**
 * Timeliness clocks of meetings (Working Together 2023): the initial child protection conference is
 * due within 15 working days of the strategy discussion that started the s47 enquiry.
 *
 * PROVISIONAL: the hub's working calendar (`src/referrals/working-calendar.ts`, configurable per hub)
 * is not on main yet. Until it is, working days are counted here against England and Wales bank
 * holidays 2025–2027; `icpcDueDate` is the one function to re-point at `addWorkingDays(DEFAULT_CALENDAR, ...)`.
 */

/** England and Wales bank holidays (gov.uk/bank-holidays), substitute days included. */
export const ENGLAND_AND_WALES_BANK_HOLIDAYS: ReadonlySet<string> = new Set([
  // 2025
  '2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26',
  // 2026
  '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
  // 2027
  '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
]);

const DAY = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The date `n` working days after `date` (YYYY-MM-DD): weekends and bank holidays do not count. */
export function addWorkingDays(date: string, n: number, bankHolidays: ReadonlySet<string>): string {
  if (!ISO_DATE.test(date)) throw new Error('addWorkingDays: date must be YYYY-MM-DD');
  if (!Number.isInteger(n) || n < 0) throw new Error('addWorkingDays: n must be a whole number of days');
  let t = Date.parse(`${date}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    t += DAY;
    const d = new Date(t);
    const weekday = d.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    if (bankHolidays.has(d.toISOString().slice(0, 10))) continue;
    left -= 1;
  }
  return new Date(t).toISOString().slice(0, 10);
}

/** The calendar date of an instant in London, YYYY-MM-DD. */
export function londonDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(at);
}

/** When the initial child protection conference is due after a strategy discussion held at `discussedAt`. */
export function icpcDueDate(discussedAt: Date): string {
  return addWorkingDays(londonDate(discussedAt), ICPC_WORKING_DAYS, ENGLAND_AND_WALES_BANK_HOLIDAYS);
}

/** Whole years between a date of birth and a date (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
