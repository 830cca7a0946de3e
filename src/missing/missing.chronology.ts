import { CHRONOLOGY_ROWS_PER_SOURCE, type ChronologyItem, type ChronologySource } from '../context/chronology';

/**
 * The child's missing episodes and return home interviews the viewer may reach (the episode row scope,
 * ADR 018). The circumstances (the recording agency's detail) and the names are not in the summary.
 */
export const missingChronology: ChronologySource = {
  name: 'MISSING_EPISODE',
  async entriesAbout(ctx, personId) {
    const { rows } = await ctx.data.missing.list({ personId }, CHRONOLOGY_ROWS_PER_SOURCE, null);
    return rows.flatMap((e): ChronologyItem[] => {
      const base = { source: 'MISSING_EPISODE' as const, agency: e.recordingAgency, row: e };
      const items: ChronologyItem[] = [
        {
          ...base,
          occurredAt: e.startedAt,
          kind: 'MISSING_EPISODE_STARTED',
          summary: `Missing from ${e.missingFrom.toLowerCase()}`,
        },
      ];
      if (e.returnedAt)
        items.push({
          ...base,
          occurredAt: e.returnedAt,
          kind: 'MISSING_EPISODE_RETURNED',
          summary: 'Returned or found',
        });
      if (e.interviewOfferedAt)
        items.push({
          ...base,
          occurredAt: e.interviewOfferedAt,
          kind: 'RETURN_HOME_INTERVIEW_OFFERED',
          summary: `Return home interview offered${e.interviewOfferedWithinTimescale === false ? ' (after 72 hours)' : ' within 72 hours'}`,
        });
      if (e.interviewOutcome && e.interviewOutcomeAt)
        items.push({
          ...base,
          occurredAt: e.interviewOutcomeAt,
          kind: 'RETURN_HOME_INTERVIEW_OUTCOME',
          summary: `Return home interview ${e.interviewOutcome === 'HELD' ? 'held' : 'declined'}`,
        });
      return items;
    });
  },
};
