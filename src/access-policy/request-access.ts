import type { AccessPolicy, Decision, Subject } from './policy';
import type { Viewer } from './viewer';
import type { Purpose, RedactionReason, RelationshipKind, SensitivityClass } from './vocabulary';
import { badInput, forbidden } from '../shared/errors';

/**
 * Everything a guarded object carries so its fields can be released or redacted synchronously:
 * the policy subject (owner, relationships) and the people it is about. Repositories attach it to
 * each row they return; the field guard reads it.
 */
export const GUARD: unique symbol = Symbol('mash.guard');

export interface GuardInfo {
  subject: Subject;
  personIds: readonly string[];
  recordId: string | null;
  /** Per-request cache of decisions by class and of this object's audit entries. */
  decisions?: Partial<Record<SensitivityClass, Decision>>;
  entries?: DisclosureEntry[];
}

export type Guarded<T extends object> = T & { [GUARD]: GuardInfo };

export interface DisclosureEntry {
  personId: string;
  recordIds: Set<string>;
  released: Set<string>;
  redacted: Set<string>;
  relationships: Set<RelationshipKind>;
  /** Owning agencies of the AGENCY_DETAIL released about the person (cross-agency read alerts). */
  detailOwners: Set<string>;
  outcome: 'DISCLOSED' | 'NOT_FOUND' | 'DENIED';
}

export interface Redaction {
  path: string;
  reason: RedactionReason;
}

/**
 * The per-request access state: the viewer, the declared purpose, cached decisions, and what was
 * released and redacted for whom — which becomes the audit event. Never shared across requests.
 */
export class RequestAccess {
  protected declaredPurpose: Purpose | null = null;
  readonly redactions: Redaction[] = [];
  readonly disclosures = new Map<string, DisclosureEntry>();
  /** Set when the viewer works under an open break-glass (id and reason go into the audit). */
  breakGlass: { id: string; reason: string } | null = null;
  /** Set by operations that must be audited even when they disclose nobody (IG reads, review queue). */
  alwaysAudit = false;

  constructor(
    readonly viewer: Viewer,
    readonly policy: AccessPolicy,
  ) {}

  /** A fresh access state of the same kind for the same viewer (each pushed event of a subscription). */
  fresh(): RequestAccess {
    return new (this.constructor as new (viewer: Viewer, policy: AccessPolicy) => RequestAccess)(
      this.viewer,
      this.policy,
    );
  }

  /** Marks the operation as audited even if it discloses nobody (e.g. the IG review queue). */
  requireAudit(): void {
    this.alwaysAudit = true;
  }

  get purpose(): Purpose | null {
    return this.declaredPurpose;
  }

  /** Root fields that read person data declare a purpose; one purpose per operation. */
  declarePurpose(purpose: Purpose): void {
    if (!this.policy.mayDeclare(this.viewer, purpose)) {
      throw forbidden(`Your role may not declare purpose ${purpose}`, { field: 'purpose' });
    }
    if (this.declaredPurpose !== null && this.declaredPurpose !== purpose) {
      throw badInput('purpose', 'one operation may declare only one purpose of use');
    }
    this.declaredPurpose = purpose;
  }

  guard<T extends object>(
    row: T,
    subject: Subject,
    personIds: readonly string[],
    recordId: string | null = null,
  ): Guarded<T> {
    const info: GuardInfo = { subject, personIds, recordId };
    (row as Guarded<T>)[GUARD] = info;
    this.entriesOf(info);
    return row as Guarded<T>;
  }

  decide(info: GuardInfo, cls: SensitivityClass): Decision {
    const cache = (info.decisions ??= {});
    return (cache[cls] ??= this.policy.decide(this.viewer, this.declaredPurpose, info.subject, cls));
  }

  /** Whether the viewer may read a class on a subject (e.g. which records a chronology keeps). */
  mayRead(subject: Subject, cls: SensitivityClass): boolean {
    return this.policy.decide(this.viewer, this.declaredPurpose, subject, cls).release;
  }

  /** Whether the viewer may filter, sort or search on a class across a list's rows, under `purpose`. */
  mayFilterOn(cls: SensitivityClass, purpose: Purpose | null, everyRowHas?: ReadonlySet<RelationshipKind>): boolean {
    return this.policy.mayFilterOn(this.viewer, purpose, cls, everyRowHas);
  }

  released(info: GuardInfo, coordinate: string, cls?: SensitivityClass): void {
    // The owner is already on the guard (the repository's row): no query per record.
    const detailOwner = cls === 'AGENCY_DETAIL' ? info.subject.owner : null;
    for (const e of this.entriesOf(info)) {
      e.released.add(coordinate);
      if (detailOwner) e.detailOwners.add(detailOwner);
    }
  }

  redacted(info: GuardInfo, coordinate: string, path: string, reason: RedactionReason): void {
    for (const e of this.entriesOf(info)) e.redacted.add(`${coordinate}:${reason}`);
    this.redactions.push({ path, reason });
  }

  /** A lookup of a person that found nothing the viewer may reach (recorded, never disclosed). */
  attempted(personId: string, outcome: 'NOT_FOUND' | 'DENIED'): void {
    if (!this.disclosures.has(personId)) {
      this.disclosures.set(personId, {
        personId,
        recordIds: new Set(),
        released: new Set(),
        redacted: new Set(),
        relationships: new Set(),
        detailOwners: new Set(),
        outcome,
      });
    }
  }

  private entriesOf(info: GuardInfo): DisclosureEntry[] {
    if (info.entries) return info.entries;
    info.entries = info.personIds.map((personId) => {
      let e = this.disclosures.get(personId);
      if (!e || e.outcome !== 'DISCLOSED') {
        e = {
          personId,
          recordIds: new Set(),
          released: new Set(),
          redacted: new Set(),
          relationships: new Set(),
          detailOwners: new Set(),
          outcome: 'DISCLOSED',
        };
        this.disclosures.set(personId, e);
      }
      for (const k of info.subject.relationships) e.relationships.add(k);
      if (info.recordId) e.recordIds.add(info.recordId);
      return e;
    });
    return info.entries;
  }
}
