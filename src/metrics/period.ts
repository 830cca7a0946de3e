import { badInput } from '../shared/errors';

/**
 * A reporting period in local calendar dates (the partnership's time zone, Europe/London by
 * default): `from` inclusive, `until` exclusive. The SQL turns these into instants with
 * `date::timestamp AT TIME ZONE tz`, so 23:59 on the last day is in and 00:00 on the next day is out,
 * in GMT and BST alike.
 */
export interface Period {
  label: string;
  /** First local day, YYYY-MM-DD. */
  from: string;
  /** Last local day, YYYY-MM-DD (inclusive). */
  to: string;
  /** The day after `to`, YYYY-MM-DD. */
  until: string;
}

export interface PeriodRequest {
  month?: string | null;
  from?: string | null;
  to?: string | null;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

function parseDay(field: string, s: string): Date {
  if (!DAY.test(s)) throw badInput(field, 'must be a date YYYY-MM-DD');
  const d = new Date(`${s}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) throw badInput(field, 'is not a calendar date');
  return d;
}
const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * DAY_MS);

function monthPeriod(year: number, month: number): Period {
  const start = new Date(Date.UTC(year, month - 1, 1));
  const next = new Date(Date.UTC(year, month, 1));
  return { label: iso(start).slice(0, 7), from: iso(start), to: iso(addDays(next, -1)), until: iso(next) };
}

/** The requested period and the one before it (the previous month, or the same number of days before). */
export function resolvePeriods(req: PeriodRequest): { current: Period; previous: Period } {
  const hasMonth = req.month !== undefined && req.month !== null;
  const hasRange = (req.from ?? null) !== null || (req.to ?? null) !== null;
  if (hasMonth === hasRange) throw badInput('period', 'give either month (YYYY-MM) or from and to (YYYY-MM-DD)');
  if (hasMonth) {
    const m = MONTH.exec(req.month as string);
    if (!m) throw badInput('period.month', 'must be YYYY-MM');
    const year = Number(m[1]);
    const month = Number(m[2]);
    return {
      current: monthPeriod(year, month),
      previous: month === 1 ? monthPeriod(year - 1, 12) : monthPeriod(year, month - 1),
    };
  }
  if (!req.from) throw badInput('period.from', 'is required with to');
  if (!req.to) throw badInput('period.to', 'is required with from');
  const from = parseDay('period.from', req.from);
  const to = parseDay('period.to', req.to);
  if (to < from) throw badInput('period.to', 'must not be before from');
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
  if (days > MAX_DAYS) throw badInput('period', `must not be longer than ${MAX_DAYS} days`);
  const until = addDays(to, 1);
  const prevFrom = addDays(from, -days);
  return {
    current: { label: `${iso(from)} to ${iso(to)}`, from: iso(from), to: iso(to), until: iso(until) },
    previous: {
      label: `${iso(prevFrom)} to ${iso(addDays(from, -1))}`,
      from: iso(prevFrom),
      to: iso(addDays(from, -1)),
      until: iso(from),
    },
  };
}

/** The `count` months ending with `month` (YYYY-MM), oldest first: the report's trend. */
export function trailingMonths(month: string, count: number): Period[] {
  const m = MONTH.exec(month);
  if (!m) throw badInput('period.month', 'must be a month YYYY-MM');
  const year = Number(m[1]);
  const mon = Number(m[2]);
  return Array.from({ length: count }, (_, i) => {
    const back = count - 1 - i;
    const total = year * 12 + (mon - 1) - back;
    return monthPeriod(Math.floor(total / 12), (total % 12) + 1);
  });
}
