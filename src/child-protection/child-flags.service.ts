import { z } from 'zod';
import type { Guarded } from '../access-policy/request-access';
import type { RequestContext } from '../context/context';
import { notifyEvent } from '../events/notify';
import { auditForHolderPartnership } from '../audit/release';
import { partnershipHub } from '../context/context-factory';
import { isValidNhsNumber, normaliseNhsNumber } from '../people/vocabulary';
import { parseInput, safeText } from '../shared/validation';

/**
 * The CP-IS-style flag view (issue 24, ADR 017): for the emergency duty team and unscheduled care,
 * a child looked up by NHS number gives flags only — on a plan (since when; never the category),
 * looked after, unborn with a pre-birth plan (the unborn child, or the expectant mother looked up), open to the MASH now — and the responsible team's
 * out-of-hours contact. A child the hub does not know and a child with no flag get the same answer
 * (all false), so the view is no oracle of "known to the hub". Every look-up is audited; a look-up of
 * a flagged child alerts the responsible social care team once per setting and day.
 */

export interface ChildFlagsView {
  onPlan: boolean;
  onPlanSince: string | null;
  lookedAfter: boolean;
  unbornWithPrebirthPlan: boolean;
  openToMash: boolean;
  responsibleTeam: string | null;
  outOfHoursContact: string | null;
  /** Other partnerships holding the child flagged: name and out-of-hours contact only (ADR 028). */
  heldElsewhere: Array<{ partnership: string; outOfHoursContact: string | null }>;
}

const nhsNumberSchema = z
  .string()
  .max(20)
  .refine(isValidNhsNumber, 'is not a valid NHS number (check digit)')
  .transform(normaliseNhsNumber);
const settingSchema = safeText(200).refine((s) => s.trim().length > 0, 'is required: where the child is being seen');

/**
 * The one answer that crosses the partnership wall (issue 26, ADR 028): which OTHER partnerships hold
 * the child flagged, as "held by partnership X, contact Y" and nothing more. Each holder's chain
 * records the look-up against its own children (awaited, before anything is released), so the
 * holder's access log shows who asked; the asker's chain has the request's own event (always audited).
 */
async function heldElsewhere(ctx: RequestContext, nhsNumber: string): Promise<ChildFlagsView['heldElsewhere']> {
  const holders = (await ctx.data.childFlags.flagHolders(nhsNumber)).filter((h) => h.partnership !== ctx.partnership);
  for (const h of holders)
    await auditForHolderPartnership(ctx, h.partnership, h.personIds, ['ChildProtectionFlags.heldElsewhere']);
  return holders.map((h) => ({
    partnership: h.name,
    // The partnership's own contact, else its social care team's (its agency list, ADR 028).
    outOfHoursContact:
      h.outOfHoursContact ??
      partnershipHub(ctx.hub, h.partnership)
        .agencies.list()
        .find((a) => a.kind === 'SOCIAL_CARE' && a.outOfHoursContact)?.outOfHoursContact ??
      null,
  }));
}

export async function lookUpChildFlags(
  ctx: RequestContext,
  raw: { nhsNumber: unknown; setting: unknown },
): Promise<Guarded<ChildFlagsView>> {
  const input = {
    nhsNumber: parseInput(nhsNumberSchema, raw.nhsNumber, 'nhsNumber'),
    setting: parseInput(settingSchema, raw.setting, 'setting'),
  };
  // Audited whatever the answer: "who asked about this NHS number" is itself a question IG may ask.
  ctx.access.requireAudit();
  const facts = await ctx.data.childFlags.flagsByNhsNumber(input.nhsNumber);
  const flagged = facts.onPlan || facts.lookedAfter || facts.openToMash || facts.prebirthPlan;
  const team = flagged
    ? (facts.planAgency ?? ctx.hub.agencies.list().find((a) => a.kind === 'SOCIAL_CARE')?.code ?? null)
    : null;
  const view: ChildFlagsView = {
    onPlan: facts.onPlan,
    onPlanSince: facts.onPlanSince,
    lookedAfter: facts.lookedAfter,
    unbornWithPrebirthPlan: facts.prebirthPlan,
    openToMash: facts.openToMash,
    responsibleTeam: team ? (ctx.hub.agencies.get(team)?.name ?? team) : null,
    outOfHoursContact: team ? (ctx.hub.agencies.get(team)?.outOfHoursContact ?? null) : null,
    heldElsewhere: await heldElsewhere(ctx, input.nhsNumber),
  };
  if (team) {
    const setting = input.setting.trim();
    await ctx.data.transaction(async (tx, m) => {
      for (const personId of facts.personIds) {
        const alertId = await tx.childFlags.alertOnce(personId, team, setting);
        if (alertId) await notifyEvent(m, { topic: 'alert', payload: { alertId, toAgency: team } });
      }
    });
  }
  // Guarded with the children it is about (none when unknown), so released flags are audited per child.
  return ctx.access.guard(view, { owner: null, relationships: new Set() }, facts.personIds, null);
}
