import { z } from 'zod';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import type { DataSet } from '../context/data-set';
import { changeVersioned, type VersionedKind, type VersionedWork } from '../context/versioned-change';
import { conflict, badInput, invalidTransition } from '../shared/errors';
import { parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { icpcDueOn, londonDate, reviewDueOn } from './clocks';
import { applyPlanTransition, applyS47Transition, type PlanTransition, type S47Transition } from './cp-state-machine';
import {
  CP_CATEGORIES,
  INITIAL_CONFERENCE_DECISIONS,
  PLAN_END_REASONS,
  REVIEW_CONFERENCE_DECISIONS,
  S47_CONCLUSIONS,
  S47_LEADS,
  S47_STARTING_OUTCOMES,
  type CpCategory,
  type PlanStatus,
  type S47Lead,
  type S47Status,
} from './vocabulary';

/**
 * The child protection pathway after the strategy discussion (issue 24, ADR 017). Every change is
 * one versioned change (scope, lock, version, state machine, audit in the same transaction); bad
 * input is refused naming the field, before anything is stored. Dates are London calendar dates,
 * never in the future, never before the step they follow.
 */

const uuid = z.string().regex(UUID_PATTERN, 'is not a valid id');
const requiredText = (max: number) => safeText(max).refine((s) => s.trim().length > 0, 'is required');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'is not a real date',
  )
  .refine((s) => s <= londonDate(new Date()), 'must not be in the future');

/** A strategy discussion that starts or continues an enquiry about this child: its date and outcome. */
async function strategyDiscussion(
  tx: DataSet,
  meetingId: string,
  personId: string,
  field: string,
): Promise<{ meetingId: string; heldOn: string; outcome: string }> {
  const meeting = await tx.meetings.findMeeting(meetingId);
  if (!meeting) throw badInput(field, 'meeting not found');
  if (meeting.type !== 'STRATEGY_DISCUSSION' && meeting.type !== 'STRATEGY_MEETING')
    throw badInput(field, 'is not a strategy discussion or meeting');
  if (!meeting.outcome || !(S47_STARTING_OUTCOMES as readonly string[]).includes(meeting.outcome)) {
    throw badInput(field, 'the strategy discussion did not decide on a section 47 enquiry or emergency protection');
  }
  if (!meeting.subjectPersonIds.includes(personId))
    throw badInput(field, 'the child is not a subject of this strategy discussion');
  return { meetingId: meeting.id, heldOn: londonDate(meeting.scheduledAt), outcome: meeting.outcome };
}

/** A conference or core group meeting record linked to a child's step (optional). */
async function linkedMeeting(
  tx: DataSet,
  meetingId: string | null | undefined,
  personId: string,
  type: string,
  field: string,
): Promise<string | null> {
  if (!meetingId) return null;
  const meeting = await tx.meetings.findMeeting(meetingId);
  if (!meeting) throw badInput(field, 'meeting not found');
  if (meeting.type !== type) throw badInput(field, `is not a meeting of type ${type}`);
  if (!meeting.subjectPersonIds.includes(personId)) throw badInput(field, 'the child is not a subject of this meeting');
  return meeting.id;
}

const startSchema = z.object({ strategyMeetingId: uuid, personId: uuid, lead: z.enum(S47_LEADS).nullish() });

/**
 * Starts a child's section 47 enquiry from a strategy discussion that decided on one (or on emergency
 * protection). The lead follows the outcome (joint with police or social care alone); after emergency
 * protection it must be given. The initial conference is due 15 working days after the discussion.
 */
