import crypto from 'node:crypto';
import { z } from 'zod';
import { systemViewer } from '../access-policy/system-viewer';
import type { Hub, RequestContext } from '../context/context';
import { createRequestContext } from '../context/context-factory';
import { requirePartnership } from '../db/partnership-scope';
import { personInputSchema, upsertPerson } from '../people/people.service';
import { badInput, isHubError, type ErrorCode } from '../shared/errors';
import { safeText } from '../shared/validation';
import { RECORD_DATA_SCHEMAS } from './record-types';
import { upsertAgencyRecord } from './records.service';

/**
 * Bulk import of NDJSON: one person or agency record per line, each run through the same services
 * (and so the same validation, write rules, idempotency and audit) as the `upsertPerson` and
 * `upsertAgencyRecord` mutations, acting as a system officer of the line's agency. Each line is
 * its own transaction: a line is imported completely or not at all, and a bad line never stops
 * the others. Reasons name the field, never the value.
 *
 *   {"agency": "police", "actor": "nightly-feed", "kind": "person", "data": {...PersonInput}}
 *   {"agency": "police", "actor": "nightly-feed", "kind": "record",
 *    "data": {...AgencyRecordInput, "personRef": {"sourceSystem": "NICHE", "sourceReference": "P-1"}}}
 *
 * A record may name its person by `personId` or by `personRef` (the source system and reference
 * of a person line of the same agency); a person's relationship likewise by `relatedPersonId` or
 * `relatedPersonRef`.
 */

export type LineOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'LINKED' | 'REJECTED';

export interface LineResult {
  line: number;
  kind: 'person' | 'record' | null;
  outcome: LineOutcome;
  /** The person's or record's hub id (not for rejected lines). */
  id?: string;
  /** For rejected lines: the error code and a reason naming the field (never its value). */
  code?: ErrorCode;
  reason?: string;
}

export interface ImportSummary {
  lines: number;
  counts: Record<LineOutcome, number>;
}

const lineSchema = z
  .object({
    agency: z.string().min(1, 'is required').max(40, 'is not a known agency code'),
    actor: z.string().regex(/^[A-Za-z0-9._@-]{1,100}$/, 'must be 1–100 letters, digits or . _ @ -'),
    kind: z.enum(['person', 'record']),
    data: z.record(z.string(), z.unknown()),
  })
  .strict();

const sourceRefSchema = z
  .object({ sourceSystem: safeText(100).min(1, 'is required'), sourceReference: safeText(200).min(1, 'is required') })
  .strict();

const RECORD_COMMON_FIELDS = [
  'personId',
  'recordType',
  'occurredAt',
  'summary',
  'sourceSystem',
  'sourceReference',
  'recordedBy',
  'recordedAt',
];
const RECORD_DATA_FIELDS = new Set(Object.values(RECORD_DATA_SCHEMAS).flatMap((s) => Object.keys(s.shape)));
const RECORD_FIELDS = new Set([...RECORD_COMMON_FIELDS, ...RECORD_DATA_FIELDS, 'personRef']);
const PERSON_FIELDS = new Set(Object.keys(personInputSchema.shape));
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses with zod and reports the first problem as BAD_USER_INPUT naming the field. */
function parse<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || 'line';
  throw badInput(field, issue.message);
}

function rejectUnknownFields(data: Record<string, unknown>, known: Set<string>, typeName: string): void {
  for (const key of Object.keys(data)) {
    if (!known.has(key)) throw badInput(`data.${key}`, `is not a field of ${typeName}`);
  }
}

/** The request context of one line: a system officer of the line's agency, a fresh access state, in the command's partnership. */
function systemContext(hub: Hub, runId: string, lineNo: number, agency: string, actor: string): RequestContext {
  const kind = hub.agencies.kindOf(agency);
  if (!kind) throw badInput('agency', 'is not an agency of this partnership');
  const viewer = systemViewer('import', actor, { code: agency, kind });
  return createRequestContext(hub, {
    viewer,
    partnership: requirePartnership(),
    requestId: `${runId}-${lineNo}`,
    operation: { type: 'import', name: 'bulkImport', documentHash: null },
  });
}

async function resolveRef(ctx: RequestContext, raw: unknown, field: string): Promise<string> {
  const ref = parse(sourceRefSchema, raw, field);
  const id = await ctx.data.people.ownPersonIdBySource(ref.sourceSystem, ref.sourceReference);
  if (!id) throw badInput(field, 'no person of this agency has this source reference');
  return id;
}

