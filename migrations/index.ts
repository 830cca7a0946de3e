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
];
