import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import type { AgencyKind } from '../access-policy/vocabulary';
import { assertMayRecordAttendanceFor } from '../access-policy/write-policy';
import type { AuditChange } from '../audit/audit-event';
import { changeEvent } from '../audit/audit-builder';
import { appendAuditBatch } from '../audit/audit-store';
import type { RequestContext } from '../context/context';
import type { DataSet } from '../context/data-set';
import { changeVersioned, type VersionedKind, type VersionedWork } from '../context/versioned-change';
import { notifyEvent } from '../events/notify';
import { badInput, invalidTransition } from '../shared/errors';
import { foldDeprecatedAlias, parseInput, safeText, UUID_PATTERN } from '../shared/validation';
import { ageOn, icpcDueDate, londonDate } from './clocks';
import { applyMeetingTransition, type MeetingTransition } from './meeting-state-machine';
import { loadMeetingSettings } from './settings';
import {
  ATTENDANCE_STATUSES,
  MEETING_OUTCOMES,
  MEETING_TYPES,
  FAMILY_ROLES,
  NON_ATTENDANCE,
  PARTICIPANT_ABSENCE,
  PARTICIPANT_ATTENDANCE,
  PARTICIPANT_ROLES,
  SCHOOL_AGE,
  SECTION_47_OUTCOMES,
  STRATEGY_TYPES,
  type MeetingStatus,
  type MeetingType,
} from './vocabulary';

/**
 * Meeting rules (docs/reference/product.md C4). Every change: scope check (out of scope is NOT_FOUND), the state
 * machine, an explicit `WHERE version = $n` (stale → CONFLICT), the audit event in the same
 * transaction, and a `meeting` event published on commit. Bad input is rejected before anything is stored.
 */

const requiredText = (max: number) => safeText(max).refine((s) => s.trim().length > 0, 'is required');
const uuid = z.string().regex(UUID_PATTERN, 'is not a valid id');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'is not a real date',
  );

const scheduleSchema = z
  .object({
    type: z.enum(MEETING_TYPES),
    referralId: uuid.nullish(),
    subjectPersonIds: z.array(uuid).max(20).nullish(),
    scheduledAt: z.date(),
    chair: z.object({ sub: requiredText(200), name: requiredText(200) }).nullish(),
    invitees: z
      .array(
        z.object({
          agency: z.string().max(40),
          personSub: safeText(200).nullish(),
          personName: safeText(200).nullish(),
          required: z.boolean().nullish(),
        }),
      )
      .max(50)
      .nullish(),
  })
  .refine((v) => v.referralId || v.subjectPersonIds?.length, {
    path: ['subjectPersonIds'],
    message: 'name the referral or the children concerned',
  });

export type ScheduleMeetingInput = z.input<typeof scheduleSchema>;

function publish(m: EntityManager, meetingId: string, status: string): Promise<void> {
  return notifyEvent(m, { topic: 'meeting', payload: { meetingId, status } });
}

