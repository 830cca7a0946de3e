import { z } from 'zod';
import { UNORDERED_KEY } from '../access-policy/filter-policy';
import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { notFound } from '../shared/errors';
import { checkPageSize, decodeCursor, encodeCursor } from '../shared/pagination';
import { assertUuid, parseInput } from '../shared/validation';
import { type QueueFilter, type ReferralView } from './referrals.repository';
import { RAGS, REFERRAL_STATUSES } from './vocabulary';

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
  })
  .refine((f) => !f.receivedFrom || !f.receivedTo || f.receivedFrom < f.receivedTo, { message: 'receivedFrom must be before receivedTo', path: ['receivedFrom'] });

export async function findReferral(ctx: RequestContext, id: string): Promise<Guarded<ReferralView>> {
  assertUuid('id', id);
  const referral = await ctx.data.referrals.findReferral(id);
  if (!referral) throw notFound('Referral');
  return referral;
}

/** The triage queue page: keyset on (decision due time, id); `first` above the maximum is rejected. */
export async function triageQueue(ctx: RequestContext, raw: unknown, first: number | null, after: string | null) {
  const filter = parseInput(filterSchema, raw ?? {}, 'filter') as QueueFilter;
  const limit = checkPageSize(first, ctx.hub.config.maxPageSize, 20);
  const cursor = decodeCursor(after, 2);
  if (cursor && (typeof cursor[0] !== 'string' || Number.isNaN(Date.parse(cursor[0])) || typeof cursor[1] !== 'string')) {
    throw notFound('Cursor');
  }
  if (cursor) assertUuid('after', cursor[1] as string);
  const { rows, hasNext, orderedByDue } = await ctx.data.referrals.queue(filter, limit, cursor as [string, string] | null);
  const edges = rows.map((node) => ({ cursor: encodeCursor([orderedByDue ? node.decisionDueAt.toISOString() : UNORDERED_KEY, node.id]), node }));
  return { edges, pageInfo: { hasNextPage: hasNext, endCursor: edges.at(-1)?.cursor ?? null } };
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
