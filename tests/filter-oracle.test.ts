import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_POLICY } from '../src/access-policy/policy';
import {
  getNamedType,
  isInputObjectType,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLObjectType,
} from 'graphql';
import { buildSchema } from '../src/app/schema';
import { declaredFilters } from '../src/access-policy/filter-policy';
import { auditFor, fakeNhsNumber, unique } from './support/factories';
import { dedicatedDatabaseUrl, startTestHub, type GqlResult, type TestHub } from './support/test-hub';
import { REFERRAL_SOURCES } from '../src/referrals/vocabulary';

/**
 * Property level, filters as oracles (docs/security.md; Keystone CVE-2025-46720): a filter,
 * sort or search on a field the viewer may not read answers "does a row have this value?".
 *
 * Generated from the served schema: every argument of every Query and Subscription root field,
 * down through input types, is either declared a filter next to the argument (`@Filters(cls, on)`,
 * read here from the served schema: the declaration the run-time filter guard enforces) or
 * classified below as something else; a new argument that is neither fails the first story. Every
 * declared filter is then probed:
 * with a referral, a meeting and a person whose values are known, each outsider (a probation
 * officer and a teacher with no relationship to them, an IG auditor, who may not read IDENTITY) sends the filter
 * once with the known value and once with another; both must give the same answer (the same rows,
 * or the same FORBIDDEN / BAD_USER_INPUT), never the fixture, and the audit shows nothing released
 * about the fixture's person. A social worker, who may read the field, is the control: with the
 * known value the fixture is found, so each probe really does match.
 */

type Classification =
  /** Not a filter on personal data (paging, purpose, one object by id, formats, periods), with why. */
  | { kind: 'control'; why: string }
  /** Filters the audit (IG auditors only): audit metadata, no person's field. */
  | { kind: 'audit'; why: string }
  /** A subscription's filter: applied to an event after it was read through the subscriber's scope. */
  | { kind: 'event'; why: string };

const PAGING: Classification = { kind: 'control', why: 'paging' };
const PURPOSE: Classification = { kind: 'control', why: 'declared purpose' };
const BY_ID: Classification = {
  kind: 'control',
  why: 'one object by id: object level (NOT_FOUND outside scope), tests/access-matrix.test.ts',
};
const AUDIT: Classification = { kind: 'audit', why: 'audit metadata, IG auditors only' };
/** A resume position: which changes to replay, over the subscriber's own scope only (ADR 022). */
const RESUME: Classification = {
  kind: 'control',
  why: 'resume position: replays only referrals in the subscriber scope, each re-read through it; tells at most when one it reaches changed, which the live stream would have told then',
};
const EVENT: Classification = {
  kind: 'event',
  why: 'compared with an event only after it was read through the subscriber scope (referral-changes.ts, meeting-changes.ts)',
};

/**
 * Every argument leaf of every Query and Subscription root field that is not a declared filter.
 * Written here, not derived: the filters are declared in the schema, everything else here.
 */
