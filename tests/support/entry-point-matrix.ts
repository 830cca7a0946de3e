import { ROLES, type Role } from '../../src/access-policy/vocabulary';

/**
 * Who may call each entry point, written out independently of src/access-policy/shield.ts: the
 * specification both the fast rule test (src/access-policy/shield.test.ts) and the story through
 * the API (tests/function-level-matrix.test.ts) hold the rules to.
 */

const SW: Role = 'MASH_SOCIAL_WORKER';
const MGR: Role = 'MASH_MANAGER';
const OFFICERS: Role[] = [
  'POLICE_MASH_OFFICER',
  'HEALTH_MASH_PRACTITIONER',
  'PROBATION_MASH_OFFICER',
  'EDUCATION_MASH_OFFICER',
];
const MASH: Role[] = [SW, MGR, ...OFFICERS];
const SOCIAL_CARE: Role[] = [SW, MGR];
const IG: Role[] = ['IG_AUDITOR'];
/** The exploitation cohort's core (ADR 027): social care MASH staff and police MASH officers. */
const EXPLOITATION: Role[] = [SW, MGR, 'POLICE_MASH_OFFICER'];

export const EXPECTED_ENTRY_POINTS: Record<'Query' | 'Mutation' | 'Subscription', Record<string, Role[]>> = {
  Query: {
    me: [...ROLES],
    agencies: [...ROLES],
    // A partner referrer submits referrals and reads their receipts, nothing else (issue 17).
    person: MASH,
    searchPeople: MASH,
    chronology: MASH,
    referral: MASH,
    referrals: MASH,
    thresholdLevels: MASH,
    myReferral: ['PARTNER_REFERRER'],
    meeting: MASH,
    meetings: MASH,
    attendanceStatistics: [MGR, 'IG_AUDITOR'],
    metrics: [MGR, 'IG_AUDITOR'],
    verifyAuditChain: IG,
    accessLog: IG,
    accessLogEntries: IG,
    exportAccessLog: IG,
    alerts: [...MASH, 'IG_AUDITOR'],
    breakGlassReviews: IG,
    dataQualityIssues: SOCIAL_CARE,
    section47Enquiry: MASH,
    childProtectionPlan: MASH,
    childProtectionCases: MASH,
    childProtectionCounts: MASH,
    childProtectionFlags: ['EDT_SOCIAL_WORKER', 'UNSCHEDULED_CARE_CLINICIAN'],
    missingEpisode: MASH,
    missingEpisodes: MASH,
    privateFosteringArrangement: MASH,
    privateFosteringArrangements: MASH,
    earlyHelpEpisode: MASH,
    earlyHelpEpisodes: MASH,
    ladoAllegation: ['LADO', 'EMPLOYER_DESIGNATED_OFFICER', ...SOCIAL_CARE],
    ladoAllegations: ['LADO', 'EMPLOYER_DESIGNATED_OFFICER', ...SOCIAL_CARE],
    exploitationFlag: MASH,
    exploitationCohort: MASH,
    exploitationCohortCounts: EXPLOITATION,
  },
  Mutation: {
    upsertPerson: MASH,
    upsertAgencyRecord: MASH,
    submitReferral: [...SOCIAL_CARE, 'PARTNER_REFERRER', 'EDT_SOCIAL_WORKER'],
    rateReferral: SOCIAL_CARE,
    assignReferral: SOCIAL_CARE,
    requestAgencyChecks: SOCIAL_CARE,
    respondToAgencyCheck: OFFICERS,
    closeAgencyCheck: SOCIAL_CARE,
    proposeDecision: SOCIAL_CARE,
    authoriseDecision: [MGR],
    amendAndAuthoriseDecision: [MGR],
    returnDecision: [MGR],
    withdrawReferral: SOCIAL_CARE,
    mergeReferral: SOCIAL_CARE,
    sendReferrerFeedback: SOCIAL_CARE,
    openBreakGlass: MASH,
    reviewBreakGlass: IG,
    acknowledgeAlert: [...MASH, 'IG_AUDITOR'],
    scheduleMeeting: SOCIAL_CARE,
    recordAttendance: MASH,
    markMeetingHeld: SOCIAL_CARE,
    recordMeetingOutcome: SOCIAL_CARE,
    addMeetingAction: SOCIAL_CARE,
    completeMeeting: SOCIAL_CARE,
    cancelMeeting: SOCIAL_CARE,
    inviteMeetingParticipant: SOCIAL_CARE,
    recordParticipantAttendance: SOCIAL_CARE,
    resolveDataQualityIssue: SOCIAL_CARE,
    startSection47Enquiry: SOCIAL_CARE,
    addStrategyDiscussionToEnquiry: SOCIAL_CARE,
    concludeSection47Enquiry: SOCIAL_CARE,
    recordInitialConference: SOCIAL_CARE,
    changeChildProtectionPlanCategory: SOCIAL_CARE,
    recordCoreGroup: SOCIAL_CARE,
    recordReviewConference: SOCIAL_CARE,
    endChildProtectionPlan: SOCIAL_CARE,
    recordMissingEpisode: MASH,
    recordMissingReturn: MASH,
    offerReturnInterview: SOCIAL_CARE,
    recordReturnInterview: SOCIAL_CARE,
    stepDownToEarlyHelp: [MGR],
    stepUpEarlyHelpEpisode: [MGR],
    updateEarlyHelpEpisode: SOCIAL_CARE,
    closeEarlyHelpEpisode: SOCIAL_CARE,
    recordLadoAllegation: ['LADO'],
    scheduleAllegationMeeting: ['LADO'],
    recordAllegationOutcome: ['LADO'],
    notifyPrivateFostering: SOCIAL_CARE,
    recordPrivateFosteringVisit: SOCIAL_CARE,
    closePrivateFostering: SOCIAL_CARE,
    raiseExploitationFlag: EXPLOITATION,
    reviewExploitationFlag: EXPLOITATION,
    addExploitationAssociation: EXPLOITATION,
  },
  Subscription: {
    referralChanged: MASH,
    alertRaised: [...MASH, 'IG_AUDITOR'],
    meetingChanged: MASH,
  },
};

/**
 * The cross-partnership cells (issue 26, ADR 016): a request acting in a partnership its token does
 * not name is refused before any entry point runs, whatever the role and the entry point — every
 * cell denied. (Reaching another partnership's rows while acting in one's own is the wall's part:
 * tests/partnership-wall.test.ts.)
 */
export type CrossPartnershipCell = {
  root: 'Query' | 'Mutation' | 'Subscription';
  field: string;
  role: Role;
  expected: 'DENIED';
};

export function crossPartnershipCells(): CrossPartnershipCell[] {
  return (Object.keys(EXPECTED_ENTRY_POINTS) as Array<keyof typeof EXPECTED_ENTRY_POINTS>).flatMap((root) =>
    Object.keys(EXPECTED_ENTRY_POINTS[root]).flatMap((field) =>
      ROLES.map((role) => ({ root, field, role, expected: 'DENIED' as const })),
    ),
  );
}
