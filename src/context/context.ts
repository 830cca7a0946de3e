import type { DataSource } from 'typeorm';
import type { AgencyDirectory } from '../auth/agencies';
import type { AccessPolicy } from '../access-policy/policy';
import type { RequestAccess } from '../access-policy/request-access';
import type { Viewer } from '../access-policy/viewer';
import type { AuditNetwork } from '../audit/audit-event';
import type { AuditWriter } from '../audit/audit-writer';
import type { Authenticator } from '../auth/authenticator';
import type { Config } from '../config';
import type { HubEventListener } from '../events/listener';
import type { Logger } from '../shared/logger';
import type { ChronologySource } from './chronology';
import type { DataSet } from './data-set';

/** Process-wide dependencies, built once at start-up. */
export interface Hub {
  config: Config;
  logger: Logger;
  dataSource: DataSource;
  agencies: AgencyDirectory;
  policy: AccessPolicy;
  auditWriter: AuditWriter;
  authenticator: Authenticator;
  /** This process's LISTEN connection: events from every hub process on the database. */
  events: HubEventListener;
  /** Every domain's part of a child's chronology, registered at composition (src/app/chronology-sources.ts). */
  chronologySources: readonly ChronologySource[];
  /**
   * Each configured partnership's view of this hub (ADR 028): the same dependencies with the
   * partnership's own config files, agencies and policy. A partnership not here uses the hub itself.
   */
  partnershipHubs?: ReadonlyMap<string, Hub>;
}

/** Built once per request; never shared across requests (loaders and caches live here). */
export interface RequestContext {
  /** The hub as the request's partnership sees it (its agencies, policy and settings; ADR 028). */
  hub: Hub;
  /** Made by the hub for this request (the audit's request id, the `x-request-id` response header). */
  requestId: string;
  /**
   * The client's own `x-request-id`, when well-formed (ADR 007): kept beside the hub's id in the log
   * and the audit event so a partner can trace its call, never used as the request id.
   */
  correlationId?: string;
  /** The connection's client and server addresses, for the audit (ADR 014); absent for commands. */
  network?: AuditNetwork;
  viewer: Viewer;
  /**
   * The one partnership this request acts in (ADR 016): set transaction-locally first in each of
   * its transactions (src/db/partnership-scope.ts); the row-level security shows nothing else.
   */
  partnership: string;
  logger: Logger;
  access: RequestAccess;
  /** The request's viewer-bound repositories, built on first use (ADR 011). */
  data: DataSet;
  operation: { type: string; name: string | null; documentHash: string | null };
  /** A root field returns a list or connection (a search): audited as QUERY (src/app/plugins.ts). */
  selectsList?: boolean;
}
