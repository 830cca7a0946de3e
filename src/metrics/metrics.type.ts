import { Field, Float, GraphQLISODateTime, InputType, Int, ObjectType } from 'type-graphql';
import { NonPersonal } from '../access-policy/decorators';
import { AgencyKindEnum } from '../access-policy/enums';
import { graphqlEnum } from '../shared/enums';
import { DIRECTIONS, MEASURE_KEYS, POLARITIES, RAG_STATUSES, UNITS } from './vocabulary';

/** Governance metrics (C6): counts and durations only, no personal data — every type is NonPersonal. */
export const MeasureKeyEnum = graphqlEnum(MEASURE_KEYS, 'MeasureKey');
export const PolarityEnum = graphqlEnum(POLARITIES, 'Polarity');
export const RagStatusEnum = graphqlEnum(RAG_STATUSES, 'RagStatus', 'Against target: GREEN on or within 5 %, AMBER within 15 %, RED beyond');
export const DirectionEnum = graphqlEnum(DIRECTIONS, 'Direction', 'Direction of travel against the previous period');
export const UnitEnum = graphqlEnum(UNITS, 'MeasureUnit', 'COUNT, SHARE (0 to 1) or HOURS');

@InputType({ description: 'A calendar month (YYYY-MM), or from and to local dates (YYYY-MM-DD, both inclusive)' })
export class MetricsPeriodInput {
  @Field(() => String, { nullable: true }) month?: string | null;
  @Field(() => String, { nullable: true }) from?: string | null;
  @Field(() => String, { nullable: true }) to?: string | null;
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
}

@NonPersonal()
@ObjectType()
export class OutcomeCount {
  @Field() outcome!: string;
  @Field(() => Int) count!: number;
}

@NonPersonal()
@ObjectType({ description: 'Contacts from one referring agency and what became of them (contact → referral → outcome)' })
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
  @Field(() => Int, { description: 'Of which a child had another referral received in the 365 days before' }) reReferrals!: number;
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
  @Field(() => Float, { nullable: true, description: 'attended / invited, to three decimals' }) attendanceRate!: number | null;
  @Field(() => Int, { description: 'Discussions where the agency was required and nobody from it attended' }) missedWhenRequired!: number;
}

@NonPersonal()
@ObjectType({ description: 'Strategy discussions held in the period (HELD or COMPLETED, by scheduled time), partnership-wide' })
export class StrategyDiscussionMetric {
  @Field(() => Int) held!: number;
  @Field(() => Int, { description: 'Held without every required agency attending' }) nonQuorate!: number;
  @Field(() => [AgencyAttendanceMetric]) attendanceByAgency!: AgencyAttendanceMetric[];
}

@NonPersonal()
@ObjectType({ description: 'Strategy discussions whose initial child protection conference fell due in the period' })
export class IcpcTimelinessMetric {
  @Field(() => Int) due!: number;
  @Field(() => Int, { description: 'With an ICPC about one of the same children held on or before the due date' }) withinTimescale!: number;
}

@NonPersonal()
@ObjectType({ description: 'How one agency’s checks ended in the period: "no information held" is an answer, only "declined" is a refusal' })
export class CheckOutcomeMetric {
  @Field() agency!: string;
  @Field(() => Int, { description: 'Answered with information' }) informationShared!: number;
  @Field(() => Int, { description: 'Answered: the agency searched and holds no information' }) noInformationHeld!: number;
  @Field(() => Int, { description: 'Declined to share, with a reason' }) declined!: number;
  @Field(() => Int, { description: 'Closed by the MASH without an answer (no longer needed, timed out, escalated, decided without)' })
  closedWithoutAnswer!: number;
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
@ObjectType({ description: 'Missing episodes and return home interviews in the period, partnership-wide (counts only)' })
export class MissingEpisodesMetric {
  @Field(() => Int, { description: 'Episodes started in the period' }) started!: number;
  @Field(() => Int, { description: 'Distinct children with an episode started in the period' }) children!: number;
  @Field(() => Int, { description: 'Episodes started of children not known to social care when recorded' }) notKnownToSocialCare!: number;
  @Field(() => [MissingFromCount], { description: 'Episodes started, by where the child went missing from' }) byMissingFrom!: MissingFromCount[];
  @Field(() => Int, { description: 'Episodes whose return fell in the period' }) returned!: number;
  @Field(() => Int, { description: 'of which a return home interview was offered within 72 hours' }) offeredWithin72Hours!: number;
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
  @Field(() => Int, { description: 'Step-ups and referrals in the period about a child stepped down in the 365 days before' }) reEscalations!: number;
}

@NonPersonal()
@ObjectType({ description: 'LADO allegations in the period, partnership-wide (counts only)' })
export class LadoMetric {
  @Field(() => Int, { description: 'Allegations received in the period' }) received!: number;
  @Field(() => [MissingFromCount], { description: 'Allegations received, by the employer’s sector' }) bySector!: MissingFromCount[];
  @Field(() => Int, { description: 'Allegations resolved (outcome recorded) in the period' }) resolved!: number;
  @Field(() => Int, { description: 'of which within one month of receipt' }) withinOneMonth!: number;
  @Field(() => Int, { description: 'of which within three months (including within one)' }) withinThreeMonths!: number;
  @Field(() => Int, { description: 'of which within twelve months (including the above)' }) withinTwelveMonths!: number;
  @Field(() => Int, { description: 'DBS referrals made in the period' }) dbsReferrals!: number;
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
  @Field(() => [DurationMetric], { description: 'Decisions within timescale and time in MASH by RAG' }) decisionsByRag!: DurationMetric[];
  @Field(() => [DurationMetric]) checkTurnaroundByAgency!: DurationMetric[];
  @Field(() => [CheckOutcomeMetric]) checkOutcomesByAgency!: CheckOutcomeMetric[];
  @Field(() => ReReferralMetric) reReferrals!: ReReferralMetric;
  @Field(() => EqualityMetric) equality!: EqualityMetric;
  @Field(() => [WorkerMetric]) workers!: WorkerMetric[];
  @Field(() => StrategyDiscussionMetric) strategyDiscussions!: StrategyDiscussionMetric;
  @Field(() => IcpcTimelinessMetric) icpcTimeliness!: IcpcTimelinessMetric;
  @Field(() => [AgencyCount], { description: 'Break-glass openings in the period by the opener’s agency' }) breakGlassByAgency!: AgencyCount[];
  @Field(() => MissingEpisodesMetric) missingEpisodes!: MissingEpisodesMetric;
  @Field(() => EarlyHelpMetric) earlyHelp!: EarlyHelpMetric;
  @Field(() => LadoMetric) lado!: LadoMetric;
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
  @Field(() => [AgencyCount], { description: 'Outstanding checks past their due time, now' }) overdueChecksByAgency!: AgencyCount[];
}
