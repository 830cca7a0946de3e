/** A partnership id as `partnership.id` allows (migration 1764100000000, ADR 016). */
export const PARTNERSHIP_ID = /^[a-z][a-z0-9-]{1,39}$/;

/** The partnership an existing deployment's data was moved into (migration 1764100000000). */
export const DEFAULT_PARTNERSHIP = 'default';
