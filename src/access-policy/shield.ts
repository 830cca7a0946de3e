import { allow, deny, rule, shield } from 'graphql-shield';
import { middleware, type IMiddlewareGenerator } from 'graphql-middleware';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { RequestContext } from '../context/context';
import { hasAnyRole } from './viewer';
import {
  AGENCY_OFFICER_ROLES,
  DECISION_AUTHORISER_ROLES,
  EXPLOITATION_ROLES,
  FLAG_VIEW_ROLES,
  MASH_ROLES,
  ROLES,
  SOCIAL_CARE_MASH_ROLES,
  SUBMITTER_ONLY_ROLES,
  type Role,
} from './vocabulary';

/**
 * The declared entry-point rules: who may call each query, mutation and subscription. Anything not
 * listed is denied (`fallbackRule: deny`). Fields of object types are guarded by sensitivity class
 * in field-guard.ts, decided once per object (ADR 001), so shield is applied to the root types only.
 */

const hasRole = (...roles: readonly Role[]) =>
  rule({ cache: 'contextual' })((_p, _a, ctx: RequestContext) => hasAnyRole(ctx.viewer, roles));

const anyUser = hasRole(...ROLES);
/** People and their records: MASH roles only. A partner referrer submits referrals and reads their receipts (`myReferral`). */
const caseWorker = hasRole(...MASH_ROLES);
/** Agencies' own officers (and social care MASH staff for social care records) ingest records. */
const recordContributor = hasRole(...MASH_ROLES);
/** Referral triage: social care MASH staff work referrals; agency officers answer checks. */
const triage = hasRole(...SOCIAL_CARE_MASH_ROLES);
const referralReader = hasRole(...MASH_ROLES);
/** Contacts: social care MASH staff, partner referrers, and the emergency duty team out of hours (issue 24). */
const referralSubmitter = hasRole(...SOCIAL_CARE_MASH_ROLES, ...SUBMITTER_ONLY_ROLES);
/** Information-governance officers: the audit's own queries (C5). */
const igAuditor = hasRole('IG_AUDITOR');

