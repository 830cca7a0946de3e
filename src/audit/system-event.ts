import os from 'node:os';
import { newAuditEventId, type AuditEvent } from './audit-event';

/**
 * An audit event of an operator command (export, archive), in the partnership's chain: actor `system:<user>` from the OS
 * account running it, action SYSTEM. `details` go into the event's `changes` as one entry.
 */
export function systemEvent(
  partnership: string,
  operation: string,
  requestId: string,
  personIds: string[],
  released: string[],
  details: Record<string, unknown>,
): AuditEvent {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no user name available (e.g. a container without a passwd entry)
  }
  return {
    id: newAuditEventId(),
    partnership,
    occurredAt: new Date().toISOString(),
    requestId,
    actor: { sub: `system:${user}`, name: 'Operator command', agency: null, roles: [] },
    purpose: 'IG_AUDIT',
    breakGlass: null,
    operation: { type: 'command', name: operation, documentHash: null },
    action: 'SYSTEM',
    outcome: 'SUCCESS',
    errorCodes: [],
    subjects: personIds.map((personId) => ({
      personId,
      outcome: 'DISCLOSED' as const,
      recordIds: [],
      released,
      redacted: [],
      relationships: [],
    })),
    changes: [{ entity: 'audit', id: operation, before: null, after: details }],
  };
}
