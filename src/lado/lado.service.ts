import { z } from 'zod';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import { changeVersioned, type VersionedKind } from '../context/versioned-change';
import { badInput, notFound } from '../shared/errors';
import { checkConnectionFirst, encodeCursor, timeKeysetCursor } from '../shared/pagination';
import { pageInfoOf } from '../shared/page-info.type';
import { assertUuid, isFutureDate, parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { applyLadoTransition, type LadoTransition } from './lado-state-machine';
import type { AllegationFilter } from './lado.repository';
import {
  ALLEGATION_CATEGORIES,
  ALLEGATION_OUTCOMES,
  ALLEGATION_STATUSES,
  LADO_SECTORS,
  type AllegationStatus,
} from './vocabulary';

/**
 * LADO allegations (issue 25, ADR 018): the LADO records an allegation against someone who works with
 * children, holds the allegations-against-staff meeting (the employer invited, or why not) and records
 * the outcome and any DBS referral. Every operation is audited even when no child is named (the adult
 * is not a person record: the allegation itself is the subject). Bad input is refused naming the field.
 */

const requiredText = (max: number) => safeText(max).refine((s) => s.trim().length > 0, 'is required');
const uuid = z.string().regex(UUID_PATTERN, 'is not a valid id');
const notInFuture = z.date().refine((d) => d.getTime() <= Date.now() + 60_000, 'must not be in the future');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'is not a real date',
  )
  .refine((s) => !isFutureDate(s), 'must not be in the future');

const recordSchema = z.object({
  childPersonId: uuid.nullish(),
  employerAgency: z.string().max(40),
  employerName: requiredText(200),
  sector: z.enum(LADO_SECTORS),
  category: z.enum(ALLEGATION_CATEGORIES),
  adultName: requiredText(200),
  adultRole: requiredText(200),
  adultDateOfBirth: isoDate.nullish(),
  receivedAt: notInFuture,
});

/** The LADO records an allegation; a named child need not be one the LADO reaches: only its id is kept (the LADO reads no child record). */
export async function recordLadoAllegation(ctx: RequestContext, raw: unknown): Promise<string> {
  const input = parseInput(recordSchema, raw);
  if (!ctx.hub.agencies.has(input.employerAgency))
    throw badInput('input.employerAgency', 'is not an agency of this partnership');
  ctx.access.requireAudit();
  const childPersonId = input.childPersonId?.toLowerCase() ?? null;
  return ctx.data.transaction(async (tx, m) => {
    if (childPersonId && !(await tx.lado.childExists(childPersonId)))
      throw badInput('input.childPersonId', 'is not a child known to the hub');
    const id = await tx.lado.insert({
      childPersonId,
      employerAgency: input.employerAgency,
      employerName: input.employerName.trim(),
      sector: input.sector,
      category: input.category,
      adultName: input.adultName.trim(),
      adultRole: input.adultRole.trim(),
      adultDateOfBirth: input.adultDateOfBirth ?? null,
      receivedAt: input.receivedAt,
    });
    // The audit keeps that sealed details were recorded, never the details themselves.
    await appendAuditBatch(m, [
      changeEvent(ctx, 'CREATE', childPersonId ? [childPersonId] : [], [
        {
          entity: 'lado_allegation',
          id,
          before: null,
          after: {
            employerAgency: input.employerAgency,
            sector: input.sector,
            category: input.category,
            receivedAt: input.receivedAt,
            childPersonId,
            adultDetails: 'SEALED',
          },
        },
      ]),
    ]);
    return id;
  });
}

type AllegationRow = Record<string, unknown> & {
  id: string;
  status: AllegationStatus;
  version: number;
  received_at: Date;
};

const ALLEGATION: VersionedKind<AllegationRow, AllegationStatus, LadoTransition> = {
  table: 'lado_allegation',
  noun: 'Allegation',
  topic: 'ladoAllegation',
  idKey: 'ladoAllegationId',
  findVisible: async (data, id) => {
    const a = await data.lado.findAllegation(id);
    return a ? { subjectPersonIds: a.childPersonId ? [a.childPersonId] : [] } : null;
  },
  apply: applyLadoTransition,
};

const meetingSchema = z
  .object({ at: z.date(), employerInvited: z.boolean(), notInvitedReason: safeText(2000).nullish() })
  .refine((v) => v.employerInvited || v.notInvitedReason?.trim(), {
    path: ['notInvitedReason'],
    message: 'say why the employer is not invited',
  });

/** The allegations-against-staff meeting: when, and whether the employer is invited. */
export function scheduleAllegationMeeting(ctx: RequestContext, id: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(meetingSchema, raw);
  ctx.access.requireAudit();
  return changeVersioned(ctx, ALLEGATION, id, expectedVersion, 'SCHEDULE_MEETING', async (_tx, row) => {
    if (input.at.getTime() < row.received_at.getTime())
      throw badInput('input.at', 'must not be before the allegation was received');
    return { set: { meeting_at: input.at, employer_invited: input.employerInvited } };
  });
}

const outcomeSchema = z.object({
  outcome: z.enum(ALLEGATION_OUTCOMES),
  at: notInFuture,
  dbsReferredAt: notInFuture.nullish(),
});

/** The outcome (KCSIE's five) and any referral to the Disclosure and Barring Service. */
export function recordAllegationOutcome(ctx: RequestContext, id: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(outcomeSchema, raw);
  ctx.access.requireAudit();
  return changeVersioned(ctx, ALLEGATION, id, expectedVersion, 'RECORD_OUTCOME', async (_tx, row) => {
    if (input.at.getTime() < row.received_at.getTime())
      throw badInput('input.at', 'must not be before the allegation was received');
    if (input.dbsReferredAt && input.dbsReferredAt.getTime() < row.received_at.getTime())
      throw badInput('input.dbsReferredAt', 'must not be before the allegation was received');
    return { set: { outcome: input.outcome, outcome_at: input.at, dbs_referred_at: input.dbsReferredAt ?? null } };
  });
}

export async function findLadoAllegation(ctx: RequestContext, id: string) {
  assertUuid('id', id);
  ctx.access.requireAudit();
  const a = await ctx.data.lado.findAllegation(id.toLowerCase());
  if (!a) throw notFound('Allegation');
  return a;
}

export async function rereadLadoAllegation(ctx: RequestContext, id: string) {
  const a = await ctx.data.lado.reload(id);
  if (!a) throw notFound('Allegation');
  return a;
}

const filterSchema = z.object({
  status: z.array(z.enum(ALLEGATION_STATUSES)).max(ALLEGATION_STATUSES.length).nullish(),
  employerAgency: z.string().max(40).nullish(),
});

export async function listLadoAllegations(
  ctx: RequestContext,
  raw: unknown,
  first: number | null,
  after: string | null,
) {
  const filter = parseInput(filterSchema, raw ?? {}, 'filter') as AllegationFilter;
  const limit = checkConnectionFirst(first, ctx.hub.config.maxPageSize, 20);
  const cursor = timeKeysetCursor(after);
  ctx.access.requireAudit();
  const { rows, hasNext } = await ctx.data.lado.list(filter, limit, cursor);
  const edges = rows.map((node) => ({ cursor: encodeCursor([node.receivedAt.toISOString(), node.id]), node }));
  return { edges, pageInfo: pageInfoOf(edges, hasNext) };
}
