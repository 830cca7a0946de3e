import type { ChronologyEntryKind, ChronologyItem, ChronologySource } from '../context/chronology';

/** The referral's steps the chronology lists, by the transition that recorded them. */
const STEP_KINDS: Partial<Record<string, ChronologyEntryKind>> = {
  RATE: 'RAG_RATED',
  RERATE: 'RAG_RATED',
  PROPOSE_DECISION: 'DECISION_PROPOSED',
  RETURN_DECISION: 'DECISION_RETURNED',
  AUTHORISE_DECISION: 'DECISION_AUTHORISED',
  AMEND_AND_AUTHORISE: 'DECISION_AUTHORISED',
};

/**
 * The contacts about the child the viewer may reach (`referralsOfPerson`, the referral row scope):
 * each contact's receipt and source, its RAG ratings and its threshold decision (proposed, returned,
 * authorised), from its status history as the viewer may read it.
 */
export const referralsChronology: ChronologySource = {
  name: 'REFERRAL',
  async entriesAbout(ctx, personId) {
    const referrals = await ctx.data.referrals.referralsOfPerson(personId);
    const histories = await Promise.all(referrals.map((r) => ctx.data.referrals.historyOf(r.id)));
    return referrals.flatMap((r, n): ChronologyItem[] => {
      const received: ChronologyItem = {
        occurredAt: r.receivedAt,
        kind: 'CONTACT_RECEIVED',
        source: 'REFERRAL',
        agency: null,
        summary: `Contact ${r.reference} received (source ${r.source}); concerns: ${r.concernCategories.join(', ') || 'none given'}`,
        row: r,
      };
      const steps = histories[n]!.flatMap((t): ChronologyItem[] => {
        const kind = STEP_KINDS[t.transition];
        if (!kind) return [];
        const what =
          kind === 'RAG_RATED'
            ? `rated ${t.detail}`
            : kind === 'DECISION_PROPOSED'
              ? `decision proposed: ${t.detail}`
              : kind === 'DECISION_RETURNED'
                ? `proposed decision ${t.detail} returned to the worker`
                : `decision authorised: ${t.detail}${r.thresholdLevel ? ` (threshold ${r.thresholdLevel})` : ''}`;
        return [
          {
            occurredAt: t.occurredAt,
            kind,
            source: 'REFERRAL',
            agency: t.actorAgency,
            summary: `${r.reference} ${what}`,
            row: r,
          },
        ];
      });
      return [received, ...steps];
    });
  },
};