export const CLASSIFICATION: Record<string, Classification> = {
  'Query.accessLog.after': PAGING,
  'Query.accessLog.first': PAGING,
  'Query.accessLog.filter.actorSub': AUDIT,
  'Query.accessLog.filter.agency': AUDIT,
  'Query.accessLog.filter.breakGlass': AUDIT,
  'Query.accessLog.filter.from': AUDIT,
  'Query.accessLog.filter.to': AUDIT,
  'Query.accessLog.filter.personId': AUDIT,
  'Query.accessLog.filter.purpose': AUDIT,
  'Query.accessLog.filter.withoutRelationship': AUDIT,
  'Query.accessLogEntries.after': PAGING,
  'Query.accessLogEntries.first': PAGING,
  'Query.accessLogEntries.filter.actorSub': AUDIT,
  'Query.accessLogEntries.filter.agency': AUDIT,
  'Query.accessLogEntries.filter.breakGlass': AUDIT,
  'Query.accessLogEntries.filter.from': AUDIT,
  'Query.accessLogEntries.filter.to': AUDIT,
  'Query.accessLogEntries.filter.personId': AUDIT,
  'Query.accessLogEntries.filter.purpose': AUDIT,
  'Query.accessLogEntries.filter.withoutRelationship': AUDIT,
  'Query.exportAccessLog.filter.actorSub': AUDIT,
  'Query.exportAccessLog.filter.agency': AUDIT,
  'Query.exportAccessLog.filter.breakGlass': AUDIT,
  'Query.exportAccessLog.filter.from': AUDIT,
  'Query.exportAccessLog.filter.to': AUDIT,
  'Query.exportAccessLog.filter.personId': AUDIT,
  'Query.exportAccessLog.filter.purpose': AUDIT,
  'Query.exportAccessLog.filter.withoutRelationship': AUDIT,
  'Query.exportAccessLog.format': { kind: 'control', why: 'output format' },
  'Query.alerts.after': PAGING,
  'Query.alerts.first': PAGING,
  'Query.attendanceStatistics.from': { kind: 'control', why: 'period of an aggregate over agencies (no person)' },
  'Query.attendanceStatistics.to': { kind: 'control', why: 'period of an aggregate over agencies (no person)' },
  'Query.attendanceStatistics.meetingType': { kind: 'control', why: 'type of an aggregate over agencies (no person)' },
  'Query.breakGlassReviews.after': PAGING,
  'Query.breakGlassReviews.first': PAGING,
  'Query.breakGlassReviews.status': { kind: 'control', why: 'review status, IG auditors only' },
  'Query.chronology.personId': BY_ID,
  'Query.childProtectionFlags.nhsNumber': {
    kind: 'control',
    why: "the flag view's look-up key (EDT and unscheduled care only): an unknown and an unflagged child answer alike, every look-up audited (tests/child-protection-flags.test.ts)",
  },
  'Query.childProtectionCases.after': PAGING,
  'Query.childProtectionCases.first': PAGING,
  'Query.childProtectionCases.purpose': PURPOSE,
  'Query.childProtectionCounts.purpose': PURPOSE,
  'Query.childProtectionFlags.purpose': PURPOSE,
  'Query.childProtectionFlags.setting': {
    kind: 'control',
    why: 'where the caller is (recorded on the alert), not a filter',
  },
  'Query.childProtectionPlan.id': BY_ID,
  'Query.childProtectionPlan.purpose': PURPOSE,
  'Query.section47Enquiry.id': BY_ID,
  'Query.section47Enquiry.purpose': PURPOSE,
  'Query.dataQualityIssues.after': PAGING,
  'Query.dataQualityIssues.first': PAGING,
  'Query.dataQualityIssues.purpose': PURPOSE,
  'Query.dataQualityIssues.status': {
    kind: 'control',
    why: 'status of the data-quality queue (no person value), MASH social care only',
  },
  'Query.chronology.purpose': PURPOSE,
  'Query.meeting.id': BY_ID,
  'Query.meeting.purpose': PURPOSE,
  'Query.meetings.after': PAGING,
  'Query.meetings.first': PAGING,
  'Query.meetings.purpose': PURPOSE,
  'Query.earlyHelpEpisode.id': BY_ID,
  'Query.earlyHelpEpisode.purpose': PURPOSE,
  'Query.earlyHelpEpisodes.after': PAGING,
  'Query.earlyHelpEpisodes.first': PAGING,
  'Query.earlyHelpEpisodes.purpose': PURPOSE,
  'Query.exploitationFlag.id': BY_ID,
  'Query.exploitationFlag.purpose': PURPOSE,
  'Query.exploitationCohort.after': PAGING,
  'Query.exploitationCohort.first': PAGING,
  'Query.exploitationCohort.purpose': PURPOSE,
  'Query.exploitationCohortCounts.purpose': PURPOSE,
  'Query.ladoAllegation.id': BY_ID,
  'Query.ladoAllegation.purpose': PURPOSE,
  'Query.ladoAllegations.after': PAGING,
  'Query.ladoAllegations.first': PAGING,
  'Query.ladoAllegations.purpose': PURPOSE,
  'Query.missingEpisode.id': BY_ID,
  'Query.missingEpisode.purpose': PURPOSE,
  'Query.missingEpisodes.after': PAGING,
  'Query.missingEpisodes.first': PAGING,
  'Query.missingEpisodes.purpose': PURPOSE,
  'Query.privateFosteringArrangement.id': BY_ID,
  'Query.privateFosteringArrangement.purpose': PURPOSE,
  'Query.privateFosteringArrangements.after': PAGING,
  'Query.privateFosteringArrangements.first': PAGING,
  'Query.privateFosteringArrangements.purpose': PURPOSE,
  'Query.metrics.period.from': { kind: 'control', why: 'period of counts and durations (no person)' },
  'Query.metrics.period.month': { kind: 'control', why: 'period of counts and durations (no person)' },
  'Query.metrics.period.to': { kind: 'control', why: 'period of counts and durations (no person)' },
  'Query.metrics.team': { kind: 'control', why: 'team of counts and durations (no person)' },
  'Query.myReferral.id': BY_ID,
  'Query.person.id': BY_ID,
  'Query.person.purpose': PURPOSE,
  'Query.referral.id': BY_ID,
  'Query.referral.purpose': PURPOSE,
  'Query.referrals.after': PAGING,
  'Query.referrals.first': PAGING,
  'Query.referrals.purpose': PURPOSE,
  'Query.referrals.orderBy': {
    kind: 'control',
    why: 'the queue order: by a key only when the viewer may read it across the queue (mayOrderBy), else by id; tests/queue-filters.test.ts',
  },
  'Query.searchPeople.first': PAGING,
  'Query.searchPeople.purpose': PURPOSE,
  'Query.verifyAuditChain.anchor': { kind: 'control', why: 'an exported chain head, IG auditors only' },
  'Subscription.meetingChanged.purpose': PURPOSE,
  'Subscription.meetingChanged.filter.meetingId': EVENT,
  'Subscription.meetingChanged.filter.referralId': EVENT,
  'Subscription.meetingChanged.since': {
    kind: 'control',
    why: 'resume position (ADR 028): replays only meetings in the subscriber scope, each re-read through it; tells at most when one it reaches changed, which the live stream would have told then',
  },
  'Subscription.alertRaised.since': {
    kind: 'control',
    why: "resume position (ADR 028): replays only alerts addressed to the subscriber's agency (IG: all), each re-read; tells at most when one was raised, which the live stream would have told then",
  },
  'Subscription.referralChanged.purpose': PURPOSE,
  'Subscription.referralChanged.since': RESUME,
  'Subscription.referralChanged.filter.rag': EVENT,
  'Subscription.referralChanged.filter.referralId': EVENT,
  'Subscription.referralChanged.filter.status': EVENT,
};

