/**
 * Demo private fostering (issue 25, ADR 018): one notification a month over the months before the
 * as-of date, told through the real services by a fictional social care MASH worker with their
 * historical dates. The initial visit is held within 7 working days in alternate months and late in
 * the others; arrangements old enough get a second visit 6 weeks on, and the oldest ends. The child is
 * one the MASH already reaches (a subject of a demo referral). Idempotent by a marker in the notifier's
 * name. All names are obviously fictional.
 */
import { systemViewer } from '../access-policy/system-viewer';
import type { Hub, RequestContext } from '../context/context';
import { createRequestContext } from '../context/context-factory';
import { requirePartnership } from '../db/partnership-scope';
import {
  closePrivateFostering,
  notifyPrivateFostering,
  recordPrivateFosteringVisit,
} from '../private-fostering/private-fostering.service';
import type { PrivateFosteringNotifier } from '../private-fostering/vocabulary';
import { DEMO_DEFAULTS } from './demo-data';

const DAY = 86_400_000;
const NOTIFIERS: Array<{ by: PrivateFosteringNotifier; name: string }> = [
  { by: 'PRIVATE_FOSTER_CARER', name: 'Fictional Aunt Imaginary' },
  { by: 'PARENT', name: 'Fictional Parent Madeup' },
  { by: 'PROFESSIONAL', name: 'Fictional School Office' },
];

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

function worker(hub: Hub, requestId: string): RequestContext {
  const kind = hub.agencies.kindOf('social-care');
  if (!kind) throw new Error('demo private fostering: agency social-care is not in this partnership');
  const viewer = {
    ...systemViewer('demo-seed', 'pf-worker-1', { code: 'social-care', kind }),
    roles: ['MASH_SOCIAL_WORKER' as const],
    name: 'Pat Visitor (fictional)',
  };
  return createRequestContext(hub, {
    viewer,
    partnership: requirePartnership(),
    requestId,
    operation: { type: 'seed', name: 'demoPrivateFostering', documentHash: null },
  });
}

/** Tells the planned arrangements not told yet; returns how many it told. Call after the referral stories. */
export async function seedDemoPrivateFostering(
  hub: Hub,
  options: { seed?: number; asOf?: string; months?: number } = {},
): Promise<number> {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const months = options.months ?? 6;
  const asOf = new Date(`${options.asOf ?? DEMO_DEFAULTS.asOf}T00:00:00Z`);
  // Children the MASH reaches: subjects of the demo's referrals, in a fixed order.
  const children = (await hub.dataSource.query(
    `SELECT DISTINCT rs.person_id AS id FROM referral_subject rs JOIN person p ON p.id = rs.person_id WHERE p.kind = 'CHILD' ORDER BY rs.person_id LIMIT $1`,
    [months],
  )) as Array<{ id: string }>;
  if (children.length === 0) return 0;
  const runId = `demo-pf-${Date.now().toString(36)}`;
  let seq = 0;
  let told = 0;
  for (let m = 0; m < months; m++) {
    const n = m + 1;
    const marker = `(demo ref pf-${seed}-${n})`;
    const [{ found }] = (await hub.dataSource.query(
      `SELECT count(*)::int AS found FROM private_fostering_arrangement WHERE strpos(notifier_name, $1) > 0`,
      [marker],
    )) as [{ found: number }];
    if (found > 0) continue;
    const monthStart = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() + m - months, 1));
    // Notified on the 2nd at 10:00; the initial visit on the 6th (in time) or the 20th (late), both in the month.
    const notifiedAt = new Date(monthStart.getTime() + DAY + 10 * 3_600_000);
    const notifier = NOTIFIERS[m % NOTIFIERS.length]!;
    const id = await notifyPrivateFostering(worker(hub, `${runId}-${++seq}`), {
      personId: children[m % children.length]!.id,
      notifiedBy: notifier.by,
      notifierName: `${notifier.name} ${marker}`,
      notifiedAt,
      arrangementStartedOn: isoDate(new Date(monthStart.getTime() - 20 * DAY)),
    });
    let version = 1;
    const initialOn = new Date(monthStart.getTime() + (m % 2 === 0 ? 5 : 19) * DAY);
    await recordPrivateFosteringVisit(worker(hub, `${runId}-${++seq}`), id, isoDate(initialOn), version++);
    // Six weeks on, where that is before the as-of date.
    const secondOn = new Date(initialOn.getTime() + 42 * DAY);
    if (secondOn < asOf)
      await recordPrivateFosteringVisit(worker(hub, `${runId}-${++seq}`), id, isoDate(secondOn), version++);
    if (m === 0)
      await closePrivateFostering(
        worker(hub, `${runId}-${++seq}`),
        id,
        { closedOn: isoDate(new Date(secondOn.getTime() + 14 * DAY)), reason: 'RETURNED_TO_PARENT' },
        version,
      );
    told++;
  }
  return told;
}
