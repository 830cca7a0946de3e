import { GUARD, type Guarded } from '../access-policy/request-access';
import type { ChronologyEntryKind, ChronologySourceName } from '../context/chronology';
import type { RequestContext } from '../context/context';
import { badInput } from '../shared/errors';
import { checkPageSize } from '../shared/pagination';
import { parseInput, safeText } from '../shared/validation';
import type { MatchView } from './people.repository';
import type { PersonSearchInput } from './people.inputs';
import { IDENTIFIER_TYPES } from './vocabulary';
import { z } from 'zod';

const searchSchema = z.object({
  identifier: z.object({ type: z.enum(IDENTIFIER_TYPES), value: safeText(50).min(1, 'is required') }).nullish(),
  familyName: safeText(100).min(2, 'needs at least 2 characters').nullish(),
  givenName: safeText(100).nullish(),
  dateOfBirth: z.string().nullish(),
});

export async function searchPeople(
  ctx: RequestContext,
  raw: PersonSearchInput,
  first: number | null,
): Promise<MatchView[]> {
  const input = parseInput(searchSchema, raw);
  const limit = checkPageSize(first, 50, 10);
  // Every search field is declared IDENTITY-class (PersonSearchInput): the filter guard checked it.
  if (input.identifier) {
    const value =
      input.identifier.type === 'NHS_NUMBER' ? input.identifier.value.replace(/\s/g, '') : input.identifier.value;
    return ctx.data.people.searchByIdentifier(input.identifier.type, value, limit);
  }
  if (!input.familyName)
    throw badInput('input', 'give an identifier, or a family name (with a date of birth if you know it)');
  return ctx.data.people.searchByName(
    { familyName: input.familyName, givenName: input.givenName ?? null, dateOfBirth: input.dateOfBirth ?? null },
    limit,
  );
}

export interface ChronologyView {
  occurredAt: Date;
  kind: ChronologyEntryKind;
  source: ChronologySourceName;
  sourceId: string;
  agency: string | null;
  recordType: string | null;
  summary: string;
  record: Guarded<object> | null;
}

/**
 * The person's chronology: every source registered at composition (the agencies' records and the
 * hub's own events), merged oldest first. A source reads through the request's viewer-bound
 * repositories, so a row outside the viewer's scope never reaches here; of the rest, an entry is
 * listed only when the viewer may read its summary under the row's own subject — a chronology of
 * redacted rows would only leak that something happened. Each entry is released as the row it came
 * from, about this person, so the read is audited by person like any other.
 */
export async function chronologyOf(ctx: RequestContext, personId: string): Promise<Guarded<ChronologyView>[] | null> {
  const person = await ctx.data.people.findPerson(personId);
  if (!person) return null;
  const items = (await Promise.all(ctx.hub.chronologySources.map((s) => s.entriesAbout(ctx, personId)))).flat();
  return items
    .filter((i) => ctx.access.mayRead(i.row[GUARD].subject, 'SHARED_SUMMARY'))
    .map((i) => ({ i, sourceId: i.row[GUARD].recordId ?? personId }))
    .sort(
      (a, b) =>
        a.i.occurredAt.getTime() - b.i.occurredAt.getTime() ||
        a.sourceId.localeCompare(b.sourceId) ||
        a.i.kind.localeCompare(b.i.kind),
    )
    .map(({ i, sourceId }) => {
      const info = i.row[GUARD];
      const view: ChronologyView = {
        occurredAt: i.occurredAt,
        kind: i.kind,
        source: i.source,
        sourceId,
        agency: i.agency,
        recordType: i.recordType ?? null,
        summary: i.summary,
        record: i.record ?? null,
      };
      return ctx.access.guard(view, info.subject, [personId], info.recordId);
    });
}
