import type { EntityManager } from 'typeorm';

/** The one PostgreSQL channel hub processes LISTEN on; payloads carry a topic and ids only. */
export const EVENTS_CHANNEL = 'mash_events';

export interface HubEvent {
  topic: string;
  /** Ids and codes only — never personal data (subscribers re-read through their own scope). */
  payload: Record<string, string | number | boolean | null>;
}

/**
 * Publishes an event to every hub process. Called inside the transaction making the change:
 * PostgreSQL delivers NOTIFY only on commit, so a rolled-back change is never announced.
 */
export async function notifyEvent(manager: EntityManager, event: HubEvent): Promise<void> {
  await manager.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify(event)]);
}
