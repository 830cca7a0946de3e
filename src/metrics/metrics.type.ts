import { Field, Float, GraphQLISODateTime, InputType, Int, ObjectType } from 'type-graphql';
import { NonPersonal } from '../access-policy/decorators';
import { AgencyKindEnum } from '../access-policy/enums';
import { graphqlEnum } from '../shared/enums';
import { ReferralSourceEnum } from '../referrals/referral.type';
import { DIRECTIONS, MEASURE_KEYS, POLARITIES, RAG_STATUSES, UNITS } from './vocabulary';

/** Governance metrics (C6): counts and durations only, no personal data — every type is NonPersonal. */
export const MeasureKeyEnum = graphqlEnum(MEASURE_KEYS, 'MeasureKey');
export const PolarityEnum = graphqlEnum(POLARITIES, 'Polarity');
export const RagStatusEnum = graphqlEnum(
  RAG_STATUSES,
  'RagStatus',
  'Against target, by the configured convention: BANDS (default) GREEN on or within 5 %, AMBER within 15 %, RED beyond; IMPROVEMENT GREEN within 5 %, else AMBER if improved, RED if not',
);
export const DirectionEnum = graphqlEnum(DIRECTIONS, 'Direction', 'Direction of travel against the previous period');
export const UnitEnum = graphqlEnum(
  UNITS,
  'MeasureUnit',
  'COUNT, SHARE (0 to 1), HOURS (elapsed) or WORKING_DAYS (on the partnership’s calendar)',
);

@InputType({ description: 'A calendar month (YYYY-MM), or from and to local dates (YYYY-MM-DD, both inclusive)' })
export class MetricsPeriodInput {
  @Field(() => String, { nullable: true }) month?: string | null;
  @Field(() => String, { nullable: true }) from?: string | null;
  @Field(() => String, { nullable: true }) to?: string | null;
}

@NonPersonal()
@ObjectType({
  description: 'A figure to compare a measure with (England, statistical neighbours), from the partnership’s settings',
})
export class MetricComparator {
  @Field() label!: string;
  @Field(() => Float) value!: number;
}

@NonPersonal()
@ObjectType({ description: 'One measure with its target, RAG status and direction of travel' })
export class MetricMeasure {
  @Field(() => MeasureKeyEnum) key!: string;
  @Field() label!: string;
  @Field(() => UnitEnum) unit!: string;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => Float, { nullable: true }) previousValue!: number | null;
  @Field(() => Float, { nullable: true }) target!: number | null;
  @Field(() => PolarityEnum, { nullable: true }) polarity!: string | null;
  @Field(() => RagStatusEnum, { nullable: true }) status!: string | null;
  @Field(() => DirectionEnum, { nullable: true }) direction!: string | null;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => [MetricComparator], { description: 'England, statistical neighbours… as configured' })
  comparators!: MetricComparator[];
  @Field(() => String, { nullable: true, description: 'The board’s commentary, as configured' }) commentary!:
    | string
    | null;
}

@NonPersonal()
@ObjectType()
export class OutcomeCount {
  @Field() outcome!: string;
  @Field(() => Int) count!: number;
}

@NonPersonal()
@ObjectType({
  description: 'Contacts from one referring agency and what became of them (contact → referral → outcome)',
})
export class AgencyFlowMetric {
  @Field() agency!: string;
  @Field(() => AgencyKindEnum, { description: 'The agency kind' }) sector!: string;
  @Field(() => Int) contacts!: number;
  @Field(() => Int, { description: 'Contacts with an authorised MASH decision' }) decided!: number;
  @Field(() => Int, { description: 'Decided as a CIN assessment or strategy discussion' }) socialCareReferrals!: number;
  @Field(() => Float, { nullable: true }) conversionRate!: number | null;
  @Field(() => [OutcomeCount]) outcomes!: OutcomeCount[];
}

@NonPersonal()
@ObjectType({ description: 'A distribution of durations for one RAG rating or agency' })
export class DurationMetric {
  @Field({ description: 'The RAG rating (or UNRATED) or the agency' }) key!: string;
  @Field(() => Int) count!: number;
  @Field(() => Int) withinTimescale!: number;
  @Field(() => Float, { nullable: true }) withinTimescaleRate!: number | null;
  @Field(() => Float, { nullable: true }) medianHours!: number | null;
  @Field(() => Float, { nullable: true }) p90Hours!: number | null;
}

@NonPersonal()
@ObjectType()
export class AgencyCount {
  @Field() agency!: string;
  @Field(() => Int) count!: number;
}

