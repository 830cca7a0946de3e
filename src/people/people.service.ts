import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { canonicalJson, sha256 } from '../audit/audit-event';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import type { DataSet } from '../context/data-set';
import { insertSource, lockSource, setSourceHash } from './person-sources.repository';
import { badInput, conflict } from '../shared/errors';
import type { Asserted } from './identity-rule';
import { insertPerson, putAssertion, settledMatches, settleIdentity } from './identity.repository';
import { isFutureDate, parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import {
  DISABILITY_STATUSES,
  ETHNICITIES,
  isValidNhsNumber,
  normaliseNhsNumber,
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
    laPersonId: z
      .string()
      .max(50)
      .regex(/^[A-Za-z0-9-]+$/, 'may contain only letters, digits and hyphens')
      .nullish(),
    upn: z.string().max(13).regex(UPN_PATTERN, 'is not a valid unique pupil number').nullish(),
    address: safeText(300).nullish(),
    postcode: z
      .string()
      .max(10)
      .regex(/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, 'is not a UK postcode')
      .nullish(),
    ethnicity: z.enum(ETHNICITIES).nullish(),
    firstLanguage: safeText(50).min(1).nullish(),
    religion: safeText(50).min(1).nullish(),
    disability: z.enum(DISABILITY_STATUSES).nullish(),
    relationships: z
      .array(
        z.object({
          relatedPersonId: z.string().regex(UUID_PATTERN, 'is not a valid id'),
          type: z.enum(RELATIONSHIP_TYPES),
        }),
      )
      .max(50)
      .nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'UNBORN' && v.dateOfBirth)
      ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'an unborn child has no date of birth' });
    if (v.kind === 'UNBORN' && !v.expectedDateOfDelivery)
      ctx.addIssue({ code: 'custom', path: ['expectedDateOfDelivery'], message: 'is required for an unborn child' });
  });
export type PersonInput = z.input<typeof personInputSchema>;

export type UpsertOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'LINKED';

/**
 * How a person reaches the hub, which decides what a match on a strong identifier may do (ADR 005):
 * - IMPORT: the agency's trusted integration (bulk import). A match links the agency's source to the
 *   person (LINKED): the agency then holds the person.
 * - OFFICER: an interactive officer (`upsertPerson`). A match never links: the officer gets a
 *   provisional person of its own holding only its values, and the MASH is asked to confirm the match.
 * - REFERRAL: a referral's new subject. Never matched by the submission: a new (provisional, when it
 *   matches) person with no source of the referrer's agency; the MASH matches it at screening.
 */
export type IntakeChannel = 'IMPORT' | 'OFFICER' | 'REFERRAL';

/** The values this source asserts: only what it sent (absent means "this source does not say"). */
function assertedValues(input: z.output<typeof personInputSchema>): Asserted {
  const v: Record<string, string | null | undefined> = {
    kind: input.kind,
    givenName: input.givenName,
    familyName: input.familyName,
    otherNames: input.otherNames,
    dateOfBirth: input.dateOfBirth,
    expectedDateOfDelivery: input.expectedDateOfDelivery,
    sex: input.sex,
    nhsNumber: input.nhsNumber,
    pncId: input.pncId,
    laPersonId: input.laPersonId,
    upn: input.upn,
    address: input.address,
    postcode: input.postcode?.toUpperCase(),
    ethnicity: input.ethnicity,
    firstLanguage: input.firstLanguage,
    religion: input.religion,
    disability: input.disability,
  };
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined)) as Asserted;
}

/**
 * Ingest of a person from an agency's own system (or a referral's new subject). Idempotent on
 * (agency, source system, source reference): the same payload twice changes nothing. The source's
 * values are its assertion; the person's identity is derived from all sources' assertions and one
 * source never overwrites another's (ADR 005). What a strong-identifier match may do depends on the
 * channel (see `IntakeChannel`): only the trusted integration links to an existing person.
 */