export const ENTRY_POINT_RULES = {
  Query: {
    me: anyUser,
    agencies: anyUser,
    person: caseWorker,
    searchPeople: caseWorker,
    chronology: hasRole(...MASH_ROLES),
    referral: referralReader,
    referrals: referralReader,
    /** The partnership's names for the threshold levels (configuration, no case data). */
    thresholdLevels: referralReader,
    myReferral: hasRole('PARTNER_REFERRER'),
    meeting: referralReader,
    meetings: referralReader,
    attendanceStatistics: hasRole('MASH_MANAGER', 'IG_AUDITOR'),
    /** Governance metrics (C6): counts and durations only, for MASH managers and IG auditors. */
    metrics: hasRole('MASH_MANAGER', 'IG_AUDITOR'),
    verifyAuditChain: igAuditor,
    accessLog: igAuditor,
    accessLogEntries: igAuditor,
    exportAccessLog: igAuditor,
    alerts: hasRole(...MASH_ROLES, 'IG_AUDITOR'),
    breakGlassReviews: hasRole('IG_AUDITOR'),
    /** Proposed matches and disagreeing sources (ADR 005): the MASH's social care staff decide them. */
    dataQualityIssues: triage,
    /** After the strategy discussion (issue 24): rows only where the viewer works the child's case. */
    section47Enquiry: caseWorker,
    childProtectionPlan: caseWorker,
    /** The pathway list and its counts (ADR 034): the same roles and row scope as the reads by id. */
    childProtectionCases: caseWorker,
    childProtectionCounts: caseWorker,
    /** The CP-IS-style flag view: the emergency duty team and unscheduled care only (ADR 017). */
    childProtectionFlags: hasRole(...FLAG_VIEW_ROLES),
    /** Missing episodes (ADR 018): MASH roles, each within the episode scope (relationships.ts). */
    missingEpisode: caseWorker,
    missingEpisodes: caseWorker,
    /** Private fostering (ADR 018): MASH roles, each within the arrangement scope (relationships.ts). */
    privateFosteringArrangement: caseWorker,
    privateFosteringArrangements: caseWorker,
    /** Early help (ADR 018): MASH roles, each within the episode scope (relationships.ts). */
    earlyHelpEpisode: caseWorker,
    earlyHelpEpisodes: caseWorker,
    /** LADO allegations (ADR 018): the LADO, employers' designated officers and social care MASH staff, each within its scope. */
    ladoAllegation: hasRole('LADO', 'EMPLOYER_DESIGNATED_OFFICER', ...SOCIAL_CARE_MASH_ROLES),
    ladoAllegations: hasRole('LADO', 'EMPLOYER_DESIGNATED_OFFICER', ...SOCIAL_CARE_MASH_ROLES),
    /** Exploitation (ADR 027): MASH roles, each within the flag scope (relationships.ts); the counts for the cohort's core. */
    exploitationFlag: caseWorker,
    exploitationCohort: caseWorker,
    exploitationCohortCounts: hasRole(...EXPLOITATION_ROLES),
  },
  Mutation: {
    upsertPerson: recordContributor,
    upsertAgencyRecord: recordContributor,
    submitReferral: referralSubmitter,
    rateReferral: triage,
    assignReferral: triage,
    requestAgencyChecks: triage,
    respondToAgencyCheck: hasRole(...AGENCY_OFFICER_ROLES),
    closeAgencyCheck: triage,
    proposeDecision: triage,
    authoriseDecision: hasRole('MASH_MANAGER'),
    amendAndAuthoriseDecision: hasRole('MASH_MANAGER'),
    returnDecision: hasRole('MASH_MANAGER'),
    withdrawReferral: triage,
    mergeReferral: triage,
    sendReferrerFeedback: triage,
    openBreakGlass: hasRole(...MASH_ROLES),
    reviewBreakGlass: hasRole('IG_AUDITOR'),
    acknowledgeAlert: hasRole(...MASH_ROLES, 'IG_AUDITOR'),
    scheduleMeeting: triage,
    recordAttendance: hasRole(...MASH_ROLES),
    markMeetingHeld: triage,
    recordMeetingOutcome: triage,
    addMeetingAction: triage,
    completeMeeting: triage,
    cancelMeeting: triage,
    /** People who are not agencies (ADR 024): social care, who organise meetings, invite them and record for them. */
    inviteMeetingParticipant: triage,
    recordParticipantAttendance: triage,
    resolveDataQualityIssue: triage,
    /** Social care leads the enquiry and records conferences, plans and core groups (issue 24). */
    startSection47Enquiry: triage,
    addStrategyDiscussionToEnquiry: triage,
    concludeSection47Enquiry: triage,
    recordInitialConference: triage,
    changeChildProtectionPlanCategory: triage,
    recordCoreGroup: triage,
    recordReviewConference: triage,
    endChildProtectionPlan: triage,
    recordMissingEpisode: caseWorker,
    recordMissingReturn: caseWorker,
    offerReturnInterview: triage,
    recordReturnInterview: triage,
    /** Step transitions are a MASH manager's decision, like authorising a referral. */
    stepDownToEarlyHelp: hasRole(...DECISION_AUTHORISER_ROLES),
    stepUpEarlyHelpEpisode: hasRole(...DECISION_AUTHORISER_ROLES),
    updateEarlyHelpEpisode: triage,
    closeEarlyHelpEpisode: triage,
    recordLadoAllegation: hasRole('LADO'),
    scheduleAllegationMeeting: hasRole('LADO'),
    recordAllegationOutcome: hasRole('LADO'),
    /** Private fostering is the local authority's duty: its social care MASH staff record it. */
    notifyPrivateFostering: triage,
    recordPrivateFosteringVisit: triage,
    closePrivateFostering: triage,
    /** The exploitation cohort's core raises, reviews and associates (ADR 027). */
    raiseExploitationFlag: hasRole(...EXPLOITATION_ROLES),
    reviewExploitationFlag: hasRole(...EXPLOITATION_ROLES),
    addExploitationAssociation: hasRole(...EXPLOITATION_ROLES),
  },
  Subscription: {
    referralChanged: referralReader,
    alertRaised: hasRole(...MASH_ROLES, 'IG_AUDITOR'),
    meetingChanged: referralReader,
  },
} as const;

export { AGENCY_OFFICER_ROLES, allow, deny };

const FORBIDDEN = new GraphQLError('You are not allowed to do this', { extensions: { code: 'FORBIDDEN' } });

export function entryPointShield(
  rules: Record<string, Record<string, unknown>>,
): IMiddlewareGenerator<unknown, RequestContext, unknown> {
  const full = shield(rules as never, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: FORBIDDEN,
  });
  // Only the root operation types get shield's per-field promise; see ADR 001.
  return middleware((schema: GraphQLSchema) => {
    const generated = full.generate(schema) as Record<string, unknown>;
    const roots: Record<string, unknown> = {};
    for (const t of ['Query', 'Mutation', 'Subscription']) if (generated[t]) roots[t] = generated[t];
    return roots as never;
  });
}