export async function startSection47Enquiry(ctx: RequestContext, raw: unknown): Promise<string> {
  const input = parseInput(startSchema, raw);
  return ctx.data.transaction(async (tx, m) => {
    const sd = await strategyDiscussion(tx, input.strategyMeetingId, input.personId, 'input.strategyMeetingId');
    const fromOutcome: S47Lead | null =
      sd.outcome === 'SECTION_47_JOINT' ? 'JOINT' : sd.outcome === 'SECTION_47_SINGLE_AGENCY' ? 'SINGLE_AGENCY' : null;
    const lead = input.lead ?? fromOutcome;
    if (!lead)
      throw badInput('input.lead', 'after emergency protection, say whether the enquiry is single agency or joint');
    if (fromOutcome && input.lead && input.lead !== fromOutcome)
      throw badInput('input.lead', 'does not match the strategy discussion outcome');
    if (await tx.childProtection.openEnquiryIdOf(input.personId)) {
      throw conflict('An enquiry about this child is open already: add the strategy discussion to it');
    }
    const dueOn = icpcDueOn(sd.heldOn);
    const id = await tx.childProtection.insertEnquiry({
      personId: input.personId,
      owningAgency: ctx.viewer.agency,
      lead,
      startedBySub: ctx.viewer.sub,
      startedByName: ctx.viewer.name,
      lastStrategyOn: sd.heldOn,
      icpcDueOn: dueOn,
    });
    if (!id) throw conflict('An enquiry about this child is open already: add the strategy discussion to it');
    await tx.childProtection.linkStrategyDiscussion(id, sd, ctx.viewer.sub);
    await appendAuditBatch(m, [
      changeEvent(
        ctx,
        'CREATE',
        [input.personId],
        [
          {
            entity: 's47_enquiry',
            id,
            before: null,
            after: { lead, lastStrategyOn: sd.heldOn, icpcDueOn: dueOn, strategyMeetingId: sd.meetingId },
          },
        ],
      ),
    ]);
    return id;
  });
}

type EnquiryRow = Record<string, unknown> & {
  id: string;
  version: number;
  status: S47Status;
  person_id: string;
  last_strategy_on: string;
  icpc_due_on: string;
  concluded_on: string | null;
};

const ENQUIRY: VersionedKind<EnquiryRow, S47Status, S47Transition> = {
  table: 's47_enquiry',
  noun: 'Section 47 enquiry',
  topic: 'childProtection',
  idKey: 'enquiryId',
  findVisible: async (data, id) => {
    const e = await data.childProtection.findEnquiry(id);
    return e && { subjectPersonIds: [e.personId] };
  },
  apply: applyS47Transition,
};

function changeEnquiry(
  ctx: RequestContext,
  id: string,
  expectedVersion: number,
  transition: S47Transition,
  work: (tx: DataSet, row: EnquiryRow) => Promise<VersionedWork>,
  derive?: (row: EnquiryRow) => S47Status,
) {
  return changeVersioned(
    ctx,
    ENQUIRY,
    id,
    expectedVersion,
    transition,
    (tx, row) => work(tx, row),
    derive && (async (_tx, row) => derive(row)),
  );
}

/** A further strategy discussion about the child: the conference is due 15 working days after the last one. */
export function addStrategyDiscussionToEnquiry(
  ctx: RequestContext,
  enquiryId: string,
  rawMeetingId: unknown,
  expectedVersion: number,
) {
  const meetingId = parseInput(uuid, rawMeetingId, 'strategyMeetingId');
  return changeEnquiry(ctx, enquiryId, expectedVersion, 'ADD_STRATEGY_DISCUSSION', async (tx, row) => {
    const sd = await strategyDiscussion(tx, meetingId, row.person_id, 'strategyMeetingId');
    if (!(await tx.childProtection.linkStrategyDiscussion(enquiryId, sd, ctx.viewer.sub)))
      throw badInput('strategyMeetingId', 'is already part of this enquiry');
    const last = sd.heldOn > row.last_strategy_on ? sd.heldOn : row.last_strategy_on;
    const dueOn = icpcDueOn(last);
    return {
      set: { last_strategy_on: last, icpc_due_on: dueOn },
      changes: [
        {
          entity: 's47_strategy_discussion',
          id: enquiryId,
          before: null,
          after: { meetingId: sd.meetingId, heldOn: sd.heldOn },
        },
      ],
    };
  });
}

const concludeSchema = z.object({ conclusion: z.enum(S47_CONCLUSIONS), concludedOn: isoDate });

/** The enquiry's conclusion, with who and when: to an initial conference, or closed. */
export function concludeSection47Enquiry(
  ctx: RequestContext,
  enquiryId: string,
  raw: unknown,
  expectedVersion: number,
) {
  const input = parseInput(concludeSchema, raw);
  return changeEnquiry(
    ctx,
    enquiryId,
    expectedVersion,
    'CONCLUDE',
    async (_tx, row) => {
      if (input.concludedOn < row.last_strategy_on)
        throw badInput('input.concludedOn', 'must not be before the strategy discussion');
      return {
        set: {
          conclusion: input.conclusion,
          concluded_on: input.concludedOn,
          concluded_by_sub: ctx.viewer.sub,
          concluded_by_name: ctx.viewer.name,
          concluded_at: new Date(),
        },
      };
    },
    () => (input.conclusion === 'SUBSTANTIATED_CONFERENCE' ? 'AWAITING_CONFERENCE' : 'CLOSED'),
  );
}

