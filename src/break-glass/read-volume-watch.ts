import type { DataSource } from 'typeorm';
import type { Hub } from '../context/context';
import { claimPeriodicRun } from '../db/periodic-job';
import { notifyEvent } from '../events/notify';
import { forEachPartnership } from '../db/partnership-scope';

/**
 * The enumeration pattern privacy officers watch for: one user reading unusually many distinct
 * children in an hour. Computed from the stored audit (audit_disclosure: released fields, by actor
 * and time), not from one process's memory, so it sees the reads of every hub process and survives
 * restarts. Counted: disclosures that released at least one field, by queries (not a mutation's
 * own response: pushing children in is not reading them), of persons of kind CHILD or UNBORN.
 * One hub process per interval runs the check (a lease in periodic_job); a partial unique index on
 * (actor_sub, window_start) and ON CONFLICT DO NOTHING raise at most one alert per user per clock
 * hour whichever process gets there first. The alert goes to information governance (to_agency
 * NULL) and is announced on `alertRaised` like every other alert.
 *
 * The window is the hour before the check (sliding), so reads straddling a clock hour are counted
 * together; the alert is keyed by the clock hour of the check.
 */

export const READ_VOLUME_ALERT = 'UNUSUAL_READ_VOLUME';
/** The check's name in periodic_job. */
export const READ_VOLUME_JOB = 'read-volume-check';

export interface RaisedReadVolumeAlert {
  id: string;
  actorSub: string;
  distinctPeople: number;
}

/** One check, on demand (tests, an operator) or from the periodic job. Returns the alerts it raised. */
export function raiseReadVolumeAlerts(
  ds: DataSource,
  threshold: number,
  now: Date = new Date(),
): Promise<RaisedReadVolumeAlert[]> {
  // Per partnership: a user reading many children across two partnerships is two separate readings (ADR 016).
  return forEachPartnership(ds, 'read-volume-check', () => raiseReadVolumeAlertsInPartnership(ds, threshold, now));
}

async function raiseReadVolumeAlertsInPartnership(
  ds: DataSource,
  threshold: number,
  now: Date,
): Promise<RaisedReadVolumeAlert[]> {
  return ds.transaction(async (m) => {
    const rows: Array<{ id: string; actor_sub: string; distinct_people: number }> = await m.query(
      `WITH pairs AS (
         -- Distinct (reader, person) pairs first: a hash of the hour's few thousand pairs, where
         -- count(DISTINCT) sorted every disclosure row of the hour (on disk past work_mem).
         SELECT d.actor_sub, d.person_id, max(d.actor_agency) AS actor_agency
           FROM audit_disclosure d
          WHERE d.partnership_id = mash_current_partnership()
            AND d.occurred_at > $1::timestamptz - interval '1 hour' AND d.occurred_at <= $1::timestamptz
            AND cardinality(d.released) > 0
            -- Not a mutation's own response. The event's time bounds are repeated so that only the
            -- hour's partition of audit_event is read (the join alone did not prune: every month's
            -- events were scanned on every check).
            AND NOT EXISTS (SELECT 1 FROM audit_event e
                             WHERE e.id = d.event_id AND e.occurred_at = d.occurred_at
                               AND e.occurred_at > $1::timestamptz - interval '1 hour' AND e.occurred_at <= $1::timestamptz
                               AND e.action IN ('EXECUTE', 'CREATE', 'UPDATE'))
          GROUP BY d.actor_sub, d.person_id
       ), counts AS (
         SELECT pr.actor_sub, max(pr.actor_agency) AS actor_agency, count(*)::int AS n
           FROM pairs pr JOIN person p ON p.id = pr.person_id
          WHERE p.kind IN ('CHILD', 'UNBORN')
          GROUP BY pr.actor_sub
         HAVING count(*) > $2
       )
       INSERT INTO alert (kind, to_agency, person_id, break_glass_id, actor_sub, actor_name, actor_agency, created_at, window_start, distinct_people)
       SELECT $3, NULL, NULL, NULL, c.actor_sub,
              coalesce((SELECT e.payload->'actor'->>'name' FROM audit_event e
                         WHERE e.partnership_id = mash_current_partnership() AND e.actor_sub = c.actor_sub AND e.occurred_at > $1::timestamptz - interval '1 hour'
                           AND e.occurred_at <= $1::timestamptz
                         ORDER BY e.occurred_at DESC LIMIT 1), c.actor_sub),
              coalesce(c.actor_agency, ''), now(),
              date_trunc('hour', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', c.n
         FROM counts c
       ON CONFLICT (partnership_id, actor_sub, window_start) WHERE kind = 'UNUSUAL_READ_VOLUME' DO NOTHING
       RETURNING id, actor_sub, distinct_people`,
      [now.toISOString(), threshold, READ_VOLUME_ALERT],
    );
    for (const r of rows) await notifyEvent(m, { topic: 'alert', payload: { alertId: r.id, toAgency: null } });
    return rows.map((r) => ({ id: r.id, actorSub: r.actor_sub, distinctPeople: r.distinct_people }));
  });
}

/**
 * The periodic job (ENUMERATION_ALERT_INTERVAL_SECONDS). Every hub process ticks; one per interval
 * runs the check (claimPeriodicRun), so its cost does not grow with the number of processes. The
 * 10 % slack keeps the process that ran last from missing its next tick by a few milliseconds.
 * Failures are logged, never fatal.
 */
export function startReadVolumeWatch(hub: Hub): { stop(): void } {
  const { threshold, intervalSeconds } = hub.config.enumerationAlert;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    claimPeriodicRun(hub.dataSource, READ_VOLUME_JOB, intervalSeconds * 0.9)
      .then((claimed) => (claimed ? raiseReadVolumeAlerts(hub.dataSource, threshold) : []))
      .then((raised) => {
        // Ids and counts only: the actor's identity is in the alert, for IG.
        if (raised.length)
          hub.logger.warn(
            { alerts: raised.map((a) => a.id), count: raised.length },
            'unusual read volume alerts raised',
          );
      })
      .catch((e: unknown) => hub.logger.warn({ err: { message: (e as Error).message } }, 'read volume check failed'))
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
