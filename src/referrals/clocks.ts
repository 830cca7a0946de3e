import type { RagRating } from './vocabulary';

/**
 * Due times of the MASH decision and of agency checks by RAG (product.md C3 defaults).
 * PROVISIONAL: elapsed-time approximation until `working-calendar.ts` (working hours, weekends,
 * bank holidays) lands on main; then these two functions delegate to `dueAt(DEFAULT_CALENDAR, ...)`.
 */
const HOUR = 3_600_000;
const DECISION_HOURS: Record<RagRating, number> = { RED: 4, AMBER: 24, GREEN: 72 };
const CHECK_HOURS: Record<RagRating, number> = { RED: 2, AMBER: 8, GREEN: 48 };

export function decisionDueAt(rag: RagRating, from: Date): Date {
  return new Date(from.getTime() + DECISION_HOURS[rag] * HOUR);
}

export function checkDueAt(rag: RagRating, from: Date): Date {
  return new Date(from.getTime() + CHECK_HOURS[rag] * HOUR);
}
