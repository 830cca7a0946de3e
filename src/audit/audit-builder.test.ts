import { AccessPolicy, DEFAULT_POLICY } from '../access-policy/policy';
import { GUARD, RequestAccess, type Guarded } from '../access-policy/request-access';
import type { Viewer } from '../access-policy/viewer';
import type { RequestContext } from '../context/context';
import { buildAuditEvent, changeEvent } from './audit-builder';

/**
 * The audit event is what an IG auditor later reads: every set the request collected must reach it
 * whole. The chain verifies whatever payload was written, so an event that dropped a released field
 * or a subject would still verify: only these cases catch it.
 */

const police: Viewer = {
  sub: 'pc-1',
  name: 'PC Example',
  agency: 'police',
  agencyKind: 'POLICE',
  roles: ['POLICE_MASH_OFFICER'],
};

function contextWith(access: RequestAccess): RequestContext {
  return {
    requestId: 'req-1',
    viewer: police,
    access,
    operation: { type: 'query', name: 'PersonView', documentHash: 'abc' },
  } as unknown as RequestContext;
}

describe('buildAuditEvent: what the request collected becomes the event', () => {
  it('given a read that released some fields and redacted others about two people, then each subject carries its record ids, released, redacted, relationships and detail owners, sorted', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    access.declarePurpose('STRATEGY');
    const b = access.guard(
      {},
      { owner: 'health', relationships: new Set(['STRATEGY_INVITE'] as const) },
      ['p-b'],
      'rec-2',
    ) as Guarded<object>;
    const a = access.guard(
      {},
      { owner: 'police', relationships: new Set(['OWN_AGENCY_RECORD'] as const) },
      ['p-a', 'p-b'],
      'rec-1',
    ) as Guarded<object>;
    access.released(b[GUARD], 'HealthRecord.clinicalNotes', 'AGENCY_DETAIL');
    access.released(a[GUARD], 'PoliceRecord.summary', 'SHARED_SUMMARY');
    access.redacted(b[GUARD], 'HealthRecord.sealedNote', 'person.records.1.sealedNote', 'SEALED');
    access.attempted('p-c', 'NOT_FOUND');

    const event = buildAuditEvent(contextWith(access), 'READ', 'PARTIAL');

    expect(event).toMatchObject({
      requestId: 'req-1',
      actor: { sub: 'pc-1', agency: 'police', roles: ['POLICE_MASH_OFFICER'] },
      purpose: 'STRATEGY',
      operation: { type: 'query', name: 'PersonView', documentHash: 'abc' },
      action: 'READ',
      outcome: 'PARTIAL',
      errorCodes: [],
      changes: [],
    });
    const byPerson = Object.fromEntries(event.subjects.map((s) => [s.personId, s]));
    expect(Object.keys(byPerson).sort()).toEqual(['p-a', 'p-b', 'p-c']);
    expect(byPerson['p-a']).toEqual({
      personId: 'p-a',
      outcome: 'DISCLOSED',
      recordIds: ['rec-1'],
      released: ['PoliceRecord.summary'],
      redacted: [],
      relationships: ['OWN_AGENCY_RECORD'],
    });
    expect(byPerson['p-b']).toEqual({
      personId: 'p-b',
      outcome: 'DISCLOSED',
      recordIds: ['rec-1', 'rec-2'],
      released: ['HealthRecord.clinicalNotes', 'PoliceRecord.summary'],
      redacted: ['HealthRecord.sealedNote:SEALED'],
      relationships: ['OWN_AGENCY_RECORD', 'STRATEGY_INVITE'],
      detailOwners: ['health'],
    });
    expect(byPerson['p-c']).toMatchObject({ outcome: 'NOT_FOUND', released: [], recordIds: [] });
  });

  it('given explicit subjects and error codes, then they are used as given', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    access.guard({}, { owner: null, relationships: new Set() }, ['ignored']);
    const subjects = [
      { personId: 'p-x', outcome: 'DENIED' as const, recordIds: [], released: [], redacted: [], relationships: [] },
    ];
    const event = buildAuditEvent(contextWith(access), 'QUERY', 'ERROR', { subjects, errorCodes: ['FORBIDDEN'] });
    expect(event.subjects).toEqual(subjects);
    expect(event.errorCodes).toEqual(['FORBIDDEN']);
  });

  it('given two events, then each has its own time-ordered id and a timestamp', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    const first = buildAuditEvent(contextWith(access), 'READ', 'SUCCESS');
    const second = buildAuditEvent(contextWith(access), 'READ', 'SUCCESS');
    expect(first.id).not.toEqual(second.id);
    expect(first.id < second.id).toBe(true);
    expect(Number.isNaN(Date.parse(first.occurredAt))).toBe(false);
  });
});

