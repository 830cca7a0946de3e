/**
 * Demo casework: referrals about the demo children, with ratings, agency checks, decisions,
 * referrer feedback, strategy discussions, initial child protection conferences and break-glass
 * uses, spread over the months before the seed's as-of date, so the triage queue, the meetings and
 * the governance metrics (issue 7) have something true to show.
 *
 * Approach (a): every step goes through the real services (submitReferral, rateReferral,
 * requestAgencyChecks, respondToAgencyCheck, proposeDecision, authoriseDecision, scheduleMeeting,
 * …), so the state machine, the scope checks, the CHECK constraints and the audit are exercised
 * exactly as through the API: the demo proves the flows work, and no hand-written INSERT can drift
 * from what the services would store. The services stamp the current time, so right after each step
 * the rows that step just created or changed are back-dated with a plain UPDATE on the DOMAIN tables
 * (referral, referral_rating, agency_check, referral_idempotency, meeting*, break_glass, alert). The
 * audit tables are never touched: the audit truthfully says the demo seed did all this today.
 * Back-dating step by step (rather than once at the end) matters: the services compute due times
 * from the stored times (rateReferral from received_at, the ICPC due date from scheduled_at), so
 * they compute them from the back-dated history; where a service uses "now" (agency check due
 * times) the UPDATE recomputes the due time with the same clocks (`checkDueAt`).
 *
 * Each service runs its own transaction (they open one on the data source), so a referral's story
 * is a sequence of committed steps, not one transaction. Idempotency: every referral is submitted
 * with the idempotency key `demo-case:<seed>:<n>` (duplicates `…:<n>:dup`); a story whose key is
 * already stored is skipped whole, so a second run creates nothing. Break-glass uses carry the
 * marker `(demo ref bg-<seed>-<n>)` in their reason. A run interrupted in the middle of a story
 * leaves that one story part-told (and not back-dated); it is not resumed.
 *
 * Deterministic: the plan (who, when, which path) comes from the mulberry32 PRNG seeded with the
 * demo seed and the children in a stable order (their source references), and each story draws
 * from its own PRNG seeded by the plan, so skipping stories never shifts another story's draws.
 * All text is obviously fictional.
 */
import { systemViewer } from '../access-policy/system-viewer';
import type { Viewer } from '../access-policy/viewer';
import type { Role } from '../access-policy/vocabulary';
import { openBreakGlass, reviewBreakGlass } from '../break-glass/break-glass.service';
import type { Hub, RequestContext } from '../context/context';
import { createRequestContext } from '../context/context-factory';
import { requirePartnership } from '../db/partnership-scope';
import { ageOn, londonDate } from '../meetings/clocks';
import {
  addMeetingAction,
  completeMeeting,
  markMeetingHeld,
  recordAttendance,
  recordMeetingOutcome,
  scheduleMeeting,
} from '../meetings/meetings.service';
import { SECTION_47_OUTCOMES, type MeetingOutcome, type MeetingType } from '../meetings/vocabulary';
import { reviewDueOn } from '../child-protection/clocks';
import {
  concludeSection47Enquiry,
  recordCoreGroup,
  recordInitialConference,
  recordReviewConference,
  startSection47Enquiry,
} from '../child-protection/child-protection.service';
import type { CpCategory, S47Conclusion } from '../child-protection/vocabulary';
import { acknowledgedDecisionBy, checkDueAt, decisionDueAt, workingCalendar } from '../referrals/clocks';
import {
  assignReferral,
  authoriseDecision,
  mergeReferral,
  proposeDecision,
  returnDecision,
  rateReferral,
  requestAgencyChecks,
  respondToAgencyCheck,
  sendReferrerFeedback,
  submitReferral,
  withdrawReferral,
} from '../referrals/referrals.service';
import type {
  ConcernCategory,
  DecisionOutcome,
  RagRating,
  ReferralStatus,
  ThresholdLevel,
} from '../referrals/vocabulary';
import { isHubError } from '../shared/errors';
import { fromLondon, londonParts } from '../shared/working-calendar';
import { DEMO_DEFAULTS, mulberry32 } from './demo-data';
import { raiseBreachAlertsInPartnership } from '../break-glass/breach-watch';
import { seedDemoEarlyHelp } from './demo-early-help';
import { seedDemoExploitation } from './demo-exploitation';
import { seedDemoLado } from './demo-lado';
import { seedDemoPrivateFostering } from './demo-private-fostering';
import { seedDemoMissing } from './demo-missing';
import { refuseDemoOnProduction } from './production-guard';

export interface DemoCasesOptions {
  /** PRNG seed (default: the demo seed). */
  seed?: number;
  /** YYYY-MM-DD: the stories happen in the `months` months before this date. */
  asOf?: string;
  /** About how many referrals (default 300; merged duplicates come on top). */
  referrals?: number;
  /** How many months of history (default 6). */
  months?: number;
  /** Stories told at once (default 4). */
  concurrency?: number;
}

export const DEMO_CASES_DEFAULTS = { referrals: 300, months: 6, concurrency: 4 } as const;
const KEY_PREFIX = 'demo-case';

export interface DemoCasesReport {
  /** Stories told in this run (0 on a second run). */
  created: number;
  /** Stories found already told and skipped. */
  skipped: number;
  referralsByStatus: Record<string, number>;
  meetings: number;
  breakGlass: number;
  /** Missing episodes told in this run (demo-missing.ts). */
  missingEpisodes: number;
  /** Step-downs told in this run (demo-early-help.ts); the EARLY_HELP decisions open episodes of their own. */
  stepDowns: number;
  /** LADO allegations told in this run (demo-lado.ts). */
  ladoAllegations: number;
  privateFostering: number;
  /** Exploitation flags raised in this run (demo-exploitation.ts), with their MASE reviews and associations. */
  exploitationFlags: number;
  /** Breach alerts raised at the end of this run (decisions and checks overdue now; once per breach). */
  breachAlerts: number;
}

/** A demo child as the planner sees it. */
export interface DemoChild {
  id: string;
  dateOfBirth: string | null;
  /** Agencies holding a record about the child (a referrer must be able to find the child). */
  agencies: string[];
}

/** The final state a story ends in. */
export type Ending = ReferralStatus | 'CLOSED_WITH_DUPLICATE';

export interface CaseSpec {
  n: number;
  key: string;
  childIndex: number;
  receivedAt: Date;
  ending: Ending;
  rag: RagRating;
  /**
   * Forces a strategy discussion starting a section 47 enquiry (core stories), with the ICPC on time or
   * late, or (NONE) an enquiry that concludes no conference is needed.
   */
  icpc?: 'ON_TIME' | 'LATE' | 'NONE';
  /**
   * A turn of issue 19's workflow this story must show (core stories, every month): the manager
   * authorises over an overdue police check with a reason; the manager returns the proposal to the
   * worker with a comment before authorising the revised one; an allegation against someone who works
   * with children goes to the LADO.
   */
  turn?: 'OVER_POLICE_CHECK' | 'RETURNED' | 'ALLEGATION';
  /** Seed of the story's own PRNG. */
  seed: number;
}

