import { SharedRecords1763900000000 } from './1763900000000-shared-records';
import { AuditCapture1763900001000 } from './1763900001000-audit-capture';
import { ReferralTriage1763900100000 } from './1763900100000-referral-triage';
import { AuditAppRole1763900200000 } from './1763900200000-audit-app-role';
import { AuditTimeIndex1763900201000 } from './1763900201000-audit-time-index';
import { AuditArchive1763900202000 } from './1763900202000-audit-archive';
import { BreakGlass1763900300000 } from './1763900300000-break-glass';
import { Meetings1763900400000 } from './1763900400000-meetings';
import { MetricsIndexes1763900500000 } from './1763900500000-metrics-indexes';
import { MetricsBreakGlassIndex1763900600000 } from './1763900600000-metrics-break-glass-index';
import { AuditAppendFunction1763900900000 } from './1763900900000-audit-append-function';
import { ServingRoleGrants1763901200000 } from './1763901200000-serving-role-grants';
import { CrossAgencyDetailAlerts1763901201000 } from './1763901201000-cross-agency-detail-alerts';
import { RateLimitAndReadVolume1763901400000 } from './1763901400000-rate-limit-and-read-volume';
import { AuditAppendFromPayload1763902000000 } from './1763902000000-audit-append-from-payload';
import { DropDisclosureActorIndex1763902100000 } from './1763902100000-drop-disclosure-actor-index';
import { PeriodicJobLease1763902300000 } from './1763902300000-periodic-job-lease';
import { IdentityAssertions1764000100000 } from './1764000100000-identity-assertions';
import { WorkflowNeverBlocks1764000600000 } from './1764000600000-workflow-never-blocks';
import { AuditRefuseTruncate1764000400000 } from './1764000400000-audit-refuse-truncate';
import { ServingRoleAlert1764000401000 } from './1764000401000-serving-role-alert';
import { ProductionDatabaseMark1764000402000 } from './1764000402000-production-database-mark';
import { BreachAlerts1764000900000 } from './1764000900000-breach-alerts';
import { PartnershipsAndRls1764100000000 } from './1764100000000-partnerships-and-rls';
import { ChildProtection1764200000000 } from './1764200000000-child-protection';
import { ChildProtectionFlagAlert1764200001000 } from './1764200001000-child-protection-flag-alert';
import { MissingEpisodes1764300000000 } from './1764300000000-missing-episodes';
import { EarlyHelp1764300100000 } from './1764300100000-early-help';
import { LadoAllegations1764300200000 } from './1764300200000-lado-allegations';
import { ReferralSource1764400000000 } from './1764400000000-referral-source';
import { MeetingInviteeReports1764400100000 } from './1764400100000-meeting-invitee-reports';
import { QueueCursorSnapshot1764600000000 } from './1764600000000-queue-cursor-snapshot';
import { AlertAcknowledgedByName1764600100000 } from './1764600100000-alert-acknowledged-by-name';
import { ReferralUpdatedIndex1764700000000 } from './1764700000000-referral-updated-index';
import { WallLaterTables1764900000000 } from './1764900000000-wall-later-tables';
import { ReferralOutOfHours1764950000000 } from './1764950000000-referral-out-of-hours';
import { PrivateFostering1765000000000 } from './1765000000000-private-fostering';
import { MeetingParticipants1765210000000 } from './1765210000000-meeting-participants';
import { AuditCheckpoint1765100000000 } from './1765100000000-audit-checkpoint';
import { LawfulBasisSplit1765220000000 } from './1765220000000-lawful-basis-split';
import { S47HistoryProvenance1765220100000 } from './1765220100000-s47-history-provenance';
import { PersonEqualityHistory1765220200000 } from './1765220200000-person-equality-history';
import { Exploitation1765230000000 } from './1765230000000-exploitation';
import { CpFlagHolders1765240000000 } from './1765240000000-cp-flag-holders';
import { MeetingUpdatedIndex1765240100000 } from './1765240100000-meeting-updated-index';
import { CrossAgencyAlertJoinUnderTheWall1765320000000 } from './1765320000000-cross-agency-alert-join-under-the-wall';

/** Every migration, in order. Migrations are reviewed and never edited after they land. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  SharedRecords1763900000000,
  AuditCapture1763900001000,
  ReferralTriage1763900100000,
  AuditAppRole1763900200000,
  AuditTimeIndex1763900201000,
  AuditArchive1763900202000,
  BreakGlass1763900300000,
  Meetings1763900400000,
  MetricsIndexes1763900500000,
  MetricsBreakGlassIndex1763900600000,
  AuditAppendFunction1763900900000,
  ServingRoleGrants1763901200000,
  CrossAgencyDetailAlerts1763901201000,
  RateLimitAndReadVolume1763901400000,
  AuditAppendFromPayload1763902000000,
  DropDisclosureActorIndex1763902100000,
  PeriodicJobLease1763902300000,
  IdentityAssertions1764000100000,
  WorkflowNeverBlocks1764000600000,
  AuditRefuseTruncate1764000400000,
  ServingRoleAlert1764000401000,
  ProductionDatabaseMark1764000402000,
  BreachAlerts1764000900000,
  PartnershipsAndRls1764100000000,
  ChildProtection1764200000000,
  ChildProtectionFlagAlert1764200001000,
  MissingEpisodes1764300000000,
  EarlyHelp1764300100000,
  LadoAllegations1764300200000,
  ReferralSource1764400000000,
  MeetingInviteeReports1764400100000,
  QueueCursorSnapshot1764600000000,
  AlertAcknowledgedByName1764600100000,
  ReferralUpdatedIndex1764700000000,
  WallLaterTables1764900000000,
  ReferralOutOfHours1764950000000,
  PrivateFostering1765000000000,
  AuditCheckpoint1765100000000,
  MeetingParticipants1765210000000,
  LawfulBasisSplit1765220000000,
  S47HistoryProvenance1765220100000,
  PersonEqualityHistory1765220200000,
  Exploitation1765230000000,
  CpFlagHolders1765240000000,
  MeetingUpdatedIndex1765240100000,
  CrossAgencyAlertJoinUnderTheWall1765320000000,
];
