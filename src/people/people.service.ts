import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { canonicalJson, sha256 } from '../audit/audit-event';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import { badInput, conflict } from '../shared/errors';
import { isFutureDate, parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import {
  DISABILITY_STATUSES,
  ETHNICITIES,
  isValidNhsNumber,
  normaliseNhsNumber,
  NOT_PROVIDED_BY_SOURCE,
  PERSON_KINDS,
  PNC_PATTERN,
  RELATIONSHIP_TYPES,
  SEXES,
  UPN_PATTERN,
} from './vocabulary';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const personInputSchema = z
  .object({
    sourceSystem: safeText(100).min(1, 'is required'),
    sourceReference: safeText(200).min(1, 'is required'),
    kind: z.enum(PERSON_KINDS),
    givenName: safeText(100).min(1, 'is required'),
    familyName: safeText(100).min(1, 'is required'),
    otherNames: safeText(200).nullish(),
    dateOfBirth: isoDate.refine((d) => !isFutureDate(d), 'must not be in the future').nullish(),
    expectedDateOfDelivery: isoDate.nullish(),
    sex: z.enum(SEXES).nullish(),
    nhsNumber: z
      .string()
      .max(20)
      .refine(isValidNhsNumber, 'is not a valid NHS number (check digit)')
      .transform(normaliseNhsNumber)
      .nullish(),
    pncId: z.string().max(20).regex(PNC_PATTERN, 'is not a valid PNC id (e.g. 2019/0123456A)').nullish(),
    laPersonId: z.string().max(50).regex(/^[A-Za-z0-9-]+$/, 'may contain only letters, digits and hyphens').nullish(),
    upn: z.string().max(13).regex(UPN_PATTERN, 'is not a valid unique pupil number').nullish(),
    address: safeText(300).nullish(),
    postcode: z.string().max(10).regex(/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, 'is not a UK postcode').nullish(),
    ethnicity: z.enum(ETHNICITIES).nullish(),
    firstLanguage: safeText(50).min(1).nullish(),
    religion: safeText(50).min(1).nullish(),
    disability: z.enum(DISABILITY_STATUSES).nullish(),
    relationships: z
      .array(z.object({ relatedPersonId: z.string().regex(UUID_PATTERN, 'is not a valid id'), type: z.enum(RELATIONSHIP_TYPES) }))
      .max(50)
      .nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'UNBORN' && v.dateOfBirth) ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'an unborn child has no date of birth' });
    if (v.kind === 'UNBORN' && !v.expectedDateOfDelivery)
      ctx.addIssue({ code: 'custom', path: ['expectedDateOfDelivery'], message: 'is required for an unborn child' });
  });
export type PersonInput = z.input<typeof personInputSchema>;

export type UpsertOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'LINKED';

/** Values meaning "this source does not know": they never overwrite a known value. */
const UNKNOWN_MARKERS: Record<string, string[]> = {
  sex: ['NOT_RECORDED'],
  ethnicity: ['NOT_RECORDED', 'NOT_PROVIDED_BY_SOURCE'],
  first_language: ['NOT_RECORDED', 'NOT_PROVIDED_BY_SOURCE'],
  religion: ['NOT_RECORDED', 'NOT_PROVIDED_BY_SOURCE'],
  disability: ['NOT_RECORDED', 'NOT_PROVIDED_BY_SOURCE'],
};
const ALWAYS_SET = new Set(['kind', 'given_name', 'family_name']);

const IDENTIFIER_COLUMNS = [
  ['nhsNumber', 'nhs_number'],
  ['pncId', 'pnc_id'],
  ['laPersonId', 'la_person_id'],
  ['upn', 'upn'],
] as const;

/**
 * Ingest of people from an agency's own system. Idempotent on (agency, source system, source
 * reference): the same payload twice changes nothing. A new source is linked to an existing person
 * when a strong identifier matches, so two agencies' records of the same child meet.
 */
