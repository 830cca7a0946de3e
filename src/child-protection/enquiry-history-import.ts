import { z } from 'zod';
import { systemViewer } from '../access-policy/system-viewer';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { Hub, RequestContext } from '../context/context';
import { createRequestContext } from '../context/context-factory';
import { requirePartnership } from '../db/partnership-scope';
import { checkCsvRows, parseCsv } from '../shared/csv';
import { safeText } from '../shared/validation';
import { icpcDueOn, londonDate } from './clocks';
import { CP_CATEGORIES, INITIAL_CONFERENCE_DECISIONS, S47_CONCLUSIONS, S47_LEADS } from './vocabulary';

/**
 * History import of s47 enquiries and their initial conferences (issue 20 "History import", ADR 025):
 * `npm run import:history -- enquiries.csv --system Mosaic --records enquiries`. A partnership loads
 * its past concluded enquiries so the child protection measures (the ICPC three-way split above all)
 * can be checked against the figures it already published. Like the contact history
 * (src/referrals/history-import.ts): children are named by the references under which the social care
 * feed imported them; every row is checked first and with any wrong row nothing is stored (each listed
 * with column and reason, never a value); otherwise all rows are stored in one transaction, each
 * audited, with provenance `MIGRATED:<system>:<source_reference>`, and a row imported before is skipped.
 *
 * Columns (header row, any order; dates are local dates YYYY-MM-DD): source_reference, child_ref,
 * lead (SINGLE_AGENCY / JOINT), strategy_discussion_on (the last strategy discussion that started or
 * continued the enquiry, or the emergency protection that started it: the ICPC clock's start),
 * conclusion, concluded_on, conference_held_on (blank: no initial conference), conference_decision
 * (PLAN / NO_PLAN), plan_category (with PLAN). The due date is computed on the hub's working calendar
 * (15 working days), never taken from the file. Plans themselves are not loaded (yet).
 */

export const ENQUIRY_HISTORY_COLUMNS = [
  'source_reference',
  'child_ref',
  'lead',
  'strategy_discussion_on',
  'conclusion',
  'concluded_on',
  'conference_held_on',
  'conference_decision',
  'plan_category',
] as const;
const REQUIRED_COLUMNS = [
  'source_reference',
  'child_ref',
  'lead',
  'strategy_discussion_on',
  'conclusion',
  'concluded_on',
];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'is not a real date',
  )
  .refine((s) => s <= londonDate(new Date()), 'is in the future');

const rowSchema = z
  .object({
    source_reference: safeText(200).refine((s) => s.trim().length > 0, 'is required'),
    child_ref: safeText(200).refine((s) => s.trim().length > 0, 'is required'),
    lead: z.enum(S47_LEADS, 'must be SINGLE_AGENCY or JOINT'),
    strategy_discussion_on: localDate,
    conclusion: z.enum(S47_CONCLUSIONS, `must be one of ${S47_CONCLUSIONS.join(', ')}`),
    concluded_on: localDate,
    conference_held_on: z.preprocess(blankToUndefined, localDate.optional()),
    conference_decision: z.preprocess(
      blankToUndefined,
      z.enum(INITIAL_CONFERENCE_DECISIONS, 'must be PLAN or NO_PLAN').optional(),
    ),
    plan_category: z.preprocess(
      blankToUndefined,
      z.enum(CP_CATEGORIES, `must be one of ${CP_CATEGORIES.join(', ')}`).optional(),
    ),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (r.concluded_on < r.strategy_discussion_on) issue('concluded_on', 'is before strategy_discussion_on');
    if (r.conference_held_on) {
      if (r.conclusion !== 'SUBSTANTIATED_CONFERENCE')
        issue('conclusion', 'must be SUBSTANTIATED_CONFERENCE when an initial conference was held');
      if (r.conference_held_on < r.strategy_discussion_on)
        issue('conference_held_on', 'is before strategy_discussion_on');
      if (r.concluded_on > r.conference_held_on) issue('concluded_on', 'is after conference_held_on');
      if (!r.conference_decision) issue('conference_decision', 'is required when a conference was held');
    } else {
      if (r.conclusion === 'SUBSTANTIATED_CONFERENCE')
        issue('conclusion', 'a conference was needed: give conference_held_on, or the conclusion reached without one');
      if (r.conference_decision) issue('conference_decision', 'is given without conference_held_on');
    }
    if (r.conference_decision === 'PLAN' && !r.plan_category) issue('plan_category', 'is required with PLAN');
    if (r.conference_decision !== 'PLAN' && r.plan_category) issue('plan_category', 'is given only with PLAN');
  });

export interface EnquiryHistoryRowResult {
  row: number;
  outcome: 'CREATED' | 'SKIPPED' | 'REJECTED';
  reason?: string;
  id?: string;
}

export interface EnquiryHistoryImportResult {
  stored: boolean;
  rows: EnquiryHistoryRowResult[];
  counts: { created: number; skipped: number; rejected: number };
}

