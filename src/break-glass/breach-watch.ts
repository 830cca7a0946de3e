import type { DataSource } from 'typeorm';
import type { Hub } from '../context/context';
import { claimPeriodicRun } from '../db/periodic-job';
import { notifyEvent } from '../events/notify';
import { forEachPartnership } from '../db/partnership-scope';

/**
 * A breach raises an alert once (issue 19 §3). Every `BREACH_CHECK_SECONDS` (60) one hub process (a lease
 * in periodic_job) looks for open referrals past their decision due time and outstanding agency
 * checks past theirs, and raises DECISION_OVERDUE to the MASH's social care team and CHECK_OVERDUE
 * to the agency holding the check. The alert names the referral only, which its recipient already
 * reaches (social care MASH staff: every referral; an agency officer: those with its check), never a
 * person; it is read and pushed on `alertRaised` like every other alert (to its agency's users; IG
 * sees all). A partial unique index on (kind, referral, recipient, breached due time) with ON
 * CONFLICT DO NOTHING makes it once per breach whichever process gets there first; a new due time
 * (a re-rating) is a new breach.
 */

export const BREACH_JOB = 'breach-check';

export interface RaisedBreachAlert {
  id: string;
  kind: 'DECISION_OVERDUE' | 'CHECK_OVERDUE';
  toAgency: string;
  referralId: string;
}

/** One check in every partnership (tests, the periodic job). `socialCare`: the agency code of the MASH's social care team. */
export function raiseBreachAlerts(ds: DataSource, socialCare: string): Promise<RaisedBreachAlert[]> {
  return forEachPartnership(ds, 'breach-check', () => raiseBreachAlertsInPartnership(ds, socialCare));
}

/** The check in the current partnership (the queries name it too: an owner connection bypasses the wall). */
export async function raiseBreachAlertsInPartnership(ds: DataSource, socialCare: string): Promise<RaisedBreachAlert[]> {
  return ds.transaction(async (m) => {
    const rows: Array<{ id: string; kind: RaisedBreachAlert['kind']; to_agency: string; referral_id: string }> =
      await m.query(
        `WITH breaches AS (
         SELECT 'DECISION_OVERDUE' AS kind, r.id AS referral_id, $1::text AS to_agency, r.decision_due_at AS due_at
           FROM referral r
          WHERE r.partnership_id = mash_current_partnership()
            AND r.status NOT IN ('CLOSED','WITHDRAWN','MERGED') AND r.decision_due_at < now()
         UNION ALL
         SELECT 'CHECK_OVERDUE', ac.referral_id, ac.agency, ac.due_at
           FROM agency_check ac JOIN referral r ON r.id = ac.referral_id
          WHERE r.partnership_id = mash_current_partnership()
            AND ac.status IN ('REQUESTED','IN_PROGRESS') AND ac.due_at < now() AND r.status NOT IN ('CLOSED','WITHDRAWN','MERGED')
       )
       INSERT INTO alert (kind, to_agency, person_id, break_glass_id, referral_id, actor_sub, actor_name, actor_agency, created_at, window_start)
       SELECT b.kind, b.to_agency, NULL, NULL, b.referral_id, 'mash-hub', 'MASH Hub breach check', '', now(), b.due_at FROM breaches b
       ON CONFLICT (partnership_id, kind, referral_id, to_agency, window_start) WHERE kind IN ('DECISION_OVERDUE','CHECK_OVERDUE') DO NOTHING
       RETURNING id, kind, to_agency, referral_id`,
        [socialCare],
      );
    for (const r of rows) await notifyEvent(m, { topic: 'alert', payload: { alertId: r.id, toAgency: r.to_agency } });
    return rows.map((r) => ({ id: r.id, kind: r.kind, toAgency: r.to_agency, referralId: r.referral_id }));
  });
}

/** The periodic job: every process ticks, one per interval runs the check. Failures are logged, never fatal. */
export function startBreachWatch(hub: Hub): { stop(): void } {
  const socialCare = hub.agencies.list().find((a) => a.kind === 'SOCIAL_CARE')?.code;
  const seconds = hub.config.breachCheckSeconds;
  let running = false;
  const timer = setInterval(() => {
    if (running || !socialCare) return;
    running = true;
    claimPeriodicRun(hub.dataSource, BREACH_JOB, seconds * 0.9)
      .then((claimed) => (claimed ? raiseBreachAlerts(hub.dataSource, socialCare) : []))
      .then((raised) => {
        // Ids and counts only.
        if (raised.length)
          hub.logger.info({ alerts: raised.map((a) => a.id), count: raised.length }, 'breach alerts raised');
      })
      .catch((e: unknown) => hub.logger.warn({ err: { message: (e as Error).message } }, 'breach check failed'))
      .finally(() => {
        running = false;
      });
  }, seconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
