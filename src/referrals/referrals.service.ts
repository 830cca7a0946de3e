import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { OUT_OF_HOURS_ROLES } from '../access-policy/vocabulary';
import { canonicalJson, sha256, type AuditChange } from '../audit/audit-event';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import type { DataSet } from '../context/data-set';
import { changeVersioned, type VersionedKind, type VersionedWork } from '../context/versioned-change';
import { notifyEvent } from '../events/notify';
import { personInputSchema, upsertPerson } from '../people/people.service';
import { badInput, conflict, invalidTransition, notFound } from '../shared/errors';
import { assertUuid, foldDeprecatedAlias, parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { acknowledgedDecisionBy, checkDueAt, decisionDueAt } from './clocks';
import {
  article6BasisSchema,
  legacyLawfulBasisSchema,
  refineShareBasis,
  shareBasisOf,
  specialCategoryConditionSchema,
} from './lawful-basis';
import { applyTransition, TERMINAL_STATUSES, type Transition } from './referral-state-machine';
import {
  CHOSEN_CHECK_CLOSURE_REASONS,
  CONCERN_CATEGORIES,
  DECISION_OUTCOMES,
  IDEMPOTENCY_KEY_MAX,
  RAGS,
  REFERRAL_SOURCES,
  SOURCE_BY_SUBMITTING_AGENCY_KIND,
  THRESHOLD_LEVELS,
  type ReferralSource,
  type CheckClosureReason,
  type RagRating,
  type ReferralStatus,
} from './vocabulary';

/**
 * Referral triage rules (docs/reference/product.md C3). Every change: scope check (out of scope is NOT_FOUND),
 * the state machine, an explicit `WHERE version = $n` (stale → CONFLICT with the current version),
 * the audit event in the same transaction, and a `referral` event published on commit.
 */

const requiredText = (max: number) => safeText(max).refine((s) => s.trim().length > 0, 'is required');

const newPersonSchema = z.object({
  kind: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  otherNames: z.string().nullish(),
  dateOfBirth: z.string().nullish(),
  expectedDateOfDelivery: z.string().nullish(),
  sex: z.string().nullish(),
  nhsNumber: z.string().nullish(),
  address: z.string().nullish(),
  postcode: z.string().nullish(),
});

const submitSchema = z
  .object({
    subjects: z
      .array(
        z
          .object({
            personId: z.string().regex(UUID_PATTERN, 'is not a valid id').nullish(),
            newPerson: newPersonSchema.nullish(),
          })
          .refine((s) => (s.personId ? 1 : 0) + (s.newPerson ? 1 : 0) === 1, 'give either personId or newPerson'),
      )
      .min(1, 'at least one subject is required')
      .max(20),
    referrerContact: safeText(300).nullish(),
    source: z.enum(REFERRAL_SOURCES as [ReferralSource, ...ReferralSource[]]).nullish(),
    referrerOrganisation: safeText(200).nullish(),
    referrerRole: safeText(200).nullish(),
    concernCategories: z
      .array(z.enum(CONCERN_CATEGORIES))
      .min(1, 'at least one concern category is required')
      .max(CONCERN_CATEGORIES.length),
    narrative: requiredText(20000),
    consentSought: z.boolean(),
    consentGiven: z.boolean().nullish(),
    consentReason: safeText(2000).nullish(),
    lawfulBasis: legacyLawfulBasisSchema.nullish(),
    article6Basis: article6BasisSchema.nullish(),
    specialCategoryCondition: specialCategoryConditionSchema.nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.consentGiven !== true) {
      if (!shareBasisOf(v).article6Basis)
        ctx.addIssue({
          code: 'custom',
          path: ['article6Basis'],
          message: 'is required when sharing without consent (UK GDPR Article 6)',
        });
      if (!v.consentReason?.trim())
        ctx.addIssue({
          code: 'custom',
          path: ['consentReason'],
          message: 'say why consent was not sought or not given',
        });
    }
    refineShareBasis(v, ctx);
  });
