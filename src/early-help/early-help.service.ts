import { z } from 'zod';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import { changeVersioned, type VersionedKind } from '../context/versioned-change';
import { badInput, invalidTransition, notFound } from '../shared/errors';
import { checkConnectionFirst, encodeCursor, timeKeysetCursor } from '../shared/pagination';
import { pageInfoOf } from '../shared/page-info.type';
import { assertUuid, parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { applyEarlyHelpTransition, type EarlyHelpTransition } from './early-help-state-machine';
import type { EarlyHelpFilter } from './early-help.repository';
import { EARLY_HELP_OUTCOMES, EARLY_HELP_STATUSES, type EarlyHelpStatus } from './vocabulary';

/**
 * Early help and step transitions (issue 25, ADR 018). The MASH's EARLY_HELP decision opens an episode
 * for each child of the referral (`EarlyHelpRepository.openFromDecision`, called by the referral's
 * authorisation in its own transaction); a MASH manager steps a child down into early help or an episode up to social care,
 * saying who it was agreed with and why. Every later change goes through `changeVersioned`.
 */

const requiredText = (max: number) => safeText(max).refine((s) => s.trim().length > 0, 'is required');
const uuid = z.string().regex(UUID_PATTERN, 'is not a valid id');
const notInFuture = z.date().refine((d) => d.getTime() <= Date.now() + 60_000, 'must not be in the future');

const stepDownSchema = z.object({
  personId: uuid,
  at: notInFuture,
  agreedWith: requiredText(200),
  reason: requiredText(4000),
  leadProfessionalName: safeText(200).nullish(),
  leadProfessionalAgency: z.string().max(40).nullish(),
});

/** A MASH manager steps a child down from social care into early help: a new episode and the transition. */
export async function stepDownToEarlyHelp(ctx: RequestContext, raw: unknown): Promise<string> {
  const input = parseInput(stepDownSchema, raw);
  const personId = input.personId.toLowerCase();
  if (input.leadProfessionalAgency && !ctx.hub.agencies.has(input.leadProfessionalAgency)) {
    throw badInput('input.leadProfessionalAgency', 'is not an agency of this partnership');
  }
  if (!(await ctx.data.people.findPerson(personId))) {
    ctx.access.attempted(personId, 'NOT_FOUND');
    throw notFound('Person');
  }
  return ctx.data.transaction(async (tx, m) => {
    if (await tx.earlyHelp.hasOpenEpisode(personId))
      throw invalidTransition('The child already has an open early-help episode', { field: 'input.personId' });
    const episodeId = await tx.earlyHelp.openFromStepDown({
      personId,
      openedAt: input.at,
      leadProfessionalName: input.leadProfessionalName?.trim() || null,
      leadProfessionalAgency: input.leadProfessionalAgency ?? null,
    });
    const transitionId = await tx.earlyHelp.insertTransition({
      personId,
      direction: 'STEP_DOWN',
      episodeId,
      occurredAt: input.at,
      agreedWith: input.agreedWith.trim(),
      reason: input.reason.trim(),
    });
    await appendAuditBatch(m, [
      changeEvent(
        ctx,
        'CREATE',
        [personId],
        [
          {
            entity: 'early_help_episode',
            id: episodeId,
            before: null,
            after: { personId, source: 'STEP_DOWN', status: 'OPEN', openedAt: input.at },
          },
          {
            entity: 'step_transition',
            id: transitionId,
            before: null,
            after: { direction: 'STEP_DOWN', occurredAt: input.at, agreedBy: ctx.viewer.sub },
          },
        ],
      ),
    ]);
    return episodeId;
  });
}

type EpisodeRow = Record<string, unknown> & {
  id: string;
  status: EarlyHelpStatus;
  version: number;
  opened_at: Date;
  person_id: string;
};

const EARLY_HELP: VersionedKind<EpisodeRow, EarlyHelpStatus, EarlyHelpTransition> = {
  table: 'early_help_episode',
  noun: 'Early-help episode',
  topic: 'earlyHelpEpisode',
  idKey: 'earlyHelpEpisodeId',
  findVisible: async (data, id) => {
    const e = await data.earlyHelp.findEpisode(id);
    return e ? { subjectPersonIds: [e.personId] } : null;
  },
  apply: applyEarlyHelpTransition,
};

const updateSchema = z.object({
  leadProfessionalName: safeText(200).nullish(),
  leadProfessionalAgency: z.string().max(40).nullish(),
  assessmentCompletedAt: notInFuture.nullish(),
  teamAroundFamilyFrom: notInFuture.nullish(),
});

/** The lead professional, the assessment and the team around the family (what is given is set). */
export function updateEarlyHelpEpisode(ctx: RequestContext, id: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(updateSchema, raw);
  if (input.leadProfessionalAgency && !ctx.hub.agencies.has(input.leadProfessionalAgency)) {
    throw badInput('input.leadProfessionalAgency', 'is not an agency of this partnership');
  }
  const set: Record<string, unknown> = {};
  if (input.leadProfessionalName != null) set.lead_professional_name = input.leadProfessionalName.trim() || null;
  if (input.leadProfessionalAgency != null) set.lead_professional_agency = input.leadProfessionalAgency;
  if (input.assessmentCompletedAt != null) set.assessment_completed_at = input.assessmentCompletedAt;
  if (input.teamAroundFamilyFrom != null) set.team_around_family_from = input.teamAroundFamilyFrom;
  if (Object.keys(set).length === 0) throw badInput('input', 'give at least one field to record');
  return changeVersioned(ctx, EARLY_HELP, id, expectedVersion, 'UPDATE', async (_tx, row) => {
    for (const [field, col] of [
      ['assessmentCompletedAt', 'assessment_completed_at'],
      ['teamAroundFamilyFrom', 'team_around_family_from'],
    ] as const) {
      const at = set[col] as Date | undefined;
      if (at && at.getTime() < row.opened_at.getTime())
        throw badInput(`input.${field}`, 'must not be before the episode opened');
    }
    return { set };
  });
}

/** Closes an open episode with its outcome: needs met, or not. */
export function closeEarlyHelpEpisode(
  ctx: RequestContext,
  id: string,
  rawOutcome: unknown,
  rawClosedAt: unknown,
  expectedVersion: number,
) {
  const outcome = parseInput(z.enum(EARLY_HELP_OUTCOMES), rawOutcome, 'outcome');
  const closedAt = parseInput(notInFuture, rawClosedAt, 'closedAt');
  return changeVersioned(ctx, EARLY_HELP, id, expectedVersion, 'CLOSE', async (_tx, row) => {
    if (closedAt.getTime() < row.opened_at.getTime())
      throw badInput('closedAt', 'must not be before the episode opened');
    return { set: { outcome, closed_at: closedAt } };
  });
}

const stepUpSchema = z.object({ at: notInFuture, agreedWith: requiredText(200), reason: requiredText(4000) });

/** A MASH manager steps an open episode up to social care: the episode ends and the transition is recorded. */
export function stepUpEarlyHelpEpisode(ctx: RequestContext, id: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(stepUpSchema, raw);
  return changeVersioned(ctx, EARLY_HELP, id, expectedVersion, 'STEP_UP', async (tx, row) => {
    if (input.at.getTime() < row.opened_at.getTime())
      throw badInput('input.at', 'must not be before the episode opened');
    const transitionId = await tx.earlyHelp.insertTransition({
      personId: row.person_id,
      direction: 'STEP_UP',
      episodeId: row.id,
      occurredAt: input.at,
      agreedWith: input.agreedWith.trim(),
      reason: input.reason.trim(),
    });
    return {
      set: { closed_at: input.at },
      changes: [
        {
          entity: 'step_transition',
          id: transitionId,
          before: null,
          after: { direction: 'STEP_UP', occurredAt: input.at, agreedBy: ctx.viewer.sub },
        },
      ],
    };
  });
}

export async function findEarlyHelpEpisode(ctx: RequestContext, id: string) {
  assertUuid('id', id);
  const e = await ctx.data.earlyHelp.findEpisode(id.toLowerCase());
  if (!e) throw notFound('Early-help episode');
  return e;
}

/** After a change, the episode as the viewer may now see it. */
export async function rereadEarlyHelpEpisode(ctx: RequestContext, id: string) {
  const e = await ctx.data.earlyHelp.reload(id);
  if (!e) throw notFound('Early-help episode');
  return e;
}

const filterSchema = z.object({
  personId: uuid.nullish(),
  status: z.array(z.enum(EARLY_HELP_STATUSES)).max(EARLY_HELP_STATUSES.length).nullish(),
});

export async function listEarlyHelpEpisodes(
  ctx: RequestContext,
  raw: unknown,
  first: number | null,
  after: string | null,
) {
  const filter = parseInput(filterSchema, raw ?? {}, 'filter') as EarlyHelpFilter;
  const limit = checkConnectionFirst(first, ctx.hub.config.maxPageSize, 20);
  const cursor = timeKeysetCursor(after);
  const { rows, hasNext } = await ctx.data.earlyHelp.list(filter, limit, cursor);
  const edges = rows.map((node) => ({ cursor: encodeCursor([node.openedAt.toISOString(), node.id]), node }));
  return { edges, pageInfo: pageInfoOf(edges, hasNext) };
}