const servedSchema = buildSchema();
/** The filters declared next to their arguments, as the filter guard reads them. */
const DECLARED = declaredFilters(servedSchema);
/** The declared filter a leaf belongs to (declared on it, or on an input field above it). */
const declarationOf = (leaf: string) =>
  DECLARED.find((d) => leaf === d.coordinate || leaf.startsWith(`${d.coordinate}.`));

/** The argument leaves of the served schema's Query and Subscription root fields. */
function argumentLeaves(): string[] {
  const schema = servedSchema;
  const out: string[] = [];
  const walk = (path: string, arg: GraphQLArgument | GraphQLInputField, seen: Set<string>) => {
    const type = getNamedType(arg.type);
    if (isInputObjectType(type) && !seen.has(type.name)) {
      for (const f of Object.values(type.getFields())) walk(`${path}.${f.name}`, f, new Set([...seen, type.name]));
    } else {
      out.push(path);
    }
  };
  for (const root of [schema.getQueryType(), schema.getSubscriptionType()] as GraphQLObjectType[]) {
    for (const field of Object.values(root.getFields()))
      for (const a of field.args) walk(`${root.name}.${field.name}.${a.name}`, a, new Set());
  }
  return out.sort();
}

interface Fixture {
  referralId: string;
  meetingId: string;
  missingEpisodeId: string;
  earlyHelpEpisodeId: string;
  ladoAllegationId: string;
  exploitationFlagId: string;
  enquiryId: string;
  childId: string;
  familyName: string;
  givenName: string;
  dateOfBirth: string;
  nhsNumber: string;
  assignee: string;
  status: string;
}

type Vars = Record<string, unknown>;
interface Probe {
  query: string;
  /** Row ids in the answer. */
  ids: (data: Record<string, unknown>) => string[];
  /** The fixture's own id in those rows. */
  fixtureId: (f: Fixture) => string;
  match: (f: Fixture) => Vars;
  miss: (f: Fixture) => Vars;
  /** Entry points the police officer of the narrowed-policy story may not call at all (FORBIDDEN before any filter). */
  policeRefused?: true;
}

const REFERRALS = `query($filter: ReferralFilter, $purpose: Purpose!) { referrals(filter: $filter, purpose: $purpose, first: 100) { edges { node { id } } } }`;
const MEETINGS = `query($filter: MeetingFilterInput, $purpose: Purpose!) { meetings(filter: $filter, purpose: $purpose, first: 100) { edges { node { id } } } }`;
const MISSING = `query($filter: MissingEpisodeFilterInput, $purpose: Purpose!) { missingEpisodes(filter: $filter, purpose: $purpose, first: 100) { edges { node { id } } } }`;
const EARLY_HELP = `query($filter: EarlyHelpFilterInput, $purpose: Purpose!) { earlyHelpEpisodes(filter: $filter, purpose: $purpose, first: 100) { edges { node { id } } } }`;
const LADO = `query($filter: LadoAllegationFilterInput, $purpose: Purpose!) { ladoAllegations(filter: $filter, purpose: $purpose, first: 100) { edges { node { id } } } }`;
const EXPLOITATION = `query($filter: ExploitationCohortFilterInput, $purpose: Purpose!) { exploitationCohort(filter: $filter, purpose: $purpose, first: 100) { edges { node { id } } } }`;
const CP_CASES = `query($filter: ChildProtectionCaseFilterInput!, $purpose: Purpose!) { childProtectionCases(filter: $filter, purpose: $purpose, first: 100) { edges { node { enquiry { id } plan { id } } } } }`;
const SEARCH = `query($input: PersonSearchInput!, $purpose: Purpose!) { searchPeople(input: $input, purpose: $purpose) { person { id } } }`;
const edgeIds = (field: string) => (d: Record<string, unknown>) =>
  (d[field] as { edges: Array<{ node: { id: string | null } }> }).edges.map((e) => e.node.id ?? '');
