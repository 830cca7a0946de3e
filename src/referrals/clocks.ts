import { DEFAULT_CALENDAR, DEFAULT_SLA, dueAt, WorkingCalendar, type SlaConfig } from '../shared/working-calendar';
import type { RagRating } from './vocabulary';

/**
 * Due times of the MASH decision and of agency checks by RAG, on the working calendar
 * (docs/reference/product.md C3 defaults: decision RED 4 h elapsed, AMBER 1 working day, GREEN 3 working days;
 * checks RED 2 h elapsed, AMBER 8 working hours, GREEN 2 working days).
 */
let calendar = new WorkingCalendar(DEFAULT_CALENDAR);
let sla: SlaConfig = DEFAULT_SLA;

/** Replaces the calendar and SLAs (start-up configuration, and tests). */
export function configureClocks(next: { calendar?: WorkingCalendar; sla?: SlaConfig }): void {
  calendar = next.calendar ?? calendar;
  sla = next.sla ?? sla;
}

export function workingCalendar(): WorkingCalendar {
  return calendar;
}

export function decisionDueAt(rag: RagRating, from: Date): Date {
  return dueAt(calendar, from, sla.decision[rag]);
}

export function checkDueAt(rag: RagRating, from: Date): Date {
  return dueAt(calendar, from, sla.check[rag]);
}

/**
 * The decision time promised in the referrer's acknowledgement: Working Together's one working day
 * for the decision on the type of response, whatever the local RAG target (which the referrer is
 * not told: the RAG is the MASH's working judgement).
 */
export function acknowledgedDecisionBy(receivedAt: Date): Date {
  return dueAt(calendar, receivedAt, { unit: 'WORKING_DAYS', amount: 1 });
}
