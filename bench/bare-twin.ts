import type { AccessPolicy, Decision, Subject } from '../src/access-policy/policy';
import { GUARD, RequestAccess, type Guarded } from '../src/access-policy/request-access';
import type { Viewer } from '../src/access-policy/viewer';
import type { Purpose } from '../src/access-policy/vocabulary';
import type { ServerFeatures } from '../src/app/server';

const RELEASE: Decision = Object.freeze({ release: true });

/**
 * The benchmark's bare twin (B0), built here by composition rather than by switches inside
 * src/access-policy/ (ADR 011): the same schema and resolvers without the field guard
 * (`fieldPermissions: false` serves the bare schema) and without the release audit, and an access
 * state that releases everything and collects nothing. Never used outside bench/; the hub refuses
 * a replaced access state in production.
 */
export class BareAccess extends RequestAccess {
  override declarePurpose(purpose: Purpose): void {
    this.declaredPurpose = purpose;
  }

  override guard<T extends object>(
    row: T,
    subject: Subject,
    personIds: readonly string[],
    recordId: string | null = null,
  ): Guarded<T> {
    // The subject rides along (guardLike copies it to a wrapper); nothing is collected for an audit.
    (row as Guarded<T>)[GUARD] = { subject, personIds, recordId };
    return row as Guarded<T>;
  }

  override decide(): Decision {
    return RELEASE;
  }

  override mayRead(): boolean {
    return true;
  }

  override mayFilterOn(): boolean {
    return true;
  }
}

export const bareAccess = (viewer: Viewer, policy: AccessPolicy): RequestAccess => new BareAccess(viewer, policy);

export const BARE_FEATURES: ServerFeatures = { fieldPermissions: false, audit: false, limits: false };