export type SubmitReferralInput = z.input<typeof submitSchema>;

const idempotencyKeySchema = z
  .string()
  .min(1, 'is required')
  .max(IDEMPOTENCY_KEY_MAX, `must be at most ${IDEMPOTENCY_KEY_MAX} characters`)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

function publish(m: EntityManager, referralId: string, status: string): Promise<void> {
  return notifyEvent(m, { topic: 'referral', payload: { referralId, status } });
}

/** A new person's LocalDate fields folded into the deprecated String ones (ADR 021), before the rules and the idempotency hash. */
function withTypedDates(raw: unknown): unknown {
  const input = raw as { subjects?: unknown } | null;
  if (!input || typeof input !== 'object' || !Array.isArray(input.subjects)) return raw;
  const subjects = input.subjects.map((s: unknown, i: number) => {
    const subject = s as { newPerson?: object | null } | null;
    if (!subject || typeof subject !== 'object' || !subject.newPerson) return s;
    const path = `input.subjects.${i}.newPerson`;
    const folded = foldDeprecatedAlias(
      foldDeprecatedAlias(subject.newPerson, 'bornOn', 'dateOfBirth', path),
      'expectedDeliveryOn',
      'expectedDateOfDelivery',
      path,
    );
    return { ...subject, newPerson: folded };
  });
  return { ...input, subjects };
}

/** Intake. Idempotent per submitter and key: replays return the first result; a changed payload is a CONFLICT. */
export async function submitReferral(
  ctx: RequestContext,
  raw: unknown,
  rawKey: unknown,
): Promise<{ referralId: string; replayed: boolean }> {
  const key = parseInput(idempotencyKeySchema, rawKey, 'idempotencyKey');
  const input = parseInput(submitSchema, withTypedDates(raw));
  const scopeHash = sha256(`${ctx.viewer.agency}\u0000${ctx.viewer.sub}\u0000${key}`).slice(0, 32);
  // Validate every new person up front, so a bad one stores nothing.
  const newPeople = input.subjects.map((s, i) =>
    s.newPerson
      ? parseInput(
          personInputSchema,
          { ...s.newPerson, sourceSystem: 'MASH_REFERRAL', sourceReference: `${scopeHash}:${i}` },
          `input.subjects.${i}.newPerson`,
        )
      : null,
  );
  for (const [i, s] of input.subjects.entries()) {
    if (s.personId && !(await ctx.data.people.findPerson(s.personId)))
      throw badInput(`input.subjects.${i}.personId`, 'person not found');
  }
  const payloadHash = sha256(canonicalJson(input));

  return ctx.data.transaction(async (tx, m) => {
    // The unique index serialises concurrent submissions with one key: the losers wait here,
    // then read the winner's row.
    const claimId = await tx.referrals.claimIdempotencyKey(key, payloadHash);
    if (!claimId) {
      const prior = await tx.referrals.priorSubmission(key);
      if (prior.payloadHash !== payloadHash)
        throw conflict('This idempotency key was already used for a different referral', { field: 'idempotencyKey' });
      return { referralId: prior.referralId, replayed: true };
    }

    const receivedAt = new Date();
    const after = {
      referrerSub: ctx.viewer.sub,
      referrerName: ctx.viewer.name,
      referrerAgency: ctx.viewer.agency,
      referrerContact: input.referrerContact ?? null,
      // Who made the contact, as the submitter says; else only what the submitting agency's kind proves (ADR 019).
      source: input.source ?? SOURCE_BY_SUBMITTING_AGENCY_KIND[ctx.viewer.agencyKind] ?? 'UNKNOWN',
      referrerOrganisation: input.referrerOrganisation?.trim() || null,
      referrerRole: input.referrerRole?.trim() || null,
      // The hub's fact, not the client's say: the emergency duty team works out of hours (issue 24).
      outOfHours: ctx.viewer.roles.some((r) => OUT_OF_HOURS_ROLES.includes(r)),
      concernCategories: [...new Set(input.concernCategories)].sort(),
      narrative: input.narrative,
      consentSought: input.consentSought,
      consentGiven: input.consentGiven ?? null,
      consentReason: input.consentReason ?? null,
      ...shareBasisOf(input),
      status: 'RECEIVED' as const,
      decisionDueAt: decisionDueAt('AMBER', receivedAt),
      receivedAt,
      acknowledgedDecisionBy: acknowledgedDecisionBy(receivedAt),
    };
    const row = await tx.referrals.insertReferral(after);
    const referralId = row.id;
    // A new subject is never matched by the submission: it is a person of the referral's own, and a
    // strong-identifier match becomes a proposal the MASH confirms or rejects at screening (ADR 005).
    const personIds: string[] = [];
    for (const [i, s] of input.subjects.entries()) {
      if (s.personId) personIds.push(s.personId);
      else
        personIds.push(
          (await upsertPerson(ctx, newPeople[i], { channel: 'REFERRAL', within: m, referralId })).personId,
        );
    }
    const subjects = [...new Set(personIds)];
    await tx.referrals.addSubjects(referralId, subjects);
    await tx.referrals.completeIdempotencyClaim(claimId, referralId);
    await tx.referrals.recordTransition({
      referralId,
      transition: 'SUBMIT',
      from: null,
      to: 'RECEIVED',
      version: 1,
      at: receivedAt,
    });
    await appendAuditBatch(m, [
      changeEvent(ctx, 'CREATE', subjects, [
        { entity: 'referral', id: referralId, before: null, after: { ...after, reference: row.reference, subjects } },
      ]),
    ]);
    await publish(m, referralId, 'RECEIVED');
    return { referralId, replayed: false };
  });
}

