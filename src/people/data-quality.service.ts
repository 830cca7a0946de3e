import { z } from 'zod';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import { badInput, conflict, invalidTransition, notFound } from '../shared/errors';
import { checkConnectionFirst, decodeCursor, encodeCursor } from '../shared/pagination';
import { pageInfoOf } from '../shared/page-info.type';
import { assertUuid, parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { DATA_QUALITY_DECISIONS, DATA_QUALITY_STATUSES } from './data-quality.type';
import type { IdentityKey } from './identity-rule';
import { mergePerson, settleIdentity } from './identity.repository';

/**
 * The data-quality queue (ADR 005): proposed matches (an officer's or a referral's person whose
 * strong identifiers matched a settled person) and disagreements between sources. A MASH worker
 * (shield: social care MASH roles) lists it and decides; every decision is audited in its own
 * transaction. Confirming a match is how an officer's agency comes to hold an existing person.
 */

const resolveSchema = z.object({
  issueId: z.string().regex(UUID_PATTERN, 'is not a valid id'),
  decision: z.enum(DATA_QUALITY_DECISIONS),
  assertionId: z.string().regex(UUID_PATTERN, 'is not a valid id').nullish(),
  note: safeText(2000).refine((s) => s.trim().length > 0, 'is required'),
  expectedVersion: z.number().int().min(1),
});

function keysetCursor(after: string | null): [string, string] | null {
  const cursor = decodeCursor(after, 2);
  if (!cursor) return null;
  if (typeof cursor[0] !== 'string' || Number.isNaN(Date.parse(cursor[0])) || typeof cursor[1] !== 'string')
    throw badInput('after', 'is not a valid cursor');
  assertUuid('after', cursor[1]);
  return cursor as [string, string];
}

/** One page of the queue by status, oldest first. Audited even when empty. */
export async function dataQualityIssues(
  ctx: RequestContext,
  status: string,
  first: number | null,
  after: string | null,
) {
  const s = parseInput(z.enum(DATA_QUALITY_STATUSES), status, 'status');
  const limit = checkConnectionFirst(first, ctx.hub.config.maxPageSize, 20);
  ctx.access.requireAudit();
  const { rows, hasNext } = await ctx.data.dataQuality.page(s, limit, keysetCursor(after));
  const edges = rows.map((node) => ({ cursor: encodeCursor([node.raisedAt.toISOString(), node.id]), node }));
  return { edges, pageInfo: pageInfoOf(edges, hasNext) };
}

/**
 * A MASH worker's decision:
 * - CONFIRM_MATCH: the provisional person is merged into the settled one (its agency's source, records,
 *   referrals and meetings move with it), so the proposing agency now holds the settled person;
 * - REJECT_MATCH: they are different people; the provisional person stays its holder's own;
 * - ACCEPT_SOURCE: for a disagreement, the chosen source's value of the field is the person's from now on.
 */
export async function resolveDataQualityIssue(ctx: RequestContext, raw: unknown) {
  const input = parseInput(resolveSchema, raw);
  const issueId = input.issueId.toLowerCase();
  const kindOf = (code: string) => ctx.hub.agencies.kindOf(code);
  await ctx.data.transaction(async (tx, m) => {
    const repo = tx.dataQuality;
    const issue = await repo.find(issueId, true);
    if (!issue) throw notFound('Data-quality issue');
    if (issue.status !== 'OPEN')
      throw invalidTransition('This issue has already been decided', { field: 'input.issueId' });
    if (issue.version !== input.expectedVersion)
      throw conflict('The issue changed since you read it', { currentVersion: issue.version });
    const isProposal = issue.kind === 'MATCH_PROPOSAL';
    if (input.decision !== 'ACCEPT_SOURCE' && !isProposal)
      throw badInput('input.decision', 'CONFIRM_MATCH and REJECT_MATCH decide a proposed match only');
    if (input.decision === 'ACCEPT_SOURCE' && isProposal)
      throw badInput('input.decision', 'ACCEPT_SOURCE decides a disagreement between sources only');
    const note = input.note.trim();
    const personIds = [issue.personId, ...(issue.proposedPersonId ? [issue.proposedPersonId] : [])];
    const changes = [];

    if (input.decision === 'ACCEPT_SOURCE') {
      const chosen = input.assertionId ? await repo.assertionOf(input.assertionId.toLowerCase(), issue.personId) : null;
      if (!chosen) throw badInput('input.assertionId', "is required: one of this person's sources");
      if (!chosen[issue.field as IdentityKey & keyof typeof chosen])
        throw badInput('input.assertionId', 'this source gives no value for the field');
      await repo.recordDecision(issueId, 'RESOLVED', chosen.id, note);
      const settled = await settleIdentity(m, issue.personId, {
        agency: ctx.viewer.agency,
        onCollision: 'CONFLICT',
        kindOf,
      });
      changes.push({ entity: 'person', id: issue.personId, before: settled.before, after: settled.after });
    } else if (input.decision === 'REJECT_MATCH') {
      await repo.recordDecision(issueId, 'REJECTED', null, note);
    } else {
      const people = await repo.lockPeople(personIds);
      const target = people.find((p) => p.id === issue.personId);
      const proposed = people.find((p) => p.id === issue.proposedPersonId);
      if (!target || !proposed || target.provisional || target.merged_into || proposed.merged_into) {
        throw invalidTransition(
          'One of these people has been merged or changed since the proposal; it cannot be confirmed',
          { field: 'input.issueId' },
        );
      }
      await repo.recordDecision(issueId, 'CONFIRMED', null, note);
      const moved = await mergePerson(m, proposed.id, target.id);
      const settled = await settleIdentity(m, target.id, {
        agency: ctx.viewer.agency,
        onCollision: 'CONFLICT',
        kindOf,
      });
      changes.push(
        { entity: 'person_merge', id: proposed.id, before: null, after: { mergedInto: target.id, moved } },
        { entity: 'person', id: target.id, before: settled.before, after: settled.after },
      );
    }
    await appendAuditBatch(m, [
      changeEvent(ctx, 'UPDATE', personIds, [
        {
          entity: 'data_quality_issue',
          id: issueId,
          before: issue,
          after: { status: input.decision, assertionId: input.assertionId ?? null, note },
        },
        ...changes,
      ]),
    ]);
  });
  const repo = ctx.data.dataQuality;
  const [decided] = await repo.withAssertions([(await repo.find(issueId))!]);
  return decided!;
}
