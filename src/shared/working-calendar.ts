/**
 * Working calendar for safeguarding SLA clocks (Europe/London).
 *
 * Pure: no I/O, no clock reads, no dependencies beyond Node's ICU-backed Intl.
 *
 * Conventions (the tests pin these down):
 * - Working time is a window [dayStart, dayEnd] of London wall-clock time on a working day.
 *   `isWorkingTime` is half-open ([start, end)) so that day end is not counted twice by
 *   metrics; the adders treat the window as closed so a quota that ends exactly at day end
 *   is due at day end rather than next morning (no working time separates the two).
 * - A start outside working time begins at the next working moment.
 * - "N working days" keeps the London wall-clock time of the (possibly moved) start.
 * - Ambiguous/nonexistent local times follow Temporal's 'compatible' disambiguation:
 *   earlier instant in the autumn overlap, pushed forward by the gap in spring.
 */

export const LONDON_TIME_ZONE = 'Europe/London';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

// Bounds the day-by-day scans so a pathological input fails loudly instead of spinning.
const MAX_SCAN_DAYS = 366 * 100;

// ---------------------------------------------------------------------------
// London wall-clock conversion
// ---------------------------------------------------------------------------

export interface LondonParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number; // 0-23
  minute: number;
  second: number;
  weekday: number; // ISO: 1=Mon..7=Sun
}

// One formatter: constructing Intl.DateTimeFormat is far more expensive than using it.
const londonFormatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

function assertValidDate(date: Date, name: string): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError(`${name} must be a valid Date`);
  }
}

/** London wall-clock fields of an instant. */
export function londonParts(date: Date): LondonParts {
  assertValidDate(date, 'date');
  const fields: Record<string, number> = {};
  for (const part of londonFormatter.formatToParts(date)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields['year'] ?? NaN;
  const month = fields['month'] ?? NaN;
  const day = fields['day'] ?? NaN;
  return {
    year,
    month,
    day,
    // Some ICU builds render midnight as 24 even with h23.
    hour: (fields['hour'] ?? NaN) % 24,
    minute: fields['minute'] ?? NaN,
    second: fields['second'] ?? NaN,
    // Derived from the civil date rather than a localised weekday name.
    weekday: isoWeekday({ year, month, day }),
  };
}

/** London offset from UTC (ms) in force at `epochMs`. */
function londonOffsetMs(epochMs: number): number {
  const p = londonParts(new Date(epochMs));
  const wallAsUtc =
    civilToUtcMs({ year: p.year, month: p.month, day: p.day }) +
    p.hour * MS_PER_HOUR +
    p.minute * MS_PER_MINUTE +
    p.second * 1000;
  // Sub-second part is the same in every zone, so drop it before comparing.
  return wallAsUtc - (epochMs - mod(epochMs, 1000));
}

/**
 * Instant at which London wall-clock reads y-m-d h:mi(:s.ms).
 *
 * Around clock changes (Temporal 'compatible' disambiguation):
 * - autumn overlap (01:00-01:59 happens twice): the earlier, BST, instant. For a deadline that
 *   is the conservative choice.
 * - spring gap (01:00-01:59 never happens): the time is pushed forward by the gap, so
 *   01:30 becomes 02:30 BST (= 01:30Z), i.e. it is read with the pre-change offset.
 */
export function fromLondon(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second = 0,
  millisecond = 0,
): Date {
  assertCivilDate({ year, month, day }, 'fromLondon');
  assertIntInRange(hour, 0, 23, 'hour');
  assertIntInRange(minute, 0, 59, 'minute');
  assertIntInRange(second, 0, 59, 'second');
  assertIntInRange(millisecond, 0, 999, 'millisecond');

  const wallAsUtc =
    civilToUtcMs({ year, month, day }) + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000 + millisecond;
  // Offsets either side of the wall time; they only differ within a day of a change.
  const offsetBefore = londonOffsetMs(wallAsUtc - MS_PER_DAY);
  const offsetAfter = londonOffsetMs(wallAsUtc + MS_PER_DAY);
  const candidates = [...new Set([wallAsUtc - offsetBefore, wallAsUtc - offsetAfter])]
    .filter((t) => londonOffsetMs(t) === wallAsUtc - t)
    .sort((a, b) => a - b);
  const earliest = candidates[0];
  return new Date(earliest !== undefined ? earliest : wallAsUtc - offsetBefore);
}

// ---------------------------------------------------------------------------
// Civil (date-only) arithmetic
// ---------------------------------------------------------------------------

interface CivilDate {
  year: number;
  month: number;
  day: number;
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

function civilToUtcMs(c: CivilDate): number {
  // setUTCFullYear avoids Date.UTC's 0-99 => 1900-1999 mapping.
  const d = new Date(0);
  d.setUTCFullYear(c.year, c.month - 1, c.day);
  return d.getTime();
}

function utcMsToCivil(ms: number): CivilDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function addDays(c: CivilDate, days: number): CivilDate {
  return utcMsToCivil(civilToUtcMs(c) + days * MS_PER_DAY);
}

function epochDay(c: CivilDate): number {
  return Math.round(civilToUtcMs(c) / MS_PER_DAY);
}

function isoWeekday(c: CivilDate): number {
  return new Date(civilToUtcMs(c)).getUTCDay() || 7;
}

function toIso(c: CivilDate): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}`;
}

function isValidCivil(c: CivilDate): boolean {
  if (![c.year, c.month, c.day].every(Number.isInteger)) return false;
  const back = utcMsToCivil(civilToUtcMs(c));
  return back.year === c.year && back.month === c.month && back.day === c.day;
}

function assertCivilDate(c: CivilDate, name: string): void {
  if (!isValidCivil(c)) {
    throw new RangeError(`${name}: ${c.year}-${c.month}-${c.day} is not a calendar date`);
  }
}

function assertIntInRange(value: number, min: number, max: number, name: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer ${min}-${max} (got ${value})`);
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseIsoDate(value: unknown): CivilDate | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const c = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isValidCivil(c) ? c : undefined;
}

