import type { Distribution, Measure, MetricsResult, TrendPoint } from './metrics.service';
import type { MetricsSettings } from './settings';

/**
 * The monthly governance report as Markdown, for a partnership board paper: the same measures as the
 * `metrics` query, counts and durations only. Worker rows carry pseudonymous subs, never names.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function periodTitle(label: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(label);
  return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : label;
}

const dash = '–';
function fmt(value: number | null, unit: Measure['unit']): string {
  if (value === null) return dash;
  if (unit === 'SHARE') return `${(value * 100).toFixed(1)} %`;
  if (unit === 'HOURS') return `${value.toFixed(1)} h`;
  if (unit === 'WORKING_DAYS') return `${value.toFixed(2)} working days`;
  return String(value);
}
const pct = (v: number | null) => fmt(v, 'SHARE');
const hours = (v: number | null) => fmt(v, 'HOURS');

const DIRECTION: Record<string, string> = { IMPROVING: '↑ improving', WORSENING: '↓ worsening', STABLE: '→ stable' };
const STATUS: Record<string, string> = {
  GREEN: 'GREEN',
  AMBER: 'AMBER',
  RED: 'RED',
  NO_TARGET: 'no target',
  NO_DATA: 'no data',
};

function table(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function durations(rows: Distribution[], keyTitle: string, what: string): string {
  if (rows.length === 0) return `_No ${what} in the period._`;
  return table(
    [keyTitle, 'Count', 'Within timescale', '%', 'Median', '90th percentile'],
    rows.map((r) => [
      r.key,
      String(r.count),
      String(r.withinTimescale),
      pct(r.withinTimescaleRate),
      hours(r.medianHours),
      hours(r.p90Hours),
    ]),
  );
}

/** Compact cells for the trend table (one decimal for shares and durations). */
function short(value: number | null, unit: Measure['unit']): string {
  if (value === null) return dash;
  if (unit === 'SHARE') return `${(value * 100).toFixed(1)}%`;
  if (unit === 'HOURS' || unit === 'WORKING_DAYS') return value.toFixed(1);
  return String(value);
}