type ReferralRow = Record<string, unknown> & {
  id: string;
  status: ReferralStatus;
  version: number;
  rag: RagRating | null;
  received_at: Date;
};

interface Change extends VersionedWork {
  /** What the status history says besides who, when and the statuses. */
  history?: { detail?: string | null; reason?: string | null; checkAgency?: string | null };
}

/** Closes every outstanding check of a referral leaving the workflow (decided, withdrawn, merged). */
async function closeOutstandingChecks(
  tx: DataSet,
  referralId: string,
  reason: CheckClosureReason,
  note: string | null,
): Promise<AuditChange[]> {
  const open = await tx.referrals.lockOutstandingChecks(referralId);
  for (const c of open) await tx.referrals.closeCheck(c.id, reason, note);
  return open.map((c) => ({
    entity: 'agency_check',
    id: c.id,
    before: { status: c.status },
    after: { status: 'CLOSED', closedReason: reason, closedNote: note },
  }));
}

/** Referrals change through the one versioned-change helper; each transition also goes into the status history. */
const REFERRAL: VersionedKind<ReferralRow, ReferralStatus, Transition> = {
  table: 'referral',
  noun: 'Referral',
  topic: 'referral',
  idKey: 'referralId',
  findVisible: (data, id) => data.referrals.findReferral(id),
  apply: applyTransition,
  afterUpdate: (tx, c) =>
    tx.referrals.recordTransition({
      referralId: c.row.id,
      transition: c.transition,
      from: c.row.status,
      to: c.to,
      version: c.version,
      ...(c.work as Change).history,
    }),
};

/**
 * The one path by which a referral changes: scope, lock, version check, state machine, audit, event.
 * `work` runs inside the transaction after the transition is known to be legal.
 */