const initialSchema = z
  .object({
    heldOn: isoDate,
    meetingId: uuid.nullish(),
    decision: z.enum(INITIAL_CONFERENCE_DECISIONS),
    category: z.enum(CP_CATEGORIES).nullish(),
    leadSocialWorker: requiredText(200).nullish(),
  })
  .superRefine((v, c) => {
    if (v.decision === 'PLAN' && !v.category)
      c.addIssue({ code: 'custom', path: ['category'], message: 'a plan needs its category' });
    if (v.decision === 'PLAN' && !v.leadSocialWorker)
      c.addIssue({ code: 'custom', path: ['leadSocialWorker'], message: 'a plan needs its lead social worker' });
    if (v.decision === 'NO_PLAN' && v.category)
      c.addIssue({ code: 'custom', path: ['category'], message: 'only a plan has a category' });
  });

/**
 * The initial conference's outcome for this child: a plan (category, lead social worker) or none.
 * A plan's sequence says whether it is the child's second or subsequent.
 */
export function recordInitialConference(ctx: RequestContext, enquiryId: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(initialSchema, raw);
  return changeEnquiry(ctx, enquiryId, expectedVersion, 'RECORD_INITIAL_CONFERENCE', async (tx, row) => {
    if (input.heldOn < row.last_strategy_on)
      throw badInput('input.heldOn', 'must not be before the strategy discussion');
    const meetingId = await linkedMeeting(
      tx,
      input.meetingId,
      row.person_id,
      'INITIAL_CHILD_PROTECTION_CONFERENCE',
      'input.meetingId',
    );
    const conferenceId = await tx.childProtection.insertConference({
      kind: 'INITIAL',
      personId: row.person_id,
      enquiryId,
      planId: null,
      meetingId,
      dueOn: row.icpc_due_on,
      heldOn: input.heldOn,
      decision: input.decision,
      category: input.category ?? null,
      leadSocialWorker: input.leadSocialWorker?.trim() ?? null,
      recordedBySub: ctx.viewer.sub,
      recordedByName: ctx.viewer.name,
    });
    const changes: VersionedWork['changes'] = [
      {
        entity: 'cp_conference',
        id: conferenceId,
        before: null,
        after: { kind: 'INITIAL', heldOn: input.heldOn, dueOn: row.icpc_due_on, decision: input.decision },
      },
    ];
    if (input.decision === 'PLAN') {
      const previous = await tx.childProtection.previousPlans(row.person_id);
      if (previous.active)
        throw invalidTransition('The child is on a child protection plan already', { status: row.status });
      const planId = await tx.childProtection.insertPlan({
        personId: row.person_id,
        owningAgency: ctx.viewer.agency,
        enquiryId,
        startedOn: input.heldOn,
        category: input.category!,
        leadSocialWorker: input.leadSocialWorker!.trim(),
        sequence: previous.count + 1,
        previousPlanEndedOn: previous.lastEndedOn,
      });
      await tx.childProtection.insertCategory(planId, input.category!, input.heldOn, ctx.viewer.sub);
      changes.push({
        entity: 'cp_plan',
        id: planId,
        before: null,
        after: { startedOn: input.heldOn, category: input.category, sequence: previous.count + 1 },
      });
    }
    return { set: {}, changes };
  });
}

type PlanRow = Record<string, unknown> & {
  id: string;
  version: number;
  status: PlanStatus;
  person_id: string;
  started_on: string;
  category: CpCategory;
};

const PLAN: VersionedKind<PlanRow, PlanStatus, PlanTransition> = {
  table: 'cp_plan',
  noun: 'Child protection plan',
  topic: 'childProtection',
  idKey: 'planId',
  findVisible: async (data, id) => {
    const p = await data.childProtection.findPlan(id);
    return p && { subjectPersonIds: [p.personId] };
  },
  apply: applyPlanTransition,
};

function changePlan(
  ctx: RequestContext,
  id: string,
  expectedVersion: number,
  transition: PlanTransition,
  work: (tx: DataSet, row: PlanRow) => Promise<VersionedWork>,
  derive?: () => PlanStatus,
) {
  return changeVersioned(
    ctx,
    PLAN,
    id,
    expectedVersion,
    transition,
    (tx, row) => work(tx, row),
    derive && (async () => derive()),
  );
}

const categorySchema = z.object({ category: z.enum(CP_CATEGORIES), fromOn: isoDate });