@NonPersonal()
@ObjectType()
export class ReReferralMetric {
  @Field(() => Int, { description: 'Referrals received about at least one child' }) referrals!: number;
  @Field(() => Int, { description: 'Of which a child had another referral received in the 365 days before' })
  reReferrals!: number;
}

@NonPersonal()
@ObjectType({ description: 'Distinct children in the period’s referrals and how many have each field recorded' })
export class EqualityMetric {
  @Field(() => Int) children!: number;
  @Field(() => Int) ethnicity!: number;
  @Field(() => Int) firstLanguage!: number;
  @Field(() => Int) religion!: number;
}

@NonPersonal()
@ObjectType({ description: 'The MASH measures for one assigned worker (pseudonymous id; null = unassigned)' })
export class WorkerMetric {
  @Field(() => String, { nullable: true }) workerSub!: string | null;
  @Field(() => Int) contacts!: number;
  @Field(() => Int) decisions!: number;
  @Field(() => Int) decisionsWithinTimescale!: number;
  @Field(() => Float, { nullable: true }) timeInMashMedianHours!: number | null;
  @Field(() => Float, { nullable: true }) timeInMashP90Hours!: number | null;
  @Field(() => Int) feedbackSent!: number;
  @Field(() => Float, { nullable: true }) feedbackMedianHours!: number | null;
}

@NonPersonal()
@ObjectType({ description: 'Attendance of one invited agency at the strategy discussions held in the period' })
export class AgencyAttendanceMetric {
  @Field() agency!: string;
  @Field(() => Int, { description: 'Invitations (one per invitee)' }) invited!: number;
  @Field(() => Int) attended!: number;
  @Field(() => Int) apologies!: number;
  @Field(() => Int) informationOnly!: number;
  @Field(() => Int) didNotAttend!: number;
  @Field(() => Int, { description: 'Invited, attendance not recorded' }) notRecorded!: number;
  @Field(() => Float, { nullable: true, description: 'attended / invited, to three decimals' }) attendanceRate!:
    | number
    | null;
  @Field(() => Int, { description: 'Discussions where the agency was required and nobody from it attended' })
  missedWhenRequired!: number;
  @Field(() => Int, { description: 'Invitations with a report submitted' }) reportsSubmitted!: number;
  @Field(() => Int, { description: 'Invitations whose report was shared with the family' })
  reportsSharedWithFamily!: number;
}

@NonPersonal()
@ObjectType({
  description: 'Strategy discussions held in the period (HELD or COMPLETED, by scheduled time), partnership-wide',
})
export class StrategyDiscussionMetric {
  @Field(() => Int) held!: number;
  @Field(() => Int, { description: 'Held without every required agency attending' }) nonQuorate!: number;
  @Field(() => [AgencyAttendanceMetric]) attendanceByAgency!: AgencyAttendanceMetric[];
}

@NonPersonal()
@ObjectType({ description: 'Strategy discussions whose initial child protection conference fell due in the period' })
export class IcpcTimelinessMetric {
  @Field(() => Int) due!: number;
  @Field(() => Int, { description: 'With an ICPC about one of the same children held on or before the due date' })
  withinTimescale!: number;
}

@NonPersonal()
@ObjectType({ description: 'Children on a plan under one category' })
export class CategoryCount {
  @Field() category!: string;
  @Field(() => Int) count!: number;
}

