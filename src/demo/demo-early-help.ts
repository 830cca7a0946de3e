/**
 * Demo early help and step transitions (issue 25, ADR 018). The referral stories' EARLY_HELP decisions
 * open episodes through `authoriseDecision` itself (demo-cases.ts back-dates them with the decision);
 * on top, each month a MASH manager steps two referred children down into early help: one episode is
 * closed (needs met, or not, in turn) and the other stepped back up, a re-escalation. Told through the
 * real services with their historical times; idempotent by a marker in the step-down's reason.
 */
import { systemViewer } from '../access-policy/system-viewer';
import type { Hub, RequestContext } from '../context/context';
import { createRequestContext } from '../context/context-factory';
import { requirePartnership } from '../db/partnership-scope';
import { closeEarlyHelpEpisode, stepDownToEarlyHelp, stepUpEarlyHelpEpisode } from '../early-help/early-help.service';
import { DEMO_DEFAULTS } from './demo-data';

const DAY = 86_400_000;

function addMonths(d: Date, months: number): Date {
  const r = new Date(d);
  r.setUTCMonth(r.getUTCMonth() + months);
  return r;
}

/** The planned steps: pure. Each month a child stepped down and closed, and one stepped down and up. */
export function planDemoEarlyHelp(options: { seed?: number; asOf?: string; months?: number } = {}) {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const months = options.months ?? 6;
  const asOf = new Date(`${options.asOf ?? DEMO_DEFAULTS.asOf}T00:00:00Z`);
  return Array.from({ length: months }, (_, m) => {
    const from = addMonths(asOf, m - months);
    const at = (day: number, hour: number) => new Date(from.getTime() + day * DAY + hour * 3_600_000);
    return [
      {
        marker: `(demo ref eh-${seed}-${2 * m + 1})`,
        downAt: at(2, 10),
        end: {
          kind: 'CLOSE' as const,
          at: at(20, 11),
          outcome: m % 2 === 0 ? ('NEEDS_MET' as const) : ('NEEDS_NOT_MET' as const),
        },
      },
      {
        marker: `(demo ref eh-${seed}-${2 * m + 2})`,
        downAt: at(5, 14),
        end: { kind: 'STEP_UP' as const, at: at(15, 9) },
      },
    ];
  }).flat();
}

function manager(hub: Hub, requestId: string): RequestContext {
  const kind = hub.agencies.kindOf('social-care');
  if (!kind) throw new Error('demo early help: agency social-care is not in this partnership');
  const viewer = {
    ...systemViewer('demo-seed', 'manager-1', { code: 'social-care', kind }),
    roles: ['MASH_MANAGER' as const],
    name: 'Pat Manager (fictional)',
  };
  return createRequestContext(hub, {
    viewer,
    partnership: requirePartnership(),
    requestId,
    operation: { type: 'seed', name: 'demoEarlyHelp', documentHash: null },
  });
}

/** Tells the planned steps not told yet, about referred children with no open episode; returns how many step-downs it told. */
export async function seedDemoEarlyHelp(hub: Hub, options: { seed?: number; asOf?: string } = {}): Promise<number> {
  const runId = `demo-early-help-${Date.now().toString(36)}`;
  let seq = 0;
  let told = 0;
  for (const spec of planDemoEarlyHelp(options)) {
    const [{ n }] = (await hub.dataSource.query(
      `SELECT count(*)::int AS n FROM step_transition WHERE strpos(reason, $1) > 0`,
      [spec.marker],
    )) as [{ n: number }];
    if (n > 0) continue;
    // A referred child with no open episode, in a stable order (the same run picks the same children).
    const [child] = (await hub.dataSource.query(
      `SELECT p.id FROM person p
        WHERE p.kind = 'CHILD' AND EXISTS (SELECT 1 FROM referral_subject rs WHERE rs.person_id = p.id)
          AND NOT EXISTS (SELECT 1 FROM early_help_episode h WHERE h.person_id = p.id AND h.status = 'OPEN')
        ORDER BY md5(p.id::text || $1) LIMIT 1`,
      [spec.marker],
    )) as Array<{ id: string }>;
    if (!child) continue;
    const id = await stepDownToEarlyHelp(manager(hub, `${runId}-${++seq}`), {
      personId: child.id,
      at: spec.downAt,
      agreedWith: 'Fictional Early Help Team Manager',
      reason: `Fictional: child in need plan ended; the family agreed to early help support ${spec.marker}`,
      leadProfessionalName: 'Fictional Family Support Worker',
      leadProfessionalAgency: 'education',
    });
    if (spec.end.kind === 'CLOSE')
      await closeEarlyHelpEpisode(manager(hub, `${runId}-${++seq}`), id, spec.end.outcome, spec.end.at, 1);
    else {
      await stepUpEarlyHelpEpisode(
        manager(hub, `${runId}-${++seq}`),
        id,
        {
          at: spec.end.at,
          agreedWith: 'Fictional Early Help Team Manager',
          reason: 'Fictional: new concerns reported by the school; needs a social work assessment',
        },
        1,
      );
    }
    told++;
  }
  return told;
}
