/**
 * Demo LADO allegations (issue 25, ADR 018): two a month over the months before the as-of date, told
 * through the real services by a fictional LADO with their historical times: one resolved within a
 * month (substantiated in turn, with a DBS referral), one within three months or still open at the end.
 * Idempotent by a marker in the employer's name. All names are obviously fictional.
 */
import { systemViewer } from '../access-policy/system-viewer';
import type { Hub, RequestContext } from '../context/context';
import { createRequestContext } from '../context/context-factory';
import { requirePartnership } from '../db/partnership-scope';
import { recordAllegationOutcome, recordLadoAllegation, scheduleAllegationMeeting } from '../lado/lado.service';
import type { AllegationCategory, AllegationOutcome, LadoSector } from '../lado/vocabulary';
import { DEMO_DEFAULTS } from './demo-data';

const DAY = 86_400_000;
const EMPLOYERS: Array<{ agency: string; name: string; sector: LadoSector; role: string }> = [
  {
    agency: 'education',
    name: 'Fictional Meadow Primary School',
    sector: 'EDUCATION',
    role: 'Teaching assistant (fictional)',
  },
  { agency: 'health', name: 'Fictional Riverside Hospital', sector: 'HEALTH', role: 'Ward nurse (fictional)' },
  {
    agency: 'education',
    name: 'Fictional Hilltop Nursery',
    sector: 'EARLY_YEARS',
    role: 'Nursery practitioner (fictional)',
  },
  {
    agency: 'social-care',
    name: 'Fictional Oak House Children’s Home',
    sector: 'SOCIAL_CARE',
    role: 'Residential worker (fictional)',
  },
];
const CATEGORIES: AllegationCategory[] = ['PHYSICAL', 'EMOTIONAL', 'SUITABILITY', 'SEXUAL', 'NEGLECT'];
const OUTCOMES: AllegationOutcome[] = ['SUBSTANTIATED', 'UNSUBSTANTIATED', 'UNFOUNDED', 'FALSE', 'MALICIOUS'];

function addMonths(d: Date, months: number): Date {
  const r = new Date(d);
  r.setUTCMonth(r.getUTCMonth() + months);
  return r;
}

function lado(hub: Hub, requestId: string): RequestContext {
  const kind = hub.agencies.kindOf('social-care');
  if (!kind) throw new Error('demo LADO: agency social-care is not in this partnership');
  const viewer = {
    ...systemViewer('demo-seed', 'lado-1', { code: 'social-care', kind }),
    roles: ['LADO' as const],
    name: 'Lee Designated (fictional LADO)',
  };
  return createRequestContext(hub, {
    viewer,
    partnership: requirePartnership(),
    requestId,
    operation: { type: 'seed', name: 'demoLado', documentHash: null },
  });
}

/** Tells the planned allegations not told yet; returns how many it told. */
export async function seedDemoLado(
  hub: Hub,
  options: { seed?: number; asOf?: string; months?: number } = {},
): Promise<number> {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const months = options.months ?? 6;
  const asOf = new Date(`${options.asOf ?? DEMO_DEFAULTS.asOf}T00:00:00Z`);
  const runId = `demo-lado-${Date.now().toString(36)}`;
  let seq = 0;
  let told = 0;
  for (let m = 0; m < months; m++) {
    const from = addMonths(asOf, m - months);
    for (const k of [0, 1]) {
      const n = 2 * m + k + 1;
      const marker = `(demo ref lado-${seed}-${n})`;
      const [{ found }] = (await hub.dataSource.query(
        `SELECT count(*)::int AS found FROM lado_allegation WHERE strpos(employer_name, $1) > 0`,
        [marker],
      )) as [{ found: number }];
      if (found > 0) continue;
      const employer = EMPLOYERS[n % EMPLOYERS.length]!;
      const receivedAt = new Date(from.getTime() + (k === 0 ? 1 : 8) * DAY + 10 * 3_600_000);
      const id = await recordLadoAllegation(lado(hub, `${runId}-${++seq}`), {
        employerAgency: employer.agency,
        employerName: `${employer.name} ${marker}`,
        sector: employer.sector,
        category: CATEGORIES[n % CATEGORIES.length]!,
        adultName: `Fictional Adult ${n}`,
        adultRole: employer.role,
        receivedAt,
      });
      await scheduleAllegationMeeting(
        lado(hub, `${runId}-${++seq}`),
        id,
        { at: new Date(receivedAt.getTime() + 3 * DAY), employerInvited: true },
        1,
      );
      // The first of the month is resolved within the month; the second within about seven weeks, except in the last month.
      if (k === 1 && m === months - 1) {
        told++;
        continue;
      }
      const outcome = k === 0 ? OUTCOMES[m % OUTCOMES.length]! : OUTCOMES[(m + 2) % OUTCOMES.length]!;
      const at = new Date(receivedAt.getTime() + (k === 0 ? 18 : 50) * DAY);
      await recordAllegationOutcome(
        lado(hub, `${runId}-${++seq}`),
        id,
        { outcome, at, dbsReferredAt: outcome === 'SUBSTANTIATED' ? new Date(at.getTime() + DAY) : null },
        2,
      );
      told++;
    }
  }
  return told;
}
