import { useEffect, useMemo, useState } from 'preact/hooks';
import { HubRequestError, request, type Answer, type Redaction } from '../api.js';
import { date, dateTime, REDACTION_REASON, words } from '../format.js';
import {
  AddStrategyDiscussionToEnquiry,
  ChangeChildProtectionPlanCategory,
  PathwayOfPerson,
  ChildProtectionCategoryValues,
  ChildProtectionCases,
  ChildProtectionCounts,
  ChildProtectionPlanEndReasonValues,
  ConcludeSection47Enquiry,
  EndChildProtectionPlan,
  RecordCoreGroup,
  RecordInitialConference,
  RecordReviewConference,
  Section47ConclusionValues,
  StartSection47Enquiry,
  type PathwayOfPersonResult,
  StrategyDiscussionsOfPerson,
  type StrategyDiscussionsOfPersonResult,
  type ChildProtectionCasesResult,
  type ChildProtectionCountsResult,
  type ChildProtectionStage,
  type ChildProtectionCategory,
  type ChildProtectionPlanEndReason,
  type Purpose,
  type Section47Conclusion,
  type Section47Lead,
} from '../generated/operations.js';
import type { Me } from '../session.js';
import { ErrorMessage, PersonLink } from './common.js';

type PathwayChild = NonNullable<PathwayOfPersonResult['person']>;
type Enquiry = NonNullable<PathwayChild['section47Enquiries']>[number];
type Plan = NonNullable<PathwayChild['childProtectionPlans']>[number];
type CaseRow = ChildProtectionCasesResult['childProtectionCases']['edges'][number]['node'];
type ListedEnquiry = NonNullable<CaseRow['enquiry']>;
type ListedPlan = NonNullable<CaseRow['plan']>;
type ChildName = NonNullable<CaseRow['child']>;
type Counts = ChildProtectionCountsResult['childProtectionCounts'];

const SOCIAL_CARE_MASH = ['MASH_SOCIAL_WORKER', 'MASH_MANAGER'];
/** Roles that work a child's case (ADR 017): the hub releases the pathway to them where they work it. */
const CASE_WORKERS = [
  ...SOCIAL_CARE_MASH,
  'POLICE_MASH_OFFICER',
  'HEALTH_MASH_PRACTITIONER',
  'PROBATION_MASH_OFFICER',
  'EDUCATION_MASH_OFFICER',
];
/** Strategy discussion outcomes an enquiry starts from (the hub refuses the others). */
const STARTS_ENQUIRY = ['SECTION_47_SINGLE_AGENCY', 'SECTION_47_JOINT', 'EMERGENCY_PROTECTION'];
/** Rows per page of the pathway list; more are read only when asked for (ADR 034). */
const PAGE_SIZE = 50;

/** The purpose the pathway screen reads under: s47 work, else strategy; null when the role declares neither. */
export function cpPurpose(me: Me): Purpose | null {
  if (!me.roles.some((r) => CASE_WORKERS.includes(r))) return null;
  for (const p of ['SECTION_47', 'STRATEGY'] as const) if (me.purposes.includes(p)) return p;
  return null;
}

const recordsPathway = (me: Me) => me.roles.some((r) => SOCIAL_CARE_MASH.includes(r));

/** Today in London as YYYY-MM-DD: the hub's dates are London calendar dates. */
function londonToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
}

/** Calendar days from today to a due date: "due today", "4 days left", "overdue by 2 days". */
export function daysLeft(dueOn: string | null | undefined, today = londonToday()): string {
  if (!dueOn) return '—';
  const days = Math.round((Date.parse(`${dueOn}T12:00:00Z`) - Date.parse(`${today}T12:00:00Z`)) / 86_400_000);
  const n = Math.abs(days);
  const span = `${n} day${n === 1 ? '' : 's'}`;
  return days === 0 ? 'due today' : days > 0 ? `${span} left` : `overdue by ${span}`;
}

/** A value, or "Withheld — reason" when the hub redacted it (never a blank). */
function Shown({
  value,
  path,
  redactions,
  as = (v) => words(v),
}: {
  value: string | number | null | undefined;
  path: string;
  redactions: Map<string, string>;
  as?: (v: string) => string;
}) {
  const reason = redactions.get(path);
  if (reason)
    return (
      <span class="withheld" data-testid="withheld">
        Withheld — {REDACTION_REASON[reason] ?? words(reason)}
      </span>
    );
  if (value === null || value === undefined || value === '') return <span class="none">not recorded</span>;
  return <>{typeof value === 'number' ? String(value) : as(value)}</>;
}

const asIs = (v: string) => v;

/** An enquiry still before its initial conference: open, or concluded and awaiting the conference. */
const beforeConference = (e: { status: Enquiry['status'] }) =>
  e.status === 'OPEN' || e.status === 'AWAITING_CONFERENCE';

interface Listed<T> {
  item: T;
  child: ChildName | null;
  path: string;
}

interface Listing<T> {
  rows: Listed<T>[];
  after: string | null;
  more: boolean;
}