function changeReferral(
  ctx: RequestContext,
  referralId: string,
  expectedVersion: number,
  transition: Transition | ((status: ReferralStatus) => Transition),
  work: (tx: DataSet, row: ReferralRow, to: ReferralStatus, m: EntityManager) => Promise<Change>,
  deriveTarget?: (tx: DataSet, row: ReferralRow) => Promise<ReferralStatus>,
): Promise<string> {
  return changeVersioned(ctx, REFERRAL, referralId, expectedVersion, transition, work, deriveTarget);
}

const ratingSchema = z.object({ rag: z.enum(RAGS), rationale: requiredText(4000) });

/** Screening: rate RED/AMBER/GREEN with a rationale. Keeps the history; recomputes the decision and open check due times. */
export function rateReferral(
  ctx: RequestContext,
  id: string,
  rawRag: unknown,
  rawRationale: unknown,
  expectedVersion: number,
) {
  const { rag, rationale } = parseInput(ratingSchema, { rag: rawRag, rationale: rawRationale });
  const transition = (status: ReferralStatus): Transition => (status === 'RECEIVED' ? 'RATE' : 'RERATE');
  return changeReferral(ctx, id, expectedVersion, transition, async (tx, row) => {
    const due = decisionDueAt(rag, row.received_at);
    const ratingId = await tx.referrals.insertRating(id, rag, rationale, due, {
      rag: row.rag,
      decisionDueAt: row.decision_due_at as Date,
    });
    for (const c of await tx.referrals.openChecks(id))
      await tx.referrals.setCheckDue(c.id, checkDueAt(rag, c.requestedAt));
    return {
      set: { rag, decision_due_at: due },
      changes: [
        {
          entity: 'referral_rating',
          id: ratingId,
          before: { rag: row.rag },
          after: { rag, rationale, decisionDueAt: due },
        },
      ],
      history: { detail: rag, reason: rationale },
    };
  });
}

const assigneeSchema = z.object({ sub: requiredText(200), name: requiredText(200) });

export function assignReferral(ctx: RequestContext, id: string, raw: unknown, expectedVersion: number) {
  const assignee = parseInput(assigneeSchema, raw, 'assignee');
  return changeReferral(ctx, id, expectedVersion, 'ASSIGN', async () => ({
    set: { assigned_to_sub: assignee.sub, assigned_to_name: assignee.name },
    history: { detail: assignee.name },
  }));
}

export function requestAgencyChecks(ctx: RequestContext, id: string, rawAgencies: unknown, expectedVersion: number) {
  const agencies = parseInput(
    z.array(z.string().max(40)).min(1, 'name at least one agency').max(20),
    rawAgencies,
    'agencies',
  );
  agencies.forEach((a, i) => {
    if (!ctx.hub.agencies.has(a)) throw badInput(`agencies.${i}`, 'is not an agency of this partnership');
    if (a === ctx.viewer.agency) throw badInput(`agencies.${i}`, 'your own agency does not check its own referral');
  });
  if (new Set(agencies).size !== agencies.length) throw badInput('agencies', 'must not repeat an agency');
  return changeReferral(ctx, id, expectedVersion, 'REQUEST_CHECKS', async (tx, row) => {
    const now = new Date();
    const due = checkDueAt(row.rag ?? 'AMBER', now);
    const changes: AuditChange[] = [];
    for (const [i, agency] of agencies.entries()) {
      const checkId = await tx.referrals.insertCheck(id, agency, now, due);
      if (!checkId) throw badInput(`agencies.${i}`, 'a check was already requested from this agency');
      changes.push({
        entity: 'agency_check',
        id: checkId,
        before: null,
        after: { agency, status: 'REQUESTED', dueAt: due },
      });
    }
    return { set: {}, changes, history: { detail: agencies.join(',') } };
  });
}

/**
 * Exactly one answer: findings (information shared), no information held (a note of what was
 * searched is optional), or declined with a reason.
 */