/** The plan's category changes (kept as history); the current category is the latest. */
export function changePlanCategory(ctx: RequestContext, planId: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(categorySchema, raw);
  return changePlan(ctx, planId, expectedVersion, 'CHANGE_CATEGORY', async (tx, row) => {
    if (input.category === row.category) throw badInput('input.category', 'is the plan’s category already');
    if (input.fromOn < (await tx.childProtection.lastCategoryFrom(planId)))
      throw badInput('input.fromOn', 'must not be before the current category began');
    const id = await tx.childProtection.insertCategory(planId, input.category, input.fromOn, ctx.viewer.sub);
    return {
      set: { category: input.category },
      changes: [
        {
          entity: 'cp_plan_category',
          id,
          before: { category: row.category },
          after: { category: input.category, fromOn: input.fromOn },
        },
      ],
    };
  });
}

const coreGroupSchema = z.object({ heldOn: isoDate, meetingId: uuid.nullish() });

/** A core group meeting held; the first is due 10 working days after the initial conference. */
export function recordCoreGroup(ctx: RequestContext, planId: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(coreGroupSchema, raw);
  return changePlan(ctx, planId, expectedVersion, 'RECORD_CORE_GROUP', async (tx, row) => {
    if (input.heldOn < row.started_on) throw badInput('input.heldOn', 'must not be before the plan started');
    const meetingId = await linkedMeeting(tx, input.meetingId, row.person_id, 'CORE_GROUP', 'input.meetingId');
    const id = await tx.childProtection.insertCoreGroup(planId, input.heldOn, meetingId, ctx.viewer.sub);
    return { set: {}, changes: [{ entity: 'cp_core_group', id, before: null, after: { heldOn: input.heldOn } }] };
  });
}

const reviewSchema = z
  .object({
    heldOn: isoDate,
    meetingId: uuid.nullish(),
    decision: z.enum(REVIEW_CONFERENCE_DECISIONS),
    endReason: z.enum(PLAN_END_REASONS).nullish(),
  })
  .superRefine((v, c) => {
    if (v.decision === 'CONTINUE_PLAN' && v.endReason)
      c.addIssue({ code: 'custom', path: ['endReason'], message: 'only an ending plan has an end reason' });
  });

/**
 * A review conference for this child: due 3 months after the initial conference, then 6 months after
 * the previous review. It continues the plan or ends it (by default: no longer at risk of significant harm).
 */
export function recordReviewConference(ctx: RequestContext, planId: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(reviewSchema, raw);
  return changePlan(
    ctx,
    planId,
    expectedVersion,
    'RECORD_REVIEW_CONFERENCE',
    async (tx, row) => {
      const previous = await tx.childProtection.lastConferenceOf(planId);
      if (input.heldOn <= previous.heldOn) throw badInput('input.heldOn', 'must be after the previous conference');
      const meetingId = await linkedMeeting(
        tx,
        input.meetingId,
        row.person_id,
        'REVIEW_CHILD_PROTECTION_CONFERENCE',
        'input.meetingId',
      );
      const dueOn = reviewDueOn(previous);
      const id = await tx.childProtection.insertConference({
        kind: 'REVIEW',
        personId: row.person_id,
        enquiryId: null,
        planId,
        meetingId,
        dueOn,
        heldOn: input.heldOn,
        decision: input.decision,
        category: null,
        leadSocialWorker: null,
        recordedBySub: ctx.viewer.sub,
        recordedByName: ctx.viewer.name,
      });
      const end =
        input.decision === 'END_PLAN'
          ? { ended_on: input.heldOn, end_reason: input.endReason ?? 'NO_LONGER_AT_RISK', ended_by_sub: ctx.viewer.sub }
          : {};
      return {
        set: end,
        changes: [
          {
            entity: 'cp_conference',
            id,
            before: null,
            after: { kind: 'REVIEW', heldOn: input.heldOn, dueOn, decision: input.decision },
          },
        ],
      };
    },
    () => (input.decision === 'END_PLAN' ? 'ENDED' : 'ACTIVE'),
  );
}

const endSchema = z.object({ endedOn: isoDate, reason: z.enum(PLAN_END_REASONS) });

/** The plan ends outside a review conference (transferred out, looked after, 18, died, other). */
export function endPlan(ctx: RequestContext, planId: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(endSchema, raw);
  return changePlan(ctx, planId, expectedVersion, 'END_PLAN', async (_tx, row) => {
    if (input.endedOn < row.started_on) throw badInput('input.endedOn', 'must not be before the plan started');
    return { set: { ended_on: input.endedOn, end_reason: input.reason, ended_by_sub: ctx.viewer.sub } };
  });
}