@NonPersonal()
@ObjectType({
  description: 'Child protection after the strategy discussion (issue 24), per child, partnership-wide: counts only',
})
export class ChildProtectionMetric {
  @Field(() => Int, {
    description:
      'Initial conferences that fell due in the period (s47 enquiries not closed without one by the due date)',
  })
  icpcDue!: number;
  @Field(() => Int, { description: 'of which held on or before the due date' }) icpcHeldInTime!: number;
  @Field(() => Int, { description: 'of which held after the due date' }) icpcHeldLate!: number;
  @Field(() => Int, { description: 'of which not held (as at the query)' }) icpcDueNotHeld!: number;
  @Field(() => Int, { description: 'Review conferences held in the period' }) reviewsHeld!: number;
  @Field(() => Int, { description: 'of which held on or before their due date' }) reviewsInTime!: number;
  @Field(() => Int, { description: 'First core groups that fell due in the period' }) firstCoreGroupsDue!: number;
  @Field(() => Int, { description: 'of which held on or before the due date' }) firstCoreGroupsInTime!: number;
  @Field(() => Int, { description: 'Children on a plan on the last day of the period' }) onPlanAtEnd!: number;
  @Field(() => [CategoryCount], { description: 'By the plan’s category on that day' })
  onPlanByCategory!: CategoryCount[];
  @Field(() => Int, { description: 'Plans started in the period' }) plansStarted!: number;
  @Field(() => Int, { description: 'of which second or subsequent' }) secondOrSubsequent!: number;
  @Field(() => Int, { description: 'of which within two years of the previous plan’s end' })
  secondOrSubsequentWithinTwoYears!: number;
  @Field(() => [CategoryCount], {
    description:
      'On a plan at the end, by age band on the last day (UNDER_1, 1_TO_4, 5_TO_9, 10_TO_15, 16_AND_OVER, UNBORN, NOT_RECORDED)',
  })
  onPlanByAgeBand!: CategoryCount[];
  @Field(() => [CategoryCount], { description: 'On a plan at the end, by sex' }) onPlanBySex!: CategoryCount[];
  @Field(() => [CategoryCount], { description: 'On a plan at the end, by disability' })
  onPlanByDisability!: CategoryCount[];
  @Field(() => Int, { description: 'Plans ended in the period' }) plansEnded!: number;
  @Field(() => Int, { description: 'of which within 3 months of starting' }) endedWithin3Months!: number;
  @Field(() => Int, { description: 'of which within 6 months of starting' }) endedWithin6Months!: number;
  @Field(() => Int, { description: 'of which after 2 years or more' }) lasted2YearsOrMore!: number;
  @Field(() => Int, { description: 's47 enquiries started in the period (first strategy discussion)' })
  enquiriesStarted!: number;
  @Field(() => Int, { description: 'of which with an initial conference (so far)' }) enquiriesToConference!: number;
  @Field(() => Int, { description: 'of which with a plan (so far)' }) enquiriesToPlan!: number;
}

@NonPersonal()
@ObjectType({
  description:
    'How one agency’s checks ended in the period: "no information held" is an answer, only "declined" is a refusal',
})
export class CheckOutcomeMetric {
  @Field() agency!: string;
  @Field(() => Int, { description: 'Answered with information' }) informationShared!: number;
  @Field(() => Int, { description: 'Answered: the agency searched and holds no information' })
  noInformationHeld!: number;
  @Field(() => Int, { description: 'Declined to share, with a reason' }) declined!: number;
  @Field(() => Int, {
    description: 'Closed by the MASH without an answer (no longer needed, timed out, escalated, decided without)',
  })
  closedWithoutAnswer!: number;
}

@NonPersonal()
@ObjectType({
  description:
    'Contacts received from one source (children-in-need census code), per contact and per child, and how many became referrals',
})
export class SourceMetric {
  @Field(() => ReferralSourceEnum) source!: string;
  @Field({ description: 'The census referral-source code (e.g. 6 for police)' }) censusCode!: string;
  @Field({ description: 'The census group the code reports under (e.g. Health services)' }) censusGroup!: string;
  @Field(() => Int, { description: 'Contacts (one per contact, however many children)' }) contacts!: number;
  @Field(() => Int, { description: 'One per child per contact, as the census counts (merged duplicates left out)' })
  childContacts!: number;
  @Field(() => Int, {
    description:
      'Contacts accepted for a social-care response (CIN assessment or strategy discussion) by the end of the period',
  })
  referrals!: number;
  @Field(() => Int, { description: 'One per child per accepted contact' }) childReferrals!: number;
}

@NonPersonal()
@ObjectType({
  description:
    'The statutory clock (Working Together): contacts whose decision on the type of response fell due in the period',
})
export class StatutoryDecisionMetric {
  @Field(() => Int) due!: number;
  @Field(() => Int, { description: 'Decided within one working day of receipt' }) withinOneWorkingDay!: number;
  @Field(() => Int, { description: 'Not decided by the end of the period (late)' }) notDecidedByPeriodEnd!: number;
}

@NonPersonal()
@ObjectType({ description: 'A reporting period in local dates and the instants it spans' })
export class MetricsPeriod {
  @Field() label!: string;
  @Field({ description: 'First day (inclusive)' }) from!: string;
  @Field({ description: 'Last day (inclusive)' }) to!: string;
  @Field(() => GraphQLISODateTime) startsAt!: Date;
  @Field(() => GraphQLISODateTime, { description: 'Exclusive' }) endsAt!: Date;
}