/** Schedules a meeting with its invitees; the default required agencies of its type are added. */
export async function scheduleMeeting(ctx: RequestContext, raw: unknown): Promise<string> {
  const input = parseInput(scheduleSchema, raw);
  if (input.scheduledAt.getTime() < Date.now()) throw badInput('input.scheduledAt', 'must not be in the past');

  const subjects = new Set<string>();
  if (input.referralId) {
    const referral = await ctx.data.referrals.findReferral(input.referralId);
    if (!referral) throw badInput('input.referralId', 'referral not found');
    for (const id of referral.subjectPersonIds) subjects.add(id);
  }
  for (const [i, id] of (input.subjectPersonIds ?? []).entries()) {
    if (!(await ctx.data.people.findPerson(id))) throw badInput(`input.subjectPersonIds.${i}`, 'person not found');
    subjects.add(id);
  }
  const personIds = [...subjects];

  const invitees = (input.invitees ?? []).map((inv, i) => {
    if (!ctx.hub.agencies.has(inv.agency))
      throw badInput(`input.invitees.${i}.agency`, 'is not an agency of this partnership');
    if (inv.personName != null && !inv.personName.trim())
      throw badInput(`input.invitees.${i}.personName`, 'must not be blank');
    return {
      agency: inv.agency,
      personSub: inv.personSub ?? null,
      personName: inv.personName ?? null,
      required: inv.required ?? null,
    };
  });
  const seen = new Set<string>();
  invitees.forEach((inv, i) => {
    const key = `${inv.agency}\u0000${inv.personSub ?? inv.personName ?? ''}`;
    if (seen.has(key)) throw badInput(`input.invitees.${i}`, 'invites the same agency or person twice');
    seen.add(key);
  });

  // Default required agencies of the type (docs/reference/product.md C4), education when a child is of school age.
  const rule = loadMeetingSettings(ctx.hub.config.meetingsFile).requiredAgencies[input.type];
  const requiredKinds = new Set<AgencyKind>(rule.kinds);
  if (rule.educationIfSchoolAge && (await anyChildOfSchoolAge(ctx, personIds, londonDate(input.scheduledAt))))
    requiredKinds.add('EDUCATION');
  const requiredCodes = new Set(
    ctx.hub.agencies
      .list()
      .filter((a) => requiredKinds.has(a.kind))
      .map((a) => a.code),
  );
  for (const code of requiredCodes) {
    if (!invitees.some((inv) => inv.agency === code))
      invitees.push({ agency: code, personSub: null, personName: null, required: true });
  }
  const rows = invitees.map((inv) => ({ ...inv, required: inv.required ?? requiredCodes.has(inv.agency) }));
  const chair = input.chair ?? { sub: ctx.viewer.sub, name: ctx.viewer.name };

  return ctx.data.transaction(async (tx, m) => {
    const meetingId = await tx.meetings.insertMeeting({
      type: input.type,
      referralId: input.referralId ?? null,
      scheduledAt: input.scheduledAt,
      chairSub: chair.sub,
      chairName: chair.name,
    });
    await tx.meetings.addSubjects(meetingId, personIds);
    const inserted = await tx.meetings.insertInvitees(meetingId, rows);
    await appendAuditBatch(m, [
      changeEvent(ctx, 'CREATE', personIds, [
        {
          entity: 'meeting',
          id: meetingId,
          before: null,
          after: {
            type: input.type,
            referralId: input.referralId ?? null,
            scheduledAt: input.scheduledAt,
            chair: chair.name,
            subjects: personIds,
          },
        },
        ...inserted.map((r) => ({
          entity: 'meeting_invitee',
          id: r.id,
          before: null,
          after: { agency: r.agency, required: r.required },
        })),
      ]),
    ]);
    await publish(m, meetingId, 'SCHEDULED');
    return meetingId;
  });
}

async function anyChildOfSchoolAge(ctx: RequestContext, personIds: string[], on: string): Promise<boolean> {
  if (personIds.length === 0) return false;
  return (await ctx.data.meetings.childBirthDates(personIds)).some((dateOfBirth) => {
    const age = ageOn(dateOfBirth, on);
    return age >= SCHOOL_AGE.min && age <= SCHOOL_AGE.max;
  });
}

type MeetingRow = Record<string, unknown> & {
  id: string;
  type: MeetingType;
  status: MeetingStatus;
  version: number;
  scheduled_at: Date;
};

const MEETING: VersionedKind<MeetingRow, MeetingStatus, MeetingTransition> = {
  table: 'meeting',
  noun: 'Meeting',
  topic: 'meeting',
  idKey: 'meetingId',
  findVisible: (data, id) => data.meetings.findMeeting(id),
  apply: applyMeetingTransition,
};

/** The one path by which a meeting changes: scope, lock, version check, state machine, audit, event. */
function changeMeeting(
  ctx: RequestContext,
  meetingId: string,
  expectedVersion: number,
  transition: MeetingTransition,
  work: (tx: DataSet, row: MeetingRow, to: MeetingStatus) => Promise<VersionedWork>,
): Promise<string> {
  return changeVersioned(ctx, MEETING, meetingId, expectedVersion, transition, work);
}

