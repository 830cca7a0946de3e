import { AlertEntity } from '../break-glass/alert.entity';
import { PartnershipEntity } from './partnership.entity';
import { BreakGlassEntity } from '../break-glass/break-glass.entity';
import {
  DataQualityIssueEntity,
  IdentityAssertionEntity,
  PersonEntity,
  PersonRelationshipEntity,
  PersonSourceEntity,
} from '../people/person.entity';
import { PersonEqualityHistoryEntity } from '../people/person-equality-history.entity';
import { CHILD_PROTECTION_ENTITIES } from '../child-protection/child-protection.entity';
import { AgencyRecordEntity } from '../records/agency-record.entity';
import { MEETING_ENTITIES, MeetingParticipantEntity } from '../meetings/meeting.entity';
import { MissingEpisodeEntity } from '../missing/missing-episode.entity';
import { EARLY_HELP_ENTITIES } from '../early-help/early-help.entity';
import { EXPLOITATION_ENTITIES } from '../exploitation/exploitation.entity';
import { LadoAllegationEntity } from '../lado/lado-allegation.entity';
import {
  PrivateFosteringArrangementEntity,
  PrivateFosteringVisitEntity,
} from '../private-fostering/private-fostering.entity';
import { REFERRAL_ENTITIES } from '../referrals/referral.entity';

/** Every TypeORM entity. Audit tables are not entities: they are written only by src/audit. */
export const ENTITIES = [
  PartnershipEntity,
  PersonEntity,
  PersonSourceEntity,
  PersonRelationshipEntity,
  IdentityAssertionEntity,
  DataQualityIssueEntity,
  AgencyRecordEntity,
  ...REFERRAL_ENTITIES,
  BreakGlassEntity,
  AlertEntity,
  ...MEETING_ENTITIES,
  MeetingParticipantEntity,
  MissingEpisodeEntity,
  ...EARLY_HELP_ENTITIES,
  LadoAllegationEntity,
  PrivateFosteringArrangementEntity,
  PrivateFosteringVisitEntity,
  PersonEqualityHistoryEntity,
  ...EXPLOITATION_ENTITIES,
  ...CHILD_PROTECTION_ENTITIES,
];