const referral = (filter: (f: Fixture) => Vars, other: (f: Fixture) => Vars): Probe => ({
  query: REFERRALS,
  ids: edgeIds('referrals'),
  fixtureId: (f) => f.referralId,
  match: (f) => ({ filter: filter(f) }),
  miss: (f) => ({ filter: other(f) }),
});
const meeting = (filter: (f: Fixture) => Vars, other: (f: Fixture) => Vars): Probe => ({
  query: MEETINGS,
  ids: edgeIds('meetings'),
  fixtureId: (f) => f.meetingId,
  match: (f) => ({ filter: filter(f) }),
  miss: (f) => ({ filter: other(f) }),
});
const missing = (filter: (f: Fixture) => Vars, other: (f: Fixture) => Vars): Probe => ({
  query: MISSING,
  ids: edgeIds('missingEpisodes'),
  fixtureId: (f) => f.missingEpisodeId,
  match: (f) => ({ filter: filter(f) }),
  miss: (f) => ({ filter: other(f) }),
});
const earlyHelp = (filter: (f: Fixture) => Vars, other: (f: Fixture) => Vars): Probe => ({
  query: EARLY_HELP,
  ids: edgeIds('earlyHelpEpisodes'),
  fixtureId: (f) => f.earlyHelpEpisodeId,
  match: (f) => ({ filter: filter(f) }),
  miss: (f) => ({ filter: other(f) }),
});
const lado = (filter: (f: Fixture) => Vars, other: (f: Fixture) => Vars): Probe => ({
  query: LADO,
  ids: edgeIds('ladoAllegations'),
  fixtureId: (f) => f.ladoAllegationId,
  match: (f) => ({ filter: filter(f) }),
  miss: (f) => ({ filter: other(f) }),
  policeRefused: true,
});
const exploitation = (filter: (f: Fixture) => Vars, other: (f: Fixture) => Vars): Probe => ({
  query: EXPLOITATION,
  ids: edgeIds('exploitationCohort'),
  fixtureId: (f) => f.exploitationFlagId,
  match: (f) => ({ filter: filter(f) }),
  miss: (f) => ({ filter: other(f) }),
});
const cpCases = (filter: (f: Fixture) => Vars, other: (f: Fixture) => Vars): Probe => ({
  query: CP_CASES,
  ids: (d) =>
    (
      d.childProtectionCases as {
        edges: Array<{ node: { enquiry: { id: string } | null; plan: { id: string } | null } }>;
      }
    ).edges.map((e) => e.node.enquiry?.id ?? e.node.plan?.id ?? ''),
  fixtureId: (f) => f.enquiryId,
  match: (f) => ({ filter: filter(f) }),
  miss: (f) => ({ filter: other(f) }),
});
const search = (input: (f: Fixture) => Vars, other: (f: Fixture) => Vars): Probe => ({
  query: SEARCH,
  ids: (d) =>
    (d.searchPeople as Array<{ person: { id: string } | null }>).flatMap((m) => (m.person ? [m.person.id] : [])),
  fixtureId: (f) => f.childId,
  match: (f) => ({ input: input(f) }),
  miss: (f) => ({ input: other(f) }),
});
const FAR_PAST = '2000-01-01T00:00:00.000Z';
const FAR_FUTURE = '2099-01-01T00:00:00.000Z';