function londonCivil(date: Date): CivilDate {
  const p = londonParts(date);
  return { year: p.year, month: p.month, day: p.day };
}

// ---------------------------------------------------------------------------
// England and Wales bank holidays
// ---------------------------------------------------------------------------

/** Easter Sunday by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return toIso({ year, month, day });
}

// Royal proclamations that moved a rule-based holiday; keyed by year.
const MOVED_HOLIDAYS = new Map<number, { earlyMay?: string; spring?: string }>([
  [1995, { earlyMay: '1995-05-08' }], // VE Day 50th anniversary
  [2002, { spring: '2002-06-04' }], // Golden Jubilee
  [2012, { spring: '2012-06-04' }], // Diamond Jubilee
  [2020, { earlyMay: '2020-05-08' }], // VE Day 75th anniversary
  [2022, { spring: '2022-06-02' }], // Platinum Jubilee
]);

// One-off extra days proclaimed on top of the rules.
const ADDITIONAL_HOLIDAYS = new Map<number, readonly string[]>([
  [1999, ['1999-12-31']], // Millennium
  [2002, ['2002-06-03']], // Golden Jubilee
  [2011, ['2011-04-29']], // Royal Wedding
  [2012, ['2012-06-05']], // Diamond Jubilee
  [2022, ['2022-06-03', '2022-09-19']], // Platinum Jubilee; State Funeral of Queen Elizabeth II
  [2023, ['2023-05-08']], // Coronation of King Charles III
]);

// Early May Bank Holiday was first observed in 1978; earlier years get the other rules only.
const FIRST_EARLY_MAY_YEAR = 1978;

const bankHolidayCache = new Map<number, ReadonlySet<string>>();

function nthMonday(year: number, month: number, n: 'first' | 'last'): CivilDate {
  if (n === 'first') {
    const first = { year, month, day: 1 };
    return addDays(first, mod(1 - isoWeekday(first), 7));
  }
  const last = addDays({ year, month: month + 1, day: 1 }, -1);
  return addDays(last, -mod(isoWeekday(last) - 1, 7));
}

function isWeekend(c: CivilDate): boolean {
  return isoWeekday(c) >= 6;
}

function bankHolidaySet(year: number): ReadonlySet<string> {
  const cached = bankHolidayCache.get(year);
  if (cached) return cached;

  const days = new Set<string>();
  // A holiday on a weekend (or on an already-taken substitute day) moves to the next free weekday.
  const addWithSubstitute = (c: CivilDate) => {
    let d = c;
    while (isWeekend(d) || days.has(toIso(d))) d = addDays(d, 1);
    days.add(toIso(d));
  };

  addWithSubstitute({ year, month: 1, day: 1 });
  const easter = parseIsoDate(easterSunday(year)) as CivilDate;
  days.add(toIso(addDays(easter, -2)));
  days.add(toIso(addDays(easter, 1)));
  const moved = MOVED_HOLIDAYS.get(year) ?? {};
  if (year >= FIRST_EARLY_MAY_YEAR) days.add(moved.earlyMay ?? toIso(nthMonday(year, 5, 'first')));
  days.add(moved.spring ?? toIso(nthMonday(year, 5, 'last')));
  days.add(toIso(nthMonday(year, 8, 'last')));
  for (const extra of ADDITIONAL_HOLIDAYS.get(year) ?? []) days.add(extra);
  // Christmas first so Boxing Day's substitute skips past Christmas's.
  addWithSubstitute({ year, month: 12, day: 25 });
  addWithSubstitute({ year, month: 12, day: 26 });

  bankHolidayCache.set(year, days);
  return days;
}

/**
 * England and Wales bank holidays for `year` as sorted ISO dates.
 * Rules are today's statutory ones plus the proclaimed one-off changes listed above; future
 * proclamations need adding to the tables (or passing as `extraHolidays`).
 */
