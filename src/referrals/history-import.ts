import { z } from 'zod';
import { systemViewer } from '../access-policy/system-viewer';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { Hub, RequestContext } from '../context/context';
import { createRequestContext } from '../context/context-factory';
import { requirePartnership } from '../db/partnership-scope';
import { checkCsvRows, parseCsv } from '../shared/csv';
import { safeText } from '../shared/validation';
import { acknowledgedDecisionBy, decisionDueAt } from './clocks';
import {
  CONCERN_CATEGORIES,
  DECISION_OUTCOMES,
  ARTICLE_6_BASES,
  LAWFUL_BASES,
  RAGS,
  REFERRAL_SOURCES,
  SPECIAL_CATEGORY_CONDITIONS,
  type Article6Basis,
  type LawfulBasis,
  type RagRating,
  type ReferralSource,
  type SpecialCategoryCondition,
} from './vocabulary';
import { shareBasisOf, shareBasisProblems } from './lawful-basis';

/**
 * History import (issue 20, ADR 019): a partnership moving to the hub loads its past decided contacts
 * from a CSV so its first reports can be checked against the figures it already publishes. Imported
 * contacts are referral rows like live ones (closed, with their original times), so they feed the
 * measures exactly as live work does. Children are named by the source references under which the
 * partnership's social care feed imported them (`npm run import`, person lines): the import never
 * creates or matches a person.
 *
 * All or nothing: every row is checked first (and its children found); if any row is wrong, the
 * result lists every wrong row with the column and reason (never a value) and nothing is stored.
 * Otherwise all new rows are stored in one transaction, each audited; a row whose source reference was
 * imported before is skipped, so a file can be loaded again.
 *
 * Columns (header row, any order): source_reference, received_at, source, submitting_agency,
 * referrer_organisation, referrer_role, child_refs (';'-separated), concern_categories (';'), rag,
 * outcome, decided_at, consent_given (true/false), consent_reason, article6_basis,
 * special_category_condition (ADR 025), or the deprecated single lawful_basis of older exports.
 */

export const HISTORY_COLUMNS = [
  'source_reference',
  'received_at',
  'source',
  'submitting_agency',
  'referrer_organisation',
  'referrer_role',
  'child_refs',
  'concern_categories',
  'rag',
  'outcome',
  'decided_at',
  'consent_given',
  'consent_reason',
  'lawful_basis',
  'article6_basis',
  'special_category_condition',
] as const;
const REQUIRED_COLUMNS = [
  'source_reference',
  'received_at',
  'source',
  'child_refs',
  'outcome',
  'decided_at',
  'consent_given',
] as const;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const instant = z
  .string()
  .regex(ISO_DATE_TIME, 'must be an ISO 8601 date-time with its offset, such as 2024-05-01T10:00:00+01:00')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date-time')
  .transform((s) => new Date(s));
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const list = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean)
    : v;

