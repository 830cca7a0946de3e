import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Filters, NonPersonal, Sensitive } from '../access-policy/decorators';
import { graphqlEnum } from '../shared/enums';
import {
  ALLEGATION_CATEGORIES,
  ALLEGATION_OUTCOMES,
  ALLEGATION_STATUSES,
  LADO_SECTORS,
  RESOLUTION_BANDS,
} from './vocabulary';
import { PageInfo } from '../shared/page-info.type';

export const LadoSectorEnum = graphqlEnum(LADO_SECTORS, 'LadoSector', 'The sector of the employer');
export const AllegationCategoryEnum = graphqlEnum(ALLEGATION_CATEGORIES, 'AllegationCategory');
export const AllegationOutcomeEnum = graphqlEnum(
  ALLEGATION_OUTCOMES,
  'AllegationOutcome',
  'The outcomes Keeping Children Safe in Education defines',
);
export const AllegationStatusEnum = graphqlEnum(ALLEGATION_STATUSES, 'AllegationStatus');
export const ResolutionBandEnum = graphqlEnum(
  RESOLUTION_BANDS,
  'ResolutionBand',
  'Time from receipt to outcome, in calendar months',
);

/**
 * An allegation against someone who works with children (ADR 018). The adult's details are SEALED:
 * only the LADO and the employer's designated officer read them; social care MASH staff see that an
 * allegation exists and its progress; nobody else reaches it.
 */
@ObjectType({ description: 'An allegation against someone who works with children, managed by the LADO' })
export class LadoAllegation {
  @Sensitive('CASE_METADATA') @Field(() => ID, { nullable: true }) id!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => ID, { nullable: true, description: 'The child concerned, if known to the hub' })
  childPersonId!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) ladoAgency!: string;
  @Sensitive('CASE_METADATA') @Field(() => String, { nullable: true }) recordedByName!: string;
  @Sensitive('CASE_METADATA')
  @Field(() => String, { nullable: true, description: 'Agency code whose designated officer sees it' })
  employerAgency!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => String, { nullable: true }) employerName!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => LadoSectorEnum, { nullable: true }) sector!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => AllegationCategoryEnum, { nullable: true }) category!: string;
  @Sensitive('SEALED')
  @Field(() => String, { nullable: true, description: 'Sealed: the LADO and the employer’s designated officer only' })
  adultName!: string;
  @Sensitive('SEALED')
  @Field(() => String, { nullable: true, description: 'Sealed: the job or role held' })
  adultRole!: string;
  @Sensitive('SEALED') @Field(() => String, { nullable: true, description: 'Sealed; YYYY-MM-DD' }) adultDateOfBirth!:
    | string
    | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) receivedAt!: Date;
  @Sensitive('CASE_METADATA')
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The allegations-against-staff meeting' })
  meetingAt!: Date | null;
  @Sensitive('CASE_METADATA') @Field(() => Boolean, { nullable: true }) employerInvited!: boolean | null;
  @Sensitive('CASE_METADATA') @Field(() => AllegationStatusEnum, { nullable: true }) status!: string;
  @Sensitive('SHARED_SUMMARY') @Field(() => AllegationOutcomeEnum, { nullable: true }) outcome!: string | null;
  @Sensitive('CASE_METADATA') @Field(() => GraphQLISODateTime, { nullable: true }) outcomeAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => ResolutionBandEnum, { nullable: true, description: 'Derived from receipt and outcome' })
  resolutionBand!: string | null;
  @Sensitive('SHARED_SUMMARY')
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Referred to the Disclosure and Barring Service' })
  dbsReferredAt!: Date | null;
  @Sensitive('CASE_METADATA')
  @Field(() => Int, { nullable: true, description: 'Send it back with every change' })
  version!: number;
}

@NonPersonal()
@ObjectType()
export class LadoAllegationEdge {
  @Field(() => String) cursor!: string;
  @Field(() => LadoAllegation) node!: LadoAllegation;
}

@NonPersonal()
@ObjectType({ description: 'Allegations in your scope, oldest received first' })
export class LadoAllegationConnection {
  @Field(() => [LadoAllegationEdge]) edges!: LadoAllegationEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@InputType()
export class LadoAllegationInput {
  @Field(() => ID, { nullable: true }) childPersonId?: string | null;
  @Field(() => String, { description: 'Agency code whose designated officer sees it' }) employerAgency!: string;
  @Field(() => String) employerName!: string;
  @Field(() => LadoSectorEnum) sector!: string;
  @Field(() => AllegationCategoryEnum) category!: string;
  @Field(() => String) adultName!: string;
  @Field(() => String) adultRole!: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) adultDateOfBirth?: string | null;
  @Field(() => GraphQLISODateTime) receivedAt!: Date;
}

@InputType()
export class AllegationMeetingInput {
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field(() => Boolean) employerInvited!: boolean;
  @Field(() => String, { nullable: true, description: 'Required when the employer is not invited' }) notInvitedReason?:
    | string
    | null;
}

@InputType()
export class AllegationOutcomeInput {
  @Field(() => AllegationOutcomeEnum) outcome!: string;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) dbsReferredAt?: Date | null;
}

@InputType()
export class LadoAllegationFilterInput {
  @Filters('CASE_METADATA', 'LadoAllegation.status') @Field(() => [AllegationStatusEnum], { nullable: true }) status?:
    | string[]
    | null;
  @Filters('CASE_METADATA', 'LadoAllegation.employerAgency') @Field(() => String, { nullable: true }) employerAgency?:
    | string
    | null;
}