export function englandAndWalesBankHolidays(year: number): string[] {
  // The Easter algorithm is Gregorian; ISO output needs four digits.
  assertIntInRange(year, 1583, 9999, 'year');
  return [...bankHolidaySet(year)].sort();
}

// ---------------------------------------------------------------------------
// Working calendar
// ---------------------------------------------------------------------------

export interface WorkingCalendarConfig {
  /** ISO weekdays, 1=Mon..7=Sun. */
  workingDays: readonly number[];
  /** London wall-clock 'HH:MM'. */
  dayStart: string;
  /** London wall-clock 'HH:MM', later than dayStart (no overnight windows). */
  dayEnd: string;
  /** ISO dates (YYYY-MM-DD) that are not worked, e.g. local authority closure days. */
  extraHolidays: readonly string[];
  excludeBankHolidays: boolean;
}

export const DEFAULT_CALENDAR: Readonly<WorkingCalendarConfig> = Object.freeze({
  workingDays: Object.freeze([1, 2, 3, 4, 5]),
  dayStart: '09:00',
  dayEnd: '17:00',
  extraHolidays: Object.freeze([] as string[]),
  excludeBankHolidays: true,
});

const CONFIG_KEYS: readonly (keyof WorkingCalendarConfig)[] = [
  'workingDays',
  'dayStart',
  'dayEnd',
  'extraHolidays',
  'excludeBankHolidays',
];

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function configError(key: string, message: string): Error {
  return new Error(`Invalid working calendar config: ${key} ${message}`);
}

