import { DataSource, type EntityManager } from 'typeorm';
import type { RequestAccess } from '../access-policy/request-access';
import { BreakGlassRepository } from '../break-glass/break-glass.repository';
import { ChildFlagsRepository, ChildProtectionRepository } from '../child-protection/child-protection.repository';
import { MeetingsRepository } from '../meetings/meetings.repository';
import { MissingEpisodesRepository } from '../missing/missing.repository';
import { DataQualityRepository } from '../people/data-quality.repository';
import { EarlyHelpRepository } from '../early-help/early-help.repository';
import { ExploitationRepository } from '../exploitation/exploitation.repository';
import { LadoRepository } from '../lado/lado.repository';
import { PrivateFosteringRepository } from '../private-fostering/private-fostering.repository';
import { AgencyRecordsRepository } from '../records/records.repository';
import { PeopleRepository } from '../people/people.repository';
import { ReferralsRepository } from '../referrals/referrals.repository';

/**
 * The request's viewer-bound repositories (`ctx.data.people`, `ctx.data.referrals`, …), the one door
 * through which a request reads and changes data (ADR 011). Each is built on first use and lives
 * only as long as the request (its loaders and caches are never shared). `in(tx)` gives the same
 * repositories bound to a transaction, for reads and writes that must see and join its changes.
 */
export class DataSet {
  private readonly built = new Map<string, unknown>();
  private readonly scoped = new WeakMap<EntityManager, DataSet>();

  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  private once<T>(name: string, make: () => T): T {
    let repo = this.built.get(name) as T | undefined;
    if (repo === undefined) {
      repo = make();
      this.built.set(name, repo);
    }
    return repo;
  }

  get people(): PeopleRepository {
    return this.once('people', () => new PeopleRepository(this.db, this.access));
  }

  get referrals(): ReferralsRepository {
    return this.once('referrals', () => new ReferralsRepository(this.db, this.access));
  }

  get meetings(): MeetingsRepository {
    return this.once('meetings', () => new MeetingsRepository(this.db, this.access));
  }

  get records(): AgencyRecordsRepository {
    return this.once('records', () => new AgencyRecordsRepository(this.db, this.access, this.people));
  }

  get breakGlass(): BreakGlassRepository {
    return this.once('breakGlass', () => new BreakGlassRepository(this.db, this.access));
  }

  get dataQuality(): DataQualityRepository {
    return this.once('dataQuality', () => new DataQualityRepository(this.db, this.access));
  }

  get childProtection(): ChildProtectionRepository {
    return this.once('childProtection', () => new ChildProtectionRepository(this.db, this.access));
  }

  get childFlags(): ChildFlagsRepository {
    return this.once('childFlags', () => new ChildFlagsRepository(this.db, this.access));
  }

  get missing(): MissingEpisodesRepository {
    return this.once('missing', () => new MissingEpisodesRepository(this.db, this.access));
  }

  get earlyHelp(): EarlyHelpRepository {
    return this.once('earlyHelp', () => new EarlyHelpRepository(this.db, this.access));
  }

  get lado(): LadoRepository {
    return this.once('lado', () => new LadoRepository(this.db, this.access));
  }

  get privateFostering(): PrivateFosteringRepository {
    return this.once('privateFostering', () => new PrivateFosteringRepository(this.db, this.access));
  }

  get exploitation(): ExploitationRepository {
    return this.once('exploitation', () => new ExploitationRepository(this.db, this.access));
  }

  /**
   * Runs `work` in one transaction with this viewer's repositories bound to it; the manager is for
   * the audit store and events (`appendAuditBatch`, `notifyEvent`), never for SQL of its own. Inside a
   * transaction already, `work` joins it.
   */
  transaction<T>(work: (tx: DataSet, m: EntityManager) => Promise<T>): Promise<T> {
    const db = this.db;
    if (!(db instanceof DataSource)) return work(this, db);
    return db.transaction((m) => work(this.in(m), m));
  }

  /** The same viewer's repositories inside a transaction (one set per transaction, built lazily too). */
  in(tx: EntityManager): DataSet {
    let set = this.scoped.get(tx);
    if (!set) {
      set = new DataSet(tx, this.access);
      this.scoped.set(tx, set);
    }
    return set;
  }
}
