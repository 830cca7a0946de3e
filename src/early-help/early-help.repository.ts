import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { earlyHelpRelationshipKindsSql, earlyHelpScopeSql, Params } from '../access-policy/relationships';
import { GUARD, type Guarded, type RequestAccess } from '../access-policy/request-access';
import type { RelationshipKind } from '../access-policy/vocabulary';
import { readShape, type ShapeOf } from '../db/read-shape';
import { scopedKeysetSql } from '../shared/pagination';
import { EarlyHelpEpisodeEntity, StepTransitionEntity } from './early-help.entity';
import type { EarlyHelpStatus, StepDirection } from './vocabulary';

/**
 * Viewer-scoped reads and writes of early-help episodes and step transitions (ADR 018). The scope is
 * in the SQL (`earlyHelpRelationshipKindsSql`); every row is guarded with the child as its subject and
 * the owning social care agency as owner, so each read is audited. Transitions are read only through
 * an episode already reached in this request, and guarded like it.
 */

type Row = Record<string, unknown>;

/** The episode's and the transition's own columns, described once by their entities (`readShape`, ADR 031). */
const EPISODE = readShape(EarlyHelpEpisodeEntity, 'h', [
  'id',
  'personId',
  'referralId',
  'source',
  'owningAgency',
  'openedAt',
  'openedByName',
  'leadProfessionalName',
  'leadProfessionalAgency',
  'assessmentCompletedAt',
  'teamAroundFamilyFrom',
  'status',
  'outcome',
  'closedAt',
  'version',
]);
const TRANSITION = readShape(StepTransitionEntity, 't', [
  'id',
  'earlyHelpEpisodeId',
  'direction',
  'occurredAt',
  'agreedByName',
  'agreedWith',
  'reason',
]);

export type EarlyHelpEpisodeView = ShapeOf<typeof EPISODE> & { relationships: ReadonlySet<RelationshipKind> };
export type StepTransitionView = Omit<ShapeOf<typeof TRANSITION>, 'earlyHelpEpisodeId'>;

export interface EarlyHelpFilter {
  personId?: string | null;
  status?: EarlyHelpStatus[] | null;
}

const SELECT = (kinds: string, from = 'early_help_episode h') => `
  SELECT ${EPISODE.select}, rel.kinds
    FROM ${from}
    CROSS JOIN LATERAL (SELECT ${kinds} AS kinds) rel`;

function toEpisode(r: Row): EarlyHelpEpisodeView {
  return { ...EPISODE.view(r), relationships: new Set(r.kinds as RelationshipKind[]) };
}