const attendanceSchema = z
  .object({
    inviteeId: uuid,
    status: z.enum(ATTENDANCE_STATUSES),
    note: safeText(2000).nullish(),
    contribution: safeText(8000).nullish(),
    reportSubmitted: z.boolean().nullish(),
    reportSharedWithFamily: z.boolean().nullish(),
  })
  .superRefine((v, c) => {
    if (v.reportSharedWithFamily === true && v.reportSubmitted === false) {
      c.addIssue({
        code: 'custom',
        path: ['reportSharedWithFamily'],
        message: 'a report not submitted cannot have been shared',
      });
    }
    if ((NON_ATTENDANCE as readonly string[]).includes(v.status) && !v.note?.trim()) {
      c.addIssue({ code: 'custom', path: ['note'], message: 'give the reason the agency did not attend' });
    }
  });

/** Attendance of one invitee: who recorded it and when; a reason for every non-attendance. */
export function recordAttendance(ctx: RequestContext, meetingId: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(attendanceSchema, raw, 'attendance');
  return changeMeeting(ctx, meetingId, expectedVersion, 'RECORD_ATTENDANCE', async (tx, row) => {
    const invitee = await tx.meetings.findInvitee(meetingId, input.inviteeId);
    if (!invitee) throw badInput('attendance.inviteeId', 'is not invited to this meeting');
    assertMayRecordAttendanceFor(ctx.viewer, invitee.agency);
    if (row.status === 'SCHEDULED' && (input.status === 'ATTENDED' || input.status === 'DID_NOT_ATTEND')) {
      throw invalidTransition(`Attendance ${input.status} can be recorded only once the meeting is held`, {
        status: row.status,
      });
    }
    const recordedAt = new Date();
    await tx.meetings.recordAttendance(invitee.id, {
      status: input.status,
      reason: input.note?.trim() || null,
      contribution: input.contribution ?? null,
      recordedAt,
      reportSubmitted: input.reportSubmitted,
      reportShared: input.reportSharedWithFamily,
    });
    return {
      set: {},
      changes: [
        {
          entity: 'meeting_invitee',
          id: invitee.id,
          before: { attendance: invitee.attendance, reason: invitee.reason },
          after: {
            attendance: input.status,
            reason: input.note ?? null,
            contributionChanged: input.contribution != null,
            recordedAt,
            ...(input.reportSubmitted != null ? { reportSubmitted: input.reportSubmitted } : {}),
            ...(input.reportSharedWithFamily != null ? { reportSharedWithFamily: input.reportSharedWithFamily } : {}),
          },
        },
      ],
    };
  });
}

/** The meeting took place: not before its scheduled time. */
export function markMeetingHeld(ctx: RequestContext, meetingId: string, expectedVersion: number) {
  return changeMeeting(ctx, meetingId, expectedVersion, 'MARK_HELD', async (_tx, row) => {
    if (row.scheduled_at.getTime() > Date.now())
      throw invalidTransition('A meeting cannot be held before its scheduled time', { status: row.status });
    return { set: { held_at: new Date() } };
  });
}

const outcomeSchema = z.object({
  outcome: z.enum(MEETING_OUTCOMES).nullish(),
  decisions: z.array(requiredText(4000)).max(50).nullish(),
  minutes: safeText(100_000).nullish(),
});

/**
 * The outcome, decisions and minutes, once the meeting is held. A strategy discussion that starts a
 * section 47 enquiry sets the initial child protection conference due date (15 working days).
 */
export function recordMeetingOutcome(ctx: RequestContext, meetingId: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(outcomeSchema, raw);
  return changeMeeting(ctx, meetingId, expectedVersion, 'RECORD_OUTCOME', async (tx, row) => {
    const strategy = STRATEGY_TYPES.includes(row.type);
    if (strategy && !input.outcome) throw badInput('input.outcome', 'a strategy discussion records its outcome');
    if (!strategy && input.outcome)
      throw badInput('input.outcome', 'only strategy discussions and meetings record an outcome of this kind');
    if (row.outcome_recorded_at)
      throw invalidTransition('The outcome of this meeting is already recorded', { status: row.status });
    const now = new Date();
    const icpcDue = strategy && SECTION_47_OUTCOMES.includes(input.outcome!) ? icpcDueDate(row.scheduled_at) : null;
    const changes: AuditChange[] = [];
    for (const decision of input.decisions ?? []) {
      const decisionId = await tx.meetings.insertDecision(meetingId, decision, now);
      changes.push({ entity: 'meeting_decision', id: decisionId, before: null, after: { decision } });
    }
    return {
      set: {
        outcome: input.outcome ?? null,
        outcome_recorded_by: ctx.viewer.sub,
        outcome_recorded_at: now,
        minutes: input.minutes ?? null,
        icpc_due_at: icpcDue,
      },
      changes,
    };
  });
}

