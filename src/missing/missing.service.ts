import { z } from 'zod';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import { changeVersioned, type VersionedKind } from '../context/versioned-change';
import { badInput, notFound } from '../shared/errors';
import { checkConnectionFirst, encodeCursor, timeKeysetCursor } from '../shared/pagination';
import { pageInfoOf } from '../shared/page-info.type';
import { assertUuid, parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { applyMissingTransition, type MissingTransition } from './missing-state-machine';
import type { MissingEpisodeFilter } from './missing.repository';
import {
  MISSING_EPISODE_STATUSES,
  MISSING_FROM,
  RETURN_INTERVIEW_OUTCOMES,
  type MissingEpisodeStatus,
} from './vocabulary';

/**
 * Missing episodes and return home interviews (issue 25, ADR 018). Recording an episode: the child
 * must be one the viewer reaches (otherwise NOT_FOUND); every later change goes through
 * `changeVersioned` (scope, lock, version, state machine, audit). Bad input is refused naming the
 * field before anything is stored.
 */

const requiredText = (max: number) => safeText(max).refine((s) => s.trim().length > 0, 'is required');
const uuid = z.string().regex(UUID_PATTERN, 'is not a valid id');
const notInFuture = z.date().refine((d) => d.getTime() <= Date.now() + 60_000, 'must not be in the future');

const recordSchema = z
  .object({
    personId: uuid,
    missingFrom: z.enum(MISSING_FROM),
    startedAt: notInFuture,
    returnedAt: notInFuture.nullish(),
    circumstances: safeText(8000).nullish(),
    exploitationFlagId: uuid.nullish(),
  })
  .refine((v) => !v.returnedAt || v.returnedAt.getTime() >= v.startedAt.getTime(), {
    path: ['returnedAt'],
    message: 'must not be before the episode started',
  });

/** Records a missing episode about a child the viewer reaches; returns its id. */
export async function recordMissingEpisode(ctx: RequestContext, raw: unknown): Promise<string> {
  const input = parseInput(recordSchema, raw);
  const personId = input.personId.toLowerCase();
  if (!(await ctx.data.people.findPerson(personId))) {
    ctx.access.attempted(personId, 'NOT_FOUND');
    throw notFound('Person');
  }
  // A linked exploitation flag must be one the viewer reaches, about the same child (ADR 027).
  const exploitationFlagId = input.exploitationFlagId?.toLowerCase() ?? null;
  if (exploitationFlagId) {
    const flag = await ctx.data.exploitation.findFlag(exploitationFlagId);
    if (!flag) throw badInput('input.exploitationFlagId', 'exploitation flag not found');
    if (flag.personId !== personId) throw badInput('input.exploitationFlagId', 'must be a flag on the same child');
  }
  const socialCare = ctx.hub.agencies
    .list()
    .filter((a) => a.kind === 'SOCIAL_CARE')
    .map((a) => a.code);
  return ctx.data.transaction(async (tx, m) => {
    const knownToSocialCare = await tx.missing.knownToSocialCare(personId, socialCare);
    const episode = {
      personId,
      missingFrom: input.missingFrom,
      startedAt: input.startedAt,
      returnedAt: input.returnedAt ?? null,
      circumstances: input.circumstances?.trim() || null,
      knownToSocialCare,
      exploitationFlagId,
    };
    const id = await tx.missing.insert(episode);
    await appendAuditBatch(m, [
      changeEvent(
        ctx,
        'CREATE',
        [personId],
        [
          {
            entity: 'missing_episode',
            id,
            before: null,
            after: { ...episode, circumstances: episode.circumstances !== null, recordingAgency: ctx.viewer.agency },
          },
        ],
      ),
    ]);
    return id;
  });
}

type EpisodeRow = Record<string, unknown> & {
  id: string;
  status: MissingEpisodeStatus;
  version: number;
  started_at: Date;
  returned_at: Date | null;
  interview_offered_at: Date | null;
};

const MISSING_EPISODE: VersionedKind<EpisodeRow, MissingEpisodeStatus, MissingTransition> = {
  table: 'missing_episode',
  noun: 'Missing episode',
  topic: 'missingEpisode',
  idKey: 'missingEpisodeId',
  findVisible: async (data, id) => {
    const e = await data.missing.findEpisode(id);
    return e ? { subjectPersonIds: [e.personId] } : null;
  },
  apply: applyMissingTransition,
};

/** The child was found or came back. */
export function recordMissingReturn(ctx: RequestContext, id: string, rawReturnedAt: unknown, expectedVersion: number) {
  const returnedAt = parseInput(notInFuture, rawReturnedAt, 'returnedAt');
  return changeVersioned(ctx, MISSING_EPISODE, id, expectedVersion, 'RECORD_RETURN', async (_tx, row) => {
    if (returnedAt.getTime() < row.started_at.getTime())
      throw badInput('returnedAt', 'must not be before the episode started');
    return { set: { returned_at: returnedAt } };
  });
}

/** Social care offered the return home interview (the offer's time decides "within 72 hours"). */
export function offerReturnInterview(ctx: RequestContext, id: string, rawOfferedAt: unknown, expectedVersion: number) {
  const offeredAt = parseInput(notInFuture, rawOfferedAt, 'offeredAt');
  return changeVersioned(ctx, MISSING_EPISODE, id, expectedVersion, 'OFFER_RETURN_INTERVIEW', async (_tx, row) => {
    if (offeredAt.getTime() < row.returned_at!.getTime())
      throw badInput('offeredAt', 'must not be before the child returned');
    return {
      set: {
        interview_offered_at: offeredAt,
        interview_offered_by_sub: ctx.viewer.sub,
        interview_offered_by_name: ctx.viewer.name,
      },
    };
  });
}

const interviewSchema = z.object({
  outcome: z.enum(RETURN_INTERVIEW_OUTCOMES),
  at: notInFuture,
  conductedBy: requiredText(200),
});

/** The interview was held, or declined; by whom. */
export function recordReturnInterview(ctx: RequestContext, id: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(interviewSchema, raw);
  return changeVersioned(ctx, MISSING_EPISODE, id, expectedVersion, 'RECORD_RETURN_INTERVIEW', async (_tx, row) => {
    if (input.at.getTime() < row.interview_offered_at!.getTime())
      throw badInput('input.at', 'must not be before the interview was offered');
    return {
      set: {
        interview_outcome: input.outcome,
        interview_outcome_at: input.at,
        interview_conducted_by: input.conductedBy.trim(),
      },
    };
  });
}

export async function findMissingEpisode(ctx: RequestContext, id: string) {
  assertUuid('id', id);
  const e = await ctx.data.missing.findEpisode(id.toLowerCase());
  if (!e) throw notFound('Missing episode');
  return e;
}

const filterSchema = z.object({
  personId: uuid.nullish(),
  status: z.array(z.enum(MISSING_EPISODE_STATUSES)).max(MISSING_EPISODE_STATUSES.length).nullish(),
  interviewOverdue: z.boolean().nullish(),
});

/** A page of missing episodes in the viewer's scope: keyset on (start, id); `first` above the maximum is rejected. */
export async function listMissingEpisodes(
  ctx: RequestContext,
  raw: unknown,
  first: number | null,
  after: string | null,
) {
  const filter = parseInput(filterSchema, raw ?? {}, 'filter') as MissingEpisodeFilter;
  const limit = checkConnectionFirst(first, ctx.hub.config.maxPageSize, 20);
  const cursor = timeKeysetCursor(after);
  const { rows, hasNext } = await ctx.data.missing.list(filter, limit, cursor);
  const edges = rows.map((node) => ({ cursor: encodeCursor([node.startedAt.toISOString(), node.id]), node }));
  return { edges, pageInfo: pageInfoOf(edges, hasNext) };
}

/** After a change, the episode as the viewer may now see it. */
export async function rereadMissingEpisode(ctx: RequestContext, id: string) {
  const e = await ctx.data.missing.reload(id);
  if (!e) throw notFound('Missing episode');
  return e;
}