export async function upsertPerson(
  ctx: RequestContext,
  raw: unknown,
  opts: {
    channel?: IntakeChannel;
    /** The caller's transaction, when the person is created as part of a larger change (a referral). */
    within?: EntityManager;
    /** A referral's new subject: the referral it belongs to (proposals name it). */
    referralId?: string | null;
  } = {},
): Promise<{ personId: string; outcome: UpsertOutcome }> {
  const channel = opts.channel ?? 'OFFICER';
  const input = parseInput(personInputSchema, raw);
  const agency = ctx.viewer.agency;
  const contentHash = sha256(canonicalJson(input));
  const asserted = assertedValues(input);
  const source = { agency, sourceSystem: input.sourceSystem, sourceReference: input.sourceReference };
  const kindOf = (code: string) => ctx.hub.agencies.kindOf(code);

  try {
    const data = opts.within ? ctx.data.in(opts.within) : ctx.data;
    return await data.transaction(async (tx, m) => {
      // A referral's subject is never an agency's source: the referrer's agency does not hold it.
      const known = channel === 'REFERRAL' ? null : await lockSource(m, source);
      if (known && known.contentHash === contentHash)
        return { personId: known.personId, outcome: 'UNCHANGED' as const };

      let personId: string;
      let outcome: UpsertOutcome;
      if (known) {
        personId = known.personId;
        outcome = 'UPDATED';
        await setSourceHash(m, source, contentHash);
      } else {
        const matches = await settledMatches(m, asserted);
        if (channel === 'IMPORT' && matches.length > 1) {
          throw conflict('The identifiers given belong to different people; resolve the duplicate first');
        }
        if (channel === 'IMPORT' && matches.length === 1) {
          personId = matches[0]!;
          outcome = 'LINKED';
        } else {
          // Interactive and referral intake: whether or not the identifiers matched, the caller gets a
          // person of its own with only its values; a match becomes a proposal for the MASH.
          personId = await insertPerson(m, asserted, agency, matches.length > 0, kindOf);
          outcome = 'CREATED';
        }
        if (channel !== 'REFERRAL') {
          await insertSource(m, personId, source, contentHash);
        }
      }
      const assertion = await putAssertion(m, personId, source, channel, asserted);
      const settled = await settleIdentity(m, personId, {
        agency,
        onCollision: channel === 'IMPORT' ? 'CONFLICT' : 'PROPOSE',
        referralId: opts.referralId ?? null,
        kindOf,
      });
      const relationshipChanges = await addRelationships(ctx, tx, personId, input.relationships ?? []);
      await appendAuditBatch(m, [
        changeEvent(
          ctx,
          outcome === 'CREATED' ? 'CREATE' : 'UPDATE',
          [personId, ...relationshipChanges.map((r) => r.relatedPersonId)],
          [
            {
              entity: 'person',
              id: personId,
              before: outcome === 'CREATED' ? null : settled.before,
              after: settled.after,
            },
            { entity: 'identity_assertion', id: assertion.id, before: assertion.before, after: { channel, asserted } },
            ...settled.proposals.map((id) => ({
              entity: 'data_quality_issue',
              id,
              before: null,
              after: { kind: 'MATCH_PROPOSAL', status: 'OPEN' },
            })),
            ...settled.issues.map((i) => ({
              entity: 'data_quality_issue',
              id: i.id,
              before: null,
              after: { kind: 'IDENTITY_CONFLICT', field: i.field, status: i.status },
            })),
            ...relationshipChanges.map((r) => ({ entity: 'person_relationship', id: r.id, before: null, after: r })),
          ],
        ),
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

async function addRelationships(
  ctx: RequestContext,
  tx: DataSet,
  personId: string,
  relationships: Array<{ relatedPersonId: string; type: string }>,
): Promise<Array<{ id: string; personId: string; relatedPersonId: string; type: string }>> {
  const out = [];
  for (const [i, r] of relationships.entries()) {
    if (r.relatedPersonId === personId)
      throw badInput(`input.relationships.${i}.relatedPersonId`, 'a person cannot be related to themselves');
    // The related person must be someone the viewer may reach (or the agency already holds).
    const reachable = await ctx.data.people.findPerson(r.relatedPersonId);
    if (!reachable) throw badInput(`input.relationships.${i}.relatedPersonId`, 'person not found');
    const id = await tx.people.addRelationship(personId, r.relatedPersonId, r.type);
    if (id) out.push({ id, personId, relatedPersonId: r.relatedPersonId, type: r.type });
  }
  return out;
}