const rowSchema = z
  .object({
    source_reference: safeText(200).refine((s) => s.trim().length > 0, 'is required'),
    received_at: instant,
    source: z.enum(
      REFERRAL_SOURCES as [ReferralSource, ...ReferralSource[]],
      'is not a census referral-source code of the hub (see ReferralSource)',
    ),
    submitting_agency: z.preprocess(blankToUndefined, z.string().max(40).optional()),
    referrer_organisation: z.preprocess(blankToUndefined, safeText(200).optional()),
    referrer_role: z.preprocess(blankToUndefined, safeText(200).optional()),
    child_refs: z.preprocess(list, z.array(safeText(200)).min(1, 'name at least one child').max(20)),
    concern_categories: z.preprocess(
      list,
      z
        .array(z.enum(CONCERN_CATEGORIES, 'holds an unknown concern category'))
        .max(CONCERN_CATEGORIES.length)
        .optional(),
    ),
    rag: z.preprocess(blankToUndefined, z.enum(RAGS, 'must be RED, AMBER or GREEN').optional()),
    outcome: z.enum(DECISION_OUTCOMES, 'is not a decision outcome of the hub (history holds decided contacts)'),
    decided_at: instant,
    consent_given: z.enum(['true', 'false'], 'must be true or false'),
    consent_reason: z.preprocess(blankToUndefined, safeText(2000).optional()),
    lawful_basis: z.preprocess(blankToUndefined, z.enum(LAWFUL_BASES, 'is not a lawful basis of the hub').optional()),
    article6_basis: z.preprocess(
      blankToUndefined,
      z.enum(ARTICLE_6_BASES, 'is not an Article 6 basis of the hub').optional(),
    ),
    special_category_condition: z.preprocess(
      blankToUndefined,
      z.enum(SPECIAL_CATEGORY_CONDITIONS, 'is not an Article 9 / Schedule 1 condition of the hub').optional(),
    ),
  })
  .superRefine((r, ctx) => {
    if (r.decided_at < r.received_at)
      ctx.addIssue({ code: 'custom', path: ['decided_at'], message: 'is before received_at' });
    if (r.decided_at > new Date()) ctx.addIssue({ code: 'custom', path: ['decided_at'], message: 'is in the future' });
    const basis = basisOf(r);
    if (r.consent_given !== 'true' && !basis.article6Basis)
      ctx.addIssue({
        code: 'custom',
        path: ['article6_basis'],
        message: 'is required when consent was not given (or lawful_basis, in older exports)',
      });
    // The same rules as a live share, named by the file's columns.
    const column: Record<string, string> = {
      lawfulBasis: 'lawful_basis',
      article6Basis: 'article6_basis',
      specialCategoryCondition: 'special_category_condition',
      consentGiven: 'consent_given',
    };
    const given = r.consent_given === 'true';
    for (const p of shareBasisProblems({
      lawfulBasis: r.lawful_basis,
      article6Basis: r.article6_basis,
      specialCategoryCondition: r.special_category_condition,
      consentGiven: given,
      consentSought: given ? true : null,
    }))
      ctx.addIssue({ code: 'custom', path: [column[p.field] ?? p.field], message: p.message });
  });

const basisOf = (r: {
  lawful_basis?: LawfulBasis;
  article6_basis?: Article6Basis;
  special_category_condition?: SpecialCategoryCondition;
}) =>
  shareBasisOf({
    lawfulBasis: r.lawful_basis,
    article6Basis: r.article6_basis,
    specialCategoryCondition: r.special_category_condition,
  });

export interface HistoryRowResult {
  /** The CSV record number (the header is record 1). */
  row: number;
  outcome: 'CREATED' | 'SKIPPED' | 'REJECTED';
  /** For rejected rows: the column and why, never the value. */
  reason?: string;
  id?: string;
}

export interface HistoryImportResult {
  stored: boolean;
  rows: HistoryRowResult[];
  counts: { created: number; skipped: number; rejected: number };
}

const referenceOf = (system: string, ref: string) => `MIGRATED:${system}:${ref}`;

