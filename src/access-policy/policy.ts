import { readJsonFile } from '../config/json-file';
import { z } from 'zod';
import type { Viewer } from './viewer';
import {
  AGENCY_KINDS,
  EXPLOITATION_ROLES,
  FLAG_VIEW_ROLES,
  MASH_ROLES,
  PURPOSES,
  REDACTION_REASONS,
  RELATIONSHIP_KINDS,
  ROLES,
  SENSITIVITY_CLASSES,
  type AgencyKind,
  type Purpose,
  type RedactionReason,
  type RelationshipKind,
  type Role,
  type SensitivityClass,
} from './vocabulary';

/**
 * The field policy as data: sensitivity class × viewer role × viewer agency kind × owning agency ×
 * purpose × relationship → release, or redact with a reason. Deny overrides allow; anything no
 * allow rule matches is redacted.
 */

const ruleSchema = z
  .object({
    description: z.string().min(1),
    effect: z.enum(['allow', 'deny']),
    classes: z.array(z.enum(SENSITIVITY_CLASSES)).min(1),
    roles: z.array(z.enum(ROLES)).min(1).optional(),
    agencyKinds: z.array(z.enum(AGENCY_KINDS)).min(1).optional(),
    /** OWN: the record's owning agency is the viewer's; OTHER: owned by another agency. */
    owner: z.enum(['OWN', 'OTHER']).optional(),
    purposes: z.array(z.enum(PURPOSES)).min(1).optional(),
    relationships: z.array(z.enum(RELATIONSHIP_KINDS)).min(1).optional(),
    reason: z.enum(REDACTION_REASONS).optional(),
  })
  .strict(); // a misspelt condition ("role") must not silently widen a rule to everyone

export const policySchema = z
  .object({
    purposesByRole: z.record(z.enum(ROLES), z.array(z.enum(PURPOSES))),
    /**
     * Which agency kinds each role may be held at (a token whose role does not fit its agency's
     * kind is refused). A policy file names only the roles it changes; the others keep
     * DEFAULT_ROLE_AGENCY_KINDS.
     */
    roleAgencyKinds: z
      .partialRecord(z.enum(ROLES), z.array(z.enum(AGENCY_KINDS)).min(1, 'name at least one agency kind'))
      .optional(),
    rules: z.array(ruleSchema).min(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    p.rules.forEach((r, i) => {
      if (r.effect === 'deny' && !r.reason) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'reason'], message: 'a deny rule needs a reason' });
      }
    });
  });

export type PolicyRule = z.infer<typeof ruleSchema>;
export type AccessPolicyData = z.infer<typeof policySchema>;

/**
 * The shipped role-to-agency-kind table (ADR 006): each MASH role belongs to its own kind of agency;
 * a partner referrer may work for any agency; the IG auditor and the hub administrator are the host
 * local authority's (they see the whole partnership's audit and configuration). A partnership that
 * hosts its MASH elsewhere, or adds a youth justice service's officers, says so in its policy file.
 */
export const DEFAULT_ROLE_AGENCY_KINDS: Readonly<Record<Role, readonly AgencyKind[]>> = {
  MASH_SOCIAL_WORKER: ['SOCIAL_CARE'],
  MASH_MANAGER: ['SOCIAL_CARE'],
  POLICE_MASH_OFFICER: ['POLICE'],
  HEALTH_MASH_PRACTITIONER: ['HEALTH'],
  PROBATION_MASH_OFFICER: ['PROBATION'],
  EDUCATION_MASH_OFFICER: ['EDUCATION'],
  PARTNER_REFERRER: AGENCY_KINDS,
  IG_AUDITOR: ['SOCIAL_CARE'],
  HUB_ADMIN: ['SOCIAL_CARE'],
  EDT_SOCIAL_WORKER: ['SOCIAL_CARE'],
  UNSCHEDULED_CARE_CLINICIAN: ['HEALTH'],
  // The LADO sits in the local authority; an employer's designated officer works for any kind of agency.
  LADO: ['SOCIAL_CARE'],
  EMPLOYER_DESIGNATED_OFFICER: AGENCY_KINDS,
};

const CASE_PURPOSES: Purpose[] = ['TRIAGE', 'STRATEGY', 'SECTION_47', 'DIRECT_CARE', 'BREAK_GLASS'];