const responseSchema = z
  .object({
    findingsSummary: safeText(8000).nullish(),
    recordsShared: z.array(z.string().regex(UUID_PATTERN, 'is not a valid id')).max(100).nullish(),
    declinedReason: safeText(2000).nullish(),
    noInformationHeld: z.boolean().nullish(),
    article6Basis: article6BasisSchema.nullish(),
    specialCategoryCondition: specialCategoryConditionSchema.nullish(),
    consentSought: z.boolean().nullish(),
    consentGiven: z.boolean().nullish(),
    consentReason: safeText(2000).nullish(),
  })
  .superRefine((v, c) => {
    refineShareBasis(v, c);
    // The basis is of a share: an answer that shares nothing records none.
    if ((v.declinedReason?.trim() || v.noInformationHeld === true) && (v.article6Basis || v.specialCategoryCondition))
      c.addIssue({ code: 'custom', path: ['article6Basis'], message: 'is recorded only when information is shared' });
    const declined = !!v.declinedReason?.trim();
    const nothing = v.noInformationHeld === true;
    const found = !!v.findingsSummary?.trim() && !nothing;
    if (Number(declined) + Number(found) + Number(nothing) !== 1)
      c.addIssue({
        code: 'custom',
        path: ['findingsSummary'],
        message: 'give either findings, noInformationHeld, or a reason for declining',
      });
    else if (declined && v.recordsShared?.length)
      c.addIssue({ code: 'custom', path: ['recordsShared'], message: 'a declined check shares no records' });
    else if (nothing && v.recordsShared?.length)
      c.addIssue({ code: 'custom', path: ['recordsShared'], message: 'no information held shares no records' });
  });

/** Where a referral goes when a check stops being outstanding (answered or closed). */
function afterCheck(referralId: string, checkId: string) {
  return async (tx: DataSet, row: ReferralRow): Promise<ReferralStatus> => {
    if (row.status === 'DECISION_PROPOSED') return 'DECISION_PROPOSED';
    const n = await tx.referrals.countOtherOpenChecks(referralId, checkId);
    return n === 0 ? 'READY_FOR_DECISION' : 'AWAITING_CHECKS';
  };
}

/** The addressed agency's officer answers a check; the last answer makes the referral ready for decision. */
export async function respondToAgencyCheck(ctx: RequestContext, checkId: string, raw: unknown): Promise<string> {
  assertUuid('checkId', checkId);
  const response = parseInput(responseSchema, raw);
  const check = await ctx.data.referrals.findOwnCheck(checkId);
  if (!check) throw notFound('Agency check');
  const referral = await ctx.data.referrals.findReferral(check.referralId);
  if (!referral) throw notFound('Agency check');
  const records = [...new Set(response.recordsShared ?? [])];
  if (records.length) {
    const n = await ctx.data.people.countOwnRecordsAbout(records, referral.subjectPersonIds);
    if (n !== records.length)
      throw badInput('input.recordsShared', "must be your agency's records about the referral's subjects");
  }
  const declined = !!response.declinedReason?.trim();
  const nothingHeld = response.noInformationHeld === true;
  return changeReferral(
    ctx,
    check.referralId,
    referral.version,
    'RESPOND_TO_CHECK',
    async (tx) => {
      const current = await tx.referrals.lockCheckStatus(checkId);
      if (current !== 'REQUESTED' && current !== 'IN_PROGRESS') {
        throw invalidCheck(current);
      }
      const status = declined ? 'DECLINED' : nothingHeld ? 'NO_INFORMATION' : 'RETURNED';
      await tx.referrals.answerCheck(checkId, {
        status,
        findingsSummary: declined ? null : (response.findingsSummary ?? null),
        recordsShared: records,
        declinedReason: declined ? (response.declinedReason ?? null) : null,
        article6Basis: response.article6Basis ?? null,
        specialCategoryCondition: response.specialCategoryCondition ?? null,
        consentSought: response.consentSought ?? null,
        consentGiven: response.consentGiven ?? null,
        consentReason: response.consentReason?.trim() || null,
      });
      return {
        set: {},
        changes: [
          {
            entity: 'agency_check',
            id: checkId,
            before: { status: current },
            // The basis of the share, as golden rule 7 asks (the reason stays on the row: free text).
            after: {
              status,
              recordsShared: records,
              article6Basis: response.article6Basis ?? null,
              specialCategoryCondition: response.specialCategoryCondition ?? null,
              consentSought: response.consentSought ?? null,
              consentGiven: response.consentGiven ?? null,
            },
          },
        ],
        history: { detail: status, checkAgency: check.agency },
      };
    },
    afterCheck(check.referralId, checkId),
  );
}

