import { RETURN_INTERVIEW_OFFER_HOURS } from './vocabulary';

/** When the return home interview must have been offered by: 72 hours of clock time after the return. */
export function returnInterviewDueAt(returnedAt: Date): Date {
  return new Date(returnedAt.getTime() + RETURN_INTERVIEW_OFFER_HOURS * 3_600_000);
}

/** Whether an offer made at `offeredAt` was within the 72 hours (exactly 72 hours counts as within). */
export function offeredWithinTimescale(returnedAt: Date, offeredAt: Date): boolean {
  return offeredAt.getTime() <= returnInterviewDueAt(returnedAt).getTime();
}