/** The shipped default (README › How it works: rows, fields, purpose of use). */
export const DEFAULT_POLICY: AccessPolicyData = {
  purposesByRole: {
    MASH_SOCIAL_WORKER: CASE_PURPOSES,
    MASH_MANAGER: CASE_PURPOSES,
    POLICE_MASH_OFFICER: [...CASE_PURPOSES, 'AGENCY_CHECK'],
    HEALTH_MASH_PRACTITIONER: [...CASE_PURPOSES, 'AGENCY_CHECK'],
    PROBATION_MASH_OFFICER: [...CASE_PURPOSES, 'AGENCY_CHECK'],
    EDUCATION_MASH_OFFICER: [...CASE_PURPOSES, 'AGENCY_CHECK'],
    PARTNER_REFERRER: ['DIRECT_CARE'],
    IG_AUDITOR: ['IG_AUDIT'],
    HUB_ADMIN: [],
    // The flag view is read for the care of the child in front of them, and for nothing else.
    EDT_SOCIAL_WORKER: ['DIRECT_CARE'],
    UNSCHEDULED_CARE_CLINICIAN: ['DIRECT_CARE'],
    LADO: ['DIRECT_CARE', 'STRATEGY'],
    EMPLOYER_DESIGNATED_OFFICER: ['DIRECT_CARE'],
  },
  roleAgencyKinds: { ...DEFAULT_ROLE_AGENCY_KINDS } as Record<Role, AgencyKind[]>,
  rules: [
    {
      description: 'Auditors and administrators see no case content',
      effect: 'deny',
      classes: ['IDENTITY', 'SHARED_SUMMARY', 'AGENCY_DETAIL', 'SEALED'],
      roles: ['IG_AUDITOR', 'HUB_ADMIN'],
      reason: 'NO_CASE_CONTENT',
    },
    {
      description:
        'The emergency duty team and unscheduled care read the flag view only: no identity, summary or detail of any record',
      effect: 'deny',
      classes: ['IDENTITY', 'SHARED_SUMMARY', 'AGENCY_DETAIL', 'SEALED'],
      roles: [...FLAG_VIEW_ROLES],
      reason: 'NEED_TO_KNOW',
    },
    {
      description: 'Sealed fields never leave the owning agency, not even under break-glass',
      effect: 'deny',
      classes: ['SEALED'],
      owner: 'OTHER',
      reason: 'SEALED',
    },
    {
      description:
        "Anyone who legitimately reaches a row sees its case metadata (a referrer: its own referrals' receipts)",
      effect: 'allow',
      classes: ['CASE_METADATA'],
    },
    {
      description: 'MASH roles who legitimately reach a person see their identity',
      effect: 'allow',
      classes: ['IDENTITY'],
      roles: [...MASH_ROLES],
    },
    {
      description:
        "The owning agency's MASH roles read their own records in full (not its referrers: they see only their referrals' receipts)",
      effect: 'allow',
      classes: ['SHARED_SUMMARY', 'AGENCY_DETAIL', 'SEALED'],
      roles: [...MASH_ROLES],
      owner: 'OWN',
    },
    {
      description: 'MASH roles working a referral about the person read shared summaries for triage or stronger',
      effect: 'allow',
      classes: ['SHARED_SUMMARY'],
      roles: [...MASH_ROLES],
      purposes: ['TRIAGE', 'AGENCY_CHECK', 'STRATEGY', 'SECTION_47'],
      relationships: ['REFERRAL', 'AGENCY_CHECK', 'STRATEGY_INVITE'],
    },
    {
      description:
        "Agencies invited to the person's strategy discussion read other agencies' detail for strategy or s47",
      effect: 'allow',
      classes: ['SHARED_SUMMARY', 'AGENCY_DETAIL'],
      roles: [...MASH_ROLES],
      owner: 'OTHER',
      purposes: ['STRATEGY', 'SECTION_47'],
      relationships: ['STRATEGY_INVITE'],
    },
    {
      description:
        "The LADO, and an employer's designated officer for its own staff, read an allegation in full, the adult's sealed details included (ADR 018)",
      effect: 'allow',
      classes: ['SHARED_SUMMARY', 'SEALED'],
      roles: ['LADO', 'EMPLOYER_DESIGNATED_OFFICER'],
      relationships: ['LADO_ALLEGATION'],
    },
    {
      description:
        "Social care MASH staff and police MASH officers read an exploitation flag's summary and its sealed associations (peers, adults of concern, locations) through the cohort relationship (ADR 027)",
      effect: 'allow',
      classes: ['SHARED_SUMMARY', 'SEALED'],
      roles: [...EXPLOITATION_ROLES],
      relationships: ['EXPLOITATION_COHORT'],
    },
    {
      description: 'Break-glass grants summaries and agency detail for that person while it is open',
      effect: 'allow',
      classes: ['SHARED_SUMMARY', 'AGENCY_DETAIL'],
      roles: [...MASH_ROLES],
      purposes: ['BREAK_GLASS'],
      relationships: ['BREAK_GLASS'],
    },
  ],
};

/** What a guarded object is, for the policy: who owns it and how the viewer is related to it. */
export interface Subject {
  /** Owning agency code, or null for shared objects such as a person's identity. */
  owner: string | null;
  relationships: ReadonlySet<RelationshipKind>;
}