const closureReasonSchema = z.enum(CHOSEN_CHECK_CLOSURE_REASONS, {
  message: `must be one of ${CHOSEN_CHECK_CLOSURE_REASONS.join(', ')} (DECIDED_WITHOUT is set by authorising over outstanding checks)`,
});

/**
 * The MASH stops waiting for a check (no longer needed, timed out, escalated): the check is CLOSED
 * with the reason, by whom and when, and the referral moves on as if it had been answered. The
 * agency can no longer answer it (INVALID_TRANSITION); what it holds can still be shared as records.
 */
export async function closeAgencyCheck(
  ctx: RequestContext,
  checkId: string,
  rawReason: unknown,
  rawNote: unknown,
  expectedVersion: number,
): Promise<string> {
  assertUuid('checkId', checkId);
  const reason = parseInput(closureReasonSchema, rawReason, 'reason');
  const note = parseInput(safeText(2000).nullish(), rawNote, 'note');
  const check = await ctx.data.referrals.findCheck(checkId);
  // A check of a referral out of the viewer's scope is the same answer as no check at all.
  if (!check || !(await ctx.data.referrals.findReferral(check.referralId))) throw notFound('Agency check');
  const trimmed = note?.trim() ? note : null;
  return changeReferral(
    ctx,
    check.referralId,
    expectedVersion,
    'CLOSE_CHECK',
    async (tx) => {
      const current = await tx.referrals.lockCheckStatus(checkId);
      if (current !== 'REQUESTED' && current !== 'IN_PROGRESS') throw invalidCheck(current);
      await tx.referrals.closeCheck(checkId, reason, trimmed);
      return {
        set: {},
        changes: [
          {
            entity: 'agency_check',
            id: checkId,
            before: { status: current },
            after: { status: 'CLOSED', closedReason: reason, closedNote: trimmed },
          },
        ],
        history: { detail: reason, reason: trimmed, checkAgency: check.agency },
      };
    },
    afterCheck(check.referralId, checkId),
  );
}

function invalidCheck(status: string) {
  return invalidTransition(`This check is already ${status.toLowerCase()}`, { checkStatus: status });
}

const decisionSchema = z.object({
  outcome: z.enum(DECISION_OUTCOMES),
  rationale: requiredText(8000),
  thresholdLevel: z.enum(THRESHOLD_LEVELS),
});

/** A worker proposes a decision, also while checks are outstanding (a manager then authorises over them with a reason). */
export function proposeDecision(ctx: RequestContext, id: string, raw: unknown, expectedVersion: number) {
  const d = parseInput(decisionSchema, raw);
  return changeReferral(ctx, id, expectedVersion, 'PROPOSE_DECISION', async () => ({
    set: {
      decision_outcome: d.outcome,
      decision_rationale: d.rationale,
      threshold_level: d.thresholdLevel,
      decision_proposed_by: ctx.viewer.sub,
      decision_proposed_at: new Date(),
      decision_authorised_by: null,
      decision_authorised_at: null,
      decision_returned_at: null,
      decision_returned_by: null,
      decision_return_comment: null,
    },
    history: { detail: d.outcome, reason: d.rationale },
  }));
}

const overChecksReasonSchema = safeText(2000).nullish();