@NonPersonal()
@ObjectType({
  description: 'Missing episodes and return home interviews in the period, partnership-wide (counts only)',
})
export class MissingEpisodesMetric {
  @Field(() => Int, { description: 'Episodes started in the period' }) started!: number;
  @Field(() => Int, { description: 'Distinct children with an episode started in the period' }) children!: number;
  @Field(() => Int, { description: 'Episodes started of children not known to social care when recorded' })
  notKnownToSocialCare!: number;
  @Field(() => [MissingFromCount], { description: 'Episodes started, by where the child went missing from' })
  byMissingFrom!: MissingFromCount[];
  @Field(() => Int, { description: 'Episodes whose return fell in the period' }) returned!: number;
  @Field(() => Int, { description: 'of which a return home interview was offered within 72 hours' })
  offeredWithin72Hours!: number;
  @Field(() => Int, { description: 'of which offered later than 72 hours' }) offeredLater!: number;
  @Field(() => Int, { description: 'of which the interview was held' }) held!: number;
  @Field(() => Int, { description: 'of which the interview was declined' }) declined!: number;
}

@NonPersonal()
@ObjectType({ description: 'Early help and step transitions in the period, partnership-wide (counts only)' })
export class EarlyHelpMetric {
  @Field(() => Int, { description: 'Episodes opened in the period' }) opened!: number;
  @Field(() => Int, { description: 'of which opened by the MASH’s EARLY_HELP decision' }) openedByMashDecision!: number;
  @Field(() => Int, { description: 'of which opened by a step-down' }) openedByStepDown!: number;
  @Field(() => Int, { description: 'Step-ups in the period (early help to social care)' }) stepUps!: number;
  @Field(() => Int, { description: 'Step-downs in the period (social care to early help)' }) stepDowns!: number;
  @Field(() => Int, { description: 'Episodes closed in the period with needs met' }) needsMet!: number;
  @Field(() => Int, { description: 'Episodes closed in the period with needs not met' }) needsNotMet!: number;
  @Field(() => Int, {
    description: 'Step-ups and referrals in the period about a child stepped down in the 365 days before',
  })
  reEscalations!: number;
}

@NonPersonal()
@ObjectType({ description: 'LADO allegations in the period, partnership-wide (counts only)' })
export class LadoMetric {
  @Field(() => Int, { description: 'Allegations received in the period' }) received!: number;
  @Field(() => [MissingFromCount], { description: 'Allegations received, by the employer’s sector' })
  bySector!: MissingFromCount[];
  @Field(() => Int, { description: 'Allegations resolved (outcome recorded) in the period' }) resolved!: number;
  @Field(() => Int, { description: 'of which within one month of receipt' }) withinOneMonth!: number;
  @Field(() => Int, { description: 'of which within three months (including within one)' }) withinThreeMonths!: number;
  @Field(() => Int, { description: 'of which within twelve months (including the above)' }) withinTwelveMonths!: number;
  @Field(() => Int, { description: 'DBS referrals made in the period' }) dbsReferrals!: number;
}

@NonPersonal()
@ObjectType({ description: 'Private fostering in the period, partnership-wide (counts only)' })
export class PrivateFosteringMetric {
  @Field(() => Int, { description: 'Notifications received in the period' }) notifications!: number;
  @Field(() => Int, { description: 'Initial visits held in the period' }) initialVisits!: number;
  @Field(() => Int, { description: 'of which within 7 working days of the notification' })
  initialVisitsWithinTimescale!: number;
  @Field(() => Int, { description: 'Children privately fostered at the end of the period' })
  childrenAtPeriodEnd!: number;
}

@NonPersonal()
@ObjectType({
  description:
    'Information shared in the period by UK GDPR Article 6 basis, Article 9 / DPA 2018 Schedule 1 condition and consent (ADR 025)',
})
export class ShareBasisMetric {
  @Field({ description: 'REFERRAL (a contact received) or CHECK_ANSWER (an agency’s answer sharing information)' })
  share!: string;
  @Field({ description: 'The Article 6 basis, or NOT_RECORDED' }) article6Basis!: string;
  @Field({ description: 'The Article 9 / Schedule 1 condition, or NONE' }) specialCategoryCondition!: string;
  @Field({ description: 'GIVEN, SOUGHT_NOT_GIVEN, NOT_SOUGHT or NOT_RECORDED' }) consent!: string;
  @Field(() => Int) count!: number;
}

@NonPersonal()
@ObjectType()
export class RagCount {
  @Field({ description: 'RED, AMBER, GREEN or UNRATED' }) rag!: string;
  @Field(() => Int) count!: number;
}

@NonPersonal()
@ObjectType()
export class ExploitationCohortCell {
  @Field() type!: string;
  @Field() riskLevel!: string;
  @Field(() => Int) count!: number;
}

