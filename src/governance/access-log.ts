import type { DataSource, EntityManager } from 'typeorm';
import type { AgencyDirectory } from '../auth/agencies';
import { queryPrepared } from '../db/prepared';
import { encodeCursor } from '../shared/pagination';
import { Params, relationshipKindsOfViewerRowsSql, relationshipSourceMask } from '../access-policy/relationships';
import type { Viewer } from '../access-policy/viewer';
import { ROLES, type Role } from '../access-policy/vocabulary';
import type { AuditEvent, AuditSubject } from '../audit/audit-event';

/**
 * The IG access log (C5): audit events filtered by person, actor, agency, purpose, period and
 * break-glass, newest first, keyset-paginated on (occurred_at, id). Entries are read from the
 * hashed payloads; the indexed columns only select them. "By person" walks
 * audit_disclosure (person_id, occurred_at); "by actor" audit_event (actor_sub, occurred_at).
 */

export interface AccessLogFilter {
  personId?: string | null;
  actorSub?: string | null;
  agency?: string | null;
  purpose?: string | null;
  from?: Date | null;
  to?: Date | null;
  breakGlass?: boolean | null;
  /** Only accesses (DISCLOSED) by actors who have no legitimate relationship with the person now. */
  withoutRelationship?: boolean | null;
}

export interface AccessLogSubject extends AuditSubject {
  /** The actor's legitimate relationships with the person as of now (null when not computed). */
  relationshipsNow: string[] | null;
}

export interface AccessLogEntry {
  eventId: string;
  occurredAt: string;
  requestId: string;
  actor: AuditEvent['actor'];
  purpose: string | null;
  operationType: string;
  operationName: string | null;
  action: string;
  outcome: string;
  errorCodes: string[];
  breakGlass: { id: string; reason: string } | null;
  subjects: AccessLogSubject[];
  /** For the FHIR export only (not the GraphQL access log or the CSV): see AuditEvent. */
  correlationId?: string | null;
  network?: AuditEvent['network'] | null;
  documentHash?: string | null;
}

export interface AccessLogPage {
  entries: AccessLogEntry[];
  /** Each entry's own cursor (resume after it), parallel to `entries`. */
  cursors: string[];
  /** Cursor after the last row examined (with `withoutRelationship` a page may stop short of `first`). */
  endCursor: string | null;
  hasNextPage: boolean;
}

export type Cursor = [occurredAt: string, eventId: string];

const UTC_MICROS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
/** With `withoutRelationship`, at most this many candidate events are examined per page. */
const MAX_SCAN = 5000;

interface Row {
  id: string;
  occ: string;
  payload: AuditEvent;
}