export interface BreakGlassSpec {
  n: number;
  marker: string;
  childIndex: number;
  openedAt: Date;
  agency: string;
  seed: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The open states told only for referrals received in the last few days before the as-of date. */
const OPEN_ENDINGS: Ending[] = [
  'RECEIVED',
  'SCREENED',
  'AWAITING_CHECKS',
  'AWAITING_CHECKS',
  'READY_FOR_DECISION',
  'DECISION_PROPOSED',
];
/** Told at least once in every month so every month has every measure. */
const CORE_ENDINGS: Ending[] = ['CLOSED', 'CLOSED', 'CLOSED', 'CLOSED', 'WITHDRAWN', 'CLOSED_WITH_DUPLICATE', 'CLOSED'];
const CORE_RAGS: RagRating[] = ['RED', 'RED', 'GREEN', 'RED', 'AMBER', 'AMBER', 'AMBER'];
/** What each core story must show (see CaseSpec). */
const CORE_TURNS: Array<CaseSpec['turn']> = [
  undefined,
  'OVER_POLICE_CHECK',
  'RETURNED',
  undefined,
  undefined,
  undefined,
  'ALLEGATION',
];

/**
 * The plan: pure. Referrals spread evenly over the months before `asOf`, each month opening with the
 * core stories (in its first weeks) and the rest drawn at random; the open states at the very end.
 */
export function planDemoCases(
  children: number,
  options: DemoCasesOptions = {},
  /** Children (indexes) the police hold records about: police contacts, the largest source, are about them. */
  policeKnown: ReadonlySet<number> = new Set(),
): { cases: CaseSpec[]; breakGlass: BreakGlassSpec[] } {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const total = options.referrals ?? DEMO_CASES_DEFAULTS.referrals;
  const months = options.months ?? DEMO_CASES_DEFAULTS.months;
  const asOf = new Date(`${options.asOf ?? DEMO_DEFAULTS.asOf}T00:00:00Z`);
  if (children < 1) return { cases: [], breakGlass: [] };
  const rnd = mulberry32((seed ^ 0x5eed_ca5e) >>> 0);
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const windowStart = addMonths(asOf, -months);
  const cases: CaseSpec[] = [];
  const breakGlass: BreakGlassSpec[] = [];
  /** A received time on the given UTC day: mostly office hours on a weekday, some out of hours. */
  const receivedOn = (day: Date): Date => {
    let d = day;
    const officeHours = rnd() < 0.85;
    if (officeHours) while (!workingCalendar().isWorkingDay(isoDate(d))) d = new Date(d.getTime() + DAY);
    const hour = officeHours ? int(8, 17) : pick([0, 2, 5, 6, 19, 20, 21, 22, 23]);
    const p = { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, day: d.getUTCDate() };
    return fromLondon(p.y, p.m, p.day, hour, int(0, 59));
  };
  const openCount = Math.max(OPEN_ENDINGS.length, Math.round(total * 0.06));
  const perMonth = Math.max(CORE_ENDINGS.length, Math.round((total - openCount) / months));
  const fresh = Array.from({ length: children }, (_, i) => i);
  const referred: number[] = [];
  const expected = months * perMonth + openCount;
  const chooseChild = (): number => {
    // Nearly half the contacts are about a child the police know (domestic abuse at home): most of those
    // are the police's own notifications, and repeat notifications about the same household are common.
    const police = policeKnown.size > 0 && rnd() < 0.45;
    const freshPool = police ? fresh.filter((i) => policeKnown.has(i)) : fresh;
    const referredPool = police ? referred.filter((i) => policeKnown.has(i)) : referred;
    // Fresh children at the rate the pool allows (at most three in four), evenly over the months.
    const left = Math.max(1, expected - cases.length);
    if (freshPool.length > 0 && (referredPool.length === 0 || rnd() < Math.min(0.75, fresh.length / left))) {
      const i = freshPool[Math.floor(rnd() * freshPool.length)]!;
      fresh.splice(fresh.indexOf(i), 1);
      referred.push(i);
      return i;
    }
    return pick(referredPool.length ? referredPool : referred.length ? referred : fresh);
  };
  const add = (
    receivedAt: Date,
    ending: Ending,
    rag: RagRating,
    icpc?: CaseSpec['icpc'],
    turn?: CaseSpec['turn'],
    childIndex?: number,
  ) => {
    const n = cases.length + 1;
    const spec: CaseSpec = {
      n,
      key: `${KEY_PREFIX}:${seed}:${n}`,
      childIndex: childIndex ?? chooseChild(),
      receivedAt,
      ending,
      rag,
      seed: Math.floor(rnd() * 2 ** 32),
    };
    cases.push({ ...spec, ...(icpc ? { icpc } : {}), ...(turn ? { turn } : {}) });
  };
  const randomRag = (): RagRating => {
    const x = rnd();
    return x < 0.2 ? 'RED' : x < 0.7 ? 'AMBER' : 'GREEN';
  };
  for (let mth = 0; mth < months; mth++) {
    const from = addMonths(windowStart, mth);
    const until = addMonths(windowStart, mth + 1);
    const span = until.getTime() - from.getTime();
    // Stories must finish before asOf: the last month leaves its last days to the open states.
    const usable = mth === months - 1 ? span - 8 * DAY : span;
    const mostly = new Date(from.getTime() + 20 * DAY);
    const monthStart = Date.UTC(mostly.getUTCFullYear(), mostly.getUTCMonth(), 1);
    const conferenceFrom = new Date(mth === 0 ? Math.max(from.getTime(), monthStart) : monthStart);
    // The first core story goes to a strategy discussion and an ICPC: on time, late once in the second month
    // (Enfield 2017/18: 3.69 % of ICPCs overdue, so a late one is the exception);
    // the second (decided over the overdue police check) and the fourth to a strategy discussion and an
    // enquiry that needs no conference.
    CORE_ENDINGS.forEach((ending, i) =>
      add(
        // The conference story comes in during the first days of a calendar month (the one this window mostly
        // covers; never before the first window), so its ICPC falls due within that calendar month and every
        // complete month but perhaps the first has a conference due; the other core stories come anywhere in
        // the window's first half.
        receivedOn(
          new Date(
            (i === 0 ? conferenceFrom : from).getTime() +
              Math.floor((rnd() * (i === 0 ? 3 * DAY : 0.5 * usable)) / DAY) * DAY,
          ),
        ),
        ending,
        CORE_RAGS[i]!,
        i === 0 ? (mth === 1 ? 'LATE' : 'ON_TIME') : i === 1 || i === 3 ? 'NONE' : undefined,
        CORE_TURNS[i],
      ),
    );
    for (let i = CORE_ENDINGS.length; i < perMonth; i++) {
      const x = rnd();
      const ending: Ending = x < 0.86 ? 'CLOSED' : x < 0.95 ? 'WITHDRAWN' : 'CLOSED_WITH_DUPLICATE';
      add(receivedOn(new Date(from.getTime() + Math.floor((rnd() * usable) / DAY) * DAY)), ending, randomRag());
    }
    // Break-glass: one to three emergency openings a month.
    for (let i = int(1, 3); i > 0; i--) {
      const n = breakGlass.length + 1;
      breakGlass.push({
        n,
        marker: `(demo ref bg-${seed}-${n})`,
        childIndex: Math.floor(rnd() * children),
        openedAt: new Date(from.getTime() + Math.floor(rnd() * usable * 0.9)),
        agency: pick(['police', 'health', 'social-care']),
        seed: Math.floor(rnd() * 2 ** 32),
      });
    }
  }
  // Today's queue is a normal morning: the open contacts came in over the last working day or two, and
  // only a few have waited longer (one awaiting an overdue check, one proposal not yet authorised) and
  // breached their timescale. The first of them is a child the MASH has had a referral about before.
  for (let i = 0; i < openCount; i++) {
    const ending = OPEN_ENDINGS[i % OPEN_ENDINGS.length]!;
    const waitedLonger = i === 2 || i === 5;
    const day = workingDayBefore(asOf, waitedLonger ? int(3, 5) : rnd() < 0.85 ? 1 : 2);
    const at = fromLondon(day.y, day.m, day.d, int(9, 15), int(0, 59));
    // A red contact is decided within hours, so the morning's queue holds amber and green ones.
    const rag = randomRag();
    add(
      at,
      ending,
      rag === 'RED' ? 'AMBER' : rag,
      undefined,
      undefined,
      i === 0 && referred.length > 0 ? pick(referred) : undefined,
    );
  }
  cases.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.n - b.n);
  return { cases, breakGlass };
}

/** The London date `k` working days before the date `asOf` (k = 1: the last working day before it). */
function workingDayBefore(asOf: Date, k: number): { y: number; m: number; d: number } {
  let day = new Date(asOf.getTime());
  for (let left = k; left > 0; ) {
    day = new Date(day.getTime() - DAY);
    if (workingCalendar().isWorkingDay(isoDate(day))) left--;
  }
  return { y: day.getUTCFullYear(), m: day.getUTCMonth() + 1, d: day.getUTCDate() };
}