export function renderReport(r: MetricsResult, settings: MetricsSettings, trend: TrendPoint[] = []): string {
  const c = r.current;
  const out: string[] = [];
  out.push(`# MASH governance metrics — ${periodTitle(c.period.label)}`);
  out.push('');
  out.push(
    `Period ${c.period.from} to ${c.period.to} (${r.timeZone}), compared with ${r.previous.period.from} to ${r.previous.period.to}. ` +
      `Team: ${r.team ?? 'whole MASH'}. Produced ${r.asAt.toISOString()}. Counts and durations only; no personal data.`,
  );
  out.push('');
  out.push('## Summary against target');
  out.push('');
  out.push(
    table(
      ['Measure', 'This period', 'Previous period', 'Target', 'Polarity', 'RAG', 'Direction of travel'],
      r.measures.map((m) => [
        m.label,
        fmt(m.value, m.unit),
        fmt(m.previousValue, m.unit),
        fmt(m.target, m.unit),
        m.polarity === 'SMALLER_IS_BETTER'
          ? 'smaller is better'
          : m.polarity === 'LARGER_IS_BETTER'
            ? 'larger is better'
            : dash,
        STATUS[m.status ?? ''] ?? dash,
        DIRECTION[m.direction ?? ''] ?? dash,
      ]),
    ),
  );
  const notes = r.measures.filter((m) => m.note).map((m) => `- ${m.label}: ${m.note}.`);
  if (notes.length) out.push('', ...notes);
  const compared = r.measures.filter((m) => m.comparators.length || m.commentary);
  if (compared.length) {
    out.push('', '### Comparators and commentary', '');
    for (const m of compared) {
      const figures = m.comparators.map((c) => `${c.label} ${fmt(c.value, m.unit)}`).join('; ');
      out.push(
        `- **${m.label}**: ${fmt(m.value, m.unit)}${figures ? ` (${figures})` : ''}.${m.commentary ? ` ${m.commentary}` : ''}`,
      );
    }
  }

  if (trend.length) {
    out.push('', `## ${trend.length}-month trend`, '');
    out.push(
      table(
        ['Measure', ...trend.map((p) => p.label)],
        r.measures.map((m) => [m.label, ...trend.map((p) => short(p.scalars[m.key], m.unit))]),
      ),
    );
    out.push('', 'Each month as at its own end; shares in %, durations in the measure’s unit (hours or working days).');
  }
  out.push('', '## Contacts and conversion by referring agency', '');
  out.push(
    c.contactsByAgency.length === 0
      ? '_No contacts in the period._'
      : table(
          ['Referring agency', 'Sector', 'Contacts', 'Decided', 'Referred to social care', 'Conversion', 'Outcomes'],
          c.contactsByAgency.map((a) => [
            a.agency,
            a.sector,
            String(a.contacts),
            String(a.decided),
            String(a.socialCareReferrals),
            pct(a.conversionRate),
            a.outcomes.map((o) => `${o.outcome} ${o.count}`).join(', ') || dash,
          ]),
        ),
  );
  out.push('', '## Contacts by source (children-in-need census codes)', '');
  out.push(
    c.contactsBySource.length === 0
      ? '_No contacts in the period._'
      : table(
          ['Source', 'Census code', 'Contacts', 'Contacts per child', 'Referrals', 'Referrals per child'],
          c.contactsBySource.map((x) => [
            x.source,
            x.censusCode,
            String(x.contacts),
            String(x.childContacts),
            String(x.referrals),
            String(x.childReferrals),
          ]),
        ),
  );
  const st = c.statutoryDecisions;
  out.push('', '## The statutory clock: decision on the type of response within one working day', '');
  out.push(
    table(
      ['', 'This period', 'Previous period'],
      [
        ['Contacts whose decision fell due', String(st.due), String(r.previous.statutoryDecisions.due)],
        [
          'decided within one working day',
          String(st.withinOneWorkingDay),
          String(r.previous.statutoryDecisions.withinOneWorkingDay),
        ],
        [
          'not decided by the end of the period',
          String(st.notDecidedByPeriodEnd),
          String(r.previous.statutoryDecisions.notDecidedByPeriodEnd),
        ],
      ],
    ),
  );
  out.push(
    '',
    '## Decisions within the local RAG target and time in MASH (elapsed hours), by RAG',
    '',
    durations(c.decisionsByRag, 'RAG', 'decisions'),
  );
  out.push(
    '',
    '## Agency-check turnaround by agency',
    '',
    durations(c.checkTurnaroundByAgency, 'Agency', 'checks answered'),
  );
  out.push('', '### How checks ended, by agency', '');
  out.push(
    c.checkOutcomesByAgency.length === 0
      ? '_None._'
      : table(
          ['Agency', 'Information shared', 'No information held', 'Declined', 'Closed without answer'],
          c.checkOutcomesByAgency.map((o) => [
            o.agency,
            String(o.informationShared),
            String(o.noInformationHeld),
            String(o.declined),
            String(o.closedWithoutAnswer),
          ]),
        ),
  );
  out.push('', `### Checks overdue as at ${c.overdueChecksAsAt.toISOString()}`, '');
  out.push(
    c.overdueChecksByAgency.length === 0
      ? '_None._'
      : table(
          ['Agency', 'Overdue checks'],
          c.overdueChecksByAgency.map((o) => [o.agency, String(o.count)]),
        ),
  );
  out.push('', '## Re-referrals and equality data', '');
  out.push(
    table(
      ['', 'This period', 'Previous period'],
      [
        [
          'Referrals per child (accepted contacts × children)',
          String(c.reReferrals.referrals),
          String(r.previous.reReferrals.referrals),
        ],
        [
          'of which re-referrals within 12 months',
          String(c.reReferrals.reReferrals),
          String(r.previous.reReferrals.reReferrals),
        ],
        ['Children in the period’s referrals', String(c.equality.children), String(r.previous.equality.children)],
        ['with ethnicity recorded', String(c.equality.ethnicity), String(r.previous.equality.ethnicity)],
        ['with first language recorded', String(c.equality.firstLanguage), String(r.previous.equality.firstLanguage)],
        ['with religion recorded', String(c.equality.religion), String(r.previous.equality.religion)],
      ],
    ),
  );
  const sd = c.strategyDiscussions;
  out.push('', '## Strategy discussions and attendance by agency', '');
  out.push(
    `${sd.meetings} strategy discussions held (previous period ${r.previous.strategyDiscussions.meetings}); ${sd.nonQuorateMeetings} without every required agency attending.`,
    '',
  );
  out.push(
    sd.byAgency.length === 0
      ? '_No strategy discussions held in the period._'
      : table(
          [
            'Agency',
            'Invited',
            'Attended',
            'Apologies',
            'Information only',
            'Did not attend',
            'Not recorded',
            'Attendance rate',
            'Missed when required',
          ],
          sd.byAgency.map((a) => [
            a.agency,
            String(a.invited),
            String(a.attended),
            String(a.apologies),
            String(a.informationOnly),
            String(a.didNotAttend),
            String(a.notRecorded),
            pct(a.attendanceRate),
            String(a.missedWhenRequired),
          ]),
        ),
  );
  out.push('', '## Initial child protection conferences within 15 working days', '');
  out.push(
    table(
      ['', 'This period', 'Previous period'],
      [
        ['Strategy discussions whose ICPC fell due', String(c.icpc.due), String(r.previous.icpc.due)],
        [
          'of which ICPC held on or before the due date',
          String(c.icpc.withinTimescale),
          String(r.previous.icpc.withinTimescale),
        ],
      ],
    ),
  );
  const cp = c.childProtection;
  const pcp = r.previous.childProtection;
  out.push('', '## Child protection: conferences, core groups and plans', '');
  out.push(
    table(
      ['', 'This period', 'Previous period'],
      [
        ['Initial conferences due (per child)', String(cp.icpcDue), String(pcp.icpcDue)],
        [
          'held within 15 working days of the last strategy discussion',
          String(cp.icpcHeldInTime),
          String(pcp.icpcHeldInTime),
        ],
        ['held late', String(cp.icpcHeldLate), String(pcp.icpcHeldLate)],
        ['due and not held', String(cp.icpcDueNotHeld), String(pcp.icpcDueNotHeld)],
        ['Review conferences held (per child)', String(cp.reviewsHeld), String(pcp.reviewsHeld)],
        ['of which within timescale', String(cp.reviewsInTime), String(pcp.reviewsInTime)],
        ['First core groups due', String(cp.firstCoreGroupsDue), String(pcp.firstCoreGroupsDue)],
        ['of which within 10 working days', String(cp.firstCoreGroupsInTime), String(pcp.firstCoreGroupsInTime)],
        ['Plans started', String(cp.plansStarted), String(pcp.plansStarted)],
        ['of which second or subsequent', String(cp.secondOrSubsequent), String(pcp.secondOrSubsequent)],
        [
          'of which within two years of the previous plan',
          String(cp.secondOrSubsequentWithinTwoYears),
          String(pcp.secondOrSubsequentWithinTwoYears),
        ],
        ['Plans ended', String(cp.plansEnded), String(pcp.plansEnded)],
        ['of which within 3 months of starting', String(cp.endedWithin3Months), String(pcp.endedWithin3Months)],
        ['of which within 6 months of starting', String(cp.endedWithin6Months), String(pcp.endedWithin6Months)],
        ['of which after 2 years or more', String(cp.lasted2YearsOrMore), String(pcp.lasted2YearsOrMore)],
        ['s47 enquiries started', String(cp.enquiriesStarted), String(pcp.enquiriesStarted)],
        [
          'of which to an initial conference (so far)',
          String(cp.enquiriesToConference),
          String(pcp.enquiriesToConference),
        ],
        ['of which to a plan (so far)', String(cp.enquiriesToPlan), String(pcp.enquiriesToPlan)],
        ['Children on a plan at the end of the period', String(cp.onPlanAtEnd), String(pcp.onPlanAtEnd)],
        ...(
          [
            ['of whom', cp.onPlanByCategory, pcp.onPlanByCategory],
            ['aged', cp.onPlanByAgeBand, pcp.onPlanByAgeBand],
            ['sex', cp.onPlanBySex, pcp.onPlanBySex],
            ['disability', cp.onPlanByDisability, pcp.onPlanByDisability],
          ] as const
        ).flatMap(([words, rows, before]) =>
          rows.map((k) => [
            `${words} ${k.category.toLowerCase().replace(/_/g, ' ')}`,
            String(k.count),
            String(before.find((x) => x.category === k.category)?.count ?? 0),
          ]),
        ),
      ],
    ),
  );
  out.push('', '## Break-glass uses by agency', '');
  out.push(
    c.breakGlassByAgency.length === 0
      ? '_None in the period._'
      : table(
          ['Agency', 'Break-glass uses'],
          c.breakGlassByAgency.map((b) => [b.agency, String(b.count)]),
        ),
  );
  const me = c.missingEpisodes;
  const pe = r.previous.missingEpisodes;
  out.push('', '## Missing episodes and return home interviews', '');
  out.push(
    table(
      ['', 'This period', 'Previous period'],
      [
        ['Missing episodes started', String(me.started), String(pe.started)],
        ['Children with an episode started', String(me.children), String(pe.children)],
        [
          'Episodes of children not known to social care',
          String(me.notKnownToSocialCare),
          String(pe.notKnownToSocialCare),
        ],
        ['Returns in the period', String(me.returned), String(pe.returned)],
        [
          'of which interview offered within 72 hours',
          String(me.offeredWithin72Hours),
          String(pe.offeredWithin72Hours),
        ],
        ['of which offered later', String(me.offeredLater), String(pe.offeredLater)],
        ['of which interview held', String(me.held), String(pe.held)],
        ['of which interview declined', String(me.declined), String(pe.declined)],
      ],
    ),
  );
  if (me.byMissingFrom.length > 0) {
    out.push(
      '',
      table(
        ['Missing from', 'Episodes started'],
        me.byMissingFrom.map((f) => [f.key, String(f.count)]),
      ),
    );
  }
  const eh = c.earlyHelp;
  const peh = r.previous.earlyHelp;
  out.push('', '## Early help and step transitions', '');
  out.push(
    table(
      ['', 'This period', 'Previous period'],
      [
        ['Early-help episodes opened', String(eh.opened), String(peh.opened)],
        [
          'of which by the MASH’s early-help decision',
          String(eh.openedByMashDecision),
          String(peh.openedByMashDecision),
        ],
        ['of which by a step-down', String(eh.openedByStepDown), String(peh.openedByStepDown)],
        ['Step-ups (early help to social care)', String(eh.stepUps), String(peh.stepUps)],
        ['Step-downs (social care to early help)', String(eh.stepDowns), String(peh.stepDowns)],
        ['Episodes closed with needs met', String(eh.needsMet), String(peh.needsMet)],
        ['Episodes closed with needs not met', String(eh.needsNotMet), String(peh.needsNotMet)],
        ['Re-escalations within 12 months of a step-down', String(eh.reEscalations), String(peh.reEscalations)],
      ],
    ),
  );
  const la = c.lado;
  const pla = r.previous.lado;
  out.push('', '## Allegations against staff (LADO)', '');
  out.push(
    table(
      ['', 'This period', 'Previous period'],
      [
        ['Allegations received', String(la.received), String(pla.received)],
        ['Allegations resolved', String(la.resolved), String(pla.resolved)],
        ['of which within one month', String(la.withinOneMonth), String(pla.withinOneMonth)],
        ['of which within three months', String(la.withinThreeMonths), String(pla.withinThreeMonths)],
        ['of which within twelve months', String(la.withinTwelveMonths), String(pla.withinTwelveMonths)],
        ['DBS referrals', String(la.dbsReferrals), String(pla.dbsReferrals)],
      ],
    ),
  );
  if (la.bySector.length > 0)
    out.push(
      '',
      table(
        ['Employer sector', 'Allegations received'],
        la.bySector.map((s) => [s.key, String(s.count)]),
      ),
    );
  const pf = c.privateFostering;
  const ppf = r.previous.privateFostering;
  out.push('', '## Private fostering', '');
  out.push(
    table(
      ['', 'This period', 'Previous period'],
      [
        ['Notifications received', String(pf.notifications), String(ppf.notifications)],
        ['Initial visits held', String(pf.initialVisits), String(ppf.initialVisits)],
        [
          'of which within 7 working days of notification',
          String(pf.initialVisitsWithinTimescale),
          String(ppf.initialVisitsWithinTimescale),
        ],
        [
          'Children privately fostered at the end of the period',
          String(pf.childrenAtPeriodEnd),
          String(ppf.childrenAtPeriodEnd),
        ],
      ],
    ),
  );
  const fp = c.familyParticipation;
  const pfp = r.previous.familyParticipation;
  out.push('', '## Family participation in child protection conferences', '');
  out.push(
    table(
      ['', 'This period', 'Previous period'],
      [
        ['Children aged 12 or more at a conference', String(fp.childrenOver12), String(pfp.childrenOver12)],
        [
          'of whom attended or sent their views',
          String(fp.childrenOver12TakingPart),
          String(pfp.childrenOver12TakingPart),
        ],
        ['Parents invited to a conference', String(fp.parentsInvited), String(pfp.parentsInvited)],
        [
          'of whom received the report before it',
          String(fp.parentsWithReportBefore),
          String(pfp.parentsWithReportBefore),
        ],
      ],
    ),
  );
  out.push('', '## Information shared: lawful basis and consent', '');
  out.push(
    c.sharesByBasis.length === 0
      ? '_No information shared in the period._'
      : table(
          ['Share', 'Article 6 basis', 'Article 9 / Schedule 1 condition', 'Consent', 'Count'],
          c.sharesByBasis.map((x) => [
            x.share === 'REFERRAL' ? 'Referral' : 'Check answer',
            x.article6Basis,
            x.specialCategoryCondition,
            x.consent,
            String(x.count),
          ]),
        ),
  );
  out.push('', `## Contacts open in the MASH as at ${c.openReferralsAsAt.toISOString()}`, '');
  out.push(
    c.openReferralsByRag.length === 0
      ? '_None open._'
      : table(
          ['RAG then', 'Open'],
          c.openReferralsByRag.map((x) => [x.rag, String(x.count)]),
        ),
  );
  const ex = c.exploitation;
  const pex = r.previous.exploitation;
  out.push('', '## Exploitation (MASE)', '');
  out.push(
    table(
      ['', 'This period', 'Previous period'],
      [
        [
          'Flags open at the end of the period',
          String(ex.cohortAtPeriodEnd.reduce((s, x) => s + x.count, 0)),
          String(pex.cohortAtPeriodEnd.reduce((s, x) => s + x.count, 0)),
        ],
        ['Flags raised', String(ex.raised), String(pex.raised)],
        ['Flags discussed at MASE meetings', String(ex.maseDiscussions), String(pex.maseDiscussions)],
        ['Children discussed at MASE meetings', String(ex.maseChildren), String(pex.maseChildren)],
      ],
    ),
  );
  if (ex.cohortAtPeriodEnd.length > 0)
    out.push(
      '',
      table(
        ['Type', 'Risk level', 'Open at the end of the period'],
        ex.cohortAtPeriodEnd.map((x) => [x.type, x.riskLevel, String(x.count)]),
      ),
    );
  out.push('', '## By worker', '');
  out.push(
    c.workers.length === 0
      ? '_No activity in the period._'
      : table(
          [
            'Worker (pseudonymous id)',
            'Contacts',
            'Decisions',
            'Within timescale',
            'Median time in MASH',
            '90th percentile',
            'Feedback sent',
            'Median to feedback',
          ],
          c.workers.map((w) => [
            w.workerSub ?? 'unassigned',
            String(w.contacts),
            String(w.decisions),
            String(w.decisionsWithinTimescale),
            hours(w.timeInMashMedianHours),
            hours(w.timeInMashP90Hours),
            String(w.feedbackSent),
            hours(w.feedbackMedianHours),
          ]),
        ),
  );
  out.push('', '## How to read this', '');
  out.push(
    (settings.ragConvention === 'IMPROVEMENT'
      ? `- RAG against target: GREEN on target or within ${settings.bands.green * 100} % of it; beyond that AMBER where performance improved on the previous period, RED where it did not. `
      : `- RAG against target: GREEN on target or within ${settings.bands.green * 100} % of it, AMBER within ${settings.bands.amber * 100} %, RED beyond. `) +
      'Direction of travel compares with the previous period.',
    '- Contacts are counted when received; decisions and time in MASH when the decision was authorised; feedback when sent; checks when answered (information shared, no information held, or declined; "no information held" is an answer, not a refusal) or closed by the MASH.',
    '- A contact is what arrives; it is a referral when the MASH accepts it for a social-care response (an authorised CIN assessment or strategy discussion). Conversion (no polarity: more or fewer is not better in itself): contacts received in the period that became referrals.',
    '- Decision timeliness (statutory, Working Together): of the contacts whose decision fell due in the period (one working day from receipt on the working calendar), those decided by then; one not decided by the end of the period is late. The local RAG targets are a separate measure.',
    '- Re-referral (children-in-need census): per child, a referral within 12 months of that child’s previous referral; only referrals accepted by the end of the period count. Merged duplicates are not counted.',
    '- Snapshots (checks overdue, contacts open by their RAG then) are as at the end of the period, from what was recorded then (status and rating history); the current period’s is as at the time of the report.',
    '- Information shared: every contact received and every check answer that shared information, by UK GDPR Article 6 basis, Article 9 / DPA 2018 Schedule 1 condition (NONE: no special-category condition recorded) and consent (ADR 025).',
    '- Equality data: distinct children (including unborn) in the period’s referrals with the field recorded (not NOT_RECORDED or NOT_PROVIDED_BY_SOURCE).',
    '- Strategy discussions: held or completed, counted by scheduled time; attendance is per invitation. ICPC timeliness: strategy discussions whose conference fell due ' +
      '(15 working days) in the period, with a conference about the same child held by the due date. Break-glass: openings in the period by the opener’s agency. ' +
      'These three are partnership-wide; a team does not narrow them.',
    '- Child protection (per child, partnership-wide): an initial conference is due 15 working days after the last strategy discussion of the s47 enquiry; ' +
      'it counts in the period it fell due unless the enquiry closed without a conference by then. Reviews: due 3 months after the initial conference, then 6 after the last review, ' +
      'counted when held. First core group: 10 working days after the initial conference, counted when due. On a plan at the end: started before and not ended by the last day, by its category on that day.',
    '- Missing episodes: counted when they started; return home interviews by the return: offered within 72 hours of clock time of the return (weekends and nights count), ' +
      'take-up = held of those held or declined. "Not known to social care": no referral about the child and no social care agency holding them when the episode was recorded. Partnership-wide.',
    '- Early help: episodes counted when opened (by the MASH’s early-help decision or a step-down), outcomes when closed (a step-up is not an outcome), step-ups and step-downs when they happened. ' +
      'Re-escalation: a step-up, or a referral received, about a child stepped down in the 365 days before. Partnership-wide.',
    '- LADO allegations: received when received; resolved when the outcome was recorded, banded by calendar months from receipt (within three months includes within one); DBS referrals when made. Counts only. Partnership-wide.',
    '- Private fostering: notifications when received; initial visits when held, within timescale when held by 7 working days after the day of notification (the due date fixed then); ' +
      'children privately fostered at the end: notified before it, the arrangement started by the last day and not closed by it. Counts only. Partnership-wide.',
    '- Family participation: child protection conferences (initial and review) scheduled in the period and held; a child aged 12 or more on the London date of the conference counts once per conference, ' +
      'taking part when recorded as a participant who attended or sent their views; a parent counts once per invitation, the report received when shared before the conference’s scheduled time. Partnership-wide.',
    '- Exploitation: the cohort at the end of the period is the flags raised before it and not closed by then, by type and the risk level they had then; flags raised when raised; ' +
      'MASE discussions: flag reviews in the period that name a MASE meeting (and the children discussed). Counts only. Partnership-wide.',
  );
  return `${out.join('\n')}\n`;
}
