import type { ChronologySource } from '../context/chronology';
import { CHRONOLOGY_ROWS_PER_SOURCE } from '../context/chronology';
import { STRATEGY_TYPES } from './vocabulary';

/**
 * The child's strategy discussions and meetings the viewer may reach (the meeting row scope), each
 * with its status and outcome. Conferences are told by child protection (its conference records).
 */
export const meetingsChronology: ChronologySource = {
  name: 'MEETING',
  async entriesAbout(ctx, personId) {
    const { rows } = await ctx.data.meetings.list(
      { personId, type: [...STRATEGY_TYPES] },
      CHRONOLOGY_ROWS_PER_SOURCE,
      null,
    );
    return rows.map((m) => {
      const what = m.type === 'STRATEGY_MEETING' ? 'Strategy meeting' : 'Strategy discussion';
      const status = m.status.toLowerCase();
      return {
        occurredAt: m.scheduledAt, // when it took place (held_at is when it was marked held)
        kind: 'STRATEGY_DISCUSSION' as const,
        source: 'MEETING' as const,
        agency: m.organisingAgency,
        summary: `${what} ${status}${m.outcome ? `; outcome: ${m.outcome}` : ''}`,
        row: m,
      };
    });
  },
};