@NonPersonal()
@ObjectType({ description: 'The exploitation cohort and MASE discussions, partnership-wide (counts only)' })
export class ExploitationMetric {
  @Field(() => [ExploitationCohortCell], {
    description: 'Flags open at the end of the period, by type and the risk level they had then',
  })
  cohortAtPeriodEnd!: ExploitationCohortCell[];
  @Field(() => Int, { description: 'Flags raised in the period' }) raised!: number;
  @Field(() => [MissingFromCount], { description: 'Flags raised in the period, by type' })
  raisedByType!: MissingFromCount[];
  @Field(() => Int, { description: 'Flag reviews held at a MASE meeting in the period' }) maseDiscussions!: number;
  @Field(() => Int, { description: 'Children whose flag was discussed at a MASE meeting in the period' })
  maseChildren!: number;
}

@NonPersonal()
@ObjectType()
export class MissingFromCount {
  @Field() key!: string;
  @Field(() => Int) count!: number;
}

@NonPersonal()
@ObjectType({ description: 'The breakdowns of one period' })
export class MetricsBreakdown {
  @Field(() => MetricsPeriod) period!: MetricsPeriod;
  @Field(() => [AgencyFlowMetric]) contactsByAgency!: AgencyFlowMetric[];
  @Field(() => [DurationMetric], { description: 'Decisions within timescale and time in MASH by RAG' })
  decisionsByRag!: DurationMetric[];
  @Field(() => [DurationMetric]) checkTurnaroundByAgency!: DurationMetric[];
  @Field(() => [CheckOutcomeMetric]) checkOutcomesByAgency!: CheckOutcomeMetric[];
  @Field(() => [SourceMetric], { description: 'Contacts by source (census code), per contact and per child' })
  contactsBySource!: SourceMetric[];
  @Field(() => StatutoryDecisionMetric) statutoryDecisions!: StatutoryDecisionMetric;
  @Field(() => GraphQLISODateTime, {
    description: 'When overdueChecksByAgency stands: the end of the period, or now while it runs',
  })
  overdueChecksAsAt!: Date;
  @Field(() => [AgencyCount], {
    description: 'Outstanding checks past their due time as at overdueChecksAsAt, as they stood then',
  })
  overdueChecksByAgency!: AgencyCount[];
  @Field(() => ReReferralMetric) reReferrals!: ReReferralMetric;
  @Field(() => EqualityMetric) equality!: EqualityMetric;
  @Field(() => [WorkerMetric]) workers!: WorkerMetric[];
  @Field(() => StrategyDiscussionMetric) strategyDiscussions!: StrategyDiscussionMetric;
  @Field(() => IcpcTimelinessMetric) icpcTimeliness!: IcpcTimelinessMetric;
  @Field(() => ChildProtectionMetric) childProtection!: ChildProtectionMetric;
  @Field(() => [AgencyCount], { description: 'Break-glass openings in the period by the opener’s agency' })
  breakGlassByAgency!: AgencyCount[];
  @Field(() => MissingEpisodesMetric) missingEpisodes!: MissingEpisodesMetric;
  @Field(() => EarlyHelpMetric) earlyHelp!: EarlyHelpMetric;
  @Field(() => LadoMetric) lado!: LadoMetric;
  @Field(() => PrivateFosteringMetric) privateFostering!: PrivateFosteringMetric;
  @Field(() => [ShareBasisMetric], { description: 'Information shared in the period by lawful basis and consent' })
  sharesByBasis!: ShareBasisMetric[];
  @Field(() => GraphQLISODateTime, {
    description: 'When openReferralsByRag stands: the end of the period, or now while it runs',
  })
  openReferralsAsAt!: Date;
  @Field(() => [RagCount], {
    description: 'Contacts open in the MASH as at openReferralsAsAt, by their RAG then (status and rating history)',
  })
  openReferralsByRag!: RagCount[];
  @Field(() => ExploitationMetric) exploitation!: ExploitationMetric;
}

@NonPersonal()
@ObjectType({ description: 'Governance metrics for a period and the one before (C6)' })
export class Metrics {
  @Field() timeZone!: string;
  @Field(() => GraphQLISODateTime) asAt!: Date;
  @Field(() => String, { nullable: true }) team!: string | null;
  @Field(() => [MetricMeasure]) measures!: MetricMeasure[];
  @Field(() => MetricsBreakdown) current!: MetricsBreakdown;
  @Field(() => MetricsBreakdown) previous!: MetricsBreakdown;
  @Field(() => [AgencyCount], {
    description:
      'Outstanding checks past their due time at the end of the current period (now while it runs); also current.overdueChecksByAgency',
  })
  overdueChecksByAgency!: AgencyCount[];
}