export async function upsertPerson(
  ctx: RequestContext,
  raw: unknown,
  /** The caller's transaction, when the person is created as part of a larger change (a referral). */
  within?: EntityManager,
): Promise<{ personId: string; outcome: UpsertOutcome }> {
  const input = parseInput(personInputSchema, raw);
  const agency = ctx.viewer.agency;
  const contentHash = sha256(canonicalJson(input));
  const values = {
    kind: input.kind,
    given_name: input.givenName,
    family_name: input.familyName,
    other_names: input.otherNames ?? null,
    date_of_birth: input.dateOfBirth ?? null,
    expected_date_of_delivery: input.expectedDateOfDelivery ?? null,
    sex: input.sex ?? 'NOT_RECORDED',
    nhs_number: input.nhsNumber ?? null,
    pnc_id: input.pncId ?? null,
    la_person_id: input.laPersonId ?? null,
    upn: input.upn ?? null,
    address: input.address ?? null,
    postcode: input.postcode?.toUpperCase() ?? null,
    ethnicity: input.ethnicity ?? NOT_PROVIDED_BY_SOURCE,
    first_language: input.firstLanguage ?? NOT_PROVIDED_BY_SOURCE,
    religion: input.religion ?? NOT_PROVIDED_BY_SOURCE,
    disability: input.disability ?? NOT_PROVIDED_BY_SOURCE,
  };

  try {
    const inTransaction = <T>(work: (m: EntityManager) => Promise<T>): Promise<T> =>
      within ? work(within) : ctx.hub.dataSource.transaction(work);
    return await inTransaction(async (m) => {
      const source: Array<{ person_id: string; content_hash: string }> = await m.query(
        `SELECT person_id, content_hash FROM person_source
          WHERE agency_code = $1 AND source_system = $2 AND source_ref = $3 FOR UPDATE`,
        [agency, input.sourceSystem, input.sourceReference],
      );
      let personId: string | undefined = source[0]?.person_id;
      if (source[0] && source[0].content_hash === contentHash) return { personId: source[0].person_id, outcome: 'UNCHANGED' as const };

      let outcome: UpsertOutcome;
      let before: Record<string, unknown> | null = null;
      if (!personId) {
        personId = await matchByIdentifier(m, input);
        if (personId !== undefined) {
          outcome = 'LINKED';
        } else {
          const cols = Object.keys(values);
          const inserted: Array<{ id: string }> = await m.query(
            `INSERT INTO person (${cols.join(', ')}, created_by_agency)
             VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}, $${cols.length + 1}) RETURNING id`,
            [...Object.values(values), agency],
          );
          personId = inserted[0]!.id;
          outcome = 'CREATED';
        }
        await m.query(
          `INSERT INTO person_source (person_id, agency_code, source_system, source_ref, content_hash) VALUES ($1, $2, $3, $4, $5)`,
          [personId, agency, input.sourceSystem, input.sourceReference, contentHash],
        );
      } else {
        outcome = 'UPDATED';
        await m.query(`UPDATE person_source SET content_hash = $4 WHERE agency_code = $1 AND source_system = $2 AND source_ref = $3`, [
          agency,
          input.sourceSystem,
          input.sourceReference,
          contentHash,
        ]);
      }
      const id: string = personId!;
      personId = id;
      if (outcome !== 'CREATED') {
        const rows: Array<Record<string, unknown>> = await m.query(
          `SELECT ${Object.keys(values).join(', ')} FROM person WHERE id = $1 FOR UPDATE`,
          [personId],
        );
        before = rows[0]!;
        // Several agencies feed one person: a source that does not know a value never erases what
        // another source provided (an absent PNC id from a health feed keeps the police one).
        const sets = Object.keys(values).map((c, i) => {
          const v = `$${i + 2}`;
          if (UNKNOWN_MARKERS[c]) return `${c} = CASE WHEN ${v} = ANY(${`'{${UNKNOWN_MARKERS[c]!.join(',')}}'`}::text[]) THEN ${c} ELSE ${v} END`;
          if (ALWAYS_SET.has(c)) return `${c} = ${v}`;
          return `${c} = COALESCE(${v}, ${c})`;
        });
        await m.query(`UPDATE person SET ${sets.join(', ')}, updated_at = now(), version = version + 1 WHERE id = $1`, [
          personId,
          ...Object.values(values),
        ]);
      }
      const relationshipChanges = await addRelationships(ctx, m, personId, input.relationships ?? []);
      await appendAuditBatch(m, [
        changeEvent(ctx, outcome === 'CREATED' ? 'CREATE' : 'UPDATE', [personId, ...relationshipChanges.map((r) => r.relatedPersonId)], [
          { entity: 'person', id: personId, before, after: values },
          ...relationshipChanges.map((r) => ({ entity: 'person_relationship', id: r.id, before: null, after: r })),
        ]),
      ]);
      return { personId, outcome };
    });
  } catch (e) {
    if ((e as { code?: string }).code === '23505') {
      throw conflict('An identifier in this person is already held by a different person');
    }
    throw e;
  }
}

async function matchByIdentifier(m: EntityManager, input: z.output<typeof personInputSchema>): Promise<string | undefined> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  for (const [key, col] of IDENTIFIER_COLUMNS) {
    const v = input[key];
    if (v) {
      params.push(v);
      conditions.push(`${col} = $${params.length}`);
    }
  }
  if (!conditions.length) return undefined;
  const rows: Array<{ id: string }> = await m.query(`SELECT id FROM person WHERE ${conditions.join(' OR ')} FOR UPDATE`, params);
  const ids = [...new Set(rows.map((r) => r.id))];
  if (ids.length > 1) throw conflict('The identifiers given belong to different people; resolve the duplicate first');
  return ids[0];
}

async function addRelationships(
  ctx: RequestContext,
  m: EntityManager,
  personId: string,
  relationships: Array<{ relatedPersonId: string; type: string }>,
): Promise<Array<{ id: string; personId: string; relatedPersonId: string; type: string }>> {
  const out = [];
  for (const [i, r] of relationships.entries()) {
    if (r.relatedPersonId === personId) throw badInput(`input.relationships.${i}.relatedPersonId`, 'a person cannot be related to themselves');
    // The related person must be someone the viewer may reach (or the agency already holds).
    const reachable = await ctx.people.findPerson(r.relatedPersonId);
    if (!reachable) throw badInput(`input.relationships.${i}.relatedPersonId`, 'person not found');
    const rows: Array<{ id: string }> = await m.query(
      `INSERT INTO person_relationship (person_id, related_person_id, type, recorded_by_agency) VALUES ($1, $2, $3, $4)
       ON CONFLICT (person_id, related_person_id, type) DO NOTHING RETURNING id`,
      [personId, r.relatedPersonId, r.type, ctx.viewer.agency],
    );
    if (rows[0]) out.push({ id: rows[0].id, personId, relatedPersonId: r.relatedPersonId, type: r.type });
  }
  return out;
}