/** A known value and another, per filter leaf. */
const PROBES: Record<string, Probe> = {
  'Query.referrals.filter.assignedTo': referral(
    (f) => ({ assignedTo: f.assignee }),
    () => ({ assignedTo: 'someone-else' }),
  ),
  'Query.referrals.filter.awaitingAgency': referral(
    () => ({ awaitingAgency: 'police' }),
    () => ({ awaitingAgency: 'health' }),
  ),
  'Query.referrals.filter.breached': referral(
    () => ({ breached: false }),
    () => ({ breached: true }),
  ),
  'Query.referrals.filter.dueBefore': referral(
    () => ({ dueBefore: FAR_FUTURE }),
    () => ({ dueBefore: FAR_PAST }),
  ),
  'Query.referrals.filter.rag': referral(
    () => ({ rag: ['RED'] }),
    () => ({ rag: ['GREEN'] }),
  ),
  'Query.referrals.filter.receivedFrom': referral(
    () => ({ receivedFrom: FAR_PAST }),
    () => ({ receivedFrom: FAR_FUTURE }),
  ),
  'Query.referrals.filter.receivedTo': referral(
    () => ({ receivedTo: FAR_FUTURE }),
    () => ({ receivedTo: FAR_PAST }),
  ),
  'Query.referrals.filter.concernCategories': referral(
    () => ({ concernCategories: ['NEGLECT'] }),
    () => ({ concernCategories: ['RADICALISATION'] }),
  ),
  'Query.referrals.filter.personId': referral(
    (f) => ({ personId: f.childId }),
    () => ({ personId: crypto.randomUUID() }),
  ),
  // The fixture's contact has whichever source its submitter gave or proved; none of them is anonymous.
  'Query.referrals.filter.source': referral(
    () => ({ source: [...REFERRAL_SOURCES] }),
    () => ({ source: ['ANONYMOUS'] }),
  ),
  'Query.referrals.filter.referrerOrganisation': referral(
    () => ({ referrerOrganisation: 'fictional oracle school' }),
    () => ({ referrerOrganisation: 'Another School' }),
  ),
  'Query.referrals.filter.unassigned': referral(
    () => ({ unassigned: false }),
    () => ({ unassigned: true }),
  ),
  'Query.referrals.filter.status': referral(
    (f) => ({ status: [f.status] }),
    () => ({ status: ['WITHDRAWN'] }),
  ),
  'Query.meetings.filter.agency': meeting(
    () => ({ agency: 'police' }),
    () => ({ agency: 'education' }),
  ),
  'Query.meetings.filter.overdueConferences': meeting(
    () => ({ overdueConferences: false }),
    () => ({ overdueConferences: true }),
  ),
  'Query.meetings.filter.personId': meeting(
    (f) => ({ personId: f.childId }),
    () => ({ personId: crypto.randomUUID() }),
  ),
  'Query.meetings.filter.referralId': meeting(
    (f) => ({ referralId: f.referralId }),
    () => ({ referralId: crypto.randomUUID() }),
  ),
  'Query.meetings.filter.type': meeting(
    () => ({ type: ['STRATEGY_DISCUSSION'] }),
    () => ({ type: ['INITIAL_CHILD_PROTECTION_CONFERENCE'] }),
  ),
  'Query.meetings.filter.upcoming': meeting(
    () => ({ upcoming: true }),
    () => ({ upcoming: false }),
  ),
  'Query.missingEpisodes.filter.personId': missing(
    (f) => ({ personId: f.childId }),
    () => ({ personId: crypto.randomUUID() }),
  ),
  'Query.missingEpisodes.filter.status': missing(
    () => ({ status: ['MISSING'] }),
    () => ({ status: ['CLOSED'] }),
  ),
  'Query.missingEpisodes.filter.interviewOverdue': missing(
    () => ({ interviewOverdue: false }),
    () => ({ interviewOverdue: true }),
  ),
  'Query.earlyHelpEpisodes.filter.personId': earlyHelp(
    (f) => ({ personId: f.childId }),
    () => ({ personId: crypto.randomUUID() }),
  ),
  'Query.earlyHelpEpisodes.filter.status': earlyHelp(
    () => ({ status: ['OPEN'] }),
    () => ({ status: ['CLOSED'] }),
  ),
  'Query.ladoAllegations.filter.status': lado(
    () => ({ status: ['OPEN'] }),
    () => ({ status: ['CLOSED'] }),
  ),
  'Query.ladoAllegations.filter.employerAgency': lado(
    () => ({ employerAgency: 'education' }),
    () => ({ employerAgency: 'health' }),
  ),
  'Query.childProtectionCases.filter.stage': cpCases(
    () => ({ stage: 'OPEN_ENQUIRY' }),
    () => ({ stage: 'ON_PLAN' }),
  ),
  'Query.exploitationCohort.filter.type': exploitation(
    () => ({ type: ['CSE'] }),
    () => ({ type: ['GANGS'] }),
  ),
  'Query.exploitationCohort.filter.riskLevel': exploitation(
    () => ({ riskLevel: ['HIGH'] }),
    () => ({ riskLevel: ['LOW'] }),
  ),
  'Query.exploitationCohort.filter.status': exploitation(
    () => ({ status: ['OPEN'] }),
    () => ({ status: ['CLOSED'] }),
  ),
  'Query.exploitationCohort.filter.reviewOverdue': exploitation(
    () => ({ reviewOverdue: false }),
    () => ({ reviewOverdue: true }),
  ),
  'Query.exploitationCohort.filter.reviewDueBefore': exploitation(
    () => ({ reviewDueBefore: FAR_FUTURE }),
    () => ({ reviewDueBefore: FAR_PAST }),
  ),
  'Query.exploitationCohort.filter.missingInLast90Days': exploitation(
    () => ({ missingInLast90Days: true }),
    () => ({ missingInLast90Days: false }),
  ),
  'Query.searchPeople.input.dateOfBirth': search(
    (f) => ({ familyName: f.familyName, dateOfBirth: f.dateOfBirth }),
    (f) => ({ familyName: f.familyName, dateOfBirth: '1970-01-01' }),
  ),
  'Query.searchPeople.input.familyName': search(
    (f) => ({ familyName: f.familyName }),
    () => ({ familyName: 'Nobodyhere' }),
  ),
  'Query.searchPeople.input.givenName': search(
    (f) => ({ familyName: f.familyName, givenName: f.givenName }),
    (f) => ({ familyName: f.familyName, givenName: 'Zzyzx' }),
  ),
  'Query.searchPeople.input.identifier.type': search(
    (f) => ({ identifier: { type: 'NHS_NUMBER', value: f.nhsNumber } }),
    (f) => ({ identifier: { type: 'PNC_ID', value: f.nhsNumber } }),
  ),
  'Query.searchPeople.input.identifier.value': search(
    (f) => ({ identifier: { type: 'NHS_NUMBER', value: f.nhsNumber } }),
    () => ({ identifier: { type: 'NHS_NUMBER', value: fakeNhsNumber() } }),
  ),
};