function addMonths(d: Date, months: number): Date {
  const x = new Date(d);
  x.setUTCMonth(x.getUTCMonth() + months);
  return x;
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The demo children in a stable order (by their first source reference), with the agencies holding records. */
export async function loadDemoChildren(hub: Hub): Promise<DemoChild[]> {
  const rows = (await hub.dataSource.query(
    `SELECT p.id, p.date_of_birth::text AS dob, min(ps.agency_code || ':' || ps.source_ref) AS k,
            array(SELECT DISTINCT a FROM unnest(array_agg(ps.agency_code) || array(SELECT ar.owning_agency FROM agency_record ar WHERE ar.person_id = p.id)) a ORDER BY a) AS agencies
       FROM person p JOIN person_source ps ON ps.person_id = p.id
      WHERE p.kind = 'CHILD' AND ps.source_system LIKE '%-DEMO'
      GROUP BY p.id, p.date_of_birth
      ORDER BY k`,
  )) as Array<{ id: string; dob: string | null; agencies: string[] }>;
  return rows.map((r) => ({ id: r.id, dateOfBirth: r.dob, agencies: r.agencies }));
}

// ---------------------------------------------------------------------------------------------
// Telling the stories

const WORKERS = [
  { sub: 'sw-1', name: 'Sam Worker (fictional)' },
  { sub: 'sw-2', name: 'Alex Example (fictional)' },
  { sub: 'sw-3', name: 'Jo Sample (fictional)' },
  { sub: 'sw-4', name: 'Chris Demo (fictional)' },
];
const CONCERNS: ConcernCategory[] = [
  'NEGLECT',
  'NEGLECT',
  'DOMESTIC_ABUSE',
  'DOMESTIC_ABUSE',
  'EMOTIONAL_ABUSE',
  'PHYSICAL_ABUSE',
  'SEXUAL_ABUSE',
  'CHILD_SEXUAL_EXPLOITATION',
  'CRIMINAL_EXPLOITATION',
  'MISSING',
  'SELF_HARM',
  'PARENTAL_MENTAL_HEALTH',
  'PARENTAL_SUBSTANCE_MISUSE',
  'OTHER',
];
/** Weighted picks: each entry repeated by its weight. */
function weighted<T>(entries: Array<[T, number]>): T[] {
  return entries.flatMap(([v, n]) => Array.from({ length: n }, () => v));
}
/**
 * Outcomes by RAG (weights out of 20). Tuned so that about a quarter of contacts become referrals (a CIN
 * assessment or a strategy discussion), as in the papers (Enfield 2017/18: 4110 referrals from about 1673
 * contacts a month), and no further action and advice together are about two in five. LADO is never here:
 * only a contact alleging harm by someone who works with children goes to the LADO.
 */
const OUTCOMES: Record<RagRating, DecisionOutcome[]> = {
  RED: weighted<DecisionOutcome>([
    ['STRATEGY_DISCUSSION', 11],
    ['CHILD_IN_NEED_ASSESSMENT', 6],
    ['POLICE_ONLY', 1],
    ['EARLY_HELP', 2],
  ]),
  AMBER: weighted<DecisionOutcome>([
    ['CHILD_IN_NEED_ASSESSMENT', 4],
    ['STRATEGY_DISCUSSION', 1],
    ['EARLY_HELP', 6],
    ['ADVICE_AND_INFORMATION', 3],
    ['NO_FURTHER_ACTION', 4],
    ['REFER_TO_OTHER_SERVICE', 2],
  ]),
  GREEN: weighted<DecisionOutcome>([
    ['NO_FURTHER_ACTION', 9],
    ['ADVICE_AND_INFORMATION', 5],
    ['EARLY_HELP', 4],
    ['REFER_TO_OTHER_SERVICE', 2],
  ]),
};
/**
 * A police domestic-abuse notification (the largest single source of contacts): most are recorded and
 * closed or signposted; a few need a social-care response.
 */
const DA_NOTIFICATION_OUTCOMES: DecisionOutcome[] = weighted<DecisionOutcome>([
  ['NO_FURTHER_ACTION', 8],
  ['ADVICE_AND_INFORMATION', 3],
  ['EARLY_HELP', 4],
  ['REFER_TO_OTHER_SERVICE', 1],
  ['CHILD_IN_NEED_ASSESSMENT', 2],
  ['STRATEGY_DISCUSSION', 1],
  ['POLICE_ONLY', 1],
]);
/**
 * Who submits contacts: police the largest (domestic-abuse notifications, seven in ten contacts about a
 * child they know), then by these weights schools, the MASH's own staff typing in calls from families,
 * neighbours and council services, health, probation: near the shares of the DfE children-in-need census
 * (police about 29 %, schools 21 %, health 14 %, LA services and individuals most of the rest). Only an
 * agency holding a record about the child submits (a referrer must be able to find the child).
 */
const SUBMITTER_WEIGHTS: Record<string, number> = {
  education: 32,
  'social-care': 18,
  health: 14,
  probation: 4,
};
function pickReferrerAgency(s: Story, agencies: string[]): string {
  // The police notify about the children they know (the planner sends police-known children here often).
  if (agencies.includes('police') && s.chance(0.7)) return 'police';
  agencies = agencies.filter((a) => a !== 'police');
  if (agencies.length === 0) return 'police';
  const total = agencies.reduce((sum, a) => sum + (SUBMITTER_WEIGHTS[a] ?? 1), 0);
  let x = s.rnd() * total;
  for (const a of agencies) {
    x -= SUBMITTER_WEIGHTS[a] ?? 1;
    if (x < 0) return a;
  }
  return agencies[agencies.length - 1]!;
}
const THRESHOLD: Record<DecisionOutcome, ThresholdLevel> = {
  NO_FURTHER_ACTION: 'LEVEL_1_UNIVERSAL',
  ADVICE_AND_INFORMATION: 'LEVEL_1_UNIVERSAL',
  EARLY_HELP: 'LEVEL_2_EARLY_HELP',
  POLICE_ONLY: 'LEVEL_2_EARLY_HELP',
  REFER_TO_OTHER_SERVICE: 'LEVEL_2_EARLY_HELP',
  CHILD_IN_NEED_ASSESSMENT: 'LEVEL_3_TARGETED',
  LADO: 'LEVEL_3_TARGETED',
  STRATEGY_DISCUSSION: 'LEVEL_4_SPECIALIST',
};
const DECLINE_REASONS = [
  'Fictional: no lawful basis to share this detail without a court order; the agency will follow up directly.',
  'Fictional: the record is held by another force area; the request has been passed on.',
];
const NON_ATTENDANCE_REASONS: Record<'SENT_APOLOGIES' | 'SENT_INFORMATION_ONLY' | 'DID_NOT_ATTEND', string[]> = {
  SENT_APOLOGIES: [
    'Fictional: officer on leave, no cover available at short notice.',
    'Fictional: clinic commitments clashed with the meeting time.',
  ],
  SENT_INFORMATION_ONLY: ['Fictional: written information sent in advance; no one available to join.'],
  DID_NOT_ATTEND: [
    'Fictional: invitation not received in time (sent to an old address).',
    'Fictional: no response to the invitation.',
  ],
};

interface Story {
  rnd: () => number;
  int: (min: number, max: number) => number;
  chance: (p: number) => boolean;
  pick: <T>(list: readonly T[]) => T;
}

function story(seed: number): Story {
  const rnd = mulberry32(seed);
  return {
    rnd,
    int: (min, max) => min + Math.floor(rnd() * (max - min + 1)),
    chance: (p) => rnd() < p,
    pick: (list) => list[Math.floor(rnd() * list.length)]!,
  };
}

function contextFor(hub: Hub, viewer: Viewer, requestId: string): RequestContext {
  return createRequestContext(hub, {
    viewer,
    partnership: requirePartnership(),
    requestId,
    operation: { type: 'seed', name: 'demoCases', documentHash: null },
  });
}

class Teller {
  private seq = 0;
  readonly meetingsCreated: string[] = [];

  constructor(
    readonly hub: Hub,
    private readonly runId: string,
  ) {}

  /** A fresh request context for a demo actor of an agency (the audit names it `demo-seed:<sub>`). */
  as(agency: string, sub: string, roles?: Role[], name?: string): RequestContext {
    const kind = this.hub.agencies.kindOf(agency);
    if (!kind) throw new Error(`demo cases: agency ${agency} is not in this partnership`);
    const base = systemViewer('demo-seed', sub, { code: agency, kind });
    const viewer: Viewer = { ...base, ...(roles ? { roles } : {}), ...(name ? { name } : {}) };
    return contextFor(this.hub, viewer, `${this.runId}-${++this.seq}`);
  }

  worker(i: number) {
    const w = WORKERS[i % WORKERS.length]!;
    return this.as('social-care', w.sub, ['MASH_SOCIAL_WORKER'], w.name);
  }

  manager() {
    return this.as('social-care', 'manager-1', ['MASH_MANAGER'], 'Pat Manager (fictional)');
  }

  sql(text: string, params: unknown[]): Promise<unknown> {
    return this.hub.dataSource.query(text, params);
  }

  async version(table: 'referral' | 'meeting' | 's47_enquiry' | 'cp_plan', id: string): Promise<number> {
    const [row] = (await this.hub.dataSource.query(`SELECT version FROM ${table} WHERE id = $1`, [id])) as Array<{
      version: number;
    }>;
    return row!.version;
  }
}

/**
 * Who made the contact (ADR 019), from a stream of its own so the rest of each story is unchanged: a
 * MASH worker's phone contacts come from families, neighbours, the young person, other council
 * services; a health or education submitter says which service. Police and probation submissions
 * get their source from the agency kind.
 */
const SOURCES_BY_SUBMITTER: Record<
  string,
  Array<[source: string, organisation: string | null, role: string | null]>
> = {
  'social-care': [
    ['INDIVIDUAL_FAMILY', null, 'Grandparent'],
    ['INDIVIDUAL_ACQUAINTANCE', null, 'Neighbour'],
    ['INDIVIDUAL_SELF', null, 'The young person'],
    ['ANONYMOUS', null, null],
    ['LA_OTHER_INTERNAL', 'Fictional Borough housing options', 'Housing officer'],
    ['LA_EARLY_HELP', 'Fictional Borough early help', 'Family support worker'],
  ],
  health: [
    ['HEALTH_GP', 'Fictional Road Surgery', 'GP'],
    ['HEALTH_VISITOR', 'Fictional community health trust', 'Health visitor'],
    ['HEALTH_A_AND_E', 'Fictional General Hospital', 'Emergency department nurse'],
    ['HEALTH_SCHOOL_NURSE', 'Fictional community health trust', 'School nurse'],
    ['HEALTH_OTHER', 'Fictional mental health trust', 'CAMHS clinician'],
  ],
  education: [
    ['SCHOOLS', 'Fictional Primary School', 'Designated safeguarding lead'],
    ['SCHOOLS', 'Fictional Academy', 'Head of year'],
    ['EDUCATION_SERVICES', 'Fictional Borough education welfare', 'Education welfare officer'],
  ],
};
function contactSource(
  seed: number,
  submitterAgency: string,
): { source?: string; referrerOrganisation?: string | null; referrerRole?: string | null } {
  const options = SOURCES_BY_SUBMITTER[submitterAgency];
  if (!options) return {};
  const [source, referrerOrganisation, referrerRole] = story(seed ^ 0x5eed).pick(options);
  return { source, referrerOrganisation, referrerRole };
}

const cal = () => workingCalendar();
/** `hours` working hours after `t` (lands in working time). */
const workingLater = (t: Date, hours: number) => cal().addWorkingHours(t, hours);
const later = (t: Date, ms: number) => new Date(t.getTime() + ms);
const maxDate = (...ds: Date[]) => new Date(Math.max(...ds.map((d) => d.getTime())));

/** Tells one referral's story; returns the statuses it created (the referral, and a merged duplicate). */
async function tellCase(t: Teller, spec: CaseSpec, child: DemoChild, asOf: Date): Promise<ReferralStatus[]> {
  const s = story(spec.seed);
  const referrerAgency = pickReferrerAgency(s, child.agencies);
  const referrer = t.as(referrerAgency, `referrer-${referrerAgency}-${s.int(1, 3)}`);
  const worker = s.int(0, WORKERS.length - 1);
  const sw = () => t.worker(worker);
  const received = spec.receivedAt;
  // Police contacts are mostly domestic-abuse notifications; now and then a professional or a parent
  // raises an allegation against someone who works with children (the LADO route).
  const allegation =
    spec.turn === 'ALLEGATION' || (!spec.icpc && !spec.turn && referrerAgency !== 'police' && s.chance(0.01));
  const domesticAbuseNotification = referrerAgency === 'police' && !allegation && s.chance(0.7);
  const first: ConcernCategory = domesticAbuseNotification
    ? 'DOMESTIC_ABUSE'
    : allegation
      ? 'ALLEGATION_AGAINST_PERSON_WORKING_WITH_CHILDREN'
      : s.pick(CONCERNS);
  const concerns = [...new Set([first, ...(s.chance(0.3) ? [s.pick(CONCERNS)] : [])])];
  const consentGiven = s.chance(0.6);
  // An open story (today's queue) happened by the end of the last working day before the as-of date.
  const open = OPEN_ENDINGS.includes(spec.ending);
  const latest = (() => {
    const d = workingDayBefore(asOf, 1);
    return fromLondon(d.y, d.m, d.d, 17, 0);
  })();
  const clamp = (d: Date) => (open && d > latest ? maxDate(latest, received) : d);

  // Status history steps happen now in the seed; date them to the story (rows written since asOf).
  const stamp = (id: string, at: Date) =>
    t.sql(`UPDATE referral_transition SET occurred_at = $2 WHERE referral_id = $1 AND occurred_at > $3`, [
      id,
      at,
      asOf,
    ]);
  const submit = async (key: string, at: Date, ctx: RequestContext, text: string) => {
    const { referralId } = await submitReferral(
      ctx,
      {
        ...contactSource(spec.seed + key.length, ctx.viewer.agency),
        subjects: [{ personId: child.id }],
        referrerContact: 'Fictional contact: 01632 960000 (Ofcom drama number)',
        concernCategories: concerns,
        narrative: text,
        consentSought: consentGiven || s.chance(0.5),
        consentGiven: consentGiven ? true : null,
        consentReason: consentGiven ? null : 'Fictional: seeking consent could place the child at increased risk.',
        lawfulBasis: consentGiven ? null : 'SAFEGUARDING_CHILDREN_AT_RISK',
      },
      key,
    );
    await t.sql(
      `UPDATE referral SET received_at = $2, updated_at = $2, decision_due_at = $3, acknowledged_decision_by = $4,
              reference = 'MASH-' || to_char($2::timestamptz AT TIME ZONE 'Europe/London', 'YYYY') || substr(reference, 10)
        WHERE id = $1`,
      [referralId, at, decisionDueAt('AMBER', at), acknowledgedDecisionBy(at)],
    );
    await stamp(referralId, at);
    await t.sql(`UPDATE referral_idempotency SET created_at = $2 WHERE referral_id = $1`, [referralId, at]);
    return referralId;
  };
  const setUpdated = async (id: string, at: Date) => {
    await t.sql(`UPDATE referral SET updated_at = $2 WHERE id = $1`, [id, at]);
    await stamp(id, at);
  };

  const id = await submit(
    spec.key,
    received,
    referrer,
    `Fictional demo referral ${spec.n}: concerns reported by the referrer about the child's care. All details invented.`,
  );
  const statuses: ReferralStatus[] = [];
  if (spec.ending === 'RECEIVED') {
    statuses.push('RECEIVED');
    return statuses;
  }

  // Screening: RED within the hour, others within a few working hours.
  const rag = spec.rag;
  let now = clamp(
    spec.rag === 'RED' ? later(received, s.int(10, 50) * MINUTE) : workingLater(received, s.int(1, 5) / 2),
  );
  await rateReferral(
    sw(),
    id,
    rag,
    `Fictional rationale: ${rag.toLowerCase()} on the information given.`,
    await t.version('referral', id),
  );
  await t.sql(`UPDATE referral_rating SET rated_at = $2 WHERE referral_id = $1 AND rated_at > $3`, [id, now, asOf]);
  await assignReferral(
    sw(),
    id,
    { sub: `demo-seed:${WORKERS[worker]!.sub}`, name: WORKERS[worker]!.name },
    await t.version('referral', id),
  );
  await setUpdated(id, now);

  if (spec.ending === 'CLOSED_WITH_DUPLICATE') {
    // A second agency refers the same child soon after; the MASH merges the duplicate.
    const dupAgency = child.agencies.find((a) => a !== referrerAgency) ?? referrerAgency;
    const dupAt = later(received, s.int(20, 90) * MINUTE);
    const dupReferrer = t.as(dupAgency, `referrer-${dupAgency}-dup`);
    const dup = await submit(
      `${spec.key}:dup`,
      dupAt,
      dupReferrer,
      `Fictional demo referral ${spec.n} (second report of the same incident). All details invented.`,
    );
    now = maxDate(now, dupAt);
    now = later(now, s.int(5, 40) * MINUTE);
    await mergeReferral(sw(), dup, id, await t.version('referral', dup));
    await setUpdated(dup, now);
    await setUpdated(id, now);
    statuses.push('MERGED');
  }
  if (spec.ending === 'SCREENED') {
    statuses.push('SCREENED');
    return statuses;
  }
  if (spec.ending === 'WITHDRAWN' && s.chance(0.5)) {
    now = workingLater(now, s.int(1, 4));
    await withdrawReferral(
      sw(),
      id,
      'Fictional: the referrer withdrew the referral; the concern was resolved by a single agency.',
      await t.version('referral', id),
    );
    await setUpdated(id, now);
    await feedback(t, s, sw(), id, now, 'WITHDRAWN');
    statuses.push('WITHDRAWN');
    return statuses;
  }

  // Agency checks: police nearly always, health usually, education for school-age children, probation sometimes.
  const ageYears = child.dateOfBirth ? ageOn(child.dateOfBirth, londonDate(received)) : 0;
  const agencies = ['police', 'health', 'education', 'probation'].filter((a) => {
    if (a === 'police') return s.chance(0.9);
    if (a === 'health') return s.chance(0.75);
    if (a === 'education') return ageYears >= 4 && ageYears <= 17 && s.chance(0.8);
    return s.chance(0.25);
  });
  // About one decision in twelve is late (a breach); then the checks may be late too. Otherwise checks come back
  // early in their window, leaving the MASH time to decide within timescale.
  const lateDecision = !open && s.chance(0.08);
  // The MASH works to the statutory one working day, whatever the local RAG target allows.
  const statutoryDue = acknowledgedDecisionBy(received);
  const outstanding = spec.ending === 'AWAITING_CHECKS';
  const mustCheck = outstanding || spec.ending === 'READY_FOR_DECISION' || spec.turn === 'OVER_POLICE_CHECK';
  if (mustCheck && !agencies.includes('police')) agencies.unshift('police');
  if (outstanding && agencies.length < 2) agencies.push(agencies.includes('health') ? 'probation' : 'health');
  const skipChecks = agencies.length === 0 || (!mustCheck && rag === 'GREEN' && s.chance(0.25));
  if (!skipChecks) {
    const requestedAt = clamp(later(now, s.int(5, 30) * MINUTE));
    await requestAgencyChecks(sw(), id, agencies, await t.version('referral', id));
    await t.sql(`UPDATE agency_check SET requested_at = $2, due_at = $3 WHERE referral_id = $1`, [
      id,
      requestedAt,
      checkDueAt(rag, requestedAt),
    ]);
    await setUpdated(id, requestedAt);
    const due = checkDueAt(rag, requestedAt);
    let last = requestedAt;
    for (const [i, agency] of agencies.entries()) {
      // Awaiting checks: the first check is answered, the others are outstanding (and overdue now).
      if (outstanding && i > 0) break; // at least two were requested, so one stays outstanding
      // The police check that never came back in time: the manager decides without it (below).
      if (spec.turn === 'OVER_POLICE_CHECK' && agency === 'police') continue;
      const late = !open && s.chance(lateDecision ? 0.5 : 0.04);
      // An on-time decision needs the answers before the decision falls due, not just the check.
      const by = lateDecision
        ? due
        : new Date(
            Math.min(due.getTime(), decisionDueAt(rag, received).getTime(), statutoryDue.getTime()) - 45 * MINUTE,
          );
      const window = Math.max(by.getTime() - requestedAt.getTime(), 20 * MINUTE);
      const at = clamp(
        late
          ? rag === 'RED'
            ? later(due, s.int(15, 180) * MINUTE)
            : workingLater(due, s.int(1, 12))
          : later(requestedAt, Math.floor(window * (lateDecision ? 0.2 + 0.75 * s.rnd() : 0.05 + 0.55 * s.rnd()))),
      );
      const officer = t.as(agency, `${agency}-officer-${s.int(1, 2)}`);
      const [check] = (await t.sql(`SELECT id FROM agency_check WHERE referral_id = $1 AND agency = $2`, [
        id,
        agency,
      ])) as Array<{ id: string }>;
      const declined = s.chance(0.08);
      await respondToAgencyCheck(
        officer,
        check!.id,
        declined
          ? { declinedReason: s.pick(DECLINE_REASONS) }
          : {
              findingsSummary: `Fictional: ${agency} holds ${s.pick(['no further', 'one earlier', 'several earlier'])} contacts of note; nothing here is real.`,
            },
      );
      await t.sql(`UPDATE agency_check SET returned_at = $2 WHERE id = $1`, [check!.id, at]);
      await stamp(id, at);
      last = maxDate(last, at);
    }
    now = last;
    await setUpdated(id, now);
    if (outstanding) {
      statuses.push('AWAITING_CHECKS');
      return statuses;
    }
    // Now and then new information re-rates the case while it is with the MASH.
    if (!spec.turn && s.chance(0.1)) {
      const rerated: RagRating =
        rag === 'GREEN' ? 'AMBER' : rag === 'AMBER' ? (s.chance(0.5) ? 'RED' : 'GREEN') : 'AMBER';
      now = later(now, s.int(5, 60) * MINUTE);
      await rateReferral(
        sw(),
        id,
        rerated,
        'Fictional rationale: agency checks changed the picture.',
        await t.version('referral', id),
      );
      await t.sql(`UPDATE referral_rating SET rated_at = $2 WHERE referral_id = $1 AND rated_at > $3`, [id, now, asOf]);
      await setUpdated(id, now);
    }
  }
  if (spec.ending === 'READY_FOR_DECISION') {
    statuses.push(skipChecks ? 'SCREENED' : 'READY_FOR_DECISION');
    return statuses;
  }
  if (spec.ending === 'WITHDRAWN') {
    now = workingLater(now, s.int(1, 4));
    await withdrawReferral(
      sw(),
      id,
      'Fictional: withdrawn after checks; the family moved out of the area and the case was transferred.',
      await t.version('referral', id),
    );
    await setUpdated(id, now);
    await feedback(t, s, sw(), id, now, 'WITHDRAWN');
    statuses.push('WITHDRAWN');
    return statuses;
  }

  // The decision: most within timescale, some late (a breach).
  const [{ rag: currentRag, decision_due_at: decisionDue }] = (await t.sql(
    `SELECT rag, decision_due_at FROM referral WHERE id = $1`,
    [id],
  )) as Array<{
    rag: RagRating;
    decision_due_at: Date;
  }>;
  const outcome: DecisionOutcome = spec.icpc
    ? 'STRATEGY_DISCUSSION'
    : allegation
      ? 'LADO'
      : s.pick(domesticAbuseNotification ? DA_NOTIFICATION_OUTCOMES : OUTCOMES[currentRag]);
  // Most decisions within the statutory working day; now and then a GREEN one uses its longer local target.
  const aim =
    currentRag === 'GREEN' && s.chance(0.15)
      ? decisionDue
      : new Date(Math.min(decisionDue.getTime(), statutoryDue.getTime()));
  const room = aim.getTime() - now.getTime();
  const [policeCheck] =
    spec.turn === 'OVER_POLICE_CHECK'
      ? ((await t.sql(`SELECT id, due_at FROM agency_check WHERE referral_id = $1 AND agency = 'police'`, [
          id,
        ])) as Array<{
          id: string;
          due_at: Date;
        }>)
      : [];
  const authorisedAt = policeCheck
    ? // The police check is past due and nothing has come back: the manager decides without it.
      later(maxDate(policeCheck.due_at, now), s.int(10, 30) * MINUTE)
    : lateDecision || room < 30 * MINUTE
      ? currentRag === 'RED'
        ? later(maxDate(decisionDue, now), s.int(20, 300) * MINUTE)
        : workingLater(maxDate(decisionDue, now), s.int(1, 14))
      : later(now, Math.floor(room * (0.3 + 0.6 * s.rnd())));
  const proposedAt = clamp(later(now, Math.floor((authorisedAt.getTime() - now.getTime()) * (0.3 + 0.5 * s.rnd()))));
  const propose = async (o: DecisionOutcome, at: Date, note = '') => {
    await proposeDecision(
      sw(),
      id,
      {
        outcome: o,
        rationale: `Fictional rationale for ${o.toLowerCase().replace(/_/g, ' ')}.${note}`,
        thresholdLevel: THRESHOLD[o],
      },
      await t.version('referral', id),
    );
    await t.sql(`UPDATE referral SET decision_proposed_at = $2, updated_at = $2 WHERE id = $1`, [id, at]);
    await stamp(id, at);
  };
  if (spec.turn === 'RETURNED') {
    // The worker first proposes no further action; the manager sends it back asking for early help to be
    // considered, and the worker's revised proposal is the one authorised.
    const firstAt = later(now, Math.floor((proposedAt.getTime() - now.getTime()) * 0.3));
    const returnedAt = later(firstAt, Math.floor((proposedAt.getTime() - firstAt.getTime()) * 0.5));
    await propose(outcome === 'NO_FURTHER_ACTION' ? 'ADVICE_AND_INFORMATION' : 'NO_FURTHER_ACTION', firstAt);
    await returnDecision(
      t.manager(),
      id,
      'Fictional: please look again at the school’s concerns and the earlier contact before closing; consider early help.',
      await t.version('referral', id),
    );
    await t.sql(`UPDATE referral SET decision_returned_at = $2, updated_at = $2 WHERE id = $1`, [id, returnedAt]);
    await stamp(id, returnedAt);
    await propose(outcome, proposedAt, ' Revised after the manager’s comments.');
  } else await propose(outcome, proposedAt);
  if (spec.ending === 'DECISION_PROPOSED') {
    statuses.push('DECISION_PROPOSED');
    return statuses;
  }
  await authoriseDecision(
    t.manager(),
    id,
    await t.version('referral', id),
    policeCheck
      ? 'Fictional: the police check is overdue and the child cannot wait; the decision is made on what health and the school shared, and police will be chased for the strategy discussion.'
      : undefined,
  );
  if (policeCheck) await t.sql(`UPDATE agency_check SET closed_at = $2 WHERE id = $1`, [policeCheck.id, authorisedAt]);
  await t.sql(
    `UPDATE referral SET decision_authorised_at = $2, updated_at = $2,
            strategy_requested_at = CASE WHEN strategy_requested_at IS NULL THEN NULL ELSE $2::timestamptz END WHERE id = $1`,
    [id, authorisedAt],
  );
  // An EARLY_HELP decision opened an early-help episode per child at authorisation: back-dated with it.
  await t.sql(`UPDATE early_help_episode SET opened_at = $2, created_at = $2, updated_at = $2 WHERE referral_id = $1`, [
    id,
    authorisedAt,
  ]);
  await stamp(id, authorisedAt);
  statuses.push('CLOSED');
  let lastEvent = authorisedAt;
  if (outcome === 'STRATEGY_DISCUSSION')
    lastEvent = await tellStrategy(t, s, id, authorisedAt, asOf, spec.icpc, spec.seed);
  await feedback(t, s, sw(), id, maxDate(authorisedAt, s.chance(0.5) ? authorisedAt : lastEvent), 'CLOSED');
  return statuses;
}

/** Most referrers hear back, mostly within a day or two; one in eight never does. */
async function feedback(
  t: Teller,
  s: Story,
  ctx: RequestContext,
  id: string,
  after: Date,
  status: 'CLOSED' | 'WITHDRAWN',
) {
  if (s.chance(0.12)) return;
  const at = workingLater(after, s.int(1, 20) / 2);
  await sendReferrerFeedback(
    ctx,
    id,
    status === 'CLOSED'
      ? 'Fictional: thank you for your referral; the MASH has made a decision and will be in touch if you are needed.'
      : 'Fictional: the referral was withdrawn; no further action by the MASH.',
    await t.version('referral', id),
  );
  await t.sql(`UPDATE referral SET feedback_sent_at = $2, updated_at = $2 WHERE id = $1`, [id, at]);
  // The feedback's history step: the only one not yet dated to the story (all others are at or before `after`).
  await t.sql(`UPDATE referral_transition SET occurred_at = $2 WHERE referral_id = $1 AND occurred_at > $3`, [
    id,
    at,
    after,
  ]);
}

const OUTCOME_WEIGHTS: MeetingOutcome[] = [
  'SECTION_47_JOINT',
  'SECTION_47_JOINT',
  'SECTION_47_JOINT',
  'SECTION_47_SINGLE_AGENCY',
  'SECTION_47_SINGLE_AGENCY',
  'CHILD_IN_NEED',
  'CHILD_IN_NEED',
  'NO_FURTHER_ACTION',
  'EMERGENCY_PROTECTION',
];

/**
 * A strategy discussion after an authorised STRATEGY_DISCUSSION decision, and an ICPC when it starts a
 * section 47 enquiry and the enquiry needs one (about one in five besides the core stories; most within 15 working days, some late). Returns the time of the last event.
 */
async function tellStrategy(
  t: Teller,
  s: Story,
  referralId: string,
  authorisedAt: Date,
  asOf: Date,
  icpc: CaseSpec['icpc'] | undefined,
  seed: number,
): Promise<Date> {
  const chair = t.worker(s.int(0, WORKERS.length - 1));
  const at = workingLater(authorisedAt, s.int(1, 14));
  if (at >= asOf) return authorisedAt;
  const outcome = icpc ? s.pick(SECTION_47_OUTCOMES) : s.pick(OUTCOME_WEIGHTS);
  const meetingId = await tellMeeting(t, s, chair, 'STRATEGY_DISCUSSION', referralId, at, authorisedAt, asOf, outcome);
  const [m] = (await t.sql(`SELECT outcome, icpc_due_at::text AS icpc FROM meeting WHERE id = $1`, [
    meetingId,
  ])) as Array<{ outcome: MeetingOutcome; icpc: string | null }>;
  if (!m!.icpc || !SECTION_47_OUTCOMES.includes(m!.outcome)) return at;
  // Well under half of section 47 enquiries lead to a conference (England: about two in five); the rest
  // conclude a child in need response or no further action, which ends the ICPC clock.
  if (icpc === 'NONE' || (!icpc && !s.chance(0.2))) {
    await tellChildProtection(t, story(seed * 7919 + 47), meetingId, at, null, null, asOf);
    return at;
  }
  // The ICPC: on time (within the 15 working days) nine times in ten (Enfield 2017/18: 92 %), otherwise a few working days late.
  const [y, mo, d] = m!.icpc.split('-').map(Number) as [number, number, number];
  const due = fromLondon(y, mo, d, 10, 0);
  const onTime = icpc ? icpc === 'ON_TIME' : s.chance(0.9);
  let icpcAt = onTime ? cal().addWorkingDays(later(at, 0), s.int(8, 14)) : cal().addWorkingDays(due, s.int(1, 6));
  icpcAt = fromLondon(...ymd(icpcAt), s.pick([10, 11, 14]), s.pick([0, 30]));
  const icpcId = await tellMeeting(
    t,
    s,
    chair,
    'INITIAL_CHILD_PROTECTION_CONFERENCE',
    referralId,
    icpcAt,
    later(at, 2 * HOUR),
    asOf,
    null,
  );
  // A story of its own, so the rest of the case draws the same numbers as before.
  await tellChildProtection(t, story(seed * 7919 + 47), meetingId, at, icpcId, icpcAt, asOf);
  return at;
}

const NO_CONFERENCE_CONCLUSIONS: S47Conclusion[] = [
  'SUBSTANTIATED_CHILD_IN_NEED',
  'SUBSTANTIATED_CHILD_IN_NEED',
  'NOT_SUBSTANTIATED_NO_FURTHER_ACTION',
  'NOT_SUBSTANTIATED_NO_FURTHER_ACTION',
  'NOT_SUBSTANTIATED_OTHER',
];

/** The DfE categories, roughly in England's proportions (neglect and emotional abuse most often). */
const CATEGORY_WEIGHTS: CpCategory[] = [
  'NEGLECT',
  'NEGLECT',
  'NEGLECT',
  'NEGLECT',
  'EMOTIONAL_ABUSE',
  'EMOTIONAL_ABUSE',
  'EMOTIONAL_ABUSE',
  'PHYSICAL_ABUSE',
  'SEXUAL_ABUSE',
  'MULTIPLE',
];

/**
 * After an s47 strategy discussion (issue 24): each child's enquiry, its conclusion, the initial
 * conference's outcome for the child (a plan most times), the first core group (mostly within 10
 * working days) and the review conferences (mostly in time), each only if it happened before the as-of
 * date and today. Through the services, like every other step of the demo.
 */
async function tellChildProtection(
  t: Teller,
  s: Story,
  sdId: string,
  sdAt: Date,
  icpcId: string | null,
  icpcAt: Date | null,
  asOf: Date,
): Promise<void> {
  const today = londonDate(new Date());
  const happened = (on: string, at: Date) => on <= today && at < asOf;
  const worker = s.int(0, WORKERS.length - 1);
  const sw = () => t.worker(worker);
  const children = (await t.sql(
    `SELECT ms.person_id FROM meeting_subject ms JOIN person p ON p.id = ms.person_id WHERE ms.meeting_id = $1 AND p.kind IN ('CHILD', 'UNBORN') ORDER BY ms.person_id`,
    [sdId],
  )) as Array<{ person_id: string }>;
  for (const { person_id: personId } of children) {
    try {
      await tellChildsPathway(personId);
    } catch (e) {
      // Another of the child's referrals (told concurrently) holds an open enquiry or a plan already: its story is told there.
      if (!(isHubError(e) && ['CONFLICT', 'INVALID_TRANSITION'].includes(String(e.extensions.code)))) throw e;
    }
  }

  async function tellChildsPathway(personId: string): Promise<void> {
    const [busy] = (await t.sql(
      `SELECT EXISTS (SELECT 1 FROM s47_enquiry WHERE person_id = $1 AND status IN ('OPEN', 'AWAITING_CONFERENCE'))
           OR EXISTS (SELECT 1 FROM cp_plan WHERE person_id = $1 AND status = 'ACTIVE') AS busy`,
      [personId],
    )) as [{ busy: boolean }];
    if (busy.busy) return;
    const enquiryId = await startSection47Enquiry(sw(), { strategyMeetingId: sdId, personId });
    if (!icpcId || !icpcAt) {
      // No conference needed: the enquiry concludes within a few working days.
      const concludedAt = cal().addWorkingDays(sdAt, s.int(4, 10));
      const concludedOn = londonDate(concludedAt);
      if (!happened(concludedOn, concludedAt)) return;
      await concludeSection47Enquiry(
        sw(),
        enquiryId,
        {
          conclusion: s.pick(NO_CONFERENCE_CONCLUSIONS),
          concludedOn,
        },
        await t.version('s47_enquiry', enquiryId),
      );
      return;
    }
    const icpcOn = londonDate(icpcAt);
    if (!happened(icpcOn, icpcAt)) return;
    const concludedOn = [londonDate(cal().addWorkingDays(sdAt, s.int(3, 7))), icpcOn].sort()[0]!;
    await concludeSection47Enquiry(
      sw(),
      enquiryId,
      { conclusion: 'SUBSTANTIATED_CONFERENCE', concludedOn },
      await t.version('s47_enquiry', enquiryId),
    );
    const plan = s.chance(0.85);
    await recordInitialConference(
      sw(),
      enquiryId,
      plan
        ? {
            heldOn: icpcOn,
            meetingId: icpcId,
            decision: 'PLAN',
            category: s.pick(CATEGORY_WEIGHTS),
            leadSocialWorker: WORKERS[worker]!.name,
          }
        : { heldOn: icpcOn, meetingId: icpcId, decision: 'NO_PLAN' },
      await t.version('s47_enquiry', enquiryId),
    );
    if (!plan) return;
    const [{ id: planId }] = (await t.sql(`SELECT id FROM cp_plan WHERE enquiry_id = $1`, [enquiryId])) as [
      { id: string },
    ];
    const coreAt = cal().addWorkingDays(icpcAt, s.chance(0.8) ? s.int(4, 10) : s.int(11, 14));
    if (happened(londonDate(coreAt), coreAt))
      await recordCoreGroup(sw(), planId, { heldOn: londonDate(coreAt) }, await t.version('cp_plan', planId));
    let previous: { kind: 'INITIAL' | 'REVIEW'; heldOn: string } = { kind: 'INITIAL', heldOn: icpcOn };
    for (;;) {
      const due = reviewDueOn(previous);
      const dueAt = fromLondon(...(due.split('-').map(Number) as [number, number, number]), 10, 0);
      const heldAt = s.chance(0.9) ? later(dueAt, -s.int(0, 10) * DAY) : later(dueAt, s.int(1, 10) * DAY);
      const heldOn = londonDate(heldAt);
      if (!happened(heldOn, heldAt) || heldOn <= previous.heldOn) break;
      const end = previous.kind === 'REVIEW' || s.chance(0.3);
      await recordReviewConference(
        sw(),
        planId,
        { heldOn, decision: end ? 'END_PLAN' : 'CONTINUE_PLAN' },
        await t.version('cp_plan', planId),
      );
      if (end) break;
      previous = { kind: 'REVIEW', heldOn };
    }
  }
}

function ymd(d: Date): [number, number, number] {
  const p = londonParts(d);
  return [p.year, p.month, p.day];
}

/** Schedules, holds, records attendance, outcome and actions, and completes one meeting (if it is before asOf). */
async function tellMeeting(
  t: Teller,
  s: Story,
  chair: RequestContext,
  type: MeetingType,
  referralId: string,
  scheduledAt: Date,
  createdAt: Date,
  asOf: Date,
  outcome: MeetingOutcome | null,
): Promise<string> {
  const probation = s.chance(0.2);
  const meetingId = await scheduleMeeting(chair, {
    type,
    referralId,
    scheduledAt: new Date(Date.now() + 5 * MINUTE),
    invitees: probation ? [{ agency: 'probation', required: false }] : [],
  });
  t.meetingsCreated.push(meetingId);
  await t.sql(`UPDATE meeting SET scheduled_at = $2, created_at = $3, updated_at = $3 WHERE id = $1`, [
    meetingId,
    scheduledAt,
    createdAt,
  ]);
  if (scheduledAt >= asOf) return meetingId; // still to come on the as-of date
  const heldAt = later(scheduledAt, s.int(0, 10) * MINUTE);
  await markMeetingHeld(chair, meetingId, await t.version('meeting', meetingId));
  await t.sql(`UPDATE meeting SET held_at = $2 WHERE id = $1`, [meetingId, heldAt]);
  const invitees = (await t.sql(
    `SELECT id, agency, required FROM meeting_invitee WHERE meeting_id = $1 ORDER BY agency, id`,
    [meetingId],
  )) as Array<{
    id: string;
    agency: string;
    required: boolean;
  }>;
  const recordedAt = later(heldAt, 45 * MINUTE);
  for (const inv of invitees) {
    const attended = inv.agency === 'social-care' || s.chance(0.82);
    const status = attended
      ? 'ATTENDED'
      : s.pick(['SENT_APOLOGIES', 'SENT_APOLOGIES', 'SENT_INFORMATION_ONLY', 'DID_NOT_ATTEND'] as const);
    await recordAttendance(
      chair,
      meetingId,
      {
        inviteeId: inv.id,
        status,
        note: attended ? null : s.pick(NON_ATTENDANCE_REASONS[status as keyof typeof NON_ATTENDANCE_REASONS]),
        contribution: attended ? `Fictional: ${inv.agency} shared what it holds.` : null,
      },
      await t.version('meeting', meetingId),
    );
  }
  await t.sql(`UPDATE meeting_invitee SET recorded_at = $2 WHERE meeting_id = $1`, [meetingId, recordedAt]);
  const strategy = type === 'STRATEGY_DISCUSSION';
  await recordMeetingOutcome(
    chair,
    meetingId,
    {
      outcome,
      decisions: strategy
        ? ['Fictional: agreed the next steps with the family.']
        : ['Fictional: the child is made subject to a child protection plan.'],
      minutes: 'Fictional minutes: invented for the demo partnership.',
    },
    await t.version('meeting', meetingId),
  );
  await t.sql(`UPDATE meeting SET outcome_recorded_at = $2 WHERE id = $1`, [meetingId, recordedAt]);
  await t.sql(`UPDATE meeting_decision SET decided_at = $2 WHERE meeting_id = $1`, [meetingId, recordedAt]);
  for (let i = s.int(1, 3); i > 0; i--) {
    const ownerAgency = s.pick(['social-care', 'police', 'health', 'education']);
    await addMeetingAction(
      chair,
      meetingId,
      {
        description: `Fictional action ${i}: ${ownerAgency} to follow up and report back.`,
        ownerAgency,
        dueDate: londonDate(new Date(Date.now() + 7 * DAY)),
      },
      await t.version('meeting', meetingId),
    );
  }
  await t.sql(
    `UPDATE meeting_action SET created_at = $2, due_date = ($2::timestamptz AT TIME ZONE 'Europe/London')::date + (1 + (abs(hashtext(id::text)) % 10))
      WHERE meeting_id = $1`,
    [meetingId, recordedAt],
  );
  // Most actions due by the as-of date are done (about six in seven, chosen by the action's id). The hub has no
  // mutation to mark an action done yet, so this is the one state the demo sets with a plain UPDATE rather
  // than through a service; the rest stay open, a few of them overdue on the as-of date.
  await t.sql(
    `UPDATE meeting_action SET status = 'DONE'
      WHERE meeting_id = $1 AND due_date < ($2::timestamptz AT TIME ZONE 'Europe/London')::date AND abs(hashtext(id::text || 'done')) % 7 <> 0`,
    [meetingId, asOf],
  );
  const [missing] = (await t.sql(
    `SELECT count(*)::int AS n FROM meeting_invitee r WHERE r.meeting_id = $1 AND r.required
        AND NOT EXISTS (SELECT 1 FROM meeting_invitee a WHERE a.meeting_id = $1 AND a.agency = r.agency AND a.attendance = 'ATTENDED')`,
    [meetingId],
  )) as Array<{ n: number }>;
  const completedAt = later(recordedAt, s.int(10, 120) * MINUTE);
  await completeMeeting(
    chair,
    meetingId,
    missing!.n > 0
      ? 'Fictional: urgent safeguarding decision could not wait; absent agencies briefed after the meeting.'
      : null,
    await t.version('meeting', meetingId),
  );
  await t.sql(`UPDATE meeting SET completed_at = $2, updated_at = $2 WHERE id = $1`, [meetingId, completedAt]);
  return meetingId;
}

async function tellBreakGlass(t: Teller, spec: BreakGlassSpec, child: DemoChild): Promise<void> {
  const s = story(spec.seed);
  const officer = t.as(
    spec.agency,
    `${spec.agency}-duty-${s.int(1, 2)}`,
    spec.agency === 'social-care' ? ['MASH_SOCIAL_WORKER'] : undefined,
  );
  const bg = await openBreakGlass(
    officer,
    child.id,
    `Fictional emergency: out-of-hours call about immediate risk to a child, records needed now ${spec.marker}`,
  );
  const minutes = t.hub.config.breakGlassMinutes;
  await t.sql(`UPDATE break_glass SET opened_at = $2, expires_at = $3 WHERE id = $1`, [
    bg.id,
    spec.openedAt,
    later(spec.openedAt, minutes * MINUTE),
  ]);
  await t.sql(`UPDATE alert SET created_at = $2 WHERE break_glass_id = $1`, [bg.id, spec.openedAt]);
  if (s.chance(0.85)) {
    const reviewer = t.as('social-care', 'ig-auditor-1', ['IG_AUDITOR'], 'Ira Governance (fictional)');
    const outcome = s.pick([
      'JUSTIFIED',
      'JUSTIFIED',
      'JUSTIFIED',
      'JUSTIFIED_WITH_ADVICE',
      'NOT_JUSTIFIED_ADVICE_GIVEN',
    ] as const);
    await reviewBreakGlass(reviewer, bg.id, outcome, 'Fictional review: reason checked against the call log.');
    await t.sql(`UPDATE break_glass SET reviewed_at = $2 WHERE id = $1`, [
      bg.id,
      workingLater(spec.openedAt, s.int(2, 24)),
    ]);
  }
}

/**
 * Tells the demo's casework on top of the loaded demo partnership (call after `loadDemo`).
 * Idempotent: stories already told (by their idempotency key or break-glass marker) are skipped.
 */
export async function seedDemoCases(hub: Hub, options: DemoCasesOptions = {}): Promise<DemoCasesReport> {
  await refuseDemoOnProduction(hub);
  const asOf = new Date(`${options.asOf ?? DEMO_DEFAULTS.asOf}T00:00:00Z`);
  const children = await loadDemoChildren(hub);
  const policeKnown = new Set(children.flatMap((c, i) => (c.agencies.includes('police') ? [i] : [])));
  const plan = planDemoCases(children.length, options, policeKnown);
  const told = new Set(
    (
      (await hub.dataSource.query(
        `SELECT key FROM referral_idempotency WHERE key LIKE $1 AND referral_id IS NOT NULL`,
        [`${KEY_PREFIX}:%`],
      )) as Array<{ key: string }>
    ).map((r) => r.key),
  );
  const t = new Teller(hub, `demo-cases-${Date.now().toString(36)}`);
  const report: DemoCasesReport = {
    created: 0,
    skipped: 0,
    referralsByStatus: {},
    meetings: 0,
    breakGlass: 0,
    missingEpisodes: 0,
    stepDowns: 0,
    ladoAllegations: 0,
    privateFostering: 0,
    exploitationFlags: 0,
    breachAlerts: 0,
  };
  // Stories are independent, so a few are told at once (the audit's hash chain still serialises the
  // appends). The only trace of the interleaving is the order of the MASH-yyyy-nnnnnn reference numbers.
  const queue = plan.cases.filter((spec) => !told.has(spec.key));
  report.skipped = plan.cases.length - queue.length;
  let next = 0;
  const tellNext = async (): Promise<void> => {
    while (next < queue.length) {
      const spec = queue[next++]!;
      const statuses = await tellCase(t, spec, children[spec.childIndex]!, asOf);
      for (const st of statuses) report.referralsByStatus[st] = (report.referralsByStatus[st] ?? 0) + 1;
      report.created++;
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, options.concurrency ?? DEMO_CASES_DEFAULTS.concurrency) }, tellNext),
  );
  for (const spec of plan.breakGlass) {
    const [{ n }] = (await hub.dataSource.query(
      `SELECT count(*)::int AS n FROM break_glass WHERE strpos(reason, $1) > 0`,
      [spec.marker],
    )) as [{ n: number }];
    if (n > 0) continue;
    await tellBreakGlass(t, spec, children[spec.childIndex]!);
    report.breakGlass++;
  }
  report.meetings = t.meetingsCreated.length;
  report.missingEpisodes = await seedDemoMissing(hub, children, { seed: options.seed, asOf: options.asOf });
  report.stepDowns = await seedDemoEarlyHelp(hub, { seed: options.seed, asOf: options.asOf });
  report.ladoAllegations = await seedDemoLado(hub, { seed: options.seed, asOf: options.asOf });
  report.privateFostering = await seedDemoPrivateFostering(hub, { seed: options.seed, asOf: options.asOf });
  report.exploitationFlags = await seedDemoExploitation(hub, children, { seed: options.seed, asOf: options.asOf });
  // The breach check the running hub does every minute, once now: today's few breaches each raise one
  // alert (to the MASH team, or to the agency holding an overdue check); a second run raises none.
  const socialCare = hub.agencies.list().find((a) => a.kind === 'SOCIAL_CARE')?.code;
  if (socialCare) report.breachAlerts = (await raiseBreachAlertsInPartnership(hub.dataSource, socialCare)).length;
  return report;
}