/** Loads an s47 enquiry history CSV exported from `sourceSystem`; see the module comment. */
export async function importEnquiryHistory(
  hub: Hub,
  csv: string,
  sourceSystem: string,
  actor = 'history-import',
): Promise<EnquiryHistoryImportResult> {
  if (!/^[A-Za-z0-9 ._-]{1,60}$/.test(sourceSystem))
    throw new Error('the source system must be 1–60 letters, digits, spaces or . _ -');
  const agency = hub.agencies.list().find((a) => a.kind === 'SOCIAL_CARE');
  if (!agency) throw new Error('the partnership has no social care agency to hold the history');
  const viewer = systemViewer('import', actor, { code: agency.code, kind: 'SOCIAL_CARE' });
  const ctx: RequestContext = createRequestContext(hub, {
    viewer,
    partnership: requirePartnership(),
    requestId: `enquiry-history-${Date.now()}`,
    operation: { type: 'import', name: 'importEnquiryHistory', documentHash: null },
  });
  const rejectedAll = (rows: EnquiryHistoryRowResult[]): EnquiryHistoryImportResult => ({
    stored: false,
    rows,
    counts: { created: 0, skipped: 0, rejected: rows.length },
  });

  let records: string[][];
  try {
    records = parseCsv(csv);
  } catch (e) {
    return rejectedAll([{ row: 0, outcome: 'REJECTED', reason: `file: ${(e as Error).message}` }]);
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  const problems: string[] = [];
  for (const c of REQUIRED_COLUMNS) if (!header.includes(c)) problems.push(`header: column ${c} is missing`);
  for (const h of header)
    if (!(ENQUIRY_HISTORY_COLUMNS as readonly string[]).includes(h))
      problems.push(`header: column ${h.slice(0, 40)} is not known`);
  if (problems.length) return rejectedAll(problems.map((reason) => ({ row: 1, outcome: 'REJECTED', reason })));

  type Ready = { row: number; reference: string; data: z.infer<typeof rowSchema>; personId: string };
  const ready: Ready[] = [];
  const results: EnquiryHistoryRowResult[] = [];
  const seen = new Set<string>();
  const checked = checkCsvRows(records, header, rowSchema);
  for (const x of checked.rejected) results.push({ row: x.row, outcome: 'REJECTED', reason: x.reason });
  for (const { row, data: d } of checked.rows) {
    const reasons: string[] = [];
    const reference = `MIGRATED:${sourceSystem}:${d.source_reference}`;
    if (seen.has(reference)) reasons.push('source_reference: appears twice in the file');
    seen.add(reference);
    const personId = await ctx.data.people.ownPersonIdBySource(sourceSystem, d.child_ref);
    if (!personId)
      reasons.push(`child_ref: no person imported by ${agency.code} from ${sourceSystem} has this reference`);
    if (reasons.length || !personId) results.push({ row, outcome: 'REJECTED', reason: reasons.join('; ') });
    else ready.push({ row, reference, data: d, personId });
  }
  if (results.length > 0) return rejectedAll(results.sort((a, b) => a.row - b.row));

  const stored = await ctx.data.transaction(async (tx, m) => {
    const out: EnquiryHistoryRowResult[] = [];
    for (const r of ready) {
      const existing = await tx.childProtection.enquiryIdBySourceReference(r.reference);
      if (existing) {
        out.push({ row: r.row, outcome: 'SKIPPED', id: existing });
        continue;
      }
      const d = r.data;
      const held = d.conference_held_on ?? null;
      const enquiry = {
        sourceReference: r.reference,
        personId: r.personId,
        owningAgency: agency.code,
        lead: d.lead,
        importer: `import:${actor}`,
        lastStrategyOn: d.strategy_discussion_on,
        icpcDueOn: icpcDueOn(d.strategy_discussion_on),
        status: held ? ('CONFERENCE_HELD' as const) : ('CLOSED' as const),
        conclusion: d.conclusion,
        concludedOn: d.concluded_on,
      };
      const id = await tx.childProtection.insertHistoricalEnquiry(enquiry);
      const changes = [{ entity: 's47_enquiry', id, before: null, after: enquiry }];
      if (held) {
        const conference = {
          kind: 'INITIAL' as const,
          personId: r.personId,
          enquiryId: id,
          planId: null,
          meetingId: null,
          dueOn: enquiry.icpcDueOn,
          heldOn: held,
          decision: d.conference_decision!,
          category: d.plan_category ?? null,
          leadSocialWorker: d.conference_decision === 'PLAN' ? 'Migrated record' : null,
          recordedBySub: enquiry.importer,
          recordedByName: 'Migrated record',
        };
        const conferenceId = await tx.childProtection.insertConference(conference);
        changes.push({ entity: 'cp_conference', id: conferenceId, before: null, after: { ...enquiry, ...conference } });
      }
      await appendAuditBatch(m, [changeEvent(ctx, 'CREATE', [r.personId], changes)]);
      out.push({ row: r.row, outcome: 'CREATED', id });
    }
    return out;
  });
  return {
    stored: true,
    rows: stored,
    counts: {
      created: stored.filter((r) => r.outcome === 'CREATED').length,
      skipped: stored.filter((r) => r.outcome === 'SKIPPED').length,
      rejected: 0,
    },
  };
}
