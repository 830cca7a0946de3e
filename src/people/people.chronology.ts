import type { ChronologySource } from '../context/chronology';

/** The agencies' own records about the person (each the owning agency's summary of an event). */
export const agencyRecordsChronology: ChronologySource = {
  name: 'AGENCY_RECORD',
  async entriesAbout(ctx, personId) {
    const records = await ctx.data.records.recordsOf(personId);
    return records.map((r) => ({
      occurredAt: r.occurredAt,
      kind: 'AGENCY_RECORD' as const,
      source: 'AGENCY_RECORD' as const,
      agency: r.owningAgency,
      summary: r.summary,
      row: r,
      record: r,
      recordType: r.recordType,
    }));
  },
};