type EnquiryFilter = 'ALL' | 'OPEN' | 'AWAITING_CONFERENCE' | 'DUE_SOON' | 'OVERDUE';

/** The hub's stage for each of the screen's enquiry filters. */
const ENQUIRY_STAGE: Record<EnquiryFilter, ChildProtectionStage> = {
  ALL: 'BEFORE_CONFERENCE',
  OPEN: 'OPEN_ENQUIRY',
  AWAITING_CONFERENCE: 'AWAITING_CONFERENCE',
  DUE_SOON: 'CONFERENCE_DUE_SOON',
  OVERDUE: 'CONFERENCE_OVERDUE',
};

let pageSerial = 0;

/**
 * One page of one stage of the hub's list. The hub reads and audits only the children on the page;
 * each page's redaction paths are kept under a page prefix so rows of different pages never share one.
 */
async function readCases<T>(
  purpose: Purpose,
  stage: ChildProtectionStage,
  after: string | null,
  pick: (row: CaseRow) => T | null,
  kind: 'enquiry' | 'plan',
  redactions: Map<string, string>,
): Promise<Listing<T>> {
  const answer: Answer<ChildProtectionCasesResult> = await request(ChildProtectionCases, {
    purpose,
    filter: { stage },
    first: PAGE_SIZE,
    after,
  });
  const prefix = `${++pageSerial}`;
  for (const r of answer.redactions as Redaction[]) redactions.set(`${prefix}.${r.path}`, r.reason);
  const { edges, pageInfo } = answer.data.childProtectionCases;
  const rows = edges.flatMap((edge, i) => {
    const item = pick(edge.node);
    return item
      ? [{ item, child: edge.node.child, path: `${prefix}.childProtectionCases.edges.${i}.node.${kind}` }]
      : [];
  });
  return { rows, after: pageInfo.endCursor ?? null, more: pageInfo.hasNextPage };
}

/**
 * The child protection screen (ADR 034): enquiries before their initial conference with the ICPC's
 * due date and time left, and children on plans with the category and the next review. Read under
 * SECTION_47 (or STRATEGY) from the hub's list, a page of one stage at a time: the hub lists only
 * children whose case the viewer works, and reads (and audits) only the children shown.
 */
