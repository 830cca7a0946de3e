/**
 * Demo missing episodes and return home interviews (issue 25, ADR 018): a handful a month over the
 * months before the as-of date, told through the real services (recordMissingEpisode,
 * recordMissingReturn, offerReturnInterview, recordReturnInterview) with their historical times, so
 * the scope, the state machine, the CHECK constraints and the audit are exercised as through the API.
 * Each month has an interview held within 72 hours, one declined, one offered late; the last month
 * also a child still missing and one back without an offer past the 72 hours (the worklist's overdue).
 * Idempotent by a marker in the circumstances (`(demo ref missing-<seed>-<n>)`). All text is fictional.
 */
import { OFFICER_ROLE_BY_KIND, systemViewer } from '../access-policy/system-viewer';
import type { Role } from '../access-policy/vocabulary';
import type { Hub, RequestContext } from '../context/context';
import { createRequestContext } from '../context/context-factory';
import { requirePartnership } from '../db/partnership-scope';
import {
  offerReturnInterview,
  recordMissingEpisode,
  recordMissingReturn,
  recordReturnInterview,
} from '../missing/missing.service';
import type { MissingFrom, ReturnInterviewOutcome } from '../missing/vocabulary';
import type { DemoChild } from './demo-cases';
import { DEMO_DEFAULTS, mulberry32 } from './demo-data';

export interface MissingEpisodeSpec {
  n: number;
  marker: string;
  childIndex: number;
  missingFrom: MissingFrom;
  startedAt: Date;
  /** Hours after the start; null: still missing. */
  returnedAfterHours: number | null;
  /** Hours after the return; null: not offered. */
  offeredAfterHours: number | null;
  outcome: ReturnInterviewOutcome | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FROM: MissingFrom[] = ['HOME', 'HOME', 'CARE', 'CARE', 'EDUCATION', 'HEALTH'];
const SERVICES = ['Fictional Independent Return Service', 'Fictional Youth Advocacy Project'];

function addMonths(d: Date, months: number): Date {
  const r = new Date(d);
  r.setUTCMonth(r.getUTCMonth() + months);
  return r;
}

/** The plan: pure, from its own PRNG (the referral stories' draws are not shifted by it). */
export function planDemoMissing(
  children: number,
  options: { seed?: number; asOf?: string; months?: number } = {},
): MissingEpisodeSpec[] {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const months = options.months ?? 6;
  const asOf = new Date(`${options.asOf ?? DEMO_DEFAULTS.asOf}T00:00:00Z`);
  if (children < 1) return [];
  const rnd = mulberry32((seed ^ 0x0015_5106) >>> 0);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const out: MissingEpisodeSpec[] = [];
  const add = (
    startedAt: Date,
    returned: number | null,
    offered: number | null,
    outcome: ReturnInterviewOutcome | null,
  ) => {
    const n = out.length + 1;
    out.push({
      n,
      marker: `(demo ref missing-${seed}-${n})`,
      childIndex: int(0, children - 1),
      missingFrom: FROM[int(0, FROM.length - 1)]!,
      startedAt,
      returnedAfterHours: returned,
      offeredAfterHours: offered,
      outcome,
    });
  };
  for (let m = 0; m < months; m++) {
    const from = addMonths(asOf, m - months);
    const on = (day: number) => new Date(from.getTime() + day * DAY + int(0, 23) * HOUR);
    add(on(int(1, 6)), int(4, 30), int(6, 60), 'HELD');
    add(on(int(7, 12)), int(4, 30), int(6, 70), 'DECLINED');
    add(on(int(13, 18)), int(4, 30), int(80, 110), int(0, 1) === 0 ? 'HELD' : null);
  }
  // The last days before the as-of date: one still missing, one back more than 72 hours without an offer.
  add(new Date(asOf.getTime() - 2 * DAY), null, null, null);
  add(new Date(asOf.getTime() - 6 * DAY), 10, null, null);
  return out;
}

function contextFor(hub: Hub, agency: string, sub: string, roles: Role[] | null, requestId: string): RequestContext {
  const kind = hub.agencies.kindOf(agency);
  if (!kind) throw new Error(`demo missing: agency ${agency} is not in this partnership`);
  const base = systemViewer('demo-seed', sub, { code: agency, kind });
  return createRequestContext(hub, {
    viewer: roles ? { ...base, roles } : base,
    partnership: requirePartnership(),
    requestId,
    operation: { type: 'seed', name: 'demoMissing', documentHash: null },
  });
}

/**
 * Tells the planned episodes not told yet; returns how many it told. An agency holding the child records
 * the episode and the return (police when they hold the child); social care offers and records the interview.
 */
export async function seedDemoMissing(
  hub: Hub,
  children: DemoChild[],
  options: { seed?: number; asOf?: string } = {},
): Promise<number> {
  const plan = planDemoMissing(children.length, options);
  const runId = `demo-missing-${Date.now().toString(36)}`;
  let seq = 0;
  let told = 0;
  for (const spec of plan) {
    const [{ n }] = (await hub.dataSource.query(
      `SELECT count(*)::int AS n FROM missing_episode WHERE strpos(circumstances, $1) > 0`,
      [spec.marker],
    )) as [{ n: number }];
    if (n > 0) continue;
    const child = children[spec.childIndex]!;
    const agency = child.agencies.includes('police')
      ? 'police'
      : child.agencies.find((a) => {
          const kind = hub.agencies.kindOf(a);
          return kind !== undefined && OFFICER_ROLE_BY_KIND[kind] !== 'PARTNER_REFERRER';
        });
    if (!agency) continue;
    const recorder = () => contextFor(hub, agency, `${agency}-missing-1`, null, `${runId}-${++seq}`);
    const worker = () => contextFor(hub, 'social-care', 'sw-missing-1', ['MASH_SOCIAL_WORKER'], `${runId}-${++seq}`);
    const id = await recordMissingEpisode(recorder(), {
      personId: child.id,
      missingFrom: spec.missingFrom,
      startedAt: spec.startedAt,
      circumstances: `Fictional: reported missing by the carer after not returning at the agreed time ${spec.marker}`,
    });
    if (spec.returnedAfterHours === null) {
      told++;
      continue;
    }
    const returnedAt = new Date(spec.startedAt.getTime() + spec.returnedAfterHours * HOUR);
    await recordMissingReturn(recorder(), id, returnedAt, 1);
    if (spec.offeredAfterHours !== null) {
      const offeredAt = new Date(returnedAt.getTime() + spec.offeredAfterHours * HOUR);
      await offerReturnInterview(worker(), id, offeredAt, 2);
      if (spec.outcome) {
        const at = new Date(offeredAt.getTime() + 20 * HOUR);
        await recordReturnInterview(
          worker(),
          id,
          { outcome: spec.outcome, at, conductedBy: SERVICES[spec.n % SERVICES.length]! },
          3,
        );
      }
    }
    told++;
  }
  return told;
}
