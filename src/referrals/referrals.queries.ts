import { z } from 'zod';
import { assertMayCount, UNORDERED_KEY } from '../access-policy/filter-policy';
import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { notFound } from '../shared/errors';
import { checkPageSize, decodeCursor, encodeCursor } from '../shared/pagination';
import type { NodeSelection } from '../shared/selection';
import { assertUuid, parseInput, safeText } from '../shared/validation';
import { ragRank, referralWidth, type QueueCounts, type QueueFilter, type QueueOrder, type ReferralView } from './referrals.repository';
import { CONCERN_CATEGORIES, RAGS, REFERRAL_SOURCES, REFERRAL_STATUSES, type ReferralSource } from './vocabulary';

const filterSchema = z
  .object({
    status: z.array(z.enum(REFERRAL_STATUSES)).max(REFERRAL_STATUSES.length).nullish(),
    rag: z.array(z.enum(RAGS)).max(RAGS.length).nullish(),
    breached: z.boolean().nullish(),
    dueBefore: z.date().nullish(),
    assignedTo: z.string().max(200).nullish(),
    awaitingAgency: z.string().max(40).nullish(),
    receivedFrom: z.date().nullish(),
    receivedTo: z.date().nullish(),
    personId: z.string().uuid().nullish(),
    concernCategories: z.array(z.enum(CONCERN_CATEGORIES)).max(CONCERN_CATEGORIES.length).nullish(),
    unassigned: z.boolean().nullish(),
    source: z.array(z.enum(REFERRAL_SOURCES as [ReferralSource, ...ReferralSource[]])).max(REFERRAL_SOURCES.length).nullish(),
    referrerOrganisation: safeText(200).transform((s) => s.trim()).nullish(),
  })
  .refine((f) => !f.receivedFrom || !f.receivedTo || f.receivedFrom < f.receivedTo, { message: 'receivedFrom must be before receivedTo', path: ['receivedFrom'] });

export async function findReferral(ctx: RequestContext, id: string): Promise<Guarded<ReferralView>> {
  assertUuid('id', id);
  const referral = await ctx.data.referrals.findReferral(id);
  if (!referral) throw notFound('Referral');
  return referral;
}

/**
 * The triage queue page: keyset on (decision due time, id), or with `orderBy: RAG` on (RAG rank,
 * decision due time, id); `first` above the maximum is rejected. `counts` (the connection's field)
 * counts the whole filtered queue under the same row scope, computed only when asked for.
 */
export async function triageQueue(
  ctx: RequestContext,
  raw: unknown,
  first: number | null,
  after: string | null,
  order: QueueOrder = 'DUE',
  /** The fields the query selects on the page's referrals (`connectionNodeFields`); null reads every column. */
  selected: NodeSelection | null = null,
) {
  const filter = parseInput(filterSchema, raw ?? {}, 'filter') as QueueFilter;
  const limit = checkPageSize(first, ctx.hub.config.maxPageSize, 20);
  const cursor = decodeCursor(after, order === 'RAG' ? 3 : 2);
  if (cursor) {
    const [rank, due, id] = order === 'RAG' ? cursor : [0, ...cursor];
    if (!Number.isInteger(rank) || typeof due !== 'string' || Number.isNaN(Date.parse(due)) || typeof id !== 'string') throw notFound('Cursor');
    assertUuid('after', id);
  }
  // Subjects asked for without a condition come in the page's statement (one statement per page).
  const withSubjects = !!selected?.fields.has('subjects') && !selected.conditional.has('subjects');
  const { rows, hasNext, ordered, subjects } = await ctx.data.referrals.queue(filter, limit, cursor, order, referralWidth(selected?.fields ?? null), withSubjects);
  if (subjects) await ctx.data.people.adoptPeople(rows.flatMap((r) => r.subjectPersonIds), subjects);
  const keyOf = (node: ReferralView): unknown[] => {
    const due = ordered ? node.decisionDueAt.toISOString() : UNORDERED_KEY;
    return order === 'RAG' ? [ordered ? ragRank(node.rag) : 0, due, node.id] : [due, node.id];
  };
  const edges = rows.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: hasNext, endCursor: edges.at(-1)?.cursor ?? null },
    countsOf: () => queueCounts(ctx, filter),
  };
}

/** Counts are an oracle like a filter: every counted field is CASE_METADATA, so only for a viewer who may filter on it. */
function queueCounts(ctx: RequestContext, filter: QueueFilter): Promise<QueueCounts> {
  assertMayCount(ctx.access, 'CASE_METADATA', 'counts');
  return ctx.data.referrals.queueCounts(filter);
}

/** The referrer's own view: the acknowledgement (reference, received, expected decision time), status, outcome once authorised, and feedback. */
export async function referrerView(ctx: RequestContext, id: string, replayed = false) {
  const r = await findReferral(ctx, id);
  const view = {
    id: r.id,
    reference: r.reference,
    status: r.status,
    outcome: r.decisionAuthorisedAt ? r.decisionOutcome : null,
    feedbackMessage: r.feedbackMessage,
    receivedAt: r.receivedAt,
    expectedDecisionBy: r.acknowledgedDecisionBy,
    decidedAt: r.decisionAuthorisedAt,
    feedbackSentAt: r.feedbackSentAt,
    replayed,
  };
  return ctx.access.guard(view, { owner: null, relationships: r.relationships }, r.subjectPersonIds, r.id);
}
