import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { canonicalJson, sha256, type AuditChange } from '../audit/audit-event';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import { changeVersioned, type VersionedKind, type VersionedWork } from '../context/versioned-change';
import { notifyEvent } from '../events/notify';
import { personInputSchema, upsertPerson } from '../people/people.service';
import { badInput, conflict, invalidTransition, notFound } from '../shared/errors';
import { assertUuid, parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { acknowledgedDecisionBy, checkDueAt, decisionDueAt } from './clocks';
import { applyTransition, TERMINAL_STATUSES, type Transition } from './referral-state-machine';
import {
  CHOSEN_CHECK_CLOSURE_REASONS,
  CONCERN_CATEGORIES,
  DECISION_OUTCOMES,
  IDEMPOTENCY_KEY_MAX,
  LAWFUL_BASES,
  RAGS,
  THRESHOLD_LEVELS,
  type CheckClosureReason,
  type RagRating,
  type ReferralStatus,
} from './vocabulary';

/**
 * Referral triage rules (product.md C3). Every change: scope check (out of scope is NOT_FOUND),
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
          .object({ personId: z.string().regex(UUID_PATTERN, 'is not a valid id').nullish(), newPerson: newPersonSchema.nullish() })
          .refine((s) => (s.personId ? 1 : 0) + (s.newPerson ? 1 : 0) === 1, 'give either personId or newPerson'),
      )
      .min(1, 'at least one subject is required')
      .max(20),
    referrerContact: safeText(300).nullish(),
    concernCategories: z.array(z.enum(CONCERN_CATEGORIES)).min(1, 'at least one concern category is required').max(CONCERN_CATEGORIES.length),
    narrative: requiredText(20000),
    consentSought: z.boolean(),
    consentGiven: z.boolean().nullish(),
    consentReason: safeText(2000).nullish(),
    lawfulBasis: z.enum(LAWFUL_BASES).nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.consentGiven !== true) {
      if (!v.lawfulBasis) ctx.addIssue({ code: 'custom', path: ['lawfulBasis'], message: 'is required when sharing without consent' });
      if (!v.consentReason?.trim()) ctx.addIssue({ code: 'custom', path: ['consentReason'], message: 'say why consent was not sought or not given' });
    }
    if (!v.consentSought && v.consentGiven) ctx.addIssue({ code: 'custom', path: ['consentGiven'], message: 'cannot be given if it was not sought' });
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

/** Intake. Idempotent per submitter and key: replays return the first result; a changed payload is a CONFLICT. */
export async function submitReferral(
  ctx: RequestContext,
  raw: unknown,
  rawKey: unknown,
): Promise<{ referralId: string; replayed: boolean }> {
  const key = parseInput(idempotencyKeySchema, rawKey, 'idempotencyKey');
  const input = parseInput(submitSchema, raw);
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
    if (s.personId && !(await ctx.data.people.findPerson(s.personId))) throw badInput(`input.subjects.${i}.personId`, 'person not found');
  }
  const payloadHash = sha256(canonicalJson(input));

  return ctx.hub.dataSource.transaction(async (m) => {
    // The unique index serialises concurrent submissions with one key: the losers wait here,
    // then read the winner's row.
    const claimed: Array<{ id: string }> = await m.query(
      `INSERT INTO referral_idempotency (agency, sub, key, payload_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (agency, sub, key) DO NOTHING RETURNING id`,
      [ctx.viewer.agency, ctx.viewer.sub, key, payloadHash],
    );
    if (!claimed[0]) {
      const [prior] = (await m.query(`SELECT payload_hash, referral_id FROM referral_idempotency WHERE agency = $1 AND sub = $2 AND key = $3`, [
        ctx.viewer.agency,
        ctx.viewer.sub,
        key,
      ])) as Array<{ payload_hash: string; referral_id: string }>;
      if (prior!.payload_hash !== payloadHash) throw conflict('This idempotency key was already used for a different referral', { field: 'idempotencyKey' });
      return { referralId: prior!.referral_id, replayed: true };
    }

    const receivedAt = new Date();
    const after = {
      referrerSub: ctx.viewer.sub,
      referrerName: ctx.viewer.name,
      referrerAgency: ctx.viewer.agency,
      referrerContact: input.referrerContact ?? null,
      concernCategories: [...new Set(input.concernCategories)].sort(),
      narrative: input.narrative,
      consentSought: input.consentSought,
      consentGiven: input.consentGiven ?? null,
      consentReason: input.consentReason ?? null,
      lawfulBasis: input.lawfulBasis ?? null,
      status: 'RECEIVED',
      decisionDueAt: decisionDueAt('AMBER', receivedAt),
      receivedAt,
      acknowledgedDecisionBy: acknowledgedDecisionBy(receivedAt),
    };
    const [row] = (await m.query(
      `INSERT INTO referral (reference, referrer_sub, referrer_name, referrer_agency, referrer_contact, concern_categories, narrative,
                             consent_sought, consent_given, consent_reason, lawful_basis, status, decision_due_at, received_at, updated_at,
                             acknowledged_decision_by)
       VALUES ('MASH-' || to_char($13::timestamptz AT TIME ZONE 'Europe/London', 'YYYY') || '-' || lpad(nextval('referral_reference_seq')::text, 6, '0'),
               $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)
       RETURNING id, reference`,
      [
        after.referrerSub,
        after.referrerName,
        after.referrerAgency,
        after.referrerContact,
        after.concernCategories,
        after.narrative,
        after.consentSought,
        after.consentGiven,
        after.consentReason,
        after.lawfulBasis,
        after.status,
        after.decisionDueAt,
        receivedAt,
        after.acknowledgedDecisionBy,
      ],
    )) as Array<{ id: string; reference: string }>;
    const referralId = row!.id;
    // A new subject is never matched by the submission: it is a person of the referral's own, and a
    // strong-identifier match becomes a proposal the MASH confirms or rejects at screening (ADR 005).
    const personIds: string[] = [];
    for (const [i, s] of input.subjects.entries()) {
      if (s.personId) personIds.push(s.personId);
      else personIds.push((await upsertPerson(ctx, newPeople[i], { channel: 'REFERRAL', within: m, referralId })).personId);
    }
    const subjects = [...new Set(personIds)];
    await m.query(
      `INSERT INTO referral_subject (referral_id, person_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [referralId, subjects],
    );
    await m.query(`UPDATE referral_idempotency SET referral_id = $1 WHERE id = $2`, [referralId, claimed[0].id]);
    await recordTransition(m, ctx, { referralId, transition: 'SUBMIT', from: null, to: 'RECEIVED', version: 1, at: receivedAt });
    await appendAuditBatch(m, [
      changeEvent(ctx, 'CREATE', subjects, [{ entity: 'referral', id: referralId, before: null, after: { ...after, reference: row!.reference, subjects } }]),
    ]);
    await publish(m, referralId, 'RECEIVED');
    return { referralId, replayed: false };
  });
}

type ReferralRow = Record<string, unknown> & { id: string; status: ReferralStatus; version: number; rag: RagRating | null; received_at: Date };

interface Change extends VersionedWork {
  /** What the status history says besides who, when and the statuses. */
  history?: { detail?: string | null; reason?: string | null; checkAgency?: string | null };
}

/** One row of the status history, in the transaction of the change it records. */
async function recordTransition(
  m: EntityManager,
  ctx: RequestContext,
  t: { referralId: string; transition: Transition | 'SUBMIT'; from: ReferralStatus | null; to: ReferralStatus; version: number; at?: Date } & Change['history'],
): Promise<void> {
  await m.query(
    `INSERT INTO referral_transition (referral_id, transition, from_status, to_status, version, actor_sub, actor_name, actor_agency, occurred_at, detail, reason, check_agency)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, now()), $10, $11, $12)`,
    [
      t.referralId,
      t.transition,
      t.from,
      t.to,
      t.version,
      ctx.viewer.sub,
      ctx.viewer.name,
      ctx.viewer.agency,
      t.at ?? null,
      t.detail ?? null,
      t.reason ?? null,
      t.checkAgency ?? null,
    ],
  );
}

const OPEN_CHECKS_SQL = `status IN ('REQUESTED','IN_PROGRESS')`;

async function outstandingChecks(m: EntityManager, referralId: string): Promise<Array<{ id: string; agency: string; status: string }>> {
  return (await m.query(`SELECT id, agency, status FROM agency_check WHERE referral_id = $1 AND ${OPEN_CHECKS_SQL} ORDER BY agency FOR UPDATE`, [
    referralId,
  ])) as Array<{ id: string; agency: string; status: string }>;
}

/** Closes every outstanding check of a referral leaving the workflow (decided, withdrawn, merged). */
async function closeOutstandingChecks(
  m: EntityManager,
  ctx: RequestContext,
  referralId: string,
  reason: CheckClosureReason,
  note: string | null,
): Promise<AuditChange[]> {
  const open = await outstandingChecks(m, referralId);
  for (const c of open) {
    await m.query(`UPDATE agency_check SET status = 'CLOSED', closed_reason = $2, closed_note = $3, closed_by = $4, closed_at = now() WHERE id = $1`, [
      c.id,
      reason,
      note,
      ctx.viewer.sub,
    ]);
  }
  return open.map((c) => ({ entity: 'agency_check', id: c.id, before: { status: c.status }, after: { status: 'CLOSED', closedReason: reason, closedNote: note } }));
}

/** Referrals change through the one versioned-change helper; each transition also goes into the status history. */
const REFERRAL: VersionedKind<ReferralRow, ReferralStatus, Transition> = {
  table: 'referral',
  noun: 'Referral',
  topic: 'referral',
  idKey: 'referralId',
  findVisible: (ctx, id) => ctx.data.referrals.findReferral(id),
  apply: applyTransition,
  afterUpdate: (m, ctx, c) =>
    recordTransition(m, ctx, { referralId: c.row.id, transition: c.transition, from: c.row.status, to: c.to, version: c.version, ...(c.work as Change).history }),
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
  work: (m: EntityManager, row: ReferralRow, to: ReferralStatus) => Promise<Change>,
  deriveTarget?: (m: EntityManager, row: ReferralRow) => Promise<ReferralStatus>,
): Promise<string> {
  return changeVersioned(ctx, REFERRAL, referralId, expectedVersion, transition, work, deriveTarget);
}

const ratingSchema = z.object({ rag: z.enum(RAGS), rationale: requiredText(4000) });

/** Screening: rate RED/AMBER/GREEN with a rationale. Keeps the history; recomputes the decision and open check due times. */
export function rateReferral(ctx: RequestContext, id: string, rawRag: unknown, rawRationale: unknown, expectedVersion: number) {
  const { rag, rationale } = parseInput(ratingSchema, { rag: rawRag, rationale: rawRationale });
  const transition = (status: ReferralStatus): Transition => (status === 'RECEIVED' ? 'RATE' : 'RERATE');
  return changeReferral(ctx, id, expectedVersion, transition, async (m, row) => {
    const due = decisionDueAt(rag, row.received_at);
    const [rating] = (await m.query(
      `INSERT INTO referral_rating (referral_id, rag, rationale, rated_by_sub, rated_by_name, decision_due_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [id, rag, rationale, ctx.viewer.sub, ctx.viewer.name, due],
    )) as Array<{ id: string }>;
    const checks = (await m.query(`SELECT id, requested_at FROM agency_check WHERE referral_id = $1 AND status IN ('REQUESTED','IN_PROGRESS')`, [
      id,
    ])) as Array<{ id: string; requested_at: Date }>;
    for (const c of checks) await m.query(`UPDATE agency_check SET due_at = $2 WHERE id = $1`, [c.id, checkDueAt(rag, c.requested_at)]);
    return {
      set: { rag, decision_due_at: due },
      changes: [{ entity: 'referral_rating', id: rating!.id, before: { rag: row.rag }, after: { rag, rationale, decisionDueAt: due } }],
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
  const agencies = parseInput(z.array(z.string().max(40)).min(1, 'name at least one agency').max(20), rawAgencies, 'agencies');
  agencies.forEach((a, i) => {
    if (!ctx.hub.agencies.has(a)) throw badInput(`agencies.${i}`, 'is not an agency of this partnership');
    if (a === ctx.viewer.agency) throw badInput(`agencies.${i}`, 'your own agency does not check its own referral');
  });
  if (new Set(agencies).size !== agencies.length) throw badInput('agencies', 'must not repeat an agency');
  return changeReferral(ctx, id, expectedVersion, 'REQUEST_CHECKS', async (m, row) => {
    const now = new Date();
    const due = checkDueAt(row.rag ?? 'AMBER', now);
    const changes: AuditChange[] = [];
    for (const [i, agency] of agencies.entries()) {
      const inserted = (await m.query(
        `INSERT INTO agency_check (referral_id, agency, status, requested_at, requested_by, due_at) VALUES ($1, $2, 'REQUESTED', $3, $4, $5)
         ON CONFLICT (referral_id, agency) DO NOTHING RETURNING id`,
        [id, agency, now, ctx.viewer.sub, due],
      )) as Array<{ id: string }>;
      if (!inserted[0]) throw badInput(`agencies.${i}`, 'a check was already requested from this agency');
      changes.push({ entity: 'agency_check', id: inserted[0].id, before: null, after: { agency, status: 'REQUESTED', dueAt: due } });
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
  })
  .superRefine((v, c) => {
    const declined = !!v.declinedReason?.trim();
    const nothing = v.noInformationHeld === true;
    const found = !!v.findingsSummary?.trim() && !nothing;
    if (Number(declined) + Number(found) + Number(nothing) !== 1)
      c.addIssue({ code: 'custom', path: ['findingsSummary'], message: 'give either findings, noInformationHeld, or a reason for declining' });
    else if (declined && v.recordsShared?.length) c.addIssue({ code: 'custom', path: ['recordsShared'], message: 'a declined check shares no records' });
    else if (nothing && v.recordsShared?.length) c.addIssue({ code: 'custom', path: ['recordsShared'], message: 'no information held shares no records' });
  });

/** Where a referral goes when a check stops being outstanding (answered or closed). */
function afterCheck(referralId: string, checkId: string) {
  return async (m: EntityManager, row: ReferralRow): Promise<ReferralStatus> => {
    if (row.status === 'DECISION_PROPOSED') return 'DECISION_PROPOSED';
    const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM agency_check WHERE referral_id = $1 AND id <> $2 AND ${OPEN_CHECKS_SQL}`, [
      referralId,
      checkId,
    ])) as [{ n: number }];
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
    const [{ n }] = (await ctx.hub.dataSource.query(
      `SELECT count(*)::int AS n FROM agency_record WHERE id = ANY($1::uuid[]) AND owning_agency = $2 AND person_id = ANY($3::uuid[])`,
      [records, ctx.viewer.agency, referral.subjectPersonIds],
    )) as [{ n: number }];
    if (n !== records.length) throw badInput('input.recordsShared', "must be your agency's records about the referral's subjects");
  }
  const declined = !!response.declinedReason?.trim();
  const nothingHeld = response.noInformationHeld === true;
  return changeReferral(
    ctx,
    check.referralId,
    referral.version,
    'RESPOND_TO_CHECK',
    async (m) => {
      const [current] = (await m.query(`SELECT status FROM agency_check WHERE id = $1 FOR UPDATE`, [checkId])) as Array<{ status: string }>;
      if (current!.status !== 'REQUESTED' && current!.status !== 'IN_PROGRESS') {
        throw invalidCheck(current!.status);
      }
      const status = declined ? 'DECLINED' : nothingHeld ? 'NO_INFORMATION' : 'RETURNED';
      await m.query(
        `UPDATE agency_check SET status = $2, returned_at = now(), responded_by = $3, findings_summary = $4, records_shared = $5, declined_reason = $6 WHERE id = $1`,
        [checkId, status, ctx.viewer.sub, declined ? null : (response.findingsSummary ?? null), records, declined ? response.declinedReason : null],
      );
      return {
        set: {},
        changes: [{ entity: 'agency_check', id: checkId, before: { status: current!.status }, after: { status, recordsShared: records } }],
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
export async function closeAgencyCheck(ctx: RequestContext, checkId: string, rawReason: unknown, rawNote: unknown, expectedVersion: number): Promise<string> {
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
    async (m) => {
      const [current] = (await m.query(`SELECT status FROM agency_check WHERE id = $1 FOR UPDATE`, [checkId])) as Array<{ status: string }>;
      if (current!.status !== 'REQUESTED' && current!.status !== 'IN_PROGRESS') throw invalidCheck(current!.status);
      await m.query(`UPDATE agency_check SET status = 'CLOSED', closed_reason = $2, closed_note = $3, closed_by = $4, closed_at = now() WHERE id = $1`, [
        checkId,
        reason,
        trimmed,
        ctx.viewer.sub,
      ]);
      return {
        set: {},
        changes: [{ entity: 'agency_check', id: checkId, before: { status: current!.status }, after: { status: 'CLOSED', closedReason: reason, closedNote: trimmed } }],
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
async function authorisation(m: EntityManager, ctx: RequestContext, row: ReferralRow, outcome: string, rawOverChecks: string | null | undefined) {
  const overChecks = rawOverChecks?.trim() ? rawOverChecks : null;
  const open = await outstandingChecks(m, row.id);
  if (open.length > 0 && !overChecks)
    throw badInput('overOutstandingChecksReason', `checks from ${open.map((c) => c.agency).join(', ')} are outstanding; give a reason to decide without them`);
  if (open.length === 0 && overChecks) throw badInput('overOutstandingChecksReason', 'no checks are outstanding');
  const changes = await closeOutstandingChecks(m, ctx, row.id, 'DECIDED_WITHOUT', overChecks);
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
  return changeReferral(ctx, id, expectedVersion, 'AUTHORISE_DECISION', async (m, row) => {
    const a = await authorisation(m, ctx, row, row.decision_outcome as string, overChecksReason);
    return { set: a.set, changes: a.changes, history: { detail: row.decision_outcome as string, reason: a.overChecks } };
  });
}

/** A manager changes the proposal (outcome, rationale, threshold) and authorises it, saying why; the proposal stays in the history and the audit. */
export function amendAndAuthoriseDecision(ctx: RequestContext, id: string, rawDecision: unknown, rawReason: unknown, expectedVersion: number, rawOverChecks?: unknown) {
  const d = parseInput(decisionSchema, rawDecision);
  const reason = parseInput(requiredText(4000), rawReason, 'reason');
  const overChecksReason = parseInput(overChecksReasonSchema, rawOverChecks, 'overOutstandingChecksReason');
  return changeReferral(ctx, id, expectedVersion, 'AMEND_AND_AUTHORISE', async (m, row) => {
    const a = await authorisation(m, ctx, row, d.outcome, overChecksReason);
    return {
      set: {
        decision_outcome: d.outcome,
        decision_rationale: d.rationale,
        threshold_level: d.thresholdLevel,
        decision_amendment_reason: reason,
        ...a.set,
      },
      changes: a.changes,
      history: { detail: d.outcome, reason: a.overChecks ? `${reason}\n\nOver outstanding checks: ${a.overChecks}` : reason },
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
    async (m, row) => ((await outstandingChecks(m, row.id)).length > 0 ? 'AWAITING_CHECKS' : 'READY_FOR_DECISION'),
  );
}

/** Withdrawn: outstanding checks are closed as no longer needed, so no agency keeps working a dead case. */
export function withdrawReferral(ctx: RequestContext, id: string, rawReason: unknown, expectedVersion: number) {
  const reason = parseInput(requiredText(2000), rawReason, 'reason');
  return changeReferral(ctx, id, expectedVersion, 'WITHDRAW', async (m) => ({
    set: { closed_reason: reason },
    changes: await closeOutstandingChecks(m, ctx, id, 'NO_LONGER_NEEDED', null),
    history: { reason },
  }));
}

/** A duplicate is merged into another open referral; its subjects join the surviving referral. */
export async function mergeReferral(ctx: RequestContext, id: string, intoId: string, expectedVersion: number) {
  assertUuid('intoId', intoId);
  if (intoId === id) throw badInput('intoId', 'a referral cannot be merged into itself');
  const into = await ctx.data.referrals.findReferral(intoId);
  if (!into) throw badInput('intoId', 'referral not found');
  if (TERMINAL_STATUSES.includes(into.status)) throw badInput('intoId', `cannot merge into a referral that is ${into.status.toLowerCase()}`);
  return changeReferral(ctx, id, expectedVersion, 'MERGE', async (m) => {
    const added = (await m.query(
      `INSERT INTO referral_subject (referral_id, person_id) SELECT $1, person_id FROM referral_subject WHERE referral_id = $2
       ON CONFLICT DO NOTHING RETURNING person_id`,
      [intoId, id],
    )) as Array<{ person_id: string }>;
    await m.query(`UPDATE referral SET version = version + 1, updated_at = now() WHERE id = $1`, [intoId]);
    await publish(m, intoId, into.status);
    const closed = await closeOutstandingChecks(m, ctx, id, 'NO_LONGER_NEEDED', null);
    return {
      set: { merged_into_id: intoId, closed_reason: 'DUPLICATE' },
      changes: [{ entity: 'referral', id: intoId, before: null, after: { subjectsAdded: added.map((a) => a.person_id), mergedFrom: id } }, ...closed],
      history: { detail: 'DUPLICATE' },
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

