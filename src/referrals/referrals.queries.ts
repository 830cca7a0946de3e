import { z } from 'zod';
import { assertMayCount, UNORDERED_KEY } from '../access-policy/filter-policy';
import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { badInput, notFound } from '../shared/errors';
import { checkConnectionFirst, decodeCursor, encodeCursor } from '../shared/pagination';
import { pageInfoOf } from '../shared/page-info.type';
import type { NodeSelection } from '../shared/selection';
import { assertUuid, parseInput, safeText } from '../shared/validation';
import {
  ragRank,
  referralWidth,
  type QueueCounts,
  type QueueFilter,
  type QueueOrder,
  type ReferralView,
} from './referrals.repository';
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
    source: z
      .array(z.enum(REFERRAL_SOURCES as [ReferralSource, ...ReferralSource[]]))
      .max(REFERRAL_SOURCES.length)
      .nullish(),
    referrerOrganisation: safeText(200)
      .transform((s) => s.trim())
      .nullish(),
  })
  .refine((f) => !f.receivedFrom || !f.receivedTo || f.receivedFrom < f.receivedTo, {
    message: 'receivedFrom must be before receivedTo',
    path: ['receivedFrom'],
  });

export async function findReferral(ctx: RequestContext, id: string): Promise<Guarded<ReferralView>> {
  assertUuid('id', id);
  const referral = await ctx.data.referrals.findReferral(id);
  if (!referral) throw notFound('Referral');
  return referral;
}

/**
 * The triage queue page: keyset on (decision due time, id), or with `orderBy: RAG` on (RAG rank,
 * decision due time, id); `first` above the maximum is rejected, `first: 0` answers an empty page.
 * `counts` (the connection's field) counts the whole filtered queue under the same row scope,
 * computed only when asked for. Each cursor also carries the first page's database snapshot, so
 * later pages keep a re-rated referral where it stood (ADR 021); a cursor without one (issued before
 * that) still pages, by the current keys.
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
  const limit = checkConnectionFirst(first, ctx.hub.config.maxPageSize, 20);
  const arity = order === 'RAG' ? 3 : 2;
  const decoded = decodeCursor(after, [arity, arity + 1]);
  const cursor = decoded?.slice(0, arity) ?? null;
  const snapshot = decoded?.[arity] ?? null;
  if (cursor) {
    const [rank, due, id] = order === 'RAG' ? cursor : [0, ...cursor];
    if (!Number.isInteger(rank) || typeof due !== 'string' || Number.isNaN(Date.parse(due)) || typeof id !== 'string')
      throw badInput('after', 'is not a valid cursor');
    assertUuid('after', id);
  }
  if (snapshot !== null && !isSnapshot(snapshot)) throw badInput('after', 'is not a valid cursor');
  // Subjects asked for without a condition come in the page's statement (one statement per page).
  const withSubjects = !!selected?.fields.has('subjects') && !selected.conditional.has('subjects');
  const page = await ctx.data.referrals.queue(
    filter,
    limit,
    cursor,
    order,
    referralWidth(selected?.fields ?? null),
    withSubjects,
    snapshot as string | null,
  );
  const { rows, hasNext, ordered } = page;
  if (page.subjects) await ctx.data.people.adoptPeople(page.subjects.ids, page.subjects.rows);
  const keyOf = (node: ReferralView): unknown[] => {
    const placed = page.sortKeys.get(node.id) ?? { rag: node.rag, decisionDueAt: node.decisionDueAt };
    const due = ordered ? placed.decisionDueAt.toISOString() : UNORDERED_KEY;
    const key = order === 'RAG' ? [ordered ? ragRank(placed.rag) : 0, due, node.id] : [due, node.id];
    return ordered && page.snapshot ? [...key, page.snapshot] : key;
  };
  const edges = rows.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: pageInfoOf(edges, hasNext),
    countsOf: () => queueCounts(ctx, filter),
  };
}

/** `pg_current_snapshot()` as text: xmin:xmax:in-progress ids; bounded (at most max_connections ids). */
const SNAPSHOT = /^\d{1,19}:\d{1,19}:(\d{1,19}(,\d{1,19}){0,1000})?$/;

/** A snapshot PostgreSQL will take (xmin ≤ xmax, in-progress ids ascending within them), so a forged one is bad input, not a database error. */
function isSnapshot(value: unknown): boolean {
  if (typeof value !== 'string' || !SNAPSHOT.test(value)) return false;
  const [xmin, xmax, list] = value.split(':') as [string, string, string];
  const lo = BigInt(xmin);
  const hi = BigInt(xmax);
  if (lo < 1n || lo > hi) return false;
  let previous = lo - 1n;
  for (const x of list ? list.split(',').map(BigInt) : []) {
    if (x <= previous || x >= hi) return false;
    previous = x;
  }
  return true;
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