/**
 * The manager's authorisation, plain or amended. Checks still outstanding need the manager's reason
 * (`overOutstandingChecksReason`, BAD_USER_INPUT naming it if missing) and are closed as
 * DECIDED_WITHOUT with that reason; a reason with nothing outstanding is refused rather than dropped.
 */
async function authorisation(
  tx: DataSet,
  ctx: RequestContext,
  row: ReferralRow,
  outcome: string,
  rawOverChecks: string | null | undefined,
) {
  const overChecks = rawOverChecks?.trim() ? rawOverChecks : null;
  const open = await tx.referrals.lockOutstandingChecks(row.id);
  if (open.length > 0 && !overChecks)
    throw badInput(
      'overOutstandingChecksReason',
      `checks from ${open.map((c) => c.agency).join(', ')} are outstanding; give a reason to decide without them`,
    );
  if (open.length === 0 && overChecks) throw badInput('overOutstandingChecksReason', 'no checks are outstanding');
  const changes = await closeOutstandingChecks(tx, row.id, 'DECIDED_WITHOUT', overChecks);
  if (outcome === 'EARLY_HELP') {
    // The MASH's EARLY_HELP outcome opens an early-help episode for each child (issue 25, ADR 018),
    // through the request's data set: the referrals domain does not import the early-help domain.
    const referral = await tx.referrals.findReferral(row.id);
    const opened = await tx.earlyHelp.openFromDecision(row.id, referral?.subjectPersonIds ?? []);
    for (const e of opened) {
      changes.push({
        entity: 'early_help_episode',
        id: e.id,
        before: null,
        after: { personId: e.personId, referralId: row.id, source: 'MASH_DECISION', status: 'OPEN' },
      });
    }
  }
  const now = new Date();
  return {
    set: {
      decision_authorised_by: ctx.viewer.sub,
      decision_authorised_at: now,
      strategy_requested_at: outcome === 'STRATEGY_DISCUSSION' ? now : null,
      closed_reason: 'DECISION_AUTHORISED',
      decided_over_checks_reason: overChecks,
    },
    changes,
    overChecks,
  };
}

/** A manager authorises the proposed decision; STRATEGY_DISCUSSION records the hand-over to meetings (C4). */
export function authoriseDecision(ctx: RequestContext, id: string, expectedVersion: number, rawOverChecks?: unknown) {
  const overChecksReason = parseInput(overChecksReasonSchema, rawOverChecks, 'overOutstandingChecksReason');
  return changeReferral(ctx, id, expectedVersion, 'AUTHORISE_DECISION', async (tx, row) => {
    const a = await authorisation(tx, ctx, row, row.decision_outcome as string, overChecksReason);
    return {
      set: a.set,
      changes: a.changes,
      history: { detail: row.decision_outcome as string, reason: a.overChecks },
    };
  });
}

/** A manager changes the proposal (outcome, rationale, threshold) and authorises it, saying why; the proposal stays in the history and the audit. */
export function amendAndAuthoriseDecision(
  ctx: RequestContext,
  id: string,
  rawDecision: unknown,
  rawReason: unknown,
  expectedVersion: number,
  rawOverChecks?: unknown,
) {
  const d = parseInput(decisionSchema, rawDecision);
  const reason = parseInput(requiredText(4000), rawReason, 'reason');
  const overChecksReason = parseInput(overChecksReasonSchema, rawOverChecks, 'overOutstandingChecksReason');
  return changeReferral(ctx, id, expectedVersion, 'AMEND_AND_AUTHORISE', async (tx, row) => {
    const a = await authorisation(tx, ctx, row, d.outcome, overChecksReason);
    return {
      set: {
        decision_outcome: d.outcome,
        decision_rationale: d.rationale,
        threshold_level: d.thresholdLevel,
        decision_amendment_reason: reason,
        ...a.set,
      },
      changes: a.changes,
      history: {
        detail: d.outcome,
        reason: a.overChecks ? `${reason}\n\nOver outstanding checks: ${a.overChecks}` : reason,
      },
    };
  });
}

