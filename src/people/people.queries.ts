import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { badInput } from '../shared/errors';
import { checkPageSize } from '../shared/pagination';
import { parseInput, safeText } from '../shared/validation';
import { guardLike, type MatchView, type RecordView } from './people.repository';
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
  agency: string;
  recordType: string;
  summary: string;
  record: Guarded<RecordView>;
}

/**
 * The person's records from every agency, oldest first, keeping only entries whose summary the
 * viewer may read — a chronology of redacted rows would only leak that something happened.
 */
export async function chronologyOf(ctx: RequestContext, personId: string): Promise<Guarded<ChronologyView>[] | null> {
  const person = await ctx.data.people.findPerson(personId);
  if (!person) return null;
  const records = await ctx.data.people.recordsOf(personId);
  return records
    .filter((r) =>
      ctx.access.mayRead(
        { owner: r.owningAgency, relationships: ctx.data.people.relationshipsOf(personId)! },
        'SHARED_SUMMARY',
      ),
    )
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id.localeCompare(b.id))
    .map((r) =>
      guardLike(
        ctx.access,
        { occurredAt: r.occurredAt, agency: r.owningAgency, recordType: r.recordType, summary: r.summary, record: r },
        r,
      ),
    );
}