export function ChildProtectionView({ me }: { me: Me }) {
  const purpose = cpPurpose(me);
  const [redactions] = useState(() => new Map<string, string>());
  const [counts, setCounts] = useState<Counts | null>(null);
  const [enquiries, setEnquiries] = useState<Listing<ListedEnquiry> | null>(null);
  const [plans, setPlans] = useState<Listing<ListedPlan> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [enquiryFilter, setEnquiryFilter] = useState<EnquiryFilter>('ALL');
  const [category, setCategory] = useState<ChildProtectionCategory | ''>('');
  const [reviewOverdue, setReviewOverdue] = useState(false);
  const enquiryStage = ENQUIRY_STAGE[enquiryFilter];
  const planStage: ChildProtectionStage = reviewOverdue ? 'REVIEW_OVERDUE' : 'ON_PLAN';

  useEffect(() => {
    if (!purpose) return;
    let stopped = false;
    request(ChildProtectionCounts, { purpose })
      .then((a) => !stopped && setCounts(a.data.childProtectionCounts))
      .catch((e: Error) => !stopped && setError(e.message));
    return () => {
      stopped = true;
    };
  }, [purpose]);

  useEffect(() => {
    if (!purpose) return;
    let stopped = false;
    setEnquiries(null);
    readCases(purpose, enquiryStage, null, (r) => r.enquiry, 'enquiry', redactions)
      .then((l) => !stopped && setEnquiries(l))
      .catch((e: Error) => !stopped && setError(e.message));
    return () => {
      stopped = true;
    };
  }, [purpose, enquiryStage]);

  useEffect(() => {
    if (!purpose) return;
    let stopped = false;
    setPlans(null);
    readCases(purpose, planStage, null, (r) => r.plan, 'plan', redactions)
      .then((l) => !stopped && setPlans(l))
      .catch((e: Error) => !stopped && setError(e.message));
    return () => {
      stopped = true;
    };
  }, [purpose, planStage]);

  async function moreEnquiries() {
    if (!purpose || !enquiries) return;
    try {
      const next = await readCases(purpose, enquiryStage, enquiries.after, (r) => r.enquiry, 'enquiry', redactions);
      setEnquiries({ ...next, rows: [...enquiries.rows, ...next.rows] });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function morePlans() {
    if (!purpose || !plans) return;
    try {
      const next = await readCases(purpose, planStage, plans.after, (r) => r.plan, 'plan', redactions);
      setPlans({ ...next, rows: [...plans.rows, ...next.rows] });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const today = londonToday();
  // The category is a shared summary the hub releases row by row, so it may not be filtered on across
  // the list: the screen narrows the plans it has read and shown already (a withheld category never matches).
  const shownPlans = useMemo(
    () => (plans ? plans.rows.filter(({ item }) => !category || item.category === category) : []),
    [plans, category],
  );

  if (!purpose) return <p>Your role may not read the child protection pathway.</p>;
  return (
    <section aria-labelledby="cp-title">
      <h1 id="cp-title">Child protection</h1>
      <p class="hint">
        Section 47 enquiries before their initial conference (due 15 working days after the last strategy discussion)
        and children on plans, for the children whose case you work. Read for {words(purpose)}; this view is recorded in
        the audit for the children shown.
      </p>
      <ErrorMessage message={error} />
      {!counts && !error && <p>Loading…</p>}
      {counts && (
        <dl class="counts" aria-label="Child protection counts">
          <div class="count">
            <dt>Enquiries open</dt>
            <dd data-testid="count-open-enquiries">{counts.openEnquiries}</dd>
          </div>
          <div class="count">
            <dt>Awaiting initial conference</dt>
            <dd data-testid="count-awaiting">{counts.awaitingConference}</dd>
          </div>
          <div class="count breach">
            <dt>Initial conference overdue</dt>
            <dd data-testid="count-icpc-overdue">{counts.conferenceOverdue}</dd>
          </div>
          <div class="count">
            <dt>Children on a plan</dt>
            <dd data-testid="count-on-plan">{counts.childrenOnPlan}</dd>
          </div>
          <div class="count breach">
            <dt>Review overdue</dt>
            <dd data-testid="count-review-overdue">{counts.reviewsOverdue}</dd>
          </div>
        </dl>
      )}

      <h2>Enquiries and initial conferences</h2>
      <form class="filters" aria-label="Filter the enquiries" onSubmit={(e) => e.preventDefault()}>
        <label>
          Show
          <select
            value={enquiryFilter}
            onChange={(e) => setEnquiryFilter((e.currentTarget as HTMLSelectElement).value as EnquiryFilter)}
          >
            <option value="ALL">All before the initial conference</option>
            <option value="OPEN">Enquiry open</option>
            <option value="AWAITING_CONFERENCE">Awaiting the initial conference</option>
            <option value="DUE_SOON">Conference due within 7 days</option>
            <option value="OVERDUE">Conference overdue</option>
          </select>
        </label>
      </form>
      {!enquiries ? (
        !error && <p>Loading…</p>
      ) : enquiries.rows.length === 0 ? (
        <p>No enquiries to show.</p>
      ) : (
        <table data-testid="cp-enquiries">
          <caption>
            {enquiries.rows.length}
            {enquiries.more ? ' (more to read)' : ''} enquiries, initial conference due soonest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Child</th>
              <th scope="col">Status</th>
              <th scope="col">Lead</th>
              <th scope="col">Last strategy discussion</th>
              <th scope="col">Initial conference due</th>
              <th scope="col">Time left</th>
            </tr>
          </thead>
          <tbody>
            {enquiries.rows.map(({ item: e, child, path }) => {
              const due = e.initialConferenceClock?.dueOn;
              const late = !!due && due < today;
              return (
                <tr key={e.id} data-testid="cp-enquiry" class={late ? 'breached' : undefined}>
                  <th scope="row">{child ? <PersonLink person={child} /> : <span class="none">not shown</span>}</th>
                  <td>
                    <Shown value={e.status} path={`${path}.status`} redactions={redactions} />
                  </td>
                  <td>
                    <Shown value={e.lead} path={`${path}.lead`} redactions={redactions} />
                  </td>
                  <td>
                    <Shown value={e.lastStrategyOn} path={`${path}.lastStrategyOn`} redactions={redactions} as={date} />
                  </td>
                  <DueCells due={due} path={`${path}.initialConferenceClock`} redactions={redactions} today={today} />
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {enquiries?.more && (
        <button type="button" onClick={() => void moreEnquiries()}>
          Show more enquiries
        </button>
      )}

      <h2>Children on a plan</h2>
      <form class="filters" aria-label="Filter the plans" onSubmit={(e) => e.preventDefault()}>
        <label>
          Category
          <select
            value={category}
            onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value as ChildProtectionCategory | '')}
          >
            <option value="">Any category</option>
            {ChildProtectionCategoryValues.map((c) => (
              <option key={c} value={c}>
                {words(c)}
              </option>
            ))}
          </select>
        </label>
        <span class="choice">
          <input
            type="checkbox"
            id="cp-review-overdue"
            checked={reviewOverdue}
            onChange={(e) => setReviewOverdue((e.currentTarget as HTMLInputElement).checked)}
          />
          <label for="cp-review-overdue">Only reviews overdue</label>
        </span>
      </form>
      {!plans ? (
        !error && <p>Loading…</p>
      ) : shownPlans.length === 0 ? (
        <p>No plans to show.</p>
      ) : (
        <table data-testid="cp-plans">
          <caption>
            {shownPlans.length}
            {plans.more ? ' (more to read)' : ''} active plans, next review due soonest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Child</th>
              <th scope="col">Category</th>
              <th scope="col">Since</th>
              <th scope="col">Plan</th>
              <th scope="col">Lead social worker</th>
              <th scope="col">Next review due</th>
              <th scope="col">Time left</th>
            </tr>
          </thead>
          <tbody>
            {shownPlans.map(({ item: p, child, path }) => {
              const due = p.nextReviewClock?.dueOn;
              const late = !!due && due < today;
              return (
                <tr key={p.id} data-testid="cp-plan" class={late ? 'breached' : undefined}>
                  <th scope="row">{child ? <PersonLink person={child} /> : <span class="none">not shown</span>}</th>
                  <td>
                    <Shown value={p.category} path={`${path}.category`} redactions={redactions} />
                  </td>
                  <td>
                    <Shown value={p.startedOn} path={`${path}.startedOn`} redactions={redactions} as={date} />
                  </td>
                  <td>
                    {p.sequence ? `${ordinal(p.sequence)} plan` : '—'}
                    {p.withinTwoYearsOfPrevious ? ', within two years of the last' : ''}
                  </td>
                  <td>
                    <Shown
                      value={p.leadSocialWorker}
                      path={`${path}.leadSocialWorker`}
                      redactions={redactions}
                      as={asIs}
                    />
                  </td>
                  <DueCells due={due} path={`${path}.nextReviewClock`} redactions={redactions} today={today} />
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {plans?.more && (
        <button type="button" onClick={() => void morePlans()}>
          Show more plans
        </button>
      )}
    </section>
  );
}

/** A due date (or "Withheld — reason") and the time left, flagged once it has passed. */
function DueCells({
  due,
  path,
  redactions,
  today,
}: {
  due: string | null | undefined;
  path: string;
  redactions: Map<string, string>;
  today: string;
}) {
  const left = daysLeft(due, today);
  return (
    <>
      <td>
        <Shown value={due} path={path} redactions={redactions} as={date} />
      </td>
      <td>{due && due < today ? <strong class="breach-flag">{left}</strong> : left}</td>
    </>
  );
}

function ordinal(n: number): string {
  return n === 1 ? 'first' : n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`;
}

function Clock({ label, clock }: { label: string; clock: Enquiry['initialConferenceClock'] }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {clock ? (
          <>
            due {date(clock.dueOn)}
            {clock.heldOn
              ? `, held ${date(clock.heldOn)}${clock.late ? ' (late)' : ' (in time)'}`
              : `, ${daysLeft(clock.dueOn)}`}
            {clock.late && !clock.heldOn && <strong class="breach-flag"> Overdue</strong>}
          </>
        ) : (
          <span class="none">none due</span>
        )}
      </dd>
    </div>
  );
}

/**
 * One child's pathway (enquiry → conference → plan) on the child's page, read under the purpose the
 * child was opened with; social care MASH staff also get the steps the hub lets them record, each
 * with the version check ("someone else changed this; reload").
 */
export function ChildProtectionPathway({ me, personId, purpose }: { me: Me; personId: string; purpose: Purpose }) {
  const [answer, setAnswer] = useState<{
    person: PathwayChild | null;
    discussions: StrategyDiscussionsOfPersonResult['meetings']['edges'][number]['node'][];
    redactions: Map<string, string>;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [status, setStatus] = useState('');
  const [reloads, setReloads] = useState(0);

  const recorder = recordsPathway(me);

  async function load() {
    const [{ data, redactions }, discussions] = await Promise.all([
      request(PathwayOfPerson, { id: personId, purpose }),
      // Only those who record read the discussions an enquiry may start from; without them the
      // pathway still shows (a purpose the meetings refuse only means no enquiry can be started here).
      recorder ? request(StrategyDiscussionsOfPerson, { id: personId, purpose }).catch(() => null) : null,
    ]);
    setAnswer({
      person: data.person,
      discussions: discussions?.data.meetings.edges.map((e) => e.node) ?? [],
      redactions: new Map(redactions.map((r) => [r.path, r.reason])),
    });
  }

  useEffect(() => {
    setError(null);
    load().then(
      () => setStale(false),
      (e: Error) => setError(e.message),
    );
  }, [personId, purpose, reloads]);

  /** Runs one step, then reads the pathway again; a stale version is reported, not retried. */
  async function act(label: string, run: () => Promise<unknown>): Promise<boolean> {
    setError(null);
    setStatus('');
    try {
      await run();
      await load();
      setStale(false);
      setStatus(`${label}: done.`);
      return true;
    } catch (e) {
      if (e instanceof HubRequestError && e.code === 'CONFLICT') setStale(true);
      else setError((e as Error).message);
      return false;
    }
  }

  const person = answer?.person;
  const enquiries = person?.section47Enquiries ?? [];
  const plans = person?.childProtectionPlans ?? [];
  const r = answer?.redactions ?? new Map<string, string>();
  const linked = new Set(enquiries.flatMap((e) => (e.strategyDiscussions ?? []).map((s) => s.meetingId)));
  const startable = (answer?.discussions ?? []).filter(
    (m) => m.id && m.outcome && STARTS_ENQUIRY.includes(m.outcome) && !linked.has(m.id),
  );
  const hasOpenEnquiry = enquiries.some(beforeConference);
  const withheldWhole = r.has('person.section47Enquiries') || r.has('person.childProtectionPlans');

  return (
    <section aria-labelledby="cp-pathway-title" data-testid="cp-pathway">
      <h2 id="cp-pathway-title">Child protection</h2>
      <p class="live" role="status">
        {status}
      </p>
      {stale && (
        <div role="alert" class="conflict">
          <p>Someone else changed this child's pathway; reload to see their change before you act.</p>
          <button type="button" onClick={() => setReloads((n) => n + 1)}>
            Reload
          </button>
        </div>
      )}
      <ErrorMessage message={error} />
      {!answer && !error && <p>Loading…</p>}
      {answer && !person && <p>The pathway is not available to you for this child.</p>}
      {person &&
        (['section47Enquiries', 'childProtectionPlans'] as const).map(
          (field) =>
            r.get(`person.${field}`) && (
              <p key={field}>
                {field === 'section47Enquiries' ? 'Enquiries' : 'Plans'}:{' '}
                <Shown value={null} path={`person.${field}`} redactions={r} />
              </p>
            ),
        )}
      {person && !enquiries.length && !plans.length && !withheldWhole && (
        <p>No section 47 enquiry or plan you may see.</p>
      )}
      {enquiries.map((e, i) => (
        <EnquiryPanel
          key={e.id ?? i}
          enquiry={e}
          path={`person.section47Enquiries.${i}`}
          redactions={r}
          recorder={recorder && !stale}
          further={startable}
          act={act}
        />
      ))}
      {plans.map((p, i) => (
        <PlanPanel
          key={p.id ?? i}
          plan={p}
          path={`person.childProtectionPlans.${i}`}
          redactions={r}
          recorder={recorder && !stale}
          act={act}
        />
      ))}
      {recorder && !stale && !hasOpenEnquiry && startable.length > 0 && (
        <StrategyDiscussionForm
          discussions={startable}
          onSubmit={(strategyMeetingId, lead) =>
            act('Section 47 enquiry started', () =>
              request(StartSection47Enquiry, { input: { personId, strategyMeetingId, lead } }),
            )
          }
        />
      )}
    </section>
  );
}

type Act = (label: string, run: () => Promise<unknown>) => Promise<boolean>;

function EnquiryPanel({
  enquiry: e,
  path,
  redactions,
  recorder,
  further,
  act,
}: {
  enquiry: Enquiry;
  path: string;
  redactions: Map<string, string>;
  recorder: boolean;
  /** Strategy discussions about the child that decided on an enquiry and are not linked to one yet. */
  further: Discussion[];
  act: Act;
}) {
  const c = e.initialConference;
  const version = e.version;
  return (
    <article class="record" data-testid="cp-enquiry-panel" aria-labelledby={`enquiry-${e.id}`}>
      <h3 id={`enquiry-${e.id}`}>
        Section 47 enquiry, started {dateTime(e.startedAt)}: {words(e.status)}
      </h3>
      <dl class="fields">
        <div>
          <dt>Lead</dt>
          <dd>
            <Shown value={e.lead} path={`${path}.lead`} redactions={redactions} />
          </dd>
        </div>
        <div>
          <dt>Started by</dt>
          <dd>
            <Shown value={e.startedByName} path={`${path}.startedByName`} redactions={redactions} as={asIs} />
          </dd>
        </div>
        <div>
          <dt>Strategy discussions</dt>
          <dd>
            {(e.strategyDiscussions ?? []).map((s) => `${date(s.heldOn)} (${words(s.outcome)})`).join('; ') || '—'}
          </dd>
        </div>
        <Clock label="Initial conference" clock={e.initialConferenceClock} />
        <div>
          <dt>Conclusion</dt>
          <dd>
            <Shown value={e.conclusion} path={`${path}.conclusion`} redactions={redactions} />
            {e.concludedOn && `, ${date(e.concludedOn)}`}
            {e.concludedByName && ` by ${e.concludedByName}`}
          </dd>
        </div>
        {c && (
          <div>
            <dt>Initial conference outcome</dt>
            <dd data-testid="icpc-outcome">
              held {date(c.heldOn)}:{' '}
              <Shown value={c.decision} path={`${path}.initialConference.decision`} redactions={redactions} />
              {c.category && ` (${words(c.category)})`}
            </dd>
          </div>
        )}
      </dl>
      {recorder && version != null && e.id && e.status === 'OPEN' && (
        <ConcludeForm
          id={e.id}
          onConclude={(conclusion, concludedOn) =>
            act('Enquiry concluded', () =>
              request(ConcludeSection47Enquiry, {
                enquiryId: e.id!,
                expectedVersion: version,
                input: { conclusion, concludedOn },
              }),
            )
          }
        />
      )}
      {recorder && version != null && e.id && e.status === 'AWAITING_CONFERENCE' && (
        <InitialConferenceForm
          id={e.id}
          onRecord={(input) =>
            act('Initial conference recorded', () =>
              request(RecordInitialConference, { enquiryId: e.id!, expectedVersion: version, input }),
            )
          }
        />
      )}
      {recorder && version != null && e.id && beforeConference(e) && further.length > 0 && (
        <StrategyDiscussionForm
          further
          discussions={further}
          onSubmit={(strategyMeetingId) =>
            act('Strategy discussion added', () =>
              request(AddStrategyDiscussionToEnquiry, {
                enquiryId: e.id!,
                expectedVersion: version,
                strategyMeetingId,
              }),
            )
          }
        />
      )}
    </article>
  );
}

function PlanPanel({
  plan: p,
  path,
  redactions,
  recorder,
  act,
}: {
  plan: Plan;
  path: string;
  redactions: Map<string, string>;
  recorder: boolean;
  act: Act;
}) {
  const version = p.version;
  const active = recorder && version != null && p.id && p.status === 'ACTIVE';
  return (
    <article class="record" data-testid="cp-plan-panel" aria-labelledby={`plan-${p.id}`}>
      <h3 id={`plan-${p.id}`}>
        Child protection plan{p.sequence ? ` (${ordinal(p.sequence)})` : ''}, from {date(p.startedOn)}:{' '}
        {words(p.status)}
      </h3>
      <dl class="fields">
        <div>
          <dt>Category</dt>
          <dd data-testid="plan-category">
            <Shown value={p.category} path={`${path}.category`} redactions={redactions} />
          </dd>
        </div>
        <div>
          <dt>Category history</dt>
          <dd>
            {(p.categoryHistory ?? []).map((h) => `${words(h.category)} from ${date(h.fromOn)}`).join('; ') || '—'}
          </dd>
        </div>
        <div>
          <dt>Lead social worker</dt>
          <dd>
            <Shown value={p.leadSocialWorker} path={`${path}.leadSocialWorker`} redactions={redactions} as={asIs} />
          </dd>
        </div>
        <Clock label="First core group" clock={p.firstCoreGroupClock} />
        <div>
          <dt>Core groups held</dt>
          <dd>{(p.coreGroups ?? []).map((g) => date(g.heldOn)).join(', ') || 'none yet'}</dd>
        </div>
        <div>
          <dt>Review conferences</dt>
          <dd data-testid="plan-reviews">
            {(p.reviewConferences ?? [])
              .map((c) => `${date(c.heldOn)}: ${words(c.decision)}${c.late ? ' (late)' : ''}`)
              .join('; ') || 'none yet'}
          </dd>
        </div>
        {p.status === 'ACTIVE' && <Clock label="Next review conference" clock={p.nextReviewClock} />}
        {p.status === 'ENDED' && (
          <div>
            <dt>Ended</dt>
            <dd data-testid="plan-ended">
              {date(p.endedOn)}: <Shown value={p.endReason} path={`${path}.endReason`} redactions={redactions} />
            </dd>
          </div>
        )}
      </dl>
      {active && (
        <div class="actions">
          <ReviewConferenceForm
            id={p.id!}
            onRecord={(input) =>
              act('Review conference recorded', () =>
                request(RecordReviewConference, { planId: p.id!, expectedVersion: version!, input }),
              )
            }
          />
          <DateOnlyForm
            id={`core-${p.id}`}
            title="Record a core group"
            label="Core group held on"
            button="Record core group"
            onSubmit={(heldOn) =>
              act('Core group recorded', () =>
                request(RecordCoreGroup, { planId: p.id!, expectedVersion: version!, input: { heldOn } }),
              )
            }
          />
          <CategoryForm
            id={p.id!}
            current={p.category ?? null}
            onChange={(category, fromOn) =>
              act('Category changed', () =>
                request(ChangeChildProtectionPlanCategory, {
                  planId: p.id!,
                  expectedVersion: version!,
                  input: { category, fromOn },
                }),
              )
            }
          />
          <EndPlanForm
            id={p.id!}
            onEnd={(reason, endedOn) =>
              act('Plan ended', () =>
                request(EndChildProtectionPlan, {
                  planId: p.id!,
                  expectedVersion: version!,
                  input: { reason, endedOn },
                }),
              )
            }
          />
        </div>
      )}
    </article>
  );
}

/** A date no later than today (the hub refuses dates in the future). */
function DateField({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <>
      <label for={id}>{label}</label>
      <input
        type="date"
        id={id}
        required
        max={londonToday()}
        value={value}
        onInput={(e) => onChange((e.currentTarget as HTMLInputElement).value)}
      />
    </>
  );
}

type Discussion = { id: string | null; type: string | null; scheduledAt: string | null; outcome: string | null };

/**
 * Starts an enquiry from a strategy discussion, or (`further`) adds a later one to the open enquiry,
 * which moves the initial conference's due date to 15 working days after it.
 */
function StrategyDiscussionForm({
  discussions,
  further = false,
  onSubmit,
}: {
  discussions: Discussion[];
  further?: boolean;
  onSubmit: (strategyMeetingId: string, lead: Section47Lead | null) => Promise<boolean>;
}) {
  const [meetingId, setMeetingId] = useState(discussions[0]?.id ?? '');
  const [lead, setLead] = useState<Section47Lead | ''>('');
  const chosen = discussions.find((d) => d.id === meetingId);
  const needsLead = !further && chosen?.outcome === 'EMERGENCY_PROTECTION';
  const prefix = further ? 's47-further' : 's47';
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(meetingId, needsLead && lead ? lead : null);
      }}
    >
      {further ? <h4>Add a further strategy discussion</h4> : <h3>Start a section 47 enquiry</h3>}
      <label for={`${prefix}-meeting`}>{further ? 'Strategy discussion' : 'From the strategy discussion'}</label>
      <select
        id={`${prefix}-meeting`}
        value={meetingId}
        onChange={(e) => setMeetingId((e.currentTarget as HTMLSelectElement).value)}
      >
        {discussions.map((d) => (
          <option key={d.id} value={d.id ?? ''}>
            {words(d.type)} {dateTime(d.scheduledAt)}: {words(d.outcome)}
          </option>
        ))}
      </select>
      {needsLead && (
        <>
          <label for="s47-lead">Lead (after emergency protection)</label>
          <select
            id="s47-lead"
            value={lead}
            onChange={(e) => setLead((e.currentTarget as HTMLSelectElement).value as Section47Lead | '')}
          >
            <option value="">Choose…</option>
            <option value="SINGLE_AGENCY">Social care alone</option>
            <option value="JOINT">Jointly with the police</option>
          </select>
        </>
      )}
      <button type="submit" disabled={!meetingId || (needsLead && !lead)}>
        {further ? 'Add discussion' : 'Start enquiry'}
      </button>
    </form>
  );
}

function ConcludeForm({
  id,
  onConclude,
}: {
  id: string;
  onConclude: (conclusion: Section47Conclusion, concludedOn: string) => Promise<boolean>;
}) {
  const [conclusion, setConclusion] = useState<Section47Conclusion | ''>('');
  const [on, setOn] = useState(londonToday());
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        if (conclusion) void onConclude(conclusion, on);
      }}
    >
      <h4>Conclude the enquiry</h4>
      <label for={`conclusion-${id}`}>Conclusion</label>
      <select
        id={`conclusion-${id}`}
        value={conclusion}
        onChange={(e) => setConclusion((e.currentTarget as HTMLSelectElement).value as Section47Conclusion | '')}
      >
        <option value="">Choose…</option>
        {Section47ConclusionValues.map((c) => (
          <option key={c} value={c}>
            {words(c)}
          </option>
        ))}
      </select>
      <DateField id={`concluded-${id}`} label="Concluded on" value={on} onChange={setOn} />
      <button type="submit" disabled={!conclusion || !on}>
        Conclude
      </button>
    </form>
  );
}

function InitialConferenceForm({
  id,
  onRecord,
}: {
  id: string;
  onRecord: (input: {
    heldOn: string;
    decision: 'PLAN' | 'NO_PLAN';
    category: ChildProtectionCategory | null;
    leadSocialWorker: string | null;
  }) => Promise<boolean>;
}) {
  const [heldOn, setHeldOn] = useState(londonToday());
  const [decision, setDecision] = useState<'PLAN' | 'NO_PLAN' | ''>('');
  const [category, setCategory] = useState<ChildProtectionCategory | ''>('');
  const [lead, setLead] = useState('');
  const plan = decision === 'PLAN';
  const ready = heldOn && decision && (!plan || (category && lead.trim()));
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        if (decision)
          void onRecord({
            heldOn,
            decision,
            category: plan && category ? category : null,
            leadSocialWorker: plan ? lead.trim() : null,
          });
      }}
    >
      <h4>Record the initial conference</h4>
      <DateField id={`icpc-held-${id}`} label="Held on" value={heldOn} onChange={setHeldOn} />
      <label for={`icpc-decision-${id}`}>Outcome for this child</label>
      <select
        id={`icpc-decision-${id}`}
        value={decision}
        onChange={(e) => setDecision((e.currentTarget as HTMLSelectElement).value as 'PLAN' | 'NO_PLAN' | '')}
      >
        <option value="">Choose…</option>
        <option value="PLAN">A child protection plan</option>
        <option value="NO_PLAN">No plan</option>
      </select>
      {plan && (
        <>
          <label for={`icpc-category-${id}`}>Category</label>
          <select
            id={`icpc-category-${id}`}
            value={category}
            onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value as ChildProtectionCategory | '')}
          >
            <option value="">Choose…</option>
            {ChildProtectionCategoryValues.map((c) => (
              <option key={c} value={c}>
                {words(c)}
              </option>
            ))}
          </select>
          <label for={`icpc-lead-${id}`}>Lead social worker</label>
          <input
            id={`icpc-lead-${id}`}
            type="text"
            required
            maxLength={200}
            value={lead}
            onInput={(e) => setLead((e.currentTarget as HTMLInputElement).value)}
          />
        </>
      )}
      <button type="submit" disabled={!ready}>
        Record conference
      </button>
    </form>
  );
}

function ReviewConferenceForm({
  id,
  onRecord,
}: {
  id: string;
  onRecord: (input: {
    heldOn: string;
    decision: 'CONTINUE_PLAN' | 'END_PLAN';
    endReason: ChildProtectionPlanEndReason | null;
  }) => Promise<boolean>;
}) {
  const [heldOn, setHeldOn] = useState(londonToday());
  const [decision, setDecision] = useState<'CONTINUE_PLAN' | 'END_PLAN' | ''>('');
  const [endReason, setEndReason] = useState<ChildProtectionPlanEndReason>('NO_LONGER_AT_RISK');
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        if (decision) void onRecord({ heldOn, decision, endReason: decision === 'END_PLAN' ? endReason : null });
      }}
    >
      <h4>Record a review conference</h4>
      <DateField id={`review-held-${id}`} label="Held on" value={heldOn} onChange={setHeldOn} />
      <label for={`review-decision-${id}`}>Decision</label>
      <select
        id={`review-decision-${id}`}
        value={decision}
        onChange={(e) => setDecision((e.currentTarget as HTMLSelectElement).value as 'CONTINUE_PLAN' | 'END_PLAN' | '')}
      >
        <option value="">Choose…</option>
        <option value="CONTINUE_PLAN">Continue the plan</option>
        <option value="END_PLAN">End the plan</option>
      </select>
      {decision === 'END_PLAN' && (
        <EndReasonSelect id={`review-reason-${id}`} value={endReason} onChange={setEndReason} />
      )}
      <button type="submit" disabled={!decision || !heldOn}>
        Record review
      </button>
    </form>
  );
}

function EndReasonSelect({
  id,
  label = 'Reason the plan ends',
  value,
  onChange,
}: {
  id: string;
  label?: string;
  value: ChildProtectionPlanEndReason;
  onChange: (v: ChildProtectionPlanEndReason) => void;
}) {
  return (
    <>
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value as ChildProtectionPlanEndReason)}
      >
        {ChildProtectionPlanEndReasonValues.map((r) => (
          <option key={r} value={r}>
            {words(r)}
          </option>
        ))}
      </select>
    </>
  );
}

function DateOnlyForm({
  id,
  title,
  label,
  button,
  onSubmit,
}: {
  id: string;
  title: string;
  label: string;
  button: string;
  onSubmit: (on: string) => Promise<boolean>;
}) {
  const [on, setOn] = useState(londonToday());
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(on);
      }}
    >
      <h4>{title}</h4>
      <DateField id={id} label={label} value={on} onChange={setOn} />
      <button type="submit" disabled={!on}>
        {button}
      </button>
    </form>
  );
}

function CategoryForm({
  id,
  current,
  onChange,
}: {
  id: string;
  current: ChildProtectionCategory | null;
  onChange: (category: ChildProtectionCategory, fromOn: string) => Promise<boolean>;
}) {
  const [category, setCategory] = useState<ChildProtectionCategory | ''>('');
  const [fromOn, setFromOn] = useState(londonToday());
  return (
    <form
      class="action"
      onSubmit={(e) => {
        e.preventDefault();
        if (category) void onChange(category, fromOn).then((ok) => ok && setCategory(''));
      }}
    >
      <h4>Change the category</h4>
      <label for={`category-${id}`}>New category</label>
      <select
        id={`category-${id}`}
        value={category}
        onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value as ChildProtectionCategory | '')}
      >
        <option value="">Choose…</option>
        {ChildProtectionCategoryValues.filter((c) => c !== current).map((c) => (
          <option key={c} value={c}>
            {words(c)}
          </option>
        ))}
      </select>
      <DateField id={`category-from-${id}`} label="From" value={fromOn} onChange={setFromOn} />
      <button type="submit" disabled={!category || !fromOn}>
        Change category
      </button>
    </form>
  );
}

/** Ending outside a review conference states its consequence first, as withdrawing a referral does. */
function EndPlanForm({
  id,
  onEnd,
}: {
  id: string;
  onEnd: (reason: ChildProtectionPlanEndReason, endedOn: string) => Promise<boolean>;
}) {
  const [reason, setReason] = useState<ChildProtectionPlanEndReason>('TRANSFERRED_TO_ANOTHER_AUTHORITY');
  const [endedOn, setEndedOn] = useState(londonToday());
  return (
    <details class="action">
      <summary>End the plan outside a review conference</summary>
      <p>The plan ends on the date given and no further review is due. This cannot be undone here.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onEnd(reason, endedOn);
        }}
      >
        <EndReasonSelect id={`end-reason-${id}`} label="Reason for ending" value={reason} onChange={setReason} />
        <DateField id={`end-on-${id}`} label="Ended on" value={endedOn} onChange={setEndedOn} />
        <button type="submit" disabled={!endedOn}>
          End the plan
        </button>
      </form>
    </details>
  );
}
