import { PURPOSES } from '../access-policy/vocabulary';
import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { z } from 'zod';
import type { RequestContext } from '../context/context';
import { badInput } from '../shared/errors';
import { pageInfoOf } from '../shared/page-info.type';
import { checkConnectionFirst, checkPageSize, decodeCursor } from '../shared/pagination';
import { parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { queryAccessLog, type AccessLogEntry as LogEntry, type AccessLogFilter, type Cursor } from './access-log';
import { checkAnchor, loadAnchorKey, type SignedAnchor } from './anchor';
import { verifyAuditChain } from './chain-verify';
import { exportAccessLog, type ExportFormat } from './export';
import { graphqlEnum } from '../shared/enums';
import { GUARD } from '../access-policy/request-access';
import {
  AccessLogConnection,
  AccessLogEntry,
  AccessLogFilterInput,
  AccessLogPageType,
  AccessLogSubject,
  AuditChainVerification,
} from './audit.types';

const filterSchema = z
  .object({
    personId: z.string().regex(UUID_PATTERN, 'is not a valid id').nullish(),
    actorSub: safeText(200).min(1).nullish(),
    agency: safeText(100).min(1).nullish(),
    purpose: z.string().nullish(),
    from: z.date().nullish(),
    to: z.date().nullish(),
    breakGlass: z.boolean().nullish(),
    withoutRelationship: z.boolean().nullish(),
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, { path: ['to'], message: 'must be after from' });

/** Validates an IG filter (BAD_USER_INPUT naming the field, never the value). */
export function parseAccessLogFilter(input: AccessLogFilterInput | null | undefined): AccessLogFilter {
  return parseInput(filterSchema, { ...(input ?? {}) }, 'filter') as AccessLogFilter;
}

export function parseAccessLogCursor(after: string | null | undefined): Cursor | null {
  const c = decodeCursor(after, 2);
  if (!c) return null;
  const [at, id] = c;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !UUID_PATTERN.test(id)) {
    throw badInput('after', 'is not a valid cursor');
  }
  return [at, id];
}

export const AuditExportFormatEnum = graphqlEnum(
  ['CSV', 'FHIR_NDJSON'] as const,
  'AuditExportFormat',
  'CSV for a subject access request; FHIR R4 AuditEvent NDJSON (IHE BALP)',
);
/** An export is one string: above this many events, narrow the filter (or use `npm run audit:export`). */
const MAX_EXPORT_EVENTS = 10000;

/** The IG reads are audited even when they show nobody, and show each person's entry as a guarded object. */
function startIgRead(ctx: RequestContext): void {
  ctx.access.declarePurpose('IG_AUDIT');
  ctx.access.alwaysAudit = true;
}

function toGraph(ctx: RequestContext, e: LogEntry): AccessLogEntry {
  return {
    eventId: e.eventId,
    occurredAt: new Date(e.occurredAt),
    requestId: e.requestId,
    actor: { sub: e.actor.sub, name: e.actor.name, agency: e.actor.agency, roles: [...e.actor.roles] },
    purpose: e.purpose,
    purposeOfUse: e.purpose && (PURPOSES as readonly string[]).includes(e.purpose) ? e.purpose : null,
    operationType: e.operationType,
    operationName: e.operationName,
    action: e.action,
    outcome: e.outcome,
    errorCodes: e.errorCodes,
    breakGlassReason: e.breakGlass?.reason ?? null,
    // Each person's entry is released through the field guard, so this read's own audit event names
    // every person whose access history the auditor saw.
    subjects: e.subjects.map((s) =>
      ctx.access.guard(Object.assign(new AccessLogSubject(), s), { owner: null, relationships: new Set() }, [
        s.personId,
      ]),
    ),
  };
}

/** The information-governance side of the audit (C5): IG_AUDITOR only (shield.ts); every call is audited. */
@Resolver()
export class AuditResolver {
  @Query(() => AuditChainVerification, {
    description: 'Recompute the audit hash chain; optionally against a previously exported head (npm run audit:anchor)',
  })
  async verifyAuditChain(
    @Arg('anchor', () => String, { nullable: true }) anchorText: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AuditChainVerification> {
    startIgRead(ctx);
    let anchor: SignedAnchor | null = null;
    if (anchorText != null) {
      if (anchorText.length > 2000) throw badInput('anchor', 'must be at most 2000 characters');
      const checked = checkAnchor(anchorText, loadAnchorKey(ctx.hub.config.dataDir));
      if ('error' in checked) throw badInput('anchor', checked.error);
      anchor = checked.anchor;
    }
    return verifyAuditChain(ctx.hub.dataSource, { anchor, partnership: ctx.partnership });
  }

  @Query(() => AccessLogPageType, {
    description: 'Who saw what: audited operations, newest first, with the fields released and redacted per person',
    deprecationReason: 'Use accessLogEntries: the same log as a Relay connection (ADR 021)',
  })
  async accessLog(
    @Arg('filter', () => AccessLogFilterInput, { nullable: true }) filter: AccessLogFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AccessLogPageType> {
    startIgRead(ctx);
    const f = parseAccessLogFilter(filter);
    const n = checkPageSize(first, ctx.hub.config.maxPageSize);
    const page = await queryAccessLog(ctx.hub.dataSource, ctx.hub.agencies, f, n, parseAccessLogCursor(after));
    return {
      entries: page.entries.map((e) => toGraph(ctx, e)),
      endCursor: page.endCursor,
      hasNextPage: page.hasNextPage,
    };
  }

  @Query(() => AccessLogConnection, {
    description:
      'Who saw what: audited operations, newest first, with the fields released and redacted per person (a Relay connection; `first: 0` answers an empty page)',
  })
  async accessLogEntries(
    @Arg('filter', () => AccessLogFilterInput, { nullable: true }) filter: AccessLogFilterInput | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AccessLogConnection> {
    startIgRead(ctx);
    const f = parseAccessLogFilter(filter);
    const n = checkConnectionFirst(first, ctx.hub.config.maxPageSize);
    const page = await queryAccessLog(ctx.hub.dataSource, ctx.hub.agencies, f, n, parseAccessLogCursor(after));
    const edges = page.entries.map((e, i) => ({ cursor: page.cursors[i]!, node: toGraph(ctx, e) }));
    return { edges, pageInfo: pageInfoOf(edges, page.hasNextPage, page.endCursor) };
  }

  @Query(() => String, {
    description:
      'The access log as CSV (subject access request) or FHIR R4 AuditEvent NDJSON (IHE BALP); one line per event and person',
  })
  async exportAccessLog(
    @Arg('filter', () => AccessLogFilterInput) filter: AccessLogFilterInput,
    @Arg('format', () => AuditExportFormatEnum) format: ExportFormat,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    startIgRead(ctx);
    const f = parseAccessLogFilter(filter);
    const people = new Set<string>();
    const result = await exportAccessLog(ctx.hub.dataSource, ctx.hub.agencies, f, format, MAX_EXPORT_EVENTS, (e) => {
      for (const s of e.subjects) people.add(s.personId);
    });
    if ('tooMany' in result)
      throw badInput(
        'filter',
        `matches more than ${MAX_EXPORT_EVENTS} events; narrow the period or use npm run audit:export`,
      );
    // The export discloses every listed person's access history: record them in this read's audit.
    for (const personId of people) {
      const guarded = ctx.access.guard({}, { owner: null, relationships: new Set() }, [personId]);
      ctx.access.released(guarded[GUARD], `Query.exportAccessLog.${format}`);
    }
    return result.text;
  }
}