const actionSchema = z
  .object({
    description: requiredText(4000),
    ownerAgency: z.string().max(40).nullish(),
    ownerSub: safeText(200).nullish(),
    ownerName: safeText(200).nullish(),
    dueDate: isoDate.nullish(),
  })
  .superRefine((v, c) => {
    if (!v.ownerAgency && !v.ownerName?.trim())
      c.addIssue({
        code: 'custom',
        path: ['ownerAgency'],
        message: 'an action needs an owner: an agency or a named person',
      });
    if (!v.dueDate) c.addIssue({ code: 'custom', path: ['dueDate'], message: 'an action needs a due date' });
  });

/** An action agreed at the meeting, with its owner (agency or named person) and due date. */
export function addMeetingAction(ctx: RequestContext, meetingId: string, raw: unknown, expectedVersion: number) {
  const input = parseInput(actionSchema, foldDeprecatedAlias(raw as object, 'dueOn', 'dueDate', 'input'));
  if (input.ownerAgency && !ctx.hub.agencies.has(input.ownerAgency))
    throw badInput('input.ownerAgency', 'is not an agency of this partnership');
  if (input.dueDate! < londonDate(new Date())) throw badInput('input.dueDate', 'must not be in the past');
  return changeMeeting(ctx, meetingId, expectedVersion, 'ADD_ACTION', async (tx) => {
    const actionId = await tx.meetings.insertAction(meetingId, {
      description: input.description,
      ownerAgency: input.ownerAgency ?? null,
      ownerSub: input.ownerSub ?? null,
      ownerName: input.ownerName?.trim() || null,
      dueDate: input.dueDate,
    });
    return {
      set: {},
      changes: [
        {
          entity: 'meeting_action',
          id: actionId,
          before: null,
          after: { ownerAgency: input.ownerAgency ?? null, dueDate: input.dueDate },
        },
      ],
    };
  });
}

/**
 * Completes a held meeting. Quorate only if every required agency attended; a meeting that is not
 * quorate is completed only with a recorded reason, and the missing agencies are named.
 */
export function completeMeeting(ctx: RequestContext, meetingId: string, rawReason: unknown, expectedVersion: number) {
  const reason = parseInput(safeText(2000).nullish(), rawReason, 'nonQuorateReason')?.trim() || null;
  return changeMeeting(ctx, meetingId, expectedVersion, 'COMPLETE', async (tx, row) => {
    if (STRATEGY_TYPES.includes(row.type) && !row.outcome) {
      throw invalidTransition('Record the outcome before completing a strategy discussion', { status: row.status });
    }
    const missing = await tx.meetings.missingAgencies(meetingId);
    if (missing.length === 0 && reason)
      throw badInput('nonQuorateReason', 'the meeting is quorate; no reason is needed');
    if (missing.length > 0 && !reason) {
      throw badInput(
        'nonQuorateReason',
        `the meeting is not quorate (required agencies not attending: ${missing.join(', ')}); give a reason to complete it`,
      );
    }
    return { set: { quorate: missing.length === 0, non_quorate_reason: reason, completed_at: new Date() } };
  });
}

export function cancelMeeting(ctx: RequestContext, meetingId: string, rawReason: unknown, expectedVersion: number) {
  const reason = parseInput(requiredText(2000), rawReason, 'reason');
  return changeMeeting(ctx, meetingId, expectedVersion, 'CANCEL', async () => ({ set: { cancelled_reason: reason } }));
}

const participantSchema = z.object({
  role: z.enum(PARTICIPANT_ROLES),
  displayLabel: requiredText(200),
  personId: uuid.nullish(),
});

