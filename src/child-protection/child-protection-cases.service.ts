import { z } from 'zod';
import type { RequestContext } from '../context/context';
import { badInput, forbidden } from '../shared/errors';
import { checkConnectionFirst, decodeCursor, encodeCursor } from '../shared/pagination';
import { pageInfoOf } from '../shared/page-info.type';
import { parseInput, UUID_PATTERN } from '../shared/validation';
import { workingCalendar } from '../referrals/clocks';
import { londonDate } from './clocks';
import { CASE_STAGES } from './child-protection.repository';

/**
 * The child protection list (ADR 034): a page of one stage of the pathway, and the counts, under
 * the row scope of the pathway's other reads. Only the rows of the page are read, so the audit
 * names only the children listed.
 */

const filterSchema = z.object({ stage: z.enum(CASE_STAGES) });

const DAY = 86_400_000;

/**
 * A review is overdue when its due date (the month date stepped back to a working day) is before
 * today; that holds exactly when the month date is before the first working day on or after today.
 */
function reviewOverdueBefore(today: string): string {
  const calendar = workingCalendar();
  let t = Date.parse(`${today}T00:00:00Z`);
  while (!calendar.isWorkingDay(new Date(t).toISOString().slice(0, 10))) t += DAY;
  return new Date(t).toISOString().slice(0, 10);
}

function cursorOf(after: string | null | undefined): [string, string] | null {
  const c = decodeCursor(after, 2);
  if (!c) return null;
  if (typeof c[0] !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(c[0]) || typeof c[1] !== 'string')
    throw badInput('after', 'is not a valid cursor');
  if (!UUID_PATTERN.test(c[1])) throw badInput('after', 'is not a valid id');
  return c as [string, string];
}

export async function listChildProtectionCases(
  ctx: RequestContext,
  raw: unknown,
  first: number | null,
  after: string | null,
) {
  const filter = parseInput(filterSchema, raw, 'filter');
  const limit = checkConnectionFirst(first, ctx.hub.config.maxPageSize, 20);
  const today = londonDate(new Date());
  const { rows, hasNext } = await ctx.data.childProtection.casesPage({
    stage: filter.stage,
    limit,
    after: cursorOf(after),
    today,
    reviewOverdueBefore: reviewOverdueBefore(today),
  });
  const edges = rows.map((r) => {
    const item = r.enquiry ?? r.plan!;
    return {
      cursor: encodeCursor([r.dueOn, item.id]),
      node: { personId: item.personId, enquiry: r.enquiry, plan: r.plan },
    };
  });
  return { edges, pageInfo: pageInfoOf(edges, hasNext) };
}

/**
 * The list's counts. A count is an oracle on the values it groups by (status and due dates, case
 * metadata): refused to a viewer who may not filter on them under the declared purpose.
 */
export async function countChildProtectionCases(ctx: RequestContext) {
  if (!ctx.access.mayFilterOn('CASE_METADATA', ctx.access.purpose))
    throw forbidden('Your role may not count the child protection list under this purpose');
  const today = londonDate(new Date());
  return ctx.data.childProtection.caseCounts(today, reviewOverdueBefore(today));
}
