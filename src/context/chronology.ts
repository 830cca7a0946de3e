import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from './context';

/**
 * A child's chronology is contributed by every domain that records events about the child (issue 19
 * §3): the agencies' records, the hub's own contacts and decisions, meetings, child protection and the
 * cohorts. Each domain exports one `ChronologySource`; the composition root lists them
 * (src/app/chronology-sources.ts), so people/ does not import every domain (tests/layers.test.ts).
 */

/** Where an entry comes from: the kind of row it was read from (its id is the entry's `sourceId`). */
export const CHRONOLOGY_SOURCES = [
  'AGENCY_RECORD',
  'REFERRAL',
  'MEETING',
  'CHILD_PROTECTION',
  'MISSING_EPISODE',
  'EARLY_HELP',
  'PRIVATE_FOSTERING',
] as const;
export type ChronologySourceName = (typeof CHRONOLOGY_SOURCES)[number];

/** What happened. LADO allegations are not listed: they are about an adult, not the child. */
export const CHRONOLOGY_ENTRY_KINDS = [
  'AGENCY_RECORD',
  'CONTACT_RECEIVED',
  'RAG_RATED',
  'DECISION_PROPOSED',
  'DECISION_RETURNED',
  'DECISION_AUTHORISED',
  'STRATEGY_DISCUSSION',
  'SECTION_47_STARTED',
  'SECTION_47_CONCLUDED',
  'CHILD_PROTECTION_CONFERENCE',
  'CHILD_PROTECTION_PLAN_ENDED',
  'MISSING_EPISODE_STARTED',
  'MISSING_EPISODE_RETURNED',
  'RETURN_HOME_INTERVIEW_OFFERED',
  'RETURN_HOME_INTERVIEW_OUTCOME',
  'EARLY_HELP_OPENED',
  'EARLY_HELP_CLOSED',
  'STEP_UP',
  'STEP_DOWN',
  'PRIVATE_FOSTERING_NOTIFIED',
  'PRIVATE_FOSTERING_VISIT',
  'PRIVATE_FOSTERING_CLOSED',
] as const;
export type ChronologyEntryKind = (typeof CHRONOLOGY_ENTRY_KINDS)[number];

/**
 * One event as a domain reports it. `row` is the guarded row it was read from (through the request's
 * viewer-bound repository, so its row scope already applied): the entry is released under that row's
 * subject, and listed only when the viewer may read its summary (see `chronologyOf`). The summary
 * carries codes and facts, never a person's name.
 */
export interface ChronologyItem {
  occurredAt: Date;
  kind: ChronologyEntryKind;
  source: ChronologySourceName;
  /** The agency that recorded or did the step, when the row says so. */
  agency: string | null;
  summary: string;
  row: Guarded<object>;
  /** The agency record itself, for `ChronologyEntry.record` (agency records only). */
  record?: Guarded<object>;
  recordType?: string;
}

export interface ChronologySource {
  name: ChronologySourceName;
  /** The events about a person already reached in this request, through `ctx.data` only. */
  entriesAbout(ctx: RequestContext, personId: string): Promise<ChronologyItem[]>;
}

/** At most this many rows per source and person: a chronology is a triage view, not an export. */
export const CHRONOLOGY_ROWS_PER_SOURCE = 200;

/** "2026-03-04" for a London date stored as text, as an instant at London midday (date-only events sort within their day). */
export function dateOnlyInstant(isoDate: string): Date {
  return new Date(`${isoDate}T12:00:00Z`);
}
