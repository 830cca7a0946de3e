import { CHRONOLOGY_ROWS_PER_SOURCE, type ChronologyItem, type ChronologySource } from '../context/chronology';

/**
 * The child's early-help episodes and step transitions the viewer may reach (the episode row scope,
 * ADR 018): opened (by the MASH's decision or a step-down), closed with an outcome, stepped up or down
 * and why. Names (lead professional, who agreed) are not in the summary.
 */
export const earlyHelpChronology: ChronologySource = {
  name: 'EARLY_HELP',
  async entriesAbout(ctx, personId) {
    const { rows } = await ctx.data.earlyHelp.list({ personId }, CHRONOLOGY_ROWS_PER_SOURCE, null);
    const transitions = await Promise.all(rows.map((e) => ctx.data.earlyHelp.transitionsOf(e.id)));
    return rows.flatMap((e, n): ChronologyItem[] => {
      const base = { source: 'EARLY_HELP' as const, agency: e.owningAgency, row: e };
      const items: ChronologyItem[] = [];
      // A step-down opens the episode: the transition tells it, so the opening is not listed twice.
      if (e.source !== 'STEP_DOWN')
        items.push({
          ...base,
          occurredAt: e.openedAt,
          kind: 'EARLY_HELP_OPENED',
          summary: 'Early help episode opened (MASH decision)',
        });
      for (const t of transitions[n]!)
        items.push({
          ...base,
          occurredAt: t.occurredAt,
          kind: t.direction,
          summary: `${t.direction === 'STEP_UP' ? 'Stepped up to social care' : 'Stepped down to early help'}: ${t.reason}`,
        });
      if (e.status === 'CLOSED' && e.closedAt)
        items.push({
          ...base,
          occurredAt: e.closedAt,
          kind: 'EARLY_HELP_CLOSED',
          summary: `Early help episode closed: ${e.outcome === 'NEEDS_MET' ? 'needs met' : 'needs not met'}`,
        });
      return items;
    });
  },
};