/** The SELECT of one chunk of candidate events, newest first, after the cursor. */
export function accessLogSql(
  filter: AccessLogFilter,
  cursor: Cursor | null,
  limit: number,
): { sql: string; params: unknown[] } {
  const p = new Params();
  const byPerson = !!filter.personId;
  // By person: the disclosure index drives; otherwise the event table.
  const t = byPerson ? 'd' : 'e';
  const idCol = byPerson ? 'd.event_id' : 'e.id';
  const where: string[] = [];
  if (byPerson) where.push(`d.person_id = ${p.add(filter.personId)}`);
  if (filter.actorSub) where.push(`${t}.actor_sub = ${p.add(filter.actorSub)}`);
  if (filter.agency) where.push(`${t}.actor_agency = ${p.add(filter.agency)}`);
  if (filter.purpose) where.push(`${t}.purpose = ${p.add(filter.purpose)}`);
  // Conditions on the joined events (by person): the period again, and break-glass.
  const onEvents: string[] = [];
  if (filter.breakGlass != null) (byPerson ? onEvents : where).push(`e.break_glass = ${p.add(filter.breakGlass)}`);
  // By person, the period also bounds the joined events (e.occurred_at = d.occurred_at): the planner
  // does not carry a range across the join, and without it plans and keeps every month of audit_event
  // (IG1 at 1M rows: 33 ms planning and a parallel scan, against 3 ms and 0.4 ms).
  if (filter.from) {
    const from = p.add(filter.from.toISOString());
    where.push(`${t}.occurred_at >= ${from}::timestamptz`);
    if (byPerson) onEvents.push(`e.occurred_at >= ${from}::timestamptz`);
  }
  if (filter.to) {
    const to = p.add(filter.to.toISOString());
    where.push(`${t}.occurred_at < ${to}::timestamptz`);
    if (byPerson) onEvents.push(`e.occurred_at < ${to}::timestamptz`);
  }
  if (filter.withoutRelationship) {
    where.push(`${t}.purpose IS DISTINCT FROM 'IG_AUDIT'`);
    if (byPerson) where.push(`d.outcome = 'DISCLOSED'`);
  }
  if (cursor) {
    const at = p.add(cursor[0]);
    where.push(`(${t}.occurred_at, ${idCol}) < (${at}::timestamptz, ${p.add(cursor[1])}::uuid)`);
    if (byPerson) onEvents.push(`e.occurred_at <= ${at}::timestamptz`);
  }
  const columns = `e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', ${UTC_MICROS}) AS occ, e.payload`;
  const whereSql = (w: string[]) => (w.length ? `WHERE ${w.join(' AND ')}` : '');
  const lim = p.add(limit);
  if (!byPerson) {
    return {
      sql: `SELECT ${columns} FROM audit_event e ${whereSql(where)} ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${lim}`,
      params: p.values,
    };
  }
  if (filter.breakGlass == null) {
    // The page is chosen from the disclosure index alone, then its events are fetched: a child read
    // thousands of times costs the same as any other. Joined before the LIMIT, the planner (which
    // cannot know how many rows one person has this month) fetched and sorted every event of the
    // child's history: IG1 took 30 ms for a child with 4,445 accesses in 90 days.
    const sql = `SELECT ${columns}
        FROM (SELECT d.event_id, d.occurred_at FROM audit_disclosure d ${whereSql(where)}
               ORDER BY d.occurred_at DESC, d.event_id DESC LIMIT ${lim}) d
        JOIN audit_event e ON e.id = d.event_id AND e.occurred_at = d.occurred_at
       ${whereSql(onEvents)}
       ORDER BY d.occurred_at DESC, d.event_id DESC`;
    return { sql, params: p.values };
  }
  // With break-glass (a column of the event) the join must come before the LIMIT.
  const sql = `SELECT ${columns}
      FROM audit_disclosure d JOIN audit_event e ON e.id = d.event_id AND e.occurred_at = d.occurred_at
     ${whereSql([...where, ...onEvents])}
     ORDER BY d.occurred_at DESC, d.event_id DESC
     LIMIT ${lim}`;
  return { sql, params: p.values };
}

function toEntry(row: Row, personId: string | null | undefined): AccessLogEntry {
  const e = row.payload;
  const subjects = (e.subjects ?? []).filter((s) => !personId || s.personId === personId);
  return {
    eventId: e.id,
    occurredAt: e.occurredAt,
    requestId: e.requestId,
    actor: e.actor,
    purpose: e.purpose,
    operationType: e.operation?.type ?? 'unknown',
    operationName: e.operation?.name ?? null,
    action: e.action,
    outcome: e.outcome,
    errorCodes: e.errorCodes ?? [],
    breakGlass: e.breakGlass,
    subjects: subjects.map((s) => ({ ...s, relationshipsNow: null })),
    correlationId: e.correlationId ?? null,
    network: e.network ?? null,
    documentHash: e.operation?.documentHash ?? null,
  };
}

/**
 * Fills `relationshipsNow` for every subject: for each distinct stored actor a Viewer is rebuilt
 * (sub, agency, roles; the agency's kind from the directory) and the relationship SQL of
 * relationships.ts is evaluated for each (actor, person) pair of the page — one statement whose
 * text does not depend on the actors (their values are rows of arrays), so it is planned once
 * whatever the number of actors, and each source is an index lookup per pair.
 */