/** A manager sends the proposal back to the worker with a comment; the proposal is kept for the worker to revise. */
export function returnDecision(ctx: RequestContext, id: string, rawComment: unknown, expectedVersion: number) {
  const comment = parseInput(requiredText(4000), rawComment, 'comment');
  return changeReferral(
    ctx,
    id,
    expectedVersion,
    'RETURN_DECISION',
    async (_m, row) => ({
      set: { decision_returned_at: new Date(), decision_returned_by: ctx.viewer.sub, decision_return_comment: comment },
      history: { detail: row.decision_outcome as string, reason: comment },
    }),
    async (tx, row) =>
      (await tx.referrals.lockOutstandingChecks(row.id)).length > 0 ? 'AWAITING_CHECKS' : 'READY_FOR_DECISION',
  );
}

/** Withdrawn: outstanding checks are closed as no longer needed, so no agency keeps working a dead case. */
export function withdrawReferral(ctx: RequestContext, id: string, rawReason: unknown, expectedVersion: number) {
  const reason = parseInput(requiredText(2000), rawReason, 'reason');
  return changeReferral(ctx, id, expectedVersion, 'WITHDRAW', async (tx) => ({
    set: { closed_reason: reason },
    changes: await closeOutstandingChecks(tx, id, 'NO_LONGER_NEEDED', null),
    history: { reason },
  }));
}

/**
 * A duplicate is merged into another open referral; its subjects join the surviving referral. The
 * worker's reason (why it is a duplicate), when given, is kept in the status history (ADR 036).
 */
export async function mergeReferral(
  ctx: RequestContext,
  id: string,
  intoId: string,
  expectedVersion: number,
  rawReason: unknown = null,
) {
  const given = parseInput(safeText(2000).nullish(), rawReason, 'reason');
  const reason = given?.trim() ? given : null;
  assertUuid('intoId', intoId);
  if (intoId === id) throw badInput('intoId', 'a referral cannot be merged into itself');
  const into = await ctx.data.referrals.findReferral(intoId);
  if (!into) throw badInput('intoId', 'referral not found');
  if (TERMINAL_STATUSES.includes(into.status))
    throw badInput('intoId', `cannot merge into a referral that is ${into.status.toLowerCase()}`);
  return changeReferral(ctx, id, expectedVersion, 'MERGE', async (tx, _row, _to, m) => {
    // The surviving referral, locked by moving its version on, is checked again as it is now: a
    // referral closed or out of scope since the first check is not merged into.
    await tx.referrals.touch(intoId);
    const survivor = await tx.referrals.findReferral(intoId);
    if (!survivor) throw badInput('intoId', 'referral not found');
    if (TERMINAL_STATUSES.includes(survivor.status))
      throw badInput('intoId', `cannot merge into a referral that is ${survivor.status.toLowerCase()}`);
    const added = await tx.referrals.copySubjects(id, intoId);
    await publish(m, intoId, survivor.status);
    const closed = await closeOutstandingChecks(tx, id, 'NO_LONGER_NEEDED', null);
    return {
      set: { merged_into_id: intoId, closed_reason: 'DUPLICATE' },
      changes: [
        { entity: 'referral', id: intoId, before: null, after: { subjectsAdded: added, mergedFrom: id } },
        ...closed,
      ],
      history: { detail: 'DUPLICATE', reason },
    };
  });
}

export function sendReferrerFeedback(ctx: RequestContext, id: string, rawMessage: unknown, expectedVersion: number) {
  const message = parseInput(requiredText(2000), rawMessage, 'message');
  return changeReferral(ctx, id, expectedVersion, 'SEND_FEEDBACK', async () => ({
    set: { feedback_message: message, feedback_sent_at: new Date(), feedback_sent_by: ctx.viewer.sub },
    history: { reason: message },
  }));
}
