/** Display helpers: words for codes, times in Europe/London. */

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});
const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'Europe/London' });

export function dateTime(iso: string | null | undefined): string {
  return iso ? DATE_TIME.format(new Date(iso)) : '—';
}

export function date(iso: string | null | undefined): string {
  return iso ? DATE.format(new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso)) : '—';
}

/** "3 h 20 min left" or "overdue by 2 d 4 h". */
export function timeLeft(dueIso: string | null | undefined, now: number): string {
  if (!dueIso) return 'not rated';
  const ms = new Date(dueIso).getTime() - now;
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const span = days ? `${days} d ${hours} h` : hours ? `${hours} h ${minutes} min` : `${minutes} min`;
  return ms >= 0 ? `${span} left` : `overdue by ${span}`;
}

/** NEED_TO_KNOW → "need to know". */
export function words(code: string | null | undefined): string {
  return code ? code.toLowerCase().replace(/_/g, ' ') : '—';
}

export const REDACTION_REASON: Record<string, string> = {
  NEED_TO_KNOW: 'need to know: your role and relationship do not include this detail',
  PURPOSE_INSUFFICIENT: 'purpose: the purpose you declared does not cover this detail',
  SEALED: 'sealed: only the owning agency may read this',
  NO_CASE_CONTENT: 'no case content for this role',
};
