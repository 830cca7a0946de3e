import type { DataSource } from 'typeorm';
import type { Hub } from '../context/context';
import { servingRoleProblems } from '../db/app-role';
import { notifyEvent } from '../events/notify';
import { forEachPartnership } from '../db/partnership-scope';

/**
 * The serving role, checked while the hub runs (issue 17). At start the hub refuses (production)
 * or warns about a database role that could alter the audit (src/db/open.ts); a grant made later
 * (UPDATE or TRUNCATE on an audit table to mash_app) would otherwise leave it ready and serving.
 * Every SERVING_ROLE_CHECK_SECONDS each hub process repeats the catalog query on its own pool (its
 * own login: processes may serve as different logins, so no lease). While the role could alter the
 * audit, /readyz answers 503 (the load balancer stops sending), production also answers GraphQL with
 * 503 (as it refuses to start), and IG gets one SERVING_ROLE_PRIVILEGE alert per role and hour.
 *
 * Outside production the hub may have been started, with a warning, on a role that already could
 * (a developer's owner login, the benchmark's superuser): those problems are the baseline and only
 * new ones count. Production's baseline is empty: it does not start otherwise.
 */

export const SERVING_ROLE_ALERT = 'SERVING_ROLE_PRIVILEGE';

export interface ServingRoleWatch {
  /** False while the last check found the role able to alter the audit beyond the baseline. */
  ok(): boolean;
  /** One check now (tests, and the timer). Returns the problems beyond the baseline. */
  check(): Promise<string[]>;
  stop(): void;
}

/** Raises the IG alert (at most one per database role and clock hour, across processes). */
export async function raiseServingRoleAlert(ds: DataSource): Promise<string | null> {
  // Every partnership's IG is told: the role serves them all (ADR 016). The first alert's id is returned.
  const ids = await forEachPartnership(ds, 'serving-role-check', async () => {
    const id = await raiseServingRoleAlertInPartnership(ds);
    return id ? [id] : [];
  });
  return ids[0] ?? null;
}

async function raiseServingRoleAlertInPartnership(ds: DataSource): Promise<string | null> {
  return ds.transaction(async (m) => {
    const rows: Array<{ id: string }> = await m.query(
      `INSERT INTO alert (kind, to_agency, person_id, break_glass_id, actor_sub, actor_name, actor_agency, created_at, window_start)
       VALUES ($1, NULL, NULL, NULL, current_user, 'MASH Hub serving-role check', '', now(),
               date_trunc('hour', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
       ON CONFLICT (partnership_id, actor_sub, window_start) WHERE kind = 'SERVING_ROLE_PRIVILEGE' DO NOTHING
       RETURNING id`,
      [SERVING_ROLE_ALERT],
    );
    const id = rows[0]?.id ?? null;
    if (id) await notifyEvent(m, { topic: 'alert', payload: { alertId: id, toAgency: null } });
    return id;
  });
}

export function startServingRoleWatch(hub: Hub): ServingRoleWatch {
  const { dataSource, logger, config } = hub;
  const production = config.env === 'production';
  let baseline: Set<string> | null = production ? new Set() : null;
  let problems: string[] = [];
  let running: Promise<string[]> | null = null;

  async function checkOnce(): Promise<string[]> {
    if (!dataSource.isInitialized) return problems;
    const found = await servingRoleProblems(dataSource);
    baseline ??= new Set(found);
    const fresh = found.filter((p) => !baseline!.has(p));
    if (fresh.length && !problems.length) {
      // Table names and privileges only: no secret, no personal data.
      logger.error(
        { problems: fresh },
        'the serving database role can now alter the audit: not ready until the grant is revoked',
      );
      try {
        const alertId = await raiseServingRoleAlert(dataSource);
        if (alertId) logger.warn({ alert: alertId }, 'serving role alert raised to information governance');
      } catch (e) {
        logger.error({ err: { message: (e as Error).message } }, 'serving role alert could not be raised');
      }
    } else if (!fresh.length && problems.length) {
      logger.info('the serving database role is restricted again: ready');
    }
    problems = fresh;
    return fresh;
  }

  const check = (): Promise<string[]> => {
    running ??= checkOnce().finally(() => {
      running = null;
    });
    return running;
  };

  const tick = () =>
    void check().catch((e: unknown) =>
      logger.warn({ err: { message: (e as Error).message } }, 'serving role check failed'),
    );
  tick();
  const timer = setInterval(tick, config.servingRoleCheckSeconds * 1000);
  timer.unref();
  return { ok: () => problems.length === 0, check, stop: () => clearInterval(timer) };
}
