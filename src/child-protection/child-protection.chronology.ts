import { dateOnlyInstant, type ChronologyItem, type ChronologySource } from '../context/chronology';

/**
 * The child's section 47 enquiries, conferences and plan endings, where the viewer works the child's
 * case (the child protection row scope, ADR 017). Conferences are recorded by date: listed at midday.
 */
export const childProtectionChronology: ChronologySource = {
  name: 'CHILD_PROTECTION',
  async entriesAbout(ctx, personId) {
    const [enquiries, plans] = await Promise.all([
      ctx.data.childProtection.enquiriesOf(personId),
      ctx.data.childProtection.plansOf(personId),
    ]);
    const items: ChronologyItem[] = [];
    for (const e of enquiries) {
      const base = { source: 'CHILD_PROTECTION' as const, agency: e.owningAgency, row: e };
      items.push({
        ...base,
        occurredAt: e.startedAt,
        kind: 'SECTION_47_STARTED',
        summary: `Section 47 enquiry started (${e.lead === 'JOINT' ? 'joint' : 'single agency'})`,
      });
      if (e.concludedOn)
        items.push({
          ...base,
          occurredAt: dateOnlyInstant(e.concludedOn),
          kind: 'SECTION_47_CONCLUDED',
          summary: `Section 47 enquiry concluded: ${e.conclusion}`,
        });
      if (e.initialConference)
        items.push({
          ...base,
          occurredAt: dateOnlyInstant(e.initialConference.heldOn),
          kind: 'CHILD_PROTECTION_CONFERENCE',
          summary: `Initial child protection conference held: ${e.initialConference.decision}${e.initialConference.late ? ' (late)' : ''}`,
        });
    }
    for (const p of plans) {
      const base = { source: 'CHILD_PROTECTION' as const, agency: p.owningAgency, row: p };
      for (const c of p.reviewConferences)
        items.push({
          ...base,
          occurredAt: dateOnlyInstant(c.heldOn),
          kind: 'CHILD_PROTECTION_CONFERENCE',
          summary: `Review child protection conference held: ${c.decision}${c.late ? ' (late)' : ''}`,
        });
      if (p.endedOn)
        items.push({
          ...base,
          occurredAt: dateOnlyInstant(p.endedOn),
          kind: 'CHILD_PROTECTION_PLAN_ENDED',
          summary: `Child protection plan ended: ${p.endReason}`,
        });
    }
    return items;
  },
};
