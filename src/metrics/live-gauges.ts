import type { DataSource } from 'typeorm';
import { TERMINAL_STATUSES } from '../referrals/referral-state-machine';
import { forEachPartnership } from '../db/partnership-scope';

/**
 * The MASH's own operational gauges for Prometheus (src/telemetry/hub-metrics.ts), read when
 * /metrics is scraped: counts only, by RAG and by agency, never a referral, person or user. A
 * system read outside any viewer's scope, like the governance metrics' partnership totals: it
 * releases no person's data, so it writes no audit event. Bounded by a statement timeout so a slow
 * scrape never holds a pooled connection for long.
 */

export const RAG_LABELS = ['RED', 'AMBER', 'GREEN', 'UNRATED'] as const;

export interface LiveGauges {
  /** Open referrals (not closed, withdrawn or merged) by current RAG. */
  openReferralsByRag: Record<(typeof RAG_LABELS)[number], number>;
  /** Open referrals past their decision due time (breached), by current RAG. */
  breachedReferralsByRag: Record<(typeof RAG_LABELS)[number], number>;
  /** Agency checks requested or in progress past their due time, by agency code. */
  overdueChecksByAgency: Map<string, number>;
}

const zeros = () => ({ RED: 0, AMBER: 0, GREEN: 0, UNRATED: 0 });

/** Totals over every partnership of the deployment (each read in its own partnership, ADR 016). */
export async function readLiveGauges(ds: DataSource, timeoutMs = 2000): Promise<LiveGauges> {
  const each = await forEachPartnership(ds, 'live-gauges', async () => [
    await readLiveGaugesInPartnership(ds, timeoutMs),
  ]);
  const total: LiveGauges = {
    openReferralsByRag: zeros(),
    breachedReferralsByRag: zeros(),
    overdueChecksByAgency: new Map(),
  };
  for (const g of each) {
    for (const rag of RAG_LABELS) {
      total.openReferralsByRag[rag] += g.openReferralsByRag[rag];
      total.breachedReferralsByRag[rag] += g.breachedReferralsByRag[rag];
    }
    for (const [agency, n] of g.overdueChecksByAgency)
      total.overdueChecksByAgency.set(agency, (total.overdueChecksByAgency.get(agency) ?? 0) + n);
  }
  return total;
}

async function readLiveGaugesInPartnership(ds: DataSource, timeoutMs: number): Promise<LiveGauges> {
  return ds.transaction('READ COMMITTED', async (m) => {
    await m.query(`SELECT set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
    const referrals: Array<{ rag: string; open: number; breached: number }> = await m.query(
      `SELECT coalesce(rag, 'UNRATED') AS rag, count(*)::int AS open,
              count(*) FILTER (WHERE decision_due_at < now())::int AS breached
         FROM referral WHERE partnership_id = mash_current_partnership() AND status <> ALL($1::text[])
        GROUP BY 1`,
      [TERMINAL_STATUSES],
    );
    const checks: Array<{ agency: string; n: number }> = await m.query(
      `SELECT agency, count(*)::int AS n FROM agency_check
        WHERE partnership_id = mash_current_partnership() AND status IN ('REQUESTED', 'IN_PROGRESS') AND due_at < now()
        GROUP BY agency`,
    );
    const gauges: LiveGauges = {
      openReferralsByRag: zeros(),
      breachedReferralsByRag: zeros(),
      overdueChecksByAgency: new Map(),
    };
    for (const r of referrals) {
      const rag = (RAG_LABELS as readonly string[]).includes(r.rag)
        ? (r.rag as (typeof RAG_LABELS)[number])
        : 'UNRATED';
      gauges.openReferralsByRag[rag] += r.open;
      gauges.breachedReferralsByRag[rag] += r.breached;
    }
    for (const c of checks) gauges.overdueChecksByAgency.set(c.agency, c.n);
    return gauges;
  });
}