export type Decision = { release: true } | { release: false; reason: RedactionReason };
const RELEASE: Decision = Object.freeze({ release: true });

export class AccessPolicy {
  private readonly agencyKindsByRole: ReadonlyMap<Role, ReadonlySet<AgencyKind>>;

  constructor(readonly data: AccessPolicyData) {
    const table = { ...DEFAULT_ROLE_AGENCY_KINDS, ...data.roleAgencyKinds };
    this.agencyKindsByRole = new Map(ROLES.map((r) => [r, new Set(table[r])]));
  }

  /** Whether every role of a token may be held at an agency of this kind (fail closed: unknown is no). */
  rolesFitAgencyKind(roles: readonly Role[], kind: AgencyKind): boolean {
    return roles.length > 0 && roles.every((r) => this.agencyKindsByRole.get(r)?.has(kind) === true);
  }

  /** `source` names the file in errors (a partnership's own file says whose, ADR 028). */
  static load(file: string | undefined, source = 'MASH_POLICY_FILE'): AccessPolicy {
    if (!file) return new AccessPolicy(DEFAULT_POLICY);
    const raw = readJsonFile(source, file);
    const parsed = policySchema.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    }
    return new AccessPolicy(parsed.data);
  }

  /** The purposes a viewer may declare: the union over their roles. */
  purposesFor(viewer: Viewer): Set<Purpose> {
    const out = new Set<Purpose>();
    for (const r of viewer.roles) for (const p of this.data.purposesByRole[r] ?? []) out.add(p);
    return out;
  }

  mayDeclare(viewer: Viewer, purpose: Purpose): boolean {
    return this.purposesFor(viewer).has(purpose);
  }

  decide(viewer: Viewer, purpose: Purpose | null, subject: Subject, cls: SensitivityClass): Decision {
    let allowed = false;
    let allowedWithOtherPurpose = false;
    for (const rule of this.data.rules) {
      if (!rule.classes.includes(cls) || !this.matchesViewerAndSubject(rule, viewer, subject)) continue;
      const purposeOk = !rule.purposes || (purpose !== null && rule.purposes.includes(purpose));
      if (rule.effect === 'deny') {
        if (purposeOk) return { release: false, reason: rule.reason ?? 'NEED_TO_KNOW' };
      } else if (purposeOk) {
        allowed = true;
      } else {
        allowedWithOtherPurpose = true;
      }
    }
    if (allowed) return RELEASE;
    return { release: false, reason: allowedWithOtherPurpose ? 'PURPOSE_INSUFFICIENT' : 'NEED_TO_KNOW' };
  }

  /**
   * Whether the viewer may filter, sort or search on a class across the rows of a list (filter-policy.ts).
   * The rows' owners and relationships vary and are not known before the query, so the answer may
   * not rest on them: an allow rule conditioned on owner or relationship does not count, a deny rule
   * so conditioned does. SEALED never. The one exception: a relationship the list's row scope gives
   * every row it can return (`everyRowHas`, e.g. REFERRAL for social care MASH staff over the
   * referral queue) is known before the query, so an allow rule on it counts.
   */
  mayFilterOn(
    viewer: Viewer,
    purpose: Purpose | null,
    cls: SensitivityClass,
    everyRowHas: ReadonlySet<RelationshipKind> = new Set(),
  ): boolean {
    if (cls === 'SEALED') return false;
    let allowed = false;
    for (const rule of this.data.rules) {
      if (!rule.classes.includes(cls)) continue;
      if (rule.roles && !viewer.roles.some((r) => rule.roles!.includes(r))) continue;
      if (rule.agencyKinds && !rule.agencyKinds.includes(viewer.agencyKind)) continue;
      if (rule.purposes && (purpose === null || !rule.purposes.includes(purpose))) continue;
      if (rule.effect === 'deny') return false;
      // An allow rule conditioned on a relationship counts when every row the list can return has it
      // (`everyRowHas`: what the list's row scope guarantees, relationships.ts); one on owner never.
      if (!rule.owner && (!rule.relationships || rule.relationships.some((k) => everyRowHas.has(k)))) allowed = true;
    }
    return allowed;
  }

  private matchesViewerAndSubject(rule: PolicyRule, viewer: Viewer, subject: Subject): boolean {
    if (rule.roles && !viewer.roles.some((r) => rule.roles!.includes(r))) return false;
    if (rule.agencyKinds && !rule.agencyKinds.includes(viewer.agencyKind)) return false;
    if (rule.owner === 'OWN' && subject.owner !== viewer.agency) return false;
    if (rule.owner === 'OTHER' && (subject.owner === null || subject.owner === viewer.agency)) return false;
    if (rule.relationships && !rule.relationships.some((k) => subject.relationships.has(k))) return false;
    return true;
  }
}