describe('filters as oracles: every filter, sort and search argument of the served schema', () => {
  it('given the served schema, then every argument of every Query and Subscription root field is a declared filter or classified here (not both), and nothing classified is gone', () => {
    const leaves = argumentLeaves();
    expect(leaves.filter((l) => !(l in CLASSIFICATION) && !declarationOf(l))).toEqual([]);
    expect(leaves.filter((l) => l in CLASSIFICATION && declarationOf(l))).toEqual([]);
    expect(Object.keys(CLASSIFICATION).filter((l) => !leaves.includes(l))).toEqual([]);
    // The figures quoted in docs/security.md.
    console.log(
      `filter-oracle: ${leaves.length} argument leaves, ${leaves.filter((l) => declarationOf(l)).length} under ${DECLARED.length} declared filters`,
    );
  });

  it('given the declarations, then every leaf of a declared filter has a probe, every probe a declared filter, and no personal class above CASE_METADATA and IDENTITY is filterable but the concern categories, over rows whose scope gives each a relationship', () => {
    const filterLeaves = argumentLeaves().filter((l) => declarationOf(l));
    expect(Object.keys(PROBES).sort()).toEqual(filterLeaves);
    expect([...new Set(DECLARED.map((d) => d.cls))].sort()).toEqual(['CASE_METADATA', 'IDENTITY', 'SHARED_SUMMARY']);
    // A shared-summary filter only where the list's row scope gives every row a relationship (policy.ts mayFilterOn).
    expect(DECLARED.filter((d) => d.cls === 'SHARED_SUMMARY').map((d) => [d.coordinate, d.rows])).toEqual([
      ['Query.referrals.filter.concernCategories', 'referral'],
    ]);
  });

  describe('probed through the API', () => {
    let hub: TestHub;
    /** The same partnership and database under a policy that denies IDENTITY and CASE_METADATA to police MASH officers. */
    let narrowed: TestHub;
    let dataDir: string;
    let referrer: string;
    let worker: string;
    /** Reaches the child, the referral (an agency check) and the meeting (invited): may filter on all of them under the shipped policy. */
    let police: string;
    let outsiders: Array<{ name: string; token: string; purpose: string }>;
    const fx = {} as Fixture;
    const results: Array<{ leaf: string; outsider: string; outcome: string }> = [];

    beforeAll(async () => {
      const databaseUrl = await dedicatedDatabaseUrl('filter_oracle');
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-oracle-'));
      const policyFile = path.join(dataDir, 'narrowed-policy.json');
      const deny = {
        description: 'Test: police officers see no identity, case metadata or summaries',
        effect: 'deny',
        classes: ['IDENTITY', 'CASE_METADATA', 'SHARED_SUMMARY'],
        roles: ['POLICE_MASH_OFFICER'],
        reason: 'NEED_TO_KNOW',
      };
      fs.writeFileSync(policyFile, JSON.stringify({ ...DEFAULT_POLICY, rules: [deny, ...DEFAULT_POLICY.rules] }));
      hub = await startTestHub({ MASH_DATA_DIR: dataDir }, { databaseUrl });
      narrowed = await startTestHub({ MASH_DATA_DIR: dataDir, MASH_POLICY_FILE: policyFile }, { databaseUrl });
      worker = await hub.token({ agency: 'social-care', roles: ['MASH_SOCIAL_WORKER'], sub: unique('sw') });
      // Referred by a GP (health); probation and education are not related to the child.
      referrer = await hub.token({ agency: 'health', roles: ['PARTNER_REFERRER'], sub: unique('gp') });
      police = await hub.token({ agency: 'police', roles: ['POLICE_MASH_OFFICER'], sub: unique('pc') });
      outsiders = [
        {
          name: 'probation officer (no relationship)',
          token: await hub.token({ agency: 'probation', roles: ['PROBATION_MASH_OFFICER'] }),
          purpose: 'AGENCY_CHECK',
        },
        // (Not an education MASH officer: a strategy discussion invites education, which then may read.)
        {
          name: 'education referrer (no referral of this child)',
          token: await hub.token({ agency: 'education', roles: ['PARTNER_REFERRER'] }),
          purpose: 'DIRECT_CARE',
        },
        {
          name: 'IG auditor (may not read IDENTITY)',
          token: await hub.token({ agency: 'social-care', roles: ['IG_AUDITOR'] }),
          purpose: 'IG_AUDIT',
        },
      ];
      const ok = <T>(r: GqlResult<T>): T => {
        if (r.errors) throw new Error(JSON.stringify(r.errors));
        return r.data!;
      };
      Object.assign(fx, {
        familyName: `Fictionaloracle${crypto.randomInt(1e6)}`,
        givenName: 'Quillon',
        dateOfBirth: '2017-03-04',
        nhsNumber: fakeNhsNumber(),
        assignee: unique('assignee'),
      });
      const submitted = ok(
        await hub.gql<{ submitReferral: { id: string; subjects?: unknown } }>(
          referrer,
          `mutation($input: SubmitReferralInput!, $key: String!) { submitReferral(input: $input, idempotencyKey: $key) { id } }`,
          {
            key: unique('k'),
            input: {
              subjects: [
                {
                  newPerson: {
                    kind: 'CHILD',
                    givenName: fx.givenName,
                    familyName: fx.familyName,
                    dateOfBirth: fx.dateOfBirth,
                    nhsNumber: fx.nhsNumber,
                  },
                },
              ],
              concernCategories: ['NEGLECT'],
              narrative: 'Fictional narrative for the filter-oracle suite.',
              referrerOrganisation: 'Fictional Oracle School',
              consentSought: true,
              consentGiven: true,
            },
          },
        ),
      );
      fx.referralId = submitted.submitReferral.id;
      const read = ok(
        await hub.gql<{ referral: { version: number; subjects: Array<{ id: string }> } }>(
          worker,
          `query($id: ID!) { referral(id: $id, purpose: TRIAGE) { version subjects { id } } }`,
          { id: fx.referralId },
        ),
      );
      fx.childId = read.referral.subjects[0]!.id;
      let v = read.referral.version;
      v = ok(
        await hub.gql<{ rateReferral: { version: number } }>(
          worker,
          `mutation($id: ID!, $v: Int!) { rateReferral(id: $id, rag: RED, rationale: "Fictional rationale", expectedVersion: $v) { version } }`,
          { id: fx.referralId, v },
        ),
      ).rateReferral.version;
      v = ok(
        await hub.gql<{ assignReferral: { version: number } }>(
          worker,
          `mutation($id: ID!, $v: Int!, $sub: String!) { assignReferral(id: $id, assignee: { sub: $sub, name: "Fictional Worker" }, expectedVersion: $v) { version } }`,
          { id: fx.referralId, v, sub: fx.assignee },
        ),
      ).assignReferral.version;
      fx.status = ok(
        await hub.gql<{ requestAgencyChecks: { status: string } }>(
          worker,
          `mutation($id: ID!, $v: Int!) { requestAgencyChecks(referralId: $id, agencies: ["police"], expectedVersion: $v) { status } }`,
          { id: fx.referralId, v },
        ),
      ).requestAgencyChecks.status;
      fx.meetingId = ok(
        await hub.gql<{ scheduleMeeting: { id: string } }>(
          worker,
          `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`,
          {
            input: {
              type: 'STRATEGY_DISCUSSION',
              referralId: fx.referralId,
              subjectPersonIds: [fx.childId],
              invitees: [{ agency: 'police', required: true }],
              scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
            },
          },
        ),
      ).scheduleMeeting.id;
      fx.missingEpisodeId = ok(
        await hub.gql<{ recordMissingEpisode: { id: string } }>(
          worker,
          `mutation($input: RecordMissingEpisodeInput!) { recordMissingEpisode(input: $input) { id } }`,
          {
            input: {
              personId: fx.childId,
              missingFrom: 'HOME',
              startedAt: new Date(Date.now() - 3600_000).toISOString(),
            },
          },
        ),
      ).recordMissingEpisode.id;
      const manager = await hub.token({ agency: 'social-care', roles: ['MASH_MANAGER'], sub: unique('mgr') });
      fx.earlyHelpEpisodeId = ok(
        await hub.gql<{ stepDownToEarlyHelp: { id: string } }>(
          manager,
          `mutation($input: StepDownInput!) { stepDownToEarlyHelp(input: $input) { id } }`,
          {
            input: {
              personId: fx.childId,
              at: new Date(Date.now() - 3600_000).toISOString(),
              agreedWith: 'Fictional Early Help Manager',
              reason: 'Fictional reason',
            },
          },
        ),
      ).stepDownToEarlyHelp.id;
      const ladoOfficer = await hub.token({ agency: 'social-care', roles: ['LADO'], sub: unique('lado') });
      fx.ladoAllegationId = ok(
        await hub.gql<{ recordLadoAllegation: { id: string } }>(
          ladoOfficer,
          `mutation($input: LadoAllegationInput!) { recordLadoAllegation(input: $input) { id } }`,
          {
            input: {
              childPersonId: fx.childId,
              employerAgency: 'education',
              employerName: 'Fictional School',
              sector: 'EDUCATION',
              category: 'PHYSICAL',
              adultName: 'Fictional Adult',
              adultRole: 'Fictional Role',
              receivedAt: new Date(Date.now() - 3600_000).toISOString(),
            },
          },
        ),
      ).recordLadoAllegation.id;
      // Police (the cohort's core) raise a flag on the child, who has a missing episode (above).
      fx.exploitationFlagId = ok(
        await hub.gql<{ raiseExploitationFlag: { id: string } }>(
          police,
          `mutation($input: RaiseExploitationFlagInput!) { raiseExploitationFlag(input: $input) { id } }`,
          {
            input: {
              personId: fx.childId,
              type: 'CSE',
              riskLevel: 'HIGH',
              raisedAt: new Date(Date.now() - 3600_000).toISOString(),
            },
          },
        ),
      ).raiseExploitationFlag.id;
      // A strategy discussion about the child (police invited) that decided on a joint enquiry, and the enquiry.
      const sd = ok(
        await hub.gql<{ scheduleMeeting: { id: string; version: number } }>(
          worker,
          `mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id version } }`,
          {
            input: {
              type: 'STRATEGY_DISCUSSION',
              subjectPersonIds: [fx.childId],
              invitees: [{ agency: 'police', required: true }],
              scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
            },
          },
        ),
      ).scheduleMeeting;
      await hub.db.query(`UPDATE meeting SET scheduled_at = now() - interval '1 day' WHERE id = $1`, [sd.id]);
      const held = ok(
        await hub.gql<{ markMeetingHeld: { version: number } }>(
          worker,
          `mutation($id: ID!, $v: Int!) { markMeetingHeld(id: $id, expectedVersion: $v) { version } }`,
          { id: sd.id, v: sd.version },
        ),
      ).markMeetingHeld.version;
      ok(
        await hub.gql(
          worker,
          `mutation($id: ID!, $v: Int!) { recordMeetingOutcome(id: $id, input: { outcome: SECTION_47_JOINT }, expectedVersion: $v) { version } }`,
          { id: sd.id, v: held },
        ),
      );
      fx.enquiryId = ok(
        await hub.gql<{ startSection47Enquiry: { id: string } }>(
          worker,
          `mutation($input: StartSection47EnquiryInput!) { startSection47Enquiry(input: $input) { id } }`,
          { input: { strategyMeetingId: sd.id, personId: fx.childId } },
        ),
      ).startSection47Enquiry.id;
    });
    afterAll(async () => {
      // The figures for docs/security.md.
      const refused = results.filter((r) => r.outcome !== 'rows').length;
      console.log(
        `filter-oracle: ${results.length * 2} attempts (${results.length} pairs), ${refused} pairs refused, ${results.length - refused} answered the same rows`,
      );
      await Promise.all([hub?.close(), narrowed?.close()]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const outcomeOf = (probe: Probe, r: GqlResult) =>
      r.errors
        ? { status: r.status, codes: r.errors.map((e) => e.extensions?.code).sort() }
        : { status: r.status, ids: probe.ids(r.data as Record<string, unknown>).sort() };

    it.each(Object.keys(PROBES))(
      'given %s, when someone who may not read the field filters with the known value and with another, then the answers are the same, never the fixture, and nothing is released about the person',
      async (leaf) => {
        const probe = PROBES[leaf]!;
        // Control: the social worker may read the field; with the known value the fixture is found.
        const control = await hub.gql(worker, probe.query, { ...probe.match(fx), purpose: 'TRIAGE' });
        expect(control.errors).toBeUndefined();
        expect(probe.ids(control.data as Record<string, unknown>)).toContain(probe.fixtureId(fx));

        for (const o of outsiders) {
          const ask = async (vars: Vars) => {
            const r = await hub.gql(o.token, probe.query, { ...vars, purpose: o.purpose });
            const audit = await auditFor(hub, r.headers.get('x-request-id')!);
            expect(audit.filter((a) => a.person_id === fx.childId && (a.released ?? []).length > 0)).toEqual([]);
            return outcomeOf(probe, r);
          };
          const withValue = await ask(probe.match(fx));
          const withOther = await ask(probe.miss(fx));
          expect({ outsider: o.name, ...withValue }).toEqual({ outsider: o.name, ...withOther });
          if ('ids' in withValue) expect(withValue.ids).not.toContain(probe.fixtureId(fx));
          else for (const c of withValue.codes) expect(['FORBIDDEN', 'BAD_USER_INPUT']).toContain(c);
          results.push({ leaf, outsider: o.name, outcome: 'ids' in withValue ? 'rows' : withValue.codes.join(',') });
        }
      },
    );

    it.each(Object.keys(PROBES))(
      'given a policy denying CASE_METADATA, IDENTITY and SHARED_SUMMARY to police officers, when the police officer (who reaches the fixture) filters with %s, then FORBIDDEN with the known value and with another, and nothing is released',
      async (leaf) => {
        const probe = PROBES[leaf]!;
        if (probe.policeRefused) {
          // The police officer may not call this entry point at all: refused before any filter, with either value.
          for (const vars of [probe.match(fx), probe.miss(fx)]) {
            const r = await narrowed.gql(police, probe.query, { ...vars, purpose: 'AGENCY_CHECK' });
            expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
            expect(r.data).toBeNull();
          }
          results.push({ leaf: `${leaf} (narrowed policy)`, outsider: 'police', outcome: 'FORBIDDEN' });
          return;
        }
        // Control: under the shipped policy the police officer reaches the fixture and finds it.
        const control = await hub.gql(police, probe.query, { ...probe.match(fx), purpose: 'AGENCY_CHECK' });
        expect(control.errors).toBeUndefined();
        expect(probe.ids(control.data as Record<string, unknown>)).toContain(probe.fixtureId(fx));
        const rootField = leaf.split('.').slice(0, 2).join('.');
        for (const vars of [probe.match(fx), probe.miss(fx)]) {
          // The refusal names a declared filter the request uses (a name search also sends the family name).
          const usedFilters = DECLARED.filter(
            (d) =>
              d.coordinate.startsWith(`${rootField}.`) &&
              d.path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], vars) != null,
          ).map((d) => d.path.join('.'));
          expect(usedFilters).toContain(declarationOf(leaf)!.path.join('.'));
          const r = await narrowed.gql(police, probe.query, { ...vars, purpose: 'AGENCY_CHECK' });
          expect(r.data).toBeNull();
          expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
          expect(usedFilters).toContain(r.errors![0]!.extensions!.field);
          const audit = await auditFor(narrowed, r.headers.get('x-request-id')!);
          expect(audit.filter((a) => a.person_id === fx.childId && (a.released ?? []).length > 0)).toEqual([]);
        }
        results.push({ leaf: `${leaf} (narrowed policy)`, outsider: 'police', outcome: 'FORBIDDEN' });
      },
    );

    it('given the same narrowed policy, when the police officer lists the referral queue unfiltered, then it is served (the fields redacted), and filtered on rag it is FORBIDDEN', async () => {
      const unfiltered = await narrowed.gql<{
        referrals: { edges: Array<{ node: { id: string | null; rag: string | null } }> };
      }>(police, `query { referrals(purpose: AGENCY_CHECK, first: 100) { edges { node { id rag } } } }`);
      expect(unfiltered.errors).toBeUndefined();
      expect(unfiltered.data!.referrals.edges.length).toBeGreaterThan(0);
      for (const e of unfiltered.data!.referrals.edges) expect(e.node).toEqual({ id: null, rag: null });

      const filtered = await narrowed.gql(
        police,
        `query { referrals(purpose: AGENCY_CHECK, filter: { rag: [RED] }, first: 100) { edges { node { id } } } }`,
      );
      expect(filtered.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([
        ['FORBIDDEN', 'filter.rag'],
      ]);
      expect(filtered.data).toBeNull();

      // An empty list filters nothing: served like no filter.
      const empty = await narrowed.gql(
        police,
        `query { referrals(purpose: AGENCY_CHECK, filter: { rag: [] }, first: 100) { edges { node { id } } } }`,
      );
      expect(empty.errors).toBeUndefined();
    });
  });
});
