import { DEFAULT_CALENDAR, DEFAULT_SLA, dueAt, WorkingCalendar, type SlaConfig } from '../shared/working-calendar';
import type { RagRating } from './vocabulary';
import { currentPartnershipScope } from '../db/partnership-scope';

/**
 * Due times of the MASH decision and of agency checks by RAG, on the working calendar
 * (docs/reference/product.md C3 defaults: decision RED 4 h elapsed, AMBER 1 working day, GREEN 3 working days;
 * checks RED 2 h elapsed, AMBER 8 working hours, GREEN 2 working days).
 */
let deployment: { calendar: WorkingCalendar; sla: SlaConfig } = {
  calendar: new WorkingCalendar(DEFAULT_CALENDAR),
  sla: DEFAULT_SLA,
};
/** A partnership's own calendar and targets (ADR 028); a partnership not here runs on the deployment's. */
const byPartnership = new Map<string, { calendar: WorkingCalendar; sla: SlaConfig }>();

/**
 * Replaces the calendar and SLAs (start-up configuration, and tests): the deployment's, or with
 * `partnership` that partnership's own.
 */
export function configureClocks(next: { calendar?: WorkingCalendar; sla?: SlaConfig }, partnership?: string): void {
  if (partnership === undefined) {
    deployment = { calendar: next.calendar ?? deployment.calendar, sla: next.sla ?? deployment.sla };
    return;
  }
  byPartnership.set(partnership, { calendar: next.calendar ?? deployment.calendar, sla: next.sla ?? deployment.sla });
}

/** Forgets every partnership's own clocks (start-up, before they are configured again). */
export function clearPartnershipClocks(): void {
  byPartnership.clear();
}

/**
 * The clocks of the partnership the current request or job acts in (its database scope, set by the
 * context factory, ADR 016), so every clock below needs no partnership argument.
 */
function clocks(): { calendar: WorkingCalendar; sla: SlaConfig } {
  const partnership = currentPartnershipScope()?.partnership;
  return (partnership !== undefined && byPartnership.get(partnership)) || deployment;
}

export function workingCalendar(): WorkingCalendar {
  return clocks().calendar;
}

export function decisionDueAt(rag: RagRating, from: Date): Date {
  const { calendar, sla } = clocks();
  return dueAt(calendar, from, sla.decision[rag]);
}

export function checkDueAt(rag: RagRating, from: Date): Date {
  const { calendar, sla } = clocks();
  return dueAt(calendar, from, sla.check[rag]);
}

/**
 * The decision time promised in the referrer's acknowledgement: Working Together's one working day
 * for the decision on the type of response, whatever the local RAG target (which the referrer is
 * not told: the RAG is the MASH's working judgement).
 */
export function acknowledgedDecisionBy(receivedAt: Date): Date {
  return dueAt(clocks().calendar, receivedAt, { unit: 'WORKING_DAYS', amount: 1 });
}