describe('changeEvent: a change names every person it touched and the records it changed', () => {
  it('given a change to two records about one person listed twice, then one CHANGED subject with both record ids, and non-record changes are not record ids', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    const changes = [
      { entity: 'agency_record', id: 'rec-1', before: null, after: { v: 1 } },
      { entity: 'agency_record', id: 'rec-2', before: { v: 1 }, after: { v: 2 } },
      { entity: 'referral', id: 'ref-1', before: null, after: { status: 'NEW' } },
    ];
    const event = changeEvent(contextWith(access), 'UPDATE', ['p-1', 'p-1', 'p-2'], changes);
    expect(event.outcome).toBe('SUCCESS');
    expect(event.action).toBe('UPDATE');
    expect(event.changes).toEqual(changes);
    expect(event.subjects).toEqual([
      {
        personId: 'p-1',
        outcome: 'CHANGED',
        recordIds: ['rec-1', 'rec-2'],
        released: [],
        redacted: [],
        relationships: [],
      },
      {
        personId: 'p-2',
        outcome: 'CHANGED',
        recordIds: ['rec-1', 'rec-2'],
        released: [],
        redacted: [],
        relationships: [],
      },
    ]);
  });
});

describe("buildAuditEvent: the request's own facts", () => {
  it('given a request under break-glass with a client correlation id, then both are in the event, with the actor as the token named them', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    access.declarePurpose('BREAK_GLASS');
    access.breakGlass = { id: 'bg-1', reason: 'Child missing overnight' };
    const event = buildAuditEvent(
      { ...contextWith(access), correlationId: 'client-7' } as RequestContext,
      'BREAK_GLASS',
      'SUCCESS',
    );
    expect(event).toMatchObject({
      correlationId: 'client-7',
      purpose: 'BREAK_GLASS',
      breakGlass: { id: 'bg-1', reason: 'Child missing overnight' },
      actor: { sub: 'pc-1', name: 'PC Example', agency: 'police', roles: ['POLICE_MASH_OFFICER'] },
      action: 'BREAK_GLASS',
    });
  });

  it('given no correlation id, then the event has no such key (not an empty one)', () => {
    const event = buildAuditEvent(
      contextWith(new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY))),
      'READ',
      'SUCCESS',
    );
    expect('correlationId' in event).toBe(false);
    expect(event.breakGlass).toBeNull();
    expect(event.purpose).toBeNull();
  });

  it('given fields and owners collected out of order, then every list in the subject is sorted (the same read always hashes the same)', () => {
    const access = new RequestAccess(police, new AccessPolicy(DEFAULT_POLICY));
    access.declarePurpose('STRATEGY');
    const x = access.guard(
      {},
      { owner: 'probation', relationships: new Set(['STRATEGY_INVITE'] as const) },
      ['p'],
      'rec-9',
    ) as Guarded<object>;
    const y = access.guard(
      {},
      { owner: 'health', relationships: new Set(['MEETING_INVITE'] as const) },
      ['p'],
      'rec-1',
    ) as Guarded<object>;
    access.released(x[GUARD], 'ProbationRecord.summary', 'AGENCY_DETAIL');
    access.released(y[GUARD], 'HealthRecord.summary', 'AGENCY_DETAIL');
    access.redacted(x[GUARD], 'ProbationRecord.sealedNote', 'a', 'SEALED');
    access.redacted(y[GUARD], 'HealthRecord.clinicalNotes', 'b', 'NEED_TO_KNOW');
    const [subject] = buildAuditEvent(contextWith(access), 'READ', 'PARTIAL').subjects;
    expect(subject).toEqual({
      personId: 'p',
      outcome: 'DISCLOSED',
      recordIds: ['rec-1', 'rec-9'],
      released: ['HealthRecord.summary', 'ProbationRecord.summary'],
      redacted: ['HealthRecord.clinicalNotes:NEED_TO_KNOW', 'ProbationRecord.sealedNote:SEALED'],
      relationships: ['MEETING_INVITE', 'STRATEGY_INVITE'],
      detailOwners: ['health', 'probation'],
    });
  });
});
