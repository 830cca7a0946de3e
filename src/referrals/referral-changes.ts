import { Field, ID, InputType } from 'type-graphql';
import { GUARD, type Guarded } from '../access-policy/request-access';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { resumableChangeStream, type ChangeStreamSpec } from '../context/event-context';
import { assertUuid } from '../shared/validation';
import { RagEnum, ReferralStatusEnum } from './referral.type';
import { type ReferralView } from './referrals.repository';

@InputType({ description: 'Which referral changes to receive; empty lists and absent fields match everything' })
export class ReferralChangeFilter {
  @Field(() => [ReferralStatusEnum], { nullable: true }) status?: string[] | null;
  @Field(() => [RagEnum], { nullable: true }) rag?: string[] | null;
  @Field(() => ID, { nullable: true }) referralId?: string | null;
}

/** What a referral change event carries to the subscription's resolver. */
export interface ReferralChange {
  referral: Guarded<ReferralView>;
}

/**
 * The `referralChanged` source stream. Events carry ids only; each one is re-read through the
 * subscriber's own scope in a fresh per-event context, so a subscriber with no relationship to the
 * referral gets nothing (not even that something changed). A filter on a field the subscriber may
 * not read never matches, so filters are no oracle (C2).
 *
 * With `since` (a subscriber resuming after its connection was lost) the referrals in its scope
 * changed from REPLAY_OVERLAP_MS before `since` are replayed first, each re-read and audited as its
 * own event, then the stream goes on live; a change may come twice (keep the higher version).
 */
export function referralChanges(
  ctx: RequestContext,
  filter: ReferralChangeFilter | null,
  purpose: Purpose,
  since: Date | null = null,
): AsyncIterableIterator<ReferralChange> | Promise<AsyncIterableIterator<ReferralChange>> {
  if (filter?.referralId) assertUuid('filter.referralId', filter.referralId);
  const spec: ChangeStreamSpec<Guarded<ReferralView>, ReferralChange> = {
    topic: 'referral',
    idOf: ({ referralId }) =>
      typeof referralId === 'string' && (!filter?.referralId || filter.referralId === referralId)
        ? referralId
        : undefined,
    purpose,
    read: (eventCtx, id) => eventCtx.data.referrals.findReferral(id),
    keep: (eventCtx, referral) => matches(eventCtx, referral, filter),
    wrap: (referral): ReferralChange => ({ referral }),
    what: 'referral change',
  };
  return resumableChangeStream(
    ctx,
    spec,
    since,
    (from, limit) => ctx.data.referrals.changedSince(from, filter?.referralId ?? null, limit),
    'the queue',
  );
}

function matches(ctx: RequestContext, referral: Guarded<ReferralView>, filter: ReferralChangeFilter | null): boolean {
  const wantsStatus = !!filter?.status?.length;
  const wantsRag = !!filter?.rag?.length;
  if (!wantsStatus && !wantsRag) return true;
  // `status` and `rag` are CASE_METADATA on Referral.
  if (!ctx.access.decide(referral[GUARD], 'CASE_METADATA').release) return false;
  if (wantsStatus && !filter!.status!.includes(referral.status)) return false;
  if (wantsRag && (referral.rag === null || !filter!.rag!.includes(referral.rag))) return false;
  return true;
}
