import { z } from 'zod';
import { assertMayWriteRecordType } from '../access-policy/write-policy';
import { canonicalJson, sha256 } from '../audit/audit-event';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import { badInput } from '../shared/errors';
import { parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { RECORD_DATA_SCHEMAS, RECORD_TYPE_NAMES, RECORD_TYPES, type RecordType } from './record-types';

const recordInputSchema = z.object({
  personId: z.string().regex(UUID_PATTERN, 'is not a valid id'),
  recordType: z.enum(RECORD_TYPE_NAMES as [RecordType, ...RecordType[]]),
  occurredAt: z.date(),
  summary: safeText(2000).min(1, 'is required'),
  sourceSystem: safeText(100).min(1, 'is required'),
  sourceReference: safeText(200).min(1, 'is required'),
  recordedBy: safeText(200).min(1, 'is required'),
  recordedAt: z.date(),
  data: z.record(z.string(), z.unknown()),
});
export type RecordInput = z.input<typeof recordInputSchema>;

export type RecordUpsertOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED';

/**
 * Ingest of one agency record, owned by the viewer's agency. Idempotent on (agency, source system,
 * source reference); a record never moves between people or agencies.
 */
export async function upsertAgencyRecord(
  ctx: RequestContext,
  raw: unknown,
): Promise<{ recordId: string; personId: string; outcome: RecordUpsertOutcome }> {
  const input = parseInput(recordInputSchema, raw);
  assertMayWriteRecordType(ctx.viewer, input.recordType);
  const data = parseInput<Record<string, unknown>>(
    RECORD_DATA_SCHEMAS[RECORD_TYPES[input.recordType]] as z.ZodType<Record<string, unknown>>,
    input.data,
    'input',
  );
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === 'string') parseInput(safeText(20000), v, `input.${k}`);
    if (Array.isArray(v))
      v.forEach((s, i) => typeof s === 'string' && parseInput(safeText(2000), s, `input.${k}.${i}`));
  }
  if (input.occurredAt.getTime() > Date.now() + 5 * 60_000)
    throw badInput('input.occurredAt', 'must not be in the future');
  const person = await ctx.data.people.findPerson(input.personId);
  if (!person) throw badInput('input.personId', 'person not found');

  const after = {
    personId: input.personId,
    recordType: input.recordType,
    occurredAt: input.occurredAt.toISOString(),
    summary: input.summary,
    data,
    recordedBy: input.recordedBy,
    recordedAt: input.recordedAt.toISOString(),
  };
  const contentHash = sha256(canonicalJson(after));
  return ctx.data.transaction(async (tx, m) => {
    const prev = await tx.records.lockOwnBySource(input.sourceSystem, input.sourceReference);
    if (prev && prev.content_hash === contentHash) {
      return { recordId: prev.id as string, personId: prev.person_id as string, outcome: 'UNCHANGED' as const };
    }
    if (prev && prev.person_id !== input.personId) {
      throw badInput('input.personId', 'a record cannot move to a different person; send a new source reference');
    }
    const write = {
      personId: input.personId,
      recordType: input.recordType,
      occurredAt: input.occurredAt,
      summary: input.summary,
      data,
      recordedBy: input.recordedBy,
      recordedAt: input.recordedAt,
      contentHash,
    };
    let recordId: string;
    if (prev) {
      recordId = prev.id as string;
      await tx.records.update(recordId, write);
    } else {
      recordId = await tx.records.insert({
        ...write,
        sourceSystem: input.sourceSystem,
        sourceReference: input.sourceReference,
      });
    }
    await appendAuditBatch(m, [
      changeEvent(
        ctx,
        prev ? 'UPDATE' : 'CREATE',
        [input.personId],
        [{ entity: 'agency_record', id: recordId, before: prev ? { ...prev, content_hash: undefined } : null, after }],
      ),
    ]);
    return { recordId, personId: input.personId, outcome: prev ? ('UPDATED' as const) : ('CREATED' as const) };
  });
}