export class EarlyHelpRepository {
  private readonly byId = new Map<string, Guarded<EarlyHelpEpisodeView>>();

  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly access: RequestAccess,
  ) {}

  private guardEpisode(row: Row): Guarded<EarlyHelpEpisodeView> {
    const view = toEpisode(row);
    const guarded = this.access.guard(
      view,
      { owner: view.owningAgency, relationships: view.relationships },
      [view.personId],
      view.id,
    );
    this.byId.set(view.id, guarded);
    return guarded;
  }

  private readonly loader = new DataLoader<string, Guarded<EarlyHelpEpisodeView> | null>(async (ids) => {
    const p = new Params([ids]);
    const kinds = earlyHelpRelationshipKindsSql(this.access.viewer, 'h.id', p);
    const rows: Row[] = await this.db.query(
      `${SELECT(kinds)} WHERE h.id = ANY($1::uuid[]) AND cardinality(rel.kinds) > 0`,
      p.values,
    );
    const found = new Map(rows.map((r) => [r.id as string, this.guardEpisode(r)]));
    return ids.map((id) => found.get(id) ?? null);
  });

  /** The episode if the viewer's scope reaches it; otherwise null (not found). */
  findEpisode(id: string): Promise<Guarded<EarlyHelpEpisodeView> | null> {
    return this.loader.load(id);
  }

  /** The episode as it is now (after a change in this request), through the same scope. */
  reload(id: string): Promise<Guarded<EarlyHelpEpisodeView> | null> {
    this.loader.clear(id);
    return this.loader.load(id);
  }

  /** Episodes in scope, oldest opened first (then id), keyset-paginated. */
  async list(
    filter: EarlyHelpFilter,
    limit: number,
    after: [string, string] | null,
  ): Promise<{ rows: Guarded<EarlyHelpEpisodeView>[]; hasNext: boolean }> {
    const p = new Params();
    const kinds = earlyHelpRelationshipKindsSql(this.access.viewer, 'h.id', p);
    const scope = earlyHelpScopeSql(this.access.viewer, 'h.id', p);
    const where: string[] = [];
    if (filter.personId) where.push(`h.person_id = ${p.add(filter.personId)}::uuid`);
    if (filter.status?.length) where.push(`h.status = ANY(${p.add(filter.status)}::text[])`);
    if (after) where.push(`(h.opened_at, h.id) > (${p.add(after[0])}::timestamptz, ${p.add(after[1])}::uuid)`);
    const keys = ['h.opened_at', 'h.id'];
    const page = scopedKeysetSql({ from: 'early_help_episode h', keys, scope, where, limit: p.add(limit + 1) });
    const rows: Row[] = await this.db.query(
      `${SELECT(kinds, `(${page}) page JOIN early_help_episode h ON h.id = page.id`)} ORDER BY ${keys.join(', ')}`,
      p.values,
    );
    return { rows: rows.slice(0, limit).map((r) => this.guardEpisode(r)), hasNext: rows.length > limit };
  }

  /** Transitions of episodes already reached in this request, guarded like their episode. */
  private readonly transitionsLoader = new DataLoader<string, Guarded<StepTransitionView>[]>(async (episodeIds) => {
    const rows: Row[] = await this.db.query(
      `SELECT ${TRANSITION.select}
         FROM step_transition t WHERE t.early_help_episode_id = ANY($1::uuid[]) ORDER BY t.occurred_at, t.id`,
      [episodeIds],
    );
    const grouped = new Map<string, Guarded<StepTransitionView>[]>(episodeIds.map((id) => [id, []]));
    for (const r of rows) {
      const { earlyHelpEpisodeId, ...view } = TRANSITION.view(r);
      const episode = this.byId.get(earlyHelpEpisodeId);
      if (!episode) continue;
      const info = episode[GUARD];
      grouped.get(episode.id)!.push(this.access.guard(view, info.subject, info.personIds, episode.id));
    }
    return episodeIds.map((id) => grouped.get(id)!);
  });

  transitionsOf(episodeId: string): Promise<Guarded<StepTransitionView>[]> {
    return this.transitionsLoader.load(episodeId);
  }

  /**
   * Opens an episode for each child (or unborn child) among the referral's subjects: the MASH decided
   * EARLY_HELP. Adults get none. Returns the new episodes' ids and children.
   */
  async openFromDecision(
    referralId: string,
    personIds: readonly string[],
  ): Promise<Array<{ id: string; personId: string }>> {
    const v = this.access.viewer;
    return (await this.db.query(
      `INSERT INTO early_help_episode (person_id, referral_id, source, owning_agency, opened_at, opened_by_sub, opened_by_name, status)
       SELECT p.id, $1, 'MASH_DECISION', $3, now(), $4, $5, 'OPEN' FROM person p
        WHERE p.id = ANY($2::uuid[]) AND p.kind IN ('CHILD', 'UNBORN')
       RETURNING id, person_id AS "personId"`,
      [referralId, personIds, v.agency, v.sub, v.name],
    )) as Array<{ id: string; personId: string }>;
  }

  /** A step-down: a new episode opened by social care for the child. */
  async openFromStepDown(e: {
    personId: string;
    openedAt: Date;
    leadProfessionalName: string | null;
    leadProfessionalAgency: string | null;
  }): Promise<string> {
    const v = this.access.viewer;
    const [row] = (await this.db.query(
      `INSERT INTO early_help_episode (person_id, source, owning_agency, opened_at, opened_by_sub, opened_by_name, lead_professional_name, lead_professional_agency, status)
       VALUES ($1, 'STEP_DOWN', $2, $3, $4, $5, $6, $7, 'OPEN') RETURNING id`,
      [e.personId, v.agency, e.openedAt, v.sub, v.name, e.leadProfessionalName, e.leadProfessionalAgency],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  /** A step transition agreed by the viewer. */
  async insertTransition(t: {
    personId: string;
    direction: StepDirection;
    episodeId: string;
    occurredAt: Date;
    agreedWith: string;
    reason: string;
  }): Promise<string> {
    const v = this.access.viewer;
    const [row] = (await this.db.query(
      `INSERT INTO step_transition (person_id, direction, early_help_episode_id, occurred_at, agreed_by_sub, agreed_by_name, agreed_with, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [t.personId, t.direction, t.episodeId, t.occurredAt, v.sub, v.name, t.agreedWith, t.reason],
    )) as Array<{ id: string }>;
    return row!.id;
  }

  /** Whether the child already has an open early-help episode (a step-down opens at most one). */
  async hasOpenEpisode(personId: string): Promise<boolean> {
    const [row] = (await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM early_help_episode WHERE person_id = $1 AND status = 'OPEN') AS open`,
      [personId],
    )) as Array<{ open: boolean }>;
    return row!.open;
  }
}
