import {
  CHRONOLOGY_ROWS_PER_SOURCE,
  dateOnlyInstant,
  type ChronologyItem,
  type ChronologySource,
} from '../context/chronology';

/**
 * The child's private fostering notifications, statutory visits and closures the viewer may reach (the
 * arrangement row scope, ADR 018). The notifier's name (social care's agency detail) is not in the summary.
 */
export const privateFosteringChronology: ChronologySource = {
  name: 'PRIVATE_FOSTERING',
  async entriesAbout(ctx, personId) {
    const { rows } = await ctx.data.privateFostering.list(CHRONOLOGY_ROWS_PER_SOURCE, null, personId);
    return rows.flatMap((a): ChronologyItem[] => {
      const base = { source: 'PRIVATE_FOSTERING' as const, agency: a.recordingAgency, row: a };
      const items: ChronologyItem[] = [
        {
          ...base,
          occurredAt: a.notifiedAt,
          kind: 'PRIVATE_FOSTERING_NOTIFIED',
          summary: `Private fostering notified by ${a.notifiedBy.toLowerCase().replace(/_/g, ' ')}; arrangement from ${a.arrangementStartedOn}`,
        },
      ];
      a.visits.forEach((v, i) =>
        items.push({
          ...base,
          occurredAt: dateOnlyInstant(v.heldOn ?? v.dueOn),
          kind: 'PRIVATE_FOSTERING_VISIT',
          summary: `${i === 0 ? 'Initial' : 'Statutory'} private fostering visit${v.late ? ` (late: due ${v.dueOn})` : ''}`,
        }),
      );
      if (a.closedOn)
        items.push({
          ...base,
          occurredAt: dateOnlyInstant(a.closedOn),
          kind: 'PRIVATE_FOSTERING_CLOSED',
          summary: `Private fostering arrangement closed: ${a.closureReason}`,
        });
      return items;
    });
  },
};