async function importPerson(
  ctx: RequestContext,
  data: Record<string, unknown>,
): Promise<{ id: string; outcome: LineOutcome }> {
  rejectUnknownFields(data, PERSON_FIELDS, 'PersonInput');
  const input: Record<string, unknown> = { ...data };
  if (Array.isArray(data.relationships)) {
    input.relationships = await Promise.all(
      data.relationships.map(async (r: unknown, i) => {
        if (r === null || typeof r !== 'object' || !('relatedPersonRef' in r)) return r;
        const { relatedPersonRef, ...rest } = r as Record<string, unknown>;
        if ('relatedPersonId' in rest)
          throw badInput(`data.relationships.${i}`, 'give relatedPersonId or relatedPersonRef, not both');
        return {
          ...rest,
          relatedPersonId: await resolveRef(ctx, relatedPersonRef, `data.relationships.${i}.relatedPersonRef`),
        };
      }),
    );
  }
  // The agency's trusted integration: the only intake that links its source to an existing person (ADR 005).
  const { personId, outcome } = await upsertPerson(ctx, input, { channel: 'IMPORT' });
  return { id: personId, outcome };
}

async function importRecord(
  ctx: RequestContext,
  data: Record<string, unknown>,
): Promise<{ id: string; outcome: LineOutcome }> {
  rejectUnknownFields(data, RECORD_FIELDS, 'AgencyRecordInput');
  const common: Record<string, unknown> = {};
  const typed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || v === null || k === 'personRef') continue;
    (RECORD_COMMON_FIELDS.includes(k) ? common : typed)[k] = v;
  }
  for (const field of ['occurredAt', 'recordedAt']) {
    const v = common[field];
    if (typeof v !== 'string' || !ISO_DATE_TIME.test(v) || Number.isNaN(Date.parse(v))) {
      throw badInput(`data.${field}`, 'must be an ISO 8601 date-time such as 2024-05-01T10:00:00Z');
    }
    common[field] = new Date(v);
  }
  if (data.personRef != null) {
    if (data.personId != null) throw badInput('data.personRef', 'give personId or personRef, not both');
    common.personId = await resolveRef(ctx, data.personRef, 'data.personRef');
  } else if (data.personId == null) {
    throw badInput('data.personId', 'is required (or personRef)');
  }
  const { recordId, outcome } = await upsertAgencyRecord(ctx, { ...common, data: typed });
  return { id: recordId, outcome };
}

/** The services name fields of their `input`; in an import line those live under `data`. */
function rejection(lineNo: number, kind: LineResult['kind'], e: unknown, hub: Hub): LineResult {
  if (isHubError(e)) {
    const code = (e.extensions.code as ErrorCode | undefined) ?? 'BAD_USER_INPUT';
    return { line: lineNo, kind, outcome: 'REJECTED', code, reason: e.message.replace(/^input(?=[.:])/, 'data') };
  }
  // Unexpected (database) errors may quote values: log only the code, report a fixed reason.
  hub.logger.error(
    { line: lineNo, err: { code: (e as { code?: string }).code, name: (e as Error).name } },
    'import line failed',
  );
  return {
    line: lineNo,
    kind,
    outcome: 'REJECTED',
    code: 'INTERNAL_SERVER_ERROR',
    reason: 'unexpected error; nothing was stored for this line',
  };
}

/** Imports one NDJSON line. Never throws for bad content: the result says what happened. */
export async function importLine(
  hub: Hub,
  text: string,
  lineNo: number,
  runId: string = newRunId(),
): Promise<LineResult> {
  let kind: LineResult['kind'] = null;
  try {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw badInput('line', 'is not valid JSON');
    }
    const line = parse(lineSchema, json, '');
    kind = line.kind;
    const ctx = systemContext(hub, runId, lineNo, line.agency, line.actor);
    const { id, outcome } =
      line.kind === 'person' ? await importPerson(ctx, line.data) : await importRecord(ctx, line.data);
    return { line: lineNo, kind, outcome, id };
  } catch (e) {
    return rejection(lineNo, kind, e, hub);
  }
}

export function newRunId(): string {
  return `import-${crypto.randomUUID()}`;
}

/**
 * Imports NDJSON lines in order (a record may refer to a person line above it). Blank lines are
 * skipped. `onResult` sees each line's result as it completes.
 */
export async function importNdjson(
  hub: Hub,
  lines: AsyncIterable<string> | Iterable<string>,
  onResult: (result: LineResult) => void = () => undefined,
): Promise<ImportSummary> {
  requirePartnership(); // refused before any line: an import acts in one partnership
  const runId = newRunId();
  const counts: Record<LineOutcome, number> = { CREATED: 0, UPDATED: 0, UNCHANGED: 0, LINKED: 0, REJECTED: 0 };
  let lineNo = 0;
  let lines_ = 0;
  for await (const text of lines) {
    lineNo++;
    if (!text.trim()) continue;
    lines_++;
    const result = await importLine(hub, text, lineNo, runId);
    counts[result.outcome]++;
    onResult(result);
  }
  return { lines: lines_, counts };
}