/**
 * Invites a person who is not an agency (ADR 024): a parent, the child, an advocate, the chair, the
 * employer. A child participant is one of the children the meeting is about (its subject), so the board
 * can count children over 12 who took part; any other role names no person record. The label is personal
 * data: the audit records that one was given, never the label.
 */
export function inviteMeetingParticipant(
  ctx: RequestContext,
  meetingId: string,
  raw: unknown,
  expectedVersion: number,
) {
  const input = parseInput(participantSchema, raw);
  if (input.role === 'CHILD' && !input.personId)
    throw badInput('input.personId', 'name the child (one of the children the meeting is about)');
  if (input.role !== 'CHILD' && input.personId)
    throw badInput('input.personId', 'only a CHILD participant names a person record');
  return changeMeeting(ctx, meetingId, expectedVersion, 'INVITE_PARTICIPANT', async (tx) => {
    if (input.personId) {
      const meeting = await tx.meetings.findMeeting(meetingId);
      if (!meeting?.subjectPersonIds.includes(input.personId))
        throw badInput('input.personId', 'is not one of the children the meeting is about');
    }
    const id = await tx.meetings.insertParticipant({
      meetingId,
      role: input.role,
      displayLabel: input.displayLabel.trim(),
      personId: input.personId ?? null,
    });
    return {
      set: {},
      changes: [
        {
          entity: 'meeting_participant',
          id,
          before: null,
          after: { role: input.role, personId: input.personId ?? null, displayLabelRecorded: true },
        },
      ],
    };
  });
}

const participantAttendanceSchema = z
  .object({
    participantId: uuid,
    status: z.enum(PARTICIPANT_ATTENDANCE),
    reason: safeText(2000).nullish(),
    reportSharedAt: z.date().nullish(),
  })
  .superRefine((v, c) => {
    if ((PARTICIPANT_ABSENCE as readonly string[]).includes(v.status) && !v.reason?.trim())
      c.addIssue({ code: 'custom', path: ['reason'], message: 'give the reason (did not attend, or declined)' });
    if (v.reportSharedAt && v.reportSharedAt.getTime() > Date.now() + 60_000)
      c.addIssue({ code: 'custom', path: ['reportSharedAt'], message: 'must not be in the future' });
  });

/**
 * A participant's attendance (attended, did not attend, sent views, declined — with the reason for the
 * last two), and for the family, when the report was shared with them. Recorded by social care, who
 * organise the meeting: the family is not an agency that records its own.
 */
export function recordParticipantAttendance(
  ctx: RequestContext,
  meetingId: string,
  raw: unknown,
  expectedVersion: number,
) {
  const input = parseInput(participantAttendanceSchema, raw);
  return changeMeeting(ctx, meetingId, expectedVersion, 'RECORD_PARTICIPANT_ATTENDANCE', async (tx, row) => {
    const participant = await tx.meetings.findParticipant(meetingId, input.participantId);
    if (!participant) throw badInput('input.participantId', 'is not invited to this meeting');
    if (input.reportSharedAt && !FAMILY_ROLES.includes(participant.role))
      throw badInput('input.reportSharedAt', 'a report is shared with the family (a parent or the child)');
    if (row.status === 'SCHEDULED' && (input.status === 'ATTENDED' || input.status === 'DID_NOT_ATTEND')) {
      throw invalidTransition(`Attendance ${input.status} can be recorded only once the meeting is held`, {
        status: row.status,
      });
    }
    const recordedAt = new Date();
    const reason = input.reason?.trim() || null;
    await tx.meetings.recordParticipantAttendance(participant.id, {
      status: input.status,
      reason,
      reportSharedAt: input.reportSharedAt ?? null,
      recordedAt,
    });
    return {
      set: {},
      changes: [
        {
          entity: 'meeting_participant',
          id: participant.id,
          before: { attendance: participant.attendance, reportSharedAt: participant.reportSharedAt },
          after: {
            attendance: input.status,
            reason,
            recordedAt,
            ...(input.reportSharedAt ? { reportSharedAt: input.reportSharedAt } : {}),
          },
        },
      ],
    };
  });
}
