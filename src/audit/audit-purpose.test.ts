import { AccessPolicy, DEFAULT_POLICY } from '../access-policy/policy';
import { RequestAccess } from '../access-policy/request-access';
import type { Viewer } from '../access-policy/viewer';
import type { Purpose } from '../access-policy/vocabulary';
import type { RequestContext } from '../context/context';
import { buildAuditEvent, changeEvent, networkOf } from './audit-builder';
import type { AuditChange } from './audit-event';

/**
 * Every change says why (ADR 014): a mutation declares no purpose, so the event names the workflow
 * its first changed entity belongs to. And the connection's addresses reach the event only when both
 * ends are known. An IG auditor reads these fields; the chain would verify an event without them.
 */

const viewer = (roles: Viewer['roles']): Viewer => ({
  sub: 'u-1',
  name: 'A Worker',
  agency: 'social-care',
  agencyKind: 'SOCIAL_CARE',
  roles,
});
const worker = viewer(['MASH_SOCIAL_WORKER']);

function contextOf(v: Viewer, extra: Partial<RequestContext> = {}): RequestContext {
  return {
    requestId: 'req-1',
    viewer: v,
    access: new RequestAccess(v, new AccessPolicy(DEFAULT_POLICY)),
    operation: { type: 'mutation', name: 'Change', documentHash: null },
    ...extra,
  } as unknown as RequestContext;
}

const change = (entity: string): AuditChange => ({ entity, id: 'row-1', before: null, after: { x: 1 } });

describe('the purpose of a change that declared none', () => {
  it.each([
    ['referral', 'TRIAGE'],
    ['referral_rating', 'TRIAGE'],
    ['data_quality_issue', 'TRIAGE'],
    ['person_merge', 'TRIAGE'],
    ['agency_check', 'AGENCY_CHECK'],
    ['meeting', 'STRATEGY'],
    ['meeting_invitee', 'STRATEGY'],
    ['meeting_participant', 'STRATEGY'],
    ['meeting_decision', 'STRATEGY'],
    ['meeting_action', 'STRATEGY'],
    ['person', 'DIRECT_CARE'],
    ['person_relationship', 'DIRECT_CARE'],
    ['identity_assertion', 'DIRECT_CARE'],
    ['agency_record', 'DIRECT_CARE'],
    ['s47_enquiry', 'SECTION_47'],
    ['s47_strategy_discussion', 'SECTION_47'],
    ['cp_conference', 'SECTION_47'],
    ['cp_plan', 'SECTION_47'],
    ['cp_plan_category', 'SECTION_47'],
    ['cp_core_group', 'SECTION_47'],
  ] as Array<[string, Purpose]>)('given a change to %s first, then the event says %s', (entity, purpose) => {
    const event = changeEvent(contextOf(worker), 'UPDATE', ['p-1'], [change(entity), change('referral')]);
    expect(event.purpose).toBe(purpose);
  });

  it('given a change to an entity of no listed workflow, or no change at all, then no purpose (null, not a guess)', () => {
    expect(changeEvent(contextOf(worker), 'UPDATE', ['p-1'], [change('system_setting')]).purpose).toBeNull();
    expect(changeEvent(contextOf(worker), 'UPDATE', [], []).purpose).toBeNull();
    expect(buildAuditEvent(contextOf(worker), 'EXECUTE', 'SUCCESS').purpose).toBeNull();
    // An inherited name is no workflow.
    expect(changeEvent(contextOf(worker), 'UPDATE', ['p-1'], [change('constructor')]).purpose).toBeNull();
  });

  it('given break-glass being opened, then its purpose is BREAK_GLASS whatever it changes first', () => {
    expect(changeEvent(contextOf(worker), 'BREAK_GLASS', ['p-1'], [change('referral')]).purpose).toBe('BREAK_GLASS');
    expect(buildAuditEvent(contextOf(worker), 'BREAK_GLASS', 'DENIED').purpose).toBe('BREAK_GLASS');
  });

  it('given a change to a break-glass record, then an IG auditor reviewing it acts for IG_AUDIT, anyone else for BREAK_GLASS', () => {
    const ig = viewer(['IG_AUDITOR']);
    expect(changeEvent(contextOf(ig), 'UPDATE', ['p-1'], [change('break_glass')]).purpose).toBe('IG_AUDIT');
    expect(changeEvent(contextOf(worker), 'UPDATE', ['p-1'], [change('break_glass')]).purpose).toBe('BREAK_GLASS');
  });

  it('given a purpose the operation declared, then that purpose, not the implied one', () => {
    const ctx = contextOf(worker);
    ctx.access.declarePurpose('STRATEGY');
    expect(changeEvent(ctx, 'UPDATE', ['p-1'], [change('referral')]).purpose).toBe('STRATEGY');
  });
});

describe("the connection's addresses (ADR 014)", () => {
  it('given both ends, then both are named; given either missing, then none (no half-known address)', () => {
    expect(networkOf('10.0.0.1', '10.0.0.2')).toEqual({ network: { client: '10.0.0.1', server: '10.0.0.2' } });
    expect(networkOf('10.0.0.1', undefined)).toEqual({});
    expect(networkOf(undefined, '10.0.0.2')).toEqual({});
    expect(networkOf(undefined, undefined)).toEqual({});
  });

  it('given a request with a network, then the event carries it; without, the event has no network key', () => {
    const network = { client: '10.0.0.1', server: '10.0.0.2' };
    expect(buildAuditEvent(contextOf(worker, { network } as Partial<RequestContext>), 'READ', 'SUCCESS')).toMatchObject(
      {
        network,
      },
    );
    expect('network' in buildAuditEvent(contextOf(worker), 'READ', 'SUCCESS')).toBe(false);
  });
});