/** Loads a history CSV exported from `sourceSystem` (e.g. "Mosaic"); see the module comment. */
export async function importHistory(
  hub: Hub,
  csv: string,
  sourceSystem: string,
  actor = 'history-import',
): Promise<HistoryImportResult> {
  if (!/^[A-Za-z0-9 ._-]{1,60}$/.test(sourceSystem))
    throw new Error('the source system must be 1–60 letters, digits, spaces or . _ -');
  const agency = hub.agencies.list().find((a) => a.kind === 'SOCIAL_CARE');
  if (!agency) throw new Error('the partnership has no social care agency to hold the history');
  const viewer = systemViewer('import', actor, { code: agency.code, kind: 'SOCIAL_CARE' });
  const ctx: RequestContext = createRequestContext(hub, {
    viewer,
    partnership: requirePartnership(),
    requestId: `history-${Date.now()}`,
    operation: { type: 'import', name: 'importHistory', documentHash: null },
  });

  let records: string[][];
  try {
    records = parseCsv(csv);
  } catch (e) {
    return {
      stored: false,
      rows: [{ row: 0, outcome: 'REJECTED', reason: `file: ${(e as Error).message}` }],
      counts: { created: 0, skipped: 0, rejected: 1 },
    };
  }
  const header = (records[0] ?? []).map((h) => h.trim());
  const problems: string[] = [];
  for (const c of REQUIRED_COLUMNS) if (!header.includes(c)) problems.push(`header: column ${c} is missing`);
  for (const h of header)
    if (!(HISTORY_COLUMNS as readonly string[]).includes(h))
      problems.push(`header: column ${h.slice(0, 40)} is not known`);
  if (problems.length)
    return {
      stored: false,
      rows: problems.map((reason) => ({ row: 1, outcome: 'REJECTED', reason })),
      counts: { created: 0, skipped: 0, rejected: problems.length },
    };

  type Ready = { row: number; reference: string; data: z.infer<typeof rowSchema>; children: string[] };
  const ready: Ready[] = [];
  const results: HistoryRowResult[] = [];
  const seen = new Set<string>();
  const checked = checkCsvRows(records, header, rowSchema);
  for (const x of checked.rejected) results.push({ row: x.row, outcome: 'REJECTED', reason: x.reason });
  for (const { row, data: d } of checked.rows) {
    const reasons: string[] = [];
    if (d.submitting_agency && !hub.agencies.kindOf(d.submitting_agency))
      reasons.push('submitting_agency: is not an agency of this partnership');
    const reference = referenceOf(sourceSystem, d.source_reference);
    if (seen.has(reference)) reasons.push('source_reference: appears twice in the file');
    seen.add(reference);
    const children: string[] = [];
    for (const [j, ref] of d.child_refs.entries()) {
      const id = await ctx.data.people.ownPersonIdBySource(sourceSystem, ref);
      if (id) children.push(id);
      else
        reasons.push(`child_refs.${j}: no person imported by ${agency.code} from ${sourceSystem} has this reference`);
    }
    if (reasons.length) results.push({ row, outcome: 'REJECTED', reason: reasons.join('; ') });
    else ready.push({ row, reference, data: d, children: [...new Set(children)] });
  }
  const rejected = results.length;
  if (rejected > 0)
    return { stored: false, rows: results.sort((a, b) => a.row - b.row), counts: { created: 0, skipped: 0, rejected } };

  const stored = await ctx.data.transaction(async (tx, m) => {
    const out: HistoryRowResult[] = [];
    for (const r of ready) {
      const existing = await tx.referrals.referralIdByReference(r.reference);
      if (existing) {
        out.push({ row: r.row, outcome: 'SKIPPED', id: existing });
        continue;
      }
      const d = r.data;
      const after = {
        reference: r.reference,
        importer: `import:${actor}`,
        submittingAgency: d.submitting_agency ?? agency.code,
        source: d.source,
        referrerOrganisation: d.referrer_organisation ?? null,
        referrerRole: d.referrer_role ?? null,
        concernCategories: [...new Set(d.concern_categories?.length ? d.concern_categories : ['OTHER'])].sort(),
        narrative: `Migrated from ${sourceSystem} (${d.source_reference}); the record itself stays in ${sourceSystem}.`,
        consentGiven: d.consent_given === 'true',
        consentReason: d.consent_reason ?? null,
        ...basisOf(d),
        rag: d.rag ?? null,
        receivedAt: d.received_at,
        decisionDueAt: decisionDueAt((d.rag ?? 'AMBER') as RagRating, d.received_at),
        acknowledgedDecisionBy: acknowledgedDecisionBy(d.received_at),
        outcome: d.outcome,
        decidedAt: d.decided_at,
      };
      const id = await tx.referrals.insertHistoricalContact(after);
      await tx.referrals.addSubjects(id, r.children);
      await appendAuditBatch(m, [
        changeEvent(ctx, 'CREATE', r.children, [
          { entity: 'referral', id, before: null, after: { ...after, subjects: r.children } },
        ]),
      ]);
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