function parseHhMm(key: string, value: unknown): { hour: number; minute: number } {
  const m = typeof value === 'string' ? HH_MM.exec(value) : null;
  if (!m) throw configError(key, `must be a 'HH:MM' time between 00:00 and 23:59 (got ${JSON.stringify(value)})`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

function assertNonNegativeFinite(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite, non-negative number (got ${value})`);
  }
}

interface Window {
  start: number;
  end: number;
}

export class WorkingCalendar {
  readonly config: Readonly<WorkingCalendarConfig>;
  private readonly workingDaySet: ReadonlySet<number>;
  private readonly extraHolidaySet: ReadonlySet<string>;
  private readonly start: { hour: number; minute: number };
  private readonly end: { hour: number; minute: number };

  /** Validates `config` (a full config); use `fromConfig` to fill gaps from the defaults. */
  constructor(config: WorkingCalendarConfig = DEFAULT_CALENDAR) {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new Error('Invalid working calendar config: expected an object');
    }
    for (const key of Object.keys(config)) {
      if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
        // Typos in config files would otherwise silently fall back to defaults.
        throw configError(key, `is not a known key (expected one of ${CONFIG_KEYS.join(', ')})`);
      }
    }

    const { workingDays, extraHolidays, excludeBankHolidays } = config;
    if (!Array.isArray(workingDays) || workingDays.length === 0) {
      throw configError('workingDays', 'must be a non-empty array of ISO weekdays (1=Mon..7=Sun)');
    }
    for (const d of workingDays) {
      if (!Number.isInteger(d) || d < 1 || d > 7) {
        throw configError('workingDays', `must contain only integers 1-7 (got ${JSON.stringify(d)})`);
      }
    }
    if (new Set(workingDays).size !== workingDays.length) {
      throw configError('workingDays', 'must not contain duplicates');
    }

    this.start = parseHhMm('dayStart', config.dayStart);
    this.end = parseHhMm('dayEnd', config.dayEnd);
    if (this.end.hour * 60 + this.end.minute <= this.start.hour * 60 + this.start.minute) {
      throw configError('dayEnd', `must be later than dayStart (${config.dayStart} >= ${config.dayEnd})`);
    }

    if (!Array.isArray(extraHolidays)) {
      throw configError('extraHolidays', 'must be an array of ISO dates (YYYY-MM-DD)');
    }
    for (const h of extraHolidays) {
      if (!parseIsoDate(h)) {
        throw configError('extraHolidays', `must contain only valid ISO dates YYYY-MM-DD (got ${JSON.stringify(h)})`);
      }
    }
    if (typeof excludeBankHolidays !== 'boolean') {
      throw configError('excludeBankHolidays', `must be a boolean (got ${JSON.stringify(excludeBankHolidays)})`);
    }

    // Copy so later mutation of the caller's arrays cannot change live SLA clocks.
    this.config = Object.freeze({
      workingDays: Object.freeze([...workingDays]),
      dayStart: config.dayStart,
      dayEnd: config.dayEnd,
      extraHolidays: Object.freeze([...extraHolidays]),
      excludeBankHolidays,
    });
    this.workingDaySet = new Set(workingDays);
    this.extraHolidaySet = new Set(extraHolidays);
  }

  /** Builds a calendar from a partial (e.g. parsed JSON) config, defaulting missing keys. */
  static fromConfig(partial: Partial<WorkingCalendarConfig> = {}): WorkingCalendar {
    if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
      throw new Error('Invalid working calendar config: expected an object');
    }
    const merged: Record<string, unknown> = { ...DEFAULT_CALENDAR };
    for (const [key, value] of Object.entries(partial)) {
      // An explicit undefined (e.g. from optional env vars) means "use the default".
      if (value !== undefined) merged[key] = value;
    }
    return new WorkingCalendar(merged as unknown as WorkingCalendarConfig);
  }

  /** Whether the London calendar date `isoDate` (YYYY-MM-DD) is a working day. */
  isWorkingDay(isoDate: string): boolean {
    const c = parseIsoDate(isoDate);
    if (!c) throw new RangeError(`isoDate must be a valid YYYY-MM-DD date (got ${JSON.stringify(isoDate)})`);
    return this.isWorkingCivil(c);
  }

  /** Whether `date` falls within working hours; half-open, so day end itself is not working time. */
  isWorkingTime(date: Date): boolean {
    assertValidDate(date, 'date');
    const w = this.window(londonCivil(date));
    const t = date.getTime();
    return w !== undefined && t >= w.start && t < w.end;
  }

  /** `start` plus `hours` of working time; the result is within [dayStart, dayEnd] of a working day. */
  addWorkingHours(start: Date, hours: number): Date {
    assertValidDate(start, 'start');
    assertNonNegativeFinite(hours, 'hours');
    let remaining = Math.round(hours * MS_PER_HOUR);
    const cursor = start.getTime();
    let day = londonCivil(start);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, day = addDays(day, 1)) {
      const w = this.window(day);
      if (!w || cursor > w.end) continue;
      const from = Math.max(cursor, w.start);
      const available = w.end - from;
      // `<=` so a quota that exactly fills the day is due at day end, not next morning.
      if (remaining <= available) return new Date(from + remaining);
      remaining -= available;
    }
    throw new RangeError(`addWorkingHours: ${hours} working hours is beyond the supported range`);
  }

  /**
   * Same London wall-clock time `days` working days later. A start outside working hours
   * first moves to the start of the next working period (Fri 18:00 + 1 => Tue 09:00); a start
   * exactly at day end keeps day end (Fri 17:00 + 1 => Mon 17:00).
   */
  addWorkingDays(start: Date, days: number): Date {
    assertValidDate(start, 'start');
    if (!Number.isInteger(days) || days < 0) {
      throw new RangeError(`days must be a non-negative integer (got ${days})`);
    }
    const anchor = this.addWorkingHours(start, 0);
    const p = londonParts(anchor);
    let day: CivilDate = { year: p.year, month: p.month, day: p.day };
    for (let counted = 0, i = 0; counted < days; ) {
      if (++i > MAX_SCAN_DAYS) {
        throw new RangeError(`addWorkingDays: ${days} working days is beyond the supported range`);
      }
      day = addDays(day, 1);
      if (this.isWorkingCivil(day)) counted++;
    }
    // Wall-clock (not elapsed) arithmetic so 15:00 stays 15:00 across a clock change.
    return fromLondon(day.year, day.month, day.day, p.hour, p.minute, p.second, mod(anchor.getTime(), 1000));
  }

  /** Plain elapsed time: RED clocks run out of hours too. */
  addElapsedHours(start: Date, hours: number): Date {
    assertValidDate(start, 'start');
    assertNonNegativeFinite(hours, 'hours');
    return new Date(start.getTime() + Math.round(hours * MS_PER_HOUR));
  }

  /** Working time between two instants in ms; negative when `b` is before `a`. */
  workingMillisBetween(a: Date, b: Date): number {
    assertValidDate(a, 'a');
    assertValidDate(b, 'b');
    if (b.getTime() < a.getTime()) return -this.workingMillisBetween(b, a);
    const from = a.getTime();
    const to = b.getTime();
    const lastDay = epochDay(londonCivil(b));
    let total = 0;
    for (let day = londonCivil(a); epochDay(day) <= lastDay; day = addDays(day, 1)) {
      const w = this.window(day);
      if (w) total += Math.max(0, Math.min(to, w.end) - Math.max(from, w.start));
    }
    return total;
  }

  private isWorkingCivil(c: CivilDate): boolean {
    if (!this.workingDaySet.has(isoWeekday(c))) return false;
    const iso = toIso(c);
    if (this.extraHolidaySet.has(iso)) return false;
    return !(this.config.excludeBankHolidays && bankHolidaySet(c.year).has(iso));
  }

  private window(c: CivilDate): Window | undefined {
    if (!this.isWorkingCivil(c)) return undefined;
    return {
      start: fromLondon(c.year, c.month, c.day, this.start.hour, this.start.minute).getTime(),
      end: fromLondon(c.year, c.month, c.day, this.end.hour, this.end.minute).getTime(),
    };
  }
}

// ---------------------------------------------------------------------------
// SLA due times
// ---------------------------------------------------------------------------

export type Rag = 'RED' | 'AMBER' | 'GREEN';

export type DurationUnit = 'ELAPSED_HOURS' | 'WORKING_HOURS' | 'WORKING_DAYS';

export type Duration = { unit: DurationUnit; amount: number };

export interface SlaConfig {
  decision: Record<Rag, Duration>;
  check: Record<Rag, Duration>;
}

export const DEFAULT_SLA: Readonly<SlaConfig> = Object.freeze({
  decision: Object.freeze({
    RED: Object.freeze({ unit: 'ELAPSED_HOURS', amount: 4 }),
    AMBER: Object.freeze({ unit: 'WORKING_DAYS', amount: 1 }),
    GREEN: Object.freeze({ unit: 'WORKING_DAYS', amount: 3 }),
  }),
  check: Object.freeze({
    RED: Object.freeze({ unit: 'ELAPSED_HOURS', amount: 2 }),
    AMBER: Object.freeze({ unit: 'WORKING_HOURS', amount: 8 }),
    GREEN: Object.freeze({ unit: 'WORKING_DAYS', amount: 2 }),
  }),
} satisfies SlaConfig);

/** When a clock started at `start` with `duration` falls due. */
export function dueAt(calendar: WorkingCalendar, start: Date, duration: Duration): Date {
  switch (duration.unit) {
    case 'ELAPSED_HOURS':
      return calendar.addElapsedHours(start, duration.amount);
    case 'WORKING_HOURS':
      return calendar.addWorkingHours(start, duration.amount);
    case 'WORKING_DAYS':
      return calendar.addWorkingDays(start, duration.amount);
    default: {
      // Durations can come from stored config, so guard at runtime as well as in types.
      const unit: never = duration.unit;
      throw new Error(`Unknown SLA duration unit: ${JSON.stringify(unit)}`);
    }
  }
}