export async function fillCurrentRelationships(
  db: DataSource | EntityManager,
  agencies: AgencyDirectory,
  entries: AccessLogEntry[],
): Promise<void> {
  interface Actor {
    viewer: Viewer;
    people: Set<string>;
    kinds: Map<string, string[]>;
  }
  const actors = new Map<string, Actor>();
  const actorOf = entries.map((e) => {
    const key = JSON.stringify([e.actor.sub, e.actor.agency, [...e.actor.roles].sort()]);
    let a = actors.get(key);
    if (!a) {
      const viewer: Viewer = {
        sub: e.actor.sub,
        name: e.actor.name,
        agency: e.actor.agency ?? '',
        agencyKind: (e.actor.agency && agencies.get(e.actor.agency)?.kind) || 'OTHER',
        roles: e.actor.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
      };
      actors.set(key, (a = { viewer, people: new Set(), kinds: new Map() }));
    }
    for (const s of e.subjects) a.people.add(s.personId);
    return a;
  });
  const list = [...actors.values()];
  const cols = {
    actor: [] as number[],
    person: [] as string[],
    sub: [] as string[],
    agency: [] as string[],
    kind: [] as string[],
    mask: [] as number[],
  };
  list.forEach((a, index) => {
    const mask = relationshipSourceMask(a.viewer);
    // No source applies (e.g. an IG auditor): no relationship, nothing to look up.
    if (mask === 0) return;
    for (const person of a.people) {
      cols.actor.push(index);
      cols.person.push(person);
      cols.sub.push(a.viewer.sub);
      cols.agency.push(a.viewer.agency);
      cols.kind.push(a.viewer.agencyKind);
      cols.mask.push(mask);
    }
  });
  if (cols.actor.length) {
    const p = new Params();
    const from = `unnest(${p.add(cols.actor)}::int[], ${p.add(cols.person)}::uuid[], ${p.add(cols.sub)}::text[], ${p.add(cols.agency)}::text[],
                         ${p.add(cols.kind)}::text[], ${p.add(cols.mask)}::int[]) AS v(actor, person, sub, agency, agency_kind, mask)`;
    const kinds = relationshipKindsOfViewerRowsSql(
      'v.person',
      { sub: 'v.sub', agency: 'v.agency', agencyKind: 'v.agency_kind' },
      'v.mask',
      p,
    );
    // The kinds are computed in a LATERAL sub-query per pair (OFFSET 0 keeps it from being flattened):
    // planned for one row, each source's EXISTS stays an index lookup. In the select list of the
    // whole row set, the planner may instead hash a source's entire table once (every person_source,
    // every strategy invitation: a full scan per request that grows with the partnership).
    // Prepared: its text is the same for every page, and planning it cost half its execution.
    const rows = await queryPrepared<{ actor: number; id: string; kinds: string[] }>(
      db,
      `SELECT v.actor, v.person::text AS id, k.kinds FROM ${from} CROSS JOIN LATERAL (SELECT ${kinds} AS kinds OFFSET 0) k`,
      p.values,
    );
    for (const r of rows) list[r.actor]!.kinds.set(r.id, r.kinds);
  }
  entries.forEach((e, i) => {
    for (const s of e.subjects) s.relationshipsNow = actorOf[i]!.kinds.get(s.personId) ?? [];
  });
}

function lacksRelationship(e: AccessLogEntry): boolean {
  return e.subjects.some((s) => s.outcome === 'DISCLOSED' && (s.relationshipsNow ?? []).length === 0);
}

/** One page of the access log. */
export async function queryAccessLog(
  db: DataSource | EntityManager,
  agencies: AgencyDirectory,
  filter: AccessLogFilter,
  first: number,
  after: Cursor | null,
  options: { relationships?: boolean } = {},
): Promise<AccessLogPage> {
  if (!filter.withoutRelationship) {
    const { sql, params } = accessLogSql(filter, after, first + 1);
    const rows: Row[] = await db.query(sql, params);
    const page = rows.slice(0, first);
    const entries = page.map((r) => toEntry(r, filter.personId));
    if (options.relationships !== false) await fillCurrentRelationships(db, agencies, entries);
    const cursors = page.map((r) => encode([r.occ, r.id]));
    return { entries, cursors, endCursor: cursors.at(-1) ?? null, hasNextPage: rows.length > first };
  }
  // Relationships are evaluated per stored actor, so candidates are examined in chunks.
  const entries: AccessLogEntry[] = [];
  const cursors: string[] = [];
  let cursor = after;
  let scanned = 0;
  const chunk = Math.max(first * 4, 200);
  for (;;) {
    const { sql, params } = accessLogSql(filter, cursor, chunk);
    const rows: Row[] = await db.query(sql, params);
    const candidates = rows.map((r) => toEntry(r, filter.personId));
    await fillCurrentRelationships(db, agencies, candidates);
    for (let i = 0; i < rows.length; i++) {
      scanned++;
      const c = candidates[i]!;
      if (!lacksRelationship(c)) {
        cursor = [rows[i]!.occ, rows[i]!.id];
        continue;
      }
      if (entries.length === first)
        return { entries, cursors, endCursor: cursor ? encode(cursor) : null, hasNextPage: true };
      c.subjects = c.subjects.filter((s) => s.outcome === 'DISCLOSED' && (s.relationshipsNow ?? []).length === 0);
      entries.push(c);
      cursor = [rows[i]!.occ, rows[i]!.id];
      cursors.push(encode(cursor));
    }
    if (rows.length < chunk) return { entries, cursors, endCursor: cursor ? encode(cursor) : null, hasNextPage: false };
    if (scanned >= MAX_SCAN) return { entries, cursors, endCursor: cursor ? encode(cursor) : null, hasNextPage: true };
  }
}

const encode = (c: Cursor): string => encodeCursor(c);
